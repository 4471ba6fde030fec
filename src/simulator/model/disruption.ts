/**
 * The disruption controller's status of a PodDisruptionBudget: the pods its selector matches,
 * how many are expected (their controllers' scale, or the matched pods for an integer
 * minAvailable), how many are healthy (Ready and not being deleted), how many must stay healthy,
 * and so how many may be disrupted, with the DisruptionAllowed condition (SyncFailed when the
 * expected count cannot be known).
 */
import type { KubeObject } from '../../api/object.js';
import { labelSelectorMatches, type LabelSelector } from '../../api/label-selector.js';
import { rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { findCondition } from './conditions.js';
import { controllerRef, generationOf, isDeleting } from './objects.js';
import { isPodReady } from './pods.js';
import { scaledValue } from './rollout.js';

export const DISRUPTION_ALLOWED = 'DisruptionAllowed';

/** The scale of the workload behind a pod: its controller (a Deployment for a Deployment's ReplicaSet) and its spec.replicas. */
export interface ControllerScale {
  readonly uid: string;
  readonly replicas: number;
}

/** policy/v1: a missing selector matches no pod, an empty one every pod of the namespace. */
export function pdbSelects(pdb: KubeObject, pod: KubeObject): boolean {
  try {
    return labelSelectorMatches(rec(specOf(pdb)['selector']) as LabelSelector | undefined, pod.metadata.labels);
  } catch {
    return false;
  }
}

const isPercent = (v: unknown): boolean => typeof v === 'string' && v.endsWith('%');
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/**
 * getExpectedScale: the sum of the scales of the matched pods' controllers, each counted once;
 * an error (in upstream's words) for a pod without a controller or with one of no known scale.
 */
export function expectedScale(pods: readonly KubeObject[], scaleOf: (pod: KubeObject) => ControllerScale | undefined): number | string {
  const scales = new Map<string, number>();
  const seen = new Set<string>();
  for (const pod of pods) {
    const ref = controllerRef(pod);
    if (ref === undefined) return `found no controller ref for pod "${pod.metadata.name ?? ''}"`;
    if (seen.has(ref.uid)) continue;
    const scale = scaleOf(pod);
    if (scale === undefined) return `found no controllers for pod "${pod.metadata.name ?? ''}"`;
    seen.add(ref.uid);
    scales.set(scale.uid, scale.replicas);
  }
  let total = 0;
  for (const n of scales.values()) total += n;
  return total;
}

/** countHealthyPods: Ready and not being deleted. */
export const healthyPods = (pods: readonly KubeObject[]): number => pods.filter((p) => !isDeleting(p) && isPodReady(p)).length;

/** getExpectedPodCount: expected pods and desired healthy ones; an error message when the controllers' scale is unknown. */
export function expectedCounts(pdb: KubeObject, pods: readonly KubeObject[], scaleOf: (pod: KubeObject) => ControllerScale | undefined): { expected: number; desired: number } | string {
  const spec = specOf(pdb);
  const max = spec['maxUnavailable'];
  const min = spec['minAvailable'];
  if (isSet(max)) {
    const expected = expectedScale(pods, scaleOf);
    if (typeof expected === 'string') return expected;
    // Both round up: a percentage of unavailable pods errs towards allowing one more disruption.
    return { expected, desired: Math.max(0, expected - scaledValue(max, expected, true)) };
  }
  if (isSet(min) && !isPercent(min)) return { expected: pods.length, desired: scaledValue(min, pods.length, true) };
  if (isSet(min)) {
    const expected = expectedScale(pods, scaleOf);
    if (typeof expected === 'string') return expected;
    return { expected, desired: scaledValue(min, expected, true) };
  }
  return { expected: 0, desired: 0 };
}

/** apimeta.SetStatusCondition: lastTransitionTime moves only when the status does. */
function setCondition(conditions: readonly Obj[], c: Obj, now: string): Obj[] {
  const current = findCondition(conditions, str(c['type']));
  const next = { ...c, lastTransitionTime: current && current['status'] === c['status'] ? current['lastTransitionTime'] : now };
  return current === undefined ? [...conditions, next] : conditions.map((x) => (x === current ? next : x));
}

/** The budget's status given the pods its selector matches in its namespace. */
export function pdbStatus(pdb: KubeObject, pods: readonly KubeObject[], scaleOf: (pod: KubeObject) => ControllerScale | undefined, now: Date): Obj {
  const prev = statusOf(pdb);
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const observedGeneration = generationOf(pdb);
  const counts = expectedCounts(pdb, pods, scaleOf);
  const conditions = recs(prev['conditions']);
  if (typeof counts === 'string') {
    // failSafe: nothing may be disrupted while the budget cannot be computed.
    const generation = num0(prev['observedGeneration']);
    const failed = { type: DISRUPTION_ALLOWED, status: 'False', ...(generation > 0 && { observedGeneration: generation }), reason: 'SyncFailed', message: counts };
    return { ...prev, disruptionsAllowed: 0, conditions: setCondition(conditions, failed, at) };
  }
  const currentHealthy = healthyPods(pods);
  const disruptionsAllowed = Math.max(0, currentHealthy - counts.desired);
  const allowed = disruptionsAllowed > 0;
  const condition = {
    type: DISRUPTION_ALLOWED,
    status: allowed ? 'True' : 'False',
    observedGeneration,
    reason: allowed ? 'SufficientPods' : 'InsufficientPods',
    message: '',
  };
  return {
    ...prev,
    observedGeneration,
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy: counts.desired,
    expectedPods: counts.expected,
    conditions: setCondition(conditions, condition, at),
  };
}

const num0 = (v: unknown): number => (typeof v === 'number' ? v : 0);
