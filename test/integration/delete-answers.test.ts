/**
 * What a DELETE answers, as kube-apiserver's generic store and delete handler do: a Status naming
 * the removed object (details.kind is the resource), or the object itself for the kinds that
 * return it (pods, services, namespaces, ...); the object with its deletionTimestamp when
 * finalizers hold it; 200 in every case but a held deletion asked for with the deprecated
 * orphanDependents=false (202); and 422 Invalid DeleteOptions for values kube refuses.
 */
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const NS = '/clusters/wds1/api/v1/namespaces/default';

describe('DELETE answers', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async function () {
    h = await startInProcess();
  });

  after(async function () {
    await h?.stop();
  });

  async function create(path: string, body: object): Promise<any> {
    const r = await h.request('POST', path, { body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }

  it('a removed ConfigMap is answered with a Status naming it by resource and uid', async function () {
    const cm = await create(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } });
    const r = await h.request('DELETE', `${NS}/configmaps/gone`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', kind: 'configmaps', uid: cm.metadata.uid } });
  });

  it('a grouped resource names its group in the details; Orphan holds the object for the collector', async function () {
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    };
    await create('/clusters/wds1/apis/apps/v1/namespaces/default/deployments', deploy);
    const r = await h.request('DELETE', '/clusters/wds1/apis/apps/v1/namespaces/default/deployments/web?propagationPolicy=Orphan');
    // Orphan adds the orphan finalizer: held until the garbage collector lets go, so the object comes back.
    assert.equal(r.status, 200);
    assert.equal(r.body.kind, 'Deployment');
    assert.ok(r.body.metadata.finalizers.includes('orphan'));
    await eventually('the orphaned Deployment to go', async () => (await h.request('GET', '/clusters/wds1/apis/apps/v1/namespaces/default/deployments/web')).status === 404);

    const again = await create('/clusters/wds1/apis/apps/v1/namespaces/default/deployments', deploy);
    const removed = await h.request('DELETE', '/clusters/wds1/apis/apps/v1/namespaces/default/deployments/web');
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body.details, { name: 'web', group: 'apps', kind: 'deployments', uid: again.metadata.uid });
  });

  it('ServiceAccounts and Services answer with the removed object', async function () {
    await create(`${NS}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } });
    const sa = await h.request('DELETE', `${NS}/serviceaccounts/robot`);
    assert.equal(sa.status, 200);
    assert.equal(sa.body.kind, 'ServiceAccount');
    assert.equal(sa.body.metadata.name, 'robot');
    await create(`${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } });
    const svc = await h.request('DELETE', `${NS}/services/svc`);
    assert.equal(svc.status, 200);
    assert.equal(svc.body.kind, 'Service');
  });

  it('an object held by a finalizer comes back with its deletionTimestamp: 200, or 202 with orphanDependents=false', async function () {
    const held = (name: string): object => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, finalizers: ['example.com/hold'] } });
    await create(`${NS}/configmaps`, held('held-a'));
    const a = await h.request('DELETE', `${NS}/configmaps/held-a`);
    assert.equal(a.status, 200);
    assert.equal(a.body.kind, 'ConfigMap');
    assert.equal(typeof a.body.metadata.deletionTimestamp, 'string');

    await create(`${NS}/configmaps`, held('held-b'));
    const b = await h.request('DELETE', `${NS}/configmaps/held-b`, { body: { apiVersion: 'v1', kind: 'DeleteOptions', orphanDependents: false } });
    assert.equal(b.status, 202);
    assert.equal(b.body.kind, 'ConfigMap');

    for (const name of ['held-a', 'held-b']) {
      const got = await h.request('GET', `${NS}/configmaps/${name}`);
      const r = await h.request('PUT', `${NS}/configmaps/${name}`, { body: { ...got.body, metadata: { ...got.body.metadata, finalizers: [] } } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
  });

  it('refuses DeleteOptions kube refuses with 422 Invalid', async function () {
    await create(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } });
    const cases: [string, object | undefined, string][] = [
      ['?propagationPolicy=Sideways', undefined, 'propagationPolicy'],
      ['', { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', orphanDependents: true }, 'propagationPolicy'],
      ['?orphanDependents=false&propagationPolicy=Orphan', undefined, 'propagationPolicy'],
      ['', { apiVersion: 'v1', kind: 'DeleteOptions', dryRun: ['Sometimes'] }, 'dryRun'],
      ['?dryRun=Sometimes', undefined, 'dryRun'],
    ];
    for (const [query, body, field] of cases) {
      const r = await h.request('DELETE', `${NS}/configmaps/kept${query}`, body === undefined ? {} : { body });
      assert.equal(r.status, 422, `${query} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.reason, 'Invalid');
      assert.equal(r.body.details.kind, 'DeleteOptions');
      assert.equal(r.body.details.group, 'meta.k8s.io');
      assert.equal(r.body.details.causes[0].field, field);
    }
    assert.equal((await h.request('GET', `${NS}/configmaps/kept`)).status, 200, 'refused deletes remove nothing');
  });

  it('orphanDependents=true alone orphans; a dry run removes nothing and still answers the Status', async function () {
    const cm = await create(`${NS}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry' } });
    const dry = await h.request('DELETE', `${NS}/configmaps/dry?dryRun=All`);
    assert.equal(dry.status, 200);
    assert.deepEqual(dry.body.details, { name: 'dry', kind: 'configmaps', uid: cm.metadata.uid });
    assert.equal((await h.request('GET', `${NS}/configmaps/dry`)).status, 200);
    const orphaned = await h.request('DELETE', `${NS}/configmaps/dry?orphanDependents=true`);
    assert.equal(orphaned.status, 200);
    assert.ok(orphaned.body.metadata.finalizers.includes('orphan'), JSON.stringify(orphaned.body));
  });
});
