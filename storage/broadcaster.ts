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
  readonly #sinks = new Set<Sink>();

  get size(): number {
    return this.#sinks.size;
  }

  subscribe(sink: Sink): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  /**
   * Delivers one commit's events (ascending revision) to every sink whose prefix they match.
   * Sinks that match every event share one array (read-only to all), so a change fanned out to a
   * thousand watchers is one array, not a thousand copies.
   */
  publish(events: readonly WatchEvent[]): void {
    const all = events as WatchEvent[];
    for (const sink of this.#sinks) {
      const matched = matchesAll(events, sink.prefix) ? all : events.filter((e) => e.kv.key.startsWith(sink.prefix));
      if (matched.length === 0) continue;
      if (!sink.offer(matched)) {
        this.#sinks.delete(sink);
        sink.end('overflow');
      }
    }
  }

  /** Drops every sink, telling each why. Sinks subscribed afterwards are unaffected. */
  endAll(reason: EndReason): void {
    const sinks = [...this.#sinks];
    this.#sinks.clear();
    for (const sink of sinks) sink.end(reason);
  }

  close(): void {
    this.endAll('closed');
  }
}

function matchesAll(events: readonly WatchEvent[], prefix: string): boolean {
  if (prefix === '') return true;
  for (const e of events) if (!e.kv.key.startsWith(prefix)) return false;
  return true;
}
