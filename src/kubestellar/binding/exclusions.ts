/**
 * Which WDS resources are workload at all (spec/kubestellar.md §2.1): KubeStellar watches, and so
 * can ever propagate, only these. Nothing else is filtered: Namespaces, CRDs, ServiceAccounts,
 * Secrets of kube-system and so on are ordinary workload.
 */
import { CONTROL_GROUP } from '../well-known.js';

/** Groups never delivered to other clusters (KubeStellar's own included). */
export const EXCLUDED_GROUPS: ReadonlySet<string> = new Set([
  'flowcontrol.apiserver.k8s.io',
  'discovery.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  CONTROL_GROUP,
]);

/** `group/resource` pairs never delivered (core group spelled `""`, so `/events`). */
export const EXCLUDED_GROUP_RESOURCES: ReadonlySet<string> = new Set([
  '/events',
  'events.k8s.io/events',
  '/nodes',
  'storage.k8s.io/csistoragecapacities',
  'storage.k8s.io/csinodes',
  '/endpoints',
  `${CONTROL_GROUP}/workstatuses`,
]);

/** Groups an `--api-groups` allow-list always gets, so KubeStellar keeps working. */
const ALWAYS_ALLOWED_GROUPS = [CONTROL_GROUP, 'apiextensions.k8s.io'];

/**
 * Upstream's `--api-groups` flag: comma-separated groups, kept verbatim (an empty item is the core
 * group). Undefined for `""`, meaning every group is allowed.
 */
export function parseApiGroups(flag: string): ReadonlySet<string> | undefined {
  if (flag === '') return undefined;
  return new Set([...flag.split(','), ...ALWAYS_ALLOWED_GROUPS]);
}

/**
 * §2.1: not an excluded group or group/resource, allowed by the allow-list when there is one, and
 * listable and watchable (which rules out subresources and create-only virtual resources).
 */
export function isWorkloadResource(
  group: string,
  resource: string,
  verbs: readonly string[],
  allowedGroups?: ReadonlySet<string>,
): boolean {
  if (EXCLUDED_GROUPS.has(group) || EXCLUDED_GROUP_RESOURCES.has(`${group}/${resource}`)) return false;
  if (allowedGroups !== undefined && allowedGroups.size > 0 && !allowedGroups.has(group)) return false;
  if (resource.includes('/')) return false;
  return verbs.includes('list') && verbs.includes('watch');
}
