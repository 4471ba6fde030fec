import assert from 'node:assert/strict';
import { applyDefaults, type JSONSchemaProps } from '../../../../src/registry/validation/index.js';
import { WIDGET_SCHEMA } from './fixtures.js';

const SCHEMA: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      default: {},
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', nullable: true, default: 'auto' },
        nested: { type: 'object', default: { level: 'one' }, properties: { level: { type: 'string' }, depth: { type: 'integer', default: 2 } } },
        items: { type: 'array', items: { type: 'object', properties: { port: { type: 'integer', default: 80 } } } },
        strings: { type: 'array', items: { type: 'string', default: 'x' } },
        byName: { type: 'object', additionalProperties: { type: 'object', default: { on: true }, properties: { on: { type: 'boolean' }, weight: { type: 'integer', default: 5 } } } },
      },
    },
  },
};

describe('applyDefaults', () => {
  /** [case, object, defaulted object]. */
  const CASES: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['an absent object is defaulted, then its fields', {}, { spec: { replicas: 1, mode: 'auto', nested: { level: 'one', depth: 2 } } }],
    ['explicit values win', { spec: { replicas: 3, mode: 'manual', nested: { level: 'two', depth: 0 } } }, { spec: { replicas: 3, mode: 'manual', nested: { level: 'two', depth: 0 } } }],
    ['explicit null on a nullable field stays', { spec: { mode: null } }, { spec: { replicas: 1, mode: null, nested: { level: 'one', depth: 2 } } }],
    ['null on a non-nullable field is defaulted', { spec: { replicas: null } }, { spec: { replicas: 1, mode: 'auto', nested: { level: 'one', depth: 2 } } }],
    [
      'inside list items',
      { spec: { items: [{}, { port: 8080 }], strings: ['a', null] } },
      { spec: { replicas: 1, mode: 'auto', nested: { level: 'one', depth: 2 }, items: [{ port: 80 }, { port: 8080 }], strings: ['a', 'x'] } },
    ],
    [
      'inside map values, null values included',
      { spec: { byName: { a: {}, b: null } } },
      { spec: { replicas: 1, mode: 'auto', nested: { level: 'one', depth: 2 }, byName: { a: { weight: 5 }, b: { on: true, weight: 5 } } } },
    ],
    ['a scalar where an object goes is left alone', { spec: 'x' }, { spec: 'x' }],
  ];
  for (const [name, obj, expected] of CASES) {
    it(name, () => {
      const copy = structuredClone(obj);
      applyDefaults(SCHEMA, copy);
      assert.deepEqual(copy, expected);
    });
  }

  it('copies defaults, never shares them', () => {
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    applyDefaults(SCHEMA, a);
    applyDefaults(SCHEMA, b);
    ((a.spec as Record<string, unknown>).nested as Record<string, unknown>).level = 'changed';
    assert.equal(((b.spec as Record<string, unknown>).nested as Record<string, unknown>).level, 'one');
    assert.deepEqual(SCHEMA.properties?.spec?.properties?.nested?.default, { level: 'one' });
  });

  it('defaults status and list-map keys of the Widget', () => {
    const obj: Record<string, unknown> = { spec: { size: 1, ports: [{ name: 'a' }] } };
    applyDefaults(WIDGET_SCHEMA, obj);
    assert.deepEqual(obj, { spec: { size: 1, ports: [{ name: 'a', port: 80 }] } });
  });
});
