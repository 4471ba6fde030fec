/**
 * The namespaces of a space, kept in memory by a list and a watch (kube's NamespaceLifecycle
 * admission uses an informer the same way), so admitting a create costs a map lookup instead of
 * a storage read. A miss still reads storage: a namespace created a moment ago may not have
 * arrived through the watch yet.
 */
import type { KubeObject } from '../api/object.js';
import { runInformer } from '../controllers/informer.js';
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

  #start(): Promise<void> {
    const state = (ns: KubeObject): NamespaceState => ({ terminating: ns.metadata.deletionTimestamp !== undefined });
    return runInformer(
      this.#store,
      '',
      {
        sync: (items) => {
          this.#known.clear();
          for (const ns of items) this.#known.set(ns.metadata.name!, state(ns));
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#known.delete(e.object.metadata.name!);
          else this.#known.set(e.object.metadata.name!, state(e.object));
        },
      },
      this.#abort.signal,
    );
  }
}
