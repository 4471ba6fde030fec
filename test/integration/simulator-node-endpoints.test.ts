/**
 * The simulated kubelet's Node and Lease, the scheduler binding bare pods, bare pods running to
 * completion, and the endpoints controllers, driven over HTTPS as kubectl would. A `cluster` space
 * without an ITS gets no simulator from the server, so the test runs its own there with shrunk
 * times (a lease renewed every 300 ms); a check at the end uses cluster1's, the server's own.
 */
import assert from 'node:assert/strict';
import { SIMULATE_FAILURE_ANNOTATION } from '../../src/kubestellar/well-known.js';
import { WorkloadSimulator } from '../../src/simulator/index.js';
import { eventually as poll } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { spaceCalls, startOwnSimulator } from '../helpers/own-simulator.js';

type Obj = Record<string, any>;

const SPACE = 'simnode';
const NODE = `${SPACE}-control-plane`;
const ROOT = `/clusters/${SPACE}`;
const CORE = `${ROOT}/api/v1/namespaces/default`;
const APPS = `${ROOT}/apis/apps/v1/namespaces/default`;
const SLICES = `${ROOT}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => poll(what, probe, timeoutMs);
const condition = (o: Obj, type: string): Obj | undefined => (o['status']?.['conditions'] ?? []).find((c: Obj) => c['type'] === type);

describe('workload simulator: node, scheduling, endpoints', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let sim: WorkloadSimulator | undefined;

  const { request, get, maybe, create } = spaceCalls(() => h);
  const slicesOf = async (svc: string): Promise<Obj[]> =>
    (await get(`${SLICES}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${svc}`)}`))['items'] as Obj[];

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    sim = await startOwnSimulator(h, SPACE, { readyDelayMs: 50, jobDurationMs: 200, secondMs: 10, leaseRenewMs: 300, retryMs: 100 });
  });
  after(async () => {
    sim?.stop();
    await h?.stop();
  });

  it('registers the node the pods run on, as a kind kubelet does', async () => {
    const node = await eventually('node', () => maybe(`${ROOT}/api/v1/nodes/${NODE}`));
    const labels = node['metadata']['labels'];
    assert.deepEqual(
      ['kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch', 'node-role.kubernetes.io/control-plane'].map((k) => labels[k]),
      [NODE, 'linux', 'amd64', 'linux', 'amd64', ''],
    );
    assert.deepEqual([node['spec']['podCIDR'], node['spec']['podCIDRs']], ['10.244.0.0/24', ['10.244.0.0/24']]);
    const s = node['status'];
    assert.equal(s['capacity']['pods'], '110');
    assert.deepEqual(s['allocatable'], s['capacity']);
    for (const k of ['cpu', 'memory', 'ephemeral-storage', 'hugepages-2Mi', 'hugepages-1Gi']) assert.ok(s['capacity'][k], k);
    assert.deepEqual(
      s['conditions'].map((c: Obj) => `${c['type']}=${c['status']}/${c['reason']}`),
      ['MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure', 'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady'],
    );
    assert.equal(s['daemonEndpoints']['kubeletEndpoint']['Port'], 10250);
    const version = (await get('/version'))['gitVersion'];
    assert.equal(s['nodeInfo']['kubeletVersion'], version);
    assert.equal(s['nodeInfo']['kubeProxyVersion'], version);
    assert.match(s['nodeInfo']['containerRuntimeVersion'], /^containerd:\/\//);
    assert.match(s['nodeInfo']['machineID'], /^[0-9a-f]{32}$/);
    assert.deepEqual(s['addresses'].map((a: Obj) => a['type']), ['InternalIP', 'Hostname']);
    const table = await request('GET', `${ROOT}/api/v1/nodes`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(table.body['rows'][0]['cells'][1], 'Ready');
  });

  it('keeps a lease in kube-node-lease renewed, without rewriting the node', async () => {
    const node = await get(`${ROOT}/api/v1/nodes/${NODE}`);
    const lease = await eventually('lease owned by the node', async () => {
      const l = await maybe(`${ROOT}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`);
      return l?.['metadata']['ownerReferences']?.[0]?.['uid'] === node['metadata']['uid'] && l;
    });
    assert.deepEqual([lease['spec']['holderIdentity'], lease['spec']['leaseDurationSeconds']], [NODE, 40]);
    assert.deepEqual(lease['metadata']['ownerReferences'][0], { apiVersion: 'v1', kind: 'Node', name: NODE, uid: node['metadata']['uid'] });
    const renewed = await eventually('renewed', async () => {
      const l = await get(`${ROOT}/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${NODE}`);
      return Date.parse(l['spec']['renewTime']) > Date.parse(lease['spec']['renewTime']) && l;
    }, 5000);
    assert.match(renewed['spec']['renewTime'], /\.\d{6}Z$/);
    assert.equal((await get(`${ROOT}/api/v1/nodes/${NODE}`))['metadata']['resourceVersion'], node['metadata']['resourceVersion']);
  });

  it('registers the node again when it is deleted', async () => {
    const before = await get(`${ROOT}/api/v1/nodes/${NODE}`);
    const r = await request('DELETE', `${ROOT}/api/v1/nodes/${NODE}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const again = await eventually('node back', async () => {
      const n = await maybe(`${ROOT}/api/v1/nodes/${NODE}`);
      return n !== undefined && n['metadata']['uid'] !== before['metadata']['uid'] && n;
    });
    assert.equal(condition(again, 'Ready')?.['status'], 'True');
  });

  it('schedules a bare pod and runs it to completion when its restartPolicy is Never', async () => {
    const pod = (name: string, restartPolicy: string, annotations?: Record<string, string>): Obj => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...(annotations && { annotations }) },
      spec: { restartPolicy, containers: [{ name: name, image: 'busybox', args: ['true'] }] },
    });
    await create(`${CORE}/pods`, pod('once', 'Never'));
    await create(`${CORE}/pods`, pod('doomed', 'Never', { [SIMULATE_FAILURE_ANNOTATION]: 'true' }));
    await create(`${CORE}/pods`, pod('serve', 'Always'));
    const node = await get(`${ROOT}/api/v1/nodes/${NODE}`);
    const hostIP = node['status']['addresses'].find((a: Obj) => a['type'] === 'InternalIP')['address'];
    const done = await eventually('once succeeded', async () => {
      const p = await get(`${CORE}/pods/once`);
      return p['status']['phase'] === 'Succeeded' && p;
    });
    assert.equal(done['spec']['nodeName'], NODE);
    assert.equal(done['status']['hostIP'], hostIP);
    assert.equal(condition(done, 'PodScheduled')?.['status'], 'True');
    assert.deepEqual([condition(done, 'Ready')?.['status'], condition(done, 'Ready')?.['reason']], ['False', 'PodCompleted']);
    const terminated = done['status']['containerStatuses'][0]['state']['terminated'];
    assert.deepEqual([terminated['exitCode'], terminated['reason']], [0, 'Completed']);
    const failed = await eventually('doomed failed', async () => {
      const p = await get(`${CORE}/pods/doomed`);
      return p['status']['phase'] === 'Failed' && p;
    });
    assert.equal(failed['status']['containerStatuses'][0]['state']['terminated']['exitCode'], 1);
    const serving = await get(`${CORE}/pods/serve`);
    assert.equal(serving['spec']['nodeName'], NODE);
    assert.equal(serving['status']['phase'], 'Running');
    assert.equal(condition(serving, 'Ready')?.['status'], 'True');
    const managers = serving['metadata']['managedFields'].map((m: Obj) => `${m['manager']}/${m['subresource'] ?? ''}`);
    assert.ok(managers.includes('kube-scheduler/binding'), managers.join());
  });

  it('leaves a pod with scheduling gates pending', async () => {
    await create(`${CORE}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gated' }, spec: { schedulingGates: [{ name: 'wait' }], containers: [{ name: 'c', image: 'busybox' }] } });
    const p = await eventually('gated reported', async () => {
      const cur = await get(`${CORE}/pods/gated`);
      return condition(cur, 'PodScheduled') !== undefined && cur;
    });
    assert.deepEqual([p['status']['phase'], condition(p, 'PodScheduled')?.['reason'], p['spec']['nodeName']], ['Pending', 'SchedulingGated', undefined]);
  });

  it('keeps Endpoints and EndpointSlices for a Service with a selector', async () => {
    await create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } },
      },
    });
    const svc = await create(`${CORE}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', labels: { tier: 'front' } },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 9000 }] },
    });
    const ep = await eventually('two ready addresses', async () => {
      const cur = await maybe(`${CORE}/endpoints/web`);
      return cur?.['subsets']?.[0]?.['addresses']?.length === 2 && cur;
    });
    const pods = (await get(`${CORE}/pods?labelSelector=app%3Dweb`))['items'] as Obj[];
    const byName = new Map(pods.map((p) => [p['metadata']['name'], p]));
    assert.deepEqual(ep['metadata']['labels'], { tier: 'front', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' });
    assert.ok(ep['metadata']['annotations']['endpoints.kubernetes.io/last-change-trigger-time']);
    const subset = ep['subsets'][0];
    assert.deepEqual(subset['ports'].map((p: Obj) => `${p['name']}:${p['port']}/${p['protocol']}`).sort(), ['admin:9000/TCP', 'http:8080/TCP']);
    for (const a of subset['addresses']) {
      const p = byName.get(a['targetRef']['name'])!;
      assert.deepEqual([a['ip'], a['nodeName'], a['targetRef']['kind'], a['targetRef']['uid']], [p['status']['podIP'], NODE, 'Pod', p['metadata']['uid']]);
    }
    const [slice, ...more] = await eventually('one slice with two endpoints', async () => {
      const all = await slicesOf('web');
      return all.length === 1 && all[0]!['endpoints']?.length === 2 && all;
    });
    assert.equal(more.length, 0);
    assert.match(slice!['metadata']['name'], /^web-[a-z0-9]{5}$/);
    assert.equal(slice!['addressType'], 'IPv4');
    assert.deepEqual(slice!['metadata']['labels'], { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(slice!['metadata']['ownerReferences'], [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc['metadata']['uid'], controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(slice!['ports'].map((p: Obj) => `${p['name']}:${p['port']}`), ['http:8080', 'admin:9000']);
    for (const e of slice!['endpoints']) {
      assert.deepEqual(e['conditions'], { ready: true, serving: true, terminating: false });
      assert.equal(e['nodeName'], NODE);
      assert.equal(e['addresses'][0], byName.get(e['targetRef']['name'])!['status']['podIP']);
    }

    // Scaled to three: both follow; the slice is updated in place.
    await request('PATCH', `${APPS}/deployments/web/scale`, { spec: { replicas: 3 } }, MERGE);
    await eventually('three endpoints', async () => (await get(`${CORE}/endpoints/web`))['subsets']?.[0]?.['addresses']?.length === 3);
    await eventually('three in the slice', async () => {
      const all = await slicesOf('web');
      return all.length === 1 && all[0]!['metadata']['name'] === slice!['metadata']['name'] && all[0]!['endpoints']?.length === 3;
    });

    // A user's edit of the Endpoints is put right, as the controller does.
    const cur = await get(`${CORE}/endpoints/web`);
    const r = await request('PUT', `${CORE}/endpoints/web`, { ...cur, subsets: [] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await eventually('restored', async () => (await get(`${CORE}/endpoints/web`))['subsets']?.[0]?.['addresses']?.length === 3);

    // The Service goes: its Endpoints with it, its slices with the garbage collector.
    assert.equal((await request('DELETE', `${CORE}/services/web`)).status, 200);
    await eventually('endpoints gone', async () => (await maybe(`${CORE}/endpoints/web`)) === undefined);
    await eventually('slices gone', async () => (await slicesOf('web')).length === 0);
  });

  it('gives a Service that selects nothing an empty placeholder slice and no addresses', async () => {
    await create(`${CORE}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'none' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } });
    const ep = await eventually('endpoints', () => maybe(`${CORE}/endpoints/none`));
    assert.equal(ep['subsets'], undefined);
    const [slice] = await eventually('placeholder', async () => {
      const all = await slicesOf('none');
      return all.length === 1 && all;
    });
    assert.equal((slice!['endpoints'] ?? []).length, 0);
  });

  it('leaves the Endpoints of a Service without a selector to its user', async () => {
    await create(`${CORE}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'external' }, spec: { ports: [{ port: 5432 }] } });
    await create(`${CORE}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'external' }, subsets: [{ addresses: [{ ip: '192.0.2.10' }], ports: [{ port: 5432 }] }] });
    await new Promise((r) => setTimeout(r, 500));
    const ep = await get(`${CORE}/endpoints/external`);
    assert.deepEqual(ep['subsets'][0]['addresses'], [{ ip: '192.0.2.10' }]);
    assert.equal(ep['metadata']['labels'], undefined);
    assert.equal((await slicesOf('external')).length, 0);
  });

  it('goes quiet once converged, the lease aside', async () => {
    const versions = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const path of [`${CORE}/pods`, `${CORE}/services`, `${CORE}/endpoints`, SLICES, `${ROOT}/api/v1/nodes`]) {
        for (const o of (await get(path))['items'] as Obj[]) out.push(`${String(o['metadata']['name'])}@${String(o['metadata']['resourceVersion'])}`);
      }
      return out.sort();
    };
    await new Promise((r) => setTimeout(r, 500));
    const settled = await versions();
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(await versions(), settled);
  });

  it('runs the same in cluster1, whose simulator the server runs', async () => {
    const node = await eventually('cluster1 node', () => maybe('/clusters/cluster1/api/v1/nodes/cluster1-control-plane'));
    assert.equal(condition(node, 'Ready')?.['status'], 'True');
    await eventually('cluster1 lease', () => maybe('/clusters/cluster1/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/cluster1-control-plane'));
  });
});
