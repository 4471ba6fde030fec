/**
 * The simulated cluster's ReplicationControllers, volume binding (static volumes, delayed
 * binding, provisioning, reclaiming), readiness gates, ControllerRevisions and disruption
 * budgets, driven over the API as kubectl would. Runs its own simulator with shrunk times in a
 * `cluster` space of its own, as simulator-node-endpoints.test.ts does.
 */
import assert from 'node:assert/strict';
import { WorkloadSimulator } from '../../src/simulator/index.js';
import { eventually as poll } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { spaceCalls, startOwnSimulator } from '../helpers/own-simulator.js';

type Obj = Record<string, any>;

const SPACE = 'simstore';
const NODE = `${SPACE}-control-plane`;
const ROOT = `/clusters/${SPACE}`;
const CORE = `${ROOT}/api/v1/namespaces/default`;
const PVS = `${ROOT}/api/v1/persistentvolumes`;
const APPS = `${ROOT}/apis/apps/v1/namespaces/default`;
const PDBS = `${ROOT}/apis/policy/v1/namespaces/default/poddisruptionbudgets`;
const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => poll(what, probe, timeoutMs);
const condition = (o: Obj, type: string): Obj | undefined => (o['status']?.['conditions'] ?? []).find((c: Obj) => c['type'] === type);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const podSpec = (extra: Obj = {}): Obj => ({ containers: [{ name: 'main', image: 'nginx:1.25' }], ...extra });

describe('workload simulator: replication controllers, volumes, readiness gates, revisions, budgets', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let sim: WorkloadSimulator | undefined;

  const { request, get, maybe, create } = spaceCalls(() => h);
  const list = async (path: string, selector?: string): Promise<Obj[]> =>
    (await get(selector ? `${path}?labelSelector=${encodeURIComponent(selector)}` : path))['items'] as Obj[];

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    sim = await startOwnSimulator(h, SPACE, { readyDelayMs: 50, jobDurationMs: 200, secondMs: 10, leaseRenewMs: 300, retryMs: 100 });
  });
  after(async () => {
    sim?.stop();
    await h?.stop();
  });

  it('reconciles a ReplicationController like a ReplicaSet', async () => {
    await create(`${CORE}/replicationcontrollers`, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'rc' },
      spec: { replicas: 2, template: { metadata: { labels: { app: 'rc' } }, spec: podSpec() } },
    });
    const rc = await eventually('rc ready', async () => {
      const cur = await get(`${CORE}/replicationcontrollers/rc`);
      return cur['status']['readyReplicas'] === 2 && cur['status']['availableReplicas'] === 2 && cur;
    });
    assert.deepEqual(rc['spec']['selector'], { app: 'rc' });
    const s = rc['status'];
    assert.deepEqual([s['replicas'], s['fullyLabeledReplicas'], s['observedGeneration']], [2, 2, rc['metadata']['generation']]);
    const pods = await list(`${CORE}/pods`, 'app=rc');
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.match(p['metadata']['name'], /^rc-[a-z0-9]{5}$/);
      assert.deepEqual(p['metadata']['ownerReferences'][0], { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: rc['metadata']['uid'], controller: true, blockOwnerDeletion: true });
    }
    const scaled = await request('PATCH', `${CORE}/replicationcontrollers/rc/scale`, { spec: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(scaled.status, 200, JSON.stringify(scaled.body));
    await eventually('scaled down', async () => (await get(`${CORE}/replicationcontrollers/rc`))['status']['replicas'] === 1);
  });

  it('binds volumes as the PV controller and kind\'s local-path provisioner do', async () => {
    // kind's default class, which the simulator installed when the cluster was created.
    const sc = await get(`${ROOT}/apis/storage.k8s.io/v1/storageclasses/standard`);
    assert.deepEqual([sc['provisioner'], sc['volumeBindingMode'], sc['reclaimPolicy']], ['rancher.io/local-path', 'WaitForFirstConsumer', 'Delete']);
    // A static volume no one claims is Available.
    await create(PVS, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'static' },
      spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'standard', hostPath: { path: '/data/static' } },
    });
    await eventually('static Available', async () => (await get(`${PVS}/static`))['status']['phase'] === 'Available');
    const claim = (name: string, storage: string): Obj => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
    });
    await create(`${CORE}/persistentvolumeclaims`, claim('fits', '1Gi'));
    await create(`${CORE}/persistentvolumeclaims`, claim('big', '5Gi'));
    // Delayed binding: nothing happens until a pod using the claims is scheduled.
    await sleep(400);
    for (const name of ['fits', 'big']) {
      const c = await get(`${CORE}/persistentvolumeclaims/${name}`);
      assert.deepEqual([c['status']['phase'], c['spec']['volumeName']], ['Pending', undefined], name);
    }
    assert.equal((await get(`${PVS}/static`))['status']['phase'], 'Available');
    await create(`${CORE}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'consumer' },
      spec: podSpec({ volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'fits' } }, { name: 'b', persistentVolumeClaim: { claimName: 'big' } }] }),
    });
    const fits = await eventually('fits bound', async () => {
      const c = await get(`${CORE}/persistentvolumeclaims/fits`);
      return c['status']['phase'] === 'Bound' && c;
    });
    assert.equal(fits['spec']['volumeName'], 'static');
    assert.deepEqual([fits['status']['capacity'], fits['status']['accessModes']], [{ storage: '2Gi' }, ['ReadWriteOnce']]);
    assert.deepEqual(
      ['pv.kubernetes.io/bind-completed', 'pv.kubernetes.io/bound-by-controller'].map((a) => fits['metadata']['annotations'][a]),
      ['yes', 'yes'],
    );
    const staticPV = await eventually('static Bound', async () => {
      const v = await get(`${PVS}/static`);
      return v['status']['phase'] === 'Bound' && v;
    });
    assert.deepEqual([staticPV['spec']['claimRef']['name'], staticPV['spec']['claimRef']['uid']], ['fits', fits['metadata']['uid']]);
    assert.equal(staticPV['metadata']['annotations']['pv.kubernetes.io/bound-by-controller'], 'yes');

    const big = await eventually('big bound', async () => {
      const c = await get(`${CORE}/persistentvolumeclaims/big`);
      return c['status']['phase'] === 'Bound' && c;
    });
    const name = `pvc-${big['metadata']['uid']}`;
    assert.equal(big['spec']['volumeName'], name);
    assert.equal(big['metadata']['annotations']['volume.kubernetes.io/selected-node'], NODE);
    assert.equal(big['metadata']['annotations']['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    const provisioned = await eventually('provisioned Bound', async () => {
      const v = await maybe(`${PVS}/${name}`);
      return v?.['status']['phase'] === 'Bound' && v;
    });
    const spec = provisioned['spec'];
    assert.deepEqual([spec['capacity'], spec['accessModes'], spec['persistentVolumeReclaimPolicy'], spec['storageClassName'], spec['claimRef']['uid']], [{ storage: '5Gi' }, ['ReadWriteOnce'], 'Delete', 'standard', big['metadata']['uid']]);
    assert.equal(provisioned['metadata']['annotations']['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    assert.deepEqual(spec['nodeAffinity']['required']['nodeSelectorTerms'][0]['matchExpressions'][0]['values'], [NODE]);
    assert.match(spec['hostPath']['path'], /^\/var\/local-path-provisioner\/pvc-/);

    // Reclaiming: the provisioned (Delete) volume goes with its claim; the static (Retain) one is Released.
    await request('DELETE', `${CORE}/pods/consumer?gracePeriodSeconds=0`);
    assert.equal((await request('DELETE', `${CORE}/persistentvolumeclaims/big`)).status, 200);
    assert.equal((await request('DELETE', `${CORE}/persistentvolumeclaims/fits`)).status, 200);
    await eventually('provisioned volume deleted', async () => (await maybe(`${PVS}/${name}`)) === undefined);
    await eventually('static Released', async () => (await get(`${PVS}/static`))['status']['phase'] === 'Released');
  });

  it('binds a claim of an Immediate class at once', async () => {
    await create(`${ROOT}/apis/storage.k8s.io/v1/storageclasses`, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'now' },
      provisioner: 'example.com/disk',
      volumeBindingMode: 'Immediate',
      reclaimPolicy: 'Retain',
    });
    await create(`${CORE}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'quick' },
      spec: { storageClassName: 'now', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    const c = await eventually('quick bound', async () => {
      const cur = await get(`${CORE}/persistentvolumeclaims/quick`);
      return cur['status']['phase'] === 'Bound' && cur;
    });
    const pv = await get(`${PVS}/${c['spec']['volumeName']}`);
    assert.deepEqual([pv['spec']['persistentVolumeReclaimPolicy'], pv['spec']['nodeAffinity'], pv['metadata']['annotations']['pv.kubernetes.io/provisioned-by']], ['Retain', undefined, 'example.com/disk']);
  });

  it('holds a pod with a readiness gate unready until its condition is True', async () => {
    await create(`${CORE}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gated' },
      spec: { selector: { app: 'gated' }, ports: [{ port: 80 }] },
    });
    await create(`${CORE}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gated', labels: { app: 'gated' } },
      spec: podSpec({ readinessGates: [{ conditionType: 'example.com/ready' }] }),
    });
    const p = await eventually('running', async () => {
      const cur = await get(`${CORE}/pods/gated`);
      return cur['status']['phase'] === 'Running' && cur;
    });
    assert.deepEqual(
      [condition(p, 'Ready')?.['status'], condition(p, 'Ready')?.['reason'], condition(p, 'Ready')?.['message'], condition(p, 'ContainersReady')?.['status']],
      ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/ready" does not exist.', 'True'],
    );
    const ep = await eventually('not-ready endpoint', async () => (await maybe(`${CORE}/endpoints/gated`))?.['subsets']?.[0]);
    assert.deepEqual([ep['addresses'], ep['notReadyAddresses'].length], [undefined, 1]);
    const r = await request('PATCH', `${CORE}/pods/gated/status`, { status: { conditions: [{ type: 'example.com/ready', status: 'True' }] } }, STRATEGIC);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const ready = await eventually('ready', async () => {
      const cur = await get(`${CORE}/pods/gated`);
      return condition(cur, 'Ready')?.['status'] === 'True' && cur;
    });
    assert.equal(condition(ready, 'example.com/ready')?.['status'], 'True');
    await eventually('ready endpoint', async () => (await get(`${CORE}/endpoints/gated`))['subsets']?.[0]?.['addresses']?.length === 1);
  });

  it('keeps ControllerRevisions for StatefulSets and DaemonSets', async () => {
    const template = (image: string, app: string): Obj => ({ metadata: { labels: { app } }, spec: podSpec({ containers: [{ name: 'main', image }] }) });
    await create(`${APPS}/statefulsets`, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('postgres:16', 'db') },
    });
    const sts = await eventually('sts ready', async () => {
      const cur = await get(`${APPS}/statefulsets/db`);
      return cur['status']['readyReplicas'] === 1 && cur;
    });
    const [cr] = await eventually('sts revision', async () => {
      const all = await list(`${APPS}/controllerrevisions`, 'app=db');
      return all.length === 1 && all;
    });
    assert.equal(cr!['metadata']['name'], sts['status']['updateRevision']);
    assert.equal(sts['status']['currentRevision'], sts['status']['updateRevision']);
    assert.equal(`db-${cr!['metadata']['labels']['controller-revision-hash']}`, cr!['metadata']['name']);
    assert.deepEqual([cr!['revision'], cr!['metadata']['ownerReferences'][0]['uid'], cr!['metadata']['ownerReferences'][0]['controller']], [1, sts['metadata']['uid'], true]);
    assert.equal(cr!['data']['spec']['template']['$patch'], 'replace');
    assert.equal((await get(`${CORE}/pods/db-0`))['metadata']['labels']['controller-revision-hash'], cr!['metadata']['name']);
    const r = await request('PATCH', `${APPS}/statefulsets/db`, { spec: { template: { spec: { containers: [{ name: 'main', image: 'postgres:17' }] } } } }, STRATEGIC);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const revisions = await eventually('second revision', async () => {
      const all = await list(`${APPS}/controllerrevisions`, 'app=db');
      return all.length === 2 && all;
    });
    assert.deepEqual(revisions.map((x) => x['revision']).sort(), [1, 2]);

    await create(`${APPS}/daemonsets`, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template('busybox', 'agent') },
    });
    const [dsr] = await eventually('ds revision', async () => {
      const all = await list(`${APPS}/controllerrevisions`, 'app=agent');
      return all.length === 1 && all;
    });
    const hash = dsr!['metadata']['labels']['controller-revision-hash'];
    assert.equal(dsr!['metadata']['name'], `agent-${hash}`);
    const pods = await eventually('ds pod', async () => {
      const all = await list(`${CORE}/pods`, 'app=agent');
      return all.length === 1 && all;
    });
    assert.equal(pods[0]!['metadata']['labels']['controller-revision-hash'], hash);
  });

  it('computes PodDisruptionBudgets as the disruption controller does', async () => {
    await create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: podSpec() } },
    });
    await create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'min' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } });
    await create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'max' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'web' } } } });
    const summary = (b: Obj): unknown[] => {
      const s = b['status'];
      return [s['expectedPods'], s['currentHealthy'], s['desiredHealthy'], s['disruptionsAllowed'], s['observedGeneration'], condition(b, 'DisruptionAllowed')?.['reason']];
    };
    const min = await eventually('min computed', async () => {
      const b = await get(`${PDBS}/min`);
      return b['status']['currentHealthy'] === 3 && b;
    });
    assert.deepEqual(summary(min), [3, 3, 2, 1, min['metadata']['generation'], 'SufficientPods']);
    const max = await eventually('max computed', async () => {
      const b = await get(`${PDBS}/max`);
      return b['status']['currentHealthy'] === 3 && b;
    });
    // 50% of 3 rounds up to 2 unavailable: one must stay healthy.
    assert.deepEqual(summary(max), [3, 3, 1, 2, max['metadata']['generation'], 'SufficientPods']);
    const table = await request('GET', PDBS, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(table.body['rows'].map((row: Obj) => row['cells'][3]), [2, 1]);

    // Scaling to one pod leaves nothing to disrupt under minAvailable 2.
    await request('PATCH', `${APPS}/deployments/web/scale`, { spec: { replicas: 1 } }, { 'Content-Type': 'application/merge-patch+json' });
    const starved = await eventually('min starved', async () => {
      const b = await get(`${PDBS}/min`);
      return b['status']['expectedPods'] === 1 && b['status']['currentHealthy'] === 1 && b;
    });
    assert.deepEqual(summary(starved), [1, 1, 2, 0, starved['metadata']['generation'], 'InsufficientPods']);
    assert.equal(condition(starved, 'DisruptionAllowed')?.['status'], 'False');
  });

  it('goes quiet once converged', async () => {
    const versions = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const path of [`${CORE}/pods`, `${CORE}/persistentvolumeclaims`, PVS, `${CORE}/replicationcontrollers`, `${APPS}/controllerrevisions`, `${APPS}/statefulsets`, PDBS]) {
        for (const o of (await get(path))['items'] as Obj[]) out.push(`${String(o['metadata']['name'])}@${String(o['metadata']['resourceVersion'])}`);
      }
      return out.sort();
    };
    await sleep(500);
    const settled = await versions();
    await sleep(1000);
    assert.deepEqual(await versions(), settled);
  });
});
