import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { bindingFor, gatedStatus, isGated, needsScheduling, runsToCompletion } from '../../../src/simulator/model/scheduling.js';
import { at, pod, T0 } from './fixtures.js';

const withSpec = (p: KubeObject, spec: Record<string, unknown>): KubeObject => ({ ...p, spec: { ...(p['spec'] as object), ...spec } });
const jobOwned = (p: KubeObject): KubeObject => ({ ...p, metadata: { ...p.metadata, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'j', controller: true }] } });

describe('simulated scheduler', () => {
  const cases: [string, KubeObject, boolean, boolean][] = [
    ['a new bare pod is scheduled', pod('p', 'pending'), true, false],
    ['a bound pod is not', withSpec(pod('p', 'pending'), { nodeName: 'n' }), false, false],
    ['nor a gated one, which waits', withSpec(pod('p', 'pending'), { schedulingGates: [{ name: 'g' }] }), false, true],
    ['nor one being deleted', pod('p', 'deleting'), false, false],
    ['nor a finished one', pod('p', 'succeeded'), false, false],
  ];
  for (const [what, p, schedule, gated] of cases) {
    it(what, () => assert.deepEqual([needsScheduling(p), isGated(p)], [schedule, gated]));
  }

  it('binds to the node by a Binding naming the pod incarnation', () => {
    assert.deepEqual(bindingFor(pod('p', 'pending'), 'n1'), {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'p', namespace: 'default', uid: 'p-uid' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'n1' },
    });
  });

  it('reports a gated pod as the scheduler does, the same way each time', () => {
    const p = withSpec({ ...pod('p', 'pending'), status: {} }, { schedulingGates: [{ name: 'g' }] });
    const s = gatedStatus(p, new Date(T0));
    assert.deepEqual(s, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }],
    });
    assert.deepEqual(gatedStatus({ ...p, status: s }, new Date(T0 + 5000)), s);
  });
});

describe('simulated kubelet: which pods run to completion', () => {
  const cases: [string, KubeObject, boolean][] = [
    ['restartPolicy Never', withSpec(pod('p', 'pending'), { restartPolicy: 'Never' }), true],
    ['restartPolicy OnFailure', withSpec(pod('p', 'pending'), { restartPolicy: 'OnFailure' }), true],
    ['restartPolicy Always', withSpec(pod('p', 'pending'), { restartPolicy: 'Always' }), false],
    ['no policy (defaulted to Always)', pod('p', 'pending'), false],
    ["a Job's pod, whatever it says", jobOwned(pod('p', 'pending')), true],
  ];
  for (const [what, p, want] of cases) it(what, () => assert.equal(runsToCompletion(p), want));
});
