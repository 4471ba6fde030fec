/**
 * Upsync end to end (docs/upsync.md): real kubectl against `kubestellar serve --demo` as a
 * process (wds1 over its1, WECs cluster1 and cluster2 with the work agents the server runs).
 * The walk-through of the docs: a policy with an upsync clause, objects created in the WECs,
 * their copies in wds1, a conflict between the WECs, hand-over, removal.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 150);

const POLICY = {
  apiVersion: 'control.kubestellar.io/v1alpha1',
  kind: 'BindingPolicy',
  metadata: { name: 'collect-reports' },
  spec: {
    clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }],
    upsync: [{ apiGroup: '', resources: ['configmaps'], namespaces: ['reports'], objectSelectors: [{ matchLabels: { 'report.example.com/kind': 'summary' } }] }],
  },
};

describe('upsync with kubectl against kubestellar serve --demo', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let s: ServerProcess;

  const k = (space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> => kubectl(binary, s.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const r = await k(space, args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };
  const jsonpath = async (space: string, args: readonly string[], path: string): Promise<string | undefined> => {
    const r = await k(space, [...args, '-o', `jsonpath=${path}`]);
    return r.code === 0 ? r.stdout : undefined;
  };
  const report = (data: string): string =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'summary', namespace: 'reports', labels: { 'report.example.com/kind': 'summary' } }, data: { status: data } });
  const fromAnnotation = '{.metadata.annotations.control\\.kubestellar\\.io/upsynced-from}';

  before(async () => {
    s = await startServer({ demo: true });
    for (const space of ['wds1', 'cluster1', 'cluster2']) await ok(space, ['create', 'namespace', 'reports']);
    for (const c of ['cluster1', 'cluster2']) await eventually(`${c} joined its1`, async () => (await k('its1', ['get', 'managedcluster', c])).code === 0);
  });
  after(async () => s?.dispose());

  it('kubectl apply of a policy with an upsync clause yields one upsync work per cluster', async () => {
    await ok('wds1', ['apply', '-f', '-'], JSON.stringify(POLICY));
    for (const c of ['cluster1', 'cluster2']) {
      await eventually(`upsync-wds1 in ${c}, reported`, async () => (await jsonpath('its1', ['-n', c, 'get', 'manifestwork', 'upsync-wds1'], '{.status.conditions[?(@.type=="Available")].status}')) === 'True');
    }
    const labels = JSON.parse((await jsonpath('its1', ['-n', 'cluster1', 'get', 'manifestwork', 'upsync-wds1'], '{.metadata.labels}'))!) as Record<string, string>;
    assert.equal(labels['control.kubestellar.io/upsync'], 'true');
    // A bad clause is refused by the server's schema.
    const bad = await k('wds1', ['apply', '-f', '-'], JSON.stringify({ ...POLICY, metadata: { name: 'bad' }, spec: { upsync: [{ apiGroup: '', resources: ['*'] }] } }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Invalid|invalid/);
  });

  it('a report created in cluster1 shows up in wds1; edits follow', async () => {
    await ok('cluster1', ['apply', '-f', '-'], report('green'));
    await eventually('wds1 has cluster1\'s report', async () => (await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], '{.data.status}')) === 'green');
    assert.equal(await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], fromAnnotation), 'cluster1');
    await ok('cluster1', ['-n', 'reports', 'patch', 'configmap', 'summary', '--type=merge', '-p', '{"data":{"status":"amber"}}']);
    await eventually('the edit reaches wds1', async () => (await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], '{.data.status}')) === 'amber');
  });

  it('cluster2 reporting the same object: cluster1 keeps it, the conflict is on the policy; then cluster2 takes over', async () => {
    await ok('cluster2', ['apply', '-f', '-'], report('red'));
    await eventually('UpsyncConflict True', async () => (await jsonpath('wds1', ['get', 'bindingpolicy', 'collect-reports'], '{.status.conditions[?(@.type=="UpsyncConflict")].status}')) === 'True');
    const message = await jsonpath('wds1', ['get', 'bindingpolicy', 'collect-reports'], '{.status.conditions[?(@.type=="UpsyncConflict")].message}');
    assert.match(message ?? '', /reported by cluster1, cluster2/);
    assert.equal(await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], '{.data.status}'), 'amber');
    await ok('cluster1', ['-n', 'reports', 'delete', 'configmap', 'summary']);
    await eventually('cluster2 took over', async () => (await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], fromAnnotation)) === 'cluster2');
    assert.equal(await jsonpath('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'], '{.data.status}'), 'red');
  });

  it('deleting the policy removes the upsync works and the copies, not the WEC objects', async () => {
    await ok('wds1', ['delete', 'bindingpolicy', 'collect-reports']);
    for (const c of ['cluster1', 'cluster2']) await eventually(`no upsync work in ${c}`, async () => (await k('its1', ['-n', c, 'get', 'manifestwork', 'upsync-wds1'])).code !== 0);
    await eventually('the copy is gone from wds1', async () => (await k('wds1', ['-n', 'reports', 'get', 'configmap', 'summary'])).code !== 0);
    await ok('cluster2', ['-n', 'reports', 'get', 'configmap', 'summary']);
  });
});
