/**
 * Fan-out of committed events to live watchers. Publishing never waits for a watcher: each one
 * has a bounded queue, and a watcher whose queue overflows is cut off with an error it can act
 * on (resume from its last revision, or relist) instead of silently losing events or stalling
 * the writers and the other watchers.
 */
import type { WatchEvent } from './types.js';

/**
 * Why a sink is dropped: it overflowed; the broadcaster closed; its source lost continuity (the
 * events it would need next are gone from the source, so it must resume elsewhere); or its source
 * has been unreachable for too long.
 */
export type EndReason = 'overflow' | 'closed' | 'lost' | 'unavailable';

export interface Sink {
  readonly prefix: string;
  /**
   * Takes events already filtered by prefix, in an array it must not modify (other sinks may hold
   * the same one); returns false when the sink can take no more.
   */
  offer(events: WatchEvent[]): boolean;
  /** Called once when the sink is dropped: for overflowing, by endAll(), or when the broadcaster closes. */
  end(reason: EndReason): void;
}

export class Broadcaster {
  /**
   * Sinks by prefix: a commit is matched once per distinct prefix, not once per sink, so a
   * thousand watchers of one resource cost one filter, and a write elsewhere costs them nothing.
   */
  readonly #byPrefix = new Map<string, Set<Sink>>();
  #size = 0;
  #published = 0;

  /** The revision of the last events published: every sink caught up has been offered all up to it. */
  get published(): number {
    return this.#published;
  }

  get size(): number {
    return this.#size;
  }

  subscribe(sink: Sink): () => void {
    let sinks = this.#byPrefix.get(sink.prefix);
    if (sinks === undefined) this.#byPrefix.set(sink.prefix, (sinks = new Set()));
    sinks.add(sink);
    this.#size++;
    return () => this.#drop(sink);
  }

  /**
   * Delivers one commit's events (ascending revision) to every sink whose prefix they match.
   * Sinks that match every event share one array (read-only to all), so a change fanned out to a
   * thousand watchers is one array, not a thousand copies.
   */
  publish(events: readonly WatchEvent[]): void {
    const all = events as WatchEvent[];
    const tail = events[events.length - 1];
    if (tail !== undefined && tail.kv.modRevision > this.#published) this.#published = tail.kv.modRevision;
    for (const [prefix, sinks] of this.#byPrefix) {
      const matched = matchesAll(events, prefix) ? all : events.filter((e) => e.kv.key.startsWith(prefix));
      if (matched.length === 0) continue;
      for (const sink of sinks) {
        if (sink.offer(matched)) continue;
        this.#drop(sink);
        sink.end('overflow');
      }
    }
  }

  /** Drops every sink, telling each why. Sinks subscribed afterwards are unaffected. */
  endAll(reason: EndReason): void {
    const sinks = [...this.#byPrefix.values()].flatMap((s) => [...s]);
    this.#byPrefix.clear();
    this.#size = 0;
    for (const sink of sinks) sink.end(reason);
  }

  close(): void {
    this.endAll('closed');
  }

  #drop(sink: Sink): void {
    const sinks = this.#byPrefix.get(sink.prefix);
    if (sinks === undefined || !sinks.delete(sink)) return;
    this.#size--;
    if (sinks.size === 0) this.#byPrefix.delete(sink.prefix);
  }
}

function matchesAll(events: readonly WatchEvent[], prefix: string): boolean {
  if (prefix === '') return true;
  for (const e of events) if (!e.kv.key.startsWith(prefix)) return false;
  return true;
}
