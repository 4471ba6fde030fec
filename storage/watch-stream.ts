/**
 * One watch: history replay, then live events, with no gap and no duplicate.
 *
 * The live subscription is taken first, synchronously, at a revision `R` that the caller reads in
 * the same tick; publishing also happens synchronously with advancing the revision, so every
 * event above `R` reaches the live queue. History is then read for [start, R] and sent before
 * anything queued live (kine's order). Events below `start` are never sent.
 */
import type { Broadcaster, EndReason, Sink } from './broadcaster.js';
import { StorageError } from './errors.js';
import type { Watch, WatchEvent } from './types.js';

export interface WatchStreamOptions {
  readonly prefix: string;
  readonly startRevision: number;
  /** The revision the subscription was taken at; history covers [startRevision, subscribedAt]. */
  readonly subscribedAt: number;
  readonly broadcaster: Broadcaster;
  /** Reads committed events of keys under the prefix with revision in [from, to], in order. */
  readonly readHistory: (prefix: string, from: number, to: number) => AsyncIterable<WatchEvent[]>;
  /** Live events a watcher may have queued before it is cut off as too slow. */
  readonly maxQueuedEvents: number;
  readonly signal?: AbortSignal | undefined;
  /** An error to throw at the first read (e.g. Compacted), decided by the backend. */
  readonly initialError?: StorageError | undefined;
}

export class WatchStream implements Watch, Sink {
  readonly prefix: string;
  readonly #opts: WatchStreamOptions;
  readonly #queue: WatchEvent[][] = [];
  #queued = 0;
  #wake: (() => void) | undefined;
  #error: StorageError | undefined;
  /** Why the broadcaster dropped this watcher; becomes #error once the consumer gets that far. */
  #cutOff: Exclude<EndReason, 'closed'> | undefined;
  #done = false;
  /** Highest revision handed to the consumer (or skipped as already seen). */
  #last: number;
  readonly #unsubscribe: () => void;
  readonly #onAbort = (): void => this.close();

  constructor(opts: WatchStreamOptions) {
    this.prefix = opts.prefix;
    this.#opts = opts;
    this.#last = opts.startRevision - 1;
    this.#error = opts.initialError;
    this.#unsubscribe = opts.initialError ? () => true : opts.broadcaster.subscribe(this);
    if (opts.signal?.aborted) this.close();
    opts.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  offer(events: WatchEvent[]): boolean {
    if (this.#done) return true;
    // The bound is on backlog: one commit group larger than the bound is still taken whole
    // by a watcher that has kept up.
    if (this.#queued > 0 && this.#queued + events.length > this.#opts.maxQueuedEvents) return false;
    this.#queue.push(events);
    this.#queued += events.length;
    this.#notify();
    return true;
  }

  end(reason: EndReason): void {
    if (reason === 'closed') {
      this.#done = true;
    } else {
      // What is still queued after a source failure was complete up to there, so it is still
      // delivered; an overflowing backlog is dropped (the consumer resumes after what it took).
      if (reason === 'overflow') {
        this.#queue.length = 0;
        this.#queued = 0;
      }
      this.#cutOff ??= reason;
    }
    this.#notify();
  }

  close(): void {
    if (this.#done) return;
    this.#done = true;
    this.#unsubscribe();
    this.#opts.signal?.removeEventListener('abort', this.#onAbort);
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<WatchEvent[]> {
    try {
      if (this.#error) throw this.#error;
      const { startRevision, subscribedAt } = this.#opts;
      if (startRevision <= subscribedAt) {
        for await (const chunk of this.#opts.readHistory(this.prefix, startRevision, subscribedAt)) {
          if (this.#done) return;
          const fresh = this.#fresh(chunk);
          if (fresh.length > 0) yield fresh;
        }
      }
      for (;;) {
        const batch = await this.#next();
        if (batch === undefined) return;
        const fresh = this.#fresh(batch);
        if (fresh.length > 0) yield fresh;
      }
    } finally {
      this.close();
    }
  }

  /** Drops what was already sent and stamps the new high-water mark. */
  #fresh(events: WatchEvent[]): WatchEvent[] {
    const last = this.#last;
    const fresh = events[0] !== undefined && events[0].kv.modRevision > last ? events : events.filter((e) => e.kv.modRevision > last);
    const tail = fresh[fresh.length - 1];
    if (tail) this.#last = tail.kv.modRevision;
    return fresh;
  }

  async #next(): Promise<WatchEvent[] | undefined> {
    for (;;) {
      if (this.#done) return undefined;
      const batch = this.#queue.shift();
      if (batch) {
        this.#queued -= batch.length;
        return batch;
      }
      const error = this.#failure();
      if (error) throw error;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /**
   * The error that ends the stream. A cut-off's is made when the consumer reaches it, so its
   * revision is the last one the consumer really got, even if history was still being sent.
   */
  #failure(): StorageError | undefined {
    if (this.#error || !this.#cutOff) return this.#error;
    const prefix = JSON.stringify(this.prefix);
    const revision = { revision: this.#last };
    switch (this.#cutOff) {
      case 'overflow':
        this.#error = new StorageError('WatcherTooSlow', `watcher of prefix ${prefix} fell more than ${this.#opts.maxQueuedEvents} events behind`, revision);
        break;
      case 'lost':
        this.#error = new StorageError('WatcherTooSlow', `watcher of prefix ${prefix} lost its event source after revision ${this.#last}; resume from there`, revision);
        break;
      case 'unavailable':
        this.#error = new StorageError('Unavailable', `watcher of prefix ${prefix}: its event source is unavailable`, revision);
        break;
    }
    return this.#error;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
