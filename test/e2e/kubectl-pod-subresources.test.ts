/**
 * Real kubectl against the real server (`--demo`, space wds1) for the Pod subresources, on a
 * server with no kubelets: `logs` (empty for a pod on no node, NotFound for a missing pod, an
 * error naming the node for a pod on one), `exec` (the no-host 400 reaches the user through the
 * websocket and SPDY attempts), `debug` (an ephemeral container through pods/ephemeralcontainers;
 * in a workload cluster, `debug -i` sees it run and fails over to its logs when attach cannot reach the kubelet),
 * and `drain` (cordon, then eviction, which kubectl uses because discovery lists pods/eviction).
 * Each kubectl version works in its own namespace and with its own node.
 */
import assert from 'node:assert/strict';
import { describeResult, kubectl, kubectlVersions, type KubectlBinary, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const SPACE = 'wds1';

function podYaml(name: string, namespace: string, nodeName?: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    ...(nodeName ? [`  nodeName: ${nodeName}`] : []),
    '  containers:',
    '  - name: main',
    '    image: nginx:1.27',
    '',
  ].join('\n');
}

function nodeYaml(name: string): string {
  return ['apiVersion: v1', 'kind: Node', 'metadata:', `  name: ${name}`, 'status:', '  addresses:', '  - type: InternalIP', '    address: 10.0.0.1', ''].join('\n');
}

describe('kubectl and the Pod subresources (e2e)', function () {
  this.timeout(300_000);
  let server: ServerProcess | undefined;
  before(async function () {
    if (kubectlVersions().length === 0) this.skip();
    server = await startServer({ demo: true });
  });
  after(async () => {
    await server?.stop();
  });

  for (const binary of kubectlVersions()) {
    describe(`kubectl ${binary.version}`, () => {
      const ns = `subres-${binary.version.replace('.', '-')}`;
      const node = `node-${binary.version.replace('.', '-')}`;
      const run = (args: readonly string[], stdin?: string): Promise<KubectlResult> =>
        kubectl((binary as KubectlBinary).path, server!.kubeconfig(SPACE), args, { timeoutMs: 60_000, ...(stdin !== undefined && { stdin }) });
      const ok = async (args: readonly string[], stdin?: string): Promise<KubectlResult> => {
        const r = await run(args, stdin);
        assert.equal(r.code, 0, describeResult(args, r));
        return r;
      };

      before(async () => {
        await ok(['create', 'namespace', ns]);
        await ok(['apply', '-f', '-'], podYaml('floating', ns));
        await ok(['apply', '-f', '-'], nodeYaml(node));
        await ok(['apply', '-f', '-'], podYaml('placed', ns, node));
      });

      it('logs: empty for a pod on no node, NotFound for a missing pod, an error for a pod on a node', async () => {
        const r = await ok(['-n', ns, 'logs', 'floating']);
        assert.equal(r.stdout, '');
        const missing = await run(['-n', ns, 'logs', 'missing']);
        assert.notEqual(missing.code, 0);
        assert.match(missing.stderr, /NotFound|not found/, describeResult(['logs'], missing));
        const placed = await run(['-n', ns, 'logs', 'placed']);
        assert.notEqual(placed.code, 0);
        assert.match(placed.stderr, new RegExp(node), describeResult(['logs'], placed));
        const wrong = await run(['-n', ns, 'logs', 'floating', '-c', 'nope']);
        assert.notEqual(wrong.code, 0);
        assert.match(wrong.stderr, /BadRequest|not valid/, describeResult(['logs'], wrong));
      });

      it('exec: refused with the no-host error, not a 404', async () => {
        const r = await run(['-n', ns, 'exec', 'floating', '--', 'ls']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /does not have a host assigned/, describeResult(['exec'], r));
        assert.doesNotMatch(r.stderr, /could not find the requested resource/);
      });

      it('debug: adds an ephemeral container', async () => {
        const r = await ok(['-n', ns, 'debug', 'floating', '--image=busybox']);
        assert.doesNotMatch(r.stderr, /disabled/);
        const pod = JSON.parse((await ok(['-n', ns, 'get', 'pod', 'floating', '-o', 'json'])).stdout);
        assert.equal(pod.spec.ephemeralContainers?.length, 1, JSON.stringify(pod.spec));
        assert.equal(pod.spec.ephemeralContainers[0].image, 'busybox');
      });

      it('debug -i in a workload cluster: the ephemeral container runs, attach fails at once, logs are readable', async () => {
        // cluster1's simulated kubelet starts the container; attaching needs a reachable kubelet, which none is.
        const wec = (args: readonly string[]): Promise<KubectlResult> => kubectl((binary as KubectlBinary).path, server!.kubeconfig('cluster1'), args, { timeoutMs: 60_000 });
        const wecOk = async (args: readonly string[]): Promise<KubectlResult> => {
          const r = await wec(args);
          assert.equal(r.code, 0, describeResult(args, r));
          return r;
        };
        const dns = `${ns}-debug`;
        await wecOk(['create', 'namespace', dns]);
        await wecOk(['-n', dns, 'run', 'target', '--image=nginx:1.27']);
        await wecOk(['-n', dns, 'wait', '--for=condition=Ready', 'pod/target', '--timeout=60s']);
        const started = Date.now();
        const debug = await wec(['-n', dns, 'debug', 'target', '--image=busybox', '-c', 'dbg', '-i', '--', 'sh']);
        assert.ok(!debug.timedOut, describeResult(['debug'], debug));
        assert.ok(Date.now() - started < 30_000, `debug took ${Date.now() - started} ms`);
        // kubectl saw the container running and tried to attach: the kubelet cannot be dialled.
        assert.match(debug.stderr, /error dialing backend/, describeResult(['debug'], debug));
        const pod = JSON.parse((await wecOk(['-n', dns, 'get', 'pod', 'target', '-o', 'json'])).stdout);
        const status = (pod.status.ephemeralContainerStatuses ?? []).find((c: { name: string }) => c.name === 'dbg');
        assert.ok(status?.state?.running, JSON.stringify(pod.status));
        assert.equal(status.ready, false);
        assert.equal(status.started, undefined);
        const events = JSON.parse((await wecOk(['-n', dns, 'get', 'events', '--field-selector', 'involvedObject.name=target', '-o', 'json'])).stdout);
        const reasons = events.items.filter((e: { involvedObject: { fieldPath?: string } }) => e.involvedObject.fieldPath === 'spec.ephemeralContainers{dbg}').map((e: { reason: string }) => e.reason);
        assert.deepEqual(reasons.sort(), ['Created', 'Pulled', 'Started']);
        const logs = await wec(['-n', dns, 'logs', 'target', '--all-containers']);
        assert.doesNotMatch(logs.stderr, /waiting to start/, describeResult(['logs'], logs));
        assert.equal(logs.code, 0, describeResult(['logs'], logs));
      });

      it('drain: cordons the node and evicts its pods', async () => {
        const r = await ok(['drain', node, '--force', '--ignore-daemonsets', '--timeout=60s']);
        assert.match(r.stdout + r.stderr, /evicting pod|evicted/, describeResult(['drain'], r));
        const nodeObj = JSON.parse((await ok(['get', 'node', node, '-o', 'json'])).stdout);
        assert.equal(nodeObj.spec.unschedulable, true);
        const gone = await run(['-n', ns, 'get', 'pod', 'placed']);
        assert.notEqual(gone.code, 0);
        assert.match(gone.stderr, /NotFound|not found/);
      });
    });
  }
});
