/**
 * OCM sharding end to end: one WDS on server A propagating through two ITS shards — A's own
 * `its1` (WECs cluster1, cluster2) and an external hub played by a second server process B
 * (WEC edge3) — with real kubectl and the work agents the servers run for their WECs.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 150);

describe('a WDS over its own ITS and an external hub (sharding)', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let a: ServerProcess;
  let b: ServerProcess;

  const k = (s: ServerProcess, space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> =>
    kubectl(binary, s.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (s: ServerProcess, space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const r = await k(s, space, args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };
  const create = (s: ServerProcess, space: string, obj: unknown): Promise<string> => ok(s, space, ['create', '-f', '-'], JSON.stringify(obj));
  const spaceObj = (name: string, spec: unknown): unknown => ({ apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name }, spec });
  const has = async (s: ServerProcess, cluster: string, kind: string, name: string): Promise<boolean> => (await k(s, cluster, ['-n', 'shop', 'get', kind, name])).code === 0;

  before(async () => {
    [a, b] = await Promise.all([startServer({ demo: true }), startServer({})]);
    await create(b, 'admin', spaceObj('hub', { type: 'its' }));
    await create(b, 'admin', spaceObj('edge3', { type: 'cluster', its: 'hub', clusterLabels: { 'location-group': 'edge', name: 'edge3' } }));
    await eventually('edge3 joined hub on B', async () => (await k(b, 'hub', ['get', 'managedcluster', 'edge3'])).code === 0);
    await create(a, 'admin', spaceObj('wds-shards', { type: 'wds', shards: [{ its: 'its1' }, { name: 'hub-b', itsKubeconfigSecret: { namespace: 'kube-system', name: 'hub-b' } }] }));
    await eventually('wds-shards served', async () => (await k(a, 'wds-shards', ['get', 'namespace', 'kube-system'])).code === 0);
    // The external shard's kubeconfig, as a Secret in the WDS (B's admin credentials for its hub space).
    await ok(a, 'wds-shards', ['-n', 'kube-system', 'create', 'secret', 'generic', 'hub-b', `--from-literal=kubeconfig=${await readFile(b.kubeconfig('hub'), 'utf8')}`]);
  });

  after(async () => {
    await a?.dispose();
    await b?.dispose();
  });

  it('delivers to the WECs behind both shards, and withdraws from both', async () => {
    await create(a, 'wds-shards', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { app: 'shop' } } });
    await create(a, 'wds-shards', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop', labels: { app: 'shop' } }, data: { color: 'blue' } });
    await create(a, 'wds-shards', {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'shop' },
      spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { app: 'shop' } }] }] },
    });
    await eventually('cluster1 (shard its1) has the ConfigMap', () => has(a, 'cluster1', 'configmap', 'settings'));
    await eventually('cluster2 (shard its1) has the ConfigMap', () => has(a, 'cluster2', 'configmap', 'settings'));
    await eventually('edge3 (shard hub-b, on server B) has the ConfigMap', () => has(b, 'edge3', 'configmap', 'settings'));
    const binding = JSON.parse(await ok(a, 'wds-shards', ['get', 'bindings.control.kubestellar.io', 'shop', '-o', 'json'])) as { spec: { destinations: { clusterId: string }[] } };
    assert.deepEqual(binding.spec.destinations.map((d) => d.clusterId).sort(), ['cluster1', 'cluster2', 'edge3']);
    // Works sit in the shard that owns each cluster, nowhere else.
    assert.match(await ok(b, 'hub', ['-n', 'edge3', 'get', 'manifestworks', '-o', 'name']), /manifestwork/);
    assert.notEqual((await k(a, 'its1', ['get', 'namespace', 'edge3'])).code, 0, 'its1 knows nothing of edge3');

    // An update reaches both shards' WECs.
    await ok(a, 'wds-shards', ['-n', 'shop', 'patch', 'configmap', 'settings', '--type=merge', '-p', '{"data":{"color":"green"}}']);
    for (const [s, wec] of [[a, 'cluster1'], [b, 'edge3']] as const) {
      await eventually(`${wec} sees the update`, async () => (await k(s, wec, ['-n', 'shop', 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.color}'])).stdout === 'green');
    }

    await ok(a, 'wds-shards', ['delete', 'bindingpolicy', 'shop']);
    await eventually('cluster1 withdrawn', async () => !(await has(a, 'cluster1', 'configmap', 'settings')));
    await eventually('edge3 withdrawn', async () => !(await has(b, 'edge3', 'configmap', 'settings')));
  });
});
