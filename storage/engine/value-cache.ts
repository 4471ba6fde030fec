/**
 * The current value of recently read or written keys, so a point read at the current revision
 * needs neither LevelDB nor the record's integrity check (a GET by name is the commonest request
 * a server gets). Bounded by the bytes of the values it holds, least recently used out first.
 *
 * It holds only what is visible: the engine sets and deletes entries in the same synchronous step
 * that advances the revision, and fills it from reads only when the record read is no newer than
 * that revision.
 */
import type { KeyValue } from '../types.js';

/** Bookkeeping per entry beyond the value itself (key, Map slot, KeyValue object). */
const ENTRY_OVERHEAD = 160;

export class ValueCache {
  readonly #budget: number;
  readonly #entries = new Map<string, KeyValue>();
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

  /** The cached value, now the most recently used. */
  get(key: string): KeyValue | undefined {
    const kv = this.#entries.get(key);
    if (kv !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, kv);
    }
    return kv;
  }

  /** Stores the key's current value, evicting the least recently used beyond the budget. */
  set(kv: KeyValue): void {
    const size = cost(kv);
    if (size > this.#budget) {
      this.delete(kv.key);
      return;
    }
    const old = this.#entries.get(kv.key);
    if (old !== undefined) {
      this.#entries.delete(kv.key);
      this.#bytes -= cost(old);
    }
    this.#entries.set(kv.key, kv);
    this.#bytes += size;
    if (this.#bytes <= this.#budget) return;
    for (const [key, victim] of this.#entries) {
      if (this.#bytes <= this.#budget) break;
      this.#entries.delete(key);
      this.#bytes -= cost(victim);
    }
  }

  delete(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= cost(old);
  }
}

function cost(kv: KeyValue): number {
  return kv.value.byteLength + kv.key.length * 2 + ENTRY_OVERHEAD;
}
