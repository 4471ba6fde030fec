/**
 * Upsync decisions, without I/O (docs/upsync.md): which clusters are asked for what, the
 * ManifestWork that asks them, what the agents reported, which WEC owns each reported object,
 * and what the WDS copy of one object should become. The controller feeds these and acts on the
 * answers; the agent shares the clause matching and the cleaning, so both sides agree.
 */
import type { Labels, LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { jsonEqual } from '../../api/patch/json-value.js';
import { clusterSelectorsMatch, type ClusterLabels } from '../binding/clusters.js';
import { anySelectorMatches, isEmptySelector, type BindingPolicySpec, type UpsyncClause } from '../binding/match.js';
import {
  CONTROL_GROUP,
  UPSYNC_CLAUSES_ANNOTATION,
  UPSYNC_FEEDBACK_NAME,
  UPSYNC_LABEL,
  UPSYNC_WORK_PREFIX,
  UPSYNCED_FROM_ANNOTATION,
  WDS_NAME_LABEL,
  WORK_API_VERSION,
} from '../well-known.js';

// ---- objects and clauses ----

export interface ObjectId {
  readonly group: string;
  readonly resource: string;
  /** `""` for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export interface ObjectFacts extends ObjectId {
  readonly labels: Labels | undefined;
}

export const idKey = (id: ObjectId): string => `${id.group}/${id.resource}/${id.namespace}/${id.name}`;

export function describeId(id: ObjectId): string {
  const gr = id.group === '' ? id.resource : `${id.resource}.${id.group}`;
  return id.namespace === '' ? `${gr} ${id.name}` : `${gr} ${id.namespace}/${id.name}`;
}

/** Never copied into a WDS, whatever a clause says: KubeStellar's own control objects. */
export function upsyncable(group: string): boolean {
  return group !== CONTROL_GROUP;
}

const listedOrAny = (list: readonly string[] | null | undefined, value: string): boolean =>
  list === null || list === undefined || list.length === 0 || list.includes('*') || list.includes(value);

export function clauseMatches(clause: UpsyncClause, obj: ObjectFacts): boolean {
  if (clause.apiGroup !== obj.group || !clause.resources.includes(obj.resource)) return false;
  if (!listedOrAny(clause.namespaces, obj.namespace) || !listedOrAny(clause.names, obj.name)) return false;
  const selectors = clause.objectSelectors ?? [];
  return selectors.length === 0 || anySelectorMatches(selectors, obj.labels);
}

export const anyClauseMatches = (clauses: readonly UpsyncClause[], obj: ObjectFacts): boolean => clauses.some((c) => clauseMatches(c, obj));

const sortedDistinct = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/**
 * One clause in a canonical form: lists sorted and distinct, tests that accept everything
 * dropped. Equal meaning gives equal JSON, so a work is rewritten only when the request changes.
 */
export function canonicalClause(c: UpsyncClause): UpsyncClause {
  const out: UpsyncClause = { apiGroup: c.apiGroup, resources: sortedDistinct(c.resources) };
  const namespaces = c.namespaces ?? [];
  if (namespaces.length > 0 && !namespaces.includes('*')) out.namespaces = sortedDistinct(namespaces);
  const names = c.names ?? [];
  if (names.length > 0 && !names.includes('*')) out.names = sortedDistinct(names);
  const selectors = c.objectSelectors ?? [];
  if (selectors.length > 0 && !selectors.some(isEmptySelector)) {
    const byJson = new Map(selectors.map((s) => [JSON.stringify(s), s as LabelSelector]));
    out.objectSelectors = [...byJson.keys()].sort().map((k) => byJson.get(k)!);
  }
  return out;
}

/** The union of clauses, canonical, distinct and sorted. */
export function canonicalClauses(clauses: readonly UpsyncClause[]): UpsyncClause[] {
  const byJson = new Map<string, UpsyncClause>();
  for (const c of clauses) {
    const canon = canonicalClause(c);
    byJson.set(JSON.stringify(canon), canon);
  }
  return [...byJson.keys()].sort().map((k) => byJson.get(k)!);
}

/** Clauses from the work annotation; undefined when it is not a list of clause-shaped objects. */
export function parseClauses(text: string | undefined): UpsyncClause[] | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const strings = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  for (const c of value as Record<string, unknown>[]) {
    if (typeof c !== 'object' || c === null || typeof c['apiGroup'] !== 'string' || !Array.isArray(c['resources'])) return undefined;
    if (!strings(c['resources']) || !strings(c['namespaces']) || !strings(c['names'])) return undefined;
    if (c['objectSelectors'] !== undefined && c['objectSelectors'] !== null && !Array.isArray(c['objectSelectors'])) return undefined;
  }
  return value as UpsyncClause[];
}

/** Every `group/resource` the clauses name, sorted. */
export function clauseResources(clauses: readonly UpsyncClause[]): string[] {
  return sortedDistinct(clauses.flatMap((c) => c.resources.map((r) => `${c.apiGroup}/${r}`)));
}

// ---- what each cluster is asked ----

export interface PolicyUpsync {
  readonly name: string;
  readonly spec: BindingPolicySpec;
}

export interface ClusterRequest {
  /** The union of the clauses of every policy selecting the cluster, canonical. */
  readonly clauses: UpsyncClause[];
  /** Policy → its clauses, for attributing problems. */
  readonly byPolicy: ReadonlyMap<string, readonly UpsyncClause[]>;
}

/** Cluster → request, for every cluster some policy with upsync clauses selects (downsync's "where", §2.4). */
export function upsyncRequests(policies: Iterable<PolicyUpsync>, clusters: Iterable<ClusterLabels>): Map<string, ClusterRequest> {
  const clusterList = [...clusters];
  const perCluster = new Map<string, Map<string, UpsyncClause[]>>();
  for (const p of policies) {
    const clauses = p.spec.upsync ?? [];
    if (clauses.length === 0) continue;
    for (const c of clusterList) {
      if (!clusterSelectorsMatch(p.spec.clusterSelectors, c.labels)) continue;
      let byPolicy = perCluster.get(c.name);
      if (byPolicy === undefined) perCluster.set(c.name, (byPolicy = new Map()));
      byPolicy.set(p.name, clauses);
    }
  }
  const out = new Map<string, ClusterRequest>();
  for (const name of [...perCluster.keys()].sort()) {
    const byPolicy = perCluster.get(name)!;
    out.set(name, { clauses: canonicalClauses([...byPolicy.values()].flat()), byPolicy });
  }
  return out;
}

export const upsyncWorkName = (wdsName: string): string => `${UPSYNC_WORK_PREFIX}${wdsName}`;

export function isUpsyncWork(work: KubeObject): boolean {
  return work.metadata.labels?.[UPSYNC_LABEL] === 'true';
}

/**
 * The request to one cluster: no manifests, the clauses in an annotation. No binding label, so
 * the downsync engine, which follows the same works, ignores it.
 */
export function desiredUpsyncWork(wdsName: string, cluster: string, clauses: readonly UpsyncClause[]): KubeObject {
  return {
    apiVersion: WORK_API_VERSION,
    kind: 'ManifestWork',
    metadata: {
      name: upsyncWorkName(wdsName),
      namespace: cluster,
      labels: { [WDS_NAME_LABEL]: wdsName, [UPSYNC_LABEL]: 'true' },
      annotations: { [UPSYNC_CLAUSES_ANNOTATION]: JSON.stringify(clauses) },
    },
    spec: { workload: { manifests: [] } },
  };
}

/** The existing work with what `want` says set (other labels and annotations kept); undefined when nothing changes. */
export function updatedUpsyncWork(have: KubeObject, want: KubeObject): KubeObject | undefined {
  const labels = { ...have.metadata.labels, ...want.metadata.labels };
  const annotations = { ...have.metadata.annotations, ...want.metadata.annotations };
  if (jsonEqual(labels, have.metadata.labels ?? {}) && jsonEqual(annotations, have.metadata.annotations ?? {}) && jsonEqual(have['spec'], want['spec'])) return undefined;
  return { ...have, metadata: { ...have.metadata, labels, annotations }, spec: want['spec'] };
}

// ---- what came back ----

/** Metadata a copy does not carry: set by the server that holds it, or meaningless elsewhere. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'managedFields',
  'creationTimestamp',
  'generation',
  'ownerReferences',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  // A finalizer of the WEC would hold the WDS copy forever: nothing in the WDS removes it.
  'finalizers',
] as const;

/** An object as it travels from a WEC to the WDS (also the form two copies are compared in). */
export function cleanForUpsync(obj: KubeObject): KubeObject {
  const out = structuredClone(obj);
  const meta = out.metadata;
  for (const k of SERVER_METADATA) delete meta[k];
  if (meta.annotations !== undefined) {
    delete meta.annotations[UPSYNCED_FROM_ANNOTATION];
    if (Object.keys(meta.annotations).length === 0) delete meta.annotations;
  }
  if (meta.labels !== undefined && Object.keys(meta.labels).length === 0) delete meta.labels;
  return out;
}

export interface ReportedObject {
  readonly id: ObjectId;
  readonly version: string;
  readonly kind: string;
  /** Cleaned, with apiVersion and kind. */
  readonly object: KubeObject;
}

export interface ClusterReport {
  readonly objects: readonly ReportedObject[];
  /** The agent has reported all it has: the WDS may delete copies this cluster no longer reports. */
  readonly complete: boolean;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface ManifestStatus {
  resourceMeta?: { group?: string; version?: string; kind?: string; resource?: string; namespace?: string; name?: string };
  statusFeedback?: { values?: { name?: string; fieldValue?: { type?: string; jsonRaw?: string } }[] };
}

const conditionOf = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined => conditions?.find((c) => c.type === type);

/** The reason our agent gives Available on an upsync work (a klusterlet, which ignores upsync, gives another). */
export const UPSYNC_REPORTED_REASON = 'UpsyncReported';

/**
 * What an agent reported in an upsync work. Complete only once our agent says Available and not
 * Degraded: before its first report, while it drops objects over the size bound, and for an
 * agent that does not do upsync (an OCM klusterlet reports an empty work available), the WDS
 * keeps what the cluster owns rather than deleting it.
 */
export function readReport(work: KubeObject | undefined): ClusterReport {
  const status = work?.['status'] as { conditions?: Condition[]; resourceStatus?: { manifests?: ManifestStatus[] } } | undefined;
  if (status === undefined) return { objects: [], complete: false };
  const availableCondition = conditionOf(status.conditions, 'Available');
  const available = availableCondition?.status === 'True' && availableCondition.reason === UPSYNC_REPORTED_REASON;
  const degraded = conditionOf(status.conditions, 'Degraded')?.status === 'True';
  const objects: ReportedObject[] = [];
  for (const m of status.resourceStatus?.manifests ?? []) {
    const meta = m.resourceMeta ?? {};
    const raw = m.statusFeedback?.values?.find((v) => v.name === UPSYNC_FEEDBACK_NAME)?.fieldValue?.jsonRaw;
    if (raw === undefined || typeof meta.resource !== 'string' || typeof meta.name !== 'string' || typeof meta.version !== 'string' || typeof meta.kind !== 'string') continue;
    let object: KubeObject;
    try {
      object = JSON.parse(raw) as KubeObject;
    } catch {
      continue;
    }
    if (typeof object !== 'object' || object === null || typeof object.metadata !== 'object' || object.metadata === null) continue;
    const id: ObjectId = { group: meta.group ?? '', resource: meta.resource, namespace: meta.namespace ?? '', name: meta.name };
    // The object must be what its meta says; a mismatch would write one object under another's name.
    if (object.metadata.name !== id.name || (object.metadata.namespace ?? '') !== id.namespace) continue;
    const apiVersion = id.group === '' ? meta.version : `${id.group}/${meta.version}`;
    objects.push({ id, version: meta.version, kind: meta.kind, object: cleanForUpsync({ ...object, apiVersion, kind: meta.kind }) });
  }
  return { objects, complete: available && !degraded };
}

// ---- who owns what ----

export interface WantedObject {
  readonly id: ObjectId;
  /** The cluster whose copy the WDS holds: the first by name among those reporting it. */
  readonly owner: string;
  readonly reported: ReportedObject;
  /** Every cluster reporting it, sorted (the owner first). */
  readonly contenders: readonly string[];
}

/**
 * Conflict rule 1: among the clusters reporting one object (and asked for it by their current
 * clauses), the first by name owns it. Independent of arrival order, so every restart agrees.
 */
export function chooseOwners(reports: ReadonlyMap<string, ClusterReport>, requests: ReadonlyMap<string, ClusterRequest>): Map<string, WantedObject> {
  const out = new Map<string, { id: ObjectId; owner: string; reported: ReportedObject; contenders: string[] }>();
  for (const cluster of [...reports.keys()].sort()) {
    const request = requests.get(cluster);
    if (request === undefined) continue;
    for (const r of reports.get(cluster)!.objects) {
      if (!upsyncable(r.id.group) || !anyClauseMatches(request.clauses, { ...r.id, labels: r.object.metadata.labels })) continue;
      const key = idKey(r.id);
      const have = out.get(key);
      if (have === undefined) out.set(key, { id: r.id, owner: cluster, reported: r, contenders: [cluster] });
      else if (!have.contenders.includes(cluster)) have.contenders.push(cluster);
    }
  }
  return out;
}

/** Equal meaning for the decision: same owner, same contenders, same content. */
export function wantedEqual(a: WantedObject | undefined, b: WantedObject | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.owner === b.owner && a.contenders.join() === b.contenders.join() && a.reported.version === b.reported.version && jsonEqual(a.reported.object, b.reported.object);
}

// ---- one WDS object ----

export interface CurrentObject {
  /** The `upsynced-from` annotation; undefined for objects upsync did not create. */
  readonly upsyncedFrom: string | undefined;
  /** The object as the reported version shows it. */
  readonly object: KubeObject;
}

export type ObjectAction =
  | { readonly action: 'none' }
  | { readonly action: 'create' | 'update'; readonly cluster: string; readonly reported: ReportedObject }
  | { readonly action: 'delete'; readonly cluster: string };

export interface Conflict {
  readonly kind: 'clusters' | 'wds-object';
  /** The clusters involved (those reporting the object). */
  readonly clusters: readonly string[];
  readonly message: string;
}

export interface ObjectDecision {
  readonly action: ObjectAction;
  readonly conflict?: Conflict;
}

export interface ObjectInput {
  readonly wanted: WantedObject | undefined;
  readonly current: CurrentObject | undefined;
  /** Clusters still asked whose report is not complete: what they own is kept. */
  readonly partial: ReadonlySet<string>;
}

/** Whether two copies of an object say the same (server metadata and the annotation aside). */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  return jsonEqual(cleanForUpsync(a), cleanForUpsync(b));
}

/**
 * What to do with the WDS object of one key. Rule 2: an object upsync did not create is never
 * written or deleted (a conflict when some WEC reports it). A copy goes when no cluster reports
 * it, unless its cluster's report is incomplete; it moves to the owner when the owner changes,
 * except to a later-sorting cluster while its own may still hold it.
 */
export function decideObject(input: ObjectInput): ObjectDecision {
  const { wanted, current, partial } = input;
  const multi: Conflict | undefined =
    wanted !== undefined && wanted.contenders.length > 1
      ? {
          kind: 'clusters',
          clusters: wanted.contenders,
          message: `${describeId(wanted.id)} is reported by ${wanted.contenders.join(', ')}; the WDS holds ${wanted.owner}'s`,
        }
      : undefined;
  const none = (conflict?: Conflict): ObjectDecision => (conflict === undefined ? { action: { action: 'none' } } : { action: { action: 'none' }, conflict });
  if (current !== undefined && current.upsyncedFrom === undefined) {
    if (wanted === undefined) return none();
    return none({
      kind: 'wds-object',
      clusters: wanted.contenders,
      message: `${describeId(wanted.id)} is reported by ${wanted.contenders.join(', ')} but the WDS has an object of that name not created by upsync; it is left alone`,
    });
  }
  if (wanted === undefined) {
    if (current === undefined || partial.has(current.upsyncedFrom!)) return none();
    return { action: { action: 'delete', cluster: current.upsyncedFrom! } };
  }
  if (current === undefined) return { action: { action: 'create', cluster: wanted.owner, reported: wanted.reported }, ...(multi && { conflict: multi }) };
  const from = current.upsyncedFrom!;
  if (from !== wanted.owner && partial.has(from) && from < wanted.owner) return none(multi);
  if (from === wanted.owner && sameContent(current.object, wanted.reported.object)) return none(multi);
  return { action: { action: 'update', cluster: wanted.owner, reported: wanted.reported }, ...(multi && { conflict: multi }) };
}

/** The body to write into the WDS for a reported object: the WEC's copy, annotated with its cluster. */
export function copyOf(reported: ReportedObject, cluster: string): KubeObject {
  const obj = structuredClone(reported.object);
  obj.metadata.annotations = { ...obj.metadata.annotations, [UPSYNCED_FROM_ANNOTATION]: cluster };
  return obj;
}

// ---- reporting problems on policies ----

export interface Problem {
  readonly id: ObjectId;
  readonly labels: Labels | undefined;
  readonly clusters: readonly string[];
  readonly message: string;
}

/** Policies whose clauses ask one of the problem's clusters for its object: they hear of it. */
export function policiesConcerned(problem: Problem, requests: ReadonlyMap<string, ClusterRequest>): string[] {
  const out = new Set<string>();
  for (const cluster of problem.clusters) {
    for (const [policy, clauses] of requests.get(cluster)?.byPolicy ?? []) {
      if (anyClauseMatches(clauses, { ...problem.id, labels: problem.labels })) out.add(policy);
    }
  }
  return [...out].sort();
}

export const MAX_EXAMPLES = 5;

/** A bounded summary: the count and the first examples in sorted order. */
export function summarize(messages: readonly string[]): string {
  const sorted = [...messages].sort();
  const shown = sorted.slice(0, MAX_EXAMPLES).join('; ');
  return sorted.length <= MAX_EXAMPLES ? `${sorted.length} found: ${shown}` : `${sorted.length} found, first ${MAX_EXAMPLES}: ${shown}`;
}

export interface PolicyCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

/**
 * The policy's conditions with ours (`types`) replaced by `wanted` (removed when undefined);
 * every other condition kept in place. A transition time moves only when the status flips.
 */
export function withConditions(existing: readonly PolicyCondition[], wanted: readonly Omit<PolicyCondition, 'lastTransitionTime'>[] | undefined, types: readonly string[], now: string): PolicyCondition[] {
  const others = existing.filter((c) => !types.includes(c.type));
  if (wanted === undefined) return others;
  return [
    ...others,
    ...wanted.map((w) => {
      const old = existing.find((c) => c.type === w.type);
      return { ...w, lastTransitionTime: old !== undefined && old.status === w.status && old.lastTransitionTime !== undefined ? old.lastTransitionTime : now };
    }),
  ];
}
