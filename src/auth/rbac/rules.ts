/**
 * One PolicyRule against one request, exactly as kube's RBAC (RuleAllows and the rbac/v1
 * evaluation helpers). Notable edges, all upstream behaviour:
 * - `*` in verbs, apiGroups or resources matches anything; there is no other globbing there.
 * - a subresource request matches `resource/sub`, `*` or `*\/sub`, never bare `resource`.
 * - non-empty resourceNames never match a request without a name (create, list, watch).
 * - a nonResourceURL ending in `*` is a prefix (`/apis/*` matches `/apis/` and `/apis/x`, not
 *   `/apis`); every other entry must equal the path.
 */
import type { RequestAttributes } from '../attributes.js';
import type { PolicyRule } from './types.js';

export type { RequestAttributes } from '../attributes.js';
export type { PolicyRule } from './types.js';

export const VERB_ALL = '*';
export const API_GROUP_ALL = '*';
export const RESOURCE_ALL = '*';
export const NON_RESOURCE_ALL = '*';

export const verbMatches = (rule: PolicyRule, verb: string): boolean => rule.verbs.some((v) => v === VERB_ALL || v === verb);

export const apiGroupMatches = (rule: PolicyRule, group: string): boolean =>
  (rule.apiGroups ?? []).some((g) => g === API_GROUP_ALL || g === group);

/** `combined` is `resource` or `resource/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some(
    (r) => r === RESOURCE_ALL || r === combined || (subresource !== '' && r === `*/${subresource}`),
  );
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** A rule URL `p*` covers every path starting with `p` (all trailing stars trimmed, as upstream). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (u) => u === NON_RESOURCE_ALL || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))),
  );
}

export function ruleAllows(rule: PolicyRule, attrs: RequestAttributes): boolean {
  if (!verbMatches(rule, attrs.verb)) return false;
  if (!attrs.resourceRequest) return nonResourceURLMatches(rule, attrs.path);
  const combined = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  return (
    apiGroupMatches(rule, attrs.apiGroup) &&
    resourceMatches(rule, combined, attrs.subresource) &&
    resourceNameMatches(rule, attrs.name)
  );
}

export const rulesAllow = (rules: readonly PolicyRule[], attrs: RequestAttributes): boolean => rules.some((r) => ruleAllows(r, attrs));
