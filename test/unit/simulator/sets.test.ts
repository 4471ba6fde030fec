import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { daemonHash, daemonPod, daemonSetStatus, planDaemonSet } from '../../../src/simulator/model/daemonset.js';
import { claimsFor, planStatefulSet, statefulPod, statefulSetStatus, updateRevision } from '../../../src/simulator/model/statefulset.js';
import { pod, T0, template, type PodState } from './fixtures.js';

type Obj = Record<string, any>;

function statefulSet(spec: Obj = {}, status: Obj = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default', uid: 'sts-uid', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'db',
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      ...spec,
    },
    status,
  };
}

const REV = updateRevision(statefulSet());
const member = (ordinal: number, state: PodState, revision = REV): KubeObject => pod(`db-${ordinal}`, state, { labels: { 'controller-revision-hash': revision } });

describe('simulated StatefulSet controller', () => {
  const names = (ps: readonly KubeObject[]) => ps.map((p) => p.metadata.name);
  const cases: [string, KubeObject, KubeObject[], number[], string[]][] = [
    ['creates ordinal 0 first', statefulSet(), [], [0], []],
    ['creates the next ordinal once the one before is ready', statefulSet(), [member(0, 'ready')], [1], []],
    ['waits while a pod is not ready', statefulSet(), [member(0, 'pending')], [], []],
    ['Parallel creates them all at once', statefulSet({ podManagementPolicy: 'Parallel' }), [member(1, 'pending')], [0, 2], []],
    ['replaces a failed pod', statefulSet(), [member(0, 'failed')], [], ['db-0']],
    ['scales down from the highest ordinal, one at a time', statefulSet({ replicas: 1 }), [member(0, 'ready'), member(1, 'ready'), member(2, 'ready')], [], ['db-2']],
    ['rolls an update from the highest ordinal', statefulSet(), [member(0, 'ready', 'db-old'), member(1, 'ready', 'db-old'), member(2, 'ready', 'db-old')], [], ['db-2']],
    ['rolls only ordinals at or above the partition', statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } }), [member(0, 'ready', 'db-old'), member(1, 'ready', 'db-old'), member(2, 'ready')], [], []],
    ['leaves OnDelete updates to the user', statefulSet({ updateStrategy: { type: 'OnDelete' } }), [member(0, 'ready', 'db-old'), member(1, 'ready', 'db-old'), member(2, 'ready', 'db-old')], [], []],
  ];
  for (const [what, sts, pods, create, remove] of cases) {
    it(what, () => {
      const plan = planStatefulSet(sts, pods);
      assert.deepEqual([plan.create, names(plan.remove)], [create, remove]);
    });
  }

  it('gives pods their identity and claims', () => {
    const sts = statefulSet({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } }] });
    const p = statefulPod(sts, 1, REV, 'node-1');
    assert.equal(p.metadata.name, 'db-1');
    assert.deepEqual(p.metadata.labels, { app: 'web', 'controller-revision-hash': REV, 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    const spec = p['spec'] as Obj;
    assert.deepEqual([spec['hostname'], spec['subdomain'], spec['nodeName']], ['db-1', 'db', 'node-1']);
    assert.deepEqual(spec['volumes'], [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }]);
    const [claim] = claimsFor(sts, 1);
    assert.equal(claim?.metadata.name, 'data-db-1');
    assert.deepEqual(claim?.metadata.labels, { app: 'web' });
    assert.equal(claim?.metadata.ownerReferences, undefined);
  });

  it('reports revisions, and makes the update revision current once every pod runs it', () => {
    const rolling = statefulSetStatus(statefulSet({}, { currentRevision: 'db-old' }), [member(0, 'ready', 'db-old'), member(1, 'ready'), member(2, 'pending')], T0, 1000).status;
    assert.deepEqual(
      [rolling['replicas'], rolling['readyReplicas'], rolling['currentReplicas'], rolling['updatedReplicas'], rolling['availableReplicas'], rolling['currentRevision'], rolling['updateRevision']],
      [3, 2, 1, 2, 2, 'db-old', REV],
    );
    const done = statefulSetStatus(statefulSet({}, { currentRevision: 'db-old' }), [member(0, 'ready'), member(1, 'ready'), member(2, 'ready')], T0, 1000).status;
    assert.deepEqual([done['currentRevision'], done['currentReplicas'], done['collisionCount']], [REV, 3, 0]);
  });
});

describe('simulated DaemonSet controller', () => {
  const ds: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid', generation: 2 },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template() },
  };
  const HASH = daemonHash(ds);
  const daemon = (name: string, state: PodState, hash = HASH): KubeObject => pod(name, state, { labels: { 'controller-revision-hash': hash } });

  const cases: [string, KubeObject[], boolean, string[]][] = [
    ['runs one pod on the node', [], true, []],
    ['is content with one current pod', [daemon('a', 'ready')], false, []],
    ['replaces an outdated pod: delete first', [daemon('a', 'ready', 'old')], false, ['a']],
    ['replaces a finished pod', [daemon('a', 'failed')], true, ['a']],
    ['removes extra pods', [daemon('a', 'ready'), daemon('b', 'ready')], false, ['b']],
  ];
  for (const [what, pods, create, remove] of cases) {
    it(what, () => {
      const plan = planDaemonSet(ds, pods);
      assert.deepEqual([plan.create, plan.remove.map((p) => p.metadata.name)], [create, remove]);
    });
  }

  it('labels its pod with the template hash and generation', () => {
    const p = daemonPod(ds, 'node-1');
    assert.deepEqual([p.metadata.generateName, p.metadata.labels?.['controller-revision-hash'], p.metadata.labels?.['pod-template-generation']], ['agent-', HASH, '2']);
  });

  it('reports one node', () => {
    const ready = daemonSetStatus(ds, [daemon('a', 'ready')], T0, 1000).status;
    assert.deepEqual(ready, { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, observedGeneration: 2, updatedNumberScheduled: 1, numberAvailable: 1 });
    const starting = daemonSetStatus(ds, [daemon('a', 'pending')], T0, 1000).status;
    assert.deepEqual([starting['numberReady'], starting['numberAvailable'], starting['numberUnavailable']], [0, undefined, 1]);
  });
});
