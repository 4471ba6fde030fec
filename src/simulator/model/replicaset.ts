/**
 * The ReplicaSet controller's decisions: how many pods to add or which to remove to reach
 * spec.replicas, and the status it reports (calculateStatus), zero counters omitted as the Go
 * struct's `omitempty` does.
 */
import type { KubeObject } from '../../api/object.js';
import { num, specOf, type Obj } from '../../registry/builtin/helpers.js';
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

export function replicaSetStatus(rs: KubeObject, pods: readonly KubeObject[], nowMs: number, secondMs: number): TimedStatus {
  const minReady = num(specOf(rs)['minReadySeconds']) ?? 0;
  const { active, ready, available, recheckAt } = podCounts(pods, minReady, nowMs, secondMs);
  const labels = templateLabels(templateOf(rs));
  const fullyLabeled = active.filter((p) => Object.entries(labels).every(([k, v]) => p.metadata.labels?.[k] === v)).length;
  const status = omitZero(
    { replicas: active.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available, observedGeneration: generationOf(rs) },
    ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas'],
  );
  return recheckAt === undefined ? { status } : { status, recheckAt };
}
