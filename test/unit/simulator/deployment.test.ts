import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { newReplicaSetFor, planDeployment, type DeploymentPlan } from '../../../src/simulator/model/deployment.js';
import { fenceposts, maxUnavailable, scaledValue } from '../../../src/simulator/model/rollout.js';
import { templateHash } from '../../../src/simulator/model/hash.js';
import { deployment, replicaSet, template } from './fixtures.js';

const HASH = templateHash(template());
const NEW = `web-${HASH}`;

/** The plan in one line per change: `+name=3` created, `name=2` scaled, `-name` removed. */
function summary(plan: DeploymentPlan): string[] {
  return [
    ...(plan.create ? [`+${plan.create.metadata.name}=${String((plan.create['spec'] as Record<string, unknown>)['replicas'])}`] : []),
    ...plan.updates.map((u) => `${u.name}=${u.replicas}`),
    ...plan.remove.map((n) => `-${n}`),
  ];
}

describe('simulated Deployment controller', () => {
  describe('rollout parameters', () => {
    const values: [unknown, number, boolean, number][] = [
      [2, 10, true, 2],
      ['25%', 3, true, 1],
      ['25%', 3, false, 0],
      ['50%', 5, false, 2],
      ['3', 10, false, 3],
    ];
    for (const [v, total, up, want] of values) it(`scales ${String(v)} of ${total} (${up ? 'up' : 'down'}) to ${want}`, () => assert.equal(scaledValue(v, total, up), want));

    it('never lets surge and unavailability both be zero', () => {
      const d = deployment({ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' } } });
      assert.deepEqual(fenceposts(d), { surge: 0, unavailable: 1 });
      assert.equal(maxUnavailable(deployment({ strategy: { type: 'Recreate' } })), 0);
    });
  });

  describe('the new ReplicaSet', () => {
    it('is named after the template hash, labelled, selected and owned as kube does', () => {
      const d = deployment({}, {}, 1);
      d.metadata.annotations = { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
      const { create } = newReplicaSetFor(d, [], new Set());
      assert.ok(create);
      assert.equal(create.metadata.name, NEW);
      assert.deepEqual(create.metadata.labels, { app: 'web', 'pod-template-hash': HASH });
      assert.deepEqual(create.metadata.annotations, { team: 'a' });
      assert.deepEqual(create.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-uid', controller: true, blockOwnerDeletion: true }]);
      const spec = create['spec'] as Record<string, any>;
      assert.deepEqual(spec['selector'], { matchLabels: { app: 'web', 'pod-template-hash': HASH } });
      assert.deepEqual(spec['template']['metadata']['labels'], { app: 'web', 'pod-template-hash': HASH });
    });

    it('is the existing set carrying the template, whatever its hash label', () => {
      const existing = replicaSet({ name: 'web-other', replicas: 3 });
      assert.equal(newReplicaSetFor(deployment(), [existing], new Set(['web-other'])).existing, existing);
    });

    it('gets another hash when its name is taken by an unrelated set', () => {
      const r = newReplicaSetFor(deployment(), [], new Set([NEW]));
      assert.equal(r.collisionCount, 1);
      assert.equal(r.create?.metadata.name, `web-${templateHash(template(), 1)}`);
    });
  });

  describe('one sync of the rollout', () => {
    const cases: [string, KubeObject, KubeObject[], string[], string][] = [
      ['creates the new set at full size', deployment(), [], [`+${NEW}=3`], NEW],
      ['scales up within maxSurge', deployment({ replicas: 5 }), [replicaSet({ name: NEW, replicas: 3 })], [`${NEW}=5`], NEW],
      ['scales down', deployment({ replicas: 1 }), [replicaSet({ name: NEW, replicas: 3 })], [`${NEW}=1`], NEW],
      ['leaves a settled deployment alone', deployment(), [replicaSet({ name: NEW, replicas: 3, revision: 1 })], [], NEW],
      [
        'starts a rollout with maxSurge more pods',
        deployment(),
        [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0' })],
        [`+${NEW}=1`],
        NEW,
      ],
      [
        'scales the old set down as new pods become available',
        deployment(),
        [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0' }), replicaSet({ name: NEW, replicas: 1, available: 1, revision: 2 })],
        ['web-old=2'],
        NEW,
      ],
      [
        'waits while new pods are not available and no more may be unavailable',
        deployment(),
        [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0' }), replicaSet({ name: NEW, replicas: 1, available: 0, revision: 2 })],
        [],
        NEW,
      ],
      [
        'first drops old pods that are unavailable anyway',
        deployment({ replicas: 4 }),
        [replicaSet({ name: 'web-old', replicas: 4, available: 1, image: 'nginx:1.0' }), replicaSet({ name: NEW, replicas: 1, available: 1, revision: 2, desired: 4 })],
        ['web-old=2'],
        NEW,
      ],
      [
        'Recreate: old pods go first, and the new set waits for them',
        deployment({ strategy: { type: 'Recreate' } }),
        [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0' })],
        ['web-old=0'],
        '',
      ],
      [
        'Recreate: then the new set comes at full size',
        deployment({ strategy: { type: 'Recreate' } }),
        [replicaSet({ name: 'web-old', replicas: 0, current: 0, image: 'nginx:1.0' })],
        [`+${NEW}=3`],
        NEW,
      ],
      ['paused: no new set for a new template', deployment({ paused: true }), [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0' })], [], ''],
      ['paused: the current set still scales', deployment({ paused: true, replicas: 5 }), [replicaSet({ name: NEW, replicas: 3 })], [`${NEW}=5`], NEW],
      [
        'removes idle old sets beyond revisionHistoryLimit',
        deployment({ revisionHistoryLimit: 1 }),
        [
          replicaSet({ name: 'web-a', replicas: 0, current: 0, image: 'nginx:1.0', revision: 1 }),
          replicaSet({ name: 'web-b', replicas: 0, current: 0, image: 'nginx:1.1', revision: 2 }),
          replicaSet({ name: NEW, replicas: 3, revision: 3 }),
        ],
        ['-web-a'],
        NEW,
      ],
    ];
    for (const [what, d, sets, want, newName] of cases) {
      it(what, () => {
        const plan = planDeployment(d, sets, new Set(sets.map((s) => s.metadata.name ?? '')));
        assert.deepEqual(summary(plan), want);
        assert.equal(plan.newName, newName);
      });
    }

    it('gives the new set the next revision and the replica annotations', () => {
      const plan = planDeployment(deployment(), [replicaSet({ name: 'web-old', replicas: 3, image: 'nginx:1.0', revision: 4 })], new Set());
      assert.deepEqual(plan.create?.metadata.annotations, {
        'deployment.kubernetes.io/revision': '5',
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
      });
      assert.equal(plan.revision, '5', 'the Deployment carries its current set\'s revision');
    });

    it('keeps the revision of a current set that is already the newest', () => {
      const current = replicaSet({ name: NEW, replicas: 3, current: 3, revision: 7 });
      const plan = planDeployment(deployment(), [current, replicaSet({ name: 'web-b', replicas: 0, image: 'nginx:1.1', revision: 6 })], new Set());
      assert.equal(plan.revision, '7');
    });

    it('bumps the revision of an old set that becomes current again (rollback)', () => {
      const back = replicaSet({ name: NEW, replicas: 0, current: 0, revision: 1 });
      const plan = planDeployment(deployment(), [back, replicaSet({ name: 'web-b', replicas: 3, image: 'nginx:1.1', revision: 2 })], new Set());
      assert.equal(plan.updates[0]?.name, NEW);
      assert.equal(plan.updates[0]?.annotations['deployment.kubernetes.io/revision'], '3');
      assert.equal(plan.revision, '3');
    });
  });
});
