/**
 * The status a work agent writes on an upsync work (docs/upsync.md), without I/O: the WEC objects
 * the clauses select, cleaned, in a fixed order, each as one `resourceStatus.manifests[]` entry
 * whose statusFeedback value `object` holds its JSON, bounded in total size.
 */
import type { KubeObject } from '../api/object.js';
import type { UpsyncClause } from '../kubestellar/binding/match.js';
import { anyClauseMatches, cleanForUpsync, idKey, UPSYNC_REPORTED_REASON, type ObjectId } from '../kubestellar/upsync/decide.js';
import { UPSYNC_FEEDBACK_NAME, WORK_API_VERSION } from '../kubestellar/well-known.js';
import { APPLIED_KIND, condition, type Condition } from './plan.js';

/** Default bound on the JSON of `resourceStatus.manifests` (a ManifestWork must fit in etcd). */
export const DEFAULT_UPSYNC_MAX_BYTES = 1024 * 1024;

export interface ResolvedResource {
  readonly group: string;
  readonly resource: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** One `group/resource` a clause names, as the agent knows it. */
export type ResourceState =
  | { readonly state: 'unknown'; readonly message: string }
  | { readonly state: 'ready'; readonly info: ResolvedResource; readonly objects: Iterable<KubeObject> };

export interface UpsyncReportInput {
  /** Undefined when the work's clause annotation cannot be read. */
  readonly clauses: readonly UpsyncClause[] | undefined;
  /** `group/resource` → state, for every resource the clauses name. */
  readonly resources: ReadonlyMap<string, ResourceState>;
  readonly generation: number;
  readonly maxBytes: number;
  readonly previous: Record<string, unknown> | undefined;
  readonly now: string;
}

/** Objects our own work agent applied (for downsync) came from a WDS: never sent back up. */
export function appliedByAgent(obj: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some((r) => r.kind === APPLIED_KIND && r.apiVersion === WORK_API_VERSION);
}

const compareIds = (a: ObjectId, b: ObjectId): number => {
  for (const k of ['group', 'resource', 'namespace', 'name'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
};

/**
 * The work status: every selected object once, ordered by (group, resource, namespace, name),
 * until the next entry would take the manifests past `maxBytes`; that one and all after it are
 * dropped (so the same WEC state always gives the same report) and Degraded says so.
 */
export function upsyncWorkStatus(input: UpsyncReportInput): Record<string, unknown> {
  const { clauses, generation, now } = input;
  const prevConditions = input.previous?.['conditions'] as Condition[] | undefined;
  const prevManifests = ((input.previous?.['resourceStatus'] as { manifests?: { resourceMeta?: Partial<ObjectId>; conditions?: Condition[] }[] } | undefined)?.manifests ?? []);
  const prevByKey = new Map(
    prevManifests.map((m) => {
      const r = m.resourceMeta ?? {};
      return [idKey({ group: r.group ?? '', resource: r.resource ?? '', namespace: r.namespace ?? '', name: r.name ?? '' }), m.conditions] as const;
    }),
  );

  const selected: { id: ObjectId; info: ResolvedResource; object: KubeObject }[] = [];
  const unknown: string[] = [];
  for (const [gr, state] of [...input.resources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (state.state === 'unknown') {
      unknown.push(`${gr}: ${state.message}`);
      continue;
    }
    const { info } = state;
    for (const o of state.objects) {
      const id: ObjectId = { group: info.group, resource: info.resource, namespace: o.metadata.namespace ?? '', name: o.metadata.name ?? '' };
      if (appliedByAgent(o) || !anyClauseMatches(clauses ?? [], { ...id, labels: o.metadata.labels })) continue;
      selected.push({ id, info, object: o });
    }
  }
  selected.sort((a, b) => compareIds(a.id, b.id));

  const manifests: unknown[] = [];
  let bytes = 2;
  for (const s of selected) {
    const apiVersion = s.info.group === '' ? s.info.version : `${s.info.group}/${s.info.version}`;
    const object = cleanForUpsync({ ...s.object, apiVersion, kind: s.info.kind });
    const before = prevByKey.get(idKey(s.id));
    const entry = {
      resourceMeta: { ordinal: manifests.length, group: s.id.group, version: s.info.version, kind: s.info.kind, resource: s.id.resource, namespace: s.id.namespace, name: s.id.name },
      statusFeedback: { values: [{ name: UPSYNC_FEEDBACK_NAME, fieldValue: { type: 'JsonRaw', jsonRaw: JSON.stringify(object) } }] },
      conditions: [condition(before, { type: 'Available', status: 'True', reason: 'ResourceAvailable', message: 'Reported for upsync' }, now)],
    };
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1;
    if (bytes + size > input.maxBytes) break;
    bytes += size;
    manifests.push(entry);
  }

  const g = { observedGeneration: generation };
  const applied: Omit<Condition, 'lastTransitionTime'> =
    clauses === undefined
      ? { type: 'Applied', status: 'False', reason: 'UpsyncInvalidClauses', message: 'The upsync clauses annotation is not a list of clauses', ...g }
      : unknown.length > 0
        ? { type: 'Applied', status: 'False', reason: 'UpsyncResourceUnknown', message: `Not served by this cluster, skipped: ${unknown.join('; ')}`.slice(0, 4096), ...g }
        : { type: 'Applied', status: 'True', reason: 'UpsyncWatching', message: `Watching ${input.resources.size} resource(s) for upsync`, ...g };
  const truncated = manifests.length < selected.length;
  return {
    conditions: [
      condition(prevConditions, applied, now),
      condition(
        prevConditions,
        clauses === undefined
          ? { type: 'Available', status: 'False', reason: 'UpsyncInvalidClauses', message: 'Nothing is reported', ...g }
          : { type: 'Available', status: 'True', reason: UPSYNC_REPORTED_REASON, message: `${manifests.length} object(s) reported`, ...g },
        now,
      ),
      condition(
        prevConditions,
        truncated
          ? { type: 'Degraded', status: 'True', reason: 'UpsyncTooLarge', message: `Reported ${manifests.length} of ${selected.length} objects: the report is bounded to ${input.maxBytes} bytes`, ...g }
          : { type: 'Degraded', status: 'False', reason: 'UpsyncComplete', message: 'Every selected object is reported', ...g },
        now,
      ),
    ],
    resourceStatus: { manifests },
  };
}
