import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { decidePod, normalizeImage, podStatusFor, type PodTarget, type PodTiming } from '../../../src/simulator/model/pods.js';
import { at, pod, T0 } from './fixtures.js';

const timing = (t: Partial<PodTiming>): PodTiming => ({ ageMs: 0, readyDelayMs: 200, jobDurationMs: 1000, failing: false, runsToCompletion: false, ...t });

describe('simulated kubelet: what a pod becomes', () => {
  const cases: [string, KubeObject, Partial<PodTiming>, PodTarget | undefined, number | undefined][] = [
    ['a new pod waits for the ready delay', pod('p', 'pending'), { ageMs: 50 }, undefined, 150],
    ['then runs', pod('p', 'pending'), { ageMs: 200 }, 'running', undefined],
    ['a failing pod never starts', pod('p', 'pending'), { ageMs: 300, failing: true }, 'pulling', undefined],
    ['a running pod that turns failing crash-loops', pod('p', 'ready'), { ageMs: 300, failing: true }, 'crashing', undefined],
    ['a Job pod runs for the job duration', pod('p', 'pending'), { ageMs: 300, runsToCompletion: true }, 'running', 900],
    ['then succeeds', pod('p', 'ready'), { ageMs: 1200, runsToCompletion: true }, 'succeeded', undefined],
    ['or fails when failing', pod('p', 'ready'), { ageMs: 1200, runsToCompletion: true, failing: true }, 'failed', undefined],
    ['a finished pod stays as it is', pod('p', 'succeeded'), { ageMs: 5000 }, undefined, undefined],
    ['a pod being deleted is left alone', pod('p', 'deleting'), { ageMs: 5000 }, undefined, undefined],
  ];
  for (const [what, p, t, target, recheck] of cases) {
    it(what, () => assert.deepEqual(decidePod(p, timing(t)), { ...(target && { target }), ...(recheck !== undefined && { recheckInMs: recheck }) }));
  }
});

describe('simulated kubelet: pod status', () => {
  const place = { now: new Date(T0 + 5000), hostIP: '172.18.0.2', podIP: '10.244.0.7' };
  const fresh = (): KubeObject => ({ ...pod('web-1', 'pending'), status: { phase: 'Pending', qosClass: 'BestEffort' } });
  const conditionMap = (status: Record<string, unknown>) =>
    Object.fromEntries((status['conditions'] as Record<string, unknown>[]).map((c) => [c['type'], `${String(c['status'])}${c['reason'] ? `/${String(c['reason'])}` : ''}`]));

  it('reports a running pod as ready, with addresses and a started container', () => {
    const s = podStatusFor(fresh(), 'running', place);
    assert.equal(s['phase'], 'Running');
    assert.deepEqual(conditionMap(s), { PodReadyToStartContainers: 'True', Initialized: 'True', Ready: 'True', ContainersReady: 'True', PodScheduled: 'True' });
    assert.deepEqual([s['podIP'], s['hostIP'], s['startTime'], s['qosClass']], ['10.244.0.7', '172.18.0.2', at(5000), 'BestEffort']);
    const [cs] = s['containerStatuses'] as Record<string, any>[];
    assert.deepEqual([cs!['ready'], cs!['started'], cs!['image'], cs!['state']], [true, true, 'docker.io/library/nginx:1.25', { running: { startedAt: at(5000) } }]);
    assert.match(cs!['containerID'], /^containerd:\/\/[0-9a-f]{64}$/);
  });

  it('is idempotent: a pod already in its target comes out unchanged', () => {
    for (const target of ['running', 'pulling', 'crashing', 'succeeded', 'failed'] as const) {
      const once = { ...fresh(), status: podStatusFor(fresh(), target, place) };
      const later = { ...place, now: new Date(T0 + 60_000), podIP: '10.244.9.9' };
      assert.deepEqual(podStatusFor(once, target, later), once.status, target);
    }
  });

  it('keeps times and addresses across state changes', () => {
    const runningPod = { ...fresh(), status: podStatusFor(fresh(), 'running', place) };
    const done = podStatusFor(runningPod, 'succeeded', { ...place, now: new Date(T0 + 9000) });
    assert.equal(done['phase'], 'Succeeded');
    assert.equal(done['podIP'], '10.244.0.7');
    assert.deepEqual(conditionMap(done), { PodReadyToStartContainers: 'False', Initialized: 'True/PodCompleted', Ready: 'False/PodCompleted', ContainersReady: 'False/PodCompleted', PodScheduled: 'True' });
    const term = (done['containerStatuses'] as Record<string, any>[])[0]!['state']['terminated'];
    assert.deepEqual([term['exitCode'], term['reason'], term['startedAt'], term['finishedAt']], [0, 'Completed', at(5000), at(9000)]);
    const ready = (done['conditions'] as Record<string, unknown>[]).find((c) => c['type'] === 'Ready')!;
    assert.equal(ready['lastTransitionTime'], at(9000));
  });

  it('shows a failing pod pending on its image, not ready', () => {
    const s = podStatusFor(fresh(), 'pulling', place);
    assert.equal(s['phase'], 'Pending');
    assert.equal(conditionMap(s)['ContainersReady'], 'False/ContainersNotReady');
    const cs = (s['containerStatuses'] as Record<string, any>[])[0]!;
    assert.deepEqual([cs['ready'], cs['state']['waiting']['reason']], [false, 'ImagePullBackOff']);
  });

  it('uses the node address for host-network pods', () => {
    const p = fresh();
    p['spec'] = { ...(p['spec'] as object), hostNetwork: true };
    assert.equal(podStatusFor(p, 'running', place)['podIP'], '172.18.0.2');
  });

  const images: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['quay.io/x/y:v1', 'quay.io/x/y:v1'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['nginx@sha256:abc', 'docker.io/library/nginx@sha256:abc'],
  ];
  for (const [image, want] of images) it(`names ${image} as the runtime does`, () => assert.equal(normalizeImage(image), want));

  describe('ephemeral containers', () => {
    const debugged = (status?: Record<string, unknown>): KubeObject => {
      const p = fresh();
      p['spec'] = { ...(p['spec'] as object), ephemeralContainers: [{ name: 'dbg', image: 'busybox', stdin: true }, { name: 'dbg0', image: 'alpine:3' }] };
      if (status !== undefined) p['status'] = status;
      return p;
    };
    const ephemeral = (s: Record<string, unknown>): Record<string, any>[] => (s['ephemeralContainerStatuses'] ?? []) as Record<string, any>[];
    const later = { ...place, now: new Date(T0 + 9000) };

    it('leaves the field out while the pod has none', () => assert.equal(podStatusFor(fresh(), 'running', place)['ephemeralContainerStatuses'], undefined));

    // The pod's own containers running, crash-looping or failing to pull: the debug container runs regardless.
    for (const target of ['running', 'crashing', 'pulling'] as const) {
      it(`starts them in a ${target} pod: running, never ready, no started field, sorted by name`, () => {
        const s = podStatusFor(debugged(), target, place);
        assert.deepEqual(ephemeral(s).map((c) => c['name']), ['dbg', 'dbg0']);
        const [c] = ephemeral(s);
        assert.deepEqual(
          { ...c!, containerID: 'x', imageID: 'y' },
          { name: 'dbg', image: 'docker.io/library/busybox:latest', imageID: 'y', containerID: 'x', ready: false, restartCount: 0, state: { running: { startedAt: at(5000) } }, lastState: {} },
        );
        assert.match(c!['containerID'], /^containerd:\/\/[0-9a-f]{64}$/);
        assert.match(c!['imageID'], /^docker\.io\/library\/busybox@sha256:[0-9a-f]{64}$/);
        assert.ok(!('started' in c!));
      });
    }

    it('keeps their start time and container across syncs', () => {
      const once = debugged(podStatusFor(debugged(), 'running', place));
      assert.deepEqual(podStatusFor(once, 'running', later), once['status']);
    });

    it('kills the running ones when the pod finishes, and starts none in a finished pod', () => {
      const runningOnes = debugged(podStatusFor(debugged(), 'running', place));
      const done = podStatusFor(runningOnes, 'succeeded', later);
      const term = ephemeral(done)[0]!['state']['terminated'];
      assert.deepEqual([term['exitCode'], term['reason'], term['startedAt'], term['finishedAt']], [137, 'Error', at(5000), at(9000)]);
      assert.equal(term['containerID'], ephemeral(runningOnes['status'] as Record<string, unknown>)[0]!['containerID']);
      assert.deepEqual(podStatusFor(debugged(done), 'succeeded', { ...later, now: new Date(T0 + 20_000) }), done);
      assert.equal(podStatusFor(debugged(), 'failed', place)['ephemeralContainerStatuses'], undefined);
    });
  });

  describe('readiness gates', () => {
    const gated = (conditions: Record<string, unknown>[] = []): KubeObject => {
      const p = fresh();
      p['spec'] = { ...(p['spec'] as object), readinessGates: [{ conditionType: 'example.com/ready' }] };
      p['status'] = { phase: 'Pending', conditions };
      return p;
    };
    const gate = (status: string) => ({ type: 'example.com/ready', status, lastProbeTime: null, lastTransitionTime: at(1000) });
    const readyOf = (s: Record<string, unknown>) => (s['conditions'] as Record<string, unknown>[]).find((c) => c['type'] === 'Ready')!;
    const cases: [string, Record<string, unknown>[], string, string | undefined][] = [
      ['holds Ready back while the gate\'s condition is missing', [], 'False', 'corresponding condition of pod readiness gate "example.com/ready" does not exist.'],
      ['or False', [gate('False')], 'False', 'the status of pod readiness gate "example.com/ready" is not "True", but False'],
      ['and lets it be once the condition is True', [gate('True')], 'True', undefined],
    ];
    for (const [what, conditions, ready, message] of cases) {
      it(what, () => {
        const s = podStatusFor(gated(conditions), 'running', place);
        const r = readyOf(s);
        assert.deepEqual([r['status'], r['reason'], r['message']], [ready, message && 'ReadinessGatesNotReady', message]);
        assert.equal(conditionMap(s)['ContainersReady'], 'True');
      });
    }

    it('keeps the conditions others set, ahead of its own', () => {
      const s = podStatusFor(gated([gate('True')]), 'running', place);
      assert.deepEqual((s['conditions'] as Record<string, unknown>[])[0], gate('True'));
    });
  });
});
