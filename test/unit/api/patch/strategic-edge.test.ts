import assert from 'node:assert/strict';
import { cloneJson, type JsonObject } from '../../../../src/api/patch/json-value.js';
import { patchMetaFromOpenApiV2, type OpenApiV2Definitions } from '../../../../src/api/patch/openapi-meta.js';
import { EMPTY_PATCH_META, type PatchMeta } from '../../../../src/api/patch/patch-meta.js';
import { applyStrategicMergePatch } from '../../../../src/api/patch/strategic-merge.js';
import { MINI_DEFINITIONS, ROOTS, assertStatus, upstreamDefinitions } from './fixtures.js';

interface Case {
  readonly name: string;
  /** Root kind (a key of ROOTS), or 'none' for EMPTY_PATCH_META. */
  readonly kind: string;
  readonly live: JsonObject;
  readonly patch: unknown;
  readonly want?: JsonObject;
  readonly err?: readonly [number, string];
}

const c = (name: string, ...containers: JsonObject[]): JsonObject => ({ name, ...Object.assign({}, ...containers) });
const pod = (spec: JsonObject): JsonObject => ({ spec });
const containers = (...items: JsonObject[]): JsonObject => pod({ containers: items });
const named = (...names: string[]): JsonObject[] => names.map((name) => ({ name }));

/** Cases whose expectations were derived by hand from upstream's algorithm (apimachinery strategicpatch). */
const CASES: readonly Case[] = [
  {
    name: 'nested merge-key lists: env and ports merge inside a container merged by name',
    kind: 'Pod',
    live: containers(
      c('a', { image: 'a:1', env: [{ name: 'X', value: '1' }, { name: 'Y', value: 'y' }], ports: [{ containerPort: 80, name: 'http' }] }),
      c('b', { image: 'b:1' }),
    ),
    patch: containers(c('a', { env: [{ name: 'Z', value: 'z' }, { name: 'X', value: '2' }], ports: [{ containerPort: 443, name: 'https' }] })),
    want: containers(
      c('a', {
        image: 'a:1',
        env: [{ name: 'Z', value: 'z' }, { name: 'X', value: '2' }, { name: 'Y', value: 'y' }],
        ports: [{ containerPort: 443, name: 'https' }, { containerPort: 80, name: 'http' }],
      }),
      c('b', { image: 'b:1' }),
    ),
  },
  {
    name: 'volumes: $patch delete on an item, a new item goes first',
    kind: 'Pod',
    live: pod({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'c1' } }] }),
    patch: pod({ volumes: [{ name: 'cfg', $patch: 'delete' }, { name: 'new', secret: { secretName: 's' } }] }),
    want: pod({ volumes: [{ name: 'new', secret: { secretName: 's' } }, { name: 'data', emptyDir: {} }] }),
  },
  {
    name: '$setElementOrder alone reorders a nested list (items absent from the patch)',
    kind: 'Pod',
    live: containers(c('a', { env: [{ name: 'A', value: '1' }, { name: 'B' }, { name: 'C' }] })),
    patch: containers(c('a', { '$setElementOrder/env': named('C', 'A', 'B') })),
    want: containers(c('a', { env: [{ name: 'C' }, { name: 'A', value: '1' }, { name: 'B' }] })),
  },
  {
    name: '$setElementOrder with kubectl shape: a new env var placed as ordered',
    kind: 'Pod',
    live: containers(c('a', { env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] })),
    patch: containers(c('a', { '$setElementOrder/env': named('A', 'C', 'B'), env: [{ name: 'C', value: '3' }] })),
    want: containers(c('a', { env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }, { name: 'B', value: '2' }] })),
  },
  {
    name: '$setElementOrder for a list found nowhere is ignored',
    kind: 'Pod',
    live: containers(c('a')),
    patch: pod({ '$setElementOrder/initContainers': named('x') }),
    want: containers(c('a')),
  },
  {
    name: '$setElementOrder with only a patch list: directive items dropped, order applied',
    kind: 'Pod',
    live: containers(c('a')),
    patch: pod({ '$setElementOrder/initContainers': named('i1', 'i2'), initContainers: [{ name: 'i1' }, { name: 'gone', $patch: 'delete' }, { name: 'i2' }] }),
    want: pod({ containers: [{ name: 'a' }], initContainers: named('i1', 'i2') }),
  },
  {
    name: 'two deletions and two additions: new items land after server-only items (upstream slice aliasing)',
    kind: 'Pod',
    live: containers(...named('a', 'b', 'x', 'd', 'y')),
    patch: pod({
      '$setElementOrder/containers': named('d', 'c', 'e'),
      containers: [{ name: 'c' }, { name: 'e' }, { name: 'a', $patch: 'delete' }, { name: 'b', $patch: 'delete' }],
    }),
    want: containers(...named('x', 'd', 'y', 'c', 'e')),
  },
  {
    name: '$deleteFromPrimitiveList on a missing list leaves it missing',
    kind: 'Pod',
    live: { metadata: { labels: { a: '1' } } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { labels: { a: '1' } } },
  },
  {
    name: 'a list and its $deleteFromPrimitiveList in one patch: merge, then delete',
    kind: 'Pod',
    live: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { finalizers: ['c', 'b'] } },
  },
  {
    name: 'retainKeys switches a union member and merges the kept one',
    kind: 'Deployment',
    live: { spec: { strategy: { type: 'Recreate' } } },
    patch: { spec: { strategy: { $retainKeys: ['type', 'rollingUpdate'], type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
    want: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } } },
  },
  {
    name: 'a retainKeys field without the directive merges like any map',
    kind: 'Deployment',
    live: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1' } } } },
    patch: { spec: { strategy: { rollingUpdate: { maxUnavailable: '0' } } } },
    want: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '1', maxUnavailable: '0' } } } },
  },
  {
    name: '$retainKeys exempts nulls and directive lists from its check',
    kind: 'Pod',
    live: containers(c('a', { image: 'i', args: ['x', 'y'], command: ['sh'] })),
    patch: containers(c('a', { $retainKeys: ['name', 'args'], command: null, '$deleteFromPrimitiveList/args': ['x'] })),
    want: containers(c('a', { args: ['y'] })),
  },
  {
    name: 'nulls inside a merged list item delete nested members',
    kind: 'Pod',
    live: pod({ volumes: [{ name: 'v', configMap: { name: 'c', optional: true } }] }),
    patch: pod({ volumes: [{ name: 'v', configMap: { optional: null } }] }),
    want: pod({ volumes: [{ name: 'v', configMap: { name: 'c' } }] }),
  },
  {
    name: 'nulls inside an inserted map are dropped',
    kind: 'Pod',
    live: { metadata: { labels: { a: '1' } } },
    patch: { metadata: { annotations: { a: null, b: '1' } } },
    want: { metadata: { labels: { a: '1' }, annotations: { b: '1' } } },
  },
  {
    name: 'an inserted list loses directive items and nulls',
    kind: 'Pod',
    live: containers(c('a')),
    patch: pod({ initContainers: [{ name: 'i', image: null }, { name: 'gone', $patch: 'delete' }] }),
    want: pod({ containers: [{ name: 'a' }], initContainers: [{ name: 'i' }] }),
  },
  {
    name: 'an appended list item is taken verbatim, nulls kept for the decoder to drop',
    kind: 'Pod',
    live: containers(c('a')),
    patch: containers(c('b', { image: null })),
    want: containers(c('b', { image: null }), c('a')),
  },
  {
    name: 'a type change replaces with the cleaned patch value',
    kind: 'Pod',
    live: { metadata: { labels: 'oops' } },
    patch: { metadata: { labels: { a: '1', b: null } } },
    want: { metadata: { labels: { a: '1' } } },
  },
  {
    name: 'replace and delete directives together: replace wins',
    kind: 'Pod',
    live: containers(...named('a', 'b')),
    patch: containers({ $patch: 'replace' }, { name: 'a', $patch: 'delete' }, { name: 'c' }),
    want: containers(c('c')),
  },
  {
    name: 'two patch items with one new key merge into one appended item',
    kind: 'Pod',
    live: containers(c('a')),
    patch: containers(c('c', { image: '1' }), c('c', { command: ['x'] })),
    want: containers(c('c', { image: '1', command: ['x'] }), c('a')),
  },
  {
    name: 'an empty patch list leaves a merge list alone',
    kind: 'Pod',
    live: containers(...named('a', 'b')),
    patch: containers(),
    want: containers(...named('a', 'b')),
  },
  {
    name: 'merge keys compare type-sensitively: "80" is not 80',
    kind: 'Pod',
    live: containers(c('a', { ports: [{ containerPort: 80, name: 'http' }] })),
    patch: containers(c('a', { ports: [{ containerPort: '80', name: 'x' }] })),
    want: containers(c('a', { ports: [{ containerPort: '80', name: 'x' }, { containerPort: 80, name: 'http' }] })),
  },
  {
    name: '$patch replace on the whole object',
    kind: 'Pod',
    live: containers(c('a')),
    patch: { $patch: 'replace', kind: 'Pod', spec: {} },
    want: { kind: 'Pod', spec: {} },
  },
  {
    name: 'a null body changes nothing',
    kind: 'Pod',
    live: containers(c('a')),
    patch: null,
    want: containers(c('a')),
  },
  {
    name: 'EMPTY_PATCH_META: maps merge, lists are replaced, directives still apply',
    kind: 'none',
    live: { spec: { items: [{ name: 'a' }, { name: 'b' }], labels: { a: '1' }, gone: { x: 1 } } },
    patch: { spec: { items: [{ name: 'c' }], labels: { b: '2' }, gone: { $patch: 'delete' } } },
    want: { spec: { items: [{ name: 'c' }], labels: { a: '1', b: '2' }, gone: {} } },
  },
  { name: 'a merge directive on a map is 400', kind: 'Pod', live: { metadata: {} }, patch: { metadata: { $patch: 'merge' } }, err: [400, 'BadRequest'] },
  { name: 'an unknown $patch in a list item is 400', kind: 'Pod', live: containers(c('a')), patch: containers({ name: 'a', $patch: 'frob' }), err: [400, 'BadRequest'] },
  { name: 'a delete directive without the merge key is 400', kind: 'Pod', live: containers(c('a')), patch: containers({ $patch: 'delete' }), err: [400, 'BadRequest'] },
  { name: '$retainKeys that is not a list is 400', kind: 'Pod', live: pod({}), patch: { spec: { $retainKeys: 'name' } }, err: [400, 'BadRequest'] },
  { name: '$setElementOrder that is not a list is 400', kind: 'Pod', live: containers(c('a')), patch: pod({ '$setElementOrder/containers': 'a' }), err: [400, 'BadRequest'] },
  { name: 'a bare $setElementOrder key is 400', kind: 'Pod', live: containers(c('a')), patch: pod({ $setElementOrder: [] }), err: [400, 'BadRequest'] },
  { name: '$setElementOrder items without the merge key are 400', kind: 'Pod', live: containers(c('a')), patch: pod({ '$setElementOrder/containers': [{ image: 'x' }] }), err: [400, 'BadRequest'] },
  { name: '$setElementOrder on an undeclared field is 400 (upstream 500)', kind: 'Pod', live: pod({}), patch: pod({ '$setElementOrder/bogus': [] }), err: [400, 'BadRequest'] },
  { name: 'a list of lists is 422', kind: 'Pod', live: { metadata: { finalizers: [['a']] } }, patch: { metadata: { finalizers: [['b']] } }, err: [422, 'Invalid'] },
  { name: 'mixed element types in a merge list are 400', kind: 'Pod', live: { metadata: { finalizers: ['a'] } }, patch: { metadata: { finalizers: [1] } }, err: [400, 'BadRequest'] },
  { name: 'maps in a merge list without a merge key are 400', kind: 'Pod', live: { metadata: { finalizers: [{ a: 1 }] } }, patch: { metadata: { finalizers: [{ b: 2 }] } }, err: [400, 'BadRequest'] },
  { name: 'live items without the merge key make the merge 400', kind: 'Pod', live: containers({ image: 'x' }), patch: containers(c('a')), err: [400, 'BadRequest'] },
  { name: 'merging into an undeclared field of a struct is 400 (upstream 500)', kind: 'Pod', live: pod({ foo: { a: 1 } }), patch: pod({ foo: { b: 2 } }), err: [400, 'BadRequest'] },
  { name: 'an array body is 400', kind: 'Pod', live: {}, patch: [], err: [400, 'BadRequest'] },
  { name: 'a string body is 400', kind: 'Pod', live: {}, patch: 'x', err: [400, 'BadRequest'] },
];

function metaFor(kind: string, defs: OpenApiV2Definitions): PatchMeta {
  if (kind === 'none') return EMPTY_PATCH_META;
  const root = ROOTS[kind];
  assert.ok(root !== undefined);
  return patchMetaFromOpenApiV2(defs, root);
}

describe('api/patch/strategic-merge edge cases', () => {
  for (const t of CASES) {
    it(t.name, () => {
      const meta = metaFor(t.kind, MINI_DEFINITIONS);
      const live = cloneJson(t.live);
      const patch = cloneJson(t.patch);
      if (t.err !== undefined) assertStatus(() => applyStrategicMergePatch(live, patch, meta), ...t.err);
      else assert.deepEqual(applyStrategicMergePatch(live, patch, meta), t.want);
      assert.deepEqual(live, t.live, 'the live object is never modified');
      assert.deepEqual(patch, t.patch, 'the patch is never modified');
    });
  }

  it('unknown fields merge freely under EMPTY_PATCH_META (custom resources)', () => {
    const out = applyStrategicMergePatch(pod({ foo: { a: 1 } }), pod({ foo: { b: 2 } }), EMPTY_PATCH_META);
    assert.deepEqual(out, pod({ foo: { a: 1, b: 2 } }));
  });

  it('a "__proto__" member is an ordinary member', () => {
    const meta = metaFor('Pod', MINI_DEFINITIONS);
    const out = applyStrategicMergePatch({ metadata: {} }, JSON.parse('{"metadata":{"labels":{"__proto__":{"x":1}}}}'), meta);
    const labels = (out['metadata'] as JsonObject)['labels'] as JsonObject;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.keys(labels), ['__proto__']);
  });

  describe('realistic objects over the upstream v1.35 OpenAPI', () => {
    let deployment: PatchMeta;
    before(function () {
      const defs = upstreamDefinitions();
      if (defs === undefined) this.skip();
      deployment = patchMetaFromOpenApiV2(defs, 'io.k8s.api.apps.v1.Deployment');
    });

    const live = (): JsonObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'ns', labels: { app: 'web' } },
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'app', image: 'app:1', env: [{ name: 'MODE', value: 'prod' }], ports: [{ containerPort: 8080, protocol: 'TCP' }] },
              { name: 'sidecar', image: 'proxy:1' },
            ],
            volumes: [{ name: 'cache', emptyDir: {} }],
          },
        },
      },
    });
    const template = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });

    it('kubectl set image: one container image changes, order and siblings kept', () => {
      const out = applyStrategicMergePatch(live(), template({ containers: [{ name: 'app', image: 'app:2' }] }), deployment);
      const want = live();
      ((((want['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0]!['image'] = 'app:2';
      assert.deepEqual(out, want);
    });

    it('kubectl rollout restart: an annotation inserted into the template', () => {
      const patch = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } } } } };
      const out = applyStrategicMergePatch(live(), patch, deployment);
      const meta = ((out['spec'] as JsonObject)['template'] as JsonObject)['metadata'];
      assert.deepEqual(meta, { labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' } });
    });

    it('kubectl apply three-way shape: env var added in order, volume switched to a configMap, strategy to Recreate', () => {
      const patch = {
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
              containers: [{ name: 'app', '$setElementOrder/env': [{ name: 'LOG' }, { name: 'MODE' }], env: [{ name: 'LOG', value: 'debug' }] }],
              volumes: [{ name: 'cache', $retainKeys: ['configMap', 'name'], configMap: { name: 'cache-cm' }, emptyDir: null }],
            },
          },
        },
      };
      const out = applyStrategicMergePatch(live(), patch, deployment);
      const spec = out['spec'] as JsonObject;
      assert.deepEqual(spec['strategy'], { type: 'Recreate' });
      const pod = (spec['template'] as JsonObject)['spec'] as JsonObject;
      assert.deepEqual(pod['volumes'], [{ name: 'cache', configMap: { name: 'cache-cm' } }]);
      const app = (pod['containers'] as JsonObject[])[0];
      assert.deepEqual(app?.['env'], [{ name: 'LOG', value: 'debug' }, { name: 'MODE', value: 'prod' }]);
      assert.deepEqual((pod['containers'] as JsonObject[]).map((x) => x['name']), ['app', 'sidecar']);
    });

    it('a new container with a port list merged by containerPort', () => {
      const patch = template({ containers: [{ name: 'app', ports: [{ containerPort: 9090, name: 'metrics' }] }, { name: 'init', image: 'i' }] });
      const out = applyStrategicMergePatch(live(), patch, deployment);
      const pod = ((out['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
      const cs = pod['containers'] as JsonObject[];
      assert.deepEqual(cs.map((x) => x['name']), ['app', 'init', 'sidecar']);
      assert.deepEqual(cs[0]?.['ports'], [{ containerPort: 9090, name: 'metrics' }, { containerPort: 8080, protocol: 'TCP' }]);
    });

    it('an undeclared field under a declared struct is 400, as upstream fails its lookup', () => {
      const withExtra = live();
      (withExtra['spec'] as JsonObject)['bogus'] = { a: 1 };
      assertStatus(() => applyStrategicMergePatch(withExtra, { spec: { bogus: { b: 2 } } }, deployment), 400, 'BadRequest');
    });
  });
});
