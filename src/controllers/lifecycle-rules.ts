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
  | { readonly kind: 'finalizeNamespace'; readonly target: IndexedObject }
  | { readonly kind: 'namespaceConditions'; readonly target: IndexedObject; readonly conditions: readonly NamespaceCondition[] };

/** A condition the namespace controller reports on a Terminating namespace (lastTransitionTime is the writer's). */
export interface NamespaceCondition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

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
  const report: Action = { kind: 'namespaceConditions', target: ns, conditions: namespaceDeletionConditions(remainingAfterDeletion(contents)) };
  if (contents.length === 0) return [report, { kind: 'finalizeNamespace', target: ns }];
  return [report, ...contents.filter((o) => !o.deleting).map((o): Action => ({ kind: 'delete', target: o, propagation: 'Background' }))];
}

/**
 * What of a namespace's contents is still there once this pass's deletions are done: kube's
 * namespace controller counts by listing again after deleting, so an object without finalizers
 * it has just deleted is not reported, while one held by finalizers (or already being deleted
 * and not yet gone) is.
 */
export function remainingAfterDeletion(contents: readonly IndexedObject[]): IndexedObject[] {
  return contents.filter((o) => o.deleting || o.finalizers.length > 0);
}

/**
 * The namespace controller's account of a deletion in progress, in its words: what is left, by
 * resource, and which finalizers hold it, by finalizer (discovery and deletion never fail here).
 * Resources read `<resource>.<group>` as upstream prints them, so a core one keeps a trailing dot
 * (`configmaps. has 1 resource instances`).
 */
export function namespaceDeletionConditions(contents: readonly IndexedObject[]): NamespaceCondition[] {
  const byResource = new Map<string, number>();
  const byFinalizer = new Map<string, number>();
  for (const o of contents) {
    const gr = `${o.def.plural}.${o.def.group}`;
    byResource.set(gr, (byResource.get(gr) ?? 0) + 1);
    for (const f of o.finalizers) byFinalizer.set(f, (byFinalizer.get(f) ?? 0) + 1);
  }
  const counted = (m: Map<string, number>, how: string): string =>
    [...m]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, n]) => `${name} ${how} ${n} resource instances`)
      .join(', ');
  return [
    { type: 'NamespaceDeletionDiscoveryFailure', status: 'False', reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
    { type: 'NamespaceDeletionGroupVersionParsingFailure', status: 'False', reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
    { type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
    byResource.size > 0
      ? { type: 'NamespaceContentRemaining', status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${counted(byResource, 'has')}` }
      : { type: 'NamespaceContentRemaining', status: 'False', reason: 'ContentRemoved', message: 'All content successfully removed' },
    byFinalizer.size > 0
      ? {
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          reason: 'SomeFinalizersRemain',
          message: `Some content in the namespace has finalizers remaining: ${counted(byFinalizer, 'in')}`,
        }
      : { type: 'NamespaceFinalizersRemaining', status: 'False', reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
  ];
}
