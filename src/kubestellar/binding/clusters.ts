/**
 * The "where" of a BindingPolicy (spec/kubestellar.md §2.4): the ManagedClusters whose labels
 * match any of `clusterSelectors`. Nothing else filters (acceptance, availability, taints and
 * cluster sets are ignored, as upstream does).
 */
import type { LabelSelector, Labels } from '../../api/label-selector.js';
import { anySelectorMatches } from './match.js';

export interface ClusterLabels {
  readonly name: string;
  readonly labels: Labels | undefined;
}

/**
 * Whether a cluster with these labels is a destination: ORed selectors, `{}` matches every
 * cluster, an empty or absent list matches none. A selector that fails to convert matches
 * nothing (upstream fails the whole policy sync instead; schema validation makes it rare).
 */
export function clusterSelectorsMatch(clusterSelectors: readonly (LabelSelector | null)[] | null | undefined, labels: Labels | undefined): boolean {
  return clusterSelectors !== null && clusterSelectors !== undefined && anySelectorMatches(clusterSelectors, labels);
}

/** Names of the matching clusters, sorted and distinct: the Binding's destinations. */
export function selectClusters(clusterSelectors: readonly (LabelSelector | null)[] | null | undefined, clusters: Iterable<ClusterLabels>): string[] {
  const names = new Set<string>();
  for (const c of clusters) if (clusterSelectorsMatch(clusterSelectors, c.labels)) names.add(c.name);
  return [...names].sort();
}
