/**
 * The RBAC authorizer and rule resolver (kube's rbac.RBACAuthorizer over DefaultRuleResolver):
 * ClusterRoleBindings first, then the RoleBindings of the request's namespace, stopping at the
 * first rule that allows. A binding to a missing role is not fatal: its error is collected and
 * shows up in the denial reason (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
 * Pure and synchronous: the caller hands in the space's RBAC objects through `RbacData`.
 */
import type { RequestAttributes } from '../attributes.js';
import { SYSTEM_MASTERS, matchesServiceAccount, type UserInfo } from '../user.js';
import { withAggregatedRules } from './aggregation.js';
import { ruleAllows } from './rules.js';
import {
  toBinding,
  toClusterRole,
  toRole,
  type ClusterRole,
  type ClusterRoleBinding,
  type PolicyRule,
  type Role,
  type RoleBinding,
  type RoleRef,
  type Subject,
} from './types.js';

export { aggregateClusterRoles } from './aggregation.js';

/** One space's RBAC objects. ClusterRoles must carry their aggregated rules (see rbacSnapshot). */
export interface RbacData {
  getRole(namespace: string, name: string): Role | undefined;
  getClusterRole(name: string): ClusterRole | undefined;
  listRoleBindings(namespace: string): readonly RoleBinding[];
  listClusterRoleBindings(): readonly ClusterRoleBinding[];
}

export interface RbacObjects {
  readonly roles?: readonly unknown[];
  readonly clusterRoles?: readonly unknown[];
  readonly roleBindings?: readonly unknown[];
  readonly clusterRoleBindings?: readonly unknown[];
}

/**
 * An indexed, immutable RbacData over stored objects (KubeObjects as listed). Aggregated
 * ClusterRoles get their computed rules unless `aggregate: false`.
 *
 * Upstream's authorizer just reads `.rules`, which its clusterrole-aggregation controller fills
 * in (ours: controllers/clusterrole-aggregation.ts, same computation). The server's snapshots
 * still aggregate, deliberately: the controller runs on the leader only and a moment after each
 * change, so a replica without a leader, or any request in the window after a space starts (the
 * bootstrap admin/edit/view are stored with empty rules) or after an aggregated-in role changes,
 * would otherwise be judged against stale rules. Both compute the same fixed point over the same
 * objects, so once the controller has written, the two agree exactly; before that this answer is
 * the one upstream converges to. The only observable difference is that window (and a hand edit
 * of an aggregated role's rules, which upstream's controller reverts, is ignored here at once).
 */
export function rbacSnapshot(objects: RbacObjects, options: { aggregate?: boolean } = {}): RbacData {
  const roles = new Map<string, Role>();
  for (const r of (objects.roles ?? []).map(toRole)) roles.set(`${r.metadata.namespace ?? ''}/${r.metadata.name}`, r);
  let clusterRoleList = (objects.clusterRoles ?? []).map(toClusterRole);
  if (options.aggregate !== false) clusterRoleList = withAggregatedRules(clusterRoleList);
  const clusterRoles = new Map(clusterRoleList.map((r) => [r.metadata.name, r]));
  const roleBindings = new Map<string, RoleBinding[]>();
  for (const b of (objects.roleBindings ?? []).map(toBinding)) {
    const ns = b.metadata.namespace ?? '';
    roleBindings.set(ns, [...(roleBindings.get(ns) ?? []), b]);
  }
  const clusterRoleBindings = (objects.clusterRoleBindings ?? []).map(toBinding);
  return {
    getRole: (namespace, name) => roles.get(`${namespace}/${name}`),
    getClusterRole: (name) => clusterRoles.get(name),
    listRoleBindings: (namespace) => roleBindings.get(namespace) ?? [],
    listClusterRoleBindings: () => clusterRoleBindings,
  };
}

/**
 * Whether a binding subject names the user. A ServiceAccount subject without a namespace means
 * the binding's namespace, so in a ClusterRoleBinding (namespace '') it matches nobody.
 */
export function subjectMatches(user: UserInfo, subject: Subject, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const ns = subject.namespace !== undefined && subject.namespace !== '' ? subject.namespace : bindingNamespace;
      return ns !== '' && matchesServiceAccount(ns, subject.name, user.name);
    }
    default:
      return false;
  }
}

/** Index of the first subject that applies, or -1. */
export const appliesTo = (user: UserInfo, subjects: readonly Subject[] | undefined, bindingNamespace: string): number =>
  (subjects ?? []).findIndex((s) => subjectMatches(user, s, bindingNamespace));

export type RoleRefResult = { rules: readonly PolicyRule[] } | { error: string };

/** GetRoleReferenceRules, with the lister's NotFound wording (singular resource names). */
export function roleRefRules(ref: RoleRef, bindingNamespace: string, data: RbacData): RoleRefResult {
  switch (ref.kind) {
    case 'Role': {
      const role = data.getRole(bindingNamespace, ref.name);
      return role === undefined ? { error: `role.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` } : { rules: role.rules };
    }
    case 'ClusterRole': {
      const role = data.getClusterRole(ref.name);
      return role === undefined ? { error: `clusterrole.rbac.authorization.k8s.io ${JSON.stringify(ref.name)} not found` } : { rules: role.rules };
    }
    default:
      return { error: `unsupported role reference kind: ${JSON.stringify(ref.kind)}` };
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

function describe(b: RoleBinding, subject: Subject, namespaced: boolean): string {
  const ref = `${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)}`;
  if (!namespaced) return `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ${ref} to ${describeSubject(subject, '')}`;
  const ns = b.metadata.namespace ?? '';
  return `RoleBinding ${JSON.stringify(`${b.metadata.name}/${ns}`)} of ${ref} to ${describeSubject(subject, ns)}`;
}

/** Where a rule comes from; put into words only when asked (most visits just test the rule). */
export interface RuleSource {
  readonly binding: RoleBinding;
  readonly subject: Subject;
  readonly namespaced: boolean;
}

/** Called per rule, or per resolution error; return false to stop. */
export interface RuleVisitor {
  rule(rule: PolicyRule, source: RuleSource): boolean;
  error(message: string): boolean;
}

/** VisitRulesFor: ClusterRoleBindings, then (for a namespaced request) that namespace's RoleBindings. */
export function visitRulesFor(user: UserInfo, namespace: string, data: RbacData, visitor: RuleVisitor): void {
  if (!visitScope(user, data.listClusterRoleBindings(), '', false, data, visitor)) return;
  if (namespace !== '') visitScope(user, data.listRoleBindings(namespace), namespace, true, data, visitor);
}

/** One scope's bindings; false once the visitor asked to stop. */
function visitScope(user: UserInfo, bindings: readonly RoleBinding[], ns: string, namespaced: boolean, data: RbacData, visitor: RuleVisitor): boolean {
  for (const binding of bindings) {
    const index = appliesTo(user, binding.subjects, ns);
    if (index < 0) continue;
    const resolved = roleRefRules(binding.roleRef, ns, data);
    if ('error' in resolved) {
      if (!visitor.error(resolved.error)) return false;
      continue;
    }
    const source: RuleSource = { binding, subject: binding.subjects![index]!, namespaced };
    for (const rule of resolved.rules) if (!visitor.rule(rule, source)) return false;
  }
  return true;
}

/** utilerrors.NewAggregate's text: one message bare, several deduplicated in brackets. */
export function aggregateErrors(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

export interface AuthorizeOptions {
  /**
   * Groups allowed everything before RBAC is consulted (kube-apiserver's privileged-group
   * authorizer, `system:masters`). Pass [] for pure RBAC.
   */
  readonly privilegedGroups?: readonly string[];
}

/**
 * The decision for one request. Denials are "no opinion" upstream, so SubjectAccessReview's
 * `denied` stays false; `reason` lists resolution errors, if any.
 */
export function authorize(attrs: RequestAttributes, data: RbacData, options: AuthorizeOptions = {}): Decision {
  const privileged = options.privilegedGroups ?? [SYSTEM_MASTERS];
  if (attrs.user.groups.some((g) => privileged.includes(g))) return { allowed: true, reason: '' };
  let allowedBy: RuleSource | undefined;
  const errors: string[] = [];
  visitRulesFor(attrs.user, attrs.namespace, data, {
    rule(rule, source) {
      if (!ruleAllows(rule, attrs)) return true;
      allowedBy = source;
      return false;
    },
    error(message) {
      errors.push(message);
      return true;
    },
  });
  if (allowedBy !== undefined) {
    const by = allowedBy;
    // Put into words only if read (SubjectAccessReview does; admitting a request does not).
    return {
      allowed: true,
      get reason() {
        return `RBAC: allowed by ${describe(by.binding, by.subject, by.namespaced)}`;
      },
    };
  }
  return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
}

/** Every rule the user holds in `namespace` ('' = cluster-wide only), and the resolution errors. */
export function collectRules(user: UserInfo, namespace: string, data: RbacData): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(user, namespace, data, {
    rule(rule) {
      rules.push(rule);
      return true;
    },
    error(message) {
      errors.push(message);
      return true;
    },
  });
  return { rules, errors };
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** SubjectRulesReviewStatus. */
export interface RulesReviewStatus {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * SelfSubjectRulesReview's status: rules with resources become resourceRules, rules with
 * nonResourceURLs nonResourceRules (a rule with neither appears in neither).
 */
export function rulesFor(user: UserInfo, namespace: string, data: RbacData): RulesReviewStatus {
  const { rules, errors } = collectRules(user, namespace, data);
  const status: RulesReviewStatus = { resourceRules: [], nonResourceRules: [], incomplete: false };
  for (const r of rules) {
    if ((r.resources ?? []).length > 0) {
      const rr: ResourceRule = { verbs: [...r.verbs] };
      if ((r.apiGroups ?? []).length > 0) rr.apiGroups = [...r.apiGroups!];
      rr.resources = [...r.resources!];
      if ((r.resourceNames ?? []).length > 0) rr.resourceNames = [...r.resourceNames!];
      status.resourceRules.push(rr);
    }
    if ((r.nonResourceURLs ?? []).length > 0) status.nonResourceRules.push({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs!] });
  }
  if (errors.length > 0) status.evaluationError = aggregateErrors(errors);
  return status;
}
