/**
 * The current value of recently read or written keys, so a point read at the current revision
 * needs neither LevelDB nor the record's integrity check (a GET by name is the commonest request
 * a server gets). Bounded by the bytes of the values it holds, least recently used out first.
 *
 * It holds only what is visible: the engine sets and deletes entries in the same synchronous step
 * that advances the revision, and fills it from reads only when the record read is no newer than
 * that revision.
 *
 * Recency is approximated with a second chance (CLOCK): a hit only marks the entry, and eviction
 * walks from the oldest, moving marked entries to the back. Moving every hit to the back instead
 * churns V8's ordered hash table into a rehash every few thousand reads.
 */
import type { KeyValue } from '../types.js';

/** Bookkeeping per entry beyond the value itself (key, Map slot, entry object). */
const ENTRY_OVERHEAD = 160;

export class ValueCache {
  readonly #budget: number;
  readonly #entries = new Map<string, CachedValue>();
  #bytes = 0;

  /** `budgetBytes` 0 disables the cache. */
  constructor(budgetBytes: number) {
    this.#budget = Math.max(0, budgetBytes);
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The cached value, marked as used since the eviction hand last passed it. */
  get(key: string): KeyValue | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    entry.mark(true);
    return entry;
  }

  /** Stores (a copy of) the key's current value, evicting the least recently used beyond the budget. */
  set(kv: KeyValue): void {
    const size = cost(kv);
    if (size > this.#budget) {
      this.delete(kv.key);
      return;
    }
    const entry = new CachedValue(kv);
    const old = this.#entries.get(kv.key);
    if (old !== undefined) {
      // Rewritten: it keeps its position and counts as used.
      this.#bytes += size - cost(old);
      entry.mark(true);
    } else this.#bytes += size;
    this.#entries.set(kv.key, entry);
    this.#evict(kv.key);
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= cost(old);
  }

  /**
   * Drops the oldest unmarked entries until within budget. A marked entry is unmarked and moved
   * to the back (the Map's iteration then meets it again, after the others); after as many second
   * chances as there are entries, marks no longer save anyone. `keep`, the entry just set, stays.
   */
  #evict(keep: string): void {
    let chances = this.#entries.size;
    for (const [key, entry] of this.#entries) {
      if (this.#bytes <= this.#budget) return;
      if (key === keep) continue;
      if (entry.mark(false) && chances-- > 0) {
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        continue;
      }
      this.#entries.delete(key);
      this.#bytes -= cost(entry);
    }
  }
}

/**
 * An entry: the KeyValue itself, with its second-chance mark in a private field. A class of its
 * own, its revisions stored as small integers: a KeyValue literal shares its shape with records
 * decoded from disk, whose u48 fields made V8 keep every revision of every cached key as a boxed
 * heap number, three more objects per key for each full collection to trace. Copied rather than
 * kept: an event's own KeyValue keys the watchers' shared decoded object (src/registry/codec.ts),
 * which would otherwise live as long as the entry.
 */
class CachedValue implements KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** Read or rewritten since the eviction hand last passed. */
  #used = false;

  constructor(kv: KeyValue) {
    this.key = kv.key;
    this.value = kv.value;
    this.createRevision = small(kv.createRevision);
    this.modRevision = small(kv.modRevision);
    this.version = small(kv.version);
  }

  /** Sets the mark; returns what it was. */
  mark(used: boolean): boolean {
    const was = this.#used;
    this.#used = used;
    return was;
  }
}

/** As a small integer (V8 stores it unboxed) when it is one. */
const small = (n: number): number => (n >= 0 && n <= 0x3fffffff ? n | 0 : n);

function cost(kv: KeyValue): number {
  return kv.value.byteLength + kv.key.length * 2 + ENTRY_OVERHEAD;
}
