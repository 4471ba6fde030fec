import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject } from '../../../src/api/object.js';
import {
  containerEvents,
  EventCorrelator,
  eventKey,
  eventName,
  jobEvents,
  killingEvents,
  kubeletSource,
  legacyEvent,
  objectReference,
  scalingEvent,
  schedulerEvent,
  scheduledEvent,
  SOURCES,
  statefulClaimEvent,
  statefulPodEvent,
  type EventInput,
} from '../../../src/simulator/model/events.js';
import { EventRecorder, type EventSink } from '../../../src/simulator/shell/recorder.js';
import { at, deployment, pod, T0 } from './fixtures.js';

type Obj = Record<string, any>;

const NANOS = BigInt(T0) * 1_000_000n + 123_456n;
const scaledUp: EventInput = { type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set web-abc from 0 to 3' };
const d = (): KubeObject => ({ ...deployment(), metadata: { ...deployment().metadata, resourceVersion: '42' } });

describe('simulator events: the Event objects', () => {
  it('names an Event after its object and the time in hexadecimal nanoseconds, as client-go does', () => {
    assert.equal(eventName('web', 1735689600000000000n), 'web.1816687ec0570000');
    assert.match(eventName('web', NANOS), /^web\.[0-9a-f]{16}$/);
  });

  it('refers to the object as reference.GetReference does, with a field path for a container', () => {
    assert.deepEqual(objectReference(d()), { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd-uid', apiVersion: 'apps/v1', resourceVersion: '42' });
    assert.deepEqual(objectReference(pod('p', 'ready'), 'spec.containers{main}'), {
      kind: 'Pod',
      namespace: 'default',
      name: 'p',
      uid: 'p-uid',
      apiVersion: 'v1',
      fieldPath: 'spec.containers{main}',
    });
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-uid' } };
    assert.deepEqual(objectReference(node), { kind: 'Node', name: 'n1', uid: 'n-uid', apiVersion: 'v1' });
  });

  it("builds what the legacy recorder's makeEvent builds", () => {
    assert.deepEqual(legacyEvent(objectReference(d()), SOURCES.deployment, scaledUp, T0 + 1500, NANOS), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName('web', NANOS), namespace: 'default' },
      involvedObject: { kind: 'Deployment', namespace: 'default', name: 'web', uid: 'd-uid', apiVersion: 'apps/v1', resourceVersion: '42' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-abc from 0 to 3',
      source: { component: 'deployment-controller' },
      firstTimestamp: at(1000),
      lastTimestamp: at(1000),
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'deployment-controller',
      reportingInstance: '',
    });
    const kubelet = legacyEvent(objectReference(pod('p', 'ready'), 'spec.containers{main}'), kubeletSource('n1'), { type: 'Normal', reason: 'Started', message: 'Started container main' }, T0, NANOS);
    assert.deepEqual(kubelet['source'], { component: 'kubelet', host: 'n1' });
    assert.equal(kubelet['reportingInstance'], 'n1');
    // A cluster-scoped object's Events go to default.
    const node: KubeObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n-uid' } };
    assert.equal(legacyEvent(objectReference(node), kubeletSource('n1'), scaledUp, T0, NANOS).metadata.namespace, 'default');
  });

  it("builds the scheduler's Event in the events.k8s.io style: eventTime, action, reporting fields, no source or count", () => {
    const ev = schedulerEvent(objectReference(pod('p', 'pending')), 'n1', scheduledEvent('default', 'p', 'n1'), T0, NANOS);
    assert.equal(ev['message'], 'Successfully assigned default/p to n1');
    assert.equal(ev['reason'], 'Scheduled');
    assert.equal(ev['eventTime'], '2025-01-01T00:00:00.000123Z');
    assert.equal(ev['action'], 'Binding');
    assert.equal(ev['reportingComponent'], 'default-scheduler');
    assert.equal(ev['reportingInstance'], 'default-scheduler-n1');
    assert.deepEqual(ev['source'], {});
    assert.equal(ev['count'], undefined);
    assert.equal(ev['firstTimestamp'], null);
  });

  it('keys Events by everything but times, counts and names', () => {
    const a = legacyEvent(objectReference(d()), SOURCES.deployment, scaledUp, T0, NANOS);
    const b = legacyEvent(objectReference({ ...d(), metadata: { ...d().metadata, resourceVersion: '99' } }), SOURCES.deployment, scaledUp, T0 + 60_000, NANOS + 1n);
    assert.equal(eventKey(a), eventKey(b));
    const other = legacyEvent(objectReference(d()), SOURCES.deployment, { ...scaledUp, message: 'Scaled down replica set web-abc from 3 to 1' }, T0, NANOS);
    assert.notEqual(eventKey(a), eventKey(other));
  });
});

describe('simulator events: the correlator', () => {
  const ev = (message: string, ms = T0, nanos = NANOS): KubeObject => legacyEvent(objectReference(d()), SOURCES.deployment, { ...scaledUp, message }, ms, nanos);

  it('creates an Event the first time, then counts on it, keeping its name and first time', () => {
    const c = new EventCorrelator();
    const first = c.correlate(ev('m'), T0, NANOS);
    assert.equal(first.action, 'create');
    if (first.action !== 'create') return;
    c.written(first.key, { ...first.event, metadata: { ...first.event.metadata, resourceVersion: '7' } });
    const again = c.correlate(ev('m', T0 + 5000, NANOS + 5n), T0 + 5000, NANOS + 5n);
    assert.equal(again.action, 'update');
    if (again.action !== 'update') return;
    assert.equal(again.event.metadata.name, first.event.metadata.name);
    assert.equal(again.event['count'], 2);
    assert.equal(again.event['firstTimestamp'], at(0));
    assert.equal(again.event['lastTimestamp'], at(5000));
    c.written(again.key, again.event);
    const third = c.correlate(ev('m', T0 + 6000), T0 + 6000, NANOS + 6n);
    assert.equal(third.action === 'update' && third.event['count'], 3);
  });

  it('combines the tenth distinct message of one reason about one object', () => {
    const c = new EventCorrelator();
    const actions: string[] = [];
    for (let i = 0; i < 12; i++) {
      const r = c.correlate(ev(`Created pod: p${i}`), T0 + i, NANOS + BigInt(i));
      if (r.action === 'drop') continue;
      actions.push(`${r.action}:${String(r.event['message'])}`);
      c.written(r.key, r.event);
    }
    assert.deepEqual(actions.slice(8), [
      'create:Created pod: p8',
      'create:(combined from similar events): Created pod: p9',
      'update:(combined from similar events): Created pod: p10',
      'update:(combined from similar events): Created pod: p11',
    ]);
  });

  it('drops what exceeds the burst of 25 per object until the bucket refills (one per 5 minutes)', () => {
    const c = new EventCorrelator({ maxSimilar: 1000 });
    const results = Array.from({ length: 26 }, (_, i) => c.correlate(ev(`m${i}`), T0, NANOS + BigInt(i)).action);
    assert.equal(results.filter((a) => a === 'create').length, 25);
    assert.equal(results[25], 'drop');
    assert.equal(c.correlate(ev('later'), T0 + 300_000, NANOS + 100n).action, 'create');
  });
});

describe('simulator events: which a step calls for', () => {
  it('words the controllers as upstream does', () => {
    assert.deepEqual(scalingEvent('web-abc', 0, 3), scaledUp);
    assert.equal(scalingEvent('web-abc', 3, 1)?.message, 'Scaled down replica set web-abc from 3 to 1');
    assert.equal(scalingEvent('web-abc', 2, 2), undefined);
    assert.deepEqual(statefulPodEvent('Create', 'db-0', 'db'), { type: 'Normal', reason: 'SuccessfulCreate', message: 'create Pod db-0 in StatefulSet db successful' });
    assert.equal(statefulPodEvent('Delete', 'db-1', 'db').message, 'delete Pod db-1 in StatefulSet db successful');
    assert.equal(statefulClaimEvent('data-db-0', 'db-0', 'db').message, 'create Claim data-db-0 Pod db-0 in StatefulSet db success');
  });

  const cond = (type: string, status: string, reason = '', message = ''): Obj => ({ type, status, reason, message });
  const jobCases: [string, Obj, Obj, [string, string, string][]][] = [
    ['completion', { conditions: [cond('SuccessCriteriaMet', 'True')] }, { conditions: [cond('SuccessCriteriaMet', 'True'), cond('Complete', 'True')] }, [['Normal', 'Completed', 'Job completed']]],
    ['already complete', { conditions: [cond('Complete', 'True')] }, { conditions: [cond('Complete', 'True')] }, []],
    [
      'failure',
      {},
      { conditions: [cond('FailureTarget', 'True'), cond('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] },
      [['Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']],
    ],
    ['suspension', {}, { conditions: [cond('Suspended', 'True')] }, [['Normal', 'Suspended', 'Job suspended']]],
    ['resumption', { conditions: [cond('Suspended', 'True')] }, { conditions: [cond('Suspended', 'False')] }, [['Normal', 'Resumed', 'Job resumed']]],
    ['nothing new', {}, {}, []],
  ];
  for (const [name, prev, next, want] of jobCases) {
    it(`Job: ${name}`, () => assert.deepEqual(jobEvents(prev, next).map((e) => [e.type, e.reason, e.message]), want));
  }

  const runningPod = (statuses: Obj[], init: Obj[] = []): KubeObject => ({
    ...pod('p', 'ready'),
    spec: { initContainers: [{ name: 'setup', image: 'busybox' }], containers: [{ name: 'main', image: 'nginx:1.25' }] },
    status: { containerStatuses: statuses, initContainerStatuses: init },
  });
  const st = (name: string, state: Obj): Obj => ({ name, state });
  const running = { running: { startedAt: at(0) } };
  const done = { terminated: { exitCode: 0 } };
  const crash = { waiting: { reason: 'CrashLoopBackOff' } };
  const pull = { waiting: { reason: 'ImagePullBackOff' } };
  const podCases: [string, Obj, Obj, string[]][] = [
    [
      'first start, init container first',
      {},
      { initContainerStatuses: [st('setup', done)], containerStatuses: [st('main', running)] },
      [
        'spec.initContainers{setup} Pulled Container image "busybox" already present on machine',
        'spec.initContainers{setup} Created Created container: setup',
        'spec.initContainers{setup} Started Started container setup',
        'spec.containers{main} Pulled Container image "nginx:1.25" already present on machine',
        'spec.containers{main} Created Created container: main',
        'spec.containers{main} Started Started container main',
      ],
    ],
    ['unchanged', { initContainerStatuses: [st('setup', done)], containerStatuses: [st('main', running)] }, { initContainerStatuses: [st('setup', done)], containerStatuses: [st('main', running)] }, []],
    ['running to finished', { containerStatuses: [st('main', running)] }, { containerStatuses: [st('main', done)] }, []],
    ['into a crash loop', { containerStatuses: [st('main', running)] }, { containerStatuses: [st('main', crash)] }, ['spec.containers{main} BackOff Back-off restarting failed container main in pod p_default(p-uid)']],
    [
      'image cannot be pulled',
      {},
      { containerStatuses: [st('main', pull)] },
      ['spec.containers{main} Pulling Pulling image "nginx:1.25"', 'spec.containers{main} Failed Error: ErrImagePull', 'spec.containers{main} BackOff Back-off pulling image "nginx:1.25"', 'spec.containers{main} Failed Error: ImagePullBackOff'],
    ],
    [
      'out of a crash loop',
      { containerStatuses: [st('main', crash)] },
      { containerStatuses: [st('main', running)] },
      ['spec.containers{main} Pulled Container image "nginx:1.25" already present on machine', 'spec.containers{main} Created Created container: main', 'spec.containers{main} Started Started container main'],
    ],
  ];
  for (const [name, prev, next, want] of podCases) {
    it(`kubelet: ${name}`, () =>
      assert.deepEqual(
        containerEvents(runningPod([]), prev, next).map((e) => `${e.fieldPath} ${e.reason} ${e.message}`),
        want,
      ));
  }

  describe('kubelet: ephemeral containers', () => {
    const debugged = (statuses: Obj[] = []): KubeObject => ({
      ...runningPod([st('main', running)]),
      spec: { containers: [{ name: 'main', image: 'nginx:1.25' }], ephemeralContainers: [{ name: 'dbg', image: 'busybox' }] },
      status: { containerStatuses: [st('main', running)], ephemeralContainerStatuses: statuses },
    });
    const main = { containerStatuses: [st('main', running)] };
    const cases: [string, Obj, Obj, string[]][] = [
      [
        'added to a running pod: pulled, created, started, after the pod\'s own',
        main,
        { ...main, ephemeralContainerStatuses: [st('dbg', running)] },
        [
          'spec.ephemeralContainers{dbg} Pulled Container image "busybox" already present on machine',
          'spec.ephemeralContainers{dbg} Created Created container: dbg',
          'spec.ephemeralContainers{dbg} Started Started container dbg',
        ],
      ],
      ['still running', { ...main, ephemeralContainerStatuses: [st('dbg', running)] }, { ...main, ephemeralContainerStatuses: [st('dbg', running)] }, []],
      ['stopped when its pod finishes', { ...main, ephemeralContainerStatuses: [st('dbg', running)] }, { containerStatuses: [st('main', done)], ephemeralContainerStatuses: [st('dbg', { terminated: { exitCode: 137 } })] }, [
        'spec.ephemeralContainers{dbg} Killing Stopping container dbg',
      ]],
    ];
    for (const [name, prev, next, want] of cases) {
      it(name, () => assert.deepEqual(containerEvents(debugged(), prev, next).map((e) => `${e.fieldPath} ${e.reason} ${e.message}`), want));
    }

    it('stopped with the pod being deleted', () =>
      assert.deepEqual(
        killingEvents(debugged([st('dbg', running)])).map((e) => `${e.fieldPath} ${e.reason}`),
        ['spec.containers{main} Killing', 'spec.ephemeralContainers{dbg} Killing'],
      ));
  });

  it('kubelet: stops the running containers of a pod being deleted', () => {
    const p = runningPod([st('main', running)], [st('setup', done)]);
    assert.deepEqual(killingEvents(p), [{ type: 'Normal', reason: 'Killing', message: 'Stopping container main', fieldPath: 'spec.containers{main}' }]);
    assert.deepEqual(killingEvents(runningPod([st('main', done)])), []);
  });
});

describe('simulator events: the recorder', () => {
  function fakeSink(fail?: (op: string, ev: KubeObject) => Error | undefined) {
    const stored = new Map<string, KubeObject>();
    const ops: string[] = [];
    let rv = 0;
    const sink: EventSink = {
      async create(ev, who) {
        ops.push(`create ${String(ev['message'])} by ${who}`);
        const err = fail?.('create', ev);
        if (err) throw err;
        const s = { ...ev, metadata: { ...ev.metadata, resourceVersion: String(++rv) } };
        stored.set(ev.metadata.name ?? '', s);
        return s;
      },
      async update(ev, who) {
        ops.push(`update ${String(ev['message'])} x${String(ev['count'])} by ${who}`);
        const err = fail?.('update', ev);
        if (err) throw err;
        const cur = stored.get(ev.metadata.name ?? '');
        if (!cur) throw new StatusError(404, 'NotFound', 'not found');
        const s = { ...cur, count: ev['count'], lastTimestamp: ev['lastTimestamp'] };
        stored.set(ev.metadata.name ?? '', s);
        return s;
      },
    };
    return { sink, stored, ops };
  }

  it('writes in the background, in order, and counts a repeat on the first Event', async () => {
    const { sink, stored, ops } = fakeSink();
    const r = new EventRecorder(() => sink, () => assert.fail('nothing to log'), () => false);
    r.record(SOURCES.deployment, d(), scaledUp, undefined, scaledUp);
    r.scheduled(pod('p', 'pending'), 'n1');
    r.kubelet('n1', pod('p', 'ready'), [{ type: 'Normal', reason: 'Started', message: 'Started container main', fieldPath: 'spec.containers{main}' }]);
    assert.deepEqual(ops, [], 'nothing is written before the caller yields');
    await r.flush();
    assert.deepEqual(ops, [
      `create ${scaledUp.message} by kube-controller-manager`,
      `update ${scaledUp.message} x2 by kube-controller-manager`,
      'create Successfully assigned default/p to n1 by kube-scheduler',
      'create Started container main by kubelet',
    ]);
    assert.equal(stored.size, 3);
    const names = [...stored.keys()];
    assert.equal(new Set(names).size, 3);
  });

  it('logs a failed write and goes on; a namespace refusing Events is not worth a log line', async () => {
    const logged: string[] = [];
    const { sink, ops } = fakeSink((op, ev) => {
      if (ev['message'] === 'boom') return new Error('disk on fire');
      if (ev['message'] === 'gone') return new StatusError(403, 'Forbidden', 'namespace is terminating');
      return undefined;
    });
    const r = new EventRecorder(() => sink, (msg) => void logged.push(msg), () => false);
    r.record(SOURCES.job, d(), { type: 'Normal', reason: 'X', message: 'boom' }, { type: 'Normal', reason: 'X', message: 'gone' }, { type: 'Normal', reason: 'X', message: 'fine' });
    await r.flush();
    assert.equal(ops.length, 3);
    assert.deepEqual(logged, ['simulator could not record an event']);
  });

  it('writes nothing once stopped, or while the space serves no Events', async () => {
    const { sink, ops } = fakeSink();
    new EventRecorder(() => sink, () => {}, () => true).record(SOURCES.job, d(), scaledUp);
    const none = new EventRecorder(() => undefined, () => {}, () => false);
    none.record(SOURCES.job, d(), scaledUp);
    await none.flush();
    assert.deepEqual(ops, []);
  });
});
