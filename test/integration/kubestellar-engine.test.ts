/**
 * The KubeStellar engine of wds1 over the embedded ITS its1, through the HTTP API: Bindings
 * named after and owned by their policies, ManifestWorks named, labelled and cleaned as
 * KubeStellar does, re-evaluation on policy, namespace and cluster label changes, no rewrite
 * without change, and convergence after a restart. Clusters here are ManagedClusters created by
 * the test (no agent), so only the ITS side is checked.
 */
import assert from 'node:assert/strict';
import { rest } from '../helpers/rest.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';

const WDS = '/clusters/wds1';
const ITS = '/clusters/its1';
const CTL = `${WDS}/apis/control.kubestellar.io/v1alpha1`;
const MW = (ns: string): string => `${ITS}/apis/work.open-cluster-management.io/v1/namespaces/${ns}/manifestworks`;


describe('KubeStellar engine (wds1 → its1)', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  const { ok } = rest(() => h);
  const works = async (cluster: string): Promise<any[]> => {
    const r = await h.request('GET', `${MW(cluster)}?labelSelector=transport.kubestellar.io/originWdsName%3Dwds1`);
    return r.status === 200 ? r.body.items : [];
  };
  const cluster = (name: string, labels: Record<string, string>): unknown => ({
    apiVersion: 'cluster.open-cluster-management.io/v1',
    kind: 'ManagedCluster',
    metadata: { name, labels },
    spec: { hubAcceptsClient: true },
  });

  before(async () => {
    h = await startInProcess();
    await ok('POST', `${ITS}/apis/cluster.open-cluster-management.io/v1/managedclusters`, cluster('edge-a', { test: 'engine', zone: 'a' }));
    await ok('POST', `${ITS}/apis/cluster.open-cluster-management.io/v1/managedclusters`, cluster('edge-b', { test: 'engine', zone: 'b' }));
    await eventually('cluster namespaces', async () => ((await h.request('GET', `${ITS}/api/v1/namespaces/edge-b`)).status === 200 ? true : undefined));
    await ok('POST', `${WDS}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { team: 'shop' } } });
    await ok('POST', `${WDS}/apis/apps/v1/namespaces/shop/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
  });
  after(async () => h?.stop());

  it('a policy yields its Binding and one cleaned ManifestWork per object and cluster', async () => {
    const policy = await ok('POST', `${CTL}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'web' },
      spec: {
        clusterSelectors: [{ matchLabels: { test: 'engine' } }],
        downsync: [{ objectSelectors: [{ matchLabels: { app: 'web' } }] }, { resources: ['namespaces'], objectNames: ['shop'] }],
      },
    });
    const binding = await eventually('the Binding', async () => {
      const r = await h.request('GET', `${CTL}/bindings/web`);
      return r.status === 200 && r.body.spec?.destinations?.length === 2 && r.body.spec.workload?.namespaceScope?.length === 1 ? r.body : undefined;
    });
    assert.deepEqual(binding.metadata.ownerReferences, [
      { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', name: 'web', uid: policy.metadata.uid, controller: true, blockOwnerDeletion: false },
    ]);
    assert.deepEqual(binding.spec.destinations, [{ clusterId: 'edge-a' }, { clusterId: 'edge-b' }]);
    assert.equal(binding.spec.workload.clusterScope.length, 1);
    assert.equal(binding.spec.workload.clusterScope[0].resource, 'namespaces');
    const deploy = await ok('GET', `${WDS}/apis/apps/v1/namespaces/shop/deployments/web`);
    for (const c of ['edge-a', 'edge-b']) {
      const items = await eventually(`works in ${c}`, async () => {
        const w = await works(c);
        return w.length === 2 ? w : undefined;
      });
      const work = items.find((w) => w.spec.workload.manifests[0].kind === 'Deployment');
      assert.equal(work.metadata.name, `${binding.metadata.uid}-wds1-${deploy.metadata.uid}`);
      assert.equal(work.metadata.labels['transport.kubestellar.io/originOwnerReferenceBindingKey'], 'web');
      const m = work.spec.workload.manifests[0];
      for (const gone of ['uid', 'resourceVersion', 'managedFields', 'generation']) assert.equal(m.metadata[gone], undefined, gone);
      assert.equal(m.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
      assert.equal(m.status, undefined);
      assert.equal(work.spec.manifestConfigs, undefined);
    }
  });

  it('follows an object change, and does not rewrite works for a status-only change', async () => {
    await ok('PATCH', `${WDS}/apis/apps/v1/namespaces/shop/deployments/web`, { spec: { replicas: 3 } });
    const before = await eventually('replicas 3 in the work', async () => {
      const w = (await works('edge-a')).find((x) => x.spec.workload.manifests[0].kind === 'Deployment');
      return w?.spec.workload.manifests[0].spec.replicas === 3 ? w : undefined;
    });
    const r = await h.request('PATCH', `${WDS}/apis/apps/v1/namespaces/shop/deployments/web/status`, {
      body: { status: { observedGeneration: 5 } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    assert.equal(r.status, 200);
    await new Promise((res) => setTimeout(res, 300));
    const after = (await works('edge-a')).find((x) => x.spec.workload.manifests[0].kind === 'Deployment');
    assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  });

  it('createOnly becomes a CreateOnly manifestConfig', async () => {
    await ok('PATCH', `${CTL}/bindingpolicies/web`, {
      spec: { downsync: [{ objectSelectors: [{ matchLabels: { app: 'web' } }], createOnly: true }, { resources: ['namespaces'], objectNames: ['shop'] }] },
    });
    const work = await eventually('CreateOnly', async () => {
      const w = (await works('edge-b')).find((x) => x.spec.workload.manifests[0].kind === 'Deployment');
      return w?.spec.manifestConfigs !== undefined ? w : undefined;
    });
    assert.equal(work.spec.manifestConfigs.length, 1);
    assert.deepEqual(work.spec.manifestConfigs[0].resourceIdentifier, { group: 'apps', resource: 'deployments', namespace: 'shop', name: 'web' });
    assert.deepEqual(work.spec.manifestConfigs[0].updateStrategy, { type: 'CreateOnly' });
  });

  it('a cluster whose labels stop matching loses its works; matching again brings them back', async () => {
    await ok('PATCH', `${ITS}/apis/cluster.open-cluster-management.io/v1/managedclusters/edge-b`, { metadata: { labels: { test: null } } });
    await eventually('no works in edge-b', async () => ((await works('edge-b')).length === 0 ? true : undefined));
    assert.equal((await works('edge-a')).length, 2);
    await ok('PATCH', `${ITS}/apis/cluster.open-cluster-management.io/v1/managedclusters/edge-b`, { metadata: { labels: { test: 'engine' } } });
    await eventually('works back in edge-b', async () => ((await works('edge-b')).length === 2 ? true : undefined));
  });

  it('namespace selectors follow the namespace labels', async () => {
    await ok('POST', `${CTL}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'by-namespace' },
      spec: { clusterSelectors: [{ matchLabels: { zone: 'a' } }], downsync: [{ resources: ['configmaps'], namespaceSelectors: [{ matchLabels: { team: 'shop' } }] }] },
    });
    await ok('POST', `${WDS}/api/v1/namespaces/shop/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    const isSettings = (w: any): boolean => w.spec.workload.manifests[0].kind === 'ConfigMap' && w.spec.workload.manifests[0].metadata.name === 'settings';
    await eventually('settings in edge-a', async () => ((await works('edge-a')).some(isSettings) ? true : undefined));
    await ok('PATCH', `${WDS}/api/v1/namespaces/shop`, { metadata: { labels: { team: 'other' } } });
    await eventually('settings gone from edge-a', async () => (!(await works('edge-a')).some(isSettings) ? true : undefined));
    await ok('DELETE', `${CTL}/bindingpolicies/by-namespace`);
  });

  it('keeps its works across a restart; deleting the policy removes them and its Binding', async () => {
    await h.restart();
    assert.equal((await works('edge-a')).length, 2);
    await ok('DELETE', `${CTL}/bindingpolicies/web`);
    await eventually('works gone', async () => ((await works('edge-a')).length + (await works('edge-b')).length === 0 ? true : undefined));
    await eventually('Binding garbage-collected', async () => ((await h.request('GET', `${CTL}/bindings/web`)).status === 404 ? true : undefined));
  });
});
