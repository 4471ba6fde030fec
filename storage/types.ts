/**
 * The storage port, in etcd's vocabulary.
 *
 * A store holds byte values under string keys. Every committed transaction that changes anything
 * gets the next global revision; each key carries the revision that created it, the revision that
 * last modified it, and a version counting its modifications since creation. Nothing here knows
 * about HTTP or Kubernetes: the registry maps these words onto resourceVersions and Status errors.
 */

/** A key's value and bookkeeping, as of some revision. */
export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  /** Revision of the transaction that created the key (after its last deletion). */
  readonly createRevision: number;
  /** Revision of the transaction that last put the key. */
  readonly modRevision: number;
  /** Number of puts since creation; 1 right after the create. */
  readonly version: number;
}

/**
 * A condition a transaction checks before it writes. A missing key has modRevision,
 * createRevision and version 0, so `{ key, target: 'modRevision', result: '=', value: 0 }`
 * means "the key does not exist" (etcd's idiom for create).
 */
export interface Compare {
  readonly key: string;
  readonly target: 'modRevision' | 'createRevision' | 'version';
  readonly result: '=' | '!=' | '<' | '>';
  readonly value: number;
}

export type Op =
  /**
   * The value is the caller's no more: a value that fills its own ArrayBuffer is kept as it is,
   * and must not be changed after the write (any other, a slice of a larger buffer, is copied).
   */
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string };

export interface Txn {
  /** All must hold for `success` to be applied; an empty list always holds. */
  readonly compare: readonly Compare[];
  /** Applied atomically, as one new revision, when every comparison holds. */
  readonly success: readonly Op[];
}

export interface TxnResult {
  readonly succeeded: boolean;
  /**
   * The store's revision after the transaction: the new revision if it wrote anything,
   * otherwise the revision at which the comparisons were evaluated.
   */
  readonly revision: number;
  /**
   * When `succeeded`: the value each touched key had before the transaction (absent keys omitted).
   * When not: the current value of every compared key (absent keys omitted), so a caller can
   * report the conflicting object without another read (etcd's failure-branch range).
   */
  readonly kvs: ReadonlyMap<string, KeyValue>;
}

export interface GetOptions {
  /** Read as of this revision; default the current one. */
  readonly revision?: number;
}

export interface RangeOptions {
  /** Read as of this revision; default the current one. */
  readonly revision?: number;
  /** At most this many keys; 0 or absent means no limit. */
  readonly limit?: number;
  /** Start at this key (inclusive) instead of the prefix; used to continue a paged range. */
  readonly fromKey?: string;
  /** Also count every key under the prefix at the revision (costs a full scan). */
  readonly count?: boolean;
}

export interface RangeResult {
  /** Keys in ascending byte order. */
  readonly kvs: KeyValue[];
  /** The revision the range was read at: pass it back to continue at the same snapshot. */
  readonly revision: number;
  /** True when the limit cut the range short. */
  readonly more: boolean;
  /** Keys under the prefix at the revision, when asked for. */
  readonly count?: number;
}

export type EventType = 'put' | 'delete';

/** One change to one key. Events of one transaction share a revision. */
export interface WatchEvent {
  readonly type: EventType;
  /**
   * After the change. For a delete: the key with an empty value, `modRevision` set to the
   * deleting revision, and createRevision and version 0, as etcd reports it.
   */
  readonly kv: KeyValue;
  /** Before the change; absent when the put created the key. */
  readonly prevKv?: KeyValue;
}

export interface WatchOptions {
  /**
   * Deliver events at this revision and after (inclusive, as etcd does). Default: the
   * current revision + 1, i.e. only what happens from now on.
   */
  readonly startRevision?: number;
  /** Aborting it ends the watch quietly. */
  readonly signal?: AbortSignal;
}

/**
 * A stream of event batches in strictly increasing revision order, each batch holding the events
 * of one or more whole transactions. It ends normally when aborted or closed, and throws a
 * StorageError when it cannot go on: `Compacted` (start too old), `WatcherTooSlow` (the consumer
 * fell too far behind; start again from the last revision seen, or relist), `Closed`.
 */
export interface Watch extends AsyncIterable<WatchEvent[]> {
  /** Stops the watch; pending iteration ends without error. */
  close(): void;
  /**
   * Push delivery instead of iteration (use one or the other, once): live batches reach the
   * listener synchronously as they are published, with no promise turn per watcher. Optional;
   * `listenToWatch` falls back to iterating for watches without it.
   */
  listen?(listener: WatchListener): WatchControl;
}

/** The consumer of a pushed watch. */
export interface WatchListener {
  /** One batch, in the order iteration would yield it. Returning false pauses delivery until resume(). */
  next(events: WatchEvent[]): boolean;
  /**
   * Called once when delivery ends: with no argument when closed or aborted, else with what
   * iteration would have thrown (a StorageError such as WatcherTooSlow or Compacted).
   */
  end(error?: unknown): void;
}

export interface WatchControl {
  /** Delivers what queued while paused; a no-op when not paused. */
  resume(): void;
  /** Stops delivery, paused or not; end() follows with no error unless one came first. */
  close(): void;
  /**
   * The revision up to which every event of the watched prefix has been handed to the listener,
   * when the watch can tell (caught up with the live stream): a bookmark may carry it, as the
   * watch cache's resourceVersion, although the watch's own last event is older.
   */
  progress?(): number | undefined;
}

export interface Backend {
  /** Current revision: that of the last committed write (1 for an empty store, as etcd). */
  currentRevision(): number;
  /** Revision below which history is gone (reads and watches there fail with Compacted). */
  compactRevision(): number;

  /** The key as of a revision, or undefined when it does not exist then. */
  get(key: string, options?: GetOptions): Promise<KeyValue | undefined>;
  /** Keys starting with `prefix`, at one revision, in byte order. */
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;
  /**
   * Checks every comparison and, if all hold, applies every op as one revision. Resolves only
   * once the outcome is durable (for durable backends). Throws StorageError InvalidArgument or
   * TooLarge for malformed input, without touching the store.
   */
  txn(txn: Txn): Promise<TxnResult>;
  /** Events for keys under `prefix`: the history from `startRevision`, then live changes. */
  watch(prefix: string, options?: WatchOptions): Watch;
  /** Drops history below `revision`. Compacting at or below the current compact revision is a no-op. */
  compact(revision: number): Promise<void>;
  /** Flushes and releases resources; every open watch ends. */
  close(): Promise<void>;
}
