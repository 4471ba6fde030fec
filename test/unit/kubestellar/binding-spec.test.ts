import assert from 'node:assert/strict';
import { bindingSpecEqual, bindingSpecOf, type BindingSpec, type ResolvedObject } from '../../../src/kubestellar/binding/binding-spec.js';
import type { Modulation } from '../../../src/kubestellar/binding/match.js';

const mod = (over: Partial<Modulation> = {}): Modulation => ({ createOnly: false, statusCollectors: [], wantSingletonReportedState: false, wantMultiWECReportedState: false, ...over });

function ref(group: string, version: string, resource: string, namespace: string, name: string, resourceVersion: string, modulation = mod()): ResolvedObject {
  return { facts: { group, version, resource, namespace, name, resourceVersion }, modulation };
}

describe('bindingSpecOf (spec §1.3)', () => {
  it('an empty resolution gives an empty workload and no destinations (Go omitempty)', () => {
    const spec = bindingSpecOf({ objects: [], destinations: [] });
    assert.equal(JSON.stringify(spec), '{"workload":{}}');
  });

  it('splits by scope, sorts, and orders members as Go serialises them', () => {
    const spec = bindingSpecOf({
      destinations: ['cluster2', 'cluster10', 'cluster1', 'cluster2'],
      objects: [
        ref('apps', 'v1', 'deployments', 'b', 'web', '5', mod({ createOnly: true, statusCollectors: ['z', 'a'], wantSingletonReportedState: true })),
        ref('', 'v1', 'configmaps', 'a', 'cfg', '9'),
        ref('', 'v1', 'namespaces', '', 'a', '3', mod({ wantMultiWECReportedState: true })),
        ref('rbac.authorization.k8s.io', 'v1', 'clusterroles', '', 'reader', '4'),
        ref('apps', 'v1', 'deployments', 'a', 'web', '6'),
        ref('', 'v1', 'configmaps', 'a', 'b-cfg', '2'),
        ref('', 'v1', 'namespaces', '', 'Z', '1'),
      ],
    });
    const want = {
      workload: {
        clusterScope: [
          // GVR strings: "/v1, Resource=namespaces" < "rbac.authorization.k8s.io/v1, Resource=clusterroles"; then name (byte order: "Z" < "a").
          { group: '', version: 'v1', resource: 'namespaces', name: 'Z', resourceVersion: '1' },
          { group: '', version: 'v1', resource: 'namespaces', name: 'a', resourceVersion: '3', wantMultiWECReportedState: true },
          { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', name: 'reader', resourceVersion: '4' },
        ],
        namespaceScope: [
          { group: '', version: 'v1', resource: 'configmaps', namespace: 'a', name: 'b-cfg', resourceVersion: '2' },
          { group: '', version: 'v1', resource: 'configmaps', namespace: 'a', name: 'cfg', resourceVersion: '9' },
          { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'a', name: 'web', resourceVersion: '6' },
          {
            group: 'apps',
            version: 'v1',
            resource: 'deployments',
            namespace: 'b',
            name: 'web',
            resourceVersion: '5',
            createOnly: true,
            statusCollectors: ['a', 'z'],
            wantSingletonReportedState: true,
          },
        ],
      },
      destinations: [{ clusterId: 'cluster1' }, { clusterId: 'cluster10' }, { clusterId: 'cluster2' }],
    };
    assert.deepEqual(spec, want);
    // Member order is part of the contract (what a client reading the Binding sees).
    assert.equal(JSON.stringify(spec), JSON.stringify(want));
  });

  it('sorts namespaced objects by "ns/name", not by namespace then name', () => {
    // "a-b/x" vs "a/y": '-' (0x2d) < '/' (0x2f), so namespace "a-b" comes first.
    const spec = bindingSpecOf({ destinations: [], objects: [ref('', 'v1', 'secrets', 'a', 'y', '1'), ref('', 'v1', 'secrets', 'a-b', 'x', '1')] });
    assert.deepEqual(
      spec.workload.namespaceScope?.map((c) => `${c.namespace}/${c.name}`),
      ['a-b/x', 'a/y'],
    );
  });

  it('sorts by the GVR string, where the version comes before the resource', () => {
    const spec = bindingSpecOf({
      destinations: [],
      objects: [ref('example.com', 'v2', 'alphas', '', 'x', '1'), ref('example.com', 'v1', 'zetas', '', 'x', '1'), ref('example.co', 'v9', 'zetas', '', 'x', '1')],
    });
    assert.deepEqual(
      spec.workload.clusterScope?.map((c) => `${c.group}/${c.version}/${c.resource}`),
      ['example.co/v9/zetas', 'example.com/v1/zetas', 'example.com/v2/alphas'],
    );
  });

  it('keeps one entry per group/resource/namespace/name (the list-map keys)', () => {
    const spec = bindingSpecOf({ destinations: [], objects: [ref('example.com', 'v2', 'widgets', 'n', 'w', '7'), ref('example.com', 'v1', 'widgets', 'n', 'w', '7')] });
    assert.deepEqual(spec.workload.namespaceScope?.map((c) => c.version), ['v1']);
  });

  it('omits false and empty modulation fields', () => {
    const spec = bindingSpecOf({ destinations: ['c'], objects: [ref('', 'v1', 'pods', 'n', 'p', '1', mod({ statusCollectors: [] }))] });
    assert.deepEqual(Object.keys(spec.workload.namespaceScope?.[0] ?? {}), ['group', 'version', 'resource', 'namespace', 'name', 'resourceVersion']);
  });
});

describe('bindingSpecEqual (upstream matchesBindingSpec)', () => {
  const base = bindingSpecOf({
    destinations: ['c1', 'c2'],
    objects: [ref('apps', 'v1', 'deployments', 'n', 'web', '5', mod({ statusCollectors: ['a', 'b'] })), ref('', 'v1', 'namespaces', '', 'n', '3')],
  });
  const clone = (): BindingSpec => JSON.parse(JSON.stringify(base)) as BindingSpec;

  const cases: [string, () => BindingSpec | null | undefined, boolean][] = [
    ['identical', clone, true],
    [
      'order of destinations and objects does not matter',
      () => {
        const s = clone();
        s.destinations?.reverse();
        s.workload.namespaceScope?.reverse();
        s.workload.namespaceScope![0]!.statusCollectors!.reverse();
        return s;
      },
      true,
    ],
    [
      'explicit false equals omitted',
      () => {
        const s = clone();
        Object.assign(s.workload.clusterScope![0]!, { createOnly: false, wantSingletonReportedState: false, statusCollectors: [] });
        return s;
      },
      true,
    ],
    ['another destination', () => ({ ...clone(), destinations: [{ clusterId: 'c1' }, { clusterId: 'c3' }] }), false],
    ['one destination fewer', () => ({ ...clone(), destinations: [{ clusterId: 'c1' }] }), false],
    ['a repeated destination', () => ({ ...clone(), destinations: [{ clusterId: 'c1' }, { clusterId: 'c1' }] }), false],
    [
      'another resourceVersion',
      () => {
        const s = clone();
        s.workload.clusterScope![0]!.resourceVersion = '4';
        return s;
      },
      false,
    ],
    [
      'another modulation',
      () => {
        const s = clone();
        s.workload.namespaceScope![0]!.createOnly = true;
        return s;
      },
      false,
    ],
    [
      'other collectors',
      () => {
        const s = clone();
        s.workload.namespaceScope![0]!.statusCollectors = ['a'];
        return s;
      },
      false,
    ],
    [
      'an object moved between scopes is another object',
      () => {
        const s = clone();
        s.workload.namespaceScope![0]!.namespace = 'm';
        return s;
      },
      false,
    ],
    ['missing objects', () => ({ workload: {}, destinations: clone().destinations! }), false],
    ['null spec vs non-empty', () => null, false],
  ];
  for (const [name, make, want] of cases) {
    it(name, () => {
      assert.equal(bindingSpecEqual(make(), base), want);
      assert.equal(bindingSpecEqual(base, make()), want);
    });
  }

  it('an absent spec equals an empty resolution', () => {
    const empty = bindingSpecOf({ objects: [], destinations: [] });
    assert.equal(bindingSpecEqual(undefined, empty), true);
    assert.equal(bindingSpecEqual({ workload: {}, destinations: [] }, empty), true);
  });
});
