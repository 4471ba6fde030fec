/**
 * An in-memory index of every object in a space, by uid, by owner and by namespace: what garbage
 * collection and namespace cleanup need to decide in microseconds instead of scanning.
 */
import type { ResourceDefinition } from '../registry/definition.js';
import type { SpaceObject } from '../registry/space-stream.js';

export interface IndexedObject {
  readonly def: ResourceDefinition;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly ownerUids: readonly string[];
  readonly deleting: boolean;
  readonly finalizers: readonly string[];
  /** For namespaces (core/v1): whether spec.finalizers still holds `kubernetes`. */
  readonly heldBySpecFinalizer: boolean;
}

/** Shared by the many objects with no owners or finalizers: the index holds one entry per object of the space. */
const NONE: readonly string[] = Object.freeze([]);

/** What the index keeps of an object: its metadata, and for a namespace its spec's finalizers. */
export function toIndexed(o: Pick<SpaceObject, 'def' | 'metadata' | 'object'>): IndexedObject {
  const { def, metadata: meta } = o;
  // Only a namespace's spec matters: other objects are not decoded past their metadata.
  const specFinalizers = isNamespaceResource(def) ? (o.object['spec'] as { finalizers?: unknown } | undefined)?.finalizers : undefined;
  return {
    def,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    ownerUids: meta.ownerReferences?.length ? meta.ownerReferences.map((r) => r.uid) : NONE,
    deleting: meta.deletionTimestamp !== undefined,
    finalizers: meta.finalizers ?? NONE,
    heldBySpecFinalizer: Array.isArray(specFinalizers) && specFinalizers.includes('kubernetes'),
  };
}

export class ObjectIndex {
  readonly #byUid = new Map<string, IndexedObject>();
  readonly #dependents = new Map<string, Set<string>>();
  readonly #byNamespace = new Map<string, Set<string>>();
  readonly #namespaceUids = new Map<string, string>();

  get(uid: string): IndexedObject | undefined {
    return this.#byUid.get(uid);
  }

  upsert(obj: IndexedObject): void {
    this.remove(obj.uid);
    this.#byUid.set(obj.uid, obj);
    for (const owner of obj.ownerUids) addTo(this.#dependents, owner, obj.uid);
    if (obj.namespace !== '') addTo(this.#byNamespace, obj.namespace, obj.uid);
    if (isNamespace(obj)) this.#namespaceUids.set(obj.name, obj.uid);
  }

  /** The Namespace object called `name`, if any. */
  namespace(name: string): IndexedObject | undefined {
    const uid = this.#namespaceUids.get(name);
    return uid === undefined ? undefined : this.#byUid.get(uid);
  }

  remove(uid: string): IndexedObject | undefined {
    const old = this.#byUid.get(uid);
    if (old === undefined) return undefined;
    this.#byUid.delete(uid);
    for (const owner of old.ownerUids) removeFrom(this.#dependents, owner, uid);
    if (old.namespace !== '') removeFrom(this.#byNamespace, old.namespace, uid);
    if (isNamespace(old) && this.#namespaceUids.get(old.name) === uid) this.#namespaceUids.delete(old.name);
    return old;
  }

  dependentsOf(uid: string): IndexedObject[] {
    return [...(this.#dependents.get(uid) ?? [])].map((d) => this.#byUid.get(d)).filter((d): d is IndexedObject => d !== undefined);
  }

  inNamespace(namespace: string): IndexedObject[] {
    return [...(this.#byNamespace.get(namespace) ?? [])].map((d) => this.#byUid.get(d)).filter((d): d is IndexedObject => d !== undefined);
  }

  all(): IterableIterator<IndexedObject> {
    return this.#byUid.values();
  }
}

export function isNamespace(obj: IndexedObject): boolean {
  return isNamespaceResource(obj.def);
}

function isNamespaceResource(def: ResourceDefinition): boolean {
  return def.group === '' && def.plural === 'namespaces';
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
