/**
 * Objects of one resource in a space, kept in memory by a list and a watch: the listers that
 * kube-apiserver's admission plugins and ServiceAccount token authenticator read instead of
 * storage (NamespaceLifecycle, the token getter). A lookup then costs a map lookup, not a storage
 * read and a decode. A miss still reads storage: an object created a moment ago may not have
 * arrived through the watch yet. Objects handed out are shared and must be treated as read-only.
 */
import type { KubeObject } from '../api/object.js';
import { isStatusError } from '../api/errors.js';
import { runInformer } from '../controllers/informer.js';
import type { GenericStore } from '../registry/store.js';

export class ObjectCache {
  readonly #store: GenericStore;
  /** By `namespace/name` (`/name` for cluster-scoped objects). */
  readonly #known = new Map<string, KubeObject>();
  readonly #abort = new AbortController();
  #started: Promise<void> | undefined;
  #synced = false;

  constructor(store: GenericStore) {
    this.#store = store;
  }

  /** The object, or undefined when it does not exist. */
  async lookup(namespace: string, name: string): Promise<KubeObject | undefined> {
    this.#started ??= this.#start();
    await this.#started;
    const cached = this.#known.get(`${namespace}/${name}`);
    if (cached !== undefined) return cached;
    try {
      return await this.#store.get(namespace, name);
    } catch (err) {
      if (isStatusError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** Every object of one namespace, as the watch last reported them. */
  async inNamespace(namespace: string): Promise<KubeObject[]> {
    this.#started ??= this.#start();
    await this.#started;
    const prefix = `${namespace}/`;
    return [...this.#known].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o);
  }

  /**
   * How many objects the watch last reported, without waiting: undefined until the first list is
   * in (which this starts). Lets a hot path skip the await when there is nothing to look at.
   */
  sizeNow(): number | undefined {
    this.#started ??= this.#start();
    return this.#synced ? this.#known.size : undefined;
  }

  stop(): void {
    this.#abort.abort();
  }

  #start(): Promise<void> {
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name!}`;
    return runInformer(
      this.#store,
      '',
      {
        sync: (items) => {
          this.#known.clear();
          for (const o of items) this.#known.set(key(o), o);
          this.#synced = true;
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#known.delete(key(e.object));
          else this.#known.set(key(e.object), e.object);
        },
      },
      this.#abort.signal,
    );
  }
}
