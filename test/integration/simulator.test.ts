/**
 * The workload simulator in a served WEC space, driven the way kubectl drives a cluster: objects
 * created and patched over HTTPS, status read back through the API. When the server runs no
 * simulator in cluster1 the test starts one with shrunk times; otherwise it uses the server's,
 * whose defaults (200 ms to start a pod, 1 s per Job pod) fit the waits below as well.
 */
import assert from 'node:assert/strict';
import { SIMULATE_FAILURE_ANNOTATION } from '../../src/kubestellar/well-known.js';
import { WorkloadSimulator } from '../../src/simulator/index.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const SPACE = 'cluster1';
const CORE = `/clusters/${SPACE}/api/v1/namespaces/default`;
const APPS = `/clusters/${SPACE}/apis/apps/v1/namespaces/default`;
const BATCH = `/clusters/${SPACE}/apis/batch/v1/namespaces/default`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };

type Obj = Record<string, any>;

/** A loaded CI machine is slower than a laptop: give the simulated cluster 20 s. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> => poll(what, probe, Math.max(timeoutMs, 20_000));

const condition = (o: Obj, type: string): Obj | undefined => (o['status']?.['conditions'] ?? []).find((c: Obj) => c['type'] === type);

function deployment(name: string, replicas: number, annotations?: Record<string, string>, progressDeadlineSeconds = 600): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...(annotations && { annotations }) },
    spec: {
      replicas,
      progressDeadlineSeconds,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.25' }] } },
    },
  };
}

describe('workload simulator', function () {
  this.timeout(30_000);
  let h: InProcessServer;
  /** The simulator this test started, when the server runs none in the space. */
  let own: WorkloadSimulator | undefined;

  const ensureSimulator = async (): Promise<void> => {
    const space = h.server.spaces.get(SPACE);
    assert.ok(space, 'cluster1 is served');
    const sim = new WorkloadSimulator(space, { readyDelayMs: 100, jobDurationMs: 200, secondMs: 10 });
    try {
      await sim.start();
      own = sim;
    } catch (err) {
      // The server simulates its WECs itself.
      assert.match(String(err), /already runs/);
      own = undefined;
    }
  };

  before(async () => {
    h = await startInProcess();
    await ensureSimulator();
  });
  after(async () => {
    own?.stop();
    await h?.stop();
  });

  const get = async (path: string): Promise<Obj> => {
    const r = await h.request('GET', path);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as Obj;
  };
  const list = async (path: string, selector?: string): Promise<Obj[]> =>
    ((await get(selector ? `${path}?labelSelector=${encodeURIComponent(selector)}` : path))['items'] ?? []) as Obj[];
  const create = async (path: string, body: Obj): Promise<Obj> => {
    const r = await h.request('POST', path, { body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as Obj;
  };
  const patch = async (path: string, body: Obj, headers: Record<string, string>): Promise<Obj> => {
    const r = await h.request('PATCH', path, { body: JSON.stringify(body), headers });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as Obj;
  };
  const running = (pods: Obj[]): Obj[] => pods.filter((p) => p['status']?.['phase'] === 'Running' && condition(p, 'Ready')?.['status'] === 'True');

  it('runs a Deployment: a ReplicaSet, Running pods and kube-controller-manager status', async () => {
    const created = await create(`${APPS}/deployments`, deployment('web', 2));
    const d = await eventually('web available', async () => {
      const cur = await get(`${APPS}/deployments/web`);
      const s = cur['status'] ?? {};
      return s['readyReplicas'] === 2 && s['availableReplicas'] === 2 && condition(cur, 'Available')?.['status'] === 'True' && cur;
    });
    assert.equal(d['status']['observedGeneration'], created['metadata']['generation']);
    assert.equal(d['status']['replicas'], 2);
    assert.equal(d['status']['updatedReplicas'], 2);
    assert.equal(d['status']['unavailableReplicas'], undefined);
    assert.equal(condition(d, 'Available')?.['reason'], 'MinimumReplicasAvailable');
    const progressing = await eventually('NewReplicaSetAvailable', async () => {
      const c = condition(await get(`${APPS}/deployments/web`), 'Progressing');
      return c?.['reason'] === 'NewReplicaSetAvailable' && c;
    });
    assert.equal(progressing['status'], 'True');

    const sets = await list(`${APPS}/replicasets`, 'app=web');
    assert.equal(sets.length, 1);
    const rs = sets[0]!;
    const hash = rs['metadata']['labels']['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(rs['metadata']['name'], `web-${hash}`);
    assert.deepEqual(rs['metadata']['ownerReferences'], [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: created['metadata']['uid'], controller: true, blockOwnerDeletion: true },
    ]);
    assert.equal(rs['metadata']['annotations']['deployment.kubernetes.io/revision'], '1');
    assert.equal(rs['spec']['selector']['matchLabels']['pod-template-hash'], hash);
    assert.deepEqual(
      { replicas: rs['status']['replicas'], ready: rs['status']['readyReplicas'], available: rs['status']['availableReplicas'], labeled: rs['status']['fullyLabeledReplicas'] },
      { replicas: 2, ready: 2, available: 2, labeled: 2 },
    );

    const pods = await list(`${CORE}/pods`, 'app=web');
    assert.equal(running(pods).length, 2);
    for (const p of pods) {
      assert.match(p['metadata']['name'], new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      assert.equal(p['metadata']['ownerReferences'][0]['uid'], rs['metadata']['uid']);
      assert.equal(p['spec']['nodeName'], `${SPACE}-control-plane`);
      assert.match(p['status']['podIP'], /^10\.244\./);
      assert.ok(p['status']['hostIP']);
      assert.ok(p['status']['startTime']);
      for (const t of ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready']) assert.equal(condition(p, t)?.['status'], 'True', t);
      const cs = p['status']['containerStatuses'][0];
      assert.equal(cs['ready'], true);
      assert.equal(cs['started'], true);
      assert.ok(cs['state']['running']['startedAt']);
    }
  });

  it('scales a Deployment through the scale subresource', async () => {
    await patch(`${APPS}/deployments/web/scale`, { spec: { replicas: 3 } }, MERGE);
    await eventually('3 ready', async () => {
      const d = await get(`${APPS}/deployments/web`);
      return d['status']['readyReplicas'] === 3 && d['status']['availableReplicas'] === 3 && d['status']['observedGeneration'] === d['metadata']['generation'];
    });
    assert.equal(running(await list(`${CORE}/pods`, 'app=web')).length, 3);
  });

  it('rolls out a new image: a new ReplicaSet, the old one scaled to 0', async () => {
    await patch(`${APPS}/deployments/web`, { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } } }, STRATEGIC);
    const d = await eventually('rollout done', async () => {
      const cur = await get(`${APPS}/deployments/web`);
      const s = cur['status'];
      return s['updatedReplicas'] === 3 && s['replicas'] === 3 && s['availableReplicas'] === 3 && s['observedGeneration'] === cur['metadata']['generation'] && condition(cur, 'Progressing')?.['reason'] === 'NewReplicaSetAvailable' && cur;
    }, 8000);
    assert.equal(condition(d, 'Available')?.['status'], 'True');
    const sets = await list(`${APPS}/replicasets`, 'app=web');
    assert.equal(sets.length, 2);
    const fresh = sets.find((s) => s['spec']['template']['spec']['containers'][0]['image'] === 'nginx:1.27')!;
    const old = sets.find((s) => s !== fresh)!;
    assert.equal(fresh['spec']['replicas'], 3);
    assert.equal(fresh['metadata']['annotations']['deployment.kubernetes.io/revision'], '2');
    assert.equal(old['spec']['replicas'], 0);
    const pods = await eventually('only new pods', async () => {
      const all = await list(`${CORE}/pods`, 'app=web');
      return all.length === 3 && all;
    });
    for (const p of pods) assert.equal(p['spec']['containers'][0]['image'], 'nginx:1.27');
  });

  it('keeps a Deployment with the failure annotation unavailable until its progress deadline passes', async () => {
    await create(`${APPS}/deployments`, deployment('broken', 2, { [SIMULATE_FAILURE_ANNOTATION]: 'true' }, 1));
    const d = await eventually('deadline exceeded', async () => {
      const cur = await get(`${APPS}/deployments/broken`);
      return condition(cur, 'Progressing')?.['reason'] === 'ProgressDeadlineExceeded' && cur;
    }, 6000);
    assert.equal(condition(d, 'Progressing')?.['status'], 'False');
    assert.equal(condition(d, 'Available')?.['status'], 'False');
    assert.equal(condition(d, 'Available')?.['reason'], 'MinimumReplicasUnavailable');
    assert.equal(d['status']['readyReplicas'], undefined);
    assert.equal(d['status']['unavailableReplicas'], 2);
    // Started and stuck pulling, past the time a healthy pod would have turned ready.
    const pods = await eventually('pods stuck', async () => {
      const all = await list(`${CORE}/pods`, 'app=broken');
      return all.length === 2 && all.every((p) => p['status']['containerStatuses'] !== undefined) && all;
    });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(running(await list(`${CORE}/pods`, 'app=broken')).length, 0);
    for (const p of pods) {
      assert.equal(p['status']['phase'], 'Pending');
      assert.equal(condition(p, 'ContainersReady')?.['status'], 'False');
      assert.equal(p['status']['containerStatuses'][0]['state']['waiting']['reason'], 'ImagePullBackOff');
    }
  });

  it('fails a running Deployment while it carries the failure annotation', async () => {
    await create(`${APPS}/deployments`, deployment('flaky', 1));
    const available = async (want: string): Promise<boolean> => condition(await get(`${APPS}/deployments/flaky`), 'Available')?.['status'] === want;
    await eventually('flaky available', () => available('True'));
    await patch(`${APPS}/deployments/flaky`, { metadata: { annotations: { [SIMULATE_FAILURE_ANNOTATION]: 'true' } } }, MERGE);
    const crashing = await eventually('crash loop', async () => {
      const [p] = await list(`${CORE}/pods`, 'app=flaky');
      return p?.['status']['containerStatuses'][0]['state']['waiting']?.['reason'] === 'CrashLoopBackOff' && p;
    });
    assert.equal(crashing['status']['phase'], 'Running');
    assert.equal(condition(crashing, 'Ready')?.['status'], 'False');
    await eventually('flaky unavailable', () => available('False'));
    await patch(`${APPS}/deployments/flaky`, { metadata: { annotations: { [SIMULATE_FAILURE_ANNOTATION]: null } } }, MERGE);
    await eventually('flaky available again', () => available('True'));
    const [p] = await list(`${CORE}/pods`, 'app=flaky');
    assert.equal(p!['status']['containerStatuses'][0]['restartCount'], 1);
  });

  it('runs a Job to completion, and fails one with the failure annotation', async () => {
    const job = (name: string, annotations?: Record<string, string>): Obj => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, ...(annotations && { annotations }) },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
    });
    await create(`${BATCH}/jobs`, job('pi'));
    await create(`${BATCH}/jobs`, job('doomed', { [SIMULATE_FAILURE_ANNOTATION]: 'true' }));
    const done = await eventually('job complete', async () => {
      const cur = await get(`${BATCH}/jobs/pi`);
      return condition(cur, 'Complete')?.['status'] === 'True' && cur;
    });
    assert.equal(done['status']['succeeded'], 1);
    assert.equal(condition(done, 'SuccessCriteriaMet')?.['status'], 'True');
    assert.equal(condition(done, 'Complete')?.['reason'], 'CompletionsReached');
    assert.ok(done['status']['completionTime']);
    assert.ok(done['status']['startTime']);
    const pods = await list(`${CORE}/pods`, 'batch.kubernetes.io/job-name=pi');
    assert.equal(pods.length, 1);
    assert.equal(pods[0]!['status']['phase'], 'Succeeded');

    const failed = await eventually('job failed', async () => {
      const cur = await get(`${BATCH}/jobs/doomed`);
      return condition(cur, 'Failed')?.['status'] === 'True' && cur;
    }, 6000);
    assert.equal(condition(failed, 'Failed')?.['reason'], 'BackoffLimitExceeded');
    assert.equal(failed['status']['failed'], 2);
    assert.equal(failed['status']['completionTime'], undefined);
  });

  it('binds a PersistentVolumeClaim', async () => {
    await create(`${CORE}/persistentvolumeclaims`, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    // kind's default class, standard, binds once a pod using the claim is scheduled (WaitForFirstConsumer).
    await create(`${CORE}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'data-user' },
      spec: { containers: [{ name: 'main', image: 'nginx:1.25' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
    });
    const pvc = await eventually('bound', async () => {
      const cur = await get(`${CORE}/persistentvolumeclaims/data`);
      return cur['status']['phase'] === 'Bound' && cur;
    });
    assert.deepEqual(pvc['status']['capacity'], { storage: '1Gi' });
    assert.deepEqual(pvc['status']['accessModes'], ['ReadWriteOnce']);
    assert.equal(pvc['spec']['volumeName'], `pvc-${pvc['metadata']['uid']}`);
  });

  it('runs a StatefulSet pod by pod, with claims from its templates', async () => {
    await create(`${APPS}/statefulsets`, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
        volumeClaimTemplates: [{ metadata: { name: 'pgdata' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    const sts = await eventually('sts ready', async () => {
      const cur = await get(`${APPS}/statefulsets/db`);
      const st = cur['status'];
      return st['readyReplicas'] === 2 && st['availableReplicas'] === 2 && st['currentReplicas'] === 2 && st['updatedReplicas'] === 2 && cur;
    });
    const s = sts['status'];
    assert.deepEqual([s['replicas'], s['currentReplicas'], s['updatedReplicas'], s['observedGeneration']], [2, 2, 2, sts['metadata']['generation']]);
    assert.equal(s['currentRevision'], s['updateRevision']);
    assert.match(s['updateRevision'], /^db-/);
    const pods = await list(`${CORE}/pods`, 'app=db');
    assert.deepEqual(pods.map((p) => p['metadata']['name']).sort(), ['db-0', 'db-1']);
    for (const p of pods) assert.equal(p['metadata']['labels']['controller-revision-hash'], s['updateRevision']);
    const claims = await eventually('claims bound', async () => {
      const all = await list(`${CORE}/persistentvolumeclaims`, 'app=db');
      return all.length === 2 && all.every((c) => c['status']['phase'] === 'Bound') && all;
    });
    assert.deepEqual(claims.map((c) => c['metadata']['name']).sort(), ['pgdata-db-0', 'pgdata-db-1']);
  });

  it('runs a DaemonSet on the one node, a bare Pod, and gives a LoadBalancer Service an address', async () => {
    await create(`${APPS}/daemonsets`, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } },
    });
    await create(`${CORE}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const svc = await create(`${CORE}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'lb' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    assert.match(svc['spec']['clusterIP'], /^10\.(9[6-9]|1[01]\d)\./);
    const ds = await eventually('ds ready', async () => {
      const cur = await get(`${APPS}/daemonsets/agent`);
      return cur['status']['numberReady'] === 1 && cur;
    });
    const s = ds['status'];
    assert.deepEqual(
      [s['desiredNumberScheduled'], s['currentNumberScheduled'], s['numberAvailable'], s['updatedNumberScheduled'], s['numberMisscheduled'], s['observedGeneration']],
      [1, 1, 1, 1, 0, 1],
    );
    await eventually('bare pod running', async () => running([await get(`${CORE}/pods/bare`)]).length === 1);
    const lb = await eventually('lb address', async () => {
      const cur = await get(`${CORE}/services/lb`);
      return cur['status']?.['loadBalancer']?.['ingress']?.[0]?.['ip'] && cur;
    });
    assert.match(lb['status']['loadBalancer']['ingress'][0]['ip'], /^172\.18\.255\./);
  });

  it('leaves the ReplicaSets and pods of a deleted Deployment to the garbage collector', async () => {
    await create(`${APPS}/deployments`, deployment('temp', 2));
    await eventually('temp ready', async () => running(await list(`${CORE}/pods`, 'app=temp')).length === 2);
    const r = await h.request('DELETE', `${APPS}/deployments/temp`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await eventually('temp gone', async () => (await list(`${APPS}/replicasets`, 'app=temp')).length === 0 && (await list(`${CORE}/pods`, 'app=temp')).length === 0);
  });

  it('converges after a server restart without duplicating pods', async () => {
    const before = (await list(`${CORE}/pods`)).map((p) => p['metadata']['name']).sort();
    own?.stop();
    await h.restart();
    await ensureSimulator();
    // Whichever simulator runs now, a second one in the same space is refused.
    await assert.rejects(new WorkloadSimulator(h.server.spaces.get(SPACE)!).start(), /already runs/);
    await new Promise((r) => setTimeout(r, 1000));
    const after = (await list(`${CORE}/pods`)).map((p) => p['metadata']['name']).sort();
    assert.deepEqual(after, before);
    const sets = await list(`${APPS}/replicasets`, 'app=web');
    const podsOf = (rs: Obj, pods: Obj[]) => pods.filter((p) => p['metadata']['ownerReferences']?.[0]?.['uid'] === rs['metadata']['uid']);
    const webPods = await list(`${CORE}/pods`, 'app=web');
    for (const rs of sets) assert.equal(podsOf(rs, webPods).length, rs['spec']['replicas']);
    const d = await get(`${APPS}/deployments/web`);
    assert.equal(d['status']['availableReplicas'], 3);
    // A scale after the restart is still acted on.
    await patch(`${APPS}/deployments/web/scale`, { spec: { replicas: 1 } }, MERGE);
    await eventually('scaled to 1', async () => (await list(`${CORE}/pods`, 'app=web')).length === 1 && (await get(`${APPS}/deployments/web`))['status']['replicas'] === 1);
  });

  it('goes quiet once everything has converged', async () => {
    const versions = async (): Promise<string[]> => {
      const out: string[] = [];
      for (const path of [`${CORE}/pods`, `${CORE}/services`, `${CORE}/persistentvolumeclaims`, `${APPS}/deployments`, `${APPS}/replicasets`, `${APPS}/statefulsets`, `${APPS}/daemonsets`, `${BATCH}/jobs`]) {
        for (const o of await list(path)) out.push(`${String(o['metadata']['name'])}@${String(o['metadata']['resourceVersion'])}`);
      }
      return out.sort();
    };
    await new Promise((r) => setTimeout(r, 500));
    const settled = await versions();
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(await versions(), settled);
  });
});
