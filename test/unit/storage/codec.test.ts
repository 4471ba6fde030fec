import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { decodeKv, decodeLogEntry, encodeKv, encodeLogEntry, type LoggedEvent } from '../../../storage/engine/codec.js';
import { isStorageError, type WatchEvent } from '../../../storage/index.js';

describe('engine codec', () => {
  const kv = { key: '/registry/configmaps/default/x', value: Buffer.from('{"a":1}'), createRevision: 7, modRevision: 9, version: 3 };

  it('round-trips a kv record', () => {
    const back = decodeKv(kv.key, encodeKv(kv));
    assert.deepEqual({ ...back, value: Buffer.from(back.value) }, kv);
  });

  it('reports a kv record read under another key as Corrupt', () => {
    assert.throws(() => decodeKv('/other', encodeKv(kv)), (e) => isStorageError(e, 'Corrupt'));
  });

  const plain = (es: readonly (WatchEvent | LoggedEvent)[]) =>
    es.map((e) => ({
      ...e,
      kv: { ...e.kv, value: e.kv.value && Buffer.from(e.kv.value).toString() },
      prevKv: e.prevKv && { ...e.prevKv, value: Buffer.from(e.prevKv.value).toString() },
    }));

  it('round-trips a log entry with puts, updates and deletes, storing no put value', () => {
    const events: WatchEvent[] = [
      { type: 'put', kv: { ...kv, modRevision: 12, value: Buffer.from('new') } },
      { type: 'put', kv: { key: '/é/ü', value: Buffer.alloc(0), createRevision: 3, modRevision: 12, version: 2 }, prevKv: { key: '/é/ü', value: Buffer.from('old'), createRevision: 3, modRevision: 5, version: 1 } },
      { type: 'delete', kv: { key: '/gone', value: Buffer.alloc(0), createRevision: 0, modRevision: 12, version: 0 }, prevKv: { key: '/gone', value: Buffer.from('was'), createRevision: 2, modRevision: 2, version: 1 } },
    ];
    const entry = encodeLogEntry(events);
    assert.equal(entry.includes('new'), false, "a put's value is the kv record's, not the log's");
    const back = decodeLogEntry(12, entry);
    const expected = events.map((e) => (e.type === 'put' ? { ...e, kv: { ...e.kv, value: undefined } } : e));
    assert.deepEqual(plain(back), plain(expected));
  });

  it('reads a format v1 entry, whose puts carry their value', () => {
    // type 1 | keyLen | key | createRevision | version | valueLen | value | hasPrev 0
    const key = Buffer.from('/k');
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 1, 1, 0, 0, 0, key.length]),
      key,
      Buffer.from([0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2]),
      Buffer.from('v1'),
      Buffer.from([0]),
    ]);
    const entry = Buffer.concat([Buffer.alloc(4), body]);
    entry.writeUInt32BE(crc32(body), 0);
    assert.deepEqual(plain(decodeLogEntry(7, entry)), [
      { type: 'put', kv: { key: '/k', value: 'v1', createRevision: 4, modRevision: 7, version: 1 }, prevKv: undefined },
    ]);
  });

  it('reports any flipped bit or truncation of a log entry as Corrupt', () => {
    const entry = encodeLogEntry([{ type: 'put', kv }]);
    for (let i = 0; i < entry.length; i++) {
      const bad = Buffer.from(entry);
      bad[i] = bad[i]! ^ 0x10;
      assert.throws(() => decodeLogEntry(9, bad), (e) => isStorageError(e, 'Corrupt'), `byte ${i}`);
    }
    assert.throws(() => decodeLogEntry(9, entry.subarray(0, entry.length - 1)), (e) => isStorageError(e, 'Corrupt'));
    assert.throws(() => decodeLogEntry(9, Buffer.alloc(3)), (e) => isStorageError(e, 'Corrupt'));
  });
});
