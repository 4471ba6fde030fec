/**
 * Runs the storage conformance suite against every backend: memory, LevelDB in a temp dir, and
 * etcd (a throwaway etcd, when the binary is on PATH).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEtcd, type EtcdServer } from '../../bench/lib/etcd.js';
import {
  DEFAULT_LIMITS,
  createKey,
  isStorageError,
  openBackend,
  updateKey,
  type Backend,
} from '../../storage/index.js';
import type { EtcdBackend } from '../../storage/etcd/backend.js';
import type { WatchEvent } from '../../storage/index.js';
import { runStorageConformance } from './storage.suite.js';

runStorageConformance({
  name: 'memory',
  open: (options) => openBackend('memory://', options),
});

const dirs: string[] = [];
const paths = new WeakMap<Backend, string>();
runStorageConformance({
  name: 'leveldb',
  async open(options) {
    const dir = await mkdtemp(join(tmpdir(), 'ks-conformance-'));
    dirs.push(dir);
    const backend = await openBackend(`leveldb://${dir}`, options);
    paths.set(backend, dir);
    return backend;
  },
  async reopen(backend) {
    const dir = paths.get(backend)!;
    await backend.close();
    const again = await openBackend(`leveldb://${dir}`);
    paths.set(again, dir);
    return again;
  },
  async cleanup() {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  },
});

/*
 * etcd: one throwaway etcd for the whole suite, and a fresh prefix per open() so every test gets
 * an empty store. Revisions are etcd's (one counter for the cluster), hence `sharesRevisions`.
 */
describe('etcd storage', function () {
  let etcd: EtcdServer | undefined;
  let opened = 0;
  const urls = new WeakMap<Backend, string>();
  const freshUrl = (): string => `etcd://${new URL(etcd!.endpoint).host}/conformance-${process.pid}-${++opened}`;

  before(async function () {
    this.timeout(30_000);
    etcd = await startEtcd({
      // The port accepts values up to 3 MiB (etcd's default request limit is 1.5 MiB) and
      // transactions far beyond etcd's default 128 operations.
      extraArgs: ['--max-request-bytes', String(8 * 1024 * 1024), '--max-txn-ops', '10000'],
    });
    if (etcd === undefined) {
      if (process.env['CI']) throw new Error('no etcd binary on PATH: CI installs etcd, so the etcd storage suite must run');
      console.warn('      skipping the etcd storage suite: no etcd binary on PATH (install etcd 3.4+ to run it)');
      this.skip();
    }
  });
  after(async () => {
    await etcd?.stop();
  });

  runStorageConformance({
    name: 'etcd',
    sharesRevisions: true,
    reordersConcurrentWrites: true,
    async open(options) {
      const url = freshUrl();
      const backend = await openBackend(url, options);
      urls.set(backend, url);
      return backend;
    },
    async reopen(backend) {
      const url = urls.get(backend)!;
      await backend.close();
      const again = await openBackend(url);
      urls.set(again, url);
      return again;
    },
  });

  describe('etcd backend: replicas and installs sharing one etcd', () => {
    const backends: Backend[] = [];
    const open = async (url: string): Promise<Backend> => {
      const b = await openBackend(url);
      backends.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of backends.splice(0)) await b.close();
    });
    const enc = (s: string): Uint8Array => Buffer.from(s);
    const until = async (what: string, ok: () => boolean, ms = 1000): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > deadline) assert.fail(`${what} within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 2));
      }
    };

    it('two backends on one prefix see each other\'s writes, in watches and in currentRevision', async () => {
      const url = freshUrl();
      const a = await open(url);
      const b = await open(url);
      const watch = b.watch('/shared/');
      const seen = (async () => {
        for await (const batch of watch) return batch;
        return [];
      })();
      const rev = await createKey(a, '/shared/x', enc('from a'));
      const events = await Promise.race([seen, new Promise<never>((_, j) => setTimeout(() => j(new Error('no event on B')), 2000))]);
      assert.deepEqual(events.map((e) => [e.type, e.kv.key, Buffer.from(e.kv.value).toString(), e.kv.modRevision]), [
        ['put', '/shared/x', 'from a', rev],
      ]);
      await until('B learns A\'s write revision', () => b.currentRevision() >= rev);

      // Without any watch of its own, B still learns of A's writes from its background watch.
      const rev2 = await updateKey(a, '/shared/x', enc('again'), rev);
      await until('B learns A\'s second write revision', () => b.currentRevision() >= rev2);
      assert.equal(Buffer.from((await b.get('/shared/x'))!.value).toString(), 'again');
    });

    it('a replica learns the compact revision another replica recorded', async () => {
      const url = freshUrl();
      const a = await open(url);
      const b = await open(url);
      const r = await createKey(a, '/c', enc('1'));
      await a.compact(r);
      await until('B learns the compaction', () => b.compactRevision() === r);
      const c = await open(url);
      assert.equal(c.compactRevision(), r, 'read back at open');
    });

    it('installs on different prefixes do not see each other, but share etcd\'s compaction', async () => {
      const x = await open(freshUrl());
      const y = await open(freshUrl());
      const yWatch = y.watch('/');
      const ry = await createKey(y, '/k', enc('y1'));
      await updateKey(y, '/k', enc('y2'), ry);
      const rx = await createKey(x, '/k', enc('x'));
      assert.deepEqual((await y.range('/')).kvs.map((kv) => Buffer.from(kv.value).toString()), ['y2']);
      assert.deepEqual((await x.range('')).kvs.map((kv) => kv.key), ['/k']);
      const yEvents: string[] = [];
      for await (const batch of yWatch) {
        yEvents.push(...batch.map((e) => Buffer.from(e.kv.value).toString()));
        if (yEvents.length >= 2) break;
      }
      assert.deepEqual(yEvents, ['y1', 'y2']);

      // x compacts the whole etcd at rx; y finds out from etcd when it reaches below it.
      await x.compact(rx);
      const err = await y.get('/k', { revision: ry }).then(
        () => assert.fail('expected Compacted'),
        (e: unknown) => e,
      );
      assert.ok(isStorageError(err, 'Compacted'), String(err));
      assert.equal(err.revision, rx);
      assert.equal(y.compactRevision(), rx);
      const old = y.watch('/', { startRevision: ry })[Symbol.asyncIterator]();
      await old.next().then(
        () => assert.fail('expected Compacted'),
        (e: unknown) => assert.ok(isStorageError(e, 'Compacted') && e.revision === rx, String(e)),
      );
    });

    it('stores a value as large as the port allows', async () => {
      const b = await open(freshUrl());
      const big = new Uint8Array(DEFAULT_LIMITS.maxValueBytes).fill(7);
      await createKey(b, '/big', big);
      assert.equal((await b.get('/big'))?.value.byteLength, big.byteLength);
    });

    it('ends its watches quietly on close and refuses calls afterwards', async () => {
      const b = await openBackend(freshUrl());
      const watch = b.watch('/');
      const ended = (async () => {
        for await (const _ of watch) {
          // nothing is written
        }
        return 'ended';
      })();
      await b.close();
      assert.equal(await ended, 'ended');
      await assert.rejects(b.get('/x'), (e) => isStorageError(e, 'Unavailable'));
      await assert.rejects(createKey(b, '/x', enc('1')), (e) => isStorageError(e, 'Unavailable'));
    });

    it('reports an unreachable etcd as Unavailable', async () => {
      const port = await freePort();
      const started = Date.now();
      await assert.rejects(openBackend(`etcd://127.0.0.1:${port}`, { retryForMs: 300 }), (e) => isStorageError(e, 'Unavailable'));
      assert.ok(Date.now() - started < 5000, 'gives up once its retry budget is spent');
    });
  });

  /*
   * One shared etcd watch serves every watcher of a backend from a window of recent events; only
   * a watch from before the window gets an etcd watch of its own.
   */
  describe('etcd backend: shared watch and event window', () => {
    const backends: EtcdBackend[] = [];
    const open = async (url: string, options: { watchWindowEvents?: number } = {}): Promise<EtcdBackend> => {
      const b = (await openBackend(url, options)) as EtcdBackend;
      backends.push(b);
      return b;
    };
    afterEach(async () => {
      for (const b of backends.splice(0)) await b.close();
    });
    const enc = (s: string): Uint8Array => Buffer.from(s);
    const dec = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v).toString());
    /** What a consumer can check of an event: everything but the bytes' identity. */
    const view = (e: WatchEvent): string =>
      `${e.type} ${e.kv.key}=${dec(e.kv.value)}@${e.kv.modRevision}/${e.kv.createRevision}/v${e.kv.version} prev=${e.prevKv ? `${dec(e.prevKv.value)}@${e.prevKv.modRevision}` : '-'}`;
    /** Reads until `count` events have arrived; fails on a timeout instead of hanging. */
    const take = async (watch: AsyncIterable<WatchEvent[]> & { close(): void }, count: number, ms = 5000): Promise<WatchEvent[]> => {
      const all: WatchEvent[] = [];
      const timer = setTimeout(() => watch.close(), ms);
      try {
        for await (const batch of watch) {
          all.push(...batch);
          if (all.length >= count) break;
        }
      } finally {
        clearTimeout(timer);
      }
      assert.equal(all.length, count, `got ${all.length} of ${count} events before the timeout`);
      return all;
    };
    /** A mix of creates, updates and deletes (one event under `/w/` each), and writes elsewhere. */
    const churn = async (b: Backend, tag: string, n: number): Promise<void> => {
      for (let i = 0; i < n; i++) {
        const key = `/w/${i % 4}`;
        const cur = await b.get(key);
        if (cur === undefined) await createKey(b, key, enc(`${tag}${i}`));
        else if (i % 5 === 0) await b.txn({ compare: [], success: [{ type: 'delete', key }] });
        else await updateKey(b, key, enc(`${tag}${i}`), cur.modRevision);
        if (i % 3 === 0) await createKey(b, `/other/${tag}${i}`, enc('x'));
      }
    };
    /** The events under `/w/` in [from, to], built from reads at each revision: independent of any watch. */
    const history = async (b: EtcdBackend, from: number, to: number): Promise<string[]> => {
      const out: string[] = [];
      for (let rev = from; rev <= to; rev++) {
        const now = await b.range('/w/', { revision: rev });
        const before = rev > 1 ? await b.range('/w/', { revision: rev - 1 }) : { kvs: [] };
        const prev = new Map(before.kvs.map((kv) => [kv.key, kv]));
        const cur = new Map(now.kvs.map((kv) => [kv.key, kv]));
        for (const key of [...new Set([...prev.keys(), ...cur.keys()])].sort()) {
          const p = prev.get(key);
          const c = cur.get(key);
          if (c && c.modRevision === rev) {
            out.push(view(p ? { type: 'put', kv: c, prevKv: p } : { type: 'put', kv: c }));
          } else if (!c && p) {
            out.push(view({ type: 'delete', kv: { key, value: new Uint8Array(0), createRevision: 0, modRevision: rev, version: 0 }, prevKv: p }));
          }
        }
      }
      return out;
    };

    it('serves 200 watchers from one etcd watch stream', async () => {
      const b = await open(freshUrl());
      assert.equal(b.etcdWatchStreams(), 1, 'the shared watch is up once open resolves');
      const watches = Array.from({ length: 200 }, () => b.watch('/fan/'));
      assert.equal(b.watcherCount(), 200);
      const gathered = watches.map((w) => take(w, 20));
      const revs: number[] = [];
      for (let i = 0; i < 20; i++) revs.push(await createKey(b, `/fan/${i}`, enc(String(i))));
      await createKey(b, '/not-fan', enc('x'));
      const results = await Promise.all(gathered);
      for (const events of results) assert.deepEqual(events.map((e) => e.kv.modRevision), revs);
      assert.equal(b.etcdWatchStreams(), 1, 'still one etcd watch');
      for (const w of watches) w.close();
      assert.equal(b.watcherCount(), 0);
    });

    it('replays a watch from within the window exactly, then goes on live', async () => {
      const b = await open(freshUrl());
      const first = b.currentRevision() + 1;
      await churn(b, 'a', 30);
      const mid = first + 10;
      const upTo = b.currentRevision();
      const expected = await history(b, mid, upTo);
      assert.ok(mid > b.watchWindowStart(), 'the start is inside the window');
      const watch = b.watch('/w/', { startRevision: mid });
      assert.equal(b.etcdWatchStreams(), 1, 'served by the shared watch');
      // Live writes (one event under /w/ each) while it replays: no gap, no duplicate at the seam.
      const gathering = take(watch, expected.length + 10);
      await churn(b, 'b', 10);
      const got = (await gathering).map(view);
      watch.close();
      assert.deepEqual(got.slice(0, expected.length), expected);
      assert.deepEqual(got, await history(b, mid, b.currentRevision()));
      assert.equal(b.etcdWatchStreams(), 1);
    });

    it('falls back to its own etcd watch for a start before the window, still exactly', async () => {
      const b = await open(freshUrl(), { watchWindowEvents: 5 });
      const first = b.currentRevision() + 1;
      await churn(b, 'a', 30);
      assert.ok(b.watchWindowStart() > first, 'the window has moved past the first writes');
      const expected = await history(b, first, b.currentRevision());
      const old = b.watch('/w/', { startRevision: first });
      // Its stream opens asynchronously.
      for (const deadline = Date.now() + 2000; b.etcdWatchStreams() < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 2));
      assert.equal(b.etcdWatchStreams(), 2, 'a dedicated etcd watch');
      const got = await take(old, expected.length);
      assert.deepEqual(got.map(view), expected);
      old.close();
      assert.equal(b.etcdWatchStreams(), 1, 'the dedicated watch is gone with its watcher');

      // Right after the window's start it is the shared watch again, and as exact.
      const edge = b.watchWindowStart() + 1;
      const tail = await history(b, edge, b.currentRevision());
      const recent = b.watch('/w/', { startRevision: edge });
      assert.equal(b.etcdWatchStreams(), 1);
      if (tail.length > 0) assert.deepEqual((await take(recent, tail.length)).map(view), tail);
      recent.close();
    });

    it('fans another replica\'s writes out to its watchers', async () => {
      const url = freshUrl();
      const a = await open(url);
      const b = await open(url);
      const watches = Array.from({ length: 50 }, () => b.watch('/r/'));
      const gathered = watches.map((w) => take(w, 10));
      const revs: number[] = [];
      for (let i = 0; i < 10; i++) revs.push(await createKey(a, `/r/${i}`, enc(`from a ${i}`)));
      for (const events of await Promise.all(gathered)) {
        assert.deepEqual(events.map((e) => [e.kv.modRevision, dec(e.kv.value)]), revs.map((r, i) => [r, `from a ${i}`]));
      }
      assert.equal(b.etcdWatchStreams(), 1);
      assert.ok(b.currentRevision() >= revs[revs.length - 1]!);
      // B replays A's writes from its window too.
      const replay = await take(b.watch('/r/', { startRevision: revs[3]! }), 7);
      assert.deepEqual(replay.map((e) => e.kv.modRevision), revs.slice(3));
    });

    it('answers Compacted for a start below a known compaction even while the window still holds it', async () => {
      const b = await open(freshUrl());
      const r1 = await createKey(b, '/c/a', enc('1'));
      const r2 = await updateKey(b, '/c/a', enc('2'), r1);
      await b.compact(r2);
      const it = b.watch('/c/', { startRevision: r1 })[Symbol.asyncIterator]();
      await it.next().then(
        () => assert.fail('expected Compacted'),
        (e: unknown) => assert.ok(isStorageError(e, 'Compacted') && e.revision === r2, String(e)),
      );
    });
  });
});
