/**
 * The log-structured engine: the Backend port over any abstract-level database (LevelDB on disk,
 * or memory-level for tests), so both share one implementation and one behaviour.
 *
 * Writes go through a single committer that takes every transaction queued while the previous
 * group was being written, evaluates them in order against the current values (plus the group's
 * own earlier writes), and commits the whole group as one atomic batch: kv changes, one log entry
 * per revision, and the new revision in meta. With `sync` the batch is fsynced before any of its
 * transactions resolves, so concurrent writers share one fsync (group commit). Events are
 * published to watchers in the same tick the revision advances.
 *
 * Reads never block writes. A read at revision R takes the current values and undoes, from the
 * log, whatever changed after R (each event carries the previous value), which gives a
 * consistent snapshot at R for as long as R is not compacted.
 */
import { Broadcaster } from '../broadcaster.js';
import { StorageError, compacted, futureRevision } from '../errors.js';
import { compareKeys } from '../keys.js';
import type {
  Backend,
  Compare,
  GetOptions,
  KeyValue,
  RangeOptions,
  RangeResult,
  Txn,
  TxnResult,
  Watch,
  WatchEvent,
  WatchOptions,
} from '../types.js';
import { DEFAULT_LIMITS, checkKey, checkPrefix, checkRevision, checkTxn, type Limits } from '../validate.js';
import { WatchStream } from '../watch-stream.js';
import { decodeKv, decodeLogEntry, decodeRevision, encodeKv, encodeLogEntry, encodeRevision, type LoggedEvent } from './codec.js';
import { buildBatch, META_COMPACT_REVISION, META_REVISION, writeBatch, writeBuilt, type BatchOp, type Layout, type LevelBatch } from './layout.js';
import { recover } from './recover.js';
import { ValueCache } from './value-cache.js';

/**
 * classic-level stops a `nextv(n)` once it holds 16 KiB by default: six 2.5 KiB objects, so a
 * LIST of 10,000 took 1,700 thread-pool round trips. A larger budget lets one call return the
 * whole batch asked for (memory-level ignores the option).
 */
const BATCH_READ = { highWaterMarkBytes: 1024 * 1024 } as Record<string, unknown>;

export interface EngineOptions {
  readonly layout: Layout;
  /** fsync each commit group before acknowledging it. */
  readonly sync: boolean;
  readonly limits?: Partial<Limits>;
  /** Live events a watcher may have pending before it is ended as too slow. */
  readonly maxQueuedEvents?: number;
  /**
   * Most transactions committed in one group (default 64). Every writer in a group waits until
   * the last one has been evaluated; a bound lets the first answers leave while the next group,
   * evaluated meanwhile, is written. One fsync per 64 writers still costs each of them little.
   */
  readonly maxGroupSize?: number;
  /**
   * Bytes of current values kept in memory for point reads (default 256 MiB, about 90,000 objects
   * of 2 KiB; kube-apiserver's watch cache keeps every object; 0 turns it off).
   */
  readonly valueCacheBytes?: number;
}

interface Pending {
  readonly txn: Txn;
  readonly resolve: (r: TxnResult) => void;
  readonly reject: (e: unknown) => void;
}

const HISTORY_CHUNK = 1000;
const EMPTY_MAP: ReadonlyMap<string, KeyValue> = new Map();

/** Every key of the store, read once at open (keys only: no values are read). */
async function allKeys(layout: Layout): Promise<Set<string>> {
  const keys = new Set<string>();
  const it = layout.kv.keys(BATCH_READ);
  try {
    for (;;) {
      const batch = await it.nextv(4096);
      if (batch.length === 0) return keys;
      for (const k of batch) keys.add(k);
    }
  } finally {
    await it.close();
  }
}

/**
 * Keys under `prefix` that exist at the revision `undo` restores (the keys changed since, with
 * their value then, sorted): what the key iterator shows, corrected by the undo entries.
 */
async function countAt(keys: { nextv(size: number): Promise<string[]> }, prefix: string, undo: readonly [string, KeyValue | undefined][]): Promise<number> {
  let count = 0;
  let u = 0;
  scan: for (;;) {
    const batch = await keys.nextv(1024);
    if (batch.length === 0) break;
    for (const key of batch) {
      if (!key.startsWith(prefix)) break scan;
      while (u < undo.length && compareKeys(undo[u]![0], key) < 0) if (undo[u++]![1] !== undefined) count++;
      if (u < undo.length && undo[u]![0] === key) {
        if (undo[u++]![1] !== undefined) count++;
      } else count++;
    }
  }
  for (; u < undo.length; u++) if (undo[u]![1] !== undefined) count++;
  return count;
}

export class LogBackend implements Backend {
  readonly #layout: Layout;
  readonly #sync: boolean;
  readonly #limits: Limits;
  readonly #maxQueuedEvents: number;
  readonly #maxGroupSize: number;
  readonly #broadcaster = new Broadcaster();
  /** Current values of recently used keys, exactly as visible at #revision. */
  readonly #values: ValueCache;
  /**
   * Every key that exists at #revision, kept in step with it (as etcd keeps its whole key index in
   * memory). A create's check that its name is free, and a read of a missing key, then cost no
   * database read: on the handler thread such a read waits behind LevelDB's own lock, which a
   * memtable switch or a compaction's bookkeeping holds for milliseconds (25 ms seen under load).
   */
  readonly #keys: Set<string>;
  #revision: number;
  #compactRevision: number;
  #pending: Pending[] = [];
  #draining: Promise<void> | undefined;
  /** The newest commit batch handed to the database: undefined once it is written, else its error. */
  #lastWrite: Promise<unknown> = Promise.resolve(undefined);
  /** The revision of the last evaluated group; ahead of #revision while batches are in flight. */
  #prepared: number;
  /** Keys written by groups in flight, as they will be once those land. */
  readonly #overlay = new Map<string, OverlayEntry>();
  /** Set by a failed write: every later write is refused (they may have built on it). */
  #failed: StorageError | undefined;
  #closed = false;

  private constructor(opts: EngineOptions, revision: number, compactRevision: number, keys: Set<string>) {
    this.#layout = opts.layout;
    this.#sync = opts.sync;
    this.#limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.#maxQueuedEvents = opts.maxQueuedEvents ?? 10_000;
    this.#maxGroupSize = opts.maxGroupSize ?? 64;
    this.#values = new ValueCache(opts.valueCacheBytes ?? 256 * 1024 * 1024);
    this.#keys = keys;
    this.#revision = revision;
    this.#prepared = revision;
    this.#compactRevision = compactRevision;
  }

  /** Opens the database, checks what it finds, and restores the revision counter. */
  static async open(opts: EngineOptions): Promise<LogBackend> {
    try {
      const { revision, compactRevision } = await recover(opts.layout);
      return new LogBackend(opts, revision, compactRevision, await allKeys(opts.layout));
    } catch (err) {
      // Release the database (and LevelDB's lock) so the caller can repair or retry.
      await opts.layout.root.close().catch(() => undefined);
      throw err instanceof StorageError ? err : new StorageError('Unavailable', `cannot open store: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  }

  currentRevision(): number {
    return this.#revision;
  }

  compactRevision(): number {
    return this.#compactRevision;
  }

  /** Live watchers, for metrics and tests. */
  watcherCount(): number {
    return this.#broadcaster.size;
  }

  async get(key: string, options: GetOptions = {}): Promise<KeyValue | undefined> {
    checkKey(key, this.#limits);
    const rev = this.#readRevision(options.revision);
    const exists = this.#keys.has(key);
    if (!exists && rev === this.#revision) return undefined;
    const current = this.#values.get(key) ?? (exists ? await this.#readCurrent(key) : undefined);
    if (current !== undefined && current.modRevision <= rev) return current;
    // Missing now, or changed after `rev`: its first change after `rev` holds the value at `rev`.
    for await (const events of this.#eventsAfter(rev)) {
      for (const e of events) if (e.kv.key === key) return e.prevKv;
    }
    return undefined;
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    checkPrefix(prefix);
    checkRevision('limit', options.limit);
    const rev = this.#readRevision(options.revision);
    const from = options.fromKey !== undefined && compareKeys(options.fromKey, prefix) > 0 ? options.fromKey : prefix;
    const limit = options.limit || Infinity;
    // One snapshot for the whole read, taken before the log is read, so every change it holds
    // beyond `rev` is in the log we undo from. Counting reads keys only: a count over the rest of
    // a large prefix costs no values.
    const snapshot = this.#layout.root.snapshot();
    const keys = this.#layout.kv.keys({ gte: from, snapshot, ...BATCH_READ });
    const counter = options.count === true ? this.#layout.kv.keys({ gte: from, snapshot, ...BATCH_READ }) : undefined;
    try {
      const undo = await this.#stateAt(rev, prefix, from);
      const undone = new Set(undo.map(([key]) => key));
      const kvs: KeyValue[] = [];
      let more = false;
      const emit = (kv: KeyValue | undefined): boolean => {
        if (kv === undefined) return true;
        if (kvs.length < limit) kvs.push(kv);
        else more = true;
        return !more;
      };
      let u = 0;
      scan: for (;;) {
        const batch = await keys.nextv(256);
        if (batch.length === 0) break;
        let end = batch.findIndex((key) => !key.startsWith(prefix));
        if (end < 0) end = batch.length;
        const stored = await this.#valuesAt(batch.slice(0, end), undone, rev, snapshot);
        for (let i = 0; i < end; i++) {
          const key = batch[i]!;
          while (u < undo.length && compareKeys(undo[u]![0], key) < 0) {
            if (!emit(undo[u++]![1])) break scan;
          }
          const kv = u < undo.length && undo[u]![0] === key ? undo[u++]![1] : stored[i];
          if (!emit(kv)) break scan;
        }
        if (end < batch.length) break;
      }
      if (!more) {
        while (u < undo.length) if (!emit(undo[u++]![1])) break;
      }
      if (counter === undefined) return { kvs, revision: rev, more };
      return { kvs, revision: rev, more, count: await countAt(counter, prefix, undo) };
    } finally {
      await keys.close();
      await counter?.close();
      await snapshot.close();
    }
  }

  /**
   * The values at `rev` of keys the snapshot holds, those the log undoes apart (left undefined).
   * A cached value no newer than `rev` is the value at `rev` (a later change would be in the
   * log): a LIST of objects in the cache shares their bytes instead of copying every value out
   * of LevelDB, which for 10,000 ConfigMaps was 24 MB of buffers per LIST. The rest are read
   * from the snapshot.
   */
  async #valuesAt(keys: string[], undone: ReadonlySet<string>, rev: number, snapshot: object): Promise<(KeyValue | undefined)[]> {
    const out: (KeyValue | undefined)[] = new Array<KeyValue | undefined>(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      if (undone.has(key)) return;
      const cached = this.#values.get(key);
      if (cached !== undefined && cached.modRevision <= rev) out[i] = cached;
      else missing.push(i);
    });
    if (missing.length === 0) return out;
    const records = await this.#layout.kv.getMany(
      missing.map((i) => keys[i]!),
      { snapshot } as Record<string, unknown>,
    );
    missing.forEach((i, n) => {
      const record = records[n];
      if (record === undefined) throw missingValue(keys[i]!, rev);
      out[i] = decodeKv(keys[i]!, record);
    });
    return out;
  }

  txn(txn: Txn): Promise<TxnResult> {
    try {
      checkTxn(txn, this.#limits);
      if (this.#closed) throw new StorageError('Unavailable', 'store is closed');
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<TxnResult>((resolve, reject) => {
      this.#pending.push({ txn, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  watch(prefix: string, options: WatchOptions = {}): Watch {
    checkPrefix(prefix);
    checkRevision('startRevision', options.startRevision);
    const subscribedAt = this.#revision;
    const startRevision = options.startRevision || subscribedAt + 1;
    const initialError = this.#closed
      ? new StorageError('Unavailable', 'store is closed')
      : startRevision < this.#compactRevision
        ? compacted(startRevision, this.#compactRevision)
        : undefined;
    return new WatchStream({
      prefix,
      startRevision,
      subscribedAt,
      broadcaster: this.#broadcaster,
      readHistory: (p, from, to) => this.#history(p, from, to),
      maxQueuedEvents: this.#maxQueuedEvents,
      signal: options.signal,
      initialError,
    });
  }

  async compact(revision: number): Promise<void> {
    checkRevision('revision', revision);
    if (revision <= this.#compactRevision) return;
    if (revision > this.#revision) throw futureRevision(revision, this.#revision);
    // Raised in memory first: from here on, no read or watch below `revision` can start, so no
    // log iterator created after this point needs the entries about to be cleared.
    this.#compactRevision = revision;
    const { root, meta } = this.#layout;
    await writeBatch(root, [{ type: 'put', sublevel: meta, key: META_COMPACT_REVISION, value: encodeRevision(revision) }], this.#sync);
    await this.#layout.log.clear({ lt: encodeRevision(revision) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#draining;
    this.#broadcaster.close();
    await this.#layout.root.close();
  }

  /**
   * The stored value of a key, which may be newer than #revision while a group is being written.
   * A point read is answered from LevelDB's memtable, block cache or the page cache in
   * microseconds, less than the thread-pool round trip of an asynchronous get costs; so it is read
   * synchronously where the database supports it, and then (nothing having run in between) kept
   * in the value cache if it is the visible value.
   */
  #readCurrent(key: string): KeyValue | undefined | Promise<KeyValue | undefined> {
    const db = this.#layout.kv;
    if ((db.supports as { getSync?: boolean }).getSync !== true) {
      return db.get(key).then((record) => (record === undefined ? undefined : decodeKv(key, record)));
    }
    const record = db.getSync(key);
    if (record === undefined) return undefined;
    const kv = decodeKv(key, record);
    if (kv.modRevision <= this.#revision) this.#values.set(kv);
    return kv;
  }

  /**
   * Records of keys a group reads that exist but are not in the value cache (names about to be
   * created are known absent from #keys). Read in place where LevelDB allows: a trip to the
   * thread pool and back would hold the whole group, and every writer in it, for a scheduling
   * round on a busy host.
   */
  #readMany(keys: string[]): (Uint8Array | undefined)[] | Promise<(Uint8Array | undefined)[]> {
    const db = this.#layout.kv;
    if ((db.supports as { getSync?: boolean }).getSync !== true) return db.getMany(keys);
    return keys.map((k) => db.getSync(k));
  }

  /** Checks a read revision against the window of history, returning the effective one. */
  #readRevision(revision: number | undefined): number {
    checkRevision('revision', revision);
    if (this.#closed) throw new StorageError('Unavailable', 'store is closed');
    if (!revision) return this.#revision;
    if (revision > this.#revision) throw futureRevision(revision, this.#revision);
    if (revision < this.#compactRevision) throw compacted(revision, this.#compactRevision);
    return revision;
  }

  /** Keys under the prefix (from `from` on) that changed after `rev`, with their value at `rev`, in key order. */
  async #stateAt(rev: number, prefix: string, from: string): Promise<[string, KeyValue | undefined][]> {
    const undo = new Map<string, KeyValue | undefined>();
    for await (const events of this.#eventsAfter(rev)) {
      for (const e of events) {
        const key = e.kv.key;
        if (!undo.has(key) && key.startsWith(prefix) && compareKeys(key, from) >= 0) undo.set(key, e.prevKv);
      }
    }
    return [...undo].sort((a, b) => compareKeys(a[0], b[0]));
  }

  /** Log entries above `rev`, each as its events. Throws Compacted if `rev` fell out of the window. */
  async *#eventsAfter(rev: number): AsyncGenerator<LoggedEvent[]> {
    if (rev < this.#compactRevision) throw compacted(rev, this.#compactRevision);
    for await (const [, events] of this.#logEntries(rev + 1, Infinity)) yield events;
  }

  /**
   * Committed events of keys under `prefix` with revision in [from, to], in chunks, in order.
   *
   * The log holds a put's value only indirectly (engine/codec.ts): it is the kv record while that
   * is still at the put's revision, else the `prev` of the key's next event, which may come after
   * `to`. So a put waits in `out` until one of those turns up; events before the first waiting one
   * are ready to send.
   */
  async *#history(prefix: string, from: number, to: number): AsyncGenerator<WatchEvent[]> {
    if (from > to) return;
    if (from < this.#compactRevision) throw compacted(from, this.#compactRevision);
    let out: LoggedEvent[] = [];
    /** Index in `out` of each key's put still waiting for its value; the first is the oldest. */
    const waiting = new Map<string, number>();
    const resolve = (i: number, kv: KeyValue): void => {
      out[i] = { type: 'put', kv, prevKv: out[i]!.prevKv };
      waiting.delete(kv.key);
    };
    const take = (e: LoggedEvent): void => {
      const i = waiting.get(e.kv.key);
      if (i === undefined) return;
      if (e.prevKv?.modRevision !== out[i]!.kv.modRevision) throw missingValue(e.kv.key, out[i]!.kv.modRevision);
      resolve(i, { ...out[i]!.kv, value: e.prevKv.value });
    };
    const fromCurrent = async (): Promise<void> => {
      for (const [key, i] of waiting) {
        const current = this.#values.get(key) ?? (await this.#readCurrent(key));
        if (current?.modRevision === out[i]!.kv.modRevision) resolve(i, current);
      }
    };
    /**
     * The events ready to send, whole revisions only (consumers take a batch to end at a
     * revision's end); `out` keeps the revision of the oldest waiting put and what follows.
     */
    const ready = (): WatchEvent[] => {
      let upTo = waiting.size === 0 ? out.length : waiting.values().next().value!;
      while (upTo > 0 && upTo < out.length && out[upTo - 1]!.kv.modRevision === out[upTo]!.kv.modRevision) upTo--;
      const chunk = out.slice(0, upTo) as WatchEvent[];
      out = out.slice(upTo);
      for (const [key, i] of waiting) waiting.set(key, i - upTo);
      return chunk;
    };

    // A put not yet replaced is usually still current: look it up once a chunk is due, and
    // again only once twice as much has piled up behind one that is not.
    let due = HISTORY_CHUNK;
    for await (const [, events] of this.#logEntries(from, to)) {
      for (const e of events) {
        if (!e.kv.key.startsWith(prefix)) continue;
        take(e);
        if (e.kv.value === undefined) waiting.set(e.kv.key, out.length);
        out.push(e);
      }
      if (out.length >= due) {
        await fromCurrent();
        const chunk = ready();
        if (chunk.length > 0) yield chunk;
        due = Math.max(HISTORY_CHUNK, 2 * out.length);
      }
    }
    // What still waits changed after `to`: its value is in the events that followed.
    let last = to;
    while (waiting.size > 0) {
      await fromCurrent();
      if (waiting.size === 0) break;
      if (last + 1 < this.#compactRevision) throw compacted(from, this.#compactRevision);
      let read = false;
      for await (const [rev, events] of this.#logEntries(last + 1, Infinity)) {
        last = rev;
        read = true;
        for (const e of events) take(e);
        if (waiting.size === 0) break;
      }
      if (!read && waiting.size > 0) {
        const [key, i] = waiting.entries().next().value!;
        throw missingValue(key, out[i]!.kv.modRevision);
      }
    }
    const rest = ready();
    if (rest.length > 0) yield rest;
  }

  /** Log entries with revision in [from, to], decoded, in order. */
  async *#logEntries(from: number, to: number): AsyncGenerator<[number, LoggedEvent[]]> {
    const range = to === Infinity ? { gte: encodeRevision(from) } : { gte: encodeRevision(from), lte: encodeRevision(to) };
    const it = this.#layout.log.iterator({ ...range, ...BATCH_READ });
    try {
      for (;;) {
        const entries = await it.nextv(64);
        if (entries.length === 0) return;
        for (const [k, v] of entries) {
          const rev = decodeRevision(k);
          yield [rev, decodeLogEntry(rev, v)];
        }
      }
    } finally {
      await it.close();
    }
  }

  /**
   * The committer. Group N+1 is read and evaluated while group N's batch is being written and
   * fsynced (two groups in flight), against an overlay of the keys N writes; groups still finish
   * strictly in order, so revisions become visible, events are published and callers learn their
   * outcome in revision order.
   */
  async #drain(): Promise<void> {
    let tail: Promise<void> = Promise.resolve();
    for (;;) {
      if (this.#pending.length === 0) {
        await tail;
        if (this.#pending.length === 0) break;
      }
      // Writers released by the previous commit need a few microtask turns to submit again;
      // one macrotask of patience lets them all join this group instead of the next.
      if (this.#pending.length < this.#maxGroupSize) await new Promise((r) => setImmediate(r));
      const group = this.#pending.splice(0, this.#maxGroupSize);
      const previous = tail;
      const prepared = await this.#prepare(group);
      tail = this.#finish(prepared, previous);
      await previous;
    }
    this.#draining = undefined;
  }

  /** Reads what the group needs, evaluates it in order, and starts writing its batch. Never throws. */
  async #prepare(group: Pending[]): Promise<Prepared> {
    const prepared: Prepared = { group, outcomes: [], published: [], written: [], lastRevision: this.#prepared };
    if (this.#failed) {
      prepared.error = this.#failed;
      return prepared;
    }
    const keys = new Set<string>();
    for (const { txn } of group) {
      for (const c of txn.compare) keys.add(c.key);
      for (const op of txn.success) keys.add(op.key);
    }
    const state = new Map<string, KeyValue | undefined>();
    try {
      const unread: string[] = [];
      for (const k of keys) {
        const pendingWrite = this.#overlay.get(k);
        // Not written by a group in flight: the visible value is the stored one.
        const known = pendingWrite ? pendingWrite.kv : this.#values.get(k);
        if (pendingWrite || known || !this.#keys.has(k)) state.set(k, known);
        else unread.push(k);
      }
      const records = unread.length === 0 ? [] : await this.#readMany(unread);
      unread.forEach((k, i) => {
        const r = records[i];
        state.set(k, r === undefined ? undefined : decodeKv(k, r));
      });
    } catch (err) {
      prepared.error = err instanceof StorageError ? err : unavailable(err);
      return prepared;
    }

    const { kv, log, meta } = this.#layout;
    const batch: BatchOp[] = [];
    let rev = this.#prepared;
    for (const { txn } of group) {
      if (!txn.compare.every((c) => holds(c, state.get(c.key)))) {
        const current = new Map<string, KeyValue>();
        for (const c of txn.compare) {
          const v = state.get(c.key);
          if (v) current.set(c.key, v);
        }
        prepared.outcomes.push({ succeeded: false, revision: rev, kvs: current });
        continue;
      }
      const next = rev + 1;
      const prevs = new Map<string, KeyValue>();
      const events: WatchEvent[] = [];
      for (const op of txn.success) {
        const prev = state.get(op.key);
        if (prev) prevs.set(op.key, prev);
        if (op.type === 'put') {
          // Kept, not copied, when it is a buffer of its own (encodeObject's are): a slice would hold its whole slab.
          const value = ownsBuffer(op.value) ? op.value : new Uint8Array(op.value);
          const now: KeyValue = {
            key: op.key,
            value,
            createRevision: prev ? prev.createRevision : next,
            modRevision: next,
            version: prev ? prev.version + 1 : 1,
          };
          state.set(op.key, now);
          batch.push({ type: 'put', sublevel: kv, key: op.key, value: encodeKv(now) });
          events.push(prev ? { type: 'put', kv: now, prevKv: prev } : { type: 'put', kv: now });
        } else if (prev) {
          state.set(op.key, undefined);
          batch.push({ type: 'del', sublevel: kv, key: op.key });
          const tomb: KeyValue = { key: op.key, value: new Uint8Array(0), createRevision: 0, modRevision: next, version: 0 };
          events.push({ type: 'delete', kv: tomb, prevKv: prev });
        }
      }
      if (events.length === 0) {
        prepared.outcomes.push({ succeeded: true, revision: rev, kvs: prevs.size ? prevs : EMPTY_MAP });
        continue;
      }
      rev = next;
      for (const e of events) {
        const superseded = this.#overlay.get(e.kv.key);
        if (superseded !== undefined) superseded.kv = undefined;
        this.#overlay.set(e.kv.key, { kv: e.type === 'put' ? e.kv : undefined, revision: rev });
        prepared.written.push([e.kv.key, rev]);
      }
      batch.push({ type: 'put', sublevel: log, key: encodeRevision(rev), value: encodeLogEntry(events) });
      prepared.published.push(...events);
      prepared.outcomes.push({ succeeded: true, revision: rev, kvs: prevs });
    }
    this.#prepared = rev;
    prepared.lastRevision = rev;
    if (batch.length > 0) {
      batch.push({ type: 'put', sublevel: meta, key: META_REVISION, value: encodeRevision(rev) });
      // Batches go to LevelDB one at a time, in revision order. Handed over together they would
      // run on different threadpool threads and could apply in either order: an older group's
      // values and revision record on top of a newer one's, or after a crash a newer group on
      // disk without the one before it. Evaluation still overlaps the previous group's write.
      const sync = this.#sync;
      let built: LevelBatch | undefined;
      let buildError: unknown;
      try {
        built = buildBatch(this.#layout.root, batch);
      } catch (err) {
        buildError = err ?? new Error('write failed');
      }
      prepared.write = this.#lastWrite.then((before) => {
        if (before !== undefined || built === undefined) {
          void built?.close();
          return before ?? buildError;
        }
        return writeBuilt(built, sync).then(
          () => undefined,
          (err: unknown) => err ?? new Error('write failed'),
        );
      });
      this.#lastWrite = prepared.write;
    }
    return prepared;
  }

  /** Completes a group after the one before it: makes it visible, publishes, resolves. */
  async #finish(p: Prepared, previous: Promise<void>): Promise<void> {
    const writeError = p.write ? await p.write : undefined;
    await previous;
    for (const [key, rev] of p.written) {
      const entry = this.#overlay.get(key);
      if (entry?.revision !== rev) continue;
      entry.kv = undefined;
      this.#overlay.delete(key);
    }
    if (writeError !== undefined) {
      // Later groups were evaluated on top of this one: from here on the store refuses writes.
      this.#failed ??= unavailable(writeError);
    }
    const failure = p.error ?? (p.written.length > 0 || p.write ? this.#failed : undefined);
    if (failure) {
      for (const q of p.group) q.reject(failure);
      return;
    }
    if (p.write) {
      this.#revision = p.lastRevision;
      for (const e of p.published) {
        // The cache keeps a copy (value-cache.ts says why).
        if (e.type === 'put') {
          this.#values.set(e.kv);
          this.#keys.add(e.kv.key);
        } else {
          this.#values.delete(e.kv.key);
          this.#keys.delete(e.kv.key);
        }
      }
      this.#broadcaster.publish(p.published);
    }
    p.group.forEach((q, i) => q.resolve(p.outcomes[i]!));
  }
}

/**
 * A write in flight. Emptied when done or superseded, before it leaves the map: tables the map
 * outgrew stay in V8's old generation until a full collection, still pointing at their entries,
 * and anything an old object points at survives every young collection until then, bytes and all
 * (docs/gc-retention.md).
 */
interface OverlayEntry {
  kv: KeyValue | undefined;
  readonly revision: number;
}

/** A group evaluated and (if it writes anything) being written. */
interface Prepared {
  readonly group: Pending[];
  readonly outcomes: TxnResult[];
  readonly published: WatchEvent[];
  /** Keys this group wrote, with the revision of its last write to each (to clear the overlay). */
  readonly written: [string, number][];
  lastRevision: number;
  /** Resolves to undefined on success or to the error. */
  write?: Promise<unknown>;
  error?: StorageError;
}

const ownsBuffer = (v: Uint8Array): boolean => v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;

function holds(c: Compare, kv: KeyValue | undefined): boolean {
  const actual = kv === undefined ? 0 : kv[c.target];
  switch (c.result) {
    case '=':
      return actual === c.value;
    case '!=':
      return actual !== c.value;
    case '<':
      return actual < c.value;
    case '>':
      return actual > c.value;
  }
}

function missingValue(key: string, revision: number): StorageError {
  return new StorageError('Corrupt', `the value of ${JSON.stringify(key)} at revision ${revision} is missing from the store`, { key, revision });
}

function unavailable(cause: unknown): StorageError {
  return new StorageError('Unavailable', `write failed: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}
