/**
 * ControllerRevisions as the StatefulSet and DaemonSet controllers keep them: one per template
 * the set has had, named `<set>-<hash>` (the name its pods' controller-revision-hash label points
 * to), holding the patch that restores the template; a template seen before gets its old
 * revision back, renumbered as the newest; revisions no live pod uses go beyond
 * revisionHistoryLimit, oldest first.
 */
import type { KubeObject } from '../../api/object.js';
import { num, specOf } from '../../registry/builtin/helpers.js';
import { daemonHash } from './daemonset.js';
import { controllerRefTo, isDeleting, templateLabels, templateOf, type Obj } from './objects.js';
import { REVISION_LABEL, updateRevision } from './statefulset.js';

export interface RevisionOwner {
  readonly apiVersion: string;
  readonly kind: 'StatefulSet' | 'DaemonSet';
}

/** The revision a set's current template makes: its name and the hash its label carries. */
export function revisionIdentity(set: KubeObject, kind: RevisionOwner['kind']): { name: string; hash: string } {
  if (kind === 'DaemonSet') {
    const hash = daemonHash(set);
    return { name: `${set.metadata.name ?? ''}-${hash}`, hash };
  }
  const name = updateRevision(set);
  return { name, hash: name.slice((set.metadata.name ?? '').length + 1) };
}

/** getPatch: the template under spec, marked to replace whatever template it is applied to. */
export const revisionData = (set: KubeObject): Obj => ({ spec: { template: { ...structuredClone(templateOf(set)), $patch: 'replace' } } });

export const revisionNumber = (cr: KubeObject): number => num(cr['revision']) ?? 0;

/** The ControllerRevision to create for the set's current template, numbered `revision`. */
export function controllerRevision(set: KubeObject, owner: RevisionOwner, revision: number): KubeObject {
  const { name, hash } = revisionIdentity(set, owner.kind);
  const annotations = set.metadata.annotations;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name,
      namespace: set.metadata.namespace ?? '',
      labels: { ...templateLabels(templateOf(set)), [REVISION_LABEL]: hash },
      // Both controllers copy their set's annotations onto a new revision (the DaemonSet's snapshot,
      // the StatefulSet's newRevision), which is where `rollout history` finds a change-cause.
      ...(annotations !== undefined && Object.keys(annotations).length > 0 && { annotations: { ...annotations } }),
      ownerReferences: [controllerRefTo(set, owner.apiVersion, owner.kind)],
    },
    data: revisionData(set),
    revision,
  };
}

export interface RevisionPlan {
  /** A revision to create for the current template. */
  readonly create?: KubeObject;
  /** The current template's existing revision, to be renumbered as the newest. */
  readonly renumber?: { readonly name: string; readonly revision: number };
  /** Old revisions beyond the history limit. */
  readonly remove: readonly KubeObject[];
}

/**
 * One sync of a set's revisions (those it controls), given the revision labels its live pods
 * carry and the one its status calls current (neither is ever removed).
 */
export function planRevisions(set: KubeObject, owner: RevisionOwner, revisions: readonly KubeObject[], inUse: ReadonlySet<string>, current?: string): RevisionPlan {
  const live = revisions.filter((r) => !isDeleting(r));
  const { name } = revisionIdentity(set, owner.kind);
  const newest = live.reduce((m, r) => Math.max(m, revisionNumber(r)), 0);
  const existing = live.find((r) => r.metadata.name === name);
  const create = existing === undefined ? controllerRevision(set, owner, newest + 1) : undefined;
  const renumber = existing !== undefined && revisionNumber(existing) < newest ? { name, revision: newest + 1 } : undefined;
  const limit = num(specOf(set)['revisionHistoryLimit']) ?? 10;
  const hashOf = (r: KubeObject): string => r.metadata.labels?.[REVISION_LABEL] ?? '';
  const keep = (r: KubeObject): boolean =>
    r.metadata.name === name || r.metadata.name === current || inUse.has(r.metadata.name ?? '') || inUse.has(hashOf(r));
  const old = live.filter((r) => !keep(r)).sort((a, b) => revisionNumber(a) - revisionNumber(b));
  const remove = old.slice(0, Math.max(0, old.length - limit));
  return { ...(create && { create }), ...(renumber && { renumber }), remove };
}
