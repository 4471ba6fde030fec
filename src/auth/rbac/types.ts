/**
 * The rbac.authorization.k8s.io/v1 shapes the authorizer reads, and tolerant readers that turn
 * stored objects (plain JSON, `KubeObject`) into them: a field of the wrong type reads as absent,
 * so a malformed object can never throw inside authorization.
 */
import type { LabelSelector } from '../../api/label-selector.js';
import { isPlainObject } from '../../api/object.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly apiGroup?: string;
}

export interface RoleRef {
  readonly apiGroup?: string;
  readonly kind: string;
  readonly name: string;
}

export interface RbacMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface Role {
  readonly metadata: RbacMeta;
  readonly rules: readonly PolicyRule[];
}

export interface ClusterRole extends Role {
  readonly aggregationRule?: { readonly clusterRoleSelectors?: readonly LabelSelector[] };
}

export interface RoleBinding {
  readonly metadata: RbacMeta;
  readonly roleRef: RoleRef;
  readonly subjects?: readonly Subject[];
}

export type ClusterRoleBinding = RoleBinding;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A rule as stored, keeping only the non-empty lists (the shape kube serialises, omitempty). */
export function toRule(v: unknown): PolicyRule {
  const o = isPlainObject(v) ? v : {};
  const rule: { -readonly [K in keyof PolicyRule]: PolicyRule[K] } = { verbs: strings(o['verbs']) };
  for (const key of ['apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const) {
    const list = strings(o[key]);
    if (list.length > 0) rule[key] = list;
  }
  return rule;
}

function toMeta(v: unknown): RbacMeta {
  const m = isPlainObject(v) ? v : {};
  const labels = isPlainObject(m['labels']) ? (m['labels'] as Record<string, string>) : undefined;
  const ns = str(m['namespace']);
  return { name: str(m['name']), ...(ns !== '' && { namespace: ns }), ...(labels !== undefined && { labels }) };
}

export function toRole(obj: unknown): Role {
  const o = isPlainObject(obj) ? obj : {};
  return { metadata: toMeta(o['metadata']), rules: Array.isArray(o['rules']) ? o['rules'].map(toRule) : [] };
}

export function toClusterRole(obj: unknown): ClusterRole {
  const o = isPlainObject(obj) ? obj : {};
  const agg = o['aggregationRule'];
  if (!isPlainObject(agg)) return toRole(obj);
  const selectors = Array.isArray(agg['clusterRoleSelectors']) ? agg['clusterRoleSelectors'].filter(isPlainObject) : [];
  return { ...toRole(obj), aggregationRule: { clusterRoleSelectors: selectors as LabelSelector[] } };
}

export function toBinding(obj: unknown): RoleBinding {
  const o = isPlainObject(obj) ? obj : {};
  const ref = isPlainObject(o['roleRef']) ? o['roleRef'] : {};
  const subjects = (Array.isArray(o['subjects']) ? o['subjects'] : []).filter(isPlainObject).map((s): Subject => {
    const ns = str(s['namespace']);
    const group = str(s['apiGroup']);
    return { kind: str(s['kind']), name: str(s['name']), ...(ns !== '' && { namespace: ns }), ...(group !== '' && { apiGroup: group }) };
  });
  return {
    metadata: toMeta(o['metadata']),
    roleRef: { apiGroup: str(ref['apiGroup']), kind: str(ref['kind']), name: str(ref['name']) },
    subjects,
  };
}
