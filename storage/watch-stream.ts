/**
 * One watch: history replay, then live events, with no gap and no duplicate.
 *
 * The live subscription is taken first, synchronously, at a revision `R` that the caller reads in
 * the same tick; publishing also happens synchronously with advancing the revision, so every
 * event above `R` reaches the live queue. History is then read for [start, R] and sent before
 * anything queued live (kine's order). Events below `start` are never sent.
 *
 * It is consumed either by iteration or by listen(): the latter hands each live batch to the
 * listener inside the publisher's call (no promise turn per watcher and event), which is what
 * makes a fan-out to a thousand watchers cheap. Both see the same batches and the same end.
 */
import type { Broadcaster, EndReason, Sink } from './broadcaster.js';
import { StorageError } from './errors.js';
import type { Watch, WatchControl, WatchEvent, WatchListener } from './types.js';

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
  /** Push mode (listen): the consumer, whether it asked to pause, and whether history is sent. */
  #listener: WatchListener | undefined;
  #paused = false;
  #live = false;
  #ended = false;
  #replayResumed: (() => void) | undefined;

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

  listen(listener: WatchListener): WatchControl {
    if (this.#listener) throw new Error('a watch has one listener');
    this.#listener = listener;
    void this.#replay();
    return { resume: () => this.#resume(), close: () => this.close(), progress: () => this.#progress() };
  }

  /** Push mode: history at the listener's pace, then the live queue and live batches as they come. */
  async #replay(): Promise<void> {
    try {
      if (this.#error) throw this.#error;
      const { startRevision, subscribedAt } = this.#opts;
      if (startRevision <= subscribedAt) {
        for await (const chunk of this.#opts.readHistory(this.prefix, startRevision, subscribedAt)) {
          if (this.#done) break;
          const fresh = this.#fresh(chunk);
          if (fresh.length > 0 && !this.#deliver(fresh)) {
            if (this.#done) break;
            this.#paused = true;
            await new Promise<void>((resolve) => (this.#replayResumed = resolve));
          }
        }
      }
    } catch (err) {
      this.#finish(err);
      return;
    }
    this.#live = true;
    this.#pump();
  }

  /** Caught up (live, nothing queued, not paused): all the broadcaster has published; else undefined. */
  #progress(): number | undefined {
    if (!this.#live || this.#paused || this.#done || this.#queue.length > 0) return undefined;
    return Math.max(this.#last, this.#opts.broadcaster.published);
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#live) this.#pump();
    else this.#wakeReplay();
  }

  #wakeReplay(): void {
    const wake = this.#replayResumed;
    this.#replayResumed = undefined;
    wake?.();
  }

  /** Push mode: hands queued batches over until the listener pauses, then ends if the stream has. */
  #pump(): void {
    for (;;) {
      if (this.#ended) return;
      if (this.#done) return this.#finish();
      if (this.#paused) return;
      const batch = this.#queue.shift();
      if (batch === undefined) {
        const error = this.#failure();
        if (error) this.#finish(error);
        return;
      }
      this.#queued -= batch.length;
      const fresh = this.#fresh(batch);
      if (fresh.length > 0 && !this.#deliver(fresh)) this.#paused = true;
    }
  }

  /** The listener runs inside the publisher's loop: what it throws ends this watch, not the others'. */
  #deliver(events: WatchEvent[]): boolean {
    try {
      return this.#listener!.next(events);
    } catch (err) {
      this.#finish(err);
      return false;
    }
  }

  #finish(error?: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.close();
    this.#listener!.end(error);
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
    if (this.#listener === undefined) return;
    if (this.#live) this.#pump();
    else if (this.#done) this.#wakeReplay();
  }
}
