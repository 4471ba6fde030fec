/**
 * List, then watch from the list's resourceVersion, forever: the informer loop, written here
 * because client-node's gives up silently when a relist fails while the server is down (its
 * done handler relists once and drops the error). This one keeps a cache, reports changes as
 * add/update/delete (a relist reports the difference), and retries with backoff until stopped.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/object.js';

export interface ListWatchHandlers {
  add(o: KubeObject): void;
  update(o: KubeObject): void;
  delete(o: KubeObject): void;
}

export type Lister = () => Promise<{ metadata?: { resourceVersion?: string }; items: KubeObject[] }>;

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class ListWatch {
  readonly #kc: KubeConfig;
  readonly #path: string;
  readonly #list: Lister;
  readonly #h: ListWatchHandlers;
  readonly #query: Readonly<Record<string, string>>;
  readonly #cache = new Map<string, KubeObject>();
  #abort: AbortController | undefined;
  #stopped = false;
  #synced!: () => void;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void> = new Promise((r) => (this.#synced = r));

  /** `query` goes on every watch request (a label selector, say); `list` must apply it too. */
  constructor(kc: KubeConfig, path: string, list: Lister, handlers: ListWatchHandlers, query: Readonly<Record<string, string>> = {}) {
    this.#query = query;
    this.#kc = kc;
    this.#path = path;
    this.#list = list;
    this.#h = handlers;
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.#cache.get(`${namespace}/${name}`);
  }

  start(): void {
    void this.#run();
  }

  stop(): void {
    this.#stopped = true;
    this.#abort?.abort();
  }

  async #run(): Promise<void> {
    let delay = 200;
    let rv: string | undefined;
    while (!this.#stopped) {
      const began = Date.now();
      try {
        if (rv === undefined) rv = await this.#relist();
        this.#synced();
        rv = await this.#watch(rv);
        // A watch the server ended at once is a failure in disguise: do not spin.
        if (Date.now() - began > 1000) delay = 200;
        else await this.#pause((delay = Math.min(delay * 2, 5000)));
      } catch {
        if (this.#stopped) return;
        // Start again from a fresh list (it also covers a 410 Gone): events may have been missed.
        rv = undefined;
        await this.#pause(delay);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms).unref());
  }

  async #relist(): Promise<string> {
    const list = await this.#list();
    const seen = new Set<string>();
    for (const o of list.items) {
      const k = keyOf(o);
      seen.add(k);
      const old = this.#cache.get(k);
      this.#cache.set(k, o);
      if (old === undefined) this.#h.add(o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) this.#h.update(o);
    }
    for (const [k, o] of this.#cache) {
      if (seen.has(k)) continue;
      this.#cache.delete(k);
      this.#h.delete(o);
    }
    return list.metadata?.resourceVersion ?? '';
  }

  /** Resolves with the last resourceVersion seen when the server ends the watch; rejects on errors. */
  #watch(fromRv: string): Promise<string> {
    let rv = fromRv;
    return new Promise<string>((resolve, reject) => {
      let failed: unknown;
      new Watch(this.#kc)
        .watch(
          this.#path,
          { ...this.#query, resourceVersion: rv, allowWatchBookmarks: true },
          (phase, obj: KubeObject) => {
            if (phase === 'ERROR') {
              failed = Object.assign(new Error('watch error'), { code: (obj as unknown as { code?: number }).code });
              return;
            }
            rv = obj.metadata?.resourceVersion ?? rv;
            if (phase === 'BOOKMARK') return;
            const k = keyOf(obj);
            if (phase === 'DELETED') {
              this.#cache.delete(k);
              this.#h.delete(obj);
            } else if (this.#cache.has(k)) {
              this.#cache.set(k, obj);
              this.#h.update(obj);
            } else {
              this.#cache.set(k, obj);
              this.#h.add(obj);
            }
          },
          (err: unknown) => {
            const e = err ?? failed;
            if (e !== undefined && e !== null) reject(e);
            else resolve(rv);
          },
        )
        .then((abort) => {
          this.#abort = abort;
          if (this.#stopped) abort.abort();
        }, reject);
    });
  }
}
