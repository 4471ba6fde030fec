/**
 * What a kind cluster does that the simulator's later controllers reproduce: change-causes on
 * the current ReplicaSet and on StatefulSet revisions, ReplicaFailure when pods are refused,
 * Indexed Jobs, kind's default StorageClass, CronJobs (on a clock run ahead so a `* * * * *`
 * schedule comes round at once) and the HPA without metrics-server, on a Deployment and on a
 * custom resource with a scale subresource.
 */
import assert from 'node:assert/strict';
import { WorkloadSimulator } from '../../src/simulator/index.js';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';
import { spaceCalls, startOwnSimulator } from '../helpers/own-simulator.js';
import { WIDGET_CRD } from '../helpers/scalable-crd.js';

const SPACE = 'workloads1';
const CORE = `/clusters/${SPACE}/api/v1/namespaces/default`;
const APPS = `/clusters/${SPACE}/apis/apps/v1/namespaces/default`;
const BATCH = `/clusters/${SPACE}/apis/batch/v1/namespaces/default`;
const HPA = `/clusters/${SPACE}/apis/autoscaling/v2/namespaces/default`;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

type Obj = Record<string, any>;

/** The CronJob controller's clock runs `offset` ms ahead of the real one. */
let offset = 0;

describe('workload simulator: later controllers', function () {
  this.timeout(90_000);
  let h: InProcessServer;
  let sim: WorkloadSimulator | undefined;
  const calls = spaceCalls(() => h);

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    sim = await startOwnSimulator(h, SPACE, {
      readyDelayMs: 50,
      jobDurationMs: 100,
      secondMs: 10,
      retryMs: 50,
      hpaSyncMs: 300,
      cronClock: () => Date.now() + offset,
    });
  });
  after(async () => {
    sim?.stop();
    await h?.stop();
  });

  const items = async (path: string): Promise<Obj[]> => ((await calls.get(path))['items'] ?? []) as Obj[];
  const patch = async (path: string, body: Obj): Promise<Obj> => {
    const r = await calls.request('PATCH', path, body, MERGE);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const events = async (kind: string, name: string): Promise<Obj[]> =>
    (await items(`${CORE}/events`)).filter((e) => e['involvedObject']['kind'] === kind && e['involvedObject']['name'] === name);
  const eventWith = (kind: string, name: string, reason: string, message: string): Promise<Obj> =>
    eventually(`${kind} ${name} event ${reason}: ${message}`, async () => (await events(kind, name)).find((e) => e['reason'] === reason && e['message'] === message));
  const condition = (o: Obj, type: string): Obj | undefined => ((o['status']?.['conditions'] ?? []) as Obj[]).find((c) => c['type'] === type);
  const template = (labels: Obj, image = 'nginx:1.25', extra: Obj = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'main', image }], ...extra } });

  it('installs kind\'s default StorageClass when the cluster is created', async () => {
    const sc = await calls.get(`/clusters/${SPACE}/apis/storage.k8s.io/v1/storageclasses/standard`);
    assert.equal(sc['provisioner'], 'rancher.io/local-path');
    assert.equal(sc['reclaimPolicy'], 'Delete');
    assert.equal(sc['volumeBindingMode'], 'WaitForFirstConsumer');
    assert.equal(sc['metadata']['annotations']['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.match(sc['metadata']['annotations']['kubectl.kubernetes.io/last-applied-configuration'], /"provisioner":"rancher.io\/local-path"/);
  });

  it('copies a Deployment\'s change-cause onto its current ReplicaSet whenever it changes', async () => {
    await calls.create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'cc', annotations: { 'kubernetes.io/change-cause': 'first' } },
      spec: { replicas: 1, selector: { matchLabels: { app: 'cc' } }, template: template({ app: 'cc' }) },
    });
    const first = await eventually('first set', async () => (await items(`${APPS}/replicasets`)).find((r) => r['metadata']['ownerReferences']?.[0]?.['name'] === 'cc'));
    assert.equal(first['metadata']['annotations']['kubernetes.io/change-cause'], 'first');
    await patch(`${APPS}/deployments/cc`, { metadata: { annotations: { 'kubernetes.io/change-cause': 'annotated', team: 'a' } } });
    await eventually('annotation follows', async () => {
      const rs = await calls.get(`${APPS}/replicasets/${String(first['metadata']['name'])}`);
      return rs['metadata']['annotations']['kubernetes.io/change-cause'] === 'annotated' && rs['metadata']['annotations']['team'] === 'a';
    });
    await patch(`${APPS}/deployments/cc`, {
      metadata: { annotations: { 'kubernetes.io/change-cause': 'image 1.26' } },
      spec: { template: template({ app: 'cc' }, 'nginx:1.26') },
    });
    const second = await eventually('second set', async () =>
      (await items(`${APPS}/replicasets`)).find((r) => r['metadata']['ownerReferences']?.[0]?.['name'] === 'cc' && r['metadata']['name'] !== first['metadata']['name']),
    );
    assert.equal(second['metadata']['annotations']['kubernetes.io/change-cause'], 'image 1.26');
    assert.equal(second['metadata']['annotations']['deployment.kubernetes.io/revision'], '2');
    const old = await calls.get(`${APPS}/replicasets/${String(first['metadata']['name'])}`);
    assert.equal(old['metadata']['annotations']['kubernetes.io/change-cause'], 'annotated');
  });

  it('puts a StatefulSet\'s annotations on its new ControllerRevision', async () => {
    await calls.create(`${APPS}/statefulsets`, {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template({ app: 'db' }) },
    });
    await eventually('first revision', async () => (await items(`${APPS}/controllerrevisions`)).some((r) => r['metadata']['ownerReferences']?.[0]?.['name'] === 'db'));
    await patch(`${APPS}/statefulsets/db`, { metadata: { annotations: { 'kubernetes.io/change-cause': 'kubectl set image sts/db main=nginx:1.26' } } });
    await patch(`${APPS}/statefulsets/db`, { spec: { template: template({ app: 'db' }, 'nginx:1.26') } });
    const rev = await eventually('second revision', async () =>
      (await items(`${APPS}/controllerrevisions`)).find((r) => r['metadata']['ownerReferences']?.[0]?.['name'] === 'db' && r['revision'] === 2),
    );
    assert.equal(rev['metadata']['annotations']['kubernetes.io/change-cause'], 'kubectl set image sts/db main=nginx:1.26');
  });

  it('reports pods the server refuses as ReplicaFailure on the ReplicaSet and its Deployment, until they are created', async () => {
    await calls.create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'rf' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'rf' } }, template: template({ app: 'rf' }, 'nginx:1.25', { serviceAccountName: 'builder' }) },
    });
    const rs = await eventually('failing set', async () => {
      const found = (await items(`${APPS}/replicasets`)).find((r) => r['metadata']['ownerReferences']?.[0]?.['name'] === 'rf');
      return found && condition(found, 'ReplicaFailure') ? found : undefined;
    });
    const failure = condition(rs, 'ReplicaFailure')!;
    assert.equal(failure['status'], 'True');
    assert.equal(failure['reason'], 'FailedCreate');
    assert.match(failure['message'], /^pods ".*" is forbidden: error looking up service account default\/builder: serviceaccount "builder" not found$/);
    const rsName = String(rs['metadata']['name']);
    const ev = await eventually('FailedCreate', async () => (await events('ReplicaSet', rsName)).find((e) => e['reason'] === 'FailedCreate'));
    assert.equal(ev['type'], 'Warning');
    assert.equal(ev['message'], `Error creating: ${String(failure['message'])}`);
    assert.equal(ev['source']['component'], 'replicaset-controller');
    const mirrored = await eventually('deployment mirrors it', async () => condition(await calls.get(`${APPS}/deployments/rf`), 'ReplicaFailure'));
    assert.deepEqual([mirrored['status'], mirrored['reason'], mirrored['message']], ['True', 'FailedCreate', failure['message']]);

    await calls.create(`${CORE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
    await eventually('failure cleared', async () => condition(await calls.get(`${APPS}/replicasets/${rsName}`), 'ReplicaFailure') === undefined, 40_000);
    await eventually('deployment cleared', async () => condition(await calls.get(`${APPS}/deployments/rf`), 'ReplicaFailure') === undefined, 10_000);
  });

  it('reports a quota refusal the same way', async () => {
    await calls.create(`/clusters/${SPACE}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'quota' } });
    const NS = `/clusters/${SPACE}/apis/apps/v1/namespaces/quota`;
    await eventually('namespace usable', async () =>
      (await calls.request('POST', `/clusters/${SPACE}/api/v1/namespaces/quota/resourcequotas`, { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'qc' }, spec: { hard: { cpu: '1', memory: '1Gi' } } })).status === 201,
    );
    await calls.create(`${NS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'qd' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'qd' } }, template: { metadata: { labels: { app: 'qd' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    });
    const mirrored = await eventually('deployment ReplicaFailure', async () => condition(await calls.get(`${NS}/deployments/qd`), 'ReplicaFailure'));
    assert.equal(mirrored['reason'], 'FailedCreate');
    assert.match(mirrored['message'], /^pods "qd-[0-9a-f]+-[a-z0-9]{5}" is forbidden: failed quota: qc: must specify cpu for: nginx; memory for: nginx$/);
  });

  it('runs an Indexed Job: one pod per index, named, labelled and addressed by it', async () => {
    await calls.create(`${BATCH}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'ix' },
      spec: { completions: 3, parallelism: 2, completionMode: 'Indexed', template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'busybox' }] } } },
    });
    const job = await eventually('complete', async () => {
      const j = await calls.get(`${BATCH}/jobs/ix`);
      return condition(j, 'Complete')?.['status'] === 'True' ? j : undefined;
    });
    assert.equal(job['status']['completedIndexes'], '0-2');
    assert.equal(job['status']['succeeded'], 3);
    const pods = (await items(`${CORE}/pods`)).filter((p) => p['metadata']['ownerReferences']?.[0]?.['name'] === 'ix');
    assert.equal(pods.length, 3);
    for (const p of pods) {
      const index = String(p['metadata']['annotations']['batch.kubernetes.io/job-completion-index']);
      assert.match(p['metadata']['name'], new RegExp(`^ix-${index}-[a-z0-9]{5}$`));
      assert.equal(p['metadata']['labels']['batch.kubernetes.io/job-completion-index'], index);
      assert.equal(p['spec']['hostname'], `ix-${index}`);
      assert.equal(p['spec']['subdomain'], undefined);
      const env = (p['spec']['containers'][0]['env'] as Obj[]).find((e) => e['name'] === 'JOB_COMPLETION_INDEX');
      assert.equal(env?.['valueFrom']?.['fieldRef']?.['fieldPath'], "metadata.labels['batch.kubernetes.io/job-completion-index']");
    }
    assert.deepEqual(pods.map((p) => p['metadata']['labels']['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2']);
  });

  it('runs a CronJob: Jobs on schedule, the status and history kept, Events as the cronjob-controller', async () => {
    // Not near a minute's edge, so the CronJob is created in the minute `now` is in.
    while (Date.now() % 60_000 > 57_000 || Date.now() % 60_000 < 1000) await new Promise((r) => setTimeout(r, 200));
    const now = Date.now();
    // The controller's clock a second short of the minute after next: the creation's next minute is due.
    offset = Math.ceil(now / 60_000) * 60_000 + 60_000 - 1500 - now;
    const cj = await calls.create(`${BATCH}/cronjobs`, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'tick' },
      spec: {
        schedule: '* * * * *',
        successfulJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { labels: { team: 'a' }, annotations: { note: 'n' } },
          spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
        },
      },
    });
    const createdMs = Date.parse(String(cj['metadata']['creationTimestamp']));
    const firstMs = Math.floor(createdMs / 60_000) * 60_000 + 60_000;
    const first = `tick-${firstMs / 60_000}`;
    const job = await eventually('first job', async () => calls.maybe(`${BATCH}/jobs/${first}`));
    assert.equal(job['metadata']['labels']['team'], 'a');
    assert.equal(job['metadata']['annotations']['note'], 'n');
    assert.equal(job['metadata']['annotations']['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(firstMs).toISOString().replace('.000Z', 'Z'));
    assert.deepEqual(job['metadata']['ownerReferences'], [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'tick', uid: cj['metadata']['uid'], controller: true, blockOwnerDeletion: true }]);
    await eventWith('CronJob', 'tick', 'SuccessfulCreate', `Created job ${first}`);
    await eventWith('CronJob', 'tick', 'SawCompletedJob', `Saw completed job: ${first}, condition: Complete`);
    const second = `tick-${firstMs / 60_000 + 1}`;
    await eventWith('CronJob', 'tick', 'SuccessfulCreate', `Created job ${second}`);
    await eventWith('CronJob', 'tick', 'SawCompletedJob', `Saw completed job: ${second}, condition: Complete`);
    // successfulJobsHistoryLimit 1: the older one goes.
    await eventWith('CronJob', 'tick', 'SuccessfulDelete', `Deleted job ${first}`);
    await eventually('first job gone', async () => (await calls.maybe(`${BATCH}/jobs/${first}`)) === undefined);
    const status = (await calls.get(`${BATCH}/cronjobs/tick`))['status'] as Obj;
    assert.equal(status['lastScheduleTime'], new Date(firstMs + 60_000).toISOString().replace('.000Z', 'Z'));
    assert.ok(status['lastSuccessfulTime']);
    assert.equal(status['active'], undefined);
    await patch(`${BATCH}/cronjobs/tick`, { spec: { suspend: true } });
  });

  it('autoscales without metrics-server as kind does: up to minReplicas, then no metrics', async () => {
    await calls.create(`${APPS}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'scaled' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'scaled' } }, template: template({ app: 'scaled' }) },
    });
    await calls.create(`${HPA}/horizontalpodautoscalers`, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'scaled' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled' },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      },
    });
    await eventWith('HorizontalPodAutoscaler', 'scaled', 'SuccessfulRescale', 'New size: 2; reason: Current number of replicas below Spec.MinReplicas');
    const d = await calls.get(`${APPS}/deployments/scaled`);
    assert.equal(d['spec']['replicas'], 2);
    const scaler = (d['metadata']['managedFields'] as Obj[]).find((f) => f['subresource'] === 'scale');
    assert.equal(scaler?.['manager'], 'kube-controller-manager');
    const metricError =
      'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
    const hpa = await eventually('ScalingActive False', async () => {
      const o = await calls.get(`${HPA}/horizontalpodautoscalers/scaled`);
      return condition(o, 'ScalingActive') ? o : undefined;
    });
    const able = condition(hpa, 'AbleToScale')!;
    assert.deepEqual([able['status'], able['reason'], able['message']], ['True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale"]);
    const active = condition(hpa, 'ScalingActive')!;
    assert.deepEqual([active['status'], active['reason'], active['message']], ['False', 'FailedGetResourceMetric', `the HPA was unable to compute the replica count: ${metricError}`]);
    assert.equal(hpa['status']['currentReplicas'], 2);
    assert.equal(hpa['status']['desiredReplicas'], 2);
    assert.ok(hpa['status']['lastScaleTime']);
    const failed = await eventWith('HorizontalPodAutoscaler', 'scaled', 'FailedGetResourceMetric', metricError);
    assert.equal(failed['type'], 'Warning');
    assert.equal(failed['source']['component'], 'horizontal-pod-autoscaler');
    await eventWith('HorizontalPodAutoscaler', 'scaled', 'FailedComputeMetricsReplicas', `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${metricError}`);
    // Repeated every sync, counted on the same Event.
    await eventually('counted', async () => ((await events('HorizontalPodAutoscaler', 'scaled')).find((e) => e['reason'] === 'FailedGetResourceMetric')?.['count'] ?? 0) >= 2);
  });

  it('autoscales a custom resource through its scale subresource, as any kind discovery knows', async () => {
    const WIDGETS = `/clusters/${SPACE}/apis/example.com/v1/namespaces/default/widgets`;
    await calls.create(`/clusters/${SPACE}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, WIDGET_CRD);
    await eventually('widgets served', async () => (await calls.request('GET', WIDGETS)).status === 200);
    const widget = (name: string, replicas: number) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { replicas } });
    const autoscale = (name: string) =>
      calls.create(`${HPA}/horizontalpodautoscalers`, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name },
        spec: {
          scaleTargetRef: { apiVersion: 'example.com/v1', kind: 'Widget', name },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        },
      });
    const hpaWhen = (name: string, type: string, reason: string) =>
      eventually(`${name} ${type} ${reason}`, async () => {
        const o = await calls.get(`${HPA}/horizontalpodautoscalers/${name}`);
        return condition(o, type)?.['reason'] === reason ? o : undefined;
      });

    // Above maxReplicas: scaled down through the scale subresource's spec path.
    await calls.create(WIDGETS, widget('big', 5));
    await autoscale('big');
    await eventually('widget scaled', async () => (await calls.get(`${WIDGETS}/big`))['spec']['replicas'] === 3);
    const big = await calls.get(`${WIDGETS}/big`);
    assert.equal((big['metadata']['managedFields'] as Obj[]).find((f) => f['subresource'] === 'scale')?.['manager'], 'kube-controller-manager');
    assert.ok((await events('HorizontalPodAutoscaler', 'big')).some((e) => e['reason'] === 'SuccessfulRescale'));

    // Within bounds, but its status has no selector: the scale is read, the metrics cannot be.
    await calls.create(WIDGETS, widget('ssa', 2));
    await autoscale('ssa');
    const noSelector = await hpaWhen('ssa', 'ScalingActive', 'InvalidSelector');
    assert.deepEqual([condition(noSelector, 'AbleToScale')!['status'], condition(noSelector, 'AbleToScale')!['reason']], ['True', 'SucceededGetScale']);
    assert.equal(condition(noSelector, 'ScalingActive')!['status'], 'False');
    assert.equal(noSelector['status']['currentReplicas'], 2);
    await eventually('SelectorRequired', async () => (await events('HorizontalPodAutoscaler', 'ssa')).some((e) => e['reason'] === 'SelectorRequired' && e['type'] === 'Warning'));

    // With a selector in its status, on to the metrics, which fail as for a Deployment.
    const withSelector = await calls.request('PATCH', `${WIDGETS}/ssa/status`, { status: { replicas: 2, selector: 'app=ssa' } }, MERGE);
    assert.equal(withSelector.status, 200, JSON.stringify(withSelector.body));
    await hpaWhen('ssa', 'ScalingActive', 'FailedGetResourceMetric');

    // A kind the server does not serve, and a served kind without a scale subresource.
    for (const [name, apiVersion, kind] of [
      ['nothing', 'example.com/v1', 'Gadget'],
      ['unscalable', 'v1', 'ConfigMap'],
    ]) {
      await calls.create(`${HPA}/horizontalpodautoscalers`, {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name },
        spec: { scaleTargetRef: { apiVersion, kind, name: 'x' }, maxReplicas: 3 },
      });
    }
    for (const name of ['nothing', 'unscalable']) assert.equal(condition(await hpaWhen(name, 'AbleToScale', 'FailedGetScale'), 'AbleToScale')!['status'], 'False');
  });

  it('installs the default StorageClass once: deleted, it stays gone across a restart', async () => {
    const SC = `/clusters/${SPACE}/apis/storage.k8s.io/v1/storageclasses/standard`;
    assert.equal((await calls.request('DELETE', SC)).status, 200);
    sim?.stop();
    sim = new WorkloadSimulator(h.server.spaces.get(SPACE)!, { readyDelayMs: 50, retryMs: 50 });
    await sim.start();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await calls.maybe(SC), undefined);
  });
});
