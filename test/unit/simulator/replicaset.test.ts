import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { podDelta, replicaSetStatus } from '../../../src/simulator/model/replicaset.js';
import { at, pod, replicaSet, T0 } from './fixtures.js';

describe('simulated ReplicaSet controller', () => {
  const names = (ps: readonly KubeObject[]) => ps.map((p) => p.metadata.name);
  const cases: [string, number, KubeObject[], number, string[]][] = [
    ['creates the missing pods', 3, [pod('a', 'ready')], 2, []],
    ['counts neither finished nor deleting pods', 2, [pod('a', 'ready'), pod('b', 'failed'), pod('c', 'deleting')], 1, []],
    ['leaves the right number alone', 1, [pod('a', 'ready')], 0, []],
    ['removes pending before not-ready before ready', 1, [pod('r', 'ready'), pod('n', 'notready'), pod('p', 'pending')], 0, ['p', 'n']],
    ['removes the youngest among equals', 1, [pod('old', 'ready'), pod('new', 'ready', { creationTimestamp: at(5000) })], 0, ['new']],
  ];
  for (const [what, desired, pods, create, remove] of cases) {
    it(what, () => {
      const d = podDelta(desired, pods);
      assert.deepEqual([d.create, names(d.remove)], [create, remove]);
    });
  }

  it('reports counts, leaving out zero ones as omitempty does', () => {
    const rs = replicaSet({ name: 'web-abc', replicas: 3 });
    const withLabels = (p: KubeObject): KubeObject => ({ ...p, metadata: { ...p.metadata, labels: { app: 'web', 'pod-template-hash': 'abc' } } });
    const { status } = replicaSetStatus(rs, [withLabels(pod('a', 'ready')), pod('b', 'pending'), pod('c', 'succeeded')], T0, 1000);
    assert.deepEqual(status, { replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 1 });
    assert.deepEqual(replicaSetStatus(rs, [], T0, 1000).status, { replicas: 0, observedGeneration: 1 });
  });

  it('counts a ready pod available only after minReadySeconds, and says when', () => {
    const rs = replicaSet({ name: 'web-abc', replicas: 1 });
    rs['spec'] = { ...(rs['spec'] as object), minReadySeconds: 5 };
    const p = pod('a', 'ready', {}, 1000);
    const early = replicaSetStatus(rs, [p], T0 + 1200, 100);
    assert.deepEqual([early.status['readyReplicas'], early.status['availableReplicas'], early.recheckAt], [1, undefined, T0 + 1500]);
    assert.equal(replicaSetStatus(rs, [p], T0 + 1500, 100).status['availableReplicas'], 1);
  });

  it('reports a ReplicationController the same way (its selector a plain map)', () => {
    const rc: KubeObject = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web', namespace: 'default', uid: 'rc-uid', generation: 3 },
      spec: { replicas: 2, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } } },
    };
    const labelled = (p: KubeObject): KubeObject => ({ ...p, metadata: { ...p.metadata, labels: { app: 'web' } } });
    const { status } = replicaSetStatus(rc, [labelled(pod('a', 'ready')), labelled(pod('b', 'pending'))], T0, 1000);
    assert.deepEqual(status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 3 });
  });
});
