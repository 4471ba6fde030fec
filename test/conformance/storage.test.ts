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
});
