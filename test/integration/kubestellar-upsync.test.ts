/**
 * Upsync (docs/upsync.md) through the HTTP API of the in-process demo: wds1 over its1, WECs
 * cluster1 and cluster2 with their in-process work agents. A policy's upsync clause yields one
 * `upsync-wds1` work per selected cluster; objects created directly in the WECs come back into
 * wds1, annotated with their cluster; the conflict rules (first cluster by name owns, objects
 * upsync did not create are never touched, copies never go back down) hold and are reported.
 */
import assert from 'node:assert/strict';
import { rest } from '../helpers/rest.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';

const WDS = '/clusters/wds1';
const ITS = '/clusters/its1';
const CTL = `${WDS}/apis/control.kubestellar.io/v1alpha1`;
const CM = (space: string, name = ''): string => `/clusters/${space}/api/v1/namespaces/reports/configmaps${name === '' ? '' : `/${name}`}`;
const WORK = (cluster: string): string => `${ITS}/apis/work.open-cluster-management.io/v1/namespaces/${cluster}/manifestworks/upsync-wds1`;
const FROM = 'control.kubestellar.io/upsynced-from';

const CLAUSE = { apiGroup: '', resources: ['configmaps'], namespaces: ['reports', 'late'], names: ['summary', 'mine'] };

describe('KubeStellar upsync (WECs → wds1)', function () {
  this.timeout(120_000);
  let h: InProcessServer;

  const { req, ok, get } = rest(() => h);
  const configMap = (name: string, data: Record<string, string>): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'reports' }, data });
  const policy = (name: string, spec: unknown): unknown => ({ apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'BindingPolicy', metadata: { name }, spec });
  const condition = async (name: string, type: string): Promise<any> => (await get(`${CTL}/bindingpolicies/${name}`))?.status?.conditions?.find((c: any) => c.type === type);
  const copyIn = (name: string, pred: (o: any) => boolean): Promise<any> =>
    eventually(`wds1 reports/${name}`, async () => {
      const o = await get(CM('wds1', name));
      return o !== undefined && pred(o) ? o : undefined;
    });

  before(async () => {
    h = await startInProcess();
    for (const space of ['wds1', 'cluster1', 'cluster2']) await ok('POST', `/clusters/${space}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'reports' } });
    for (const c of ['cluster1', 'cluster2']) {
      await eventually(`${c} registered`, async () => (await get(`${ITS}/api/v1/namespaces/${c}`)) !== undefined);
    }
  });
  after(async () => h?.stop());

  it('refuses malformed upsync clauses with 422 Invalid', async () => {
    const bad: [string, unknown][] = [
      ['no apiGroup', { resources: ['configmaps'] }],
      ['no resources', { apiGroup: '' }],
      ['empty resources', { apiGroup: '', resources: [] }],
      ['a wildcard resource', { apiGroup: '', resources: ['*'] }],
      ['an upper-case resource', { apiGroup: '', resources: ['ConfigMaps'] }],
      ['a bad namespace', { apiGroup: '', resources: ['configmaps'], namespaces: ['Not_A_Namespace'] }],
      ['a bad selector', { apiGroup: '', resources: ['configmaps'], objectSelectors: [{ matchLabels: { a: '-x' } }] }],
    ];
    for (const [what, clause] of bad) {
      const r = await req('POST', `${CTL}/bindingpolicies`, policy('bad', { upsync: [clause] }));
      assert.equal(r.status, 422, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.reason, 'Invalid', what);
    }
  });

  it('writes one upsync work per selected cluster, which the agents report on', async () => {
    await ok('POST', `${CTL}/bindingpolicies`, policy('reports', { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], upsync: [CLAUSE] }));
    for (const c of ['cluster1', 'cluster2']) {
      const work = await eventually(`upsync work in ${c}, reported`, async () => {
        const w = await get(WORK(c));
        return w?.status?.conditions?.some((x: any) => x.type === 'Available' && x.status === 'True') ? w : undefined;
      });
      assert.deepEqual(work.metadata.labels, { 'transport.kubestellar.io/originWdsName': 'wds1', 'control.kubestellar.io/upsync': 'true' });
      assert.deepEqual(JSON.parse(work.metadata.annotations['control.kubestellar.io/upsync-clauses']), [
        { apiGroup: '', resources: ['configmaps'], namespaces: ['late', 'reports'], names: ['mine', 'summary'] },
      ]);
      assert.deepEqual(work.spec.workload.manifests ?? [], []);
      assert.equal(work.metadata.finalizers, undefined, 'nothing applied, nothing to clean up');
      assert.deepEqual(work.status.resourceStatus.manifests ?? [], []);
      assert.ok(work.status.conditions.some((x: any) => x.type === 'Degraded' && x.status === 'False'));
    }
    const cond = await eventually('UpsyncConflict False', async () => (await condition('reports', 'UpsyncConflict'))?.status === 'False');
    assert.ok(cond);
  });

  it('a ConfigMap created in cluster1 appears in wds1, annotated; WEC updates follow', async () => {
    await ok('POST', CM('cluster1'), configMap('summary', { v: '1' }));
    const copy = await copyIn('summary', (o) => o.data?.v === '1');
    assert.equal(copy.metadata.annotations[FROM], 'cluster1');
    const work = await get(WORK('cluster1'));
    const entry = work.status.resourceStatus.manifests[0];
    assert.deepEqual(
      { ...entry.resourceMeta, ordinal: undefined },
      { ordinal: undefined, group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespace: 'reports', name: 'summary' },
    );
    const reported = JSON.parse(entry.statusFeedback.values[0].fieldValue.jsonRaw);
    assert.equal(entry.statusFeedback.values[0].name, 'object');
    for (const f of ['uid', 'resourceVersion', 'managedFields', 'creationTimestamp']) assert.equal(reported.metadata[f], undefined, f);
    await ok('PATCH', CM('cluster1', 'summary'), { data: { v: '2' } });
    await copyIn('summary', (o) => o.data?.v === '2');
  });

  it('the same name in cluster2: wds1 keeps cluster1\'s (also across a restart), and the policy reports the conflict', async () => {
    await ok('POST', CM('cluster2'), configMap('summary', { v: 'from-cluster2' }));
    const cond = await eventually('UpsyncConflict True', async () => {
      const c = await condition('reports', 'UpsyncConflict');
      return c?.status === 'True' ? c : undefined;
    });
    assert.equal(cond.reason, 'ConflictsFound');
    assert.match(cond.message, /configmaps reports\/summary is reported by cluster1, cluster2; the WDS holds cluster1's/);
    const copy = await get(CM('wds1', 'summary'));
    assert.equal(copy.data.v, '2');
    assert.equal(copy.metadata.annotations[FROM], 'cluster1');
    await h.restart();
    await new Promise((r) => setTimeout(r, 1500));
    const after = await get(CM('wds1', 'summary'));
    assert.equal(after.data.v, '2');
    assert.equal(after.metadata.annotations[FROM], 'cluster1');
  });

  it('deleting cluster1\'s copy hands the object to cluster2; deleting both removes it', async () => {
    await ok('DELETE', CM('cluster1', 'summary'));
    await copyIn('summary', (o) => o.data?.v === 'from-cluster2' && o.metadata.annotations?.[FROM] === 'cluster2');
    await eventually('UpsyncConflict False', async () => (await condition('reports', 'UpsyncConflict'))?.status === 'False');
    await ok('DELETE', CM('cluster2', 'summary'));
    await eventually('summary gone from wds1', async () => (await get(CM('wds1', 'summary'))) === undefined);
  });

  it('a WDS object upsync did not create is never touched, and the conflict is reported', async () => {
    await ok('POST', CM('wds1'), configMap('mine', { owner: 'user' }));
    await ok('POST', CM('cluster1'), configMap('mine', { owner: 'wec' }));
    const cond = await eventually('UpsyncConflict True', async () => {
      const c = await condition('reports', 'UpsyncConflict');
      return c?.status === 'True' ? c : undefined;
    });
    assert.match(cond.message, /reports\/mine is reported by cluster1 but the WDS has an object of that name not created by upsync/);
    await new Promise((r) => setTimeout(r, 500));
    const mine = await get(CM('wds1', 'mine'));
    assert.deepEqual(mine.data, { owner: 'user' });
    assert.equal(mine.metadata.annotations?.[FROM], undefined);
    await ok('DELETE', CM('cluster1', 'mine'));
    await eventually('UpsyncConflict False', async () => (await condition('reports', 'UpsyncConflict'))?.status === 'False');
    assert.deepEqual((await get(CM('wds1', 'mine'))).data, { owner: 'user' });
  });

  it('upsynced copies are never downsynced; objects the agent applied are never upsynced', async () => {
    await ok('POST', CM('cluster1'), configMap('summary', { v: '3' }));
    await copyIn('summary', (o) => o.data?.v === '3');
    await ok('POST', `${CTL}/bindingpolicies`, policy('down', {
      clusterSelectors: [{ matchLabels: { name: 'cluster2' } }],
      downsync: [{ resources: ['configmaps'], namespaces: ['reports'], objectNames: ['summary', 'mine'] }],
    }));
    // The user's `mine` goes down to cluster2; the copy `summary` does not.
    const binding = await eventually('Binding down selects mine', async () => {
      const b = await get(`${CTL}/bindings/down`);
      return b?.spec?.workload?.namespaceScope?.length > 0 ? b : undefined;
    });
    assert.deepEqual(binding.spec.workload.namespaceScope.map((o: any) => o.name), ['mine']);
    await eventually('mine in cluster2', async () => (await get(CM('cluster2', 'mine')))?.data?.owner === 'user');
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(await get(CM('cluster2', 'summary')), undefined);
    // cluster2 now holds `mine` as applied by its agent: not reported, so no conflict.
    const work = await get(WORK('cluster2'));
    assert.deepEqual(work.status.resourceStatus.manifests ?? [], []);
    assert.equal((await condition('reports', 'UpsyncConflict'))?.status, 'False');
    await ok('DELETE', `${CTL}/bindingpolicies/down`);
    await eventually('mine withdrawn from cluster2', async () => (await get(CM('cluster2', 'mine'))) === undefined);
  });

  it('a copy waits for its namespace in the WDS, reported as a failure meanwhile', async () => {
    await ok('POST', '/clusters/cluster1/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late' } });
    await ok('POST', '/clusters/cluster1/api/v1/namespaces/late/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'summary' }, data: { v: 'late' } });
    const cond = await eventually('UpsyncSynced False', async () => {
      const c = await condition('reports', 'UpsyncSynced');
      return c?.status === 'False' ? c : undefined;
    });
    assert.equal(cond.reason, 'WriteFailed');
    assert.match(cond.message, /configmaps late\/summary: namespace late does not exist in the WDS/);
    await ok('POST', `${WDS}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'late' } });
    await eventually('the copy in late', async () => (await get(`${WDS}/api/v1/namespaces/late/configmaps/summary`))?.data?.v === 'late');
    await eventually('UpsyncSynced True', async () => (await condition('reports', 'UpsyncSynced'))?.status === 'True');
  });

  it('a resource a WEC does not serve is skipped, with a condition on the work; the rest flows', async () => {
    await ok('POST', `${CTL}/bindingpolicies`, policy('widgets', { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }], upsync: [{ apiGroup: 'example.com', resources: ['widgets'] }] }));
    const applied = await eventually('Applied False on cluster1\'s work', async () => {
      const w = await get(WORK('cluster1'));
      return w?.status?.conditions?.find((c: any) => c.type === 'Applied' && c.status === 'False');
    });
    assert.equal(applied.reason, 'UpsyncResourceUnknown');
    assert.match(applied.message, /example\.com\/widgets/);
    await ok('PATCH', CM('cluster1', 'summary'), { data: { v: '4' } });
    await copyIn('summary', (o) => o.data?.v === '4');
    await ok('DELETE', `${CTL}/bindingpolicies/widgets`);
    await eventually('Applied True again', async () => (await get(WORK('cluster1')))?.status?.conditions?.some((c: any) => c.type === 'Applied' && c.status === 'True'));
  });

  it('objects with a status subresource come with their status, and settle (no write loop)', async () => {
    await ok('POST', `${CTL}/bindingpolicies`, policy('deploys', { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }], upsync: [{ apiGroup: 'apps', resources: ['deployments'], namespaces: ['reports'] }] }));
    await ok('POST', '/clusters/cluster1/apis/apps/v1/namespaces/reports/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'reports', labels: { app: 'web' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const DEPLOY = (space: string): string => `/clusters/${space}/apis/apps/v1/namespaces/reports/deployments/web`;
    await eventually('the WEC deployment is ready', async () => (await get(DEPLOY('cluster1')))?.status?.readyReplicas === 2);
    const copy = await eventually('the copy, with its status', async () => {
      const o = await get(DEPLOY('wds1'));
      return o?.status?.readyReplicas === 2 ? o : undefined;
    });
    assert.equal(copy.metadata.annotations[FROM], 'cluster1');
    assert.equal(copy.spec.replicas, 2);
    const wec = await get(DEPLOY('cluster1'));
    await new Promise((r) => setTimeout(r, 1000));
    if ((await get(DEPLOY('cluster1'))).metadata.resourceVersion === wec.metadata.resourceVersion) {
      const settled = await get(DEPLOY('wds1'));
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal((await get(DEPLOY('wds1'))).metadata.resourceVersion, settled.metadata.resourceVersion, 'the copy is not rewritten while nothing changes');
    }
    await ok('DELETE', `${CTL}/bindingpolicies/deploys`);
    await eventually('the deployment copy is gone', async () => (await get(DEPLOY('wds1'))) === undefined);
  });

  it('removing the upsync clause removes the upsync works, the copies and the conditions', async () => {
    await ok('PATCH', `${CTL}/bindingpolicies/reports`, { spec: { upsync: null } });
    for (const c of ['cluster1', 'cluster2']) await eventually(`no upsync work in ${c}`, async () => (await get(WORK(c))) === undefined);
    await eventually('the copies are gone', async () => (await get(CM('wds1', 'summary'))) === undefined && (await get(`${WDS}/api/v1/namespaces/late/configmaps/summary`)) === undefined);
    assert.deepEqual((await get(CM('wds1', 'mine'))).data, { owner: 'user' });
    await eventually('conditions removed', async () => (await condition('reports', 'UpsyncConflict')) === undefined);
    assert.ok(await get(CM('cluster1', 'summary')), 'the WEC object itself stays');
  });
});
