/**
 * Rollout parameters and the names kube's Deployment controller puts on its ReplicaSets: the
 * pieces both the rollout plan and the status need.
 */
import type { KubeObject } from '../../api/object.js';
import { SIMULATE_FAILURE_ANNOTATION } from '../../kubestellar/well-known.js';
import { rec, specOf, str } from '../../registry/builtin/helpers.js';
import { specReplicas } from './objects.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

/**
 * Deployment annotations kube does not copy onto its ReplicaSets; nor the failure annotation,
 * which pods see through their owners and which must stop applying once the Deployment drops it.
 */
export const NOT_COPIED = new Set([
  SIMULATE_FAILURE_ANNOTATION,
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const s = str(v);
  if (!s.endsWith('%')) return parseInt(s, 10) || 0;
  const x = ((parseInt(s.slice(0, -1), 10) || 0) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export const isRolling = (d: KubeObject): boolean => str(rec(specOf(d)['strategy'])?.['type'] ?? 'RollingUpdate') === 'RollingUpdate';

/** ResolveFenceposts: surge rounds up, unavailability down, and both zero means one unavailable. */
export function fenceposts(d: KubeObject): { surge: number; unavailable: number } {
  if (!isRolling(d)) return { surge: 0, unavailable: 0 };
  const rolling = rec(rec(specOf(d)['strategy'])?.['rollingUpdate']) ?? {};
  const replicas = specReplicas(d);
  const surge = scaledValue(rolling['maxSurge'] ?? '25%', replicas, true);
  const unavailable = scaledValue(rolling['maxUnavailable'] ?? '25%', replicas, false);
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

/** deploymentutil.MaxUnavailable: never more than the replicas, zero for Recreate. */
export function maxUnavailable(d: KubeObject): number {
  const replicas = specReplicas(d);
  if (!isRolling(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

export const revisionOf = (rs: KubeObject): number => parseInt(rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10) || 0;
