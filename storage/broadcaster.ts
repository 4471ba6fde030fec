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
  /** The subscribed prefixes, those ending in `/` apart (see #match); rebuilt when one comes or goes. */
  #prefixes: { readonly directories: string[]; readonly others: string[] } | undefined;
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
    if (sinks === undefined) {
      this.#byPrefix.set(sink.prefix, (sinks = new Set()));
      this.#prefixes = undefined;
    }
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
    if (tail === undefined || this.#byPrefix.size === 0) return;
    for (const [prefix, matched] of this.#match(events)) {
      const sinks = this.#byPrefix.get(prefix);
      if (sinks === undefined) continue;
      const batch = matched.length === events.length ? all : matched;
      for (const sink of sinks) {
        if (sink.offer(batch)) continue;
        this.#drop(sink);
        sink.end('overflow');
      }
    }
  }

  /**
   * The events under each subscribed prefix, in order. A prefix ending in `/` (every prefix the
   * API watches) is under a key exactly when it is under the key's directory, the key up to its
   * last `/`; the events of one commit mostly share a directory, so each directory is matched
   * against the prefixes once rather than each key (with 78 prefixes on a server with a few
   * spaces, testing every key against every one was 2.5% of a create's handler-thread time).
   */
  #match(events: readonly WatchEvent[]): Map<string, WatchEvent[]> {
    const prefixes = (this.#prefixes ??= splitPrefixes(this.#byPrefix.keys()));
    const out = new Map<string, WatchEvent[]>();
    const add = (prefix: string, e: WatchEvent): void => {
      const list = out.get(prefix);
      if (list === undefined) out.set(prefix, [e]);
      else list.push(e);
    };
    let directory: string | undefined;
    let under: string[] = [];
    for (const e of events) {
      const key = e.kv.key;
      if (directory === undefined || !inDirectory(key, directory)) {
        const dir = key.slice(0, key.lastIndexOf('/') + 1);
        directory = dir;
        under = prefixes.directories.filter((p) => dir.startsWith(p));
      }
      for (const p of under) add(p, e);
      for (const p of prefixes.others) if (key.startsWith(p)) add(p, e);
    }
    return out;
  }

  /** Drops every sink, telling each why. Sinks subscribed afterwards are unaffected. */
  endAll(reason: EndReason): void {
    const sinks = [...this.#byPrefix.values()].flatMap((s) => [...s]);
    this.#byPrefix.clear();
    this.#prefixes = undefined;
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
    if (sinks.size === 0) {
      this.#byPrefix.delete(sink.prefix);
      this.#prefixes = undefined;
    }
  }
}

function splitPrefixes(all: Iterable<string>): { directories: string[]; others: string[] } {
  const directories: string[] = [];
  const others: string[] = [];
  for (const p of all) (p.endsWith('/') ? directories : others).push(p);
  return { directories, others };
}

/** Whether `key`'s directory is `directory` (which ends in `/`, or is empty). */
function inDirectory(key: string, directory: string): boolean {
  return key.startsWith(directory) && key.indexOf('/', directory.length) === -1;
}
