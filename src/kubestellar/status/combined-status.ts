/**
 * The CombinedStatus object for one (workload object, BindingPolicy) pair (spec/kubestellar.md
 * §1.5, §4.5): its name, namespace, five labels, owner reference and `results`, and whether a
 * stored one already says the same (so unchanged content is never rewritten).
 */
import type { OwnerReference } from '../../api/object.js';
import { isObject, jsonEqual } from '../../api/patch/json-value.js';
import { CONTROL_API_VERSION, REPORT_NAMESPACE } from '../well-known.js';
import { valueEqual, type ErrorInColumn, type NamedStatusCombination, type RowEvaluationError, type Value } from './collector-value.js';

export const API_GROUP_LABEL = 'status.kubestellar.io/api-group';
export const RESOURCE_LABEL = 'status.kubestellar.io/resource';
export const NAMESPACE_LABEL = 'status.kubestellar.io/namespace';
export const NAME_LABEL = 'status.kubestellar.io/name';
export const BINDING_POLICY_LABEL = 'status.kubestellar.io/binding-policy';

/** The workload object a CombinedStatus reports on. */
export interface WorkloadIdentity {
  /** API group, `""` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lowercase plural resource name. */
  readonly resource: string;
  /** Absent or `""` for cluster-scoped objects. */
  readonly namespace?: string | undefined;
  readonly name: string;
  readonly uid: string;
}

export interface PolicyIdentity {
  readonly name: string;
  readonly uid: string;
}

export interface CombinedStatus {
  apiVersion: typeof CONTROL_API_VERSION;
  kind: 'CombinedStatus';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    ownerReferences: OwnerReference[];
  };
  results: NamedStatusCombination[];
}

/** `<object UID>.<BindingPolicy UID>`: the policy's UID, not the Binding's. */
export function combinedStatusName(objectUid: string, policyUid: string): string {
  return `${objectUid}.${policyUid}`;
}

/** The object's namespace; `kubestellar-report` for cluster-scoped objects. */
export function combinedStatusNamespace(objectNamespace: string | undefined | null): string {
  return objectNamespace ? objectNamespace : REPORT_NAMESPACE;
}

/** Exactly these five labels; any other set is out of date. */
export function combinedStatusLabels(workload: WorkloadIdentity, policyName: string): Record<string, string> {
  return {
    [API_GROUP_LABEL]: workload.group,
    [RESOURCE_LABEL]: workload.resource,
    [NAMESPACE_LABEL]: workload.namespace ?? '',
    [NAME_LABEL]: workload.name,
    [BINDING_POLICY_LABEL]: policyName,
  };
}

/** Points at the workload object (not as controller) so garbage collection removes it with the object. */
export function combinedStatusOwnerReference(workload: WorkloadIdentity): OwnerReference {
  const apiVersion = workload.group === '' ? workload.version : `${workload.group}/${workload.version}`;
  return { apiVersion, kind: workload.kind, name: workload.name, uid: workload.uid };
}

/** The desired CombinedStatus; `results` ordered by collector name. */
export function buildCombinedStatus(workload: WorkloadIdentity, policy: PolicyIdentity, results: readonly NamedStatusCombination[]): CombinedStatus {
  return {
    apiVersion: CONTROL_API_VERSION,
    kind: 'CombinedStatus',
    metadata: {
      name: combinedStatusName(workload.uid, policy.uid),
      namespace: combinedStatusNamespace(workload.namespace),
      labels: combinedStatusLabels(workload, policy.name),
      ownerReferences: [combinedStatusOwnerReference(workload)],
    },
    results: [...results].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function labelsEqual(a: unknown, b: Record<string, string>): boolean {
  if (!isObject(a)) return Object.keys(b).length === 0;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Same owners by apiVersion, kind, name and uid (flags such as `controller` are ours to set: none). */
function ownersEqual(a: unknown, b: readonly OwnerReference[]): boolean {
  const got = arr(a);
  return (
    got.length === b.length &&
    got.every((o, i) => {
      const want = b[i]!;
      return (
        isObject(o) &&
        o['apiVersion'] === want.apiVersion &&
        o['kind'] === want.kind &&
        o['name'] === want.name &&
        o['uid'] === want.uid &&
        o['controller'] === undefined &&
        o['blockOwnerDeletion'] === undefined
      );
    })
  );
}

function cellsEqual(a: unknown, b: readonly Value[]): boolean {
  const got = arr(a);
  return got.length === b.length && got.every((v, i) => isObject(v) && valueEqual(v as unknown as Value, b[i]!));
}

function rowErrorsEqual(a: unknown, b: readonly RowEvaluationError[] | undefined): boolean {
  const want = b ?? [];
  const got = arr(a);
  return (
    got.length === want.length &&
    got.every((e, i) => {
      const w = want[i]!;
      return isObject(e) && isObject(e['wec']) && e['wec']['clusterId'] === w.wec.clusterId && e['columnName'] === w.columnName && e['error'] === w.error;
    })
  );
}

function columnErrorsEqual(a: unknown, b: readonly ErrorInColumn[] | undefined): boolean {
  const want = b ?? [];
  const got = arr(a);
  return got.length === want.length && got.every((e, i) => isObject(e) && e['columnName'] === want[i]!.columnName && e['error'] === want[i]!.error);
}

function resultEqual(a: unknown, b: NamedStatusCombination): boolean {
  if (!isObject(a) || str(a['name']) !== b.name) return false;
  if (!jsonEqual(arr(a['columnNames']), b.columnNames)) return false;
  const rows = arr(a['rows']);
  if (rows.length !== b.rows.length) return false;
  // Rows in order: ours are sorted, so a different order is a stale (or foreign) write.
  if (!rows.every((r, i) => isObject(r) && cellsEqual(r['columns'], b.rows[i]!.columns))) return false;
  return rowErrorsEqual(a['rowErrors'], b.rowErrors) && columnErrorsEqual(a['aggregationErrors'], b.aggregationErrors);
}

/**
 * Whether the stored object `existing` already has everything `desired` says: the five labels
 * (and no others), the owner reference, and the results (names, columns, rows, errors). Other
 * metadata (resourceVersion, managedFields, …) is ignored. Numbers compare by value.
 */
export function combinedStatusEqual(existing: unknown, desired: CombinedStatus): boolean {
  if (!isObject(existing)) return false;
  const meta = isObject(existing['metadata']) ? existing['metadata'] : {};
  if (!labelsEqual(meta['labels'], desired.metadata.labels)) return false;
  if (!ownersEqual(meta['ownerReferences'], desired.metadata.ownerReferences)) return false;
  const results = arr(existing['results']);
  return results.length === desired.results.length && results.every((r, i) => resultEqual(r, desired.results[i]!));
}

/**
 * The object to write over `existing` (its other metadata kept, e.g. resourceVersion for an
 * optimistic update), or undefined when nothing needs to change.
 */
export function combinedStatusUpdate(existing: unknown, desired: CombinedStatus): Record<string, unknown> | undefined {
  if (combinedStatusEqual(existing, desired)) return undefined;
  const base = isObject(existing) ? existing : {};
  const meta = isObject(base['metadata']) ? base['metadata'] : {};
  return {
    ...base,
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: { ...meta, ...desired.metadata },
    results: desired.results,
  };
}
