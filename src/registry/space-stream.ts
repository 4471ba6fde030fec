/**
 * Every object of a space, across all its resources: one consistent list and one watch over the
 * space's key prefix. Controllers that must see the whole space (garbage collection, namespace
 * cleanup) use this instead of a watch per resource.
 */
import type { KubeObject, ObjectMeta } from '../api/object.js';
import type { Backend, KeyValue } from '../../storage/index.js';
import type { ResourceCatalog } from './catalog.js';
import { decodeShared, decodeSharedMetadata } from './codec.js';
import type { ResourceDefinition } from './definition.js';
import { resourceOfKey, spacePrefix } from './keys.js';
import type { WatchEventType } from './store.js';

/**
 * An object of the space, decoded as far as its reader goes: `metadata` alone, or the whole
 * `object` when asked for. Both are shared with every other reader of the same change
 * (codec.ts's decodeShared): read-only.
 */
export interface SpaceObject {
  readonly def: ResourceDefinition;
  readonly metadata: ObjectMeta;
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

/** A stored key's object at `revision`, decoded on first use. */
class StoredObject implements SpaceObject {
  readonly def: ResourceDefinition;
  readonly stored?: { readonly value: Uint8Array; readonly revision: number };
  readonly #kv: KeyValue;
  readonly #revision: number;

  constructor(def: ResourceDefinition, kv: KeyValue, revision: number, withStored: boolean) {
    this.def = def;
    this.#kv = kv;
    this.#revision = revision;
    if (withStored) this.stored = { value: kv.value, revision };
  }

  get metadata(): ObjectMeta {
    return decodeSharedMetadata(this.#kv, this.#revision);
  }

  get object(): KubeObject {
    return decodeShared(this.#kv, this.#revision);
  }
}

class StoredEvent extends StoredObject implements SpaceEvent {
  readonly type: WatchEventType;
  readonly revision: number;
  readonly #previous: KeyValue | undefined;

  constructor(def: ResourceDefinition, type: WatchEventType, current: KeyValue, previous: KeyValue | undefined, revision: number) {
    super(def, current, revision, type !== 'DELETED');
    this.type = type;
    this.revision = revision;
    this.#previous = previous;
  }

  get previous(): KubeObject | undefined {
    return this.#previous && decodeShared(this.#previous, this.revision);
  }
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
      if (def) items.push(new StoredObject(def, kv, kv.modRevision, true));
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
          if (e.type === 'delete') {
            // The deleted object is the last value, at the deletion's revision.
            if (e.prevKv) out.push(new StoredEvent(def, 'DELETED', e.prevKv, e.prevKv, revision));
          } else out.push(new StoredEvent(def, e.prevKv ? 'MODIFIED' : 'ADDED', e.kv, e.prevKv, revision));
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
