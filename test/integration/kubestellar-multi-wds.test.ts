/**
 * Two WDSs transporting through one ITS (spec/kubestellar.md §6.2): works carry their WDS's
 * name, each engine touches only its own, and a foreign ManifestWork in a cluster namespace is
 * left alone.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('several WDSs on one ITS', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  const works = async (): Promise<any[]> => (await h.request('GET', '/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/cluster1/manifestworks')).body.items;
  const until = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; !(await probe()); i++) {
      if (i > 300) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const r = await h.request('POST', '/apis/spaces.kubestellar.io/v1alpha1/spaces', { body: { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: 'wds2' }, spec: { type: 'wds', its: 'its1' } } });
    assert.equal(r.status, 201);
    await until('wds2 served', async () => (await h.request('GET', '/clusters/wds2/apis/control.kubestellar.io/v1alpha1/bindingpolicies')).status === 200);
    await until('cluster1 registered', async () => (await h.request('GET', '/clusters/its1/api/v1/namespaces/cluster1')).status === 200);
  });
  after(async () => h?.stop());

  it('keeps each WDS to its own works', async () => {
    const foreign = await h.request('POST', '/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/cluster1/manifestworks', {
      body: { apiVersion: 'work.open-cluster-management.io/v1', kind: 'ManifestWork', metadata: { name: 'addon-addon-status-deploy-0' }, spec: { workload: { manifests: [] } } },
    });
    assert.equal(foreign.status, 201);
    for (const wds of ['wds1', 'wds2']) {
      assert.equal((await h.request('POST', `/clusters/${wds}/api/v1/namespaces/default/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared-name', labels: { multi: 'yes' } }, data: { from: wds } } })).status, 201);
      const p = await h.request('POST', `/clusters/${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies`, {
        body: { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name: 'same-policy' }, spec: { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }], downsync: [{ objectSelectors: [{ matchLabels: { multi: 'yes' } }] }] } },
      });
      assert.equal(p.status, 201);
    }
    const ofWds = (all: any[], wds: string): any[] => all.filter((w) => w.metadata.labels?.['transport.kubestellar.io/originWdsName'] === wds);
    await until('a work from each WDS', async () => {
      const all = await works();
      return ofWds(all, 'wds1').length === 1 && ofWds(all, 'wds2').length === 1;
    });
    const all = await works();
    assert.equal(ofWds(all, 'wds2')[0].spec.workload.manifests[0].data.from, 'wds2');
    assert.match(ofWds(all, 'wds2')[0].metadata.name, /-wds2-/);
    assert.equal((await h.request('DELETE', '/clusters/wds2/apis/control.kubestellar.io/v1alpha1/bindingpolicies/same-policy')).status, 200);
    await until('wds2 work gone', async () => ofWds(await works(), 'wds2').length === 0);
    await h.server.spaces.engine('wds1')!.idle();
    const after = await works();
    assert.equal(ofWds(after, 'wds1').length, 1);
    assert.ok(after.some((w) => w.metadata.name === 'addon-addon-status-deploy-0'));
  });
});
