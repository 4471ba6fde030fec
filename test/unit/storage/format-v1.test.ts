import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { Level } from 'level';
import { encodeKv, encodeRevision } from '../../../storage/engine/codec.js';
import { FORMAT, META_COMPACT_REVISION, META_FORMAT, META_REVISION, layoutOf, type RootLevel } from '../../../storage/engine/layout.js';
import { isStorageError, openBackend, updateKey, type WatchEvent } from '../../../storage/index.js';

/** A format v1 log entry of one put, which carries its value (and its previous one). */
function v1Put(key: string, value: string, createRevision: number, version: number, prev?: { value: string; modRevision: number }): Buffer {
  const u48 = (n: number): Buffer => encodeRevision(n);
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const k = Buffer.from(key);
  const parts = [u32(1), Buffer.from([1]), u32(k.length), k, u48(createRevision), u48(version), u32(Buffer.byteLength(value)), Buffer.from(value)];
  if (prev === undefined) parts.push(Buffer.from([0]));
  else parts.push(Buffer.from([1]), u48(createRevision), u48(prev.modRevision), u48(version - 1), u32(Buffer.byteLength(prev.value)), Buffer.from(prev.value));
  const body = Buffer.concat(parts);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([crc, body]);
}

async function withLayout<T>(dir: string, f: (layout: ReturnType<typeof layoutOf>) => Promise<T>): Promise<T> {
  const db = new Level<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  try {
    return await f(layoutOf(db as unknown as RootLevel));
  } finally {
    await db.close();
  }
}

describe('engine: a store written in format v1', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ks-v1-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens as it is: values, history and new writes, and is marked v2', async () => {
    await withLayout(dir, async ({ kv, log, meta }) => {
      await meta.put(META_FORMAT, Buffer.from('kubestellar-log-v1'));
      await meta.put(META_REVISION, encodeRevision(3));
      await meta.put(META_COMPACT_REVISION, encodeRevision(0));
      await log.put(encodeRevision(2), v1Put('/k', 'one', 2, 1));
      await log.put(encodeRevision(3), v1Put('/k', 'two', 2, 2, { value: 'one', modRevision: 2 }));
      await kv.put('/k', encodeKv({ key: '/k', value: Buffer.from('two'), createRevision: 2, modRevision: 3, version: 2 }));
    });

    const backend = await openBackend(`leveldb://${dir}`);
    try {
      assert.equal(backend.currentRevision(), 3);
      assert.equal(Buffer.from((await backend.get('/k'))!.value).toString(), 'two');
      assert.equal(Buffer.from((await backend.get('/k', { revision: 2 }))!.value).toString(), 'one');
      const r4 = await updateKey(backend, '/k', Buffer.from('three'), 3);
      const watch = backend.watch('/k', { startRevision: 2 });
      const seen: WatchEvent[] = [];
      for await (const batch of watch) {
        seen.push(...batch);
        if (seen.length >= 3) break;
      }
      watch.close();
      const text = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v).toString());
      assert.deepEqual(
        seen.map((e) => [e.kv.modRevision, text(e.kv.value), text(e.prevKv?.value)]),
        [
          [2, 'one', undefined],
          [3, 'two', 'one'],
          [r4, 'three', 'two'],
        ],
      );
    } finally {
      await backend.close();
    }
    const marker = await withLayout(dir, ({ meta }) => meta.get(META_FORMAT));
    assert.ok(FORMAT.equals(marker!), `marker ${marker?.toString()}`);
  });

  it('refuses a store of an unknown format: Corrupt', async () => {
    await withLayout(dir, ({ meta }) => meta.put(META_FORMAT, Buffer.from('kubestellar-log-v9')));
    await assert.rejects(openBackend(`leveldb://${dir}`), (e) => isStorageError(e, 'Corrupt'));
  });
});
