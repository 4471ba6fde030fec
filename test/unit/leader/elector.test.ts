/**
 * The elector over a real in-memory store: one leader at a time, a clean hand-over on stop, and
 * a take-over once a holder falls silent (its store calls start failing, as when partitioned).
 */
import assert from 'node:assert/strict';
import { openBackend, StorageError, type Backend } from '../../../storage/index.js';
import { LeaderElector } from '../../../src/leader/elector.js';
import { eventually } from '../../helpers/eventually.js';

const until = (what: string, cond: () => boolean, timeoutMs = 5000): Promise<true> => eventually(what, async () => cond() || undefined, timeoutMs, 20);

/** The same store, until `cut()`: then every call fails as an unreachable store would. */
function partitionable(backend: Backend): { backend: Backend; cut(): void } {
  let cut = false;
  const proxy = new Proxy(backend, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => (cut && (prop === 'get' || prop === 'txn') ? Promise.reject(new StorageError('Unavailable', 'partitioned')) : (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
  return { backend: proxy, cut: () => (cut = true) };
}

describe('LeaderElector', function () {
  this.timeout(20_000);
  let store: Backend;
  const electors: LeaderElector[] = [];
  beforeEach(async () => {
    store = await openBackend('memory://');
  });
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop();
    await store.close();
  });

  function elector(backend: Backend, id: string, events: string[]): LeaderElector {
    const e = new LeaderElector({
      backend,
      key: '/leases/test',
      identity: id,
      leaseDurationMs: 1500,
      renewDeadlineMs: 1000,
      retryPeriodMs: 100,
      onStartedLeading: () => events.push(`${id}+`),
      onStoppedLeading: () => events.push(`${id}-`),
    });
    electors.push(e);
    e.start();
    return e;
  }

  it('elects exactly one of three candidates and keeps it while it renews', async () => {
    const events: string[] = [];
    const all = ['a', 'b', 'c'].map((id) => elector(store, id, events));
    await until('one leader', () => all.filter((e) => e.leading).length === 1);
    const first = events.slice();
    await new Promise((r) => setTimeout(r, 2000)); // longer than the lease: renewals keep it
    assert.equal(all.filter((e) => e.leading).length, 1);
    assert.deepEqual(events, first);
  });

  it('hands over at once when the leader stops cleanly', async () => {
    const events: string[] = [];
    const a = elector(store, 'a', events);
    await until('a leads', () => a.leading);
    const b = elector(store, 'b', events);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!b.leading);
    const stoppedAt = Date.now();
    await a.stop();
    await until('b leads', () => b.leading);
    assert.ok(Date.now() - stoppedAt < 1000, 'a released lease is taken without waiting out its duration');
    assert.deepEqual(events, ['a+', 'a-', 'b+']);
  });

  it('takes over from a silent leader after the lease duration, and the old leader steps down by its renew deadline', async () => {
    const events: string[] = [];
    const p = partitionable(store);
    const a = elector(p.backend, 'a', events);
    await until('a leads', () => a.leading);
    const b = elector(store, 'b', events);
    await new Promise((r) => setTimeout(r, 300));
    p.cut();
    await until('b leads', () => b.leading);
    assert.ok(!a.leading);
    // The old leader stepped down (renew deadline 1 s) before the new one started (lease 1.5 s).
    assert.deepEqual(events, ['a+', 'a-', 'b+']);
  });
});
