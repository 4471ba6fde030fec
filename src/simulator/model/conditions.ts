/**
 * Condition lists as the controllers keep them: a condition whose status and reason are
 * unchanged is left alone (so repeated syncs write nothing), and lastTransitionTime moves only
 * when the status flips.
 */
import { recs, type Obj } from '../../registry/builtin/helpers.js';

export interface ConditionInput {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export const findCondition = (conditions: readonly Obj[], type: string): Obj | undefined => conditions.find((c) => c['type'] === type);

export const conditionsOf = (status: Obj): Obj[] => recs(status['conditions']).map((c) => ({ ...c }));

/**
 * SetDeploymentCondition: no change for the same status and reason; otherwise the condition is
 * replaced (moved to the end), keeping lastTransitionTime when only the reason changed.
 */
export function setDeploymentCondition(conditions: Obj[], c: ConditionInput, now: string): Obj[] {
  const current = findCondition(conditions, c.type);
  if (current && current['status'] === c.status && current['reason'] === c.reason) return conditions;
  const next: Obj = {
    type: c.type,
    status: c.status,
    lastUpdateTime: now,
    lastTransitionTime: current && current['status'] === c.status ? current['lastTransitionTime'] : now,
    ...(c.reason !== undefined && { reason: c.reason }),
    ...(c.message !== undefined && { message: c.message }),
  };
  return [...conditions.filter((x) => x['type'] !== c.type), next];
}

/**
 * Conditions with a lastProbeTime (pods, jobs), set in place of any of the same type; the
 * transition time survives as long as the status does.
 */
export function probedCondition(previous: readonly Obj[], c: ConditionInput, now: string): Obj {
  const current = findCondition(previous, c.type);
  return {
    type: c.type,
    status: c.status,
    lastProbeTime: current?.['lastProbeTime'] ?? null,
    lastTransitionTime: current && current['status'] === c.status ? current['lastTransitionTime'] : now,
    ...(c.reason !== undefined && { reason: c.reason }),
    ...(c.message !== undefined && { message: c.message }),
  };
}
