/**
 * Foreground deletion of one owner of a shared dependent: kube keeps the dependent (another
 * owner still holds it), drops only the reference, and completes the owner's deletion.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('garbage collection with shared owners', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  for (const scope of ['namespaced', 'cluster-scoped'] as const) {
    it(`foreground deletion of a ${scope} owner keeps a dependent another owner holds`, async () => {
      const cms = '/clusters/cluster2/api/v1/namespaces/default/configmaps';
      const owners = scope === 'namespaced' ? cms : '/clusters/cluster2/apis/rbac.authorization.k8s.io/v1/clusterroles';
      const owner = async (name: string): Promise<any> => {
        const body = scope === 'namespaced' ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } : { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: [] };
        const r = await h.request('POST', owners, { body });
        assert.equal(r.status, 201);
        return r.body;
      };
      const a = await owner(`${scope}-a`);
      const b = await owner(`${scope}-b`);
      const ref = (o: any): unknown => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, uid: o.metadata.uid });
      const dep = `${scope}-dep`;
      assert.equal((await h.request('POST', cms, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: dep, ownerReferences: [ref(a), ref(b)] } } })).status, 201);
      const del = await h.request('DELETE', `${owners}/${a.metadata.name}`, { body: { propagationPolicy: 'Foreground' } });
      assert.ok([200, 202].includes(del.status));
      for (let i = 0; ; i++) {
        if ((await h.request('GET', `${owners}/${a.metadata.name}`)).status === 404) break;
        if (i > 200) assert.fail('the owner was never deleted');
        await new Promise((r) => setTimeout(r, 20));
      }
      const kept = await h.request('GET', `${cms}/${dep}`);
      assert.equal(kept.status, 200);
      assert.deepEqual(kept.body.metadata.ownerReferences.map((r: any) => r.uid), [b.metadata.uid]);
    });
  }
});
