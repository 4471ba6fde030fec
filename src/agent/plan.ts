/**
 * The work agent's decisions, without I/O: which update strategy a manifest gets, the names and
 * owner references that tie applied objects to their AppliedManifestWork, which applied objects
 * a work no longer holds, and the status the agent reports on the hub.
 */
import { createHash } from 'node:crypto';
import type { KubeObject, OwnerReference } from '../api/object.js';
import { STATUS_FEEDBACK_NAME, WORK_API_VERSION } from '../kubestellar/well-known.js';

export type UpdateStrategy = 'Update' | 'CreateOnly' | 'ServerSideApply' | 'ReadOnly';

export interface ResourceIdentifier {
  readonly group: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ManifestConfig {
  resourceIdentifier?: Partial<ResourceIdentifier>;
  updateStrategy?: { type?: UpdateStrategy; serverSideApply?: { force?: boolean; fieldManager?: string } };
}

export interface AppliedResource {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  uid: string;
}

/** OCM names AppliedManifestWorks `<hub hash>-<work name>`, the hash of the hub's URL. */
export function hubHash(hubUrl: string): string {
  return createHash('sha256').update(hubUrl).digest('hex');
}

export function appliedWorkName(hash: string, workName: string): string {
  return `${hash}-${workName}`;
}

/** The spec hash OCM records on applied objects: a changed manifest is the only reason to update. */
export function objectHash(manifest: KubeObject): string {
  return createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
}

export const OBJECT_HASH_ANNOTATION = 'open-cluster-management.io/object-hash';
export const APPLIED_KIND = 'AppliedManifestWork';

export function strategyFor(configs: readonly ManifestConfig[] | undefined, id: ResourceIdentifier): { type: UpdateStrategy; force: boolean; fieldManager: string } {
  const c = (configs ?? []).find((m) => {
    const r = m.resourceIdentifier ?? {};
    return (r.group ?? '') === id.group && r.resource === id.resource && (r.namespace ?? '') === id.namespace && r.name === id.name;
  });
  const s = c?.updateStrategy;
  return { type: s?.type ?? 'Update', force: s?.serverSideApply?.force ?? false, fieldManager: s?.serverSideApply?.fieldManager ?? 'work-agent' };
}

export function ownerRefTo(appliedName: string, appliedUid: string): OwnerReference {
  return { apiVersion: WORK_API_VERSION, kind: APPLIED_KIND, name: appliedName, uid: appliedUid };
}

/** The object's owner references with ours added (others kept). */
export function withOwner(existing: readonly OwnerReference[] | undefined, ref: OwnerReference): OwnerReference[] {
  const others = (existing ?? []).filter((r) => r.uid !== ref.uid);
  return [...others, ref];
}

export function hasOwner(obj: KubeObject, uid: string): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** Applied resources the work no longer holds (matched by identity, not uid). */
export function removedResources(applied: readonly AppliedResource[], current: readonly Omit<AppliedResource, 'uid' | 'version'>[]): AppliedResource[] {
  const key = (r: Omit<AppliedResource, 'uid' | 'version'>): string => `${r.group}/${r.resource}/${r.namespace}/${r.name}`;
  const keep = new Set(current.map(key));
  return applied.filter((r) => !keep.has(key(r)));
}

export interface ManifestResult {
  readonly ordinal: number;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  /** Applied (or, for ReadOnly, found) as the strategy asks. */
  readonly applied: boolean;
  /** Why not, when not: a CamelCase reason and a message. */
  readonly failure?: { reason: string; message: string };
  /** The live object's status, when it exists. */
  readonly status?: unknown;
  readonly exists: boolean;
}

export interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** A condition whose lastTransitionTime moves only when its status changes. */
export function condition(previous: readonly Condition[] | undefined, next: Omit<Condition, 'lastTransitionTime'>, now: string): Condition {
  const old = previous?.find((c) => c.type === next.type);
  return { ...next, lastTransitionTime: old !== undefined && old.status === next.status ? old.lastTransitionTime : now };
}

/** The ManifestWork status for these results; transition times kept from `previous` where unchanged. */
export function workStatus(generation: number, results: readonly ManifestResult[], previous: Record<string, unknown> | undefined, now: string): Record<string, unknown> {
  const prevConditions = previous?.['conditions'] as Condition[] | undefined;
  const prevManifests = ((previous?.['resourceStatus'] as { manifests?: { resourceMeta?: { ordinal?: number }; conditions?: Condition[] }[] } | undefined)?.manifests ?? []);
  const allApplied = results.every((r) => r.applied);
  const allAvailable = results.every((r) => r.exists);
  const manifests = results.map((r) => {
    const before = prevManifests.find((m) => m.resourceMeta?.ordinal === r.ordinal)?.conditions;
    const conditions = [
      condition(before, r.applied
        ? { type: 'Applied', status: 'True', reason: 'AppliedManifestComplete', message: 'Apply manifest complete' }
        : { type: 'Applied', status: 'False', reason: r.failure?.reason ?? 'AppliedManifestFailed', message: r.failure?.message ?? 'Failed to apply manifest' }, now),
      condition(before, r.exists
        ? { type: 'Available', status: 'True', reason: 'ResourceAvailable', message: 'Resource is available' }
        : { type: 'Available', status: 'False', reason: 'ResourceNotAvailable', message: 'Resource is not available' }, now),
    ];
    return {
      resourceMeta: { ordinal: r.ordinal, group: r.group, version: r.version, kind: r.kind, resource: r.resource, name: r.name, namespace: r.namespace },
      ...(r.status !== undefined && { statusFeedback: { values: [{ name: STATUS_FEEDBACK_NAME, fieldValue: { type: 'JsonRaw', jsonRaw: JSON.stringify(r.status) } }] } }),
      conditions,
    };
  });
  return {
    conditions: [
      condition(prevConditions, allApplied
        ? { type: 'Applied', status: 'True', reason: 'AppliedManifestWorkComplete', message: 'Apply manifest work complete', observedGeneration: generation }
        : { type: 'Applied', status: 'False', reason: 'AppliedManifestWorkFailed', message: 'Failed to apply manifest work', observedGeneration: generation }, now),
      condition(prevConditions, allAvailable
        ? { type: 'Available', status: 'True', reason: 'ResourcesAvailable', message: 'All resources are available', observedGeneration: generation }
        : { type: 'Available', status: 'False', reason: 'ResourcesNotAvailable', message: 'One or more resources are not available', observedGeneration: generation }, now),
    ],
    resourceStatus: { manifests },
  };
}

/** Status equality that ignores transition times (they only move when a status flips). */
export function sameWorkStatus(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
