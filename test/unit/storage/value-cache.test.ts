import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevelBackend } from '../../../storage/leveldb/open.js';
import { openMemoryBackend } from '../../../storage/memory/open.js';
import { ValueCache } from '../../../storage/engine/value-cache.js';
import type { Backend, KeyValue } from '../../../storage/index.js';

const kv = (key: string, bytes: number, modRevision = 2): KeyValue => ({ key, value: new Uint8Array(bytes), createRevision: 2, modRevision, version: 1 });
const text = (v: KeyValue | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v.value).toString('utf8'));

describe('ValueCache', () => {
  it('evicts the least recently used entries beyond its byte budget', () => {
    const cache = new ValueCache(3 * (1000 + 160 + 4));
    for (const k of ['/a', '/b', '/c']) cache.set(kv(k, 1000));
    assert.equal(cache.size, 3);
    cache.get('/a'); // now /b is the least recently used
    cache.set(kv('/d', 1000));
    assert.deepEqual(['/a', '/b', '/c', '/d'].map((k) => cache.get(k) !== undefined), [true, false, true, true]);
    assert.ok(cache.bytes <= 3 * 1164);
  });

  it('still evicts when every entry was read since the last eviction, oldest first', () => {
    const cache = new ValueCache(3 * (1000 + 160 + 4));
    for (const k of ['/a', '/b', '/c']) cache.set(kv(k, 1000));
    for (const k of ['/c', '/b', '/a']) cache.get(k);
    cache.set(kv('/d', 1000));
    assert.deepEqual(['/a', '/b', '/c', '/d'].map((k) => cache.get(k) !== undefined), [false, true, true, true]);
    cache.set(kv('/e', 3000));
    assert.deepEqual(['/a', '/b', '/c', '/d', '/e'].map((k) => cache.get(k) !== undefined), [false, false, false, false, true], 'the newest stays even if it needs the whole budget');
  });

  it('replaces a key in place and forgets deleted keys', () => {
    const cache = new ValueCache(10_000);
    cache.set(kv('/a', 100, 2));
    cache.set(kv('/a', 200, 3));
    assert.equal(cache.size, 1);
    assert.equal(cache.get('/a')?.modRevision, 3);
    assert.equal(cache.bytes, 200 + 4 + 160);
    cache.delete('/a');
    assert.equal(cache.get('/a'), undefined);
    assert.equal(cache.bytes, 0);
  });

  it('holds a copy with the KeyValue fields only (the event\'s own KeyValue is not kept)', () => {
    const cache = new ValueCache(10_000);
    const original = kv('/a', 10, 7);
    cache.set(original);
    const cached = cache.get('/a')!;
    assert.notEqual(cached, original);
    assert.deepEqual({ ...cached }, original);
    assert.deepEqual(Object.keys(cached), ['key', 'value', 'createRevision', 'modRevision', 'version']);
    const big = { ...original, key: '/b', createRevision: 2 ** 40, modRevision: 2 ** 40 + 1, version: 3 };
    cache.set(big);
    assert.deepEqual({ ...cache.get('/b') }, big, 'revisions beyond small integers are kept as they are');
  });

  it('never holds a value larger than its budget, nor anything with a zero budget', () => {
    const cache = new ValueCache(500);
    cache.set(kv('/small', 10));
    cache.set(kv('/small', 1000));
    assert.equal(cache.get('/small'), undefined, 'the stale smaller value is dropped, not kept');
    const off = new ValueCache(0);
    off.set(kv('/a', 1));
    assert.equal(off.size, 0);
  });
});

/** The engine's point reads through the value cache, on both databases it runs on. */
for (const name of ['memory', 'leveldb'] as const) {
  describe(`LogBackend point reads with a value cache (${name})`, () => {
    let backend: Backend;
    let dir: string | undefined;
    beforeEach(async () => {
      if (name === 'memory') backend = await openMemoryBackend({ valueCacheBytes: 4096 });
      else {
        dir = await mkdtemp(join(tmpdir(), 'value-cache-'));
        backend = await openLevelBackend(join(dir, 'db'), { valueCacheBytes: 4096 });
      }
    });
    afterEach(async () => {
      await backend.close();
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    const put = (key: string, value: string) => backend.txn({ compare: [], success: [{ type: 'put', key, value: Buffer.from(value) }] });
    const del = (key: string) => backend.txn({ compare: [], success: [{ type: 'delete', key }] });

    it('answers every read with the value as of the revision asked for, across overwrites and deletes', async () => {
      const r1 = (await put('/k', 'one')).revision;
      assert.equal(text(await backend.get('/k')), 'one');
      const r2 = (await put('/k', 'two')).revision;
      assert.equal(text(await backend.get('/k')), 'two');
      assert.equal(text(await backend.get('/k', { revision: r1 })), 'one', 'an older revision is not answered from the cache');
      const r3 = (await del('/k')).revision;
      assert.equal(await backend.get('/k'), undefined);
      assert.equal(text(await backend.get('/k', { revision: r2 })), 'two');
      await put('/k', 'three');
      const now = await backend.get('/k');
      assert.equal(text(now), 'three');
      assert.equal(now?.createRevision, r3 + 1, 'recreated: a new create revision');
      assert.equal(now?.version, 1);
    });

    it("keeps its own record of a value, not the KeyValue its watchers were handed (whatever they hang on that dies with the event)", async () => {
      const watch = backend.watch('/w');
      const first = watch[Symbol.asyncIterator]().next();
      await put('/w', 'v');
      const events = (await first).value as { kv: KeyValue }[];
      watch.close();
      const cached = await backend.get('/w');
      assert.equal(text(cached), 'v');
      assert.notEqual(cached, events[0]!.kv);
    });

    it('keeps a value that fills its own buffer, and copies a slice of a larger one', async () => {
      const own = Buffer.from(new Uint8Array(Buffer.from('own')).buffer);
      await backend.txn({ compare: [], success: [{ type: 'put', key: '/own', value: own }] });
      assert.equal((await backend.get('/own'))?.value, own, 'kept as handed over');
      const slab = Buffer.from('xxsliceyy');
      await backend.txn({ compare: [], success: [{ type: 'put', key: '/slice', value: slab.subarray(2, 7) }] });
      slab.fill(0);
      const read = await backend.get('/slice');
      assert.equal(text(read), 'slice');
      assert.equal(read?.value.byteLength, read?.value.buffer.byteLength, 'a buffer of its own, not the slab');
    });

    it('evaluates transactions against cached values exactly as against stored ones', async () => {
      const created = await put('/c', 'v1');
      assert.equal(text(await backend.get('/c')), 'v1'); // cached now
      const stale = await backend.txn({ compare: [{ key: '/c', target: 'modRevision', result: '=', value: created.revision - 1 }], success: [{ type: 'put', key: '/c', value: Buffer.from('x') }] });
      assert.equal(stale.succeeded, false);
      assert.equal(text(stale.kvs.get('/c')), 'v1');
      const fresh = await backend.txn({ compare: [{ key: '/c', target: 'modRevision', result: '=', value: created.revision }], success: [{ type: 'put', key: '/c', value: Buffer.from('v2') }] });
      assert.equal(fresh.succeeded, true);
      assert.equal(text(fresh.kvs.get('/c')), 'v1', 'the previous value comes back');
      assert.equal((await backend.get('/c'))?.version, 2);
    });

    it('stays exact when the budget holds fewer keys than are written', async () => {
      for (let i = 0; i < 40; i++) await put(`/many/${i}`, `value-${i}-${'x'.repeat(200)}`);
      for (let i = 39; i >= 0; i--) assert.equal(text(await backend.get(`/many/${i}`))?.slice(0, 9), `value-${i}-`.padEnd(9, 'x').slice(0, 9));
      for (let i = 0; i < 40; i += 2) await put(`/many/${i}`, `new-${i}`);
      for (let i = 0; i < 40; i++) assert.equal(text(await backend.get(`/many/${i}`))?.startsWith(i % 2 === 0 ? `new-${i}` : `value-${i}-`), true);
    });

    it('answers ranges with the values as of the revision asked for, cached or not', async () => {
      // A budget of 4096 bytes holds a few of these: some values come from the cache, the rest
      // from LevelDB's snapshot.
      for (let i = 0; i < 20; i++) await put(`/r/${String(i).padStart(2, '0')}`, `a${i}-${'x'.repeat(300)}`);
      const before = backend.currentRevision();
      for (let i = 0; i < 20; i += 3) await put(`/r/${String(i).padStart(2, '0')}`, `b${i}`);
      for (let i = 1; i < 20; i += 5) await del(`/r/${String(i).padStart(2, '0')}`);
      await put('/r/99', 'new');
      const then = await backend.range('/r/', { revision: before });
      assert.deepEqual(
        then.kvs.map((kv) => `${kv.key}=${text(kv)!.split('-')[0]}@${kv.modRevision}`),
        Array.from({ length: 20 }, (_, i) => `/r/${String(i).padStart(2, '0')}=a${i}@${before - 19 + i}`),
      );
      const now = await backend.range('/r/');
      const expected = new Map<string, string>();
      for (let i = 0; i < 20; i++) if (i % 5 !== 1) expected.set(`/r/${String(i).padStart(2, '0')}`, i % 3 === 0 ? `b${i}` : `a${i}`);
      expected.set('/r/99', 'new');
      assert.deepEqual(new Map(now.kvs.map((kv) => [kv.key, text(kv)!.split('-')[0]!])), expected);
      const page = await backend.range('/r/', { revision: before, fromKey: '/r/05', limit: 4 });
      assert.deepEqual(page.kvs.map((kv) => kv.key), ['/r/05', '/r/06', '/r/07', '/r/08']);
      assert.equal(page.more, true);
    });

    it('ranges racing a stream of commits each see one revision exactly', async () => {
      const model = new Map<number, Map<string, string>>();
      let state = new Map<string, string>();
      const write = async (key: string, value: string | undefined): Promise<void> => {
        const r = value === undefined ? await del(key) : await put(key, value);
        // Recorded once the write returns: every revision up to it is in the model by then.
        state = new Map(state);
        if (value === undefined) state.delete(key);
        else state.set(key, value);
        model.set(r.revision, state);
      };
      await write('/q/seed', 'seed');
      let done = false;
      const writer = (async () => {
        for (let i = 0; i < 60; i++) await write(`/q/${i % 7}`, i % 4 === 3 ? undefined : `v${i}-${'y'.repeat(100 + i)}`);
        done = true;
      })();
      let ranges = 0;
      while (!done) {
        const r = await backend.range('/q/');
        // Compared when the write that made this revision has returned (it is in the model).
        const want = model.get(r.revision);
        if (want !== undefined) {
          assert.deepEqual(new Map(r.kvs.map((kv) => [kv.key, text(kv)!])), want, `range at ${r.revision}`);
          ranges++;
        }
        await new Promise((res) => setImmediate(res));
      }
      await writer;
      for (const [rev, want] of model) {
        const r = await backend.range('/q/', { revision: rev });
        assert.deepEqual(new Map(r.kvs.map((kv) => [kv.key, text(kv)!])), want, `range at revision ${rev} afterwards`);
      }
      assert.ok(ranges > 0, 'some ranges raced the commits');
    });

    it('reads racing a stream of commits see them in order, never going back', async () => {
      await put('/race', 'w-1');
      assert.equal(text(await backend.get('/race')), 'w-1');
      let done = false;
      void (async () => {
        // Two writes in flight at a time, so a group is often stored but not yet visible.
        for (let i = 0; i < 50; i += 2) await Promise.all([put('/race', `w${i}`), put('/race', `w${i + 1}`)]);
        done = true;
      })();
      const seen: number[] = [];
      while (!done) {
        const v = await backend.get('/race');
        assert.ok(v !== undefined && v.modRevision <= backend.currentRevision(), 'a value not yet visible was read');
        seen.push(Number(text(v)!.slice(1)));
        await new Promise((r) => setImmediate(r));
      }
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, `went back from w${seen[i - 1]} to w${seen[i]}`);
      assert.equal(text(await backend.get('/race')), 'w49');
      assert.ok(seen.length > 1, 'some reads raced the commits');
    });
  });
}
