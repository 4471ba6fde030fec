/**
 * Binary records of the log-structured engine, each guarded by a CRC-32 so that a torn or
 * corrupted entry is reported instead of being read as data.
 *
 *   kv record   crc32 u32 | createRevision u48 | modRevision u48 | version u48 | value bytes
 *   log entry   crc32 u32 | count u32 | event*
 *   event       type u8 | keyLen u32 | key | createRevision u48 | version u48 | [valueLen u32 | value]
 *               | hasPrev u8 [ prevCreateRevision u48 | prevModRevision u48 | prevVersion u48 | prevLen u32 | prev ]
 *   type        1 put with its value (format v1), 2 delete (no value), 3 put without its value
 *
 * Each value is stored once: a put's value goes to the kv record written in the same batch, and
 * when a later change replaces it, that change's event carries it as `prev`. So the log holds a
 * put's value only indirectly (type 3), and the value at revision R of a key is the kv record if
 * its modRevision is still R, else the `prev` of the key's next event. Creates write half the
 * bytes they did when the log kept a second copy (type 1, still read).
 *
 * The kv record's CRC also covers its key, so a record read under another key fails the check.
 * An event's modRevision is the revision of the log entry that holds it.
 */
import { crc32 } from 'node:zlib';
import { StorageError } from '../errors.js';
import type { EventType, KeyValue, WatchEvent } from '../types.js';

/** An event as the log holds it: a put's value is undefined when it lives elsewhere (see above). */
export interface LoggedEvent {
  readonly type: EventType;
  readonly kv: Omit<KeyValue, 'value'> & { readonly value: Uint8Array | undefined };
  readonly prevKv?: KeyValue;
}

const PUT_WITH_VALUE = 1;
const DELETE = 2;
const PUT = 3;

const U48 = 6;
const KV_HEADER = 4 + 3 * U48;
const EMPTY = new Uint8Array(0);

/** Revisions are log keys: fixed-width big-endian so byte order is numeric order. */
export function encodeRevision(revision: number): Buffer {
  const b = Buffer.allocUnsafe(U48);
  b.writeUIntBE(revision, 0, U48);
  return b;
}

export function decodeRevision(key: Uint8Array): number {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).readUIntBE(0, U48);
}

export function encodeKv(kv: KeyValue): Buffer {
  const out = Buffer.allocUnsafe(KV_HEADER + kv.value.byteLength);
  out.writeUIntBE(kv.createRevision, 4, U48);
  out.writeUIntBE(kv.modRevision, 4 + U48, U48);
  out.writeUIntBE(kv.version, 4 + 2 * U48, U48);
  out.set(kv.value, KV_HEADER);
  out.writeUInt32BE(crc32(out.subarray(4), crc32(kv.key)), 0);
  return out;
}

export function decodeKv(key: string, record: Uint8Array): KeyValue {
  const b = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (b.length < KV_HEADER || b.readUInt32BE(0) !== crc32(b.subarray(4), crc32(key))) {
    throw new StorageError('Corrupt', `stored value of key ${JSON.stringify(key)} failed its integrity check`, { key });
  }
  return {
    key,
    createRevision: b.readUIntBE(4, U48),
    modRevision: b.readUIntBE(4 + U48, U48),
    version: b.readUIntBE(4 + 2 * U48, U48),
    value: b.subarray(KV_HEADER),
  };
}

function eventSize(e: WatchEvent): number {
  const keyLen = Buffer.byteLength(e.kv.key);
  // A delete keeps its (empty) value field; a put leaves its value to the kv record.
  let n = 1 + 4 + keyLen + 2 * U48 + (e.type === 'put' ? 0 : 4) + 1;
  if (e.prevKv) n += 3 * U48 + 4 + e.prevKv.value.byteLength;
  return n;
}

/**
 * The log entry of one revision. Puts are written without their value: the caller writes each
 * put's kv record in the same batch (a later put of the same key in the batch carries the earlier
 * value as its `prevKv`).
 */
export function encodeLogEntry(events: readonly WatchEvent[]): Buffer {
  let size = 8;
  for (const e of events) size += eventSize(e);
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(events.length, 4);
  let o = 8;
  for (const e of events) {
    o = out.writeUInt8(e.type === 'put' ? PUT : DELETE, o);
    const keyLen = out.write(e.kv.key, o + 4);
    o = out.writeUInt32BE(keyLen, o) + keyLen;
    o = out.writeUIntBE(e.kv.createRevision, o, U48);
    o = out.writeUIntBE(e.kv.version, o, U48);
    if (e.type === 'delete') o = out.writeUInt32BE(0, o);
    const prev = e.prevKv;
    o = out.writeUInt8(prev ? 1 : 0, o);
    if (prev) {
      o = out.writeUIntBE(prev.createRevision, o, U48);
      o = out.writeUIntBE(prev.modRevision, o, U48);
      o = out.writeUIntBE(prev.version, o, U48);
      o = out.writeUInt32BE(prev.value.byteLength, o);
      out.set(prev.value, o);
      o += prev.value.byteLength;
    }
  }
  out.writeUInt32BE(crc32(out.subarray(4)), 0);
  return out;
}

export function decodeLogEntry(revision: number, record: Uint8Array): LoggedEvent[] {
  const b = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  const corrupt = (): StorageError =>
    new StorageError('Corrupt', `log entry at revision ${revision} failed its integrity check`, { revision });
  if (b.length < 8 || b.readUInt32BE(0) !== crc32(b.subarray(4))) throw corrupt();
  const count = b.readUInt32BE(4);
  const events: LoggedEvent[] = [];
  let o = 8;
  try {
    for (let i = 0; i < count; i++) {
      const code = b.readUInt8(o);
      if (code !== PUT && code !== PUT_WITH_VALUE && code !== DELETE) throw corrupt();
      const type = code === DELETE ? 'delete' : 'put';
      const keyLen = b.readUInt32BE(o + 1);
      o += 5;
      const key = b.toString('utf8', o, o + keyLen);
      o += keyLen;
      const createRevision = b.readUIntBE(o, U48);
      const version = b.readUIntBE(o + U48, U48);
      o += 2 * U48;
      let value: Uint8Array | undefined;
      if (code !== PUT) {
        const valueLen = b.readUInt32BE(o);
        o += 4;
        value = valueLen === 0 ? EMPTY : b.subarray(o, o + valueLen);
        o += valueLen;
      }
      const kv = { key, value, createRevision, modRevision: revision, version };
      if (b.readUInt8(o++) === 1) {
        const prevCreate = b.readUIntBE(o, U48);
        const prevMod = b.readUIntBE(o + U48, U48);
        const prevVersion = b.readUIntBE(o + 2 * U48, U48);
        const prevLen = b.readUInt32BE(o + 3 * U48);
        o += 3 * U48 + 4;
        const prevKv: KeyValue = {
          key,
          value: b.subarray(o, o + prevLen),
          createRevision: prevCreate,
          modRevision: prevMod,
          version: prevVersion,
        };
        o += prevLen;
        events.push({ type, kv, prevKv });
      } else {
        events.push({ type, kv });
      }
    }
  } catch {
    throw corrupt();
  }
  if (o !== b.length) throw corrupt();
  return events;
}
