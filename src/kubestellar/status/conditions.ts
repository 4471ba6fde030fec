/**
 * BindingPolicyCondition helpers (spec/kubestellar.md §1.7, §8.5 item 38). Equality ignores
 * lastTransitionTime, so a condition's timestamp only moves when its type, status, reason or
 * message does. The clock is a parameter: these stay pure.
 */

export interface BindingPolicyCondition {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** A condition before it is stamped. */
export type ConditionContent = Omit<BindingPolicyCondition, 'lastTransitionTime'>;

export const STATUS_COLLECTORS_AVAILABLE = 'StatusCollectorsAvailable';

/** Same type, status, reason and message; lastTransitionTime is ignored. */
export function conditionsEqual(a: ConditionContent, b: ConditionContent): boolean {
  return a.type === b.type && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

/**
 * Puts `next` in place of the condition of its type, or appends it. Unchanged content keeps the
 * existing entry (and its timestamp) and reports no change; otherwise the entry gets `now`.
 * Returns a new array; the input is not modified.
 */
export function setCondition(
  conditions: readonly BindingPolicyCondition[],
  next: ConditionContent,
  now: string,
): { conditions: BindingPolicyCondition[]; changed: boolean } {
  const stamped: BindingPolicyCondition = { type: next.type, status: next.status, lastTransitionTime: now, reason: next.reason, message: next.message };
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) return { conditions: [...conditions, stamped], changed: true };
  const current = conditions[i]!;
  if (conditionsEqual(current, next)) return { conditions: [...conditions], changed: false };
  const out = [...conditions];
  out[i] = stamped;
  return { conditions: out, changed: true };
}

/**
 * Whether two condition lists say the same, ignoring order and timestamps (compared per type,
 * as upstream does: equal lengths and, for every type in `a`, an equal condition in `b`).
 */
export function conditionListsSame(a: readonly ConditionContent[], b: readonly ConditionContent[]): boolean {
  if (a.length !== b.length) return false;
  const byType = new Map(b.map((c) => [c.type, c]));
  return a.every((c) => {
    const other = byType.get(c.type);
    return other !== undefined && conditionsEqual(c, other);
  });
}

/**
 * The one condition upstream actually sets, on the Binding (§1.7): whether every StatusCollector
 * the Binding references exists. `missing` is sorted here; Go prints the slice as `[a b]`.
 */
export function statusCollectorsAvailable(missing: readonly string[]): ConditionContent {
  if (missing.length === 0) {
    return { type: STATUS_COLLECTORS_AVAILABLE, status: 'True', reason: 'ReconcileSuccess', message: 'All StatusCollector(s) are available' };
  }
  return {
    type: STATUS_COLLECTORS_AVAILABLE,
    status: 'False',
    reason: 'ReconcileError',
    message: `Missing StatusCollector(s) [${[...missing].sort().join(' ')}]`,
  };
}
