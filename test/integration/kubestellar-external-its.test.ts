/**
 * A WDS whose ITS is external, reached through a kubeconfig kept in a Secret of the WDS: the
 * engine follows the hub and writes ManifestWorks with @kubernetes/client-node over HTTPS. Here
 * the "external" hub is its1 of the same server, reached over the network like any other.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('a WDS on an external ITS', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  const until = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; !(await probe()); i++) {
      if (i > 400) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  before(async () => {
    h = await startInProcess(); // LevelDB: the restart below keeps the spaces
  });
  after(async () => h?.stop());

  it('transports through the hub of a kubeconfig, and follows it after a restart', async () => {
    const bad = await h.request('POST', '/apis/spaces.kubestellar.io/v1alpha1/spaces', {
      body: { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: 'bad' }, spec: { type: 'wds', its: 'its1', itsKubeconfigSecret: { namespace: 'x', name: 'y' } } },
    });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.reason, 'Invalid');
    const created = await h.request('POST', '/apis/spaces.kubestellar.io/v1alpha1/spaces', {
      body: { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: 'wdsx' }, spec: { type: 'wds', itsKubeconfigSecret: { namespace: 'kubestellar-system', name: 'its' } } },
    });
    assert.equal(created.status, 201);
    await until('wdsx served', async () => (await h.request('GET', '/clusters/wdsx/api/v1/namespaces')).status === 200);
    const kubeconfig = await readFile(join(h.server.kubeconfigDir, 'its1.kubeconfig'));
    assert.equal((await h.request('POST', '/clusters/wdsx/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubestellar-system' } } })).status, 201);
    assert.equal(
      (await h.request('POST', '/clusters/wdsx/api/v1/namespaces/kubestellar-system/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'its' }, data: { kubeconfig: kubeconfig.toString('base64') } } })).status,
      201,
    );
    assert.equal(
      (
        await h.request('POST', '/clusters/wdsx/apis/control.kubestellar.io/v1alpha1/bindingpolicies', {
          body: { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name: 'x' }, spec: { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }], downsync: [{ objectSelectors: [{ matchLabels: { ext: 'y' } }] }] } },
        })
      ).status,
      201,
    );
    assert.equal((await h.request('POST', '/clusters/wdsx/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-x', labels: { ext: 'y' } }, data: { a: '1' } } })).status, 201);
    const works = async (): Promise<any[]> =>
      (await h.request('GET', '/clusters/its1/apis/work.open-cluster-management.io/v1/namespaces/cluster1/manifestworks?labelSelector=transport.kubestellar.io%2ForiginWdsName%3Dwdsx')).body.items;
    await until('the work in its1', async () => (await works()).length === 1);
    await until('the object in cluster1', async () => (await h.request('GET', '/clusters/cluster1/api/v1/namespaces/default/configmaps/from-x')).status === 200);
    await h.restart();
    const patched = await h.request('PATCH', '/clusters/wdsx/api/v1/namespaces/default/configmaps/from-x', { body: { data: { a: '2' } }, headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await until('the change in cluster1', async () => (await h.request('GET', '/clusters/cluster1/api/v1/namespaces/default/configmaps/from-x')).body?.data?.a === '2');
    assert.equal((await h.request('DELETE', '/clusters/wdsx/apis/control.kubestellar.io/v1alpha1/bindingpolicies/x')).status, 200);
    await until('the work gone', async () => (await works()).length === 0);
  });
});
