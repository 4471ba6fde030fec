/**
 * The ReplicaSet controller's decisions: how many pods to add or which to remove to reach
 * spec.replicas, and the status it reports (calculateStatus), zero counters omitted as the Go
 * struct's `omitempty` does.
 */
import type { KubeObject } from '../../api/object.js';
import { num, specOf, statusOf, type Obj } from '../../registry/builtin/helpers.js';
import { conditionsOf, findCondition } from './conditions.js';
import { generationOf, omitZero, templateLabels, templateOf } from './objects.js';
import { isActive, isPodAvailable, isPodReady, podPhase, readySince } from './pods.js';

export interface PodDelta {
  readonly create: number;
  readonly remove: readonly KubeObject[];
}

/**
 * How far the active pods are from `desired`. Surplus pods go in kube's order of preference:
 * not ready before ready, pending before running, then the youngest first.
 */
export function podDelta(desired: number, pods: readonly KubeObject[]): PodDelta {
  const active = pods.filter(isActive);
  if (active.length <= desired) return { create: desired - active.length, remove: [] };
  const rank = (p: KubeObject): number => (isPodReady(p) ? 2 : podPhase(p) === 'Running' ? 1 : 0);
  const created = (p: KubeObject): string => p.metadata.creationTimestamp ?? '';
  const sorted = [...active].sort(
    (a, b) => rank(a) - rank(b) || (created(b) < created(a) ? -1 : created(b) > created(a) ? 1 : 0) || ((b.metadata.name ?? '') < (a.metadata.name ?? '') ? -1 : 1),
  );
  return { create: 0, remove: sorted.slice(0, active.length - desired) };
}

export interface TimedStatus {
  readonly status: Obj;
  /** When a pod becomes available by minReadySeconds alone (ms since the epoch). */
  readonly recheckAt?: number;
}

/** Counts over active pods: ready ones, and available ones once ready for minReadySeconds. */
export function podCounts(pods: readonly KubeObject[], minReadySeconds: number, nowMs: number, secondMs: number) {
  const active = pods.filter(isActive);
  let recheckAt: number | undefined;
  let ready = 0;
  let available = 0;
  for (const p of active) {
    if (!isPodReady(p)) continue;
    ready++;
    if (isPodAvailable(p, minReadySeconds, nowMs, secondMs)) available++;
    else {
      const at = (readySince(p) ?? nowMs) + minReadySeconds * secondMs;
      recheckAt = recheckAt === undefined ? at : Math.min(recheckAt, at);
    }
  }
  return { active, ready, available, recheckAt };
}

export const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * calculateStatus's ReplicaFailure: set (reason FailedCreate, the error as message) when this
 * sync failed to create a pod and the set has no such condition yet; kept while creating keeps
 * failing; removed by the first sync that does not fail.
 */
export function replicaFailureConditions(prev: Obj, failure: string | undefined, nowMs: number): Obj[] {
  const conditions = conditionsOf(prev);
  const had = findCondition(conditions, REPLICA_FAILURE) !== undefined;
  if (failure !== undefined && !had) {
    const at = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return [...conditions, { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: at, reason: 'FailedCreate', message: failure }];
  }
  if (failure === undefined && had) return conditions.filter((c) => c['type'] !== REPLICA_FAILURE);
  return conditions;
}

/** `failure`: the error of a pod creation this sync attempted and the server refused. */
export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[], nowMs: number, secondMs: number, failure?: string): TimedStatus {
  const minReady = num(specOf(rs)['minReadySeconds']) ?? 0;
  const { active, ready, available, recheckAt } = podCounts(pods, minReady, nowMs, secondMs);
  const labels = templateLabels(templateOf(rs));
  const fullyLabeled = active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
  const status = omitZero(
    { replicas: active.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available, observedGeneration: generationOf(rs) },
    ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
  );
  const conditions = replicaFailureConditions(statusOf(rs), failure, nowMs);
  if (conditions.length > 0) status['conditions'] = conditions;
  return recheckAt === undefined ? { status } : { status, recheckAt };
}
