import assert from 'node:assert/strict';
import { patchMetaFromOpenApiV2, type OpenApiV2Definitions } from '../../../../src/api/patch/openapi-meta.js';
import { EMPTY_PATCH_META, lookupField, lookupListField, type PatchMeta } from '../../../../src/api/patch/patch-meta.js';
import { MINI_DEFINITIONS, assertStatus, upstreamDefinitions } from './fixtures.js';

/** Walks `a.b[].c`-style paths: a `[]` segment steps into list items. */
function at(meta: PatchMeta, path: string): PatchMeta | undefined {
  let current: PatchMeta | undefined = meta;
  for (const part of path.split('.')) {
    if (current === undefined) return undefined;
    current = part.endsWith('[]') ? current.field(part.slice(0, -2))?.items() : current.field(part);
  }
  return current;
}

describe('api/patch/openapi-meta', () => {
  describe('over the upstream v1.35 OpenAPI', () => {
    let defs: OpenApiV2Definitions;
    before(function () {
      const found = upstreamDefinitions();
      if (found === undefined) this.skip();
      defs = found;
    });

    const cases: { root: string; path: string; strategy?: string[]; key?: string; name?: string }[] = [
      { root: 'io.k8s.api.core.v1.Pod', path: 'spec.containers', strategy: ['merge'], key: 'name' },
      { root: 'io.k8s.api.core.v1.Pod', path: 'spec.containers[].env', strategy: ['merge'], key: 'name' },
      { root: 'io.k8s.api.core.v1.Pod', path: 'spec.containers[].ports', strategy: ['merge'], key: 'containerPort' },
      { root: 'io.k8s.api.core.v1.Pod', path: 'spec.volumes', strategy: ['merge', 'retainKeys'], key: 'name' },
      { root: 'io.k8s.api.core.v1.Pod', path: 'spec.tolerations' },
      { root: 'io.k8s.api.core.v1.Pod', path: 'metadata.finalizers', strategy: ['merge'] },
      { root: 'io.k8s.api.core.v1.Service', path: 'spec.ports', strategy: ['merge'], key: 'port' },
      { root: 'io.k8s.api.apps.v1.Deployment', path: 'spec.strategy', strategy: ['retainKeys'], name: 'DeploymentStrategy' },
      { root: 'io.k8s.api.apps.v1.Deployment', path: 'spec.template.spec.containers', strategy: ['merge'], key: 'name' },
      { root: '#/definitions/io.k8s.api.policy.v1.PodDisruptionBudget', path: 'spec.selector', strategy: ['replace'], name: 'LabelSelector' },
      { root: 'io.k8s.api.core.v1.ConfigMap', path: 'data.anyKey', name: 'string' },
    ];
    for (const t of cases) {
      it(`${t.root.split('.').pop()}: ${t.path}`, () => {
        const meta = at(patchMetaFromOpenApiV2(defs, t.root), t.path);
        assert.ok(meta !== undefined);
        assert.deepEqual(meta.patchStrategy, t.strategy);
        assert.equal(meta.patchMergeKey, t.key);
        if (t.name !== undefined) assert.equal(meta.name, t.name);
      });
    }

    it('list items carry the item type, not the property extensions', () => {
      const items = at(patchMetaFromOpenApiV2(defs, 'io.k8s.api.core.v1.Pod'), 'spec.containers[]');
      assert.equal(items?.name, 'Container');
      assert.equal(items?.patchStrategy, undefined);
      assert.equal(items?.strict, true);
    });

    it('undeclared fields of a struct are undefined and strict', () => {
      const spec = at(patchMetaFromOpenApiV2(defs, 'io.k8s.api.core.v1.Pod'), 'spec');
      assert.equal(spec?.field('bogus'), undefined);
      assert.throws(() => lookupField(spec ?? EMPTY_PATCH_META, 'bogus'), (e: unknown) => e instanceof Error);
    });

    it('RawExtension (type object, no properties) has no fields', () => {
      const data = at(patchMetaFromOpenApiV2(defs, 'io.k8s.api.apps.v1.ControllerRevision'), 'data');
      assert.equal(data?.strict, true);
      assert.equal(data?.field('anything'), undefined);
    });

    it('nodes are built once and cached', () => {
      const pod = patchMetaFromOpenApiV2(defs, 'io.k8s.api.core.v1.Pod');
      assert.equal(pod.field('spec'), pod.field('spec'));
      assert.equal(at(pod, 'spec.containers[]'), at(pod, 'spec.initContainers[]'));
    });
  });

  describe('construction and lookups', () => {
    it('an unknown root is a plain Error (a server bug)', () => {
      assert.throws(() => patchMetaFromOpenApiV2(MINI_DEFINITIONS, 'io.k8s.api.core.v1.Nope'), (e: unknown) => e instanceof Error);
    });

    it('an unresolvable $ref further down is free-form, not strict', () => {
      const defs: OpenApiV2Definitions = { Root: { type: 'object', properties: { x: { $ref: '#/definitions/Missing' } } } };
      const x = patchMetaFromOpenApiV2(defs, 'Root').field('x');
      assert.equal(x?.strict, false);
      assert.equal(lookupField(x ?? EMPTY_PATCH_META, 'anything').meta, EMPTY_PATCH_META);
    });

    it('preserve-unknown-fields and additionalProperties: true are free-form', () => {
      const defs: OpenApiV2Definitions = {
        Root: {
          type: 'object',
          properties: {
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            open: { type: 'object', additionalProperties: true },
          },
        },
      };
      const root = patchMetaFromOpenApiV2(defs, 'Root');
      assert.equal(root.field('free')?.strict, false);
      assert.equal(root.field('open')?.field('k'), EMPTY_PATCH_META);
    });

    it('lookupListField returns the items meta with the field strategy and key', () => {
      const spec = patchMetaFromOpenApiV2(MINI_DEFINITIONS, 'io.k8s.api.core.v1.PodSpec');
      const found = lookupListField(spec, 'volumes');
      assert.equal(found.strategy, 'merge');
      assert.equal(found.mergeKey, 'name');
      assert.equal(found.meta.name, 'Volume');
    });

    it('retainKeys alone is no strategy; three strategies are 400', () => {
      const defs: OpenApiV2Definitions = {
        Root: {
          type: 'object',
          properties: {
            r: { type: 'object', 'x-kubernetes-patch-strategy': 'retainKeys' },
            bad: { type: 'array', 'x-kubernetes-patch-strategy': 'merge,replace,retainKeys' },
          },
        },
      };
      const root = patchMetaFromOpenApiV2(defs, 'Root');
      assert.equal(lookupField(root, 'r').strategy, '');
      assertStatus(() => lookupField(root, 'bad'), 400, 'BadRequest');
    });

    it('an undeclared field of a strict struct fails lookup with 400', () => {
      const spec = patchMetaFromOpenApiV2(MINI_DEFINITIONS, 'io.k8s.api.core.v1.PodSpec');
      assertStatus(() => lookupField(spec, 'bogus'), 400, 'BadRequest');
    });
  });
});
