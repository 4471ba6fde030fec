/**
 * One WDS over two ITS shards of the same server: each cluster's works go to the shard it is
 * registered in, the WECs behind both shards get the workload, and a cluster registered in both
 * shards has its works in exactly one (the rendezvous owner), moving back when that changes.
 */
import assert from 'node:assert/strict';
import { shardOwner } from '../../src/kubestellar/engine/shard-owner.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const SPACES = '/apis/spaces.kubestellar.io/v1alpha1/spaces';
/** A WEC of its2 whose second registration, in its1, wins: so that the test sees works move. */
const WEC = ['cluster3', 'cluster4', 'cluster5', 'cluster6', 'cluster7', 'cluster8'].find((c) => shardOwner(c, ['its1', 'its2']) === 'its1')!;
const WORKS = (its: string, cluster: string): string => `/clusters/${its}/apis/work.open-cluster-management.io/v1/namespaces/${cluster}/manifestworks`;

describe('a WDS over two ITS shards', function () {
  this.timeout(120_000);
  let h: InProcessServer;
  const until = async (what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe())) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const space = async (name: string, spec: Record<string, unknown>): Promise<void> => {
    const r = await h.request('POST', SPACES, { body: { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name }, spec } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  const ours = async (its: string, cluster: string): Promise<any[]> => {
    const r = await h.request('GET', WORKS(its, cluster));
    return r.status === 200 ? (r.body.items as any[]).filter((w) => w.metadata.labels?.['transport.kubestellar.io/originWdsName'] === 'wdss') : [];
  };

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    await space('its2', { type: 'its' });
    await space(WEC, { type: 'cluster', its: 'its2', clusterLabels: { 'location-group': 'edge', name: WEC } });
    await space('wdss', { type: 'wds', shards: [{ its: 'its1' }, { its: 'its2' }] });
    await until('WEC registered in its2', async () => (await h.request('GET', `/clusters/its2/api/v1/namespaces/${WEC}`)).status === 200);
    await until('wdss served', async () => (await h.request('GET', '/clusters/wdss/apis/control.kubestellar.io/v1alpha1/bindingpolicies')).status === 200);
  });
  after(async () => h?.stop());

  it('refuses malformed shard lists with 422 Invalid', async () => {
    for (const spec of [
      { type: 'wds', shards: [] },
      { type: 'wds', its: 'its1', shards: [{ its: 'its2' }] },
      { type: 'wds', shards: [{ its: 'its1' }, { its: 'its1' }] },
      { type: 'wds', shards: [{ its: 'its1', itsKubeconfigSecret: { namespace: 'a', name: 'b' } }] },
      { type: 'wds', shards: [{ itsKubeconfigSecret: { namespace: 'a', name: 'b' } }] },
      { type: 'its', shards: [{ its: 'its1' }] },
    ]) {
      const r = await h.request('POST', SPACES, { body: { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: 'bad' }, spec } });
      assert.equal(r.status, 422, JSON.stringify(spec));
      assert.equal(r.body.reason, 'Invalid');
    }
  });

  it('sends each cluster its works through the shard it is registered in, and the WECs get the workload', async () => {
    const ns = await h.request('POST', '/clusters/wdss/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { app: 'shop' } } } });
    assert.equal(ns.status, 201);
    const cm = await h.request('POST', '/clusters/wdss/api/v1/namespaces/shop/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', labels: { app: 'shop' } }, data: { color: 'blue' } } });
    assert.equal(cm.status, 201);
    const p = await h.request('POST', '/clusters/wdss/apis/control.kubestellar.io/v1alpha1/bindingpolicies', {
      body: { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name: 'shop' }, spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { app: 'shop' } }] }] } },
    });
    assert.equal(p.status, 201);
    for (const wec of ['cluster1', 'cluster2', WEC]) {
      await until(`${wec} holds the ConfigMap`, async () => (await h.request('GET', `/clusters/${wec}/api/v1/namespaces/shop/configmaps/settings`)).status === 200);
    }
    assert.equal((await ours('its1', 'cluster1')).length, 2);
    assert.equal((await ours('its1', 'cluster2')).length, 2);
    assert.equal((await ours('its2', WEC)).length, 2);
    assert.equal((await ours('its1', WEC)).length, 0);
    const binding = await h.request('GET', '/clusters/wdss/apis/control.kubestellar.io/v1alpha1/bindings/shop');
    assert.deepEqual(binding.body.spec.destinations.map((d: { clusterId: string }) => d.clusterId).sort(), ['cluster1', 'cluster2', WEC].sort());
  });

  it('keeps the works of a cluster registered in both shards in exactly one, the rendezvous owner', async () => {
    // A second registration of the WEC, in its1 (as when a cluster moves between hubs).
    const mc = await h.request('POST', '/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters', {
      body: { apiVersion: 'cluster.open-cluster-management.io/v1', kind: 'ManagedCluster', metadata: { name: WEC, labels: { 'location-group': 'edge', name: WEC } }, spec: { hubAcceptsClient: true } },
    });
    assert.equal(mc.status, 201, JSON.stringify(mc.body));
    await until('its1 has a namespace for the WEC', async () => (await h.request('GET', `/clusters/its1/api/v1/namespaces/${WEC}`)).status === 200);
    await until('the works only in its1, the owner now', async () => (await ours('its1', WEC)).length === 2 && (await ours('its2', WEC)).length === 0);
    // The second registration goes away: its2 owns the cluster again.
    assert.equal((await h.request('DELETE', `/clusters/its1/apis/cluster.open-cluster-management.io/v1/managedclusters/${WEC}`)).status, 200);
    await until("the works back in its2 only", async () => (await ours('its2', WEC)).length === 2 && (await ours('its1', WEC)).length === 0);
    await h.server.spaces.engine('wdss')!.idle();
    assert.equal((await ours('its2', WEC)).length, 2);
  });
});
