import assert from 'node:assert/strict';
import { checkStructural, type JSONSchemaProps } from '../../../../src/registry/validation/index.js';
import { WIDGET_SCHEMA } from './fixtures.js';

const root = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => ({ type: 'object', properties, ...extra });
const spec = (properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps => root({ spec: { type: 'object', properties, ...extra } });

describe('checkStructural', () => {
  /** [case, schema, expected causes as [type, field]]. */
  const CASES: [string, unknown, [string, string][]][] = [
    ['the Widget schema is structural', WIDGET_SCHEMA, []],
    ['preserve-unknown-fields needs no type', spec({ free: { 'x-kubernetes-preserve-unknown-fields': true } }), []],
    ['int-or-string needs no type', spec({ port: { 'x-kubernetes-int-or-string': true } }), []],
    [
      'int-or-string with the anyOf pattern',
      spec({ port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } }),
      [],
    ],
    ['a field without type', spec({ foo: { properties: { a: { type: 'string' } } } }), [['FieldValueRequired', 'properties[spec].properties[foo].type']]],
    ['no type at the root', { properties: {} }, [['FieldValueRequired', 'type']]],
    ['an unknown type', spec({ s: { type: 'strin' } }), [['FieldValueNotSupported', 'properties[spec].properties[s].type']]],
    ['a non-object root', { type: 'string' }, [['FieldValueInvalid', 'type']]],
    ['array items without type', spec({ list: { type: 'array', items: {} } }), [['FieldValueRequired', 'properties[spec].properties[list].items.type']]],
    ['an array without items', spec({ list: { type: 'array' } }), [['FieldValueRequired', 'properties[spec].properties[list].items']]],
    ['items as an array', spec({ list: { type: 'array', items: [{ type: 'string' }] } }), [['FieldValueForbidden', 'properties[spec].properties[list].items']]],
    [
      'properties and additionalProperties together',
      spec({ m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
      [['FieldValueForbidden', 'properties[spec].properties[m].additionalProperties']],
    ],
    ['additionalProperties false', spec({ m: { type: 'object', additionalProperties: false } }), [['FieldValueForbidden', 'properties[spec].properties[m].additionalProperties']]],
    ['additionalProperties at the root', { type: 'object', additionalProperties: { type: 'string' } }, [['FieldValueForbidden', 'additionalProperties']]],
    ['a map value without type', spec({ m: { type: 'object', additionalProperties: {} } }), [['FieldValueRequired', 'properties[spec].properties[m].additionalProperties.type']]],
    ['$ref', spec({ r: { type: 'object', $ref: '#/definitions/x' } }), [['FieldValueForbidden', 'properties[spec].properties[r].$ref']]],
    ['preserve-unknown-fields false', spec({ f: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }), [['FieldValueInvalid', 'properties[spec].properties[f].x-kubernetes-preserve-unknown-fields']]],
    ['uniqueItems', spec({ l: { type: 'array', items: { type: 'string' }, uniqueItems: true } }), [['FieldValueForbidden', 'properties[spec].properties[l].uniqueItems']]],
    [
      'an embedded resource that is not an object',
      spec({ e: { type: 'string', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }),
      [['FieldValueInvalid', 'properties[spec].properties[e].type']],
    ],
    [
      'an embedded resource without properties nor preserve',
      spec({ e: { type: 'object', 'x-kubernetes-embedded-resource': true } }),
      [['FieldValueRequired', 'properties[spec].properties[e].properties']],
    ],
    [
      'root metadata restricting more than name',
      root({ metadata: { type: 'object', properties: { name: { type: 'string' }, labels: { type: 'object' } } } }),
      [['FieldValueForbidden', 'properties[metadata]']],
    ],
    ['root metadata restricting name only', root({ metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } } }), []],
    ['a non-string kind at the root', root({ kind: { type: 'integer' } }), [['FieldValueInvalid', 'properties[kind].type']]],
    [
      'type inside a junctor',
      spec({ a: { type: 'string' } }, { anyOf: [{ type: 'object', required: ['a'] }] }),
      [['FieldValueForbidden', 'properties[spec].anyOf[0].type']],
    ],
    ['metadata inside a junctor', root({ spec: { type: 'object' } }, { allOf: [{ properties: { metadata: {} } }] }), [['FieldValueForbidden', 'allOf[0].properties[metadata]'], ['FieldValueRequired', 'properties[metadata]']]],
    [
      'a junctor naming an unspecified property',
      spec({ a: { type: 'string' } }, { oneOf: [{ properties: { b: { minLength: 1 } } }] }),
      [['FieldValueRequired', 'properties[spec].properties[b]']],
    ],
    ['a bad list type', spec({ l: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' } }), [['FieldValueNotSupported', 'properties[spec].properties[l].x-kubernetes-list-type']]],
    [
      'a list map without keys',
      spec({ l: { type: 'array', items: { type: 'object', properties: { n: { type: 'string' } } }, 'x-kubernetes-list-type': 'map' } }),
      [['FieldValueRequired', 'properties[spec].properties[l].x-kubernetes-list-map-keys']],
    ],
    [
      'a list map key that is neither required nor defaulted',
      spec({ l: { type: 'array', items: { type: 'object', properties: { n: { type: 'string' } } }, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['n'] } }),
      [['FieldValueInvalid', 'properties[spec].properties[l].x-kubernetes-list-map-keys']],
    ],
    ['an invalid default', spec({ n: { type: 'integer', default: 'x' } }), [['FieldValueTypeInvalid', 'properties[spec].properties[n].default']]],
    ['a default out of range', spec({ n: { type: 'integer', minimum: 5, default: 1 } }), [['FieldValueInvalid', 'properties[spec].properties[n].default']]],
    [
      'a default with unknown fields',
      spec({ o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } }),
      [['FieldValueInvalid', 'properties[spec].properties[o].default']],
    ],
    ['a valid default', spec({ o: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x' } } }), []],
    ['not an object at all', 'nope', [['FieldValueRequired', '']]],
  ];
  for (const [name, schema, causes] of CASES) {
    it(name, () => {
      const errs = checkStructural(schema);
      assert.deepEqual(errs.map((e) => [e.type, e.field]).sort(), [...causes].sort());
    });
  }

  it('prefixes paths with the base path', () => {
    const errs = checkStructural(spec({ foo: {} }), 'spec.versions[0].schema.openAPIV3Schema');
    assert.deepEqual(errs.map((e) => e.field), ['spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[foo].type']);
  });

  it('sorts errors by their text', () => {
    const errs = checkStructural(spec({ z: {}, a: {} }));
    assert.deepEqual(errs.map((e) => e.field), ['properties[spec].properties[a].type', 'properties[spec].properties[z].type']);
  });
});
