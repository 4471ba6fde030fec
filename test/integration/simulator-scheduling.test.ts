/**
 * The simulated scheduler's filters against the kubelet's node, as kube-scheduler 1.33 reports
 * them (cordon, taints and tolerations, node selectors, resources), the node lifecycle
 * controller's unschedulable taint, the taint-eviction controller, and the kubelet restarting a
 * container whose image changed.
 */
import assert from 'node:assert/strict';
import type { WorkloadSimulator } from '../../src/simulator/index.js';
import { eventually as poll } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { spaceCalls, startOwnSimulator } from '../helpers/own-simulator.js';

type Obj = Record<string, any>;

const SPACE = 'simsched';
const NODE = `${SPACE}-control-plane`;
const ROOT = `/clusters/${SPACE}`;
const CORE = `${ROOT}/api/v1/namespaces/default`;
const APPS = `${ROOT}/apis/apps/v1/namespaces/default`;
const NODE_PATH = `${ROOT}/api/v1/nodes/${NODE}`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };
const NOT_HELPFUL = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => poll(what, probe, timeoutMs);
const condition = (o: Obj, type: string): Obj | undefined => (o['status']?.['conditions'] ?? []).find((c: Obj) => c['type'] === type);

describe('workload simulator: scheduling, taints and restarts', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let sim: WorkloadSimulator | undefined;
  const { request, get, maybe, create } = spaceCalls(() => h);

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    sim = await startOwnSimulator(h, SPACE, { readyDelayMs: 50, jobDurationMs: 200, secondMs: 50, retryMs: 100, nodeName: NODE });
    await eventually('node', () => maybe(NODE_PATH));
  });
  after(async () => {
    sim?.stop();
    await h?.stop();
  });

  const bare = (name: string, spec: Obj = {}): Promise<Obj> =>
    create(`${CORE}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }], ...spec } });
  const running = (name: string): Promise<Obj> => eventually(`${name} running`, async () => ((await maybe(`${CORE}/pods/${name}`))?.['status']?.['phase'] === 'Running' ? get(`${CORE}/pods/${name}`) : undefined));
  const unschedulable = (name: string, message: string): Promise<Obj> =>
    eventually(`${name} unschedulable`, async () => {
      const p = await get(`${CORE}/pods/${name}`);
      const c = condition(p, 'PodScheduled');
      return c?.['reason'] === 'Unschedulable' && c['message'] === message ? p : undefined;
    });
  const eventsAbout = async (name: string): Promise<Obj[]> =>
    ((await get(`${CORE}/events?fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`))['items'] ?? []) as Obj[];
  const setTaints = (taints: Obj[]): Promise<unknown> => request('PATCH', NODE_PATH, { spec: { taints } }, MERGE);

  it('keeps pods off a cordoned node, taints it, and schedules them once it is uncordoned', async () => {
    const cordoned = await request('PATCH', NODE_PATH, { spec: { unschedulable: true } }, STRATEGIC);
    assert.equal(cordoned.status, 200, JSON.stringify(cordoned.body));
    const node = await eventually('unschedulable taint', async () => ((await get(NODE_PATH))['spec']['taints'] ?? []).length > 0 && get(NODE_PATH));
    assert.equal(node['spec']['taints'].length, 1);
    const [taint] = node['spec']['taints'];
    assert.deepEqual([taint['key'], taint['effect'], taint['value']], ['node.kubernetes.io/unschedulable', 'NoSchedule', undefined]);
    assert.match(taint['timeAdded'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    const message = `0/1 nodes are available: 1 node(s) were unschedulable. ${NOT_HELPFUL}`;
    await bare('cordoned');
    const pod = await unschedulable('cordoned', message);
    assert.equal(pod['status']['phase'], 'Pending');
    assert.equal(pod['spec']['nodeName'], undefined);
    assert.deepEqual({ ...condition(pod, 'PodScheduled'), lastTransitionTime: undefined }, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: undefined, reason: 'Unschedulable', message });
    const failed = await eventually('FailedScheduling', async () => (await eventsAbout('cordoned')).find((e) => e['reason'] === 'FailedScheduling'));
    assert.equal(failed['type'], 'Warning');
    assert.equal(failed['message'], message);
    assert.equal(failed['action'], 'Scheduling');
    assert.equal(failed['reportingComponent'], 'default-scheduler');
    assert.equal(failed['reportingInstance'], `default-scheduler-${NODE}`);
    assert.deepEqual(failed['source'], {});

    // Controller-made pods go through the scheduler too.
    await create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } } },
    });
    const webPods = await eventually('two unschedulable web pods', async () => {
      const items = ((await get(`${CORE}/pods?labelSelector=app%3Dweb`))['items'] ?? []) as Obj[];
      return items.length === 2 && items.every((p) => condition(p, 'PodScheduled')?.['reason'] === 'Unschedulable') ? items : undefined;
    });
    assert.ok(webPods.every((p) => p['spec']['nodeName'] === undefined));

    // Quiet while nothing changes: one FailedScheduling, no further status writes.
    const rv = (await get(`${CORE}/pods/cordoned`))['metadata']['resourceVersion'];
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await get(`${CORE}/pods/cordoned`))['metadata']['resourceVersion'], rv);
    assert.equal((await eventsAbout('cordoned')).filter((e) => e['reason'] === 'FailedScheduling').length, 1);

    await request('PATCH', NODE_PATH, { spec: { unschedulable: null } }, STRATEGIC);
    await eventually('taint removed', async () => ((await get(NODE_PATH))['spec']['taints'] ?? []).length === 0);
    const ran = await running('cordoned');
    assert.equal(ran['spec']['nodeName'], NODE);
    assert.equal(condition(ran, 'PodScheduled')?.['status'], 'True');
    await eventually('deployment available', async () => (await get(`${APPS}/deployments/web`))['status']?.['availableReplicas'] === 2);
    const scheduled = await eventually('Scheduled', async () => (await eventsAbout('cordoned')).find((e) => e['reason'] === 'Scheduled'));
    assert.equal(scheduled['message'], `Successfully assigned default/cordoned to ${NODE}`);
  });

  it('honours NoSchedule taints, tolerations, node selectors and resources', async () => {
    await setTaints([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    await eventually('taint', async () => ((await get(NODE_PATH))['spec']['taints'] ?? []).length === 1);
    await bare('intolerant');
    await bare('tolerant', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    await bare('everything', { tolerations: [{ operator: 'Exists' }] });
    await unschedulable('intolerant', `0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL}`);
    await running('tolerant');
    await running('everything');

    await bare('selective', { nodeSelector: { disktype: 'ssd' }, tolerations: [{ operator: 'Exists' }] });
    await unschedulable('selective', `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`);
    await bare('greedy', { containers: [{ name: 'main', image: 'nginx:1.25', resources: { requests: { memory: '64Gi' } } }], tolerations: [{ operator: 'Exists' }] });
    await unschedulable('greedy', '0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..');

    await setTaints([]);
    await running('intolerant');
    await request('PATCH', NODE_PATH, { metadata: { labels: { disktype: 'ssd' } } }, MERGE);
    await running('selective');
    assert.equal(condition(await get(`${CORE}/pods/greedy`), 'PodScheduled')?.['reason'], 'Unschedulable');
  });

  it('evicts pods that do not tolerate a NoExecute taint, after their tolerationSeconds', async () => {
    await bare('victim');
    await bare('brief', { tolerations: [{ key: 'maint', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] });
    await bare('stays', { tolerations: [{ key: 'maint', operator: 'Exists', effect: 'NoExecute' }] });
    for (const p of ['victim', 'brief', 'stays']) await running(p);
    await setTaints([{ key: 'maint', value: 'now', effect: 'NoExecute' }]);
    const victim = await eventually('victim deleting', async () => {
      const p = await maybe(`${CORE}/pods/victim`);
      return p === undefined ? {} : p['metadata']['deletionTimestamp'] !== undefined && p;
    });
    if (victim['metadata']) assert.equal(condition(victim, 'DisruptionTarget')?.['reason'], 'DeletionByTaintManager');
    const ev = await eventually('TaintManagerEviction', async () => (await eventsAbout('victim')).find((e) => e['reason'] === 'TaintManagerEviction'));
    assert.equal(ev['type'], 'Normal');
    assert.equal(ev['message'], 'Marking for deletion Pod default/victim');
    assert.equal(ev['reportingComponent'], 'taint-eviction-controller');
    assert.deepEqual(ev['source'], { component: 'taint-eviction-controller' });
    assert.equal(ev['involvedObject']['uid'], undefined);
    // Tolerated for 10 simulated seconds (500 ms here), then evicted too.
    assert.equal((await get(`${CORE}/pods/brief`))['metadata']['deletionTimestamp'], undefined);
    await eventually('brief evicted', async () => {
      const p = await maybe(`${CORE}/pods/brief`);
      return p === undefined || p['metadata']['deletionTimestamp'] !== undefined;
    });
    await eventually('victim gone', async () => (await maybe(`${CORE}/pods/victim`)) === undefined);
    const stays = await get(`${CORE}/pods/stays`);
    assert.equal(stays['metadata']['deletionTimestamp'], undefined);
    assert.equal(stays['status']['phase'], 'Running');
    await setTaints([]);
  });

  it('restarts a container whose image changes', async () => {
    await bare('restarted');
    const before = (await running('restarted'))['status']['containerStatuses'][0];
    assert.equal(before['restartCount'], 0);
    const patched = await request('PATCH', `${CORE}/pods/restarted`, { spec: { containers: [{ name: 'main', image: 'nginx:1.26' }] } }, STRATEGIC);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const after = await eventually('restarted', async () => {
      const s = (await get(`${CORE}/pods/restarted`))['status']['containerStatuses'][0];
      return s['restartCount'] === 1 ? s : undefined;
    });
    assert.equal(after['image'], 'docker.io/library/nginx:1.26');
    assert.notEqual(after['imageID'], before['imageID']);
    assert.notEqual(after['containerID'], before['containerID']);
    assert.ok(after['state']['running']['startedAt']);
    assert.equal(after['ready'], true);
    const t = after['lastState']['terminated'];
    assert.deepEqual([t['exitCode'], t['reason'], t['containerID'], t['startedAt']], [0, 'Completed', before['containerID'], before['state']['running']['startedAt']]);
    const evs = await eventually('restart events', async () => {
      const all = await eventsAbout('restarted');
      return all.some((e) => e['reason'] === 'Killing') && all.filter((e) => e['reason'] === 'Started').length >= 1 ? all : undefined;
    });
    const killing = evs.find((e) => e['reason'] === 'Killing')!;
    assert.equal(killing['message'], 'Container main definition changed, will be restarted');
    assert.equal(killing['involvedObject']['fieldPath'], 'spec.containers{main}');
    await eventually('started again', async () => {
      const all = await eventsAbout('restarted');
      const started = all.find((e) => e['reason'] === 'Started');
      return started !== undefined && (started['count'] === 2 || all.filter((e) => e['reason'] === 'Started').length === 2);
    });
    // And stays put: no further restarts.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await get(`${CORE}/pods/restarted`))['status']['containerStatuses'][0]['restartCount'], 1);
  });
});
