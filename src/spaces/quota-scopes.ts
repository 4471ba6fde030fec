/**
 * Which objects a scoped ResourceQuota covers (pure). A quota's `scopes` and its scopeSelector's
 * expressions must all match; only pods have scopes (Terminating, NotTerminating, BestEffort,
 * NotBestEffort, PriorityClass, CrossNamespacePodAffinity), so a scoped quota covers no other
 * kind, as upstream's non-pod evaluators match no scope.
 */
import type { KubeObject } from '../api/object.js';
import { arr, rec, recs, str, type Obj } from '../registry/builtin/helpers.js';
import { podQOSClass } from '../registry/builtin/pod-template.js';

interface ScopeExpression {
  readonly scopeName: string;
  readonly operator: string;
  readonly values: readonly string[];
}

/** The quota's scopes and scopeSelector expressions, as one list of requirements. */
export function scopeExpressions(quotaSpec: Obj): ScopeExpression[] {
  const out: ScopeExpression[] = arr(quotaSpec['scopes']).map((s) => ({ scopeName: str(s), operator: 'Exists', values: [] }));
  for (const e of recs(rec(quotaSpec['scopeSelector'])?.['matchExpressions'])) {
    out.push({ scopeName: str(e['scopeName']), operator: str(e['operator']), values: arr(e['values']).map(str) });
  }
  return out;
}

export const isScoped = (quotaSpec: Obj): boolean => scopeExpressions(quotaSpec).length > 0;

/** A pod affinity term that reaches other namespaces (namespaces or namespaceSelector set). */
function crossNamespaceAffinity(spec: Obj): boolean {
  const affinity = rec(spec['affinity']) ?? {};
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = rec(affinity[kind]) ?? {};
    const terms = [
      ...recs(a['requiredDuringSchedulingIgnoredDuringExecution']),
      ...recs(a['preferredDuringSchedulingIgnoredDuringExecution']).map((w) => rec(w['podAffinityTerm']) ?? {}),
    ];
    if (terms.some((t) => arr(t['namespaces']).length > 0 || rec(t['namespaceSelector']) !== undefined)) return true;
  }
  return false;
}

/** podMatchesScopeFunc: whether one requirement holds for a pod. */
function podMatches(e: ScopeExpression, pod: KubeObject): boolean {
  const spec = rec(pod['spec']) ?? {};
  switch (e.scopeName) {
    case 'Terminating':
      return typeof spec['activeDeadlineSeconds'] === 'number' && spec['activeDeadlineSeconds'] >= 0;
    case 'NotTerminating':
      return !(typeof spec['activeDeadlineSeconds'] === 'number' && spec['activeDeadlineSeconds'] >= 0);
    case 'BestEffort':
      return podQOSClass(spec) === 'BestEffort';
    case 'NotBestEffort':
      return podQOSClass(spec) !== 'BestEffort';
    case 'CrossNamespacePodAffinity':
      return crossNamespaceAffinity(spec);
    case 'PriorityClass': {
      const name = str(spec['priorityClassName']);
      switch (e.operator) {
        case 'Exists':
          return name !== '';
        case 'DoesNotExist':
          return name === '';
        case 'In':
          return e.values.includes(name);
        case 'NotIn':
          return !e.values.includes(name);
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

/** Whether a quota covers an object: unscoped quotas cover everything, scoped ones pods that match every requirement. */
export function quotaCovers(quotaSpec: Obj, def: { readonly group: string; readonly plural: string }, obj: KubeObject): boolean {
  const expressions = scopeExpressions(quotaSpec);
  if (expressions.length === 0) return true;
  if (def.group !== '' || def.plural !== 'pods') return false;
  return expressions.every((e) => podMatches(e, obj));
}
