/**
 * Which returned status a WDS object gets (spec/kubestellar.md §4.3, §4.4), as upstream's status
 * controller implements it: copy one WEC's status (singleton), aggregate several WECs' statuses
 * (multi-WEC; Deployment, ReplicaSet and DaemonSet only), clear, or leave the object alone.
 */
import { cloneJson, isObject, type JsonObject } from '../../api/patch/json-value.js';
import { MULTIWEC_STATUS_LABEL, SINGLETON_STATUS_LABEL } from '../well-known.js';

export type StatusDecision =
  | { readonly action: 'copy'; readonly status: JsonObject; readonly label: typeof SINGLETON_STATUS_LABEL }
  | { readonly action: 'aggregate'; readonly status: JsonObject; readonly label: typeof MULTIWEC_STATUS_LABEL }
  /** Write `{}` as status and remove both labels. */
  | { readonly action: 'clear' }
  | { readonly action: 'none' };

export interface StatusRequest {
  readonly group: string;
  readonly resource: string;
  /** The object's kind; when absent it is derived from the resource for the aggregated kinds. */
  readonly kind?: string | undefined;
  /** Some policy's matching clause asks for singleton return. */
  readonly wantSingleton: boolean;
  /** Some policy's matching clause asks for multi-WEC return. */
  readonly wantMulti: boolean;
  /** S: union of the destinations of the policies asking for singleton return. */
  readonly singletonWecs: ReadonlySet<string>;
  /** M: union of the destinations of the policies asking for multi-WEC return. */
  readonly multiWecs: ReadonlySet<string>;
  /**
   * WEC → what it returned: a status object; `null` when the WEC reports the object but without
   * a status (upstream's WorkStatus with null status); no entry (or undefined) when it reports
   * nothing for the object (no WorkStatus).
   */
  readonly statuses: ReadonlyMap<string, unknown>;
  /** The object carries the singleton / multi-WEC label (only then is there something to clear). */
  readonly hasSingletonLabel: boolean;
  readonly hasMultiLabel: boolean;
}

const APPS = 'apps';
const APPS_KINDS: Readonly<Record<string, string>> = { deployments: 'Deployment', replicasets: 'ReplicaSet', daemonsets: 'DaemonSet' };

/** The WDS keeps authority over the status of these (upstream's WEC2WDSExceptions). */
function wdsOwnsStatus(group: string, resource: string, kind: string | undefined): boolean {
  if (group === '') return resource === 'namespaces' || kind === 'Namespace';
  if (group === 'apiextensions.k8s.io') return resource === 'customresourcedefinitions' || kind === 'CustomResourceDefinition';
  return false;
}

/** The §4.4 table. */
export function decideStatus(req: StatusRequest): StatusDecision {
  if (wdsOwnsStatus(req.group, req.resource, req.kind)) return { action: 'none' };
  const kind = req.kind ?? (req.group === APPS ? APPS_KINDS[req.resource] : undefined);
  const clear = (): StatusDecision => (req.hasSingletonLabel || req.hasMultiLabel ? { action: 'clear' } : { action: 'none' });

  const copyFrom = (wecs: ReadonlySet<string>): StatusDecision => {
    const [wec] = wecs;
    const returned = wec === undefined ? undefined : req.statuses.get(wec);
    if (returned === undefined) return clear(); // no WorkStatus in that WEC
    if (!isObject(returned)) return { action: 'none' }; // WorkStatus without a (usable) status: wait
    return { action: 'copy', status: returned, label: SINGLETON_STATUS_LABEL };
  };

  const aggregateOver = (wecs: ReadonlySet<string>): StatusDecision => {
    // Sorted, so "the first condition found" does not depend on set order.
    const returned = [...wecs].sort().flatMap((w) => {
      const s = req.statuses.get(w);
      return isObject(s) ? [s] : [];
    });
    const [only] = returned;
    if (only === undefined) return clear();
    if (returned.length === 1) return { action: 'copy', status: only, label: SINGLETON_STATUS_LABEL };
    const status = kind === undefined ? undefined : aggregateStatus(req.group, kind, returned);
    return status === undefined ? { action: 'none' } : { action: 'aggregate', status, label: MULTIWEC_STATUS_LABEL };
  };

  const S = req.singletonWecs;
  const M = req.multiWecs;
  if (req.wantSingleton && req.wantMulti) {
    const both = new Set([...S, ...M]);
    return both.size === 1 ? copyFrom(both) : aggregateOver(both);
  }
  if (req.wantMulti && M.size === 1) return copyFrom(M);
  if (req.wantSingleton && S.size === 1) return copyFrom(S);
  if (req.wantMulti && M.size > 1) return aggregateOver(M);
  return clear();
}

/** MIN over the integer values of `field`; 0 when no status has one. */
function minOf(statuses: readonly JsonObject[], field: string): number {
  const values = integersOf(statuses, field);
  return values.length === 0 ? 0 : Math.min(...values);
}

function maxOf(statuses: readonly JsonObject[], field: string): number {
  const values = integersOf(statuses, field);
  return values.length === 0 ? 0 : Math.max(...values);
}

function integersOf(statuses: readonly JsonObject[], field: string): number[] {
  return statuses.flatMap((s) => {
    const v = s[field];
    return typeof v === 'number' && Number.isInteger(v) ? [v] : [];
  });
}

/** `[first condition of any status satisfying test]`, in status order, else `[]`. */
function firstCondition(statuses: readonly JsonObject[], test: (c: JsonObject) => boolean): unknown[] {
  for (const s of statuses) {
    const conditions = s['conditions'];
    if (!Array.isArray(conditions)) continue;
    for (const c of conditions) if (isObject(c) && test(c)) return [cloneJson(c)];
  }
  return [];
}

/**
 * The multi-WEC status of an apps Deployment, ReplicaSet or DaemonSet (§4.4); undefined for every
 * other kind, which upstream leaves untouched. Members in Go's (alphabetical) JSON order.
 */
export function aggregateStatus(group: string, kind: string, statuses: readonly JsonObject[]): JsonObject | undefined {
  if (group !== APPS) return undefined;
  const min = (f: string): number => minOf(statuses, f);
  switch (kind) {
    case 'Deployment':
      return {
        availableReplicas: min('availableReplicas'),
        conditions: firstCondition(statuses, (c) => c['type'] === 'Progressing' && c['reason'] === 'ProgressDeadlineExceeded'),
        observedGeneration: min('observedGeneration'),
        readyReplicas: min('readyReplicas'),
        replicas: min('replicas'),
        unavailableReplicas: maxOf(statuses, 'unavailableReplicas'),
        updatedReplicas: min('updatedReplicas'),
      };
    case 'ReplicaSet':
      return {
        availableReplicas: min('availableReplicas'),
        conditions: firstCondition(statuses, (c) => c['type'] === 'ReplicaFailure'),
        fullyLabeledReplicas: min('fullyLabeledReplicas'),
        observedGeneration: min('observedGeneration'),
        readyReplicas: min('readyReplicas'),
        replicas: min('replicas'),
      };
    case 'DaemonSet':
      return {
        currentNumberScheduled: min('currentNumberScheduled'),
        desiredNumberScheduled: min('desiredNumberScheduled'),
        numberAvailable: min('numberAvailable'),
        numberMisscheduled: maxOf(statuses, 'numberMisscheduled'),
        numberReady: min('numberReady'),
        observedGeneration: min('observedGeneration'),
        updatedNumberScheduled: min('updatedNumberScheduled'),
      };
    default:
      return undefined;
  }
}
