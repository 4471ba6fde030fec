import assert from 'node:assert/strict';
import { BUILTIN_CATALOG, builtinDefinitions, definitionsFor } from '../../../openapi/index.js';
import { ROOTS, diffDefinition, loadOracle, reachable, type Swagger } from './oracle.js';

const CORE = 'io.k8s.api.core.v1.';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const CRD = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.';

/**
 * Known differences from upstream v1.35, each a prefix of a diff line. A test below fails when an
 * entry stops matching anything, so the list cannot go stale.
 */
const ALLOWED: readonly { readonly reason: string; readonly prefixes: readonly string[] }[] = [
  {
    // @kubernetes/client-node 1.4.0 is generated from the v1.34 API; these fields and types are
    // new in v1.35 (mostly alpha, behind feature gates that are off by default).
    reason: 'new in v1.35, absent from the v1.34-based client models',
    prefixes: [
      `${CORE}ImageVolumeStatus: missing`,
      `${CORE}NodeAllocatableResourceClaimStatus: missing`,
      `${CORE}NodeStatus.declaredFeatures: missing`,
      `${CORE}PodCertificateProjection.userAnnotations: missing`,
      `${CORE}PodSchedulingGroup: missing`,
      `${CORE}PodSpec.schedulingGroup: missing`,
      `${CORE}PodStatus.allocatedResources: missing`,
      `${CORE}PodStatus.nodeAllocatableResourceClaimStatuses: missing`,
      `${CORE}PodStatus.resources: missing`,
      `${CORE}ResourceHealth.message: missing`,
      `${CORE}VolumeMountStatus.volumeStatus: missing`,
      `${CORE}VolumeStatus: missing`,
      `${CRD}CustomResourceDefinitionCondition.observedGeneration: missing`,
      'io.k8s.api.storage.v1.CSIDriverSpec.preventPodSchedulingIfMissing: missing',
      'io.k8s.api.storage.v1.CSIDriverSpec.serviceAccountTokenInSecrets: missing',
      `${CRD}CustomResourceDefinitionStatus.observedGeneration: missing`,
      'io.k8s.api.resource.v1.Device.nodeAllocatableResourceMappings: missing',
      'io.k8s.api.resource.v1.DeviceAttribute.bools: missing',
      'io.k8s.api.resource.v1.DeviceAttribute.ints: missing',
      'io.k8s.api.resource.v1.DeviceAttribute.strings: missing',
      'io.k8s.api.resource.v1.DeviceAttribute.versions: missing',
      'io.k8s.api.resource.v1.NodeAllocatableResourceMapping: missing',
      `${META}ListMeta.shardInfo: missing`,
      `${META}ShardInfo: missing`,
    ],
  },
  {
    // Upstream lists every group-version it serves (60); we list the ones our catalog serves.
    // The test below checks ours is a subset.
    reason: 'DeleteOptions and WatchEvent carry one GVK per served group-version',
    prefixes: [`${META}DeleteOptions: gvk`, `${META}WatchEvent: gvk`],
  },
];

const allowed = (line: string): boolean => ALLOWED.some((a) => a.prefixes.some((p) => line.startsWith(p)));

describe('openapi definitions against the upstream v1.35 swagger', function () {
  let oracle: Swagger;
  let names: string[];
  let diffs: string[];
  const ours = definitionsFor({ resources: BUILTIN_CATALOG });

  before(function () {
    const loaded = loadOracle();
    if (!loaded) this.skip();
    oracle = loaded;
    names = reachable(oracle.definitions, ROOTS);
    diffs = names.flatMap((n) => diffDefinition(n, ours[n], oracle.definitions[n]!));
  });

  it('covers the reachable upstream definitions', () => {
    assert.ok(names.length > 350, `only ${names.length} reachable definitions`);
  });

  it('differs only where the allow-list says why', () => {
    const unexplained = diffs.filter((d) => !allowed(d));
    assert.deepEqual(unexplained, []);
  });

  it('has no stale allow-list entries', () => {
    const stale = ALLOWED.flatMap((a) => a.prefixes).filter((p) => !diffs.some((d) => d.startsWith(p)));
    assert.deepEqual(stale, []);
  });

  it('lists a subset of upstream GVKs on DeleteOptions and WatchEvent', () => {
    for (const name of [`${META}DeleteOptions`, `${META}WatchEvent`]) {
      const key = (g: { group: string; version: string; kind: string }): string => `${g.group}/${g.version}/${g.kind}`;
      const theirs = new Set((oracle.definitions[name]!['x-kubernetes-group-version-kind'] as []).map(key));
      const mine = (ours[name]!['x-kubernetes-group-version-kind'] as []).map(key);
      assert.ok(mine.length >= 16, name);
      for (const g of mine) assert.ok(theirs.has(g), `${name}: ${g} not upstream`);
    }
  });

  it('maps every model class the traversal meets to a package', () => {
    assert.deepEqual(builtinDefinitions().unmapped, []);
  });

  it('publishes no definition upstream does not have', () => {
    const extra = Object.keys(builtinDefinitions().definitions).filter((n) => !oracle.definitions[n]);
    assert.deepEqual(extra, []);
  });
});
