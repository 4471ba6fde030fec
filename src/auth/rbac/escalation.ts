/**
 * RBAC's privilege-escalation prevention (kube's validation.Covers, ConfirmNoEscalation and the
 * policy-based Role/ClusterRole/binding storage): a user may write a role only with rules it
 * already holds, or with the `escalate` verb on it; and may bind a role only if it holds the
 * role's rules, or has the `bind` verb on it. system:masters skips both checks.
 */
import { isDeepStrictEqual } from 'node:util';
import { forbidden, notFound, type StatusError } from '../../api/errors.js';
import { isPlainObject } from '../../api/object.js';
import { resourceAttributes } from '../attributes.js';
import { isPrivileged, type UserInfo } from '../user.js';
import { aggregateErrors, authorize, collectRules, roleRefRules, type RbacData } from './authorizer.js';
import { toBinding, toClusterRole, RBAC_GROUP, type PolicyRule } from './types.js';

/** BreakdownRule: one rule per (group, resource, verb[, name]) and per (URL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = rule.resourceNames ?? [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

const hasAll = (set: readonly string[], wanted: readonly string[]): boolean => wanted.every((w) => set.includes(w));

/** `*` or exact names cover; `resource/sub` is also covered by `*\/sub`. */
function resourcesCover(owner: readonly string[], wanted: readonly string[]): boolean {
  if (owner.includes('*') || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

const urlCovers = (owner: string, path: string): boolean =>
  owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));

/**
 * ruleCovers for an atomic sub-rule. A `*` in the requested rule is literal here: only an owner
 * `*` covers it, never a list of every verb or resource (upstream's behaviour).
 */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const verbs = owner.verbs.includes('*') || hasAll(owner.verbs, sub.verbs);
  const groups = (owner.apiGroups ?? []).includes('*') || hasAll(owner.apiGroups ?? [], sub.apiGroups ?? []);
  const resources = resourcesCover(owner.resources ?? [], sub.resources ?? []);
  const urls = (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, p)));
  const ownerNames = owner.resourceNames ?? [];
  const subNames = sub.resourceNames ?? [];
  const names = ownerNames.length === 0 || (subNames.length > 0 && hasAll(ownerNames, subNames));
  return verbs && groups && resources && urls && names;
}

/** Covers: whether `owner` grants everything in `requested`, and the atomic rules it does not. */
export function covers(owner: readonly PolicyRule[], requested: readonly PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = requested.flatMap(breakdownRule).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
  return { covered: missing.length === 0, missing };
}

/** CompactRules: atomic rules on the same group/resource(/name) merged into one, verbs appended. */
export function compactRules(rules: readonly PolicyRule[]): PolicyRule[] {
  const simple = new Map<string, PolicyRule>();
  const out: PolicyRule[] = [];
  for (const r of rules) {
    const isSimple =
      (r.apiGroups ?? []).length === 1 && (r.resources ?? []).length === 1 && (r.resourceNames ?? []).length <= 1 && (r.nonResourceURLs ?? []).length === 0;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? null]);
    const prev = simple.get(key);
    simple.set(key, prev === undefined ? r : { ...prev, verbs: [...prev.verbs, ...r.verbs] });
  }
  return [...out, ...simple.values()];
}

/** Go's %q of a []string: `["a" "b"]`. */
const goQuoteList = (list: readonly string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

/** CompactString, as escalation messages print a rule: `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  const add = (label: string, list: readonly string[] | undefined): void => {
    if (list !== undefined && list.length > 0) parts.push(`${label}:${goQuoteList(list)}`);
  };
  add('APIGroups', r.apiGroups);
  add('Resources', r.resources);
  add('NonResourceURLs', r.nonResourceURLs);
  add('ResourceNames', r.resourceNames);
  add('Verbs', r.verbs);
  return `{${parts.join(', ')}}`;
}

/**
 * ConfirmNoEscalation: undefined when the user's rules in `namespace` cover `rules`, otherwise
 * upstream's message naming the missing permissions (sorted, one per line).
 */
export function escalationMessage(user: UserInfo, namespace: string, rules: readonly PolicyRule[], data: RbacData): string | undefined {
  const owned = collectRules(user, namespace, data);
  const { covered, missing } = covers(owned.rules, rules);
  if (covered) return undefined;
  const lines = [...new Set(compactRules(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goQuoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owned.errors.length > 0) msg += `; resolution errors: [${aggregateErrors(owned.errors)}]`;
  return msg;
}

/** IsOnlyMutatingGCFields: the update changes nothing but ownerReferences, finalizers, managedFields. */
export function isOnlyMutatingGCFields(obj: unknown, old: unknown): boolean {
  if (!isPlainObject(obj) || !isPlainObject(old)) return false;
  const strip = (o: Record<string, unknown>): Record<string, unknown> => {
    const meta = isPlainObject(o['metadata']) ? { ...o['metadata'] } : {};
    for (const k of ['ownerReferences', 'finalizers', 'managedFields', 'selfLink']) delete meta[k];
    return { ...o, metadata: meta };
  };
  return isDeepStrictEqual(strip(obj), strip(old));
}

const FULL_AUTHORITY: readonly PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export interface RbacWrite {
  readonly user: UserInfo;
  /** `create`, `update` or `patch` (a patch is an update to the storage); others never escalate. */
  readonly verb: string;
  /** The request's namespace ('' for cluster-scoped kinds). */
  readonly namespace: string;
  /** The object as it will be stored, and for updates the stored one. */
  readonly obj: unknown;
  readonly oldObj?: unknown;
}

const isWrite = (verb: string): boolean => verb === 'create' || verb === 'update' || verb === 'patch';
const onlyGCFields = (w: RbacWrite): boolean => w.verb !== 'create' && w.oldObj !== undefined && isOnlyMutatingGCFields(w.obj, w.oldObj);

const nameOf = (o: unknown): string => {
  const meta = isPlainObject(o) && isPlainObject(o['metadata']) ? o['metadata'] : {};
  return typeof meta['name'] === 'string' ? meta['name'] : '';
};

/**
 * The check for writing a Role (`resource: 'roles'`) or ClusterRole: a 403 to throw, or
 * undefined. Setting or changing an aggregationRule needs full authority (`*` on everything).
 */
export function roleEscalationError(resource: 'roles' | 'clusterroles', w: RbacWrite, data: RbacData): StatusError | undefined {
  if (!isWrite(w.verb) || isPrivileged(w.user)) return undefined;
  const name = nameOf(w.obj);
  // The request's name: none on a create (POST to the collection), as upstream's RequestInfo.
  const escalate = resourceAttributes(w.user, { verb: 'escalate', group: RBAC_GROUP, resource, namespace: w.namespace, name: w.verb === 'create' ? '' : name });
  if (authorize(escalate, data, { privilegedGroups: [] }).allowed || onlyGCFields(w)) return undefined;
  const gr = { group: RBAC_GROUP, resource };
  const role = toClusterRole(w.obj);
  const msg = escalationMessage(w.user, w.namespace, role.rules, data);
  if (msg !== undefined) return forbidden(gr, name, msg);
  const aggregating = role.aggregationRule !== undefined || (w.oldObj !== undefined && toClusterRole(w.oldObj).aggregationRule !== undefined);
  if (resource === 'clusterroles' && aggregating && escalationMessage(w.user, w.namespace, FULL_AUTHORITY, data) !== undefined) {
    return forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
  }
  return undefined;
}

/**
 * The check for writing a RoleBinding or ClusterRoleBinding: allowed with `bind` on the
 * referenced role (by name, in the binding's namespace), or when the user holds all its rules.
 * A missing role is a 404, as upstream answers.
 */
export function bindingEscalationError(resource: 'rolebindings' | 'clusterrolebindings', w: RbacWrite, data: RbacData): StatusError | undefined {
  if (!isWrite(w.verb) || isPrivileged(w.user) || onlyGCFields(w)) return undefined;
  const binding = toBinding(w.obj);
  const ref = binding.roleRef;
  const gr = { group: RBAC_GROUP, resource };
  const roleResource = ref.kind === 'Role' ? 'roles' : ref.kind === 'ClusterRole' ? 'clusterroles' : undefined;
  if (roleResource === undefined) return forbidden(gr, binding.metadata.name, `unsupported role reference kind: ${JSON.stringify(ref.kind)}`);
  const group = ref.apiGroup || RBAC_GROUP;
  const bind = resourceAttributes(w.user, { verb: 'bind', group, resource: roleResource, namespace: w.namespace, name: ref.name });
  if (authorize(bind, data, { privilegedGroups: [] }).allowed) return undefined;
  const resolved = roleRefRules(ref, w.namespace, data);
  if ('error' in resolved) return notFound({ group: RBAC_GROUP, resource: roleResource }, ref.name);
  const msg = escalationMessage(w.user, w.namespace, resolved.rules, data);
  return msg === undefined ? undefined : forbidden(gr, binding.metadata.name, msg);
}
