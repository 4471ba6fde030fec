/**
 * KubeStellar's own e2e scenarios (spec/kubestellar.md §8.1, §8.2 item 5, §8.3 items 8-14, 17-21,
 * 23-28), ported: real kubectl against `kubestellar serve`, spaces made with `kubestellar create`,
 * and each WEC's work agent a `kubestellar agent` process of its own. Every assertion looks at
 * the WECs through their own kubeconfigs. Items 15/16 (sharding knobs) map to the one object per
 * ManifestWork default; CustomTransform (item 7), templates (item 6) and CombinedStatus (items
 * 29-33) have e2e files of their own (kubestellar-custom-transform, -customization, -combined-status).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { REPO_ROOT, startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

/** kubectl probes are processes: poll them gently, and allow for a loaded 2-core CI machine. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 150);

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const WECS = [
  { name: 'cluster1', labels: { 'location-group': 'edge', name: 'cluster1', region: 'east' } },
  { name: 'cluster2', labels: { 'location-group': 'edge', name: 'cluster2', region: 'west' } },
];

function cli(dataDir: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', TSX, join(REPO_ROOT, 'src', 'cli.ts'), ...args, '--data-dir', dataDir], { cwd: REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('exit', (code) => ok({ code: code ?? -1, stdout, stderr }));
  });
}


describe('KubeStellar scenarios with kubectl and agent processes', function () {
  this.timeout(600_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let server: ServerProcess;
  const agents = new Map<string, AgentProcess>();

  const k = async (space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> =>
    kubectl(binary, server.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const r = await k(space, args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };
  const items = async (space: string, args: readonly string[]): Promise<any[]> => {
    const r = await k(space, [...args, '-o', 'json']);
    if (r.code !== 0) return [];
    return (JSON.parse(r.stdout) as { items: any[] }).items;
  };
  const deployments = async (cluster: string, selector?: string): Promise<any[]> =>
    items(cluster, ['-n', 'nginx', 'get', 'deployments', ...(selector ? ['-l', selector] : [])]);
  /** Waits until every WEC holds `want[i]` Deployments (optionally matching a selector). */
  const expectCounts = async (want: readonly number[], selector?: string, timeoutMs?: number): Promise<void> => {
    await eventually(`deployments per WEC ${JSON.stringify(want)}${selector ? ` (${selector})` : ''}`, async () => {
      const got = await Promise.all(WECS.map(async (w) => (await deployments(w.name, selector)).length));
      return JSON.stringify(got) === JSON.stringify(want);
    }, timeoutMs);
  };
  const apply = (space: string, yaml: string): Promise<string> => ok(space, ['apply', '-f', '-'], yaml);
  const policy = (name: string, clusterSelectors: string, downsync: string): string => `apiVersion: control.kubestellar.io/v1alpha1
kind: BindingPolicy
metadata:
  name: ${name}
spec:
  clusterSelectors:
${clusterSelectors}
  downsync:
${downsync}
`;
  const deployment = (name: string, labels: Record<string, string>, replicas = 1): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: nginx
  labels: ${JSON.stringify(labels)}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: nginx, image: "public.ecr.aws/nginx/nginx:latest"}]}
`;
  const edge = '  - matchLabels: {location-group: edge}';
  const nginxSelected = '  - objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]';

  before(async () => {
    server = await startServer({ stickyPort: true });
    const dir = server.dataDir;
    const run = async (args: string[]): Promise<string> => {
      const r = await cli(dir, args);
      assert.equal(r.code, 0, `kubestellar ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    await run(['create', 'its', 'its1']);
    await run(['create', 'wds', 'wds1', '--its', 'its1']);
    for (const w of WECS) {
      const path = await run(['create', 'wec', w.name, '--its', 'its1', '--external-agent', ...Object.entries(w.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`])]);
      assert.equal(path, server.kubeconfig(w.name));
      agents.set(
        w.name,
        await startAgent({
          hubKubeconfig: server.kubeconfig('its1'),
          wecKubeconfig: server.kubeconfig(w.name),
          clusterName: w.name,
          labels: w.labels,
          logPath: join(dir, `agent-${w.name}.log`),
        }),
      );
    }
    // §8.1: the inventory holds both clusters and the transport's properties namespace exists.
    await eventually('two joined edge clusters', async () => {
      const mcs = await items('its1', ['get', 'managedclusters', '-l', 'location-group=edge']);
      return mcs.length === 2 && mcs.every((m) => (m.status?.conditions ?? []).some((c: any) => c.type === 'ManagedClusterJoined' && c.status === 'True'));
    });
    await ok('its1', ['get', 'namespace', 'customization-properties']);
    await apply('wds1', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: nginx\n  labels: {app.kubernetes.io/name: nginx}\n');
  });

  after(async () => {
    for (const a of agents.values()) await a.stop();
    await server?.dispose();
  });

  // §8.3 common fixture.
  beforeEach(async () => {
    await ok('wds1', ['delete', 'bindingpolicies', '--all']);
    await ok('wds1', ['-n', 'nginx', 'delete', 'deployments,services,jobs', '--all']);
    await apply('wds1', deployment('nginx', { 'app.kubernetes.io/name': 'nginx', 'test.kubestellar.io/test-label': 'here' }));
    await apply('wds1', policy('nginx', edge, nginxSelected));
    await expectCounts([1, 1]);
  });

  it('5, 8: a labelled Deployment reaches both WECs and follows a replica change', async () => {
    await ok('wds1', ['-n', 'nginx', 'patch', 'deployment', 'nginx', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    await eventually('2 replicas in both WECs', async () => {
      const all = await Promise.all(WECS.map((w) => deployments(w.name)));
      return all.every((d) => d[0]?.spec.replicas === 2);
    });
    // The simulator makes them real: ReplicaSets and Pods run in each WEC.
    await eventually('available in both WECs', async () => {
      const all = await Promise.all(WECS.map((w) => deployments(w.name)));
      return all.every((d) => d[0]?.status?.availableReplicas === 2);
    });
  });

  it('9: createOnly creates once and never updates', async () => {
    await ok('wds1', ['delete', 'bindingpolicy', 'nginx']);
    await expectCounts([0, 0]);
    await apply(
      'wds1',
      policy('nginx', edge, `  - resources: [namespaces]
    objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]
  - resources: [deployments]
    objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]
    createOnly: true`),
    );
    await expectCounts([1, 1]);
    const binding = JSON.parse(await ok('wds1', ['get', 'bindings.control.kubestellar.io', 'nginx', '-o', 'json']));
    assert.equal(binding.spec.workload.clusterScope.length, 1);
    assert.ok(!binding.spec.workload.clusterScope[0].createOnly);
    assert.equal(binding.spec.workload.namespaceScope.length, 1);
    assert.equal(binding.spec.workload.namespaceScope[0].createOnly, true);
    const uids = await Promise.all(WECS.map(async (w) => (await deployments(w.name))[0].metadata.uid));
    await ok('wds1', ['-n', 'nginx', 'patch', 'deployment', 'nginx', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    await new Promise((r) => setTimeout(r, 3000));
    for (const [i, w] of WECS.entries()) {
      const d = (await deployments(w.name))[0];
      assert.equal(d.spec.replicas, 1);
      assert.equal(d.metadata.uid, uids[i]);
    }
    await apply('wds1', deployment('nginy', { 'app.kubernetes.io/name': 'nginx' }) + '---\n' + deployment('enginx', { 'app.kubernetes.io/name': 'nginx' }));
    await expectCounts([3, 3]);
    for (const [i, w] of WECS.entries()) assert.equal((await deployments(w.name)).find((d) => d.metadata.name === 'nginx').metadata.uid, uids[i]);
  });

  it('10, 11: policy and workload labels that stop matching remove the object; matching again restores it', async () => {
    await apply('wds1', policy('nginx', edge, '  - objectSelectors: [{matchLabels: {app.kubernetes.io/name: not-nginx}}]'));
    await expectCounts([0, 0]);
    await apply('wds1', policy('nginx', edge, nginxSelected));
    await expectCounts([1, 1]);
    await ok('wds1', ['-n', 'nginx', 'label', 'deployment', 'nginx', 'app.kubernetes.io/name=not-nginx', '--overwrite']);
    await expectCounts([0, 0]);
    await ok('wds1', ['-n', 'nginx', 'label', 'deployment', 'nginx', 'app.kubernetes.io/name=nginx', '--overwrite']);
    await expectCounts([1, 1]);
  });

  it('12: an overlapping policy neither duplicates nor, when deleted, removes the object', async () => {
    await apply('wds1', policy('nginx-2', edge, nginxSelected));
    await eventually('the second Binding', async () => (await k('wds1', ['get', 'bindings.control.kubestellar.io', 'nginx-2'])).code === 0);
    await new Promise((r) => setTimeout(r, 1000));
    await expectCounts([1, 1]);
    await ok('wds1', ['delete', 'bindingpolicy', 'nginx-2']);
    await new Promise((r) => setTimeout(r, 2000));
    await expectCounts([1, 1]);
  });

  it('13, 14: deleting the workload, or the policy, removes it from the WECs', async () => {
    await ok('wds1', ['-n', 'nginx', 'delete', 'deployment', 'nginx']);
    await expectCounts([0, 0]);
    await apply('wds1', deployment('nginx', { 'app.kubernetes.io/name': 'nginx' }));
    await expectCounts([1, 1]);
    await ok('wds1', ['delete', 'bindingpolicy', 'nginx']);
    await expectCounts([0, 0]);
    await eventually('the Binding garbage-collected', async () => (await k('wds1', ['get', 'bindings.control.kubestellar.io', 'nginx'])).code !== 0);
  });

  it('15/16: ten Deployments for one cluster travel one per ManifestWork, and move when re-targeted', async () => {
    const ten = Array.from({ length: 10 }, (_, i) => deployment(`dep-${i}`, { label1: 'test1' })).join('---\n');
    await apply('wds1', ten);
    await apply('wds1', policy('multipledep', '  - matchLabels: {name: cluster1}', '  - objectSelectors: [{matchLabels: {label1: test1}}]'));
    await expectCounts([10, 0], 'label1=test1');
    const works = async (cluster: string): Promise<number> =>
      (await items('its1', ['-n', cluster, 'get', 'manifestworks', '-l', 'transport.kubestellar.io/originOwnerReferenceBindingKey=multipledep'])).length;
    assert.deepEqual([await works('cluster1'), await works('cluster2')], [10, 0]);
    await apply('wds1', policy('multipledep', '  - matchLabels: {name: cluster2}', '  - objectSelectors: [{matchLabels: {label1: test1}}]'));
    await expectCounts([0, 10], 'label1=test1');
    await ok('wds1', ['delete', 'bindingpolicy', 'multipledep']);
    await expectCounts([0, 0], 'label1=test1');
    await eventually('no works left', async () => (await works('cluster1')) + (await works('cluster2')) === 0);
  });

  it('17, 18, 19: selector semantics (AND within a selector, OR across selectors, names AND selectors)', async () => {
    await apply(
      'wds1',
      [
        deployment('one', { label1: 'test1' }),
        deployment('two', { label1: 'test1', label2: 'test2' }),
        deployment('three', { label1: 'C' }),
        deployment('four', { label1: 'A' }),
        deployment('five', { label1: 'B' }),
      ].join('---\n'),
    );
    await apply('wds1', policy('and', '  - matchLabels: {name: cluster1}', '  - objectSelectors: [{matchLabels: {label1: test1, label2: test2}}]'));
    await expectCounts([1, 0], 'label2=test2');
    await ok('wds1', ['delete', 'bindingpolicy', 'and']);
    await apply(
      'wds1',
      policy(
        'or',
        '  - matchLabels: {name: cluster1}\n  - matchExpressions: [{key: name, operator: In, values: [cluster1, cluster2, cluster3]}]',
        '  - objectSelectors: [{matchLabels: {label1: A}}, {matchLabels: {label1: B}}]',
      ),
    );
    await expectCounts([2, 2], 'label1 in (A,B)');
    await apply('wds1', policy('names', edge, '  - objectNames: [three]\n    objectSelectors: [{matchLabels: {label1: C}}]'));
    await expectCounts([1, 1], 'label1=C');
    await ok('wds1', ['delete', 'bindingpolicy', 'or', 'names']);
    await ok('wds1', ['-n', 'nginx', 'delete', 'deployment', 'one', 'two', 'three', 'four', 'five']);
  });

  it('20, 21: singleton status comes back from the one qualified WEC, and is cleared when it goes', async () => {
    await apply('wds1', policy('nginx-singleton', '  - matchLabels: {name: cluster1}', '  - objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]\n    wantSingletonReportedState: true'));
    const d = await eventually('availableReplicas from cluster1', async () => {
      const got = JSON.parse(await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'json']));
      return got.status?.availableReplicas === 1 ? got : undefined;
    });
    assert.equal(d.metadata.labels['managed-by.kubestellar.io/singletonstatus'], 'true');
    const table = await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx']);
    assert.match(table, /nginx\s+1\/1\s+1\s+1/);
    await apply('wds1', policy('nginx-singleton', '  - matchLabels: {name: no-such-cluster}', '  - objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]\n    wantSingletonReportedState: true'));
    const cleared = await eventually('status cleared', async () => {
      const got = JSON.parse(await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'json']));
      return got.status?.availableReplicas === undefined && (got.status?.conditions ?? []).length === 0 ? got : undefined;
    });
    assert.equal(cleared.metadata.labels['managed-by.kubestellar.io/singletonstatus'], undefined);
    const bp = JSON.parse(await ok('wds1', ['get', 'bindingpolicy', 'nginx-singleton', '-o', 'json']));
    assert.equal(bp.status.observedGeneration, bp.metadata.generation);
    assert.match(bp.status.errors[0], /^Singleton reported status return is requested but some objects have the wrong number of associated WECs/);
  });

  it('multi-WEC reported state: a Deployment in two WECs gets the aggregated status (minimums) and the multiwecstatus label', async () => {
    await ok('wds1', ['-n', 'nginx', 'patch', 'deployment', 'nginx', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    await apply('wds1', policy('nginx-multi', edge, '  - objectSelectors: [{matchLabels: {app.kubernetes.io/name: nginx}}]\n    wantMultiWECReportedState: true'));
    const d = await eventually('aggregated status', async () => {
      const got = JSON.parse(await ok('wds1', ['-n', 'nginx', 'get', 'deployment', 'nginx', '-o', 'json']));
      return got.metadata.labels?.['managed-by.kubestellar.io/multiwecstatus'] === 'true' && got.status?.availableReplicas === 2 ? got : undefined;
    });
    assert.equal(d.status.readyReplicas, 2);
    assert.equal(d.status.replicas, 2);
    assert.deepEqual(d.status.conditions ?? [], []);
    assert.equal(d.metadata.labels['managed-by.kubestellar.io/singletonstatus'], undefined);
  });

  it('23, 24: a NodePort Service and a generateName Job are cleaned so a WEC can create them', async () => {
    await apply(
      'wds1',
      `apiVersion: v1
kind: Service
metadata: {name: my-service, namespace: nginx, labels: {app.kubernetes.io/name: nginx}}
spec:
  type: NodePort
  selector: {app: nginx}
  ports: [{port: 80, targetPort: 80}]
`,
    );
    const job = `apiVersion: batch/v1
kind: Job
metadata: {generateName: pi-, namespace: nginx, labels: {app.kubernetes.io/name: nginx}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl, command: [perl, -e, 'print 1']}]
`;
    await ok('wds1', ['create', '-f', '-'], job);
    await eventually('service and job in both WECs', async () => {
      const all = await Promise.all(WECS.map(async (w) => [(await items(w.name, ['-n', 'nginx', 'get', 'services'])).length, (await items(w.name, ['-n', 'nginx', 'get', 'jobs'])).length]));
      return all.every(([s, j]) => s === 1 && j === 1);
    });
    const svc = (await items('cluster1', ['-n', 'nginx', 'get', 'services']))[0];
    const wdsSvc = JSON.parse(await ok('wds1', ['-n', 'nginx', 'get', 'service', 'my-service', '-o', 'json']));
    assert.notEqual(svc.spec.clusterIP, undefined);
    assert.ok(svc.spec.ports[0].nodePort > 0);
    assert.equal(typeof wdsSvc.spec.clusterIP, 'string');
  });

  it('a WDS made with --its-kubeconfig transports through that hub over the network', async () => {
    const r = await cli(server.dataDir, ['create', 'wds', 'wdsx', '--its-kubeconfig', server.kubeconfig('its1')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), server.kubeconfig('wdsx'));
    await apply('wdsx', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ext, labels: {ext: "y"}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-wdsx, namespace: ext, labels: {ext: "y"}}\ndata: {a: "1"}\n');
    await apply('wdsx', policy('ext', '  - matchLabels: {name: cluster2}', '  - objectSelectors: [{matchLabels: {ext: "y"}}]'));
    await eventually('the ConfigMap in cluster2', async () => (await k('cluster2', ['-n', 'ext', 'get', 'configmap', 'from-wdsx'])).code === 0);
    assert.notEqual((await k('cluster1', ['-n', 'ext', 'get', 'configmap', 'from-wdsx'])).code, 0);
    await ok('wdsx', ['delete', 'bindingpolicy', 'ext']);
    await eventually('the ConfigMap gone from cluster2', async () => (await k('cluster2', ['-n', 'ext', 'get', 'configmap', 'from-wdsx'])).code !== 0);
  });

  it('25-28: killing the server and the agents leaves the WECs alone, and work resumes', async () => {
    await server.kill9();
    for (const a of agents.values()) await a.kill9();
    await server.restart();
    for (const a of agents.values()) await a.restart();
    await expectCounts([1, 1]);
    await apply('wds1', deployment('nginx-2', { 'app.kubernetes.io/name': 'nginx' }));
    await expectCounts([2, 2]);
  });
});
