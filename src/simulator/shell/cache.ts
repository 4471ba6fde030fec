/**
 * The simulator's view of its space: the objects of the kinds it simulates, indexed by key, by
 * uid and by controlling owner, as of `revision`. Fed only by the space's list and watch, so
 * decisions are made on one consistent state.
 */
import type { KubeObject } from '../../api/object.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import { controllerRef } from '../model/objects.js';

export interface Cached {
  readonly def: ResourceDefinition;
  readonly object: KubeObject;
}

/** The kinds simulated, by `group/plural`. */
export const SIMULATED = new Set([
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
  'autoscaling/horizontalpodautoscalers',
  '/pods',
  '/replicationcontrollers',
  '/persistentvolumeclaims',
  '/persistentvolumes',
  'storage.k8s.io/storageclasses',
  'apps/controllerrevisions',
  'policy/poddisruptionbudgets',
  '/services',
  // What the endpoint controllers keep, and the node and heartbeat lease the kubelet keeps.
  '/endpoints',
  'discovery.k8s.io/endpointslices',
  '/nodes',
  'coordination.k8s.io/leases',
]);

export const kindKey = (def: { readonly group: string; readonly plural: string }): string => `${def.group}/${def.plural}`;

export const objectKey = (def: ResourceDefinition, namespace: string, name: string): string => `${kindKey(def)}/${namespace}/${name}`;

/** The key of an object by kind (`group/plural`), namespace and name, whether or not it is cached. */
export const keyFor = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

export const keyOf = (def: ResourceDefinition, obj: KubeObject): string => objectKey(def, obj.metadata.namespace ?? '', obj.metadata.name ?? '');

export class SimCache {
  /** The newest revision applied. */
  revision = 0;
  readonly #byKey = new Map<string, Cached>();
  readonly #keyByUid = new Map<string, string>();
  readonly #children = new Map<string, Set<string>>();
  readonly #byKind = new Map<string, Set<string>>();
  /** By `kind/namespace/`: the endpoint controllers look at one namespace's pods per sync. */
  readonly #byNamespace = new Map<string, Set<string>>();

  static simulates(def: ResourceDefinition): boolean {
    return SIMULATED.has(kindKey(def));
  }

  get(key: string): Cached | undefined {
    return this.#byKey.get(key);
  }

  byUid(uid: string): Cached | undefined {
    const key = this.#keyByUid.get(uid);
    return key === undefined ? undefined : this.#byKey.get(key);
  }

  upsert(def: ResourceDefinition, object: KubeObject): void {
    const key = keyOf(def, object);
    this.#forget(key);
    this.#byKey.set(key, { def, object });
    this.#keyByUid.set(object.metadata.uid ?? '', key);
    const owner = controllerRef(object)?.uid;
    if (owner !== undefined) addTo(this.#children, owner, key);
    addTo(this.#byKind, kindKey(def), key);
    addTo(this.#byNamespace, namespaceKey(key), key);
  }

  remove(def: ResourceDefinition, object: KubeObject): void {
    const key = keyOf(def, object);
    // A newer object of the same name may already be here; only the one with this uid goes.
    if (this.#byKey.get(key)?.object.metadata.uid === object.metadata.uid) this.#forget(key);
  }

  clear(): void {
    this.#byKey.clear();
    this.#keyByUid.clear();
    this.#children.clear();
    this.#byKind.clear();
    this.#byNamespace.clear();
  }

  /** Objects controlled by `uid`, optionally of one kind. */
  children(uid: string, kind?: string): Cached[] {
    const out: Cached[] = [];
    for (const key of this.#children.get(uid) ?? []) {
      const c = this.#byKey.get(key);
      if (c && (kind === undefined || kindKey(c.def) === kind)) out.push(c);
    }
    return out;
  }

  /** Every cached object of a kind, optionally in one namespace. */
  ofKind(kind: string, namespace?: string): Cached[] {
    const keys = namespace === undefined ? this.#byKind.get(kind) : this.#byNamespace.get(`${kind}/${namespace}/`);
    const out: Cached[] = [];
    for (const key of keys ?? []) {
      const c = this.#byKey.get(key);
      if (c) out.push(c);
    }
    return out;
  }

  all(): IterableIterator<[string, Cached]> {
    return this.#byKey.entries();
  }

  #forget(key: string): void {
    const old = this.#byKey.get(key);
    if (old === undefined) return;
    this.#byKey.delete(key);
    const uid = old.object.metadata.uid ?? '';
    if (this.#keyByUid.get(uid) === key) this.#keyByUid.delete(uid);
    const owner = controllerRef(old.object)?.uid;
    if (owner !== undefined) removeFrom(this.#children, owner, key);
    removeFrom(this.#byKind, kindKey(old.def), key);
    removeFrom(this.#byNamespace, namespaceKey(key), key);
  }
}

/** `kind/namespace/` of an object key (names have no slash, so the last one ends the namespace). */
const namespaceKey = (key: string): string => key.slice(0, key.lastIndexOf('/') + 1);

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  set?.delete(value);
  if (set?.size === 0) map.delete(key);
}
