/**
 * Every object of a space, across all its resources: one consistent list and one watch over the
 * space's key prefix. Controllers that must see the whole space (garbage collection, namespace
 * cleanup) use this instead of a watch per resource.
 */
import type { KubeObject } from '../api/object.js';
import type { Backend } from '../../storage/index.js';
import type { ResourceCatalog } from './catalog.js';
import { decodeKv, decodeShared } from './codec.js';
import type { ResourceDefinition } from './definition.js';
import { resourceOfKey, spacePrefix } from './keys.js';
import type { WatchEventType } from './store.js';

export interface SpaceObject {
  readonly def: ResourceDefinition;
  readonly object: KubeObject;
  /**
   * The stored bytes `object` was decoded from, for consumers that keep many objects: the bytes
   * live outside the JS heap, a decoded object is dozens of heap objects for the GC to trace.
   */
  readonly stored?: { readonly value: Uint8Array; readonly revision: number };
}

export interface SpaceEvent extends SpaceObject {
  readonly type: WatchEventType;
  /** For MODIFIED and DELETED: the object before the change. */
  readonly previous?: KubeObject;
  readonly revision: number;
}

export class SpaceStream {
  readonly #backend: Backend;
  readonly #space: string | undefined;
  readonly #catalog: ResourceCatalog;

  constructor(backend: Backend, space: string | undefined, catalog: ResourceCatalog) {
    this.#backend = backend;
    this.#space = space;
    this.#catalog = catalog;
  }

  async listAll(): Promise<{ items: SpaceObject[]; revision: number }> {
    const r = await this.#backend.range(spacePrefix(this.#space));
    const items: SpaceObject[] = [];
    for (const kv of r.kvs) {
      const def = this.#defOf(kv.key);
      if (def) items.push({ def, object: decodeKv(kv), stored: { value: kv.value, revision: kv.modRevision } });
    }
    return { items, revision: r.revision };
  }

  /**
   * Events from after `afterRevision`. Their objects are shared with every other watcher of the
   * same change (decodeShared): consumers must not modify them.
   */
  async *watchAll(afterRevision: number, signal?: AbortSignal): AsyncGenerator<SpaceEvent[]> {
    const watch = this.#backend.watch(spacePrefix(this.#space), { startRevision: afterRevision + 1, ...(signal && { signal }) });
    try {
      for await (const batch of watch) {
        const out: SpaceEvent[] = [];
        for (const e of batch) {
          const def = this.#defOf(e.kv.key);
          if (!def) continue;
          const revision = e.kv.modRevision;
          const previous = e.prevKv && decodeShared(e.prevKv, revision);
          if (e.type === 'delete') {
            if (previous) out.push({ def, type: 'DELETED', object: previous, previous, revision });
          } else {
            const stored = { value: e.kv.value, revision };
            out.push({ def, type: previous ? 'MODIFIED' : 'ADDED', object: decodeShared(e.kv), stored, ...(previous && { previous }), revision });
          }
        }
        if (out.length > 0) yield out;
      }
    } finally {
      watch.close();
    }
  }

  #defOf(key: string): ResourceDefinition | undefined {
    const r = resourceOfKey(this.#space, key);
    return r && this.#catalog.byResource(r.group, r.plural);
  }
}
