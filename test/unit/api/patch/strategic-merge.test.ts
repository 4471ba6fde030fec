import assert from 'node:assert/strict';
import { cloneJson, type JsonObject } from '../../../../src/api/patch/json-value.js';
import { patchMetaFromOpenApiV2, type OpenApiV2Definitions } from '../../../../src/api/patch/openapi-meta.js';
import { applyStrategicMergePatch } from '../../../../src/api/patch/strategic-merge.js';
import { MINI_DEFINITIONS, ROOTS, assertStatus, upstreamDefinitions } from './fixtures.js';
import { complete, parseVectors, type Vector } from './vectors.js';

/** Spec §4.3, verbatim. */
const SMP = parseVectors(String.raw`
- {id: SMP-01, about: "merge by key keeps other items", type: Pod, live: {spec: {containers: [{name: a, image: "a:1"}, {name: b, image: "b:1"}]}}, req: {sm: {spec: {containers: [{name: a, image: "a:2"}]}}}, want: {spec: {containers: [{name: a, image: "a:2"}, {name: b, image: "b:1"}]}}}
- {id: SMP-02, about: "a new item goes to the front", type: Pod, live: {spec: {containers: [{name: a}, {name: b}]}}, req: {sm: {spec: {containers: [{name: c}]}}}, want: {spec: {containers: [{name: c}, {name: a}, {name: b}]}}}
- {id: SMP-03, about: "new init container also prepends", type: Pod, live: {spec: {initContainers: [{name: i1}], containers: [{name: a}]}}, req: {sm: {spec: {initContainers: [{name: i0}]}}}, want: {spec: {initContainers: [{name: i0}, {name: i1}], containers: [{name: a}]}}}
- {id: SMP-04, about: "setElementOrder places the new item", type: Pod, live: {spec: {containers: [{name: a}, {name: b}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: a}, {name: b}, {name: c}], containers: [{name: c}]}}}, want: {spec: {containers: [{name: a}, {name: b}, {name: c}]}}}
- {id: SMP-05, about: "delete directive, unknown key ignored", type: Pod, live: {spec: {containers: [{name: a}, {name: b}]}}, req: {sm: {spec: {containers: [{name: a, $patch: delete}, {name: zz, $patch: delete}]}}}, want: {spec: {containers: [{name: b}]}}}
- {id: SMP-06, about: "replace directive in a list", type: Pod, live: {spec: {containers: [{name: a, image: x}, {name: b}]}}, req: {sm: {spec: {containers: [{$patch: replace}, {name: z, image: z}]}}}, want: {spec: {containers: [{name: z, image: z}]}}}
- {id: SMP-07, about: "merge directive in a list element", type: Pod, live: {spec: {containers: [{name: a}]}}, req: {sm: {spec: {containers: [{name: a, $patch: merge}]}}}, err: [400, BadRequest, "merging lists cannot yet be specified in the patch"], note: upstream 500}
- {id: SMP-08, about: "missing merge key", type: Pod, live: {spec: {containers: [{name: a}]}}, req: {sm: {spec: {containers: [{image: x}]}}}, err: [400, BadRequest, "does not contain declared merge key: name"], note: upstream 500}
- {id: SMP-09, about: "null deletes keys, absent keys are fine", type: Pod, live: {metadata: {labels: {a: "1", b: "2"}}}, req: {sm: {metadata: {labels: {a: null, zz: null, c: "3"}}}}, want: {metadata: {labels: {b: "2", c: "3"}}}}
- {id: SMP-10, about: "null inside a merged list element removes that field", type: Pod, live: {spec: {containers: [{name: a, image: "1"}]}}, req: {sm: {spec: {containers: [{name: a, image: null, command: [sh]}]}}}, want: {spec: {containers: [{name: a, command: [sh]}]}}, note: "then validation rejects the missing image (422)"}
- {id: SMP-11, about: "replace directive on a map", type: Pod, live: {metadata: {labels: {a: "1", b: "2"}}}, req: {sm: {metadata: {labels: {$patch: replace, x: "1"}}}}, want: {metadata: {labels: {x: "1"}}}}
- {id: SMP-12, about: "delete directive on a map empties it; on an absent map it is a no-op", type: Pod, live: {metadata: {labels: {a: "1"}}}, req: {sm: {metadata: {labels: {$patch: delete}, annotations: {$patch: delete}}}}, want: {metadata: {labels: {}}}, note: "serialized without labels"}
- {id: SMP-13, about: "merge directive on a map", type: Pod, live: {metadata: {labels: {a: "1"}}}, req: {sm: {metadata: {labels: {$patch: merge, b: "2"}}}}, err: [400, BadRequest, "unknown patch type: merge in map"], note: upstream 500}
- {id: SMP-14, about: "replace directive on a struct replaces it whole", type: Pod, live: {spec: {containers: [{name: a}]}}, req: {sm: {spec: {$patch: replace, containers: [{name: q}]}}}, want: {spec: {containers: [{name: q}]}}}
- {id: SMP-15, about: "primitive merge list prepends new values", type: Pod, live: {metadata: {finalizers: [a, b]}}, req: {sm: {metadata: {finalizers: [c]}}}, want: {metadata: {finalizers: [c, a, b]}}}
- {id: SMP-16, about: "primitive merge list dedups", type: Pod, live: {metadata: {finalizers: [a, b]}}, req: {sm: {metadata: {finalizers: [b, c, c]}}}, want: {metadata: {finalizers: [a, b, c]}}}
- {id: SMP-17, about: "deleteFromPrimitiveList", type: Pod, live: {metadata: {finalizers: [a, b]}}, req: {sm: {metadata: {"$deleteFromPrimitiveList/finalizers": [a, zz]}}}, want: {metadata: {finalizers: [b]}}}
- {id: SMP-18, about: "deleteFromPrimitiveList on a non-merge list removes all copies", type: Pod, live: {spec: {containers: [{name: a, args: [x, y, x]}]}}, req: {sm: {spec: {containers: [{name: a, "$deleteFromPrimitiveList/args": [x]}]}}}, want: {spec: {containers: [{name: a, args: [y]}]}}}
- {id: SMP-19, about: "deleteFromPrimitiveList never creates the list; bare prefix is malformed", type: Pod, live: {metadata: {finalizers: [a]}}, req: {sm: {metadata: {$deleteFromPrimitiveList: [a]}}}, err: [400, BadRequest, "invalid patch format of primitive list"]}
- {id: SMP-20, about: "replace directive impossible in a string list", type: Pod, live: {metadata: {finalizers: [a]}}, req: {sm: {metadata: {finalizers: [{$patch: replace}]}}}, err: [400, BadRequest, "list element types are not identical"], note: upstream 500}
- {id: SMP-21, about: "delete + add + order, server-only item x (kubectl 3-way shape); note x before c", type: Pod, live: {spec: {containers: [{name: a, image: a}, {name: b, image: b}, {name: x, image: x}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: b}, {name: c}], containers: [{name: c, image: c}, {name: a, $patch: delete}]}}}, want: {spec: {containers: [{name: b, image: b}, {name: x, image: x}, {name: c, image: c}]}}}
- {id: SMP-22, about: "same without the deletion", type: Pod, live: {spec: {containers: [{name: a}, {name: b}, {name: x}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: a}, {name: b}, {name: c}], containers: [{name: c}]}}}, want: {spec: {containers: [{name: a}, {name: b}, {name: c}, {name: x}]}}}
- {id: SMP-23, about: "reorder only, server-only item c9 interleaved", type: Pod, live: {spec: {containers: [{name: c1, image: i}, {name: c2}, {name: c9}, {name: c3}, {name: c4}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: c2}, {name: c1}, {name: c4}, {name: c3}]}}}, want: {spec: {containers: [{name: c2}, {name: c1, image: i}, {name: c9}, {name: c4}, {name: c3}]}}}
- {id: SMP-24, about: "order list contradicts patch list", type: Pod, live: {spec: {containers: [{name: c1}, {name: c3}, {name: c2}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: c1}, {name: c2}, {name: c3}], containers: [{name: c3, image: "3"}, {name: c1, image: "1"}]}}}, err: [400, BadRequest, "doesn't match $setElementOrder list"], note: upstream 500}
- {id: SMP-25, about: "order list may name nonexistent items", type: Pod, live: {spec: {containers: [{name: c1}, {name: c3}]}}, req: {sm: {spec: {"$setElementOrder/containers": [{name: c3}, {name: c2}, {name: c1}], containers: [{name: c3, image: "3"}, {name: c1, image: "1"}]}}}, want: {spec: {containers: [{name: c3, image: "3"}, {name: c1, image: "1"}]}}}
- {id: SMP-26, about: "order + deletion for scalars", type: Pod, live: {metadata: {finalizers: [a, b, c]}}, req: {sm: {metadata: {"$setElementOrder/finalizers": [c, a], "$deleteFromPrimitiveList/finalizers": [b]}}}, want: {metadata: {finalizers: [c, a]}}}
- {id: SMP-27, about: "retainKeys clears the other union member", type: Deployment, live: {spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}}, req: {sm: {spec: {strategy: {$retainKeys: [type], type: Recreate}}}}, want: {spec: {strategy: {type: Recreate}}}}
- {id: SMP-28, about: "patch key missing from retainKeys", type: Deployment, live: {spec: {strategy: {type: RollingUpdate}}}, req: {sm: {spec: {strategy: {$retainKeys: [type], type: RollingUpdate, rollingUpdate: {maxSurge: 2}}}}}, err: [400, BadRequest, "invalid patch format of retainKeys"]}
- {id: SMP-29, about: "retainKeys inside a merge-list element (volumes)", type: Pod, live: {spec: {volumes: [{name: v, emptyDir: {}}, {name: w, emptyDir: {}}]}}, req: {sm: {spec: {volumes: [{name: v, $retainKeys: [configMap, name], configMap: {name: cm}}]}}}, want: {spec: {volumes: [{name: v, configMap: {name: cm}}, {name: w, emptyDir: {}}]}}}
- {id: SMP-30, about: "replace strategy on an object", type: PodDisruptionBudget, live: {spec: {selector: {matchLabels: {a: "1"}, matchExpressions: [{key: k, operator: Exists}]}}}, req: {sm: {spec: {selector: {matchLabels: {b: "2"}}}}}, want: {spec: {selector: {matchLabels: {b: "2"}}}}}
- {id: SMP-31, about: "list without strategy is replaced", type: Pod, live: {spec: {tolerations: [{key: a, operator: Exists}, {key: b, operator: Exists}]}}, req: {sm: {spec: {tolerations: [{key: c, operator: Exists}]}}}, want: {spec: {tolerations: [{key: c, operator: Exists}]}}}
- {id: SMP-32, about: "directives are not read inside replace lists", type: Pod, live: {spec: {tolerations: [{key: a}]}}, req: {sm: {spec: {tolerations: [{$patch: delete, key: a}]}}}, want: {spec: {tolerations: [{$patch: delete, key: a}]}}, note: "decode then drops ` + '`$patch`' + String.raw` (toleration ` + '`a`' + String.raw` stays) or Strict rejects it"}
- {id: SMP-33, about: "duplicates in live, first one merged", type: Pod, live: {spec: {containers: [{name: a, env: [{name: X, value: "1"}, {name: X, value: "3"}, {name: Y, value: y}]}]}}, req: {sm: {spec: {containers: [{name: a, env: [{name: X, value: "2"}]}]}}}, want: {spec: {containers: [{name: a, env: [{name: X, value: "2"}, {name: X, value: "3"}, {name: Y, value: y}]}]}}}
- {id: SMP-34, about: "delete directive removes every duplicate", type: Pod, live: {spec: {containers: [{name: a, env: [{name: X, value: "1"}, {name: X, value: "3"}, {name: Y, value: y}]}]}}, req: {sm: {spec: {containers: [{name: a, env: [{name: X, $patch: delete}]}]}}}, want: {spec: {containers: [{name: a, env: [{name: Y, value: y}]}]}}}
- {id: SMP-35, about: "single-field merge key collides (port 53 TCP vs UDP)", type: Service, live: {spec: {ports: [{port: 53, protocol: TCP, name: dns-tcp}, {port: 53, protocol: UDP, name: dns}]}}, req: {sm: {spec: {ports: [{port: 53, protocol: UDP, targetPort: 5353}]}}}, want: {spec: {ports: [{port: 53, protocol: UDP, name: dns-tcp, targetPort: 5353}, {port: 53, protocol: UDP, name: dns}]}}, note: "merged result; Service validation then rejects the duplicate (422)"}
- {id: SMP-36, about: "type change replaces then fails decoding", type: Pod, live: {spec: {containers: [{name: a}]}}, req: {sm: {spec: {containers: oops}}}, err: [422, Invalid, "patch"]}
`);

/** Spec §4.4: the server-result side of kubectl's three-way patches (`patch` applied to `current`). */
const K3W = parseVectors(String.raw`
- {id: K3W-01, about: "only last-applied keys are deleted", type: ConfigMap, original: {data: {a: "1"}}, modified: {data: {b: "1"}}, current: {data: {a: "1", c: x}}, patch: {data: {a: null, b: "1"}}, want: {data: {b: "1", c: x}}}
- {id: K3W-02, about: "removed container becomes a delete directive", type: Pod, original: {spec: {containers: [{name: a}, {name: b}]}}, modified: {spec: {containers: [{name: b}, {name: c}]}}, current: {spec: {containers: [{name: a}, {name: b, image: b}, {name: x, image: x}]}}, patch: {spec: {"$setElementOrder/containers": [{name: b}, {name: c}], containers: [{name: c}, {name: a, $patch: delete}]}}, want: {spec: {containers: [{name: b, image: b}, {name: x, image: x}, {name: c}]}}}
- {id: K3W-03, about: "removed scalar of a merge list", type: Pod, original: {metadata: {finalizers: [a, b]}}, modified: {metadata: {finalizers: [b]}}, current: {metadata: {finalizers: [b, a, z]}}, patch: {metadata: {"$setElementOrder/finalizers": [b], "$deleteFromPrimitiveList/finalizers": [a]}}, want: {metadata: {finalizers: [b, z]}}}
`);

/** SMP-36's 422 comes from decoding the result into a Pod; the merge itself hands over this. */
const PURE_RESULT: Readonly<Record<string, JsonObject>> = {
  'SMP-36': { spec: { containers: 'oops' } },
};

function runVector(definitions: () => OpenApiV2Definitions | undefined, v: Vector, live: JsonObject | null | undefined, patch: unknown): void {
  it(`${v.id} ${v.about ?? ''}`, function () {
    const defs = definitions();
    if (defs === undefined) this.skip();
    const root = ROOTS[v.type];
    assert.ok(root !== undefined, `no root definition for ${v.type}`);
    const meta = patchMetaFromOpenApiV2(defs, root);
    const liveObj = complete(v.type, live);
    const before = cloneJson(liveObj);
    const patchBefore = cloneJson(patch);
    const pure = PURE_RESULT[v.id];
    if (v.err !== undefined && pure === undefined) {
      assertStatus(() => applyStrategicMergePatch(liveObj, patch, meta), v.err[0], v.err[1]);
    } else {
      const want = complete(v.type, pure ?? v.want);
      assert.deepEqual(applyStrategicMergePatch(liveObj, patch, meta), want);
    }
    assert.deepEqual(liveObj, before, 'the live object is never modified');
    assert.deepEqual(patch, patchBefore, 'the patch is never modified');
  });
}

const SCHEMAS: readonly [string, () => OpenApiV2Definitions | undefined][] = [
  ['hand-written schema', () => MINI_DEFINITIONS],
  ['upstream v1.35 OpenAPI', upstreamDefinitions],
];

describe('api/patch/strategic-merge vectors', () => {
  for (const [name, definitions] of SCHEMAS) {
    describe(`spec §4.3 with the ${name}`, () => {
      for (const v of SMP) runVector(definitions, v, v.live, v.req['sm']);
    });
    describe(`spec §4.4 (server result) with the ${name}`, () => {
      for (const v of K3W) runVector(definitions, v, v.current, v.patch);
    });
  }
});
