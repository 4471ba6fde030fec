/**
 * One etcd watch on its own gRPC stream, kept alive across broken connections.
 *
 * A stream that breaks is opened again (on whichever member answers) from the revision after the
 * last one delivered, so the consumer sees no gap and no duplicate; etcd guarantees the order
 * within a stream. Each watch has its own stream: a slow consumer of one never delays another,
 * and closing one is cancelling its call.
 */
import type { IEvent, IWatchResponse, WatchClient } from 'etcd3';
import type { StorageError } from '../errors.js';
import { isTransient, toStorageError } from './errors.js';
import type { KeyRange } from './keyspace.js';

export interface ChannelHandlers {
  /** Events of one or more whole revisions, ascending; `revision` is etcd's revision when sent. */
  onEvents(events: IEvent[], revision: number): void;
  /** A progress notification: every event up to `revision` has been delivered. */
  onProgress(revision: number): void;
  /** etcd refused the start revision as compacted; the channel has stopped. */
  onCompacted(compactRevision: number, requested: number): void;
  /** The channel gave up; it has stopped. */
  onFailed(err: StorageError): void;
  /** etcd has registered the watch (on each new stream); `revision` is its revision then. */
  onCreated?(revision: number): void;
  /** The stream broke and will be opened again; etcd has not answered for `failingForMs`. */
  onRetry?(failingForMs: number): void;
}

/** Counts the etcd watch streams open at a time (each is one gRPC call, and costs etcd a watcher). */
export interface StreamCounter {
  open: number;
}

export interface ChannelOptions {
  readonly client: WatchClient;
  readonly range: KeyRange;
  /** First revision wanted (inclusive); undefined means from now on. */
  readonly startRevision: number | undefined;
  readonly prevKv: boolean;
  /** How long to keep reconnecting without hearing from etcd before giving up (Infinity: never). */
  readonly retryForMs: number;
  /** Retry whatever the error, not only transient ones (for the background revision tracker). */
  readonly retryAlways?: boolean;
  readonly handlers: ChannelHandlers;
  readonly streams?: StreamCounter;
}

interface Stream {
  write(request: unknown): void;
  end(): void;
  cancel(): void;
  on(event: string, fn: (arg: never) => void): unknown;
}

const FIRST_BACKOFF_MS = 25;
const MAX_BACKOFF_MS = 1000;

export class WatchChannel {
  readonly #opts: ChannelOptions;
  /** Where a new stream starts: the revision after the last one delivered. */
  #next: number | undefined;
  #stream: Stream | undefined;
  #retries = 0;
  /** When the first failure since etcd last answered on this channel happened. */
  #failingSince: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(opts: ChannelOptions) {
    this.#opts = opts;
    this.#next = opts.startRevision;
    this.#connect();
  }

  /** Ends the watch; no handler is called afterwards. */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#drop();
  }

  #connect(): void {
    let dead = false;
    const fail = (err: unknown): void => {
      if (dead) return;
      dead = true;
      this.#broken(err);
    };
    this.#opts.client.watch().then(
      (raw) => {
        const stream = raw as unknown as Stream;
        if (this.#stopped || dead) return cancel(stream);
        this.#stream = stream;
        if (this.#opts.streams) this.#opts.streams.open++;
        stream.on('data', (res: IWatchResponse) => {
          if (!dead && !this.#stopped) this.#receive(res, () => (dead = true));
        });
        stream.on('error', (err: Error) => fail(err));
        stream.on('end', () => fail(new Error('14 UNAVAILABLE: etcd ended the watch stream')));
        const { range, prevKv } = this.#opts;
        stream.write({
          create_request: {
            key: range.key,
            range_end: range.range_end,
            ...(this.#next !== undefined && { start_revision: this.#next }),
            prev_kv: prevKv,
            progress_notify: true,
          },
        });
      },
      (err: unknown) => fail(err),
    );
  }

  #receive(res: IWatchResponse, markDead: () => void): void {
    this.#retries = 0;
    this.#failingSince = undefined;
    const compact = Number(res.compact_revision);
    if (compact > 0) {
      markDead();
      const requested = this.#next ?? compact - 1;
      this.#stop();
      this.#opts.handlers.onCompacted(compact, requested);
      return;
    }
    if (res.canceled) {
      markDead();
      this.#broken(new Error(`etcd cancelled the watch: ${res.cancel_reason || 'no reason given'}`));
      return;
    }
    const revision = Number(res.header.revision);
    if (res.created) {
      // A watch from "now" starts right after the revision it was created at.
      this.#next ??= revision + 1;
      this.#opts.handlers.onCreated?.(revision);
      return;
    }
    const events = res.events;
    const last = events[events.length - 1];
    if (last) {
      this.#next = Number(last.kv.mod_revision) + 1;
      this.#opts.handlers.onEvents(events, revision);
    } else {
      // Progress is only sent to a watcher that has caught up, so nothing at or below it is pending.
      if (this.#next === undefined || revision + 1 > this.#next) this.#next = revision + 1;
      this.#opts.handlers.onProgress(revision);
    }
  }

  /** The stream broke: open another after a pause, or give up. */
  #broken(err: unknown): void {
    this.#drop();
    if (this.#stopped) return;
    const { retryForMs, retryAlways } = this.#opts;
    const now = Date.now();
    this.#failingSince ??= now;
    if ((!retryAlways && !isTransient(err)) || now - this.#failingSince >= retryForMs) {
      this.#stop();
      this.#opts.handlers.onFailed(toStorageError(err, 'watch'));
      return;
    }
    const delay = Math.min(FIRST_BACKOFF_MS * 2 ** this.#retries, MAX_BACKOFF_MS);
    this.#retries++;
    this.#opts.handlers.onRetry?.(now - this.#failingSince);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#drop();
  }

  #drop(): void {
    const stream = this.#stream;
    this.#stream = undefined;
    if (stream) {
      if (this.#opts.streams) this.#opts.streams.open--;
      cancel(stream);
    }
  }
}

/**
 * Cancels a watch call. Half-closing first matters: etcd3 reports an error on a stream that is
 * still writable as a failure of its host, which would reset every connection to that member.
 */
function cancel(stream: Stream): void {
  stream.on('error', () => undefined);
  try {
    stream.end();
    stream.cancel();
  } catch {
    // already gone
  }
}
