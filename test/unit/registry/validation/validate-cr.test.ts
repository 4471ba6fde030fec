import assert from 'node:assert/strict';
import { invalid } from '../../../../src/api/errors.js';
import { validateCustomResource, type JSONSchemaProps } from '../../../../src/registry/validation/index.js';
import { WIDGET_SCHEMA } from './fixtures.js';

type Body = Record<string, unknown>;
const ID = { group: 'example.com', version: 'v1', kind: 'Widget', name: 'w' };
const widget = (spec: Body, extra: Body = {}): Body => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 1, ...spec }, ...extra });
const template = (extra: Body = {}): Body => ({ apiVersion: 'v1', kind: 'Pod', ...extra });

describe('validateCustomResource', () => {
  /** [case, object, expected causes as [type, field]]. */
  const CASES: [string, Body, [string, string][]][] = [
    ['a valid Widget', widget({ color: 'red', name: 'abc', port: 'http', ratio: null, tags: ['a', 'b'], template: template() }), []],
    ['int-or-string takes an integer', widget({ port: 8080 }), []],
    ['a string size is a type error (422, not 400)', widget({ size: 'big' }), [['FieldValueTypeInvalid', 'spec.size']]],
    ['a missing required field', { ...widget({}), spec: { color: 'red' } }, [['FieldValueRequired', 'spec.size']]],
    ['an enum miss', widget({ color: 'blue' }), [['FieldValueNotSupported', 'spec.color']]],
    ['below the minimum', widget({ size: 0 }), [['FieldValueInvalid', 'spec.size']]],
    ['above the maximum', widget({ size: 11 }), [['FieldValueInvalid', 'spec.size']]],
    ['a pattern miss', widget({ name: 'ABC' }), [['FieldValueInvalid', 'spec.name']]],
    ['too short', widget({ name: 'a' }), [['FieldValueInvalid', 'spec.name']]],
    ['too long', widget({ name: 'abcdefghij' }), [['FieldValueTooLong', 'spec.name']]],
    ['a bad format', widget({ email: 'not-an-email' }), [['FieldValueInvalid', 'spec.email']]],
    ['int-or-string refuses a boolean', widget({ port: true }), [['FieldValueTypeInvalid', 'spec.port']]],
    ['null on a non-nullable field', widget({ name: null }), [['FieldValueTypeInvalid', 'spec.name']]],
    ['too many items', widget({ tags: ['a', 'b', 'c', 'd'] }), [['FieldValueTooMany', 'spec.tags']]],
    ['a wrong item type', widget({ tags: ['a', 1] }), [['FieldValueTypeInvalid', 'spec.tags[1]']]],
    ['a set with a repeat', widget({ tags: ['a', 'b', 'a'] }), [['FieldValueDuplicate', 'spec.tags[2]']]],
    [
      'a list map with a repeated key and a missing one',
      widget({ ports: [{ name: 'a' }, { port: 1 }, { name: 'a', port: 2 }] }),
      [['FieldValueRequired', 'spec.ports[1].name'], ['FieldValueDuplicate', 'spec.ports[2]']],
    ],
    ['inside map values', widget({ limits: { cpu: { max: 'x' } } }), [['FieldValueTypeInvalid', 'spec.limits.cpu.max']]],
    ['a scalar where a map goes', widget({ limits: 5 }), [['FieldValueTypeInvalid', 'spec.limits']]],
    ['an embedded resource without apiVersion and kind', widget({ template: {} }), [['FieldValueRequired', 'spec.template.apiVersion'], ['FieldValueRequired', 'spec.template.kind']]],
    ['an embedded resource with a bad kind', widget({ template: template({ kind: 'No_Such' }) }), [['FieldValueInvalid', 'spec.template.kind']]],
    ['an embedded resource with a bad apiVersion', widget({ template: template({ apiVersion: 'a/b/c' }) }), [['FieldValueInvalid', 'spec.template.apiVersion']]],
    ['a wrong kind stops there', { ...widget({ size: 'x' }), kind: 'Gadget' }, [['FieldValueInvalid', 'kind']]],
    ['a wrong apiVersion stops there', { ...widget({ size: 'x' }), apiVersion: 'example.com/v2' }, [['FieldValueInvalid', 'apiVersion']]],
    [
      'several problems, all reported',
      widget({ size: 'x', color: 'blue', tags: [1] }),
      [['FieldValueTypeInvalid', 'spec.size'], ['FieldValueNotSupported', 'spec.color'], ['FieldValueTypeInvalid', 'spec.tags[0]']],
    ],
  ];
  for (const [name, obj, causes] of CASES) {
    it(name, () => {
      const errs = validateCustomResource(WIDGET_SCHEMA, obj, ID);
      assert.deepEqual(errs.map((e) => [e.type, e.field]), causes);
    });
  }

  it('renders as a 422 Invalid with the Kind', () => {
    const err = invalid(ID, ID.name, validateCustomResource(WIDGET_SCHEMA, widget({ size: 'big' }), ID));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.status.details?.kind, 'Widget');
    assert.equal(err.status.details?.group, 'example.com');
  });

  it('accepts any apiVersion of the group when no version is given', () => {
    const obj = { ...widget({}), apiVersion: 'example.com/v9' };
    assert.deepEqual(validateCustomResource(WIDGET_SCHEMA, obj, { group: 'example.com', kind: 'Widget' }), []);
  });

  describe('junctors', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string' } },
          oneOf: [{ required: ['a'] }, { required: ['b'] }],
          not: { required: ['c'] },
        },
        n: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 0 }], allOf: [{ multipleOf: 2 }] },
      },
    };
    /** [case, object, causes]. */
    const JUNCTOR_CASES: [string, Body, [string, string][]][] = [
      ['oneOf satisfied', { kind: 'Widget', spec: { a: 'x' }, n: 12 }, []],
      ['oneOf matched twice', { kind: 'Widget', spec: { a: 'x', b: 'y' } }, [['FieldValueInvalid', '<nil>']]],
      ['oneOf matched by none', { kind: 'Widget', spec: {} }, [['FieldValueInvalid', '<nil>'], ['FieldValueRequired', 'spec.a']]],
      ['not violated', { kind: 'Widget', spec: { a: 'x', c: 1 } }, [['FieldValueInvalid', '<nil>']]],
      ['anyOf and allOf', { kind: 'Widget', spec: { a: 'x' }, n: 5 }, [['FieldValueInvalid', '<nil>'], ['FieldValueInvalid', 'n'], ['FieldValueInvalid', '<nil>'], ['FieldValueInvalid', 'n']]],
    ];
    for (const [name, obj, causes] of JUNCTOR_CASES) {
      it(name, () => {
        const errs = validateCustomResource(schema, obj, { group: 'example.com', kind: 'Widget' });
        assert.deepEqual(errs.map((e) => [e.type, e.field]), causes);
      });
    }
  });
});
