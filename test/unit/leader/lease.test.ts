import assert from 'node:assert/strict';
import { decideLease, released, sameRecord, type LeaseRecord } from '../../../src/leader/lease.js';

const me = { identity: 'a', leaseDurationMs: 10_000 };
const rec = (over: Partial<LeaseRecord> = {}): LeaseRecord => ({
  holderIdentity: 'b',
  leaseDurationSeconds: 10,
  acquireTime: 't0',
  renewTime: 't1',
  leaseTransitions: 3,
  ...over,
});

describe('leader lease decisions', () => {
  const cases: { name: string; record: LeaseRecord | undefined; observedAt: number; now: number; want: string; transitions?: number }[] = [
    { name: 'no record: acquire with 0 transitions', record: undefined, observedAt: 0, now: 5, want: 'acquire', transitions: 0 },
    { name: 'our own record: renew, transitions kept', record: rec({ holderIdentity: 'a' }), observedAt: 0, now: 50_000, want: 'renew', transitions: 3 },
    { name: 'released record: acquire at once', record: rec({ holderIdentity: '' }), observedAt: 1000, now: 1001, want: 'acquire', transitions: 4 },
    { name: 'live holder: wait', record: rec(), observedAt: 1000, now: 10_999, want: 'wait' },
    { name: 'holder silent for its whole duration: take over', record: rec(), observedAt: 1000, now: 11_000, want: 'acquire', transitions: 4 },
    { name: "the holder's own (longer) duration counts, not ours", record: rec({ leaseDurationSeconds: 60 }), observedAt: 0, now: 30_000, want: 'wait' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decideLease({ record: c.record, observedAt: c.observedAt }, me, c.now, 'now');
      assert.equal(d.action, c.want);
      if (d.action !== 'wait') {
        assert.equal(d.record.holderIdentity, 'a');
        assert.equal(d.record.renewTime, 'now');
        assert.equal(d.record.leaseTransitions, c.transitions);
        assert.equal(d.record.acquireTime, d.action === 'renew' ? 't0' : 'now');
      } else {
        assert.equal(d.holder, 'b');
        assert.ok(d.expiresInMs > 0);
      }
    });
  }

  it('judges expiry by when the record last changed, not by the timestamps written in it', () => {
    // A holder whose wall clock is far behind still holds the lease while it keeps renewing.
    const d = decideLease({ record: rec({ renewTime: '1970-01-01T00:00:00Z' }), observedAt: 9_000 }, me, 10_000, 'now');
    assert.equal(d.action, 'wait');
  });

  it('sees a renewal as a change and a re-read of the same record as none', () => {
    assert.ok(sameRecord(rec(), rec()));
    assert.ok(!sameRecord(rec(), rec({ renewTime: 't2' })));
    assert.ok(!sameRecord(rec(), undefined));
    assert.ok(sameRecord(undefined, undefined));
  });

  it('releases by clearing the holder and keeping the history', () => {
    const r = released(rec({ holderIdentity: 'a' }), 'later');
    assert.deepEqual(r, { ...rec(), holderIdentity: '', renewTime: 'later' });
  });
});
