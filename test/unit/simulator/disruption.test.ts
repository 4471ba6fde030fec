import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { expectedScale, pdbSelects, pdbStatus, type ControllerScale } from '../../../src/simulator/model/disruption.js';
import { at, pod, T0 } from './fixtures.js';

type Obj = Record<string, any>;

const pdb = (spec: Obj, status: Obj = {}): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'b', namespace: 'default', uid: 'b-uid', generation: 2 },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  status,
});

const owned = (name: string, state: 'ready' | 'notready' | 'deleting', owner = 'rs-uid'): KubeObject =>
  pod(name, state, { labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: owner, controller: true }] });

/** Every ReplicaSet here belongs to a Deployment of 4 replicas, save `lone-uid` of 2. */
const scaleOf = (p: KubeObject): ControllerScale | undefined => {
  const uid = p.metadata.ownerReferences?.[0]?.uid;
  return uid === 'rs-uid' || uid === 'rs2-uid' ? { uid: 'd-uid', replicas: 4 } : uid === 'lone-uid' ? { uid, replicas: 2 } : undefined;
};

describe('simulated disruption controller', () => {
  const now = new Date(T0 + 1000);
  const three = [owned('a', 'ready'), owned('b', 'ready'), owned('c', 'notready')];
  const cases: [string, KubeObject, KubeObject[], [number, number, number, number]][] = [
    // [expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed]
    ['minAvailable as a number counts the matched pods', pdb({ minAvailable: 1 }), three, [3, 2, 1, 1]],
    ['minAvailable as a percentage of the controllers\' scale rounds up', pdb({ minAvailable: '50%' }), three, [4, 2, 2, 0]],
    ['maxUnavailable rounds up too', pdb({ maxUnavailable: '30%' }), three, [4, 2, 2, 0]],
    ['maxUnavailable as a number', pdb({ maxUnavailable: 3 }), three, [4, 2, 1, 1]],
    ['a Deployment is counted once across its ReplicaSets', pdb({ maxUnavailable: 1 }), [...three, owned('d', 'ready', 'rs2-uid')], [4, 3, 3, 0]],
    ['distinct controllers add up', pdb({ maxUnavailable: 1 }), [owned('a', 'ready'), owned('l', 'ready', 'lone-uid')], [6, 2, 5, 0]],
    ['pods being deleted are not healthy', pdb({ minAvailable: 1 }), [owned('a', 'deleting'), owned('b', 'ready')], [2, 1, 1, 0]],
    ['no pods, nothing allowed', pdb({ minAvailable: 1 }), [], [0, 0, 1, 0]],
    ['desired never goes below zero', pdb({ maxUnavailable: 10 }), three, [4, 2, 0, 2]],
  ];
  for (const [what, b, pods, [expected, current, desired, allowed]] of cases) {
    it(what, () => {
      const s = pdbStatus(b, pods, scaleOf, now);
      assert.deepEqual([s['expectedPods'], s['currentHealthy'], s['desiredHealthy'], s['disruptionsAllowed'], s['observedGeneration']], [expected, current, desired, allowed, 2]);
      const c = (s['conditions'] as Obj[])[0]!;
      assert.deepEqual([c['type'], c['status'], c['reason'], c['message'], c['observedGeneration']], ['DisruptionAllowed', allowed > 0 ? 'True' : 'False', allowed > 0 ? 'SufficientPods' : 'InsufficientPods', '', 2]);
    });
  }

  it('fails safe when a pod has no controller of known scale', () => {
    const bare = pod('x', 'ready', { labels: { app: 'web' } });
    assert.equal(expectedScale([bare], scaleOf), 'found no controller ref for pod "x"');
    const s = pdbStatus(pdb({ maxUnavailable: 1 }, { disruptionsAllowed: 1 }), [owned('j', 'ready', 'job-uid')], scaleOf, now);
    assert.equal(s['disruptionsAllowed'], 0);
    assert.deepEqual((s['conditions'] as Obj[]).map((c) => [c['status'], c['reason'], c['message']]), [['False', 'SyncFailed', 'found no controllers for pod "j"']]);
  });

  it('keeps the transition time while the condition holds', () => {
    const first = pdbStatus(pdb({ minAvailable: 1 }), three, scaleOf, new Date(T0));
    const again = pdbStatus(pdb({ minAvailable: 1 }, first), three, scaleOf, now);
    assert.deepEqual(again, first);
    assert.equal((again['conditions'] as Obj[])[0]!['lastTransitionTime'], at(0));
  });

  it('selects as policy/v1 does: no selector matches nothing, an empty one everything', () => {
    const p = owned('a', 'ready');
    assert.deepEqual([pdbSelects(pdb({ selector: undefined }), p), pdbSelects(pdb({ selector: {} }), p), pdbSelects(pdb({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }), p)], [false, true, true]);
  });
});
