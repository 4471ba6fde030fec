/**
 * The etcd backend's shared watch (kube-apiserver's watch cache, in small).
 *
 * One etcd watch on the whole prefix, with previous values and progress notifications, is the
 * source of events for every watcher of the backend: each event is received and decoded once, kept
 * in a bounded window of recent events, and fanned out through a Broadcaster (per-watcher bounded
 * queue; a watcher that overflows is ended with WatcherTooSlow and never holds up the source or
 * the others). A thousand watchers thus cost etcd one watcher, not a thousand.
 *
 * A watch is served here when its start revision is above the window's start, i.e. every event it
 * needs is either held or still to come. Copying the held events and subscribing happen in one
 * synchronous step, as do appending and publishing what the source receives, so the watcher sees
 * no gap and no duplicate. Older starts are left to the backend's dedicated etcd watches.
 *
 * The source also keeps the backend's revision and compact revision fresh.
 */
import type { IEvent, WatchClient } from 'etcd3';
import { Broadcaster } from '../broadcaster.js';
import type { Watch, WatchEvent } from '../types.js';
import { WatchStream } from '../watch-stream.js';
import { WatchChannel, type StreamCounter } from './channel.js';
import type { Keyspace } from './keyspace.js';

export interface WatchCacheOptions {
  readonly client: WatchClient;
  readonly keyspace: Keyspace;
  /** Most recent events kept for watches that start in the past. */
  readonly windowEvents: number;
  /** Live events a watcher may have pending before it is ended as too slow. */
  readonly maxQueuedEvents: number;
  /** How long etcd may stay unreachable before the watchers are ended with Unavailable. */
  readonly retryForMs: number;
  readonly streams: StreamCounter;
  /** Revisions and compactions learned from the source, for the backend's counters. */
  readonly onRevision: (revision: number) => void;
  readonly onCompacted: (compactRevision: number) => void;
}

/** Replayed history is handed over in chunks of about this many events (whole revisions). */
const REPLAY_CHUNK = 1000;

export class WatchCache {
  readonly #opts: WatchCacheOptions;
  readonly #window: EventWindow;
  readonly #broadcaster = new Broadcaster();
  #channel: WatchChannel | undefined;
  #closed = false;
  #created: (() => void) | undefined;
  /**
   * Resolves once etcd has registered the source (or it is closed). A watch starting after the
   * current revision is then in step with every commit; before, etcd catches it up from its
   * start revision in large batches.
   */
  readonly ready: Promise<void>;

  /** Starts the source right after `after`, a revision every caller has already accounted for. */
  constructor(opts: WatchCacheOptions, after: number) {
    this.#opts = opts;
    this.#window = new EventWindow(opts.windowEvents, after);
    this.ready = new Promise((resolve) => (this.#created = resolve));
    this.#start(after + 1);
  }

  /** Watchers subscribed to the source. */
  get watchers(): number {
    return this.#broadcaster.size;
  }

  /** Every event above this revision is held or still to come from the source. */
  get windowStart(): number {
    return this.#window.start;
  }

  /**
   * A watch from `startRevision` (inclusive) served from the window and then the source, or
   * undefined when the window no longer reaches back that far.
   */
  watch(prefix: string, startRevision: number, signal: AbortSignal | undefined): Watch | undefined {
    const window = this.#window;
    if (this.#closed || startRevision <= window.start) return undefined;
    // Copied now: by the first read the window may have moved on. The stream subscribes in its
    // constructor, so nothing can be appended in between.
    const history = window.since(prefix, startRevision);
    return new WatchStream({
      prefix,
      startRevision,
      subscribedAt: window.through,
      broadcaster: this.#broadcaster,
      readHistory: () => replay(history),
      maxQueuedEvents: this.#opts.maxQueuedEvents,
      signal,
    });
  }

  /** Stops the source; every watcher ends quietly. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#channel?.close();
    this.#broadcaster.close();
    this.#created?.();
  }

  #start(from: number): void {
    if (this.#closed) return;
    const { client, keyspace, retryForMs, streams, onRevision, onCompacted } = this.#opts;
    this.#channel = new WatchChannel({
      client,
      // The private records too: the compact revision another replica records arrives here.
      range: keyspace.all(),
      startRevision: from,
      prevKv: true,
      // It resumes from the revision after the last one delivered, however long etcd is away.
      retryForMs: Infinity,
      retryAlways: true,
      streams,
      handlers: {
        onCreated: () => this.#created?.(),
        onEvents: (raw, revision) => this.#receive(raw, revision),
        onProgress: (revision) => {
          this.#window.progress(revision);
          onRevision(revision);
        },
        onCompacted: (compactRevision) => {
          onCompacted(compactRevision);
          // It fell behind a compaction while disconnected: the events it missed are gone, so its
          // watchers cannot go on here. They resume from their last revision (on a dedicated watch,
          // which says Compacted when that is gone too); the window starts over from what is left.
          const restart = Math.max(compactRevision, this.#window.through + 1);
          this.#window.reset(restart - 1);
          this.#broadcaster.endAll('lost');
          this.#start(restart);
        },
        // Not expected while it retries always; resuming from where it was loses nothing.
        onFailed: () => this.#start(this.#window.through + 1),
        onRetry: (failingForMs) => {
          // As a dedicated watch would: the consumer learns that etcd is gone rather than waiting
          // on. Later subscribers wait for the source, which resumes without a gap.
          if (failingForMs >= retryForMs) this.#broadcaster.endAll('unavailable');
        },
      },
    });
  }

  #receive(raw: IEvent[], revision: number): void {
    const { keyspace, onRevision, onCompacted } = this.#opts;
    const events: WatchEvent[] = [];
    let last = 0;
    for (const e of raw) {
      last = Number(e.kv.mod_revision);
      if (keyspace.isPrivate(e.kv.key)) {
        if (e.type === 'Put' && keyspace.isCompactKey(e.kv.key)) onCompacted(Number(e.kv.value.toString()) || 0);
        continue;
      }
      events.push(keyspace.event(e));
    }
    // The counter first: a watcher that gets an event may rely on currentRevision covering it.
    onRevision(Math.max(revision, last));
    this.#window.append(events, last);
    if (events.length > 0) this.#broadcaster.publish(events);
  }
}

async function* replay(chunks: WatchEvent[][]): AsyncGenerator<WatchEvent[]> {
  yield* chunks;
}

/**
 * The most recent events, in revision order, at most `capacity` of them; whole revisions are
 * evicted together, so the window always holds every event above `start`.
 */
export class EventWindow {
  readonly #capacity: number;
  #events: WatchEvent[] = [];
  /** Index of the oldest event held: evicted ones are cut off the array in bulk, not one by one. */
  #head = 0;
  /** Every event with a revision above this one (up to `through`) is held. */
  start: number;
  /** The source has delivered every event up to this revision. */
  through: number;

  constructor(capacity: number, after: number) {
    this.#capacity = Math.max(0, capacity);
    this.start = after;
    this.through = after;
  }

  get size(): number {
    return this.#events.length - this.#head;
  }

  /** Empties the window: it covers what comes after `after`. */
  reset(after: number): void {
    this.#events = [];
    this.#head = 0;
    this.start = after;
    this.through = after;
  }

  /** Events of whole revisions, all above `through`; `last` is the last revision they complete. */
  append(events: readonly WatchEvent[], last: number): void {
    for (const e of events) this.#events.push(e);
    if (last > this.through) this.through = last;
    this.#trim();
  }

  /** etcd says every event up to `revision` has been delivered. */
  progress(revision: number): void {
    if (revision > this.through) this.through = revision;
  }

  /** Held events of keys under `prefix` from revision `from` on, in chunks of whole revisions. */
  since(prefix: string, from: number): WatchEvent[][] {
    const events = this.#events;
    let lo = this.#head;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (events[mid]!.kv.modRevision < from) lo = mid + 1;
      else hi = mid;
    }
    const chunks: WatchEvent[][] = [];
    let chunk: WatchEvent[] = [];
    for (let i = lo; i < events.length; i++) {
      const e = events[i]!;
      // A chunk never splits a revision: the stream drops what is not above what it has sent.
      if (chunk.length >= REPLAY_CHUNK && chunk[chunk.length - 1]!.kv.modRevision !== e.kv.modRevision) {
        chunks.push(chunk);
        chunk = [];
      }
      if (prefix === '' || e.kv.key.startsWith(prefix)) chunk.push(e);
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  #trim(): void {
    const events = this.#events;
    let head = this.#head;
    while (events.length - head > this.#capacity) {
      const revision = events[head]!.kv.modRevision;
      while (head < events.length && events[head]!.kv.modRevision === revision) head++;
      this.start = revision;
    }
    // Copy the survivors down once the dead prefix outweighs them: amortized O(1) per event.
    if (head > 1024 && head * 2 > events.length) {
      this.#events = events.slice(head);
      head = 0;
    }
    this.#head = head;
  }
}
