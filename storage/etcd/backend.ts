/**
 * The storage port on etcd 3.4. etcd does the hard parts (replication, durability, revisions,
 * MVCC history, watches); this class maps the port's words onto etcd's 1:1 and keeps the two
 * synchronous counters the port asks for:
 *
 * - currentRevision: the highest revision seen in any response or watch event. The shared watch
 *   on the whole prefix (with progress notifications) keeps it fresh, so a replica learns of
 *   another's writes as soon as etcd streams them.
 * - compactRevision: recorded in a private key under the prefix whenever this install compacts
 *   (as kube-apiserver and kine keep `compact_rev_key`), read at open, followed by the shared
 *   watch, and raised whenever etcd answers "required revision has been compacted" (compaction
 *   is global to an etcd cluster, so another install may have compacted further).
 *
 * Watches are served by that one shared etcd watch and its window of recent events (cache.ts);
 * only a watch that starts before the window gets an etcd watch of its own (watch.ts).
 */
import type { Etcd3, ICompare, IRangeRequest, IRangeResponse, IRequestOp, ITxnRequest } from 'etcd3';
import { StorageError } from '../errors.js';
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
  WatchOptions,
} from '../types.js';
import { DEFAULT_LIMITS, checkKey, checkPrefix, checkRevision, checkTxn, type Limits } from '../validate.js';
import { WatchCache } from './cache.js';
import { WatchChannel, type StreamCounter } from './channel.js';
import { etcdErrorCode, isTransient, neverSent, toStorageError } from './errors.js';
import type { Keyspace } from './keyspace.js';
import { EtcdWatch } from './watch.js';

export interface EtcdBackendOptions {
  readonly limits?: Partial<Limits>;
  /** Events a watcher may have pending before it is ended as too slow. */
  readonly maxQueuedEvents?: number;
  /**
   * How long a read (or a write that certainly never reached etcd) is retried on a transient
   * failure, and how long a broken watch keeps reconnecting, before Unavailable. Default 5 s:
   * enough for etcd to elect a new leader or for a member to restart.
   */
  readonly retryForMs?: number;
  /** How long to wait for etcd to name its compact revision after a read hit compacted history. */
  readonly probeTimeoutMs?: number;
  /**
   * Recent events kept in memory for watches that start in the past (default 10,000). A watch
   * from further back gets an etcd watch of its own.
   */
  readonly watchWindowEvents?: number;
}

const TARGETS = { modRevision: 'Mod', createRevision: 'Create', version: 'Version' } as const;
const FIELDS = { modRevision: 'mod_revision', createRevision: 'create_revision', version: 'version' } as const;
const RESULTS = { '=': 'Equal', '!=': 'NotEqual', '<': 'Less', '>': 'Greater' } as const;
const EMPTY: ReadonlyMap<string, KeyValue> = new Map();
const CLOSE_GRACE_MS = 5000;

export class EtcdBackend implements Backend {
  readonly #client: Etcd3;
  readonly #keys: Keyspace;
  readonly #limits: Limits;
  readonly #maxQueuedEvents: number;
  readonly #retryForMs: number;
  readonly #probeTimeoutMs: number;
  readonly #watchWindowEvents: number;
  /** Dedicated watches: those that started before the shared watch's window. */
  readonly #watches = new Set<EtcdWatch>();
  readonly #streams: StreamCounter = { open: 0 };
  /**
   * Calls in flight, counted rather than kept in a set: a set with an insert and a delete per call
   * leaves outgrown tables in V8's old generation that keep settled calls, and the values they
   * resolved to, alive until a full collection (docs/gc-retention.md).
   */
  #inflight = 0;
  #settled: (() => void)[] = [];
  #revision: number;
  #compactRevision: number;
  #cache: WatchCache | undefined;
  #closed = false;

  private constructor(client: Etcd3, keys: Keyspace, options: EtcdBackendOptions) {
    this.#client = client;
    this.#keys = keys;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.#maxQueuedEvents = options.maxQueuedEvents ?? 10_000;
    this.#retryForMs = options.retryForMs ?? 5000;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 2000;
    this.#watchWindowEvents = options.watchWindowEvents ?? 10_000;
    this.#revision = 0;
    this.#compactRevision = 0;
  }

  /**
   * Reads the revision and the recorded compact revision, asks etcd whether it compacted further,
   * and starts the shared watch. Closes the client if any of that fails.
   */
  static async open(client: Etcd3, keys: Keyspace, options: EtcdBackendOptions = {}): Promise<EtcdBackend> {
    const backend = new EtcdBackend(client, keys, options);
    try {
      const res = await backend.#range({ key: keys.compactKey }, undefined);
      const recorded = res.kvs[0];
      if (recorded) backend.#learnCompacted(Number(recorded.value.toString()) || 0);
      try {
        // Revision 1 is readable unless etcd has compacted at all; only then ask how far.
        await backend.get('\0', { revision: 1 });
      } catch (err) {
        if (!(err instanceof StorageError && err.code === 'Compacted')) throw err;
      }
    } catch (err) {
      await backend.close();
      if (err instanceof StorageError) {
        throw new StorageError(err.code, `cannot open etcd store under ${JSON.stringify(keys.prefix)}: ${err.message}`, { cause: err });
      }
      throw err;
    }
    backend.#cache = new WatchCache(
      {
        client: client.watchClient,
        keyspace: keys,
        windowEvents: backend.#watchWindowEvents,
        maxQueuedEvents: backend.#maxQueuedEvents,
        retryForMs: backend.#retryForMs,
        streams: backend.#streams,
        onRevision: (r) => backend.#seen(r),
        onCompacted: (r) => backend.#learnCompacted(r),
      },
      backend.#revision,
    );
    // Once etcd has registered the shared watch, a watch taken after open is in step with each
    // commit rather than caught up later in large batches. Bounded: if etcd went away just now,
    // the source keeps trying and watchers wait for it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([backend.#cache.ready, new Promise((r) => (timer = setTimeout(r, backend.#retryForMs)))]);
    clearTimeout(timer);
    return backend;
  }

  currentRevision(): number {
    return this.#revision;
  }

  compactRevision(): number {
    return this.#compactRevision;
  }

  /** Live watchers, for metrics and tests. */
  watcherCount(): number {
    return this.#watches.size + (this.#cache?.watchers ?? 0);
  }

  /** etcd watch streams open now: the shared one plus one per dedicated watch (for tests and metrics). */
  etcdWatchStreams(): number {
    return this.#streams.open;
  }

  /** Every event above this revision is held by the shared watch or still to come (for tests). */
  watchWindowStart(): number {
    return this.#cache?.windowStart ?? this.#revision;
  }

  async get(key: string, options: GetOptions = {}): Promise<KeyValue | undefined> {
    checkKey(key, this.#limits);
    checkRevision('revision', options.revision);
    const res = await this.#range({ key: this.#keys.key(key), ...(options.revision && { revision: options.revision }) }, options.revision);
    const kv = res.kvs[0];
    return kv === undefined ? undefined : this.#keys.kv(kv);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    checkPrefix(prefix);
    checkRevision('limit', options.limit);
    checkRevision('revision', options.revision);
    if (options.fromKey !== undefined) checkPrefix(options.fromKey);
    const res = await this.#range(
      {
        ...this.#keys.range(prefix, options.fromKey),
        ...(options.revision && { revision: options.revision }),
        ...(options.limit && { limit: options.limit }),
      },
      options.revision,
    );
    const kvs = res.kvs.map((kv) => this.#keys.kv(kv));
    // Without a revision etcd read at its latest one, which the header names.
    const revision = options.revision || Number(res.header.revision);
    return options.count === true
      ? { kvs, revision, more: res.more, count: Number(res.count) }
      : { kvs, revision, more: res.more };
  }

  /**
   * One etcd Txn. Success ops ask for prev_kv so the previous values come back; the failure
   * branch reads every compared key so a conflict carries what is there now.
   */
  async txn(txn: Txn): Promise<TxnResult> {
    checkTxn(txn, this.#limits);
    this.#checkOpen();
    const compared = [...new Set(txn.compare.map((c) => c.key))];
    const request: ITxnRequest = {
      compare: txn.compare.map((c) => this.#compare(c)),
      success: txn.success.map(
        (op): IRequestOp =>
          op.type === 'put'
            ? { request_put: { key: this.#keys.key(op.key), value: Buffer.from(op.value), prev_kv: true } }
            : { request_delete_range: { key: this.#keys.key(op.key), prev_kv: true } },
      ),
      failure: compared.map((key): IRequestOp => ({ request_range: { key: this.#keys.key(key) } })),
    };
    // A write is sent again only if it certainly never reached etcd: a retried compare-and-swap
    // that had in fact landed would report a conflict with itself.
    const res = await this.#call(() => this.#client.kv.txn(request), neverSent).catch((err: unknown) => this.#fail(err, 'txn'));
    const revision = this.#seen(Number(res.header.revision));
    const kvs = new Map<string, KeyValue>();
    if (res.succeeded) {
      res.responses.forEach((r, i) => {
        const prev = r.response_put?.prev_kv ?? r.response_delete_range?.prev_kvs[0];
        if (prev) kvs.set(txn.success[i]!.key, this.#keys.kv(prev));
      });
    } else {
      res.responses.forEach((r, i) => {
        const current = r.response_range?.kvs[0];
        if (current) kvs.set(compared[i]!, this.#keys.kv(current));
      });
    }
    return { succeeded: res.succeeded, revision, kvs: kvs.size > 0 ? kvs : EMPTY };
  }

  watch(prefix: string, options: WatchOptions = {}): Watch {
    checkPrefix(prefix);
    checkRevision('startRevision', options.startRevision);
    // From what this backend has seen, as the port defines it (etcd's "now" may be further on).
    const startRevision = options.startRevision || this.#revision + 1;
    // Below a known compaction the window may still hold the events, but etcd must say Compacted.
    if (!this.#closed && startRevision >= this.#compactRevision) {
      const shared = this.#cache?.watch(prefix, startRevision, options.signal);
      if (shared) return shared;
    }
    const watch = new EtcdWatch({
      client: this.#client.watchClient,
      keyspace: this.#keys,
      prefix,
      startRevision,
      maxQueuedEvents: this.#maxQueuedEvents,
      signal: options.signal,
      initialError: this.#closed ? closedError() : undefined,
      retryForMs: this.#retryForMs,
      onRevision: (r) => this.#seen(r),
      onCompacted: (r) => this.#learnCompacted(r),
      onClose: (w) => this.#watches.delete(w),
      streams: this.#streams,
    });
    // Its failures and closes are reported asynchronously, so registering after creation is safe.
    if (!this.#closed && !options.signal?.aborted) this.#watches.add(watch);
    return watch;
  }

  /**
   * etcd compaction (logical: reads and watches below it fail at once; etcd frees the space in
   * the background), then the compact revision is recorded under the prefix for other replicas
   * and later opens. Recording costs a revision, as kube-apiserver's compact_rev_key update does.
   */
  async compact(revision: number): Promise<void> {
    checkRevision('revision', revision);
    this.#checkOpen();
    if (revision <= this.#compactRevision) return;
    try {
      const res = await this.#call(() => this.#client.kv.compact({ revision }), isTransient);
      this.#seen(Number(res.header.revision));
    } catch (err) {
      // Compacted: etcd is already compacted at or past it (another install, or a retry).
      if (etcdErrorCode(err) !== 'Compacted') return this.#fail(err, 'compact', revision);
    }
    this.#learnCompacted(revision);
    await this.#recordCompaction(revision);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#watches]) w.close();
    this.#watches.clear();
    this.#cache?.close();
    // Let calls in flight settle rather than cancel them under their callers (briefly: etcd may be gone).
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((r) => (timer = setTimeout(r, CLOSE_GRACE_MS)));
    await Promise.race([this.#inflight === 0 ? undefined : new Promise<void>((r) => this.#settled.push(r)), grace]);
    clearTimeout(timer);
    this.#client.close();
  }

  /** A missing key has all three at 0 in etcd too, so comparisons carry over unchanged. */
  #compare(c: Compare): ICompare {
    return { key: this.#keys.key(c.key), target: TARGETS[c.target], result: RESULTS[c.result], [FIELDS[c.target]]: c.value };
  }

  async #range(request: IRangeRequest, requested: number | undefined): Promise<IRangeResponse> {
    this.#checkOpen();
    const res = await this.#call(() => this.#client.kv.range(request), isTransient).catch((err: unknown) =>
      this.#fail(err, 'range', requested || undefined),
    );
    this.#seen(Number(res.header.revision));
    return res;
  }

  /**
   * Runs one etcd call, retrying what `retry` allows (etcd3's own retries are off, see open.ts);
   * each attempt goes to a member picked at random, so retries also fail over.
   */
  async #call<T>(fn: () => Promise<T>, retry: (err: unknown) => boolean): Promise<T> {
    const deadline = Date.now() + this.#retryForMs;
    for (let attempt = 1; ; attempt++) {
      const call = fn();
      try {
        return await this.#counted(call);
      } catch (err) {
        const pause = Math.min(10 * 2 ** attempt, 1000);
        if (Date.now() + pause < deadline && !this.#closed && retry(err)) {
          await new Promise((r) => setTimeout(r, pause));
          continue;
        }
        throw err;
      }
    }
  }

  /** `call`, counted among the calls in flight until it settles. */
  async #counted<T>(call: Promise<T>): Promise<T> {
    this.#inflight++;
    try {
      return await call;
    } finally {
      if (--this.#inflight === 0) for (const settled of this.#settled.splice(0)) settled();
    }
  }

  /** Rejects with the StorageError for a failed call; `requested` is the revision asked for. */
  async #fail(err: unknown, what: string, requested?: number): Promise<never> {
    const code = etcdErrorCode(err);
    if (this.#closed && code === 'Unavailable') throw closedError();
    if (code === 'Compacted' && requested !== undefined) {
      const compactRevision = await this.#compactRevisionAbove(requested);
      throw toStorageError(err, what, { requested, compactRevision });
    }
    if (code === 'FutureRevision') throw toStorageError(err, what, { requested, currentRevision: this.#revision });
    throw toStorageError(err, what);
  }

  /**
   * etcd said `requested` is compacted. If this install does not know a compact revision above
   * it, another install (or etcd's auto-compaction) compacted further: a watch from `requested`
   * makes etcd name the revision.
   */
  async #compactRevisionAbove(requested: number): Promise<number> {
    if (this.#compactRevision > requested) return this.#compactRevision;
    const learned = await new Promise<number | undefined>((resolve) => {
      const done = (r: number | undefined): void => {
        clearTimeout(timer);
        probe.close();
        resolve(r);
      };
      const timer = setTimeout(() => done(undefined), this.#probeTimeoutMs);
      const probe = new WatchChannel({
        client: this.#client.watchClient,
        range: { key: this.#keys.compactKey, range_end: Buffer.alloc(0) },
        startRevision: requested,
        prevKv: false,
        retryForMs: 0,
        streams: this.#streams,
        handlers: {
          onCompacted: (r) => done(r),
          onEvents: () => done(undefined),
          onProgress: () => done(undefined),
          onFailed: () => done(undefined),
        },
      });
    });
    // Failing that, etcd's answer still proves the compact revision is above `requested`.
    this.#learnCompacted(learned ?? requested + 1);
    return this.#compactRevision;
  }

  /** Raises the recorded compact revision to `revision` (compare-and-swap, as others may race). */
  async #recordCompaction(revision: number): Promise<void> {
    const key = this.#keys.compactKey;
    for (let i = 0; i < 10; i++) {
      const res = await this.#call(() => this.#client.kv.range({ key }), isTransient).catch((err: unknown) => this.#fail(err, 'compact'));
      const current = res.kvs[0];
      if (current && Number(current.value.toString()) >= revision) return;
      const put = await this.#call(
        () =>
          this.#client.kv.txn({
            compare: [{ key, target: 'Mod', result: 'Equal', mod_revision: current ? current.mod_revision : 0 }],
            success: [{ request_put: { key, value: Buffer.from(String(revision)) } }],
          }),
        neverSent,
      ).catch((err: unknown) => this.#fail(err, 'compact'));
      this.#seen(Number(put.header.revision));
      if (put.succeeded) return;
    }
    throw new StorageError('Unavailable', 'compact: could not record the compact revision (too much contention)');
  }

  #seen(revision: number): number {
    if (revision > this.#revision) this.#revision = revision;
    return revision;
  }

  #learnCompacted(revision: number): void {
    if (revision > this.#compactRevision) this.#compactRevision = revision;
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError();
  }
}

function closedError(): StorageError {
  return new StorageError('Unavailable', 'store is closed');
}
