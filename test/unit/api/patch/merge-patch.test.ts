import assert from 'node:assert/strict';
import { cloneJson, type JsonObject } from '../../../../src/api/patch/json-value.js';
import { applyMergePatch } from '../../../../src/api/patch/merge-patch.js';
import { CUSTOM_RESOURCE_PATCH_TYPES, strategicMergeUnsupported } from '../../../../src/api/patch/patch-meta.js';
import { assertStatus } from './fixtures.js';
import { complete, parseVectors } from './vectors.js';

/** Spec §4.2, verbatim. */
const VECTORS = parseVectors(String.raw`
- {id: MP-01, type: ConfigMap, live: {metadata: {labels: {a: "1", b: "2"}}, data: {x: "1", y: "2"}}, req: {mp: {metadata: {labels: {a: null, zz: null, c: "3"}}, data: {x: null}}}, want: {metadata: {labels: {b: "2", c: "3"}}, data: {y: "2"}}}
- {id: MP-02, about: "lists are replaced", type: Pod, live: {metadata: {finalizers: [a, b]}}, req: {mp: {metadata: {finalizers: [c]}}}, want: {metadata: {finalizers: [c]}}}
- {id: MP-03, about: "nulls inside an inserted value are dropped", type: ConfigMap, live: {data: {a: "1"}}, req: {mp: {metadata: {labels: {x: null, y: "2"}}}}, want: {metadata: {labels: {y: "2"}}, data: {a: "1"}}}
- {id: MP-04, about: "null body", type: ConfigMap, req: {mp: null}, err: [400, BadRequest, "Invalid JSON Patch"]}
- {id: MP-05, about: "resourceVersion precondition", type: ConfigMap, live: {metadata: {resourceVersion: "8"}}, req: {mp: {metadata: {resourceVersion: "7"}, data: {a: "1"}}}, err: [409, Conflict, "the object has been modified"]}
- {id: MP-06, about: "resourceVersion removed on a CR", type: Widget, req: {mp: {metadata: {resourceVersion: null}, spec: {replicas: 2}}}, err: [422, Invalid, "must be specified for an update"], note: "same patch on a ConfigMap succeeds (unconditional update)"}
- {id: MP-07, about: "missing object", type: ConfigMap, live: null, req: {mp: {data: {a: "1"}}}, err: [404, NotFound, "configmaps \"c\" not found"]}
- {id: MP-08, about: "no-op", type: ConfigMap, live: {metadata: {resourceVersion: "8"}, data: {a: "1"}}, req: {mp: {data: {a: "1"}}}, want: {metadata: {resourceVersion: "8"}, data: {a: "1"}}, note: "200, no write, no watch event"}
- {id: MP-09, about: "strategic patch on a CR", type: Widget, req: {sm: {spec: {replicas: 2}}}, err: [415, UnsupportedMediaType, "accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"]}
- {id: MP-10, about: "strict validation", type: ConfigMap, req: {mp: {spec: {foo: 1}}, fieldValidation: Strict}, err: [422, Invalid, "strict decoding error: unknown field \"spec\""], note: "cause field is ` + '`patch`' + String.raw`; with Ignore the field is dropped and the write succeeds"}
`);

/**
 * Vectors decided by a later pipeline step; the pure step must hand it this object.
 * MP-05: the handler compares resourceVersion "7" with the live "8" (409). MP-06: the CR update
 * strategy requires a resourceVersion (422). MP-10: strict decoding flags `spec` (422).
 */
const PURE_RESULT: Readonly<Record<string, JsonObject>> = {
  'MP-05': { metadata: { resourceVersion: '7' }, data: { a: '1' } },
  'MP-06': { spec: { replicas: 2 } },
  'MP-10': { spec: { foo: 1 } },
};

describe('api/patch/merge-patch', () => {
  describe('spec §4.2 vectors', () => {
    // MP-07 (patching a missing object) is the handler's 404, before any patching: not a case here.
    for (const v of VECTORS.filter((x) => x.live !== null)) {
      it(`${v.id} ${v.about ?? ''}`, function () {
        if (Object.hasOwn(v.req, 'sm')) {
          const raise = (): never => {
            throw strategicMergeUnsupported();
          };
          const err = assertStatus(raise, v.err?.[0] ?? 0, v.err?.[1] ?? '');
          assert.ok(err.message.endsWith(CUSTOM_RESOURCE_PATCH_TYPES.join(', ')));
          return;
        }
        const live = complete(v.type, v.live);
        const before = cloneJson(live);
        const pure = PURE_RESULT[v.id];
        if (v.err !== undefined && pure === undefined) {
          assertStatus(() => applyMergePatch(live, v.req['mp']), v.err[0], v.err[1]);
        } else {
          assert.deepEqual(applyMergePatch(live, v.req['mp']), complete(v.type, pure ?? v.want));
        }
        assert.deepEqual(live, before, 'the live object is never modified');
      });
    }
  });

  describe('upstream (evanphx/json-patch MergePatch) semantics', () => {
    const live = (): JsonObject => ({ a: { b: 1, c: [1, 2] }, s: 'x', n: null });
    const cases: { name: string; patch: unknown; want?: unknown; err?: [number, string] }[] = [
      { name: 'a scalar body is 400', patch: 5, err: [400, 'BadRequest'] },
      { name: 'a string body is 400', patch: 'x', err: [400, 'BadRequest'] },
      {
        name: 'an array body replaces the document, null members pruned, null elements kept',
        patch: [{ k: null, v: 1 }, null],
        want: [{ v: 1 }, null],
      },
      { name: 'an empty object changes nothing', patch: {}, want: live() },
      { name: 'objects merge recursively', patch: { a: { d: 2 } }, want: { ...live(), a: { b: 1, c: [1, 2], d: 2 } } },
      { name: 'arrays are replaced', patch: { a: { c: [3] } }, want: { ...live(), a: { b: 1, c: [3] } } },
      { name: 'null deletes; deleting an absent member is fine', patch: { s: null, zz: null }, want: { a: { b: 1, c: [1, 2] }, n: null } },
      {
        name: 'an object over a scalar replaces it, nulls pruned',
        patch: { s: { x: null, y: { z: null, w: 1 } } },
        want: { ...live(), s: { y: { w: 1 } } },
      },
      {
        name: 'an object over a live null is inserted, nulls pruned inside arrays too',
        patch: { n: { l: [{ q: null, r: 1 }, null] } },
        want: { ...live(), n: { l: [{ r: 1 }, null] } },
      },
      {
        name: 'a non-object value over a live object replaces it verbatim (nulls kept)',
        patch: { a: [{ q: null }] },
        want: { ...live(), a: [{ q: null }] },
      },
      { name: 'a scalar over an object replaces it', patch: { a: 1 }, want: { ...live(), a: 1 } },
    ];
    for (const c of cases) {
      it(c.name, () => {
        if (c.err !== undefined) assertStatus(() => applyMergePatch(live(), c.patch), ...c.err);
        else assert.deepEqual(applyMergePatch(live(), c.patch), c.want);
      });
    }

    it('a "__proto__" member is an ordinary member', () => {
      const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as JsonObject;
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.deepEqual(Object.keys(out), ['__proto__']);
      assert.equal(({} as JsonObject)['polluted'], undefined);
    });

    it('neither input is modified', () => {
      const doc = live();
      const patch = { a: { b: null, d: { e: null } } };
      const out = applyMergePatch(doc, patch) as { a: JsonObject };
      assert.deepEqual(out.a, { c: [1, 2], d: {} });
      assert.deepEqual(doc, live());
      assert.deepEqual(patch, { a: { b: null, d: { e: null } } });
    });
  });
});
