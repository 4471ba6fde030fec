/**
 * Backend.watch over a dedicated etcd watch, for a start before the shared watch's window (see
 * cache.ts): it reads history only etcd still has, and etcd says Compacted when that is gone.
 * Events arrive as etcd sends them (whole revisions, ascending) and wait in a bounded queue until
 * the consumer takes them. A consumer that lets the queue overflow is cut off with WatcherTooSlow
 * instead of buffering without limit; closing or aborting ends the iteration quietly.
 */
import type { WatchClient } from 'etcd3';
import { StorageError, compacted } from '../errors.js';
import type { Watch, WatchEvent } from '../types.js';
import { WatchChannel, type StreamCounter } from './channel.js';
import type { Keyspace } from './keyspace.js';

export interface EtcdWatchOptions {
  readonly client: WatchClient;
  readonly keyspace: Keyspace;
  readonly prefix: string;
  readonly startRevision: number;
  readonly maxQueuedEvents: number;
  readonly signal?: AbortSignal | undefined;
  /** An error to throw at the first read, decided by the backend (e.g. it is closed). */
  readonly initialError?: StorageError | undefined;
  /** How long to keep reconnecting to an unresponsive etcd before failing with Unavailable. */
  readonly retryForMs: number;
  /** Revisions and compactions learned from the stream, for the backend's counters. */
  readonly onRevision: (revision: number) => void;
  readonly onCompacted: (compactRevision: number) => void;
  readonly onClose: (watch: EtcdWatch) => void;
  readonly streams?: StreamCounter;
}

export class EtcdWatch implements Watch {
  readonly #opts: EtcdWatchOptions;
  readonly #channel: WatchChannel | undefined;
  readonly #queue: WatchEvent[][] = [];
  #queued = 0;
  #wake: (() => void) | undefined;
  #error: StorageError | undefined;
  #done = false;
  /** Highest revision handed to the consumer. */
  #last: number;
  readonly #onAbort = (): void => this.close();

  constructor(opts: EtcdWatchOptions) {
    this.#opts = opts;
    this.#last = opts.startRevision - 1;
    this.#error = opts.initialError;
    if (opts.signal?.aborted) this.#done = true;
    // Opened now, not at the first read: events from here on are queued (and count against the bound).
    this.#channel =
      this.#error || this.#done
        ? undefined
        : new WatchChannel({
            client: opts.client,
            range: opts.keyspace.range(opts.prefix),
            startRevision: opts.startRevision,
            prevKv: true,
            retryForMs: opts.retryForMs,
            ...(opts.streams && { streams: opts.streams }),
            handlers: {
              onEvents: (raw, revision) => {
                const events = raw.map((e) => opts.keyspace.event(e));
                opts.onRevision(Math.max(revision, events[events.length - 1]!.kv.modRevision));
                this.#offer(events);
              },
              onProgress: (revision) => opts.onRevision(revision),
              onCompacted: (compactRevision, requested) => {
                opts.onCompacted(compactRevision);
                this.#fail(compacted(requested, compactRevision));
              },
              onFailed: (err) => this.#fail(err),
            },
          });
    opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Ends the watch; pending and later reads finish without error. */
  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#release();
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent[]> {
    try {
      for (;;) {
        // What was queued before a failure is still delivered: the consumer resumes after it.
        const batch = this.#queue.shift();
        if (batch) {
          this.#queued -= batch.length;
          // Defensive: etcd never repeats a revision on one stream, nor does a resumed stream.
          const fresh = batch.filter((e) => e.kv.modRevision > this.#last);
          const tail = fresh[fresh.length - 1];
          if (tail) {
            this.#last = tail.kv.modRevision;
            yield fresh;
          }
          continue;
        }
        if (this.#error) throw this.#error;
        if (this.#done) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.close();
    }
  }

  #offer(events: WatchEvent[]): void {
    if (this.#done || this.#error) return;
    // The bound is on backlog: a watcher that has kept up takes even one huge revision whole.
    if (this.#queued > 0 && this.#queued + events.length > this.#opts.maxQueuedEvents) {
      this.#queue.length = 0;
      this.#queued = 0;
      this.#fail(
        new StorageError(
          'WatcherTooSlow',
          `watcher of prefix ${JSON.stringify(this.#opts.prefix)} fell more than ${this.#opts.maxQueuedEvents} events behind`,
          { revision: this.#last },
        ),
      );
      return;
    }
    this.#queue.push(events);
    this.#queued += events.length;
    this.#notify();
  }

  /** Stops the etcd watch; the consumer gets `err` once it has taken what is queued. */
  #fail(err: StorageError): void {
    if (this.#done) return;
    this.#error ??= err;
    this.#release();
    this.#notify();
  }

  #release(): void {
    this.#channel?.close();
    this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    this.#opts.onClose(this);
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
