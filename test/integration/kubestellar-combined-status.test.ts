/**
 * StatusCollectors and CombinedStatus on the demo spaces (wds1 → its1 → cluster1, cluster2 with
 * their in-process agents and workload simulator): spec §8.3 items 29-33 as upstream's ginkgo
 * suite runs them, then what upstream does not test: an invalid collector (status.errors, the
 * StatusCollectorsAvailable condition, nothing propagated harmed), recomputation when the object,
 * the returned status or the destinations change, deleting a collector or the policy, and the
 * `kubestellar-report` namespace for cluster-scoped objects.
 */
import assert from 'node:assert/strict';
import { rest } from '../helpers/rest.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { eventually } from '../helpers/eventually.js';

const WDS = '/clusters/wds1';
const CTL = `${WDS}/apis/control.kubestellar.io/v1alpha1`;
const DEPLOY = `${WDS}/apis/apps/v1/namespaces/nginx/deployments/nginx`;
const CS = (ns: string): string => `${CTL}/namespaces/${ns}/combinedstatuses`;
const WECS = ['cluster1', 'cluster2'];
const BP = 'nginx-combinedstatus';

type Value = { type: string; string?: string; float?: string; bool?: boolean; object?: unknown; array?: unknown };
type Result = { name: string; columnNames: string[]; rows?: { columns: Value[] }[]; rowErrors?: unknown[]; aggregationErrors?: unknown[] };

describe('StatusCollectors and CombinedStatus (wds1 → its1 → cluster1, cluster2)', function () {
  this.timeout(90_000);
  let h: InProcessServer;

  const { req: request, ok, get } = rest(() => h);
  const collector = (name: string, spec: unknown): Promise<any> =>
    ok('POST', `${CTL}/statuscollectors`, { apiVersion: 'control.kubestellar.io/v1alpha1', kind: 'StatusCollector', metadata: { name }, spec });
  /** Upstream's clause: every object labelled for nginx (the Namespace too), with these collectors. */
  const policy = (collectors: string[], clusterSelector: Record<string, string> = { 'location-group': 'edge' }): Promise<any> =>
    ok('POST', `${CTL}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: BP },
      spec: {
        clusterSelectors: [{ matchLabels: clusterSelector }],
        downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }], statusCollectors: collectors }],
      },
    });
  const uidOf = async (path: string): Promise<string> => (await ok('GET', path)).metadata.uid;
  /** Upstream's WaitForCombinedStatus: the CombinedStatus `<object uid>.<policy uid>`, once `check` passes. */
  const waitForCombinedStatus = async (what: string, check: (results: Result[]) => boolean, objectPath = DEPLOY, ns = 'nginx'): Promise<any> => {
    const name = `${await uidOf(objectPath)}.${await uidOf(`${CTL}/bindingpolicies/${BP}`)}`;
    let last: unknown;
    return eventually(
      `${what} (last seen ${JSON.stringify(last)})`,
      async () => {
        const cs = await get(`${CS(ns)}/${name}`);
        last = cs?.results;
        return cs !== undefined && check(cs.results ?? []) ? cs : undefined;
      },
      45_000,
    );
  };
  const rows = (r: Result | undefined): { columns: Value[] }[] => r?.rows ?? [];
  const strings = (r: Result | undefined, column = 0): string[] => rows(r).map((row) => row.columns[column]?.string ?? '?').sort();
  const condition = async (plural: string): Promise<any> =>
    (await get(`${CTL}/${plural}/${BP}`))?.status?.conditions?.find((c: any) => c.type === 'StatusCollectorsAvailable');
  const wecDeployments = async (cluster: string): Promise<any[]> => (await get(`/clusters/${cluster}/apis/apps/v1/namespaces/nginx/deployments`))?.items ?? [];
  const ours = async (ns: string): Promise<any[]> =>
    ((await get(`${CS(ns)}?labelSelector=${encodeURIComponent(`status.kubestellar.io/binding-policy=${BP}`)}`))?.items ?? []) as any[];

  before(async () => {
    h = await startInProcess();
    for (const c of WECS) {
      await eventually(`${c} registered`, async () => (await h.request('GET', `/clusters/its1/api/v1/namespaces/${c}`)).status === 200);
    }
    // Spec §8.3 common fixture: the labelled namespace, Deployment nginx/nginx (replicas 1), policy nginx.
    await ok('POST', `${WDS}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx' } } });
    await ok('POST', `${WDS}/apis/apps/v1/namespaces/nginx/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'nginx', labels: { 'app.kubernetes.io/name': 'nginx', 'test.kubestellar.io/test-label': 'here' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'nginx' } },
        template: { metadata: { labels: { app: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'public.ecr.aws/nginx/nginx:latest' }] } },
      },
    });
    await ok('POST', `${CTL}/bindingpolicies`, {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'nginx' },
      spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }] },
    });
    for (const c of WECS) {
      await eventually(`nginx available in ${c}`, async () => (await wecDeployments(c))[0]?.status?.availableReplicas === 1);
    }
  });
  after(async () => h?.stop());

  // Upstream's BeforeEach deletes every policy and collector; the nginx policy stays here.
  beforeEach(async () => {
    await request('DELETE', `${CTL}/bindingpolicies/${BP}`);
    await request('DELETE', `${CTL}/statuscollectors`);
    await eventually('no StatusCollectors', async () => ((await get(`${CTL}/statuscollectors`))?.items.length === 0 ? true : undefined));
    await eventually('no CombinedStatus of the policy', async () => ((await ours('nginx')).length + (await ours('kubestellar-report')).length === 0 ? true : undefined));
  });

  it('creates the kubestellar-report namespace in the WDS at start', async () => {
    assert.ok(await get(`${WDS}/api/v1/namespaces/kubestellar-report`));
  });

  it('spec §8.3 item 29: can list the full status from each WEC', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }, { name: 'status', def: 'returned.status' }], limit: 20 });
    await policy(['full-status']);
    const cs = await waitForCombinedStatus('a row per WEC with its status', (results) => {
      const r = results[0];
      return results.length === 1 && r?.name === 'full-status' && rows(r).length === 2 && rows(r).every((row) => row.columns[1]?.type === 'Object');
    });
    const r = cs.results[0] as Result;
    assert.deepEqual(r.columnNames, ['wecName', 'status']);
    for (const row of rows(r)) {
      assert.equal(row.columns[0]!.type, 'String');
      assert.notEqual(row.columns[1]!.object, undefined);
      assert.equal((row.columns[1]!.object as any).availableReplicas, 1);
    }
    assert.deepEqual(strings(r), WECS);
    // Name, namespace, labels and owner as §1.5 says.
    const deploy = await ok('GET', DEPLOY);
    assert.equal(cs.metadata.namespace, 'nginx');
    assert.deepEqual(cs.metadata.labels, {
      'status.kubestellar.io/api-group': 'apps',
      'status.kubestellar.io/resource': 'deployments',
      'status.kubestellar.io/namespace': 'nginx',
      'status.kubestellar.io/name': 'nginx',
      'status.kubestellar.io/binding-policy': BP,
    });
    assert.deepEqual(cs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'nginx', uid: deploy.metadata.uid }]);
    assert.ok(cs.metadata.managedFields.some((m: any) => m.manager === 'Status'));
    // The condition is written by its own reconcile (after the Binding exists): wait for it.
    await eventually('the Binding condition True', async () => ((await condition('bindings'))?.status === 'True' ? true : undefined));
    await eventually('the policy condition', async () => ((await condition('bindingpolicies'))?.message === 'All StatusCollector(s) are available' ? true : undefined));
  });

  it('spec §8.3 item 30: can sum status.availableReplicas across WECs (collector created after the policy)', async () => {
    await policy(['sum-available-replicas']);
    await eventually('the collector reported missing', async () => ((await condition('bindings'))?.status === 'False' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    await collector('sum-available-replicas', { combinedFields: [{ name: 'sum', type: 'SUM', subject: 'returned.status.availableReplicas' }], limit: 10 });
    const cs = await waitForCombinedStatus('the sum', (results) => results.length === 1 && rows(results[0]).length === 1 && rows(results[0])[0]!.columns[0]?.float === '2');
    assert.equal(cs.results[0].name, 'sum-available-replicas');
    assert.deepEqual(cs.results[0].columnNames, ['sum']);
    assert.deepEqual(cs.results[0].rows[0].columns, [{ type: 'Number', float: '2' }]);
    await eventually('the condition back to True', async () => ((await condition('bindingpolicies'))?.status === 'True' ? true : undefined));
  });

  it('spec §8.3 item 31: can list the WECs where availableReplicas equals the desired replicas', async () => {
    await collector('nginx-wecs', { filter: 'obj.spec.replicas == returned.status.availableReplicas', select: [{ name: 'wecName', def: 'inventory.name' }], limit: 10 });
    await policy(['nginx-wecs']);
    const cs = await waitForCombinedStatus('both WECs pass the filter', (results) => results.length === 1 && strings(results[0]).join() === WECS.join());
    assert.deepEqual(cs.results[0].columnNames, ['wecName']);
    assert.ok(cs.results[0].rows.every((row: any) => row.columns[0].type === 'String'));
  });

  it('spec §8.3 item 32: can support multiple StatusCollectors (one created after the policy)', async () => {
    await collector('select-available-replicas', { select: [{ name: 'wecName', def: 'inventory.name' }, { name: 'availableReplicas', def: 'returned.status.availableReplicas' }], limit: 20 });
    await policy(['select-available-replicas', 'replicas']);
    await waitForCombinedStatus('the first collector alone', (results) => results.length === 1);
    await collector('replicas', { select: [{ name: 'wecName', def: 'inventory.name' }, { name: 'replicas', def: 'returned.status.replicas' }], limit: 20 });
    const cs = await waitForCombinedStatus('two results', (results) => results.length === 2 && results.every((r) => r.columnNames.length === 2 && rows(r).length === 2));
    assert.deepEqual(
      cs.results.map((r: Result) => r.name),
      ['replicas', 'select-available-replicas'],
    );
  });

  it('spec §8.3 item 33: can aggregate over zero WECs', async () => {
    await policy(['test-empty-group']);
    await new Promise((r) => setTimeout(r, 500));
    await collector('test-empty-group', {
      filter: 'false',
      combinedFields: [
        { name: 'count', type: 'COUNT' },
        { name: 'max', type: 'MAX', subject: '2' },
        { name: 'min', type: 'MIN', subject: '2' },
        { name: 'sum', type: 'SUM', subject: '2' },
        { name: 'avg', type: 'AVG', subject: '2' },
      ],
      limit: 20,
    });
    const cs = await waitForCombinedStatus('one row over nothing', (results) => results.length === 1 && rows(results[0]).length === 1);
    assert.deepEqual(cs.results[0].columnNames, ['count', 'max', 'min', 'sum', 'avg']);
    assert.deepEqual(
      cs.results[0].rows[0].columns,
      ['0', '-Inf', '+Inf', '0', 'NaN'].map((float) => ({ type: 'Number', float })),
    );
  });

  it('an invalid collector gets status.errors and a False condition, is left out, and harms nothing propagated', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }, { name: 'status', def: 'returned.status' }], limit: 20 });
    const broken = await collector('broken', { select: [{ name: 'x', def: 'returned.status.' }], limit: 20 });
    await policy(['full-status', 'broken']);
    const status = await eventually('errors in the collector status', async () => (await get(`${CTL}/statuscollectors/broken`))?.status?.errors);
    assert.equal((await get(`${CTL}/statuscollectors/broken`)).status.observedGeneration, broken.metadata.generation);
    assert.equal(status.length, 1);
    assert.match(status[0], /^select expression \(x\) invalid: failed to parse expression/);
    for (const plural of ['bindings', 'bindingpolicies']) {
      const c = await eventually(`the ${plural} condition`, async () => {
        const got = await condition(plural);
        return got?.status === 'False' ? got : undefined;
      });
      assert.equal(c.reason, 'ReconcileError');
      assert.equal(c.message, 'Missing StatusCollector(s) [broken]');
      assert.match(c.lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    }
    // The policy's status names the broken collector and why.
    const policyErrors: string[] = await eventually('the CEL error in the policy status', async () => (await get(`${CTL}/bindingpolicies/${BP}`))?.status?.errors);
    assert.deepEqual(policyErrors, [`StatusCollector broken: ${status[0]}`]);
    const cs = await waitForCombinedStatus('only the valid result', (results) => results.length === 1 && results[0]!.name === 'full-status' && rows(results[0]).length === 2);
    assert.equal(cs.results.length, 1);
    for (const c of WECS) assert.equal((await wecDeployments(c)).length, 1, `nginx still in ${c}`);
    // The valid collector's status is just its generation.
    assert.deepEqual((await get(`${CTL}/statuscollectors/full-status`)).status, { observedGeneration: 1 });

    // Fixed: the errors go, the result appears, the condition turns True.
    await ok('PATCH', `${CTL}/statuscollectors/broken`, { spec: { select: [{ name: 'x', def: 'returned.status.replicas' }] } });
    await eventually('errors cleared', async () => {
      const s = (await get(`${CTL}/statuscollectors/broken`))?.status;
      return s?.observedGeneration === 2 && s.errors === undefined ? true : undefined;
    });
    await waitForCombinedStatus('both results', (results) => results.map((r) => r.name).join() === 'broken,full-status');
    await eventually('condition True', async () => ((await condition('bindings'))?.status === 'True' ? true : undefined));
    await eventually('the policy status clean', async () => ((await get(`${CTL}/bindingpolicies/${BP}`))?.status?.errors === undefined ? true : undefined));
  });

  it('deleting a collector removes its result; the condition says it is missing', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }], limit: 20 });
    await collector('count', { combinedFields: [{ name: 'n', type: 'COUNT' }], limit: 20 });
    await policy(['count', 'full-status']);
    await waitForCombinedStatus('both results', (results) => results.length === 2 && rows(results[0])[0]?.columns[0]?.float === '2');
    await ok('DELETE', `${CTL}/statuscollectors/count`);
    const cs = await waitForCombinedStatus('only full-status', (results) => results.length === 1);
    assert.equal(cs.results[0].name, 'full-status');
    await eventually('Missing [count]', async () => ((await condition('bindings'))?.message === 'Missing StatusCollector(s) [count]' ? true : undefined));
  });

  it('follows the object, the returned status and the destinations; writes only on change', async () => {
    await collector('sum', { combinedFields: [{ name: 'wecs', type: 'COUNT' }, { name: 'available', type: 'SUM', subject: 'returned.status.availableReplicas' }], limit: 20 });
    await collector('desired', { select: [{ name: 'wec', def: 'inventory.name' }, { name: 'replicas', def: 'obj.spec.replicas' }], limit: 20 });
    await policy(['desired', 'sum']);
    const floats = (r: Result | undefined): string[] => (rows(r)[0]?.columns ?? []).map((v) => v.float ?? '?');
    const stable = await waitForCombinedStatus('2 WECs, 2 available', (results) => floats(results[1]).join() === '2,2');
    // Nothing changes: no rewrite.
    await h.server.spaces.engine('wds1')!.idle();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await get(`${CS('nginx')}/${stable.metadata.name}`)).metadata.resourceVersion, stable.metadata.resourceVersion);
    try {
      // The object (obj) and then the WECs' returned status follow a scale-up.
      await ok('PATCH', DEPLOY, { spec: { replicas: 2 } });
      await waitForCombinedStatus('obj.spec.replicas is 2', (results) => rows(results[0]).every((row) => row.columns[1]?.float === '2'));
      await waitForCombinedStatus('4 available', (results) => floats(results[1]).join() === '2,4');
      // Fewer destinations, fewer rows.
      await ok('PATCH', `${CTL}/bindingpolicies/${BP}`, { spec: { clusterSelectors: [{ matchLabels: { name: 'cluster1' } }] } });
      const one = await waitForCombinedStatus('cluster1 only', (results) => floats(results[1]).join() === '1,2');
      assert.deepEqual(strings(one.results[0]), ['cluster1']);
    } finally {
      await ok('PATCH', DEPLOY, { spec: { replicas: 1 } });
      for (const c of WECS) await eventually(`nginx back to 1 in ${c}`, async () => (await wecDeployments(c))[0]?.status?.availableReplicas === 1);
    }
  });

  it('propagation.lastReturnedUpdateTimestamp is when the WEC last returned status', async () => {
    const start = Date.now();
    await collector('returned-at', { select: [{ name: 'wec', def: 'inventory.name' }, { name: 'at', def: 'propagation.lastReturnedUpdateTimestamp' }], limit: 20 });
    await policy(['returned-at']);
    const cs = await waitForCombinedStatus('a time per WEC', (results) => rows(results[0]).length === 2 && rows(results[0]).every((row) => row.columns[1]?.type === 'Object'));
    for (const row of cs.results[0].rows) {
      const at = Date.parse(row.columns[1].object);
      assert.ok(Number.isFinite(at) && at <= Date.now() && at > start - 600_000, `a recent RFC 3339 time: ${JSON.stringify(row.columns[1])}`);
    }
  });

  it('a cluster-scoped object (the Namespace) reports into kubestellar-report; deleting the policy deletes both', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }, { name: 'status', def: 'returned.status' }], limit: 20 });
    await policy(['full-status']);
    const ns = await waitForCombinedStatus(
      'the Namespace with its returned phase',
      (results) => results.length === 1 && rows(results[0]).length === 2 && rows(results[0]).every((row) => (row.columns[1]?.object as any)?.phase === 'Active'),
      `${WDS}/api/v1/namespaces/nginx`,
      'kubestellar-report',
    );
    assert.deepEqual(ns.metadata.labels, {
      'status.kubestellar.io/api-group': '',
      'status.kubestellar.io/resource': 'namespaces',
      'status.kubestellar.io/namespace': '',
      'status.kubestellar.io/name': 'nginx',
      'status.kubestellar.io/binding-policy': BP,
    });
    assert.equal(ns.metadata.ownerReferences[0].kind, 'Namespace');
    await waitForCombinedStatus('the Deployment', (results) => results.length === 1);
    assert.equal((await ours('nginx')).length, 1);
    assert.equal((await ours('kubestellar-report')).length, 1);

    await ok('DELETE', `${CTL}/bindingpolicies/${BP}`);
    await eventually('both CombinedStatus objects deleted', async () => ((await ours('nginx')).length + (await ours('kubestellar-report')).length === 0 ? true : undefined));
    for (const c of WECS) assert.equal((await wecDeployments(c)).length, 1, `the nginx policy still delivers to ${c}`);
  });

  it('removing the collectors from the policy deletes the CombinedStatus; a deleted one comes back', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }], limit: 20 });
    await policy(['full-status']);
    const cs = await waitForCombinedStatus('the result', (results) => results.length === 1);
    // Deleted by someone else while still wanted: made again.
    await ok('DELETE', `${CS('nginx')}/${cs.metadata.name}`);
    await eventually('recreated', async () => {
      const again = await get(`${CS('nginx')}/${cs.metadata.name}`);
      return again !== undefined && again.metadata.uid !== cs.metadata.uid ? true : undefined;
    });
    await ok('PATCH', `${CTL}/bindingpolicies/${BP}`, { spec: { downsync: [{ objectSelectors: [{ matchLabels: { 'app.kubernetes.io/name': 'nginx' } }] }] } });
    await eventually('deleted', async () => ((await ours('nginx')).length === 0 ? true : undefined));
  });

  it('keeps the CombinedStatus across a restart without rewriting it', async () => {
    await collector('full-status', { select: [{ name: 'wecName', def: 'inventory.name' }], limit: 20 });
    await policy(['full-status']);
    const cs = await waitForCombinedStatus('the result', (results) => rows(results[0]).length === 2);
    await h.restart();
    await h.server.spaces.engine('wds1')!.idle();
    const after = await get(`${CS('nginx')}/${cs.metadata.name}`);
    assert.equal(after.metadata.uid, cs.metadata.uid);
    assert.equal(after.metadata.resourceVersion, cs.metadata.resourceVersion);
  });
});
