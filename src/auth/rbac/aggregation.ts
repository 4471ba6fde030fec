/**
 * What the clusterrole-aggregation controller writes into a ClusterRole with an aggregationRule:
 * the rules of every other ClusterRole matched by any of its selectors (selectors in order,
 * matches sorted by name, exact duplicates dropped). Aggregation is transitive, as the
 * controller's repeated syncs make it (`admin` selects `edit`, which aggregates `view`, ...).
 */
import { labelSelectorMatches } from '../../api/label-selector.js';
import type { ClusterRole, PolicyRule } from './types.js';

/** Semantic equality as upstream's: a missing list equals an empty one; order matters. */
const ruleKey = (r: PolicyRule): string =>
  JSON.stringify([r.verbs, r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);

/** name → computed rules, for each ClusterRole that has an aggregationRule. */
export function aggregateClusterRoles(clusterRoles: readonly ClusterRole[]): Map<string, PolicyRule[]> {
  const byName = [...clusterRoles].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const done = new Map<string, readonly PolicyRule[]>();
  const inProgress = new Set<string>();

  const effective = (role: ClusterRole): readonly PolicyRule[] => {
    const name = role.metadata.name;
    if (role.aggregationRule === undefined) return role.rules;
    const cached = done.get(name);
    if (cached !== undefined) return cached;
    if (inProgress.has(name)) return role.rules; // a cycle: use what is stored, as the controller would
    inProgress.add(name);
    const rules = aggregate(role);
    inProgress.delete(name);
    done.set(name, rules);
    return rules;
  };

  const aggregate = (role: ClusterRole): readonly PolicyRule[] => {
    const out: PolicyRule[] = [];
    const seen = new Set<string>();
    for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
      let matched: ClusterRole[];
      try {
        matched = byName.filter((r) => r.metadata.name !== role.metadata.name && labelSelectorMatches(selector, r.metadata.labels));
      } catch {
        return role.rules; // an invalid selector: the controller errors and leaves the role alone
      }
      for (const r of matched) {
        for (const rule of effective(r)) {
          const key = ruleKey(rule);
          if (!seen.has(key)) {
            seen.add(key);
            out.push(rule);
          }
        }
      }
    }
    return out;
  };

  const result = new Map<string, PolicyRule[]>();
  for (const role of byName) if (role.aggregationRule !== undefined) result.set(role.metadata.name, [...effective(role)]);
  return result;
}

/** The ClusterRoles with their aggregated rules filled in (the others unchanged). */
export function withAggregatedRules(clusterRoles: readonly ClusterRole[]): ClusterRole[] {
  const aggregated = aggregateClusterRoles(clusterRoles);
  return clusterRoles.map((r) => {
    const rules = aggregated.get(r.metadata.name);
    return rules === undefined ? r : { ...r, rules };
  });
}
