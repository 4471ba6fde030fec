import assert from 'node:assert/strict';
import { aggregateStatus, decideStatus, type StatusDecision, type StatusRequest } from '../../../src/kubestellar/status/decide.js';
import { MULTIWEC_STATUS_LABEL, SINGLETON_STATUS_LABEL } from '../../../src/kubestellar/well-known.js';

const s1 = { replicas: 1, availableReplicas: 1 };
const s2 = { replicas: 2, availableReplicas: 0 };
const s3 = { replicas: 3, availableReplicas: 3 };

/** Statuses per WEC: c1..c3 returned a status, nul returned a WorkStatus without status; "gone" returned nothing. */
const returned = new Map<string, unknown>([
  ['c1', s1],
  ['c2', s2],
  ['c3', s3],
  ['nul', null],
]);

function req(over: Partial<StatusRequest>): StatusRequest {
  return {
    group: 'apps',
    resource: 'deployments',
    kind: 'Deployment',
    wantSingleton: false,
    wantMulti: false,
    singletonWecs: new Set(),
    multiWecs: new Set(),
    statuses: returned,
    hasSingletonLabel: false,
    hasMultiLabel: false,
    ...over,
  };
}

const copy = (status: Record<string, unknown>): StatusDecision => ({ action: 'copy', status, label: SINGLETON_STATUS_LABEL });
const aggregate = (status: Record<string, unknown>): StatusDecision => ({ action: 'aggregate', status, label: MULTIWEC_STATUS_LABEL });
const CLEAR: StatusDecision = { action: 'clear' };
const NONE: StatusDecision = { action: 'none' };
const set = (...xs: string[]): Set<string> => new Set(xs);
const labelled = { hasSingletonLabel: true };

const agg12 = aggregateStatus('apps', 'Deployment', [s1, s2])!;
const agg123 = aggregateStatus('apps', 'Deployment', [s1, s2, s3])!;

describe('decideStatus (spec §4.4)', () => {
  const cases: [string, Partial<StatusRequest>, StatusDecision][] = [
    // singleton + multi: S ∪ M decides
    ['both, S∪M = 1 → copy', { wantSingleton: true, wantMulti: true, singletonWecs: set('c1'), multiWecs: set('c1') }, copy(s1)],
    ['both, S∪M = 2 → aggregate over the union', { wantSingleton: true, wantMulti: true, singletonWecs: set('c1'), multiWecs: set('c2') }, aggregate(agg12)],
    ['both, S∪M = 3', { wantSingleton: true, wantMulti: true, singletonWecs: set('c1', 'c2'), multiWecs: set('c3') }, aggregate(agg123)],
    ['both, S∪M = 0, labelled → clear', { wantSingleton: true, wantMulti: true, ...labelled }, CLEAR],
    ['both, S∪M = 0, unlabelled → none', { wantSingleton: true, wantMulti: true }, NONE],
    // singleton only
    ['singleton, |S| = 1 → copy', { wantSingleton: true, singletonWecs: set('c2') }, copy(s2)],
    ['singleton, |S| = 2 → clear when labelled', { wantSingleton: true, singletonWecs: set('c1', 'c2'), ...labelled }, CLEAR],
    ['singleton, |S| = 2, unlabelled → none', { wantSingleton: true, singletonWecs: set('c1', 'c2') }, NONE],
    ['singleton, |S| = 0 → clear when labelled', { wantSingleton: true, hasMultiLabel: true }, CLEAR],
    ['singleton, M not requested is ignored', { wantSingleton: true, singletonWecs: set('c1'), multiWecs: set('c2', 'c3') }, copy(s1)],
    // multi only
    ['multi, |M| = 1 → copy (singleton label)', { wantMulti: true, multiWecs: set('c3') }, copy(s3)],
    ['multi, |M| > 1 → aggregate', { wantMulti: true, multiWecs: set('c1', 'c2') }, aggregate(agg12)],
    ['multi, |M| = 0 → clear when labelled', { wantMulti: true, hasMultiLabel: true }, CLEAR],
    ['multi, S not requested is ignored', { wantMulti: true, multiWecs: set('c1', 'c2'), singletonWecs: set('c3') }, aggregate(agg12)],
    // neither
    ['neither, labelled → clear', { ...labelled }, CLEAR],
    ['neither, multi label → clear', { hasMultiLabel: true }, CLEAR],
    ['neither, unlabelled → none', {}, NONE],
    // copy: what the one WEC returned
    ['copy: no WorkStatus in the WEC → clear', { wantSingleton: true, singletonWecs: set('gone'), ...labelled }, CLEAR],
    ['copy: no WorkStatus, unlabelled → none', { wantSingleton: true, singletonWecs: set('gone') }, NONE],
    ['copy: WorkStatus with null status → leave as is', { wantSingleton: true, singletonWecs: set('nul'), ...labelled }, NONE],
    // aggregate: only non-null statuses count
    ['aggregate: one status among the WECs → copy with the singleton label', { wantMulti: true, multiWecs: set('c2', 'nul', 'gone') }, copy(s2)],
    ['aggregate: no status at all → clear', { wantMulti: true, multiWecs: set('nul', 'gone'), hasMultiLabel: true }, CLEAR],
    ['aggregate: no status, unlabelled → none', { wantMulti: true, multiWecs: set('nul', 'gone') }, NONE],
    ['aggregate: other kinds are not updated', { kind: 'StatefulSet', resource: 'statefulsets', wantMulti: true, multiWecs: set('c1', 'c2'), hasMultiLabel: true }, NONE],
    ['aggregate: Jobs are not updated', { group: 'batch', kind: 'Job', resource: 'jobs', wantMulti: true, multiWecs: set('c1', 'c2') }, NONE],
    ['aggregate: the kind is derived from the resource when absent', { kind: undefined, wantMulti: true, multiWecs: set('c1', 'c2') }, aggregate(agg12)],
    ['aggregate: a Deployment kind outside apps is not aggregated', { group: 'example.com', wantMulti: true, multiWecs: set('c1', 'c2') }, NONE],
    // the WDS keeps authority over these statuses
    ['never for Namespaces', { group: '', resource: 'namespaces', kind: 'Namespace', wantSingleton: true, singletonWecs: set('c1') }, NONE],
    ['never for Namespaces, even to clear', { group: '', resource: 'namespaces', kind: 'Namespace', ...labelled }, NONE],
    [
      'never for CRDs',
      { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', wantMulti: true, multiWecs: set('c1', 'c2') },
      NONE,
    ],
    ['a core kind other than Namespace is copied', { group: '', resource: 'configmaps', kind: 'ConfigMap', wantSingleton: true, singletonWecs: set('c1') }, copy(s1)],
  ];
  for (const [name, over, want] of cases) {
    it(name, () => assert.deepEqual(decideStatus(req(over)), want));
  }

  it('aggregation does not depend on set order ("first condition" is by sorted WEC name)', () => {
    const stalled = (wec: string): Record<string, unknown> => ({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: wec }] });
    const statuses = new Map<string, unknown>([
      ['b', stalled('b')],
      ['a', stalled('a')],
    ]);
    const one = decideStatus(req({ wantMulti: true, multiWecs: set('b', 'a'), statuses }));
    const two = decideStatus(req({ wantMulti: true, multiWecs: set('a', 'b'), statuses }));
    assert.deepEqual(one, two);
    assert.equal(one.action === 'aggregate' && (one.status['conditions'] as { message: string }[])[0]?.message, 'a');
  });
});

describe('aggregateStatus (spec §4.4)', () => {
  it('Deployment: MIN of the counts and generation, MAX of unavailable, the first deadline condition', () => {
    const deadline = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'stuck' };
    const got = aggregateStatus('apps', 'Deployment', [
      { replicas: 3, updatedReplicas: 3, availableReplicas: 2, readyReplicas: 2, unavailableReplicas: 1, observedGeneration: 4, conditions: [{ type: 'Available', status: 'True' }] },
      { replicas: 3, updatedReplicas: 1, availableReplicas: 3, readyReplicas: 3, unavailableReplicas: 2, observedGeneration: 5, conditions: [{ type: 'Progressing', reason: 'NewReplicaSetAvailable' }, deadline] },
    ]);
    const want = { availableReplicas: 2, conditions: [deadline], observedGeneration: 4, readyReplicas: 2, replicas: 3, unavailableReplicas: 2, updatedReplicas: 1 };
    assert.deepEqual(got, want);
    assert.equal(JSON.stringify(got), JSON.stringify(want), 'members in Go (alphabetical) order');
  });

  it('Deployment: no deadline condition gives []; absent fields give 0; non-integers are ignored', () => {
    assert.deepEqual(aggregateStatus('apps', 'Deployment', [{ replicas: 2, readyReplicas: 1.5, conditions: [{ type: 'Progressing', reason: 'ReplicaSetUpdated' }] }, { replicas: '1', readyReplicas: 4 }]), {
      availableReplicas: 0,
      conditions: [],
      observedGeneration: 0,
      readyReplicas: 4,
      replicas: 2,
      unavailableReplicas: 0,
      updatedReplicas: 0,
    });
  });

  it('ReplicaSet: MIN of the counts, the first ReplicaFailure condition', () => {
    const failure = { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate' };
    assert.deepEqual(
      aggregateStatus('apps', 'ReplicaSet', [
        { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 },
        { replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1, conditions: [failure] },
      ]),
      { availableReplicas: 0, conditions: [failure], fullyLabeledReplicas: 1, observedGeneration: 1, readyReplicas: 0, replicas: 2 },
    );
  });

  it('DaemonSet: MIN of the counts, MAX of misscheduled, no conditions', () => {
    assert.deepEqual(
      aggregateStatus('apps', 'DaemonSet', [
        { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberReady: 3, observedGeneration: 2, updatedNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, conditions: [{ type: 'X' }] },
        { currentNumberScheduled: 1, desiredNumberScheduled: 2, numberReady: 0, observedGeneration: 2, updatedNumberScheduled: 1, numberMisscheduled: 1 },
      ]),
      { currentNumberScheduled: 1, desiredNumberScheduled: 2, numberAvailable: 3, numberMisscheduled: 1, numberReady: 0, observedGeneration: 2, updatedNumberScheduled: 1 },
    );
  });

  it('other kinds and groups: no aggregate', () => {
    for (const [group, kind] of [
      ['apps', 'StatefulSet'],
      ['batch', 'Job'],
      ['', 'Pod'],
      ['example.com', 'Deployment'],
    ] as const) {
      assert.equal(aggregateStatus(group, kind, [{}, {}]), undefined, `${group}/${kind}`);
    }
  });

  it('does not alias the conditions of its inputs', () => {
    const cond = { type: 'ReplicaFailure' };
    const got = aggregateStatus('apps', 'ReplicaSet', [{ conditions: [cond] }, {}]);
    assert.notEqual((got?.['conditions'] as unknown[])[0], cond);
  });
});
