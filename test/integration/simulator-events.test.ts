/**
 * The simulated components record the core/v1 Events a kind cluster shows: a Deployment's
 * rollout (deployment-controller, replicaset-controller, default-scheduler, kubelet), a scale
 * down, a Job, and an ephemeral container started in a running pod. Each is recorded once per
 * action: a resync (the simulator restarted over the same objects) adds none.
 */
import assert from 'node:assert/strict';
import type { WorkloadSimulator } from '../../src/simulator/index.js';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { spaceCalls, startOwnSimulator } from '../helpers/own-simulator.js';

const SPACE = 'events1';
const NODE = 'events1-control-plane';
const CORE = `/clusters/${SPACE}/api/v1/namespaces/default`;
const APPS = `/clusters/${SPACE}/apis/apps/v1/namespaces/default`;
const BATCH = `/clusters/${SPACE}/apis/batch/v1/namespaces/default`;
const OPTIONS = { readyDelayMs: 50, jobDurationMs: 100, secondMs: 10, nodeName: NODE };

type Obj = Record<string, any>;

describe('workload simulator Events', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let sim: WorkloadSimulator | undefined;
  const calls = spaceCalls(() => h);

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    sim = await startOwnSimulator(h, SPACE, OPTIONS);
  });
  after(async () => {
    sim?.stop();
    await h?.stop();
  });

  const events = async (selector = ''): Promise<Obj[]> =>
    ((await calls.get(`${CORE}/events${selector ? `?fieldSelector=${encodeURIComponent(selector)}` : ''}`))['items'] ?? []) as Obj[];
  const about = (all: Obj[], kind: string, name: string): Obj[] => all.filter((e) => e['involvedObject']['kind'] === kind && e['involvedObject']['name'] === name);
  const find = (all: Obj[], reason: string, message: string): Obj | undefined => all.find((e) => e['reason'] === reason && e['message'] === message);
  const snapshot = (all: Obj[]): string[] => all.map((e) => `${String(e['metadata']['name'])} x${String(e['count'] ?? '-')}`).sort();

  let rsName = '';
  let podNames: string[] = [];

  it('records a Deployment rollout as the controllers, the scheduler and the kubelet do', async () => {
    const d = await calls.create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } },
      },
    });
    const rs = await eventually('replica set', async () => ((await calls.get(`${APPS}/replicasets`))['items'] as Obj[])[0]);
    rsName = String(rs['metadata']['name']);
    await eventually('three ready pods', async () => ((await calls.get(`${APPS}/deployments/web`))['status']?.['readyReplicas'] ?? 0) === 3);
    podNames = ((await calls.get(`${CORE}/pods`))['items'] as Obj[]).map((p) => String(p['metadata']['name']));
    assert.equal(podNames.length, 3);
    // The kubelet's Started comes last for each pod.
    const all = await eventually('kubelet events', async () => {
      const evs = await events();
      return podNames.every((p) => find(about(evs, 'Pod', p), 'Started', 'Started container main')) ? evs : undefined;
    });

    const scaled = find(all, 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to 3`);
    assert.ok(scaled, JSON.stringify(all.map((e) => e['message'])));
    assert.equal(scaled['type'], 'Normal');
    assert.deepEqual(scaled['source'], { component: 'deployment-controller' });
    assert.equal(scaled['reportingComponent'], 'deployment-controller');
    assert.equal(scaled['reportingInstance'], '');
    assert.equal(scaled['count'], 1);
    assert.equal(scaled['eventTime'], null);
    assert.equal(scaled['firstTimestamp'], scaled['lastTimestamp']);
    assert.match(scaled['metadata']['name'], /^web\.[0-9a-f]{16}$/);
    assert.equal(scaled['metadata']['namespace'], 'default');
    assert.deepEqual(
      { ...scaled['involvedObject'], resourceVersion: undefined },
      { kind: 'Deployment', namespace: 'default', name: 'web', uid: d['metadata']['uid'], apiVersion: 'apps/v1', resourceVersion: undefined },
    );
    assert.ok(scaled['involvedObject']['resourceVersion']);

    for (const p of podNames) {
      const created = find(all, 'SuccessfulCreate', `Created pod: ${p}`);
      assert.ok(created, p);
      assert.deepEqual(created['source'], { component: 'replicaset-controller' });
      assert.equal(created['involvedObject']['kind'], 'ReplicaSet');
      assert.equal(created['involvedObject']['name'], rsName);
      assert.equal(created['involvedObject']['uid'], rs['metadata']['uid']);

      const scheduled = find(all, 'Scheduled', `Successfully assigned default/${p} to ${NODE}`);
      assert.ok(scheduled, p);
      assert.equal(scheduled['reportingComponent'], 'default-scheduler');
      assert.equal(scheduled['involvedObject']['kind'], 'Pod');
      assert.ok(scheduled['eventTime']);

      const kubelet = about(all, 'Pod', p).filter((e) => e['source']?.['component'] === 'kubelet');
      assert.deepEqual(
        kubelet.map((e) => [e['reason'], e['message']]),
        [
          ['Pulled', 'Container image "nginx:1.25" already present on machine'],
          ['Created', 'Created container: main'],
          ['Started', 'Started container main'],
        ],
      );
      for (const e of kubelet) {
        assert.deepEqual(e['source'], { component: 'kubelet', host: NODE });
        assert.equal(e['reportingInstance'], NODE);
        assert.equal(e['involvedObject']['fieldPath'], 'spec.containers{main}');
        assert.equal(e['involvedObject']['apiVersion'], 'v1');
      }
    }
    // Field selectors kubectl describe uses find them.
    const forPod = await events(`involvedObject.name=${podNames[0]},involvedObject.kind=Pod`);
    assert.ok(forPod.length >= 4);
  });

  it('records a scale down once, with the pods the replica set deleted', async () => {
    await calls.request('PATCH', `${APPS}/deployments/web`, { spec: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    const all = await eventually('scale-down events', async () => {
      const evs = await events();
      return find(evs, 'ScalingReplicaSet', `Scaled down replica set ${rsName} from 3 to 1`) && evs.filter((e) => e['reason'] === 'SuccessfulDelete').length === 2 ? evs : undefined;
    });
    for (const e of all.filter((x) => x['reason'] === 'SuccessfulDelete')) {
      assert.match(e['message'], /^Deleted pod: web-/);
      assert.equal(e['involvedObject']['name'], rsName);
    }
  });

  it("records the kubelet stopping a pod's containers when it is deleted gracefully", async () => {
    // Graceful deletion needs a space a kubelet serves: cluster1, simulated by the server itself.
    const pods = '/clusters/cluster1/api/v1/namespaces/default/pods';
    await calls.create(pods, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'graceful' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await eventually('running', async () => (await calls.get(`${pods}/graceful`))['status']?.['phase'] === 'Running');
    assert.equal((await calls.request('DELETE', `${pods}/graceful`)).status, 200);
    const killing = await eventually('Killing', async () =>
      ((await calls.get('/clusters/cluster1/api/v1/namespaces/default/events'))['items'] as Obj[]).find((e) => e['reason'] === 'Killing' && e['involvedObject']['name'] === 'graceful'),
    );
    assert.equal(killing['message'], 'Stopping container c');
    assert.equal(killing['involvedObject']['fieldPath'], 'spec.containers{c}');
    assert.equal(killing['source']['component'], 'kubelet');
  });

  it('records a Job: its pod, and its completion', async () => {
    await calls.create(`${BATCH}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox' }] } } },
    });
    const all = await eventually('Job completed', async () => {
      const evs = await events();
      return find(about(evs, 'Job', 'once'), 'Completed', 'Job completed') ? evs : undefined;
    });
    const created = about(all, 'Job', 'once').find((e) => e['reason'] === 'SuccessfulCreate');
    assert.ok(created);
    assert.match(created['message'], /^Created pod: once-/);
    assert.deepEqual(created['source'], { component: 'job-controller' });
  });

  it('starts an ephemeral container added through pods/ephemeralcontainers, and records it as the kubelet does', async () => {
    await calls.create(`${CORE}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debugged' }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } });
    await eventually('running', async () => (await calls.get(`${CORE}/pods/debugged`))['status']?.['phase'] === 'Running');
    // What `kubectl debug debugged --image=busybox -c dbg -i -- sh` sends.
    const added = await calls.request(
      'PATCH',
      `${CORE}/pods/debugged/ephemeralcontainers`,
      { spec: { ephemeralContainers: [{ name: 'dbg', image: 'busybox', command: ['sh'], stdin: true, terminationMessagePolicy: 'File', imagePullPolicy: 'Always' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    assert.equal(added.status, 200, JSON.stringify(added.body));
    // kubectl debug waits until the container's state is running (or terminated).
    const pod = await eventually('ephemeral container running', async () => {
      const p = await calls.get(`${CORE}/pods/debugged`);
      return ((p['status']['ephemeralContainerStatuses'] ?? []) as Obj[])[0]?.['state']?.['running'] ? p : undefined;
    });
    const status = (pod['status']['ephemeralContainerStatuses'] as Obj[])[0]!;
    assert.equal(status['name'], 'dbg');
    assert.equal(status['image'], 'docker.io/library/busybox:latest');
    assert.match(status['imageID'], /^docker\.io\/library\/busybox@sha256:/);
    assert.match(status['containerID'], /^containerd:\/\//);
    assert.deepEqual([status['ready'], status['restartCount'], status['started']], [false, 0, undefined]);
    assert.ok(status['state']['running']['startedAt']);
    // The pod's own containers go on as they were.
    assert.deepEqual(((pod['status']['containerStatuses'] as Obj[]).map((c) => [c['name'], c['ready']])), [['main', true]]);

    const kubelet = await eventually('ephemeral container events', async () => {
      const evs = about(await events(), 'Pod', 'debugged').filter((e) => e['involvedObject']['fieldPath'] === 'spec.ephemeralContainers{dbg}');
      return evs.length === 3 ? evs : undefined;
    });
    assert.deepEqual(kubelet.map((e) => [e['type'], e['reason'], e['source']['component']]), [
      ['Normal', 'Pulled', 'kubelet'],
      ['Normal', 'Created', 'kubelet'],
      ['Normal', 'Started', 'kubelet'],
    ]);
    // Its logs are there to read now, not "waiting to start".
    const logs = await calls.request('GET', `${CORE}/pods/debugged/log?container=dbg`);
    assert.equal(logs.status, 200, JSON.stringify(logs.body));
  });

  it('adds nothing when the simulator resyncs everything', async () => {
    await new Promise((r) => setTimeout(r, 500));
    const settled = snapshot(await events());
    // A restart lists the space afresh and syncs every object again.
    sim?.stop();
    sim = undefined;
    const { WorkloadSimulator } = await import('../../src/simulator/index.js');
    const served = h.server.spaces.get(SPACE);
    assert.ok(served);
    sim = new WorkloadSimulator(served, OPTIONS);
    await sim.start();
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(snapshot(await events()), settled);
  });
});
