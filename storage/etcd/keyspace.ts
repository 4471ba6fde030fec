/**
 * Where this install's keys live in etcd, and the conversion of etcd's records at the boundary.
 *
 * A key `k` is stored as PREFIX + UTF-8(k). UTF-8 never contains the byte 0xFF, so
 * PREFIX + 0xFF + ... is a private area no user key can reach: the compact revision record
 * lives there, and every data range ends at PREFIX + 0xFF so reads and watches never see it.
 */
import type { IEvent, IKeyValue } from 'etcd3';
import type { KeyValue, WatchEvent } from '../types.js';

const PRIVATE = 0xff;

export interface KeyRange {
  readonly key: Buffer;
  readonly range_end: Buffer;
}

export class Keyspace {
  readonly prefix: string;
  readonly #prefix: Buffer;
  /** Kept here, as kube-apiserver keeps `compact_rev_key`: the revision this install compacted at. */
  readonly compactKey: Buffer;

  constructor(prefix: string) {
    this.prefix = prefix;
    this.#prefix = Buffer.from(prefix, 'utf8');
    this.compactKey = Buffer.concat([this.#prefix, Buffer.from([PRIVATE]), Buffer.from('compact_rev_key')]);
  }

  key(key: string): Buffer {
    return Buffer.concat([this.#prefix, Buffer.from(key, 'utf8')]);
  }

  /** Keys under `prefix`, from `fromKey` on when that sorts after the prefix. */
  range(prefix: string, fromKey?: string): KeyRange {
    const start = this.key(prefix);
    // An empty prefix is every data key, which all sort below the private area.
    const end = prefix === '' ? Buffer.concat([this.#prefix, Buffer.from([PRIVATE])]) : prefixEnd(start);
    const from = fromKey === undefined ? undefined : this.key(fromKey);
    return { key: from !== undefined && Buffer.compare(from, start) > 0 ? from : start, range_end: end };
  }

  /** Everything of this install, private records included (the revision tracker watches it). */
  all(): KeyRange {
    return { key: this.#prefix, range_end: prefixEnd(this.#prefix) };
  }

  isCompactKey(key: Buffer): boolean {
    return key.equals(this.compactKey);
  }

  /** Whether an etcd key is one of this install's private records rather than a user key. */
  isPrivate(key: Buffer): boolean {
    return key.length > this.#prefix.length && key[this.#prefix.length] === PRIVATE;
  }

  kv(raw: IKeyValue): KeyValue {
    return {
      key: this.#userKey(raw.key),
      value: raw.value,
      createRevision: Number(raw.create_revision),
      modRevision: Number(raw.mod_revision),
      version: Number(raw.version),
    };
  }

  event(raw: IEvent): WatchEvent {
    const kv = this.kv(raw.kv);
    const type = raw.type === 'Delete' ? 'delete' : 'put';
    // etcd already reports a delete as the key with an empty value, the deleting revision as
    // modRevision and zero createRevision and version, which is what types.ts promises.
    return raw.prev_kv ? { type, kv, prevKv: this.kv(raw.prev_kv) } : { type, kv };
  }

  #userKey(key: Buffer): string {
    return key.subarray(this.#prefix.length).toString('utf8');
  }
}

/** The smallest key above every key starting with `key` (etcd's prefix range end). */
export function prefixEnd(key: Buffer): Buffer {
  for (let i = key.length - 1; i >= 0; i--) {
    if (key[i]! < 0xff) {
      const end = Buffer.from(key.subarray(0, i + 1));
      end[i] = key[i]! + 1;
      return end;
    }
  }
  // All 0xFF: no upper bound, which etcd spells "\0".
  return Buffer.from([0]);
}
