import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../../../src/api/patch/json-patch.js';
import { cloneJson, type JsonObject } from '../../../../src/api/patch/json-value.js';
import { assertStatus } from './fixtures.js';
import { complete, parseVectors } from './vectors.js';

/** Spec §4.1, verbatim. */
const VECTORS = parseVectors(String.raw`
- {id: JP-01, type: ConfigMap, live: {data: {a: "1"}}, req: {jp: [{op: add, path: /data/b, value: "2"}, {op: replace, path: /data/a, value: "9"}, {op: move, from: /data/b, path: /data/c}]}, want: {data: {a: "9", c: "2"}}}
- {id: JP-02, about: "failed test aborts everything", type: ConfigMap, live: {data: {a: "1"}}, req: {jp: [{op: remove, path: /data/a}, {op: test, path: /data/a, value: "0"}]}, err: [422, Invalid, "the server rejected our request due to an error in our request"], want: {data: {a: "1"}}}
- {id: JP-03, about: "add under a missing parent (remove/replace of a missing member: same answer)", type: ConfigMap, live: {data: {a: "1"}}, req: {jp: [{op: add, path: /spec/x, value: 1}]}, err: [422, Invalid, "rejected our request"]}
- {id: JP-04, about: "array indices incl. \"-\" and negative", type: Pod, live: {metadata: {finalizers: [a, b]}}, req: {jp: [{op: add, path: /metadata/finalizers/0, value: z}, {op: add, path: /metadata/finalizers/-, value: c}, {op: remove, path: /metadata/finalizers/-2}]}, want: {metadata: {finalizers: [z, a, c]}}}
- {id: JP-05, about: "pointer escapes", type: ConfigMap, live: {metadata: {annotations: {"example.com/owner": x}}}, req: {jp: [{op: replace, path: "/metadata/annotations/example.com~1owner", value: y}, {op: add, path: "/metadata/annotations/a~0b", value: z}]}, want: {metadata: {annotations: {"example.com/owner": y, "a~b": z}}}}
- {id: JP-06, about: "body is an object, not an array", type: ConfigMap, req: {jp: {op: add, path: /data/a, value: "1"}}, err: [400, BadRequest, "cannot unmarshal"]}
- {id: JP-07, about: "10001 operations", type: ConfigMap, req: {jp: "10001 x {op: test, path: /kind, value: ConfigMap}"}, err: [413, RequestEntityTooLarge, "maximum operations in a JSON patch is 10000, got 10001"]}
- {id: JP-08, about: "resourceVersion pinned by the patch", type: ConfigMap, live: {metadata: {resourceVersion: "8"}}, req: {jp: [{op: replace, path: /metadata/resourceVersion, value: "7"}, {op: add, path: /data/a, value: "1"}]}, err: [409, Conflict, "configmaps \"c\": the object has been modified"]}
- {id: JP-09, about: "managedFields removal is not a reset", type: ConfigMap, live: {data: {a: "1"}, mf: [{manager: app, op: Apply, f: {"f:data": {"f:a": {}}}}]}, req: {jp: [{op: remove, path: /metadata/managedFields}], mgr: editor}, want: {data: {a: "1"}, mf: [{manager: app, op: Apply, f: {"f:data": {"f:a": {}}}}]}}
`);

/**
 * Vectors whose verdict belongs to a later pipeline step: what the pure patch step must hand
 * that step instead. JP-08: the handler sees resourceVersion "7" ≠ "8" and answers 409.
 * JP-09: the field manager restores managedFields that a JSON patch merely removed.
 */
const PURE_RESULT: Readonly<Record<string, JsonObject>> = {
  'JP-08': { metadata: { resourceVersion: '7' }, data: { a: '1' } },
  'JP-09': { data: { a: '1' } },
};

/**
 * JP-08's shorthand live object has no `data`, and `add /data/a` under a missing parent is a 422
 * before any resourceVersion check; the vector means a ConfigMap that has a data map.
 */
const LIVE: Readonly<Record<string, JsonObject>> = {
  'JP-08': { metadata: { resourceVersion: '8' }, data: {} },
};

function patchOf(jp: unknown): unknown {
  if (jp !== '10001 x {op: test, path: /kind, value: ConfigMap}') return jp;
  return Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'ConfigMap' }));
}

describe('api/patch/json-patch', () => {
  describe('spec §4.1 vectors', () => {
    for (const v of VECTORS) {
      it(`${v.id} ${v.about ?? ''}`, () => {
        const live = complete(v.type, LIVE[v.id] ?? v.live);
        const before = cloneJson(live);
        const patch = patchOf(v.req['jp']);
        const pure = PURE_RESULT[v.id];
        if (v.err !== undefined && pure === undefined) {
          assertStatus(() => applyJsonPatch(live, patch), v.err[0], v.err[1]);
        } else {
          assert.deepEqual(applyJsonPatch(live, patch), complete(v.type, pure ?? v.want));
        }
        assert.deepEqual(live, before, 'the live object is never modified');
      });
    }
  });

  describe('upstream (evanphx/json-patch v4) semantics', () => {
    const doc = (): JsonObject => ({ a: { b: 1 }, list: ['x', 'y', 'z'], n: null });
    const cases: { name: string; patch: unknown; want?: unknown; err?: [number, string] }[] = [
      { name: 'add at -1 appends (index counts from len+1)', patch: [{ op: 'add', path: '/list/-1', value: 'w' }], want: { ...doc(), list: ['x', 'y', 'z', 'w'] } },
      { name: 'add at len appends', patch: [{ op: 'add', path: '/list/3', value: 'w' }], want: { ...doc(), list: ['x', 'y', 'z', 'w'] } },
      { name: 'add past len is 422', patch: [{ op: 'add', path: '/list/4', value: 'w' }], err: [422, 'Invalid'] },
      { name: 'add below -(len+1) is 422', patch: [{ op: 'add', path: '/list/-5', value: 'w' }], err: [422, 'Invalid'] },
      { name: 'leading zeros and + parse like strconv.Atoi', patch: [{ op: 'replace', path: '/list/+01', value: 'Y' }], want: { ...doc(), list: ['x', 'Y', 'z'] } },
      { name: 'replace at -1 is the last element', patch: [{ op: 'replace', path: '/list/-1', value: 'Z' }], want: { ...doc(), list: ['x', 'y', 'Z'] } },
      { name: 'replace past the end is 422', patch: [{ op: 'replace', path: '/list/3', value: 'Z' }], err: [422, 'Invalid'] },
      { name: 'replace of a missing object member adds it (v4 reverted the RFC check)', patch: [{ op: 'replace', path: '/a/c', value: 2 }], want: { ...doc(), a: { b: 1, c: 2 } } },
      { name: 'remove of a missing member is 422', patch: [{ op: 'remove', path: '/a/zz' }], err: [422, 'Invalid'] },
      { name: 'remove "-" is 422', patch: [{ op: 'remove', path: '/list/-' }], err: [422, 'Invalid'] },
      { name: 'traversal through null is 422', patch: [{ op: 'add', path: '/n/x', value: 1 }], err: [422, 'Invalid'] },
      { name: 'traversal through a scalar is 422', patch: [{ op: 'add', path: '/a/b/c', value: 1 }], err: [422, 'Invalid'] },
      { name: 'add without value sets null', patch: [{ op: 'add', path: '/a/c' }], want: { ...doc(), a: { b: 1, c: null } } },
      { name: 'test with null passes on an absent member', patch: [{ op: 'test', path: '/a/zz', value: null }], want: doc() },
      { name: 'test with null passes on a null member', patch: [{ op: 'test', path: '/n', value: null }], want: doc() },
      { name: 'test with null fails on a present member', patch: [{ op: 'test', path: '/a/b', value: null }], err: [422, 'Invalid'] },
      { name: 'test compares deeply, member order ignored', patch: [{ op: 'test', path: '', value: { n: null, list: ['x', 'y', 'z'], a: { b: 1 } } }], want: doc() },
      { name: 'test of a different value is 422', patch: [{ op: 'test', path: '/list', value: ['x', 'y'] }], err: [422, 'Invalid'] },
      { name: 'copy deep-copies', patch: [{ op: 'copy', from: '/a', path: '/c' }, { op: 'add', path: '/c/b', value: 2 }], want: { ...doc(), c: { b: 2 } } },
      { name: 'copy from a missing member copies null', patch: [{ op: 'copy', from: '/a/zz', path: '/c' }], want: { ...doc(), c: null } },
      { name: 'move from a missing member is 422', patch: [{ op: 'move', from: '/a/zz', path: '/c' }], err: [422, 'Invalid'] },
      { name: 'move into its own child is 422', patch: [{ op: 'move', from: '/a', path: '/a/b/c' }], err: [422, 'Invalid'] },
      { name: 'move within an array', patch: [{ op: 'move', from: '/list/0', path: '/list/-' }], want: { ...doc(), list: ['y', 'z', 'x'] } },
      { name: 'replace of the root', patch: [{ op: 'replace', path: '', value: { k: 1 } }], want: { k: 1 } },
      { name: 'replace of the root by a scalar is 422', patch: [{ op: 'replace', path: '', value: 1 }], err: [422, 'Invalid'] },
      { name: 'add at the root path is 422 (upstream cannot address it)', patch: [{ op: 'add', path: '', value: {} }], err: [422, 'Invalid'] },
      { name: 'a path without leading "/" ignores its first token', patch: [{ op: 'add', path: 'zz/q', value: 1 }], want: { ...doc(), q: 1 } },
      { name: 'unknown op is 422', patch: [{ op: 'frobnicate', path: '/a' }], err: [422, 'Invalid'] },
      { name: 'op that is not a string is 422', patch: [{ op: 1, path: '/a' }], err: [422, 'Invalid'] },
      { name: 'missing path is 422', patch: [{ op: 'remove' }], err: [422, 'Invalid'] },
      { name: 'missing from is 422', patch: [{ op: 'copy', path: '/c' }], err: [422, 'Invalid'] },
      { name: 'a null operation is 422', patch: [null], err: [422, 'Invalid'] },
      { name: 'an operation that is not an object is 400', patch: [1], err: [400, 'BadRequest'] },
      { name: 'a string body is 400', patch: 'add', err: [400, 'BadRequest'] },
      { name: 'a null body applies nothing', patch: null, want: doc() },
      { name: 'an empty array applies nothing', patch: [], want: doc() },
      { name: '10000 operations are allowed', patch: Array.from({ length: 10000 }, () => ({ op: 'test', path: '/n', value: null })), want: doc() },
    ];
    for (const c of cases) {
      it(c.name, () => {
        if (c.err !== undefined) assertStatus(() => applyJsonPatch(doc(), c.patch), ...c.err);
        else assert.deepEqual(applyJsonPatch(doc(), c.patch), c.want);
      });
    }

    it('copies beyond the byte budget are 422', () => {
      const patch = [1, 2, 3].map((i) => ({ op: 'copy', from: '/a', path: `/c${i}` }));
      assert.deepEqual(Object.keys(applyJsonPatch(doc(), patch, { maxCopyBytes: 21 }) as JsonObject).length, 6);
      assertStatus(() => applyJsonPatch(doc(), patch, { maxCopyBytes: 20 }), 422, 'Invalid');
    });

    it('the 422 carries no causes, the detail only as the error cause', () => {
      const err = assertStatus(() => applyJsonPatch(doc(), [{ op: 'remove', path: '/zz' }]), 422, 'Invalid');
      assert.deepEqual(err.status.details, {});
      assert.ok(err.cause instanceof Error);
    });

    it('a "__proto__" member is an ordinary member', () => {
      const out = applyJsonPatch({}, JSON.parse('[{"op":"add","path":"/__proto__","value":{"polluted":true}}]')) as JsonObject;
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.deepEqual(Object.keys(out), ['__proto__']);
      assert.equal(({} as JsonObject)['polluted'], undefined);
    });

    it('added values are copies of the patch', () => {
      const value = { deep: [1] };
      const out = applyJsonPatch({}, [{ op: 'add', path: '/v', value }]) as { v: { deep: number[] } };
      out.v.deep.push(2);
      assert.deepEqual(value, { deep: [1] });
    });
  });
});
