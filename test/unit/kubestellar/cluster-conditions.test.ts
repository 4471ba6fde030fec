import assert from 'node:assert/strict';
import { mergeConditions, wantedClusterConditions } from '../../../src/kubestellar/hub/cluster-conditions.js';

const now = new Date('2026-11-23T12:00:00Z');

describe('hub cluster conditions', () => {
  const table: { name: string; accepted: boolean; renewedSecondsAgo?: number; want: Record<string, string> }[] = [
    { name: 'not accepted', accepted: false, want: { HubAcceptedManagedCluster: 'False' } },
    { name: 'accepted, agent never seen', accepted: true, want: { HubAcceptedManagedCluster: 'True' } },
    {
      name: 'accepted, fresh lease',
      accepted: true,
      renewedSecondsAgo: 10,
      want: { HubAcceptedManagedCluster: 'True', ManagedClusterJoined: 'True', ManagedClusterConditionAvailable: 'True' },
    },
    {
      name: 'accepted, lease stale for over five durations',
      accepted: true,
      renewedSecondsAgo: 301,
      want: { HubAcceptedManagedCluster: 'True', ManagedClusterJoined: 'True', ManagedClusterConditionAvailable: 'Unknown' },
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = wantedClusterConditions({
        accepted: t.accepted,
        renewTime: t.renewedSecondsAgo === undefined ? undefined : new Date(now.getTime() - t.renewedSecondsAgo * 1000),
        leaseDurationSeconds: 60,
        now,
      });
      assert.deepEqual(Object.fromEntries(got.map((c) => [c.type, c.status])), t.want);
    });
  }

  it('keeps the transition time while a status stays the same', () => {
    const old = [{ type: 'A', status: 'True' as const, reason: 'R', message: 'm', lastTransitionTime: 'then' }];
    assert.equal(mergeConditions(old, [{ type: 'A', status: 'True', reason: 'R2', message: 'm2' }], 'now')[0]!.lastTransitionTime, 'then');
    assert.equal(mergeConditions(old, [{ type: 'A', status: 'False', reason: 'R', message: 'm' }], 'now')[0]!.lastTransitionTime, 'now');
  });
});
