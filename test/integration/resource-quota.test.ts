/**
 * ResourceQuotas enforced as kube-apiserver's admission plugin and kube-controller-manager's
 * quota controller do: status counted from the namespace, creates charged or refused (403), room
 * freed by deletions usable at once, dry runs only checked, scoped quotas applied to the pods they cover.
 */
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/wds1/api/v1';

describe('ResourceQuota enforcement', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async function () {
    h = await startInProcess({ storage: 'memory' });
  });

  after(async function () {
    await h?.stop();
  });

  async function namespace(name: string): Promise<string> {
    assert.equal((await h.request('POST', `${SPACE}/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } })).status, 201);
    // kube-root-ca.crt is a ConfigMap too: wait for it so counts are settled.
    await eventually('the root CA ConfigMap', async () => (await h.request('GET', `${SPACE}/namespaces/${name}/configmaps/kube-root-ca.crt`)).status === 200);
    return `${SPACE}/namespaces/${name}`;
  }
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const quota = (name: string, hard: Record<string, string>, extra: object = {}) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name }, spec: { hard, ...extra } });

  it('counts usage into the status, refuses creates beyond it (403) and frees room on delete at once', async function () {
    const ns = await namespace('quota-a');
    assert.equal((await h.request('POST', `${ns}/resourcequotas`, { body: quota('q', { 'count/configmaps': '3', secrets: '10' }) })).status, 201);
    const status = await eventually('the quota status', async () => (await h.request('GET', `${ns}/resourcequotas/q`)).body.status?.used);
    assert.deepEqual(status, { 'count/configmaps': '1', secrets: '0' });
    for (const name of ['c1', 'c2']) assert.equal((await h.request('POST', `${ns}/configmaps`, { body: cm(name) })).status, 201);
    assert.equal((await h.request('GET', `${ns}/resourcequotas/q`)).body.status.used['count/configmaps'], '3', 'charged by admission');

    const dry = await h.request('POST', `${ns}/configmaps?dryRun=All`, { body: cm('dry') });
    assert.equal(dry.status, 403);
    const refused = await h.request('POST', `${ns}/configmaps`, { body: cm('c3') });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.reason, 'Forbidden');
    assert.equal(refused.body.message, 'configmaps "c3" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3');

    assert.equal((await h.request('DELETE', `${ns}/configmaps/c1`)).status, 200);
    const dryOk = await h.request('POST', `${ns}/configmaps?dryRun=All`, { body: cm('dry') });
    assert.equal(dryOk.status, 201, 'freed room is seen at once');
    assert.equal((await h.request('POST', `${ns}/configmaps`, { body: cm('c3') })).status, 201);
    assert.equal((await h.request('GET', `${ns}/resourcequotas/q`)).body.status.used['count/configmaps'], '3', 'the dry run charged nothing');
  });

  it('requires pods to state the compute a quota tracks, and counts it', async function () {
    const ns = await namespace('quota-b');
    assert.equal((await h.request('POST', `${ns}/resourcequotas`, { body: quota('compute', { 'requests.cpu': '1', 'limits.memory': '1Gi', pods: '2' }) })).status, 201);
    await eventually('the quota status', async () => (await h.request('GET', `${ns}/resourcequotas/compute`)).body.status?.used);
    const bare = await h.request('POST', `${ns}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    assert.equal(bare.status, 403);
    assert.match(bare.body.message, /failed quota: compute: must specify limits.memory for: c; requests.cpu for: c/);
    const sized = (name: string, cpu: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu }, limits: { memory: '256Mi' } } }] },
    });
    assert.equal((await h.request('POST', `${ns}/pods`, { body: sized('one', '600m') })).status, 201);
    const over = await h.request('POST', `${ns}/pods`, { body: sized('two', '600m') });
    assert.equal(over.status, 403);
    assert.match(over.body.message, /exceeded quota: compute, requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1$/);
    const used = (await h.request('GET', `${ns}/resourcequotas/compute`)).body.status.used;
    assert.deepEqual(used, { 'requests.cpu': '600m', 'limits.memory': '256Mi', pods: '1' });
  });

  it('charges an update with what it adds: a Service turned LoadBalancer beyond the quota is refused', async function () {
    const ns = await namespace('quota-d');
    assert.equal((await h.request('POST', `${ns}/resourcequotas`, { body: quota('lb', { 'services.loadbalancers': '0' }) })).status, 201);
    await eventually('the quota status', async () => (await h.request('GET', `${ns}/resourcequotas/lb`)).body.status?.used);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };
    assert.equal((await h.request('POST', `${ns}/services`, { body: svc })).status, 201);
    const turned = await h.request('PATCH', `${ns}/services/web`, {
      body: { spec: { type: 'LoadBalancer' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(turned.status, 403, JSON.stringify(turned.body));
    assert.match(turned.body.message, /exceeded quota: lb, requested: services.loadbalancers=1, used: services.loadbalancers=0, limited: services.loadbalancers=0/);
    assert.equal((await h.request('GET', `${ns}/services/web`)).body.spec.type, 'ClusterIP');
  });

  it('enforces a scoped quota on the pods its scopes cover, and counts only those', async function () {
    const ns = await namespace('quota-c');
    assert.equal((await h.request('POST', `${ns}/resourcequotas`, { body: quota('scoped', { pods: '1', 'requests.memory': '2G' }, { scopes: ['NotTerminating'] }) })).status, 201);
    await eventually('the quota status', async () => (await h.request('GET', `${ns}/resourcequotas/scoped`)).body.status?.used);
    const pod = (name: string, spec: object = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { memory: '512Mi' } } }], ...spec },
    });
    assert.equal((await h.request('POST', `${ns}/pods`, { body: pod('a') })).status, 201);
    const b = await h.request('POST', `${ns}/pods`, { body: pod('b') });
    assert.equal(b.status, 403);
    assert.equal(b.body.reason, 'Forbidden');
    assert.equal(b.body.message, 'pods "b" is forbidden: exceeded quota: scoped, requested: pods=1, used: pods=1, limited: pods=1');
    // A pod with a deadline is Terminating: not this quota's to count.
    assert.equal((await h.request('POST', `${ns}/pods`, { body: pod('t', { activeDeadlineSeconds: 60 }) })).status, 201);
    // The sum keeps the requests' binary format, though the limit is decimal.
    assert.deepEqual((await h.request('GET', `${ns}/resourcequotas/scoped`)).body.status.used, { pods: '1', 'requests.memory': '512Mi' });
    assert.equal((await h.request('DELETE', `${ns}/pods/a`)).status, 200);
    assert.equal((await h.request('POST', `${ns}/pods`, { body: pod('c') })).status, 201, 'room freed by the delete');
    const recounted = await eventually('the controller recounting only covered pods', async () => {
      const used = (await h.request('GET', `${ns}/resourcequotas/scoped`)).body.status?.used;
      return used?.pods === '1' ? used : undefined;
    });
    assert.deepEqual(recounted, { pods: '1', 'requests.memory': '512Mi' });
  });

  it('refuses (422) a quota whose scopes do not fit its resources, or that names no quota resource', async function () {
    const ns = await namespace('quota-e');
    const cases = [
      quota('best-effort-cpu', { pods: '2', cpu: '1' }, { scopes: ['BestEffort'] }),
      quota('conflicting', { pods: '2' }, { scopes: ['Terminating', 'NotTerminating'] }),
      quota('unknown', { foo: '1' }),
      quota('fractional', { pods: '0.5' }),
    ];
    for (const body of cases) {
      const r = await h.request('POST', `${ns}/resourcequotas`, { body });
      assert.equal(r.status, 422, body.metadata.name);
      assert.equal(r.body.reason, 'Invalid', body.metadata.name);
    }
    assert.equal((await h.request('POST', `${ns}/resourcequotas`, { body: quota('fits', { pods: '2', cpu: '1' }, { scopes: ['NotBestEffort'] }) })).status, 201);
  });
});
