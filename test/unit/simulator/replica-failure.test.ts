import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { deploymentStatus } from '../../../src/simulator/model/deployment-status.js';
import { copiedAnnotations, planDeployment, revisionHistory } from '../../../src/simulator/model/deployment.js';
import { templateHash } from '../../../src/simulator/model/hash.js';
import { replicaFailureConditions, replicaSetStatus } from '../../../src/simulator/model/replicaset.js';
import { at, deployment, replicaSet, T0, template } from './fixtures.js';

type Obj = Record<string, any>;
const NEW = `web-${templateHash(template())}`;
const ERR = 'pods "web-abc-x1" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found';

const annotated = (annotations: Record<string, string>): KubeObject => {
  const d = deployment();
  d.metadata.annotations = annotations;
  return d;
};
const withConditions = (rs: KubeObject, conditions: Obj[]): KubeObject => ({ ...rs, status: { ...(rs['status'] as Obj), conditions } });

describe('simulated ReplicaFailure and annotation copying', () => {
  describe('copyDeploymentAnnotationsToReplicaSet', () => {
    const cases: [string, Record<string, string>, Record<string, string>, Record<string, string>][] = [
      ['copies a new change-cause', { 'kubernetes.io/change-cause': 'v2' }, {}, { 'kubernetes.io/change-cause': 'v2' }],
      ['copies a changed one', { 'kubernetes.io/change-cause': 'v2' }, { 'kubernetes.io/change-cause': 'v1' }, { 'kubernetes.io/change-cause': 'v2' }],
      ['leaves an equal one', { 'kubernetes.io/change-cause': 'v1' }, { 'kubernetes.io/change-cause': 'v1' }, {}],
      [
        'skips what skipCopyAnnotation names',
        {
          'kubectl.kubernetes.io/last-applied-configuration': '{}',
          'deployment.kubernetes.io/revision': '7',
          'deployment.kubernetes.io/revision-history': '1',
          'deployment.kubernetes.io/desired-replicas': '3',
          'deployment.kubernetes.io/max-replicas': '4',
          'deprecated.deployment.rollback.to': '1',
          team: 'a',
        },
        {},
        { team: 'a' },
      ],
    ];
    for (const [what, fromDeployment, onSet, want] of cases) {
      it(what, () => {
        const rs = replicaSet({ name: NEW, replicas: 3 });
        rs.metadata.annotations = { ...rs.metadata.annotations, ...onSet };
        assert.deepEqual(copiedAnnotations(annotated(fromDeployment), rs), want);
      });
    }

    it('updates the current set when only the deployment\'s annotations changed', () => {
      const plan = planDeployment(annotated({ 'kubernetes.io/change-cause': 'scaled' }), [replicaSet({ name: NEW, replicas: 3 })], new Set());
      assert.deepEqual(
        plan.updates.map((u) => [u.name, u.replicas, u.annotations['kubernetes.io/change-cause']]),
        [[NEW, 3, 'scaled']],
      );
      assert.deepEqual(planDeployment(deployment(), [replicaSet({ name: NEW, replicas: 3 })], new Set()).updates, []);
    });

    const histories: [string | undefined, string | undefined, string | undefined][] = [
      [undefined, undefined, undefined],
      ['2', undefined, '2'],
      ['5', '2', '2,5'],
      // 2001 characters with the new one: the oldest goes.
      ['9', `${'1,'.repeat(999)}1`, `${'1,'.repeat(999)}9`],
    ];
    for (const [revision, history, want] of histories) {
      it(`keeps the revision history of a set rolled back to (${String(revision)} over ${String(history).slice(0, 8)})`, () => {
        const rs = replicaSet({ name: NEW, replicas: 0 });
        rs.metadata.annotations = { ...(history !== undefined && { 'deployment.kubernetes.io/revision-history': history }) };
        if (revision !== undefined) rs.metadata.annotations['deployment.kubernetes.io/revision'] = revision;
        assert.equal(revisionHistory(rs), want);
      });
    }
  });

  describe('ReplicaFailure on the set', () => {
    const present: Obj = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: at(0), reason: 'FailedCreate', message: 'old' };
    const cases: [string, Obj[], string | undefined, Obj[]][] = [
      ['set on the first failure', [], ERR, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: at(5000), reason: 'FailedCreate', message: ERR }]],
      ['kept while failures go on', [present], ERR, [present]],
      ['removed once a sync does not fail', [present], undefined, []],
      ['absent stays absent', [], undefined, []],
    ];
    for (const [what, before, failure, want] of cases) {
      it(what, () => assert.deepEqual(replicaFailureConditions({ conditions: before }, failure, T0 + 5000), want));
    }

    it('goes into the status next to the counts', () => {
      const rs = replicaSet({ name: NEW, replicas: 1, current: 0, available: 0, ready: 0 });
      const { status } = replicaSetStatus(rs, [], T0, 1000, ERR);
      assert.deepEqual(status, { replicas: 0, observedGeneration: 1, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: at(0), reason: 'FailedCreate', message: ERR }] });
    });
  });

  describe('ReplicaFailure mirrored on the Deployment', () => {
    const failing = { type: 'ReplicaFailure', status: 'True', lastTransitionTime: at(1000), reason: 'FailedCreate', message: ERR };
    const mirror = (d: KubeObject, sets: KubeObject[], newName = 'web-new'): Obj | undefined =>
      ((deploymentStatus(d, { replicaSets: sets, newName, createdNew: false, now: new Date(T0 + 9000), secondMs: 1000 }).status['conditions'] ?? []) as Obj[]).find(
        (c) => c['type'] === 'ReplicaFailure',
      );
    it('from the new set', () => {
      const c = mirror(deployment(), [withConditions(replicaSet({ name: 'web-new', replicas: 3, available: 0 }), [failing])]);
      assert.deepEqual(c, { type: 'ReplicaFailure', status: 'True', lastUpdateTime: at(1000), lastTransitionTime: at(1000), reason: 'FailedCreate', message: ERR });
    });
    it('from an old set when the new one has none', () => {
      const c = mirror(deployment(), [replicaSet({ name: 'web-new', replicas: 3 }), withConditions(replicaSet({ name: 'web-old', replicas: 1 }), [failing])]);
      assert.equal(c?.['message'], ERR);
    });
    it('removed when no set fails', () => {
      const d = deployment({}, { conditions: [{ ...failing, lastUpdateTime: at(1000) }] });
      assert.equal(mirror(d, [replicaSet({ name: 'web-new', replicas: 3 })]), undefined);
    });
    it('left as it is while paused', () => {
      const d = deployment({ paused: true }, { conditions: [{ ...failing, lastUpdateTime: at(1000) }] });
      assert.equal(mirror(d, [replicaSet({ name: 'web-new', replicas: 3 })])?.['reason'], 'FailedCreate');
    });
  });
});
