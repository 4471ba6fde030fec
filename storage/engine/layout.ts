/**
 * How the engine lays its data out in one abstract-level database: three sublevels written
 * together in one atomic batch per commit group.
 *
 *   kv    key (utf8)            → kv record: the current value of every live key
 *   log   revision (u48 BE)     → log entry: the events of that revision, with previous values
 *   meta  name (utf8)           → u48: `revision` (last committed), `compactRevision`
 */
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';

type Db = AbstractLevel<string | Buffer | Uint8Array, string | Buffer | Uint8Array, string | Buffer | Uint8Array>;
export type KvLevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, Buffer>;
export type LogLevel = AbstractSublevel<Db, string | Buffer | Uint8Array, Buffer, Buffer>;
export type MetaLevel = AbstractSublevel<Db, string | Buffer | Uint8Array, string, Buffer>;
export type RootLevel = Db;

export interface Layout {
  readonly root: RootLevel;
  readonly kv: KvLevel;
  readonly log: LogLevel;
  readonly meta: MetaLevel;
}

export const META_REVISION = 'revision';
export const META_COMPACT_REVISION = 'compactRevision';
export const META_FORMAT = 'format';
/** v2 stores a put's value once (engine/codec.ts); v1 stores are read as they are and marked v2 on open. */
export const FORMAT = Buffer.from('kubestellar-log-v2');
export const FORMAT_V1 = Buffer.from('kubestellar-log-v1');

export function layoutOf(root: RootLevel): Layout {
  return {
    root,
    kv: root.sublevel<string, Buffer>('kv', { keyEncoding: 'utf8', valueEncoding: 'buffer' }),
    log: root.sublevel<Buffer, Buffer>('log', { keyEncoding: 'buffer', valueEncoding: 'buffer' }),
    meta: root.sublevel<string, Buffer>('meta', { keyEncoding: 'utf8', valueEncoding: 'buffer' }),
  };
}

type AnySublevel = KvLevel | LogLevel | MetaLevel;
export type BatchOp =
  | { readonly type: 'put'; readonly sublevel: AnySublevel; readonly key: string | Buffer; readonly value: Buffer }
  | { readonly type: 'del'; readonly sublevel: AnySublevel; readonly key: string | Buffer };

/**
 * One atomic batch across sublevels. `sync` (classic-level's WriteOptions.sync) fsyncs the
 * LevelDB write-ahead log before resolving; memory-level ignores it.
 */
export function writeBatch(root: RootLevel, ops: BatchOp[], sync: boolean): Promise<void> {
  let batch: LevelBatch;
  try {
    batch = buildBatch(root, ops);
  } catch (err) {
    return Promise.reject(err);
  }
  return writeBuilt(batch, sync);
}

export type LevelBatch = ReturnType<RootLevel['batch']>;

/**
 * The batch of `ops`, built now and written later by writeBuilt (or dropped with close()).
 * classic-level copies each operation's bytes into LevelDB's own batch as it is added, so the
 * buffers handed in are garbage at once rather than held until an earlier group's fsync ends:
 * a buffer that lives through two young collections is promoted, and counts toward V8's
 * external-memory trigger for a full collection until the next one.
 *
 * Built as a chained batch on the root with each key already prefixed (abstract-level's
 * documented `sublevel.prefix`), both encodings `buffer`: the array form clones and re-normalises
 * every operation, and a chained put that names its sublevel spreads a fresh options object
 * whose changing shapes keep deoptimizing V8 (together 4% of a create's event-loop time).
 */
export function buildBatch(root: RootLevel, ops: BatchOp[]): LevelBatch {
  const batch = root.batch();
  try {
    for (const op of ops) {
      const key = rootKey(op.sublevel, op.key);
      if (op.type === 'put') batch.put(key, op.value);
      else batch.del(key);
    }
  } catch (err) {
    void batch.close();
    throw err;
  }
  return batch;
}

export function writeBuilt(batch: LevelBatch, sync: boolean): Promise<void> {
  return batch.write({ sync } as Record<string, unknown>);
}

const prefixes = new WeakMap<AnySublevel, Buffer>();

/** The key as the root stores it: the sublevel's prefix, then the key's bytes. */
function rootKey(sublevel: AnySublevel, key: string | Buffer): Buffer {
  if (typeof key === 'string') return Buffer.from(sublevel.prefix + key, 'utf8');
  let prefix = prefixes.get(sublevel);
  if (prefix === undefined) prefixes.set(sublevel, (prefix = Buffer.from(sublevel.prefix, 'utf8')));
  return Buffer.concat([prefix, key], prefix.length + key.length);
}
