/**
 * A DELETE races with other writes to the same object: kube-apiserver retries its
 * compare-and-swap on a fresh read (GuaranteedUpdate), so the client never sees a 409 it did not
 * ask for with preconditions.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('DELETE under concurrent writes', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  for (const policy of ['Background', 'Foreground', 'Orphan']) {
    it(`${policy}: no Conflict while others patch the object`, async () => {
      const path = '/clusters/cluster2/api/v1/namespaces/default/configmaps';
      for (let round = 0; round < 5; round++) {
        const name = `race-${policy.toLowerCase()}-${round}`;
        assert.equal((await h.request('POST', path, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { n: '0' } } })).status, 201);
        const patches = Array.from({ length: 20 }, (_, i) =>
          h.request('PATCH', `${path}/${name}`, { body: { data: { n: String(i) } }, headers: { 'content-type': 'application/merge-patch+json' } }),
        );
        const del = h.request('DELETE', `${path}/${name}`, { body: { propagationPolicy: policy } });
        const [d] = await Promise.all([del, ...patches]);
        assert.ok([200, 202].includes(d.status), `${d.status} ${JSON.stringify(d.body)}`);
      }
    });
  }

  it('still answers 409 when a precondition does not hold', async () => {
    const path = '/clusters/cluster2/api/v1/namespaces/default/configmaps';
    assert.equal((await h.request('POST', path, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pre' } } })).status, 201);
    const r = await h.request('DELETE', `${path}/pre`, { body: { preconditions: { resourceVersion: '1' } } });
    assert.equal(r.status, 409);
    assert.equal(r.body.reason, 'Conflict');
  });
});
