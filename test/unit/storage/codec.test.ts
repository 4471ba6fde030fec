import assert from 'node:assert/strict';
import { decodeKv, decodeLogEntry, encodeKv, encodeLogEntry } from '../../../storage/engine/codec.js';
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

  it('round-trips a log entry with puts, updates and deletes', () => {
    const events: WatchEvent[] = [
      { type: 'put', kv: { ...kv, modRevision: 12, value: Buffer.from('new') } },
      { type: 'put', kv: { key: '/é/ü', value: Buffer.alloc(0), createRevision: 3, modRevision: 12, version: 2 }, prevKv: { key: '/é/ü', value: Buffer.from('old'), createRevision: 3, modRevision: 5, version: 1 } },
      { type: 'delete', kv: { key: '/gone', value: Buffer.alloc(0), createRevision: 0, modRevision: 12, version: 0 }, prevKv: { key: '/gone', value: Buffer.from('was'), createRevision: 2, modRevision: 2, version: 1 } },
    ];
    const back = decodeLogEntry(12, encodeLogEntry(events));
    const plain = (es: WatchEvent[]) =>
      es.map((e) => ({ ...e, kv: { ...e.kv, value: Buffer.from(e.kv.value).toString() }, prevKv: e.prevKv && { ...e.prevKv, value: Buffer.from(e.prevKv.value).toString() } }));
    assert.deepEqual(plain(back), plain(events));
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
