/**
 * The storage conformance suite: what every Backend must do, run against each implementation
 * (the apiserver's RunTest* and abstract-level's shared suite are the model).
 */
import assert from 'node:assert/strict';
import {
  createKey,
  deleteKey,
  isStorageError,
  listenToWatch,
  updateKey,
  type Backend,
  type Watch,
  type WatchControl,
  type StorageErrorCode,
  type WatchEvent,
} from '../../storage/index.js';

export interface BackendFactory {
  readonly name: string;
  /** A fresh, empty store. `maxQueuedEvents` bounds a watcher's backlog where the backend supports it. */
  open(options?: { maxQueuedEvents?: number }): Promise<Backend>;
  /** Closes `backend` and opens the same store again, for backends that persist. */
  reopen?(backend: Backend): Promise<Backend>;
  /** Removes what open() created. */
  cleanup?(): Promise<void>;
  /**
   * The revision counter belongs to a store shared beyond what open() returns (etcd: one
   * counter for the whole cluster), so a fresh store starts wherever that counter stands rather
   * than at 1. Tests then check revisions relative to the one at open.
   */
  readonly sharesRevisions?: boolean;
  /**
   * Concurrent transactions may commit in another order than they were submitted (etcd: each is
   * its own request, proposed as it reaches the leader). Otherwise the first one submitted wins.
   */
  readonly reordersConcurrentWrites?: boolean;
}

const enc = (s: string): Uint8Array => Buffer.from(s);
const dec = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v).toString());

async function rejectsWith(p: Promise<unknown>, code: StorageErrorCode): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    assert.ok(isStorageError(err, code), `expected StorageError ${code}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected StorageError ${code}, but it resolved`);
}

/** Reads a watch until `until` says stop, or the time runs out. */
async function collect(
  watch: AsyncIterable<WatchEvent[]>,
  until: (all: WatchEvent[]) => boolean,
  timeoutMs = 5000,
): Promise<WatchEvent[]> {
  const all: WatchEvent[] = [];
  const timer = setTimeout(() => (watch as { close?: () => void }).close?.(), timeoutMs);
  try {
    for await (const batch of watch) {
      all.push(...batch);
      if (until(all)) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return all;
}

interface Pushed {
  readonly events: WatchEvent[];
  /** Resolves with end()'s argument (undefined for a quiet end). */
  readonly ended: Promise<unknown>;
  readonly control: WatchControl;
  /** Batches seen, so a test can tell a pause from a slow producer. */
  batches: number;
}

/** Consumes a watch by push; `accept` says whether each batch leaves the listener ready for more. */
function push(watch: Watch, accept: (batch: WatchEvent[], all: WatchEvent[]) => boolean = () => true): Pushed {
  const events: WatchEvent[] = [];
  let endedWith: (e: unknown) => void = () => {};
  const ended = new Promise<unknown>((resolve) => (endedWith = resolve));
  let ends = 0;
  const pushed: Pushed = {
    events,
    ended,
    batches: 0,
    control: listenToWatch(watch, {
      next(batch) {
        assert.equal(ends, 0, 'no batch after end()');
        pushed.batches++;
        events.push(...batch);
        return accept(batch, events);
      },
      end(err) {
        ends++;
        assert.equal(ends, 1, 'end() is called once');
        endedWith(err);
      },
    }),
  };
  return pushed;
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !cond(); ) {
    if (Date.now() > deadline) assert.fail('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function runStorageConformance(factory: BackendFactory): void {
  describe(`storage conformance: ${factory.name}`, function () {
    let backend: Backend;
    const opened: Backend[] = [];
    const open = async (options?: { maxQueuedEvents?: number }): Promise<Backend> => {
      const b = await factory.open(options);
      opened.push(b);
      return b;
    };

    beforeEach(async () => {
      backend = await open();
    });
    afterEach(async () => {
      for (const b of opened.splice(0)) await b.close();
      await factory.cleanup?.();
    });

    describe('revisions', () => {
      it('starts at revision 1 and every write takes the next revision', async () => {
        const base = backend.currentRevision();
        if (!factory.sharesRevisions) assert.equal(base, 1);
        assert.ok(Number.isSafeInteger(base) && base >= 1);
        const revs: number[] = [];
        for (let i = 0; i < 10; i++) revs.push(await createKey(backend, `/r/${i}`, enc(`v${i}`)));
        assert.deepEqual(revs, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((r) => base - 1 + r));
        assert.equal(backend.currentRevision(), base + 10);
      });

      it('tracks createRevision, modRevision and version per key', async () => {
        const c = await createKey(backend, '/k', enc('1'));
        const u1 = await updateKey(backend, '/k', enc('2'), c);
        const u2 = await updateKey(backend, '/k', enc('3'), u1);
        const kv = await backend.get('/k');
        assert.deepEqual(
          { createRevision: kv?.createRevision, modRevision: kv?.modRevision, version: kv?.version, value: dec(kv?.value) },
          { createRevision: c, modRevision: u2, version: 3, value: '3' },
        );
        const { revision } = await deleteKey(backend, '/k');
        const again = await createKey(backend, '/k', enc('4'));
        assert.ok(again > revision);
        const kv2 = await backend.get('/k');
        assert.equal(kv2?.createRevision, again);
        assert.equal(kv2?.version, 1);
      });

      it('does not consume a revision for a transaction that changes nothing', async () => {
        const ra = await createKey(backend, '/a', enc('x'));
        const before = backend.currentRevision();
        const r = await backend.txn({ compare: [], success: [{ type: 'delete', key: '/missing' }] });
        assert.equal(r.succeeded, true);
        assert.equal(r.revision, before);
        const failed = await backend.txn({
          // A revision that is certainly not /a's, wherever the counter started.
          compare: [{ key: '/a', target: 'modRevision', result: '=', value: ra + 998 }],
          success: [{ type: 'put', key: '/a', value: enc('y') }],
        });
        assert.equal(failed.succeeded, false);
        assert.equal(backend.currentRevision(), before);
      });
    });

    describe('create, update, delete', () => {
      it('refuses to create an existing key and reports the current value', async () => {
        await createKey(backend, '/c', enc('first'));
        const err = (await rejectsWith(createKey(backend, '/c', enc('second')), 'KeyExists')) as { current?: { value: Uint8Array } };
        assert.equal(dec(err.current?.value), 'first');
        assert.equal(dec((await backend.get('/c'))?.value), 'first');
      });

      it('fails a stale compare-and-swap and returns the current value', async () => {
        const r1 = await createKey(backend, '/cas', enc('a'));
        const r2 = await updateKey(backend, '/cas', enc('b'), r1);
        const err = (await rejectsWith(updateKey(backend, '/cas', enc('c'), r1), 'Conflict')) as {
          current?: { value: Uint8Array; modRevision: number };
        };
        assert.equal(err.current?.modRevision, r2);
        assert.equal(dec(err.current?.value), 'b');
      });

      it('reports KeyNotFound for an update or delete of a missing key', async () => {
        await rejectsWith(updateKey(backend, '/nope', enc('x'), 5), 'KeyNotFound');
        await rejectsWith(deleteKey(backend, '/nope'), 'KeyNotFound');
      });

      it('deletes conditionally and returns the deleted value', async () => {
        const r = await createKey(backend, '/d', enc('gone soon'));
        await rejectsWith(deleteKey(backend, '/d', r + 100), 'Conflict');
        const { deleted, revision } = await deleteKey(backend, '/d', r);
        assert.equal(dec(deleted.value), 'gone soon');
        assert.equal(revision, r + 1);
        assert.equal(await backend.get('/d'), undefined);
      });

      it('applies multi-key transactions all or nothing', async () => {
        const ra = await createKey(backend, '/m/a', enc('a0'));
        const rb = await createKey(backend, '/m/b', enc('b0'));
        const failed = await backend.txn({
          compare: [
            { key: '/m/a', target: 'modRevision', result: '=', value: ra },
            { key: '/m/b', target: 'modRevision', result: '=', value: rb + 12345 },
          ],
          success: [
            { type: 'put', key: '/m/a', value: enc('a1') },
            { type: 'delete', key: '/m/b' },
            { type: 'put', key: '/m/c', value: enc('c1') },
          ],
        });
        assert.equal(failed.succeeded, false);
        assert.deepEqual([...failed.kvs.keys()].sort(), ['/m/a', '/m/b']);
        assert.deepEqual((await backend.range('/m/')).kvs.map((kv) => `${kv.key}=${dec(kv.value)}`), ['/m/a=a0', '/m/b=b0']);

        const ok = await backend.txn({
          compare: [{ key: '/m/a', target: 'modRevision', result: '=', value: ra }],
          success: [
            { type: 'put', key: '/m/a', value: enc('a1') },
            { type: 'delete', key: '/m/b' },
            { type: 'put', key: '/m/c', value: enc('c1') },
          ],
        });
        assert.equal(ok.succeeded, true);
        const kvs = (await backend.range('/m/')).kvs;
        assert.deepEqual(kvs.map((kv) => `${kv.key}=${dec(kv.value)}@${kv.modRevision}`), [
          `/m/a=a1@${ok.revision}`,
          `/m/c=c1@${ok.revision}`,
        ]);
        assert.equal(dec(ok.kvs.get('/m/b')?.value), 'b0', 'previous values are returned');
      });

      it('lets exactly one of 100 concurrent compare-and-swaps on one key win each revision', async () => {
        const start = await createKey(backend, '/hot', enc('0'));
        const results = await Promise.allSettled(
          Array.from({ length: 100 }, (_, i) => updateKey(backend, '/hot', enc(String(i + 1)), start)),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results) if (r.status === 'rejected') assert.ok(isStorageError(r.reason, 'Conflict'));
        const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
        if (!factory.reordersConcurrentWrites) assert.equal(winner, 1, 'the first one submitted wins');
        assert.equal(dec((await backend.get('/hot'))?.value), String(winner));

        // Retrying losers: every update lands exactly once, each on its own revision.
        let next = start + 1;
        const revisions = await Promise.all(
          Array.from({ length: 50 }, async () => {
            for (;;) {
              const cur = await backend.get('/hot');
              try {
                return await updateKey(backend, '/hot', enc(String(Number(dec(cur!.value)) + 1)), cur!.modRevision);
              } catch (err) {
                if (!isStorageError(err, 'Conflict')) throw err;
              }
            }
          }),
        );
        assert.equal(new Set(revisions).size, 50, 'no two winners share a revision');
        const final = await backend.get('/hot');
        assert.equal(dec(final?.value), String(winner + 50));
        assert.equal(final?.version, 52);
        next += 50;
        assert.equal(final?.modRevision, next);
      });
    });

    describe('reads', () => {
      it('reads a key as of a past revision', async () => {
        const r1 = await createKey(backend, '/h', enc('v1'));
        const r2 = await updateKey(backend, '/h', enc('v2'), r1);
        const { revision: r3 } = await deleteKey(backend, '/h');
        await createKey(backend, '/other', enc('x'));
        assert.equal(await backend.get('/h', { revision: r1 - 1 }), undefined);
        assert.equal(dec((await backend.get('/h', { revision: r1 }))?.value), 'v1');
        assert.equal(dec((await backend.get('/h', { revision: r2 }))?.value), 'v2');
        assert.equal((await backend.get('/h', { revision: r2 }))?.modRevision, r2);
        assert.equal(await backend.get('/h', { revision: r3 }), undefined);
        assert.equal(await backend.get('/h'), undefined);
      });

      it('ranges over a prefix in byte order and honours the prefix boundary', async () => {
        for (const k of ['/p/b', '/p/a', '/p/c/x', '/p0', '/q/a', '/p/\u00e9', '/p/Z']) await createKey(backend, k, enc(k));
        const r = await backend.range('/p/', { count: true });
        assert.deepEqual(r.kvs.map((kv) => kv.key), ['/p/Z', '/p/a', '/p/b', '/p/c/x', '/p/\u00e9']);
        assert.equal(r.count, 5);
        assert.equal(r.more, false);
        assert.equal(r.revision, backend.currentRevision());
      });

      it('pages with limit and fromKey at one consistent revision while writes go on', async () => {
        for (let i = 0; i < 50; i++) await createKey(backend, `/page/${String(i).padStart(3, '0')}`, enc(`v${i}`));
        const first = await backend.range('/page/', { limit: 10, count: true });
        assert.equal(first.kvs.length, 10);
        assert.equal(first.more, true);
        assert.equal(first.count, 50);
        const rev = first.revision;

        // Concurrent churn: updates, deletes and inserts all over the keyspace.
        const churn = (async () => {
          for (let i = 0; i < 50; i += 3) {
            const key = `/page/${String(i).padStart(3, '0')}`;
            const cur = await backend.get(key);
            if (i % 2 === 0) await updateKey(backend, key, enc('changed'), cur!.modRevision);
            else await deleteKey(backend, key);
            await createKey(backend, `/page/${String(i).padStart(3, '0')}a`, enc('inserted'));
          }
        })();

        const seen = [...first.kvs];
        let page = first;
        while (page.more) {
          const last = page.kvs[page.kvs.length - 1]!.key;
          page = await backend.range('/page/', { revision: rev, limit: 10, fromKey: `${last}\0`, count: true });
          assert.equal(page.revision, rev);
          // Counted from fromKey, at the page's revision (what remainingItemCount is made of).
          assert.equal(page.count, 50 - seen.length);
          seen.push(...page.kvs);
        }
        await churn;
        assert.equal(seen.length, 50);
        seen.forEach((kv, i) => {
          assert.equal(kv.key, `/page/${String(i).padStart(3, '0')}`);
          assert.equal(dec(kv.value), `v${i}`);
          assert.ok(kv.modRevision <= rev);
        });
        // The same snapshot in one read, and the current state differs from it.
        const whole = await backend.range('/page/', { revision: rev });
        assert.deepEqual(whole.kvs.map((kv) => dec(kv.value)), seen.map((kv) => dec(kv.value)));
        const now = await backend.range('/page/');
        assert.notDeepEqual(now.kvs.map((kv) => kv.key), whole.kvs.map((kv) => kv.key));
      });

      it('refuses a revision from the future', async () => {
        await createKey(backend, '/f', enc('x'));
        const future = backend.currentRevision() + 10;
        await rejectsWith(backend.get('/f', { revision: future }), 'FutureRevision');
        await rejectsWith(backend.range('/', { revision: future }), 'FutureRevision');
      });
    });

    describe('watch', () => {
      it('replays history from an old revision, then goes live, with no gap or duplicate under concurrent writers', async () => {
        const start = backend.currentRevision() + 1;
        for (let i = 0; i < 20; i++) await createKey(backend, `/w/seed${i}`, enc('s'));
        const writers = Array.from({ length: 8 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 25; i++) await createKey(backend, `/w/${w}/${i}`, enc(`${w}-${i}`));
          })(),
        );
        // Subscribe while the writers run: part of what it sees is history, part live.
        await new Promise((r) => setTimeout(r, 5));
        const expected = 20 + 8 * 25;
        const watchAll = backend.watch('/w/', { startRevision: start });
        const gathering = collect(watchAll, (all) => all.length >= expected);
        await Promise.all(writers);
        const events = await gathering;
        watchAll.close();
        assert.equal(events.length, expected);
        const revs = events.map((e) => e.kv.modRevision);
        for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `strictly increasing at ${i}`);
        assert.equal(revs[0], start);
        assert.equal(revs[revs.length - 1], backend.currentRevision());
        assert.equal(new Set(events.map((e) => e.kv.key)).size, expected);
      });

      it('reports puts with the previous value and deletes with the deleted value', async () => {
        const watch = backend.watch('/e/');
        const r1 = await createKey(backend, '/e/x', enc('1'));
        await updateKey(backend, '/e/x', enc('2'), r1);
        await deleteKey(backend, '/e/x');
        await createKey(backend, '/not-watched', enc('z'));
        const events = await collect(watch, (all) => all.length >= 3);
        watch.close();
        assert.deepEqual(
          events.map((e) => [e.type, dec(e.kv.value), dec(e.prevKv?.value)]),
          [
            ['put', '1', undefined],
            ['put', '2', '1'],
            ['delete', '', '2'],
          ],
        );
        assert.equal(events[2]!.kv.modRevision, r1 + 2);
      });

      it('replays each event with the value it wrote and the one it replaced, whatever became of the key later', async () => {
        // Enough events to span several replay chunks; keys updated, deleted and re-created in
        // the replayed range, and some changed again after the replay's end, while it runs.
        const live = backend.watch('/h/');
        const start = backend.currentRevision() + 1;
        const revs = new Map<string, number>();
        const put = async (key: string, value: string): Promise<void> => {
          const mod = revs.get(key);
          revs.set(key, mod === undefined ? await createKey(backend, key, enc(value)) : await updateKey(backend, key, enc(value), mod));
        };
        // Transactions of several puts, some of whose keys change later and some not
        // (t1b only after the replayed range, so the replay holds its transaction back).
        for (let i = 0; i < 300; i++) {
          const keys = [`/h/t${i}a`, `/h/t${i}b`, `/h/t${i}c`];
          const r = await backend.txn({ compare: [], success: keys.map((key) => ({ type: 'put', key, value: enc(`t${key}`) })) });
          for (const key of keys) revs.set(key, r.revision);
          if (i % 4 === 0) await put(keys[1]!, `changed${i}`);
        }
        const n = 1500;
        for (let i = 0; i < n; i++) await put(`/h/${i}`, `c${i}`);
        for (let i = 0; i < n; i += 3) await put(`/h/${i}`, `u${i}`);
        for (let i = 0; i < n; i += 7) await put(`/h/${i}`, `v${i}`);
        for (let i = 0; i < n; i += 5) {
          await deleteKey(backend, `/h/${i}`);
          revs.delete(`/h/${i}`);
        }
        for (let i = 0; i < n; i += 10) await put(`/h/${i}`, `r${i}`);
        const replay = backend.watch('/h/', { startRevision: start });
        const later = (async () => {
          await put('/h/t1b', 'later');
          for (let i = 1; i < 200; i += 2) if (revs.has(`/h/${i}`)) await put(`/h/${i}`, `later${i}`);
        })();
        await later;
        const total = backend.currentRevision() - start + 1;
        const shape = (es: WatchEvent[]) => es.map((e) => [e.type, e.kv.key, e.kv.modRevision, dec(e.kv.value), dec(e.prevKv?.value)]);
        const ends: number[] = [];
        const replayed: WatchEvent[] = [];
        const reading = (async () => {
          for await (const batch of replay) {
            if (replayed.length > 0) assert.notEqual(batch[0]!.kv.modRevision, ends.at(-1), 'a transaction split over two batches');
            replayed.push(...batch);
            ends.push(batch.at(-1)!.kv.modRevision);
            if (new Set(replayed.map((e) => e.kv.modRevision)).size >= total) break;
          }
        })();
        const seen = await collect(live, (all) => new Set(all.map((e) => e.kv.modRevision)).size >= total);
        await Promise.race([reading, new Promise((r) => setTimeout(r, 10_000))]);
        replay.close();
        live.close();
        assert.equal(new Set(seen.map((e) => e.kv.modRevision)).size, total);
        assert.ok(ends.length > 1, 'replayed in several batches');
        assert.deepEqual(shape(replayed), shape(seen));
      });

      it('delivers only events at or after a start revision in the future', async () => {
        const start = backend.currentRevision() + 3;
        const watch = backend.watch('/fut/', { startRevision: start });
        const revs: number[] = [];
        for (let i = 0; i < 6; i++) revs.push(await createKey(backend, `/fut/${i}`, enc(String(i))));
        const events = await collect(watch, (all) => all.length >= 4);
        watch.close();
        assert.deepEqual(events.map((e) => e.kv.modRevision), revs.filter((r) => r >= start));
      });

      it('only delivers keys under its prefix', async () => {
        const watch = backend.watch('/ns/a/');
        await createKey(backend, '/ns/ab', enc('no'));
        await createKey(backend, '/ns/b/x', enc('no'));
        await createKey(backend, '/ns/a/x', enc('yes'));
        const events = await collect(watch, (all) => all.length >= 1);
        watch.close();
        assert.deepEqual(events.map((e) => e.kv.key), ['/ns/a/x']);
      });

      it('ends quietly when aborted', async () => {
        const ac = new AbortController();
        const watch = backend.watch('/', { signal: ac.signal });
        const done = collect(watch, () => false, 10_000);
        await createKey(backend, '/x', enc('1'));
        setTimeout(() => ac.abort(), 20);
        const events = await done;
        assert.ok(events.length <= 1);
      });

      it('ends a watcher that falls too far behind, while writers and other watchers go on', async () => {
        const small = await open({ maxQueuedEvents: 50 });
        const base = small.currentRevision();
        if (!factory.sharesRevisions) assert.equal(base, 1);
        const stalled = small.watch('/s/');
        const stalledIt = stalled[Symbol.asyncIterator]();
        const healthy = small.watch('/s/');
        const healthyDone = collect(healthy, (all) => all.length >= 200);
        // Several commit groups: a backlog builds up only across groups.
        for (let wave = 0; wave < 5; wave++) {
          await Promise.all(Array.from({ length: 40 }, (_, i) => createKey(small, `/s/${wave}-${i}`, enc('v'))));
        }
        assert.equal((await healthyDone).length, 200, 'the healthy watcher saw everything');
        healthy.close();
        const err = (await rejectsWith(stalledIt.next(), 'WatcherTooSlow')) as { revision?: number };
        assert.equal(typeof err.revision, 'number', 'the error says where to resume from');
        assert.equal(small.currentRevision(), base + 200);
      });
    });

    describe('watch, pushed to a listener', () => {
      it('replays history, then goes live, with no gap or duplicate under concurrent writers', async () => {
        const start = backend.currentRevision() + 1;
        for (let i = 0; i < 20; i++) await createKey(backend, `/p/seed${i}`, enc('s'));
        const writers = Array.from({ length: 8 }, (_, w) =>
          (async () => {
            for (let i = 0; i < 25; i++) await createKey(backend, `/p/${w}/${i}`, enc(`${w}-${i}`));
          })(),
        );
        await new Promise((r) => setTimeout(r, 5));
        const watch = backend.watch('/p/', { startRevision: start });
        const got = push(watch);
        await Promise.all(writers);
        await until(() => got.events.length >= 220);
        got.control.close();
        assert.equal(await got.ended, undefined, 'closing ends it quietly');
        const revs = got.events.map((e) => e.kv.modRevision);
        assert.equal(revs.length, 220);
        for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!, `strictly increasing at ${i}`);
        assert.equal(revs[0], start);
        assert.equal(revs[revs.length - 1], backend.currentRevision());
      });

      it('holds batches while the listener is paused and delivers them in order on resume', async () => {
        const watch = backend.watch('/q/');
        let paused = false;
        const got = push(watch, (_batch, all) => paused || !(paused = all.length >= 2));
        const revs: number[] = [];
        for (let i = 0; i < 6; i++) revs.push(await createKey(backend, `/q/${i}`, enc(String(i))));
        await until(() => got.events.length >= 2);
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(got.events.length, 2, 'nothing is delivered while paused');
        got.control.resume();
        await until(() => got.events.length >= 6);
        assert.deepEqual(got.events.map((e) => e.kv.modRevision), revs);
        got.control.resume();
        got.control.close();
        assert.equal(await got.ended, undefined);
      });

      it('ends a paused watch quietly when it is closed or aborted', async () => {
        const ac = new AbortController();
        const aborted = push(backend.watch('/r/', { signal: ac.signal }), () => false);
        const closed = push(backend.watch('/r/'), () => false);
        await createKey(backend, '/r/a', enc('1'));
        await createKey(backend, '/r/b', enc('2'));
        await until(() => aborted.events.length >= 1 && closed.events.length >= 1);
        ac.abort();
        closed.control.close();
        assert.equal(await aborted.ended, undefined);
        assert.equal(await closed.ended, undefined);
      });

      it('cuts off a paused listener that falls too far behind, while a live one sees everything', async () => {
        const small = await open({ maxQueuedEvents: 50 });
        const stalled = push(small.watch('/s/'), () => false);
        const healthy = push(small.watch('/s/'));
        for (let wave = 0; wave < 5; wave++) {
          await Promise.all(Array.from({ length: 40 }, (_, i) => createKey(small, `/s/${wave}-${i}`, enc('v'))));
        }
        await until(() => healthy.events.length >= 200);
        healthy.control.close();
        assert.equal(await healthy.ended, undefined);
        stalled.control.resume();
        const err = (await stalled.ended) as { revision?: number };
        assert.ok(isStorageError(err, 'WatcherTooSlow'), `expected WatcherTooSlow, got ${String(err)}`);
        assert.equal(err.revision, stalled.events[stalled.events.length - 1]!.kv.modRevision, 'resume after the last event it took');
      });

      it('ends with Compacted for a start below the compact revision', async () => {
        const r1 = await createKey(backend, '/c/a', enc('1'));
        const r2 = await updateKey(backend, '/c/a', enc('2'), r1);
        await backend.compact(r2);
        const got = push(backend.watch('/c/', { startRevision: r1 }));
        assert.ok(isStorageError(await got.ended, 'Compacted'));
        assert.equal(got.events.length, 0);
      });

      it('ends only the watch whose listener throws', async () => {
        const bad = push(backend.watch('/t/'), () => {
          throw new Error('listener failed');
        });
        const good = push(backend.watch('/t/'));
        await createKey(backend, '/t/1', enc('1'));
        await createKey(backend, '/t/2', enc('2'));
        assert.match(String(await bad.ended), /listener failed/);
        await until(() => good.events.length >= 2);
        good.control.close();
        assert.equal(await good.ended, undefined);
      });
    });

    describe('compaction', () => {
      it('drops history below the compact revision and says so with Compacted', async () => {
        const r1 = await createKey(backend, '/c/a', enc('1'));
        const r2 = await updateKey(backend, '/c/a', enc('2'), r1);
        const r3 = await updateKey(backend, '/c/a', enc('3'), r2);
        await createKey(backend, '/c/b', enc('b'));
        await backend.compact(r3);
        assert.equal(backend.compactRevision(), r3);

        const e1 = (await rejectsWith(backend.get('/c/a', { revision: r2 }), 'Compacted')) as { revision?: number };
        assert.equal(e1.revision, r3);
        await rejectsWith(backend.range('/c/', { revision: r1 }), 'Compacted');
        const old = backend.watch('/c/', { startRevision: r2 });
        const e2 = (await rejectsWith(old[Symbol.asyncIterator]().next(), 'Compacted')) as { revision?: number };
        assert.equal(e2.revision, r3);

        // At and above the compact revision, history is intact.
        assert.equal(dec((await backend.get('/c/a', { revision: r3 }))?.value), '3');
        const fromCompact = backend.watch('/c/', { startRevision: r3 });
        const events = await collect(fromCompact, (all) => all.length >= 2);
        fromCompact.close();
        assert.deepEqual(events.map((e) => dec(e.kv.value)), ['3', 'b']);
        // Current data is untouched.
        assert.deepEqual((await backend.range('/c/')).kvs.map((kv) => dec(kv.value)), ['3', 'b']);
      });

      it('treats compacting at or below the compact revision as a no-op and refuses the future', async () => {
        const r = await createKey(backend, '/n', enc('x'));
        await backend.compact(r);
        await backend.compact(r - 1);
        assert.equal(backend.compactRevision(), r);
        await rejectsWith(backend.compact(r + 5), 'FutureRevision');
      });
    });

    describe('bad input', () => {
      const cases: [string, () => Promise<unknown>, StorageErrorCode][] = [
        ['a non-string key', () => backend.txn({ compare: [], success: [{ type: 'put', key: 42 as never, value: enc('x') }] }), 'InvalidArgument'],
        ['an empty key', () => backend.txn({ compare: [], success: [{ type: 'put', key: '', value: enc('x') }] }), 'InvalidArgument'],
        ['a string value', () => backend.txn({ compare: [], success: [{ type: 'put', key: '/k', value: 'x' as never }] }), 'InvalidArgument'],
        ['a missing value', () => backend.txn({ compare: [], success: [{ type: 'put', key: '/k' } as never] }), 'InvalidArgument'],
        ['an oversized value', () => createKey(backend, '/big', new Uint8Array(3 * 1024 * 1024 + 1)), 'TooLarge'],
        ['an oversized key', () => createKey(backend, '/'.repeat(5000), enc('x')), 'TooLarge'],
        ['a lone surrogate in a key', () => createKey(backend, '/\ud800', enc('x')), 'InvalidArgument'],
        ['a duplicate key in one transaction', () =>
          backend.txn({ compare: [], success: [{ type: 'put', key: '/d', value: enc('1') }, { type: 'delete', key: '/d' }] }), 'InvalidArgument'],
        ['an unknown operation', () => backend.txn({ compare: [], success: [{ type: 'rename', key: '/k' } as never] }), 'InvalidArgument'],
        ['an unknown compare target', () =>
          backend.txn({ compare: [{ key: '/k', target: 'size' as never, result: '=', value: 0 }], success: [] }), 'InvalidArgument'],
        ['a non-array success list', () => backend.txn({ compare: [], success: null as never }), 'InvalidArgument'],
        ['a non-string get key', () => backend.get(undefined as never), 'InvalidArgument'],
        ['a negative revision', () => backend.get('/k', { revision: -1 }), 'InvalidArgument'],
        ['a fractional revision', () => backend.range('/', { revision: 1.5 }), 'InvalidArgument'],
      ];
      for (const [what, call, code] of cases) {
        it(`rejects ${what} with ${code} and leaves the store untouched`, async () => {
          await createKey(backend, '/keep', enc('kept'));
          const rev = backend.currentRevision();
          await rejectsWith(call(), code);
          assert.equal(backend.currentRevision(), rev);
          assert.equal(dec((await backend.get('/keep'))?.value), 'kept');
        });
      }
    });

    if (factory.reopen) {
      const reopen = factory.reopen.bind(factory);
      describe('persistence', () => {
        it('keeps data, history, the revision counter and the compact revision across reopen', async () => {
          const r1 = await createKey(backend, '/p/a', enc('1'));
          const r2 = await updateKey(backend, '/p/a', enc('2'), r1);
          await createKey(backend, '/p/b', enc('b'));
          await deleteKey(backend, '/p/b');
          await backend.compact(r1);
          const rev = backend.currentRevision();
          backend = await reopen(backend);
          opened.push(backend);
          assert.equal(backend.currentRevision(), rev);
          assert.equal(backend.compactRevision(), r1);
          assert.equal(dec((await backend.get('/p/a', { revision: r1 }))?.value), '1');
          assert.equal(dec((await backend.get('/p/a'))?.value), '2');
          assert.equal((await backend.get('/p/a'))?.modRevision, r2);
          const history = await collect(backend.watch('/p/', { startRevision: r1 }), (all) => all.length >= 4);
          assert.deepEqual(history.map((e) => `${e.type}:${e.kv.key}`), ['put:/p/a', 'put:/p/a', 'put:/p/b', 'delete:/p/b']);
          assert.equal(await createKey(backend, '/p/c', enc('c')), rev + 1);
        });

        it('knows after reopen which keys exist: creates of existing keys conflict, deleted ones can be created again', async () => {
          for (let i = 0; i < 50; i++) await createKey(backend, `/k/${i}`, enc(`v${i}`));
          await deleteKey(backend, '/k/7');
          backend = await reopen(backend);
          opened.push(backend);
          const err = (await rejectsWith(createKey(backend, '/k/3', enc('again')), 'KeyExists')) as { current?: { value: Uint8Array } };
          assert.equal(dec(err.current?.value), 'v3');
          assert.equal(dec((await backend.get('/k/49'))?.value), 'v49');
          assert.equal(await backend.get('/k/7'), undefined);
          assert.equal(await backend.get('/k/50'), undefined);
          const r = await createKey(backend, '/k/7', enc('back'));
          assert.equal((await backend.get('/k/7'))?.modRevision, r);
        });
      });
    }
  });
}
