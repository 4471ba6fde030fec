/**
 * The namespaces of a space, kept in memory by a list and a watch (kube's NamespaceLifecycle
 * admission uses an informer the same way), so admitting a create costs a map lookup instead of
 * a storage read. A miss still reads storage: a namespace created a moment ago may not have
 * arrived through the watch yet.
 */
import type { GenericStore } from '../registry/store.js';

export interface NamespaceState {
  readonly terminating: boolean;
}

export class NamespaceCache {
  readonly #store: GenericStore;
  readonly #known = new Map<string, NamespaceState>();
  readonly #abort = new AbortController();
  #started: Promise<void> | undefined;

  constructor(store: GenericStore) {
    this.#store = store;
  }

  /** The namespace's state, or undefined when it does not exist. */
  async lookup(name: string): Promise<NamespaceState | undefined> {
    this.#started ??= this.#start();
    await this.#started;
    const cached = this.#known.get(name);
    if (cached !== undefined) return cached;
    try {
      const ns = await this.#store.get('', name);
      return { terminating: ns.metadata.deletionTimestamp !== undefined };
    } catch {
      return undefined;
    }
  }

  stop(): void {
    this.#abort.abort();
  }

  async #start(): Promise<void> {
    const { list } = await this.#store.list('');
    for (const ns of list.items) this.#known.set(ns.metadata.name!, { terminating: ns.metadata.deletionTimestamp !== undefined });
    void this.#follow(Number(list.metadata.resourceVersion));
  }

  async #follow(afterRevision: number): Promise<void> {
    try {
      for await (const events of this.#store.watch('', { afterRevision, signal: this.#abort.signal })) {
        for (const e of events) {
          const name = e.object.metadata.name!;
          if (e.type === 'DELETED') this.#known.delete(name);
          else this.#known.set(name, { terminating: e.object.metadata.deletionTimestamp !== undefined });
        }
      }
    } catch {
      // Fell behind or compacted: forget everything and start over on the next lookup.
    }
    if (!this.#abort.signal.aborted) {
      this.#known.clear();
      this.#started = undefined;
    }
  }
}
