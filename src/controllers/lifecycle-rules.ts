/**
 * What garbage collection and namespace cleanup should do about one object, decided from the
 * index alone (pure; the controller performs the actions). The rules follow kube's garbage
 * collector and namespace controller:
 *
 * - A dependent whose owners are all gone is deleted (in the foreground if an owner was waiting
 *   on it); one with some owners left loses only the references to the missing ones.
 * - An owner being deleted with the `orphan` finalizer first strips itself from its dependents'
 *   ownerReferences; with `foregroundDeletion` it first deletes its dependents and waits for them.
 * - A namespace being deleted has its contents deleted, and once empty its `kubernetes` spec
 *   finalizer is removed, which completes its deletion.
 */
import type { IndexedObject, ObjectIndex } from './object-index.js';

export type Action =
  | { readonly kind: 'delete'; readonly target: IndexedObject; readonly propagation: 'Background' | 'Foreground' }
  | { readonly kind: 'removeOwnerReferences'; readonly target: IndexedObject; readonly ownerUids: readonly string[] }
  | { readonly kind: 'removeFinalizer'; readonly target: IndexedObject; readonly finalizer: string }
  | { readonly kind: 'finalizeNamespace'; readonly target: IndexedObject };

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/** Rules for `obj` as a dependent of its owners. */
export function dependentActions(index: ObjectIndex, obj: IndexedObject): Action[] {
  if (obj.deleting || obj.ownerUids.length === 0) return [];
  const solid: string[] = [];
  const dangling: string[] = [];
  const waiting: string[] = [];
  for (const uid of obj.ownerUids) {
    const owner = index.get(uid);
    if (owner === undefined) dangling.push(uid);
    else if (owner.deleting && owner.finalizers.includes(FOREGROUND)) waiting.push(uid);
    else solid.push(uid);
  }
  if (solid.length > 0) {
    const stale = [...dangling, ...waiting];
    return stale.length > 0 ? [{ kind: 'removeOwnerReferences', target: obj, ownerUids: stale }] : [];
  }
  // With an owner that is itself being deleted with orphaning, the orphan rule releases us instead.
  if (obj.ownerUids.some((uid) => index.get(uid)?.finalizers.includes(ORPHAN) && index.get(uid)?.deleting)) return [];
  return [{ kind: 'delete', target: obj, propagation: waiting.length > 0 ? 'Foreground' : 'Background' }];
}

/** Rules for `obj` as an owner being deleted. */
export function ownerActions(index: ObjectIndex, obj: IndexedObject): Action[] {
  if (!obj.deleting) return [];
  const dependents = index.dependentsOf(obj.uid);
  if (obj.finalizers.includes(ORPHAN)) {
    // The finalizer goes only once no dependent points here any more (their updates touch this
    // owner again): removed together, the owner could be gone before a dependent was released,
    // and that dependent would then be collected as dangling.
    if (dependents.length === 0) return [{ kind: 'removeFinalizer', target: obj, finalizer: ORPHAN }];
    return dependents.map((d): Action => ({ kind: 'removeOwnerReferences', target: d, ownerUids: [obj.uid] }));
  }
  if (obj.finalizers.includes(FOREGROUND)) {
    if (dependents.length === 0) return [{ kind: 'removeFinalizer', target: obj, finalizer: FOREGROUND }];
    // Each dependent as the dependent rule sees it: deleted if this was its last owner, otherwise
    // released from this owner (kube keeps an object another owner still holds).
    return dependents.flatMap((d) => dependentActions(index, d));
  }
  return [];
}

/** Rules for a namespace being deleted. */
export function namespaceActions(index: ObjectIndex, ns: IndexedObject): Action[] {
  if (!ns.deleting || !ns.heldBySpecFinalizer || ns.def.plural !== 'namespaces' || ns.def.group !== '') return [];
  const contents = index.inNamespace(ns.name);
  if (contents.length === 0) return [{ kind: 'finalizeNamespace', target: ns }];
  return contents.filter((o) => !o.deleting).map((o): Action => ({ kind: 'delete', target: o, propagation: 'Background' }));
}
