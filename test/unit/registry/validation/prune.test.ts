import assert from 'node:assert/strict';
import { pruneNonNullableNulls, pruneUnknownFields } from '../../../../src/registry/validation/index.js';
import { WIDGET_SCHEMA } from './fixtures.js';

type Body = Record<string, unknown>;
const widget = (spec: Body, extra: Body = {}): Body => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w', labels: { a: 'b' } },
  spec: { size: 1, ...spec },
  ...extra,
});

describe('pruneUnknownFields (custom resources)', () => {
  /** [case, object, pruned paths, object after pruning]. */
  const CASES: [string, Body, string[], Body][] = [
    ['nothing unknown', widget({ color: 'red' }), [], widget({ color: 'red' })],
    ['unknown at the root and in spec', widget({ foo: 1 }, { bar: 2 }), ['bar', 'spec.foo'], widget({})],
    ['sorted, as upstream', widget({ z: 1, a: 1 }), ['spec.a', 'spec.z'], widget({})],
    [
      'inside list items',
      widget({ ports: [{ name: 'http', bogus: true }, { name: 'x' }] }),
      ['spec.ports[0].bogus'],
      widget({ ports: [{ name: 'http' }, { name: 'x' }] }),
    ],
    ['inside map values', widget({ limits: { cpu: { max: 1, min: 0 } } }), ['spec.limits.cpu.min'], widget({ limits: { cpu: { max: 1 } } })],
    [
      'preserve-unknown-fields keeps unknown keys but prunes known subtrees',
      widget({ config: { free: { deep: [{ x: 1 }] }, known: { a: 'x', b: 'y' } } }),
      ['spec.config.known.b'],
      widget({ config: { free: { deep: [{ x: 1 }] }, known: { a: 'x' } } }),
    ],
    [
      'embedded resources keep apiVersion, kind and metadata',
      widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { replicas: 1, other: 1 }, extra: 1 } }),
      ['spec.template.extra', 'spec.template.spec.other'],
      widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 'b' } }, spec: { replicas: 1 } } }),
    ],
    [
      'embedded metadata is cut to ObjectMeta',
      widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', bogus: 1 } } }),
      ['spec.template.metadata.bogus'],
      widget({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } }),
    ],
    [
      'root metadata is cut to ObjectMeta, reported first',
      { ...widget({ q: 1 }), metadata: { name: 'w', nmae: 'x' } },
      ['metadata.nmae', 'spec.q'],
      { ...widget({}), metadata: { name: 'w' } },
    ],
    [
      'preserving embedded resource',
      widget({ anything: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } }),
      [],
      widget({ anything: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } }),
    ],
    ['a scalar where an object goes is left for validation', widget({ limits: 5 }), [], widget({ limits: 5 })],
  ];
  for (const [name, obj, pruned, after] of CASES) {
    it(name, () => {
      const copy = structuredClone(obj);
      assert.deepEqual(pruneUnknownFields(WIDGET_SCHEMA, copy), pruned);
      assert.deepEqual(copy, after);
    });
  }

  it('keeps only apiVersion, kind and metadata without a schema', () => {
    const obj = widget({});
    assert.deepEqual(pruneUnknownFields(undefined, obj), ['spec']);
    assert.deepEqual(Object.keys(obj), ['apiVersion', 'kind', 'metadata']);
  });

  it('keeps everything under a root that preserves unknown fields', () => {
    const obj = widget({ foo: 1 }, { bar: 2 });
    assert.deepEqual(pruneUnknownFields({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, obj), []);
    assert.deepEqual(obj, widget({ foo: 1 }, { bar: 2 }));
  });
});

describe('pruneNonNullableNulls', () => {
  it('drops nulls the schema neither allows nor defaults', () => {
    const obj = widget({ color: null, ratio: null, ports: [{ name: 'a', port: null }] }, { status: { phase: null } });
    pruneNonNullableNulls(WIDGET_SCHEMA, obj);
    assert.deepEqual(obj, widget({ ratio: null, ports: [{ name: 'a', port: null }] }, { status: { phase: null } }));
  });
});
