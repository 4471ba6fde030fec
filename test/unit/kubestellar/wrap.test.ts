import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { manifestWorkContentEqual, manifestWorkName, wrapManifestWork, type WrapInput } from '../../../src/kubestellar/transport/wrap.js';
import { BINDING_GENERATION_ANNOTATION, BINDING_KEY_LABEL, MANIFESTWORK_FINALIZER, WDS_NAME_LABEL } from '../../../src/kubestellar/well-known.js';

const BINDING_UID = '6f0c2b4e-0000-4000-8000-000000000001';
const OBJECT_UID = '9d2e7a10-0000-4000-8000-000000000002';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx' } },
  spec: { replicas: 1 },
};

const input = (over: Partial<WrapInput> = {}): WrapInput => ({
  bindingName: 'nginx',
  bindingGeneration: 7,
  wdsName: 'wds1',
  cluster: 'cluster1',
  name: manifestWorkName(BINDING_UID, 'wds1', OBJECT_UID),
  object: deployment,
  createOnly: false,
  group: 'apps',
  resource: 'deployments',
  ...over,
});

describe('manifestWorkName (spec §3.4, chart default)', () => {
  it('is <Binding UID>-<wdsName>-<object UID>', () => {
    assert.equal(manifestWorkName(BINDING_UID, 'wds1', OBJECT_UID), `${BINDING_UID}-wds1-${OBJECT_UID}`);
  });
});

describe('wrapManifestWork (spec §3.4)', () => {
  it('builds the ManifestWork of the spec, members in OCM order', () => {
    const work = wrapManifestWork(input());
    const want = {
      apiVersion: 'work.open-cluster-management.io/v1',
      kind: 'ManifestWork',
      metadata: {
        name: `${BINDING_UID}-wds1-${OBJECT_UID}`,
        namespace: 'cluster1',
        labels: { [BINDING_KEY_LABEL]: 'nginx', [WDS_NAME_LABEL]: 'wds1' },
        annotations: { [BINDING_GENERATION_ANNOTATION]: '7' },
      },
      spec: { workload: { manifests: [deployment] } },
    };
    assert.deepEqual(work, want);
    assert.equal(JSON.stringify(work), JSON.stringify(want));
    assert.ok(!('ownerReferences' in work.metadata));
  });

  it('createOnly adds one CreateOnly manifestConfig naming the object', () => {
    const work = wrapManifestWork(input({ createOnly: true }));
    assert.deepEqual(work['spec'], {
      workload: { manifests: [deployment] },
      manifestConfigs: [{ resourceIdentifier: { group: 'apps', resource: 'deployments', name: 'nginx', namespace: 'nginx' }, updateStrategy: { type: 'CreateOnly' } }],
    });
    assert.equal(
      JSON.stringify((work['spec'] as { manifestConfigs: unknown[] }).manifestConfigs[0]),
      '{"resourceIdentifier":{"group":"apps","resource":"deployments","name":"nginx","namespace":"nginx"},"updateStrategy":{"type":"CreateOnly"}}',
    );
  });

  it('a cluster-scoped core object has empty group and namespace in its identifier', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx' } };
    const work = wrapManifestWork(input({ object: ns, createOnly: true, group: '', resource: 'namespaces' }));
    const configs = (work['spec'] as { manifestConfigs: { resourceIdentifier: unknown }[] }).manifestConfigs;
    assert.deepEqual(configs[0]?.resourceIdentifier, { group: '', resource: 'namespaces', name: 'nginx', namespace: '' });
  });
});

describe('manifestWorkContentEqual', () => {
  const desired = wrapManifestWork(input({ createOnly: true }));
  /** What the ITS holds after the create: server metadata, OCM's finalizer and defaults, the agent's status. */
  const stored = (): KubeObject => {
    const w = JSON.parse(JSON.stringify(desired)) as KubeObject;
    Object.assign(w.metadata, { uid: 'w-uid', resourceVersion: '12', generation: 1, creationTimestamp: '2024-01-01T00:00:00Z', finalizers: [MANIFESTWORK_FINALIZER] });
    w.metadata.labels = { ...w.metadata.labels, other: 'label' };
    w.metadata.annotations = { ...w.metadata.annotations, 'open-cluster-management.io/config-spec-hash': 'abc' };
    (w['spec'] as { manifestConfigs: Record<string, unknown>[] }).manifestConfigs[0]!['feedbackScrapeType'] = 'Poll';
    w['status'] = { conditions: [{ type: 'Applied', status: 'True' }] };
    return w;
  };

  const cases: [string, (w: KubeObject) => void, boolean][] = [
    ['as stored', () => undefined, true],
    [
      'only the Binding generation moved: no rewrite (deliberate divergence)',
      (w) => {
        w.metadata.annotations![BINDING_GENERATION_ANNOTATION] = '8';
      },
      true,
    ],
    [
      'annotation missing: no rewrite',
      (w) => {
        delete w.metadata.annotations;
      },
      true,
    ],
    [
      'the binding label differs',
      (w) => {
        w.metadata.labels![BINDING_KEY_LABEL] = 'other';
      },
      false,
    ],
    [
      'the wds label is missing',
      (w) => {
        delete w.metadata.labels![WDS_NAME_LABEL];
      },
      false,
    ],
    [
      'the manifest drifted',
      (w) => {
        ((w['spec'] as { workload: { manifests: KubeObject[] } }).workload.manifests[0]!['spec'] as { replicas: number }).replicas = 3;
      },
      false,
    ],
    [
      'createOnly was dropped',
      (w) => {
        delete (w['spec'] as Record<string, unknown>)['manifestConfigs'];
      },
      false,
    ],
    [
      'a non-default feedbackScrapeType is drift',
      (w) => {
        (w['spec'] as { manifestConfigs: Record<string, unknown>[] }).manifestConfigs[0]!['feedbackScrapeType'] = 'Watch';
      },
      false,
    ],
    [
      'someone added a deleteOption',
      (w) => {
        (w['spec'] as Record<string, unknown>)['deleteOption'] = { propagationPolicy: 'Orphan' };
      },
      false,
    ],
    [
      'member order in the manifest does not matter',
      (w) => {
        const spec = w['spec'] as { workload: { manifests: KubeObject[] } };
        const m = spec.workload.manifests[0]!;
        spec.workload.manifests[0] = { spec: m['spec'], metadata: m.metadata, kind: m.kind, apiVersion: m.apiVersion };
      },
      true,
    ],
  ];
  for (const [name, mutate, want] of cases) {
    it(name, () => {
      const w = stored();
      mutate(w);
      assert.equal(manifestWorkContentEqual(w, desired), want);
    });
  }

  it('a desired change of createOnly or object is seen', () => {
    assert.equal(manifestWorkContentEqual(stored(), wrapManifestWork(input({ createOnly: false }))), false);
    assert.equal(manifestWorkContentEqual(stored(), wrapManifestWork(input({ createOnly: true, object: { ...deployment, spec: { replicas: 2 } } }))), false);
    assert.equal(manifestWorkContentEqual(stored(), wrapManifestWork(input({ createOnly: true, bindingGeneration: 99 }))), true);
  });
});
