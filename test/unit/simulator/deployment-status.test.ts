import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { deploymentStatus } from '../../../src/simulator/model/deployment-status.js';
import { at, deployment, replicaSet, T0 } from './fixtures.js';

type Obj = Record<string, any>;
const cond = (status: Obj, type: string): Obj | undefined => (status['conditions'] as Obj[] | undefined)?.find((c) => c['type'] === type);
const brief = (status: Obj, type: string): string => {
  const c = cond(status, type);
  return c ? `${String(c['status'])}/${String(c['reason'])}` : 'none';
};

function statusOf(d: KubeObject, sets: KubeObject[], nowMs: number, createdNew = false) {
  return deploymentStatus(d, { replicaSets: sets, newName: 'web-new', createdNew, now: new Date(T0 + nowMs), secondMs: 1000 });
}

describe('simulated Deployment status', () => {
  it('sums the sets and leaves zero counts out', () => {
    const { status } = statusOf(deployment({}, {}, 2), [replicaSet({ name: 'web-new', replicas: 3, available: 2, ready: 3 }), replicaSet({ name: 'web-old', replicas: 0, current: 1, available: 1 })], 0);
    assert.deepEqual(
      [status['observedGeneration'], status['replicas'], status['updatedReplicas'], status['readyReplicas'], status['availableReplicas'], status['unavailableReplicas']],
      [2, 4, 3, 4, 3, undefined],
    );
    const empty = statusOf(deployment(), [], 0).status;
    assert.deepEqual([empty['replicas'], empty['unavailableReplicas']], [undefined, undefined]);
  });

  const cases: [string, KubeObject[], Obj, string, string][] = [
    ['a finished rollout is available and complete', [replicaSet({ name: 'web-new', replicas: 3 })], {}, 'True/MinimumReplicasAvailable', 'True/NewReplicaSetAvailable'],
    ['a rollout with too few available pods is unavailable and progressing', [replicaSet({ name: 'web-new', replicas: 3, available: 1 })], {}, 'False/MinimumReplicasUnavailable', 'True/ReplicaSetUpdated'],
    [
      'no progress within the deadline times out',
      [replicaSet({ name: 'web-new', replicas: 3, available: 0 })],
      { replicas: 3, updatedReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: at(0), lastTransitionTime: at(0) }] },
      'False/MinimumReplicasUnavailable',
      'False/ProgressDeadlineExceeded',
    ],
    [
      'a complete deployment stays complete through a scale',
      [replicaSet({ name: 'web-new', replicas: 4, available: 3 })],
      { replicas: 3, updatedReplicas: 3, availableReplicas: 3, conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', lastUpdateTime: at(0), lastTransitionTime: at(0) }] },
      'True/MinimumReplicasAvailable',
      'True/NewReplicaSetAvailable',
    ],
  ];
  for (const [what, sets, prev, available, progressing] of cases) {
    it(what, () => {
      const { status } = statusOf(deployment({ replicas: sets.length ? (sets[0]!['spec'] as Obj)['replicas'] : 3 }, prev), sets, 601_000);
      assert.deepEqual([brief(status, 'Available'), brief(status, 'Progressing')], [available, progressing]);
    });
  }

  it('reports a paused deployment, which never times out, and its resumption', () => {
    const sets = [replicaSet({ name: 'web-new', replicas: 3, available: 0 })];
    const paused = statusOf(deployment({ paused: true }), sets, 0);
    assert.deepEqual([brief(paused.status, 'Progressing'), paused.recheckAt], ['Unknown/DeploymentPaused', undefined]);
    const later = statusOf(deployment({ paused: true }, paused.status), sets, 10_000_000).status;
    assert.equal(brief(later, 'Progressing'), 'Unknown/DeploymentPaused');
    const resumed = statusOf(deployment({}, paused.status), sets, 10_000).status;
    assert.equal(brief(resumed, 'Progressing'), 'Unknown/DeploymentResumed');
  });

  it('reports a new set at creation, and asks to be looked at again at the deadline', () => {
    const r = statusOf(deployment(), [{ ...replicaSet({ name: 'web-new', replicas: 3 }), status: { replicas: 0 } }], 0, true);
    assert.equal(brief(r.status, 'Progressing'), 'True/NewReplicaSetCreated');
    assert.equal(cond(r.status, 'Progressing')?.['message'], 'Created new replica set "web-new"');
    assert.equal(r.recheckAt, T0 + 600_000 + 1);
  });

  it('changes nothing when called again on its own output', () => {
    const sets = [replicaSet({ name: 'web-new', replicas: 3 })];
    const first = statusOf(deployment(), sets, 0).status;
    assert.deepEqual(statusOf(deployment({}, first), sets, 50_000).status, first);
  });

  it('keeps lastTransitionTime while the status holds, and moves it when it flips', () => {
    const prev = { conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', lastUpdateTime: at(0), lastTransitionTime: at(0) }] };
    const { status } = statusOf(deployment({}, prev), [replicaSet({ name: 'web-new', replicas: 3 })], 5000);
    assert.deepEqual([cond(status, 'Available')?.['lastTransitionTime'], cond(status, 'Available')?.['lastUpdateTime']], [at(5000), at(5000)]);
  });
});
