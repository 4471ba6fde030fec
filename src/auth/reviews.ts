/**
 * The access and identity reviews of authorization.k8s.io and authentication.k8s.io, as pure
 * functions of the asking user and the space's RBAC: what `kubectl auth can-i` (and Argo CD, and
 * the kube-aggregator's delegated authorization) ask, and what `kubectl auth whoami` shows.
 */
import { nonResourceAttributes, resourceAttributes, type RequestAttributes } from './attributes.js';
import { authorize, rulesFor, type RbacData, type RulesReviewStatus } from './rbac/authorizer.js';
import { isPrivileged, makeUser, userInfoStatus, type UserInfo } from './user.js';

interface ReviewSpec {
  resourceAttributes?: { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string };
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
  uid?: string;
  namespace?: string;
}

export interface AccessReviewStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

function attributesOf(user: UserInfo, spec: ReviewSpec): RequestAttributes {
  const r = spec.resourceAttributes;
  if (r !== undefined) {
    return resourceAttributes(user, {
      verb: r.verb ?? '',
      resource: r.resource ?? '',
      ...(r.group !== undefined && { group: r.group }),
      ...(r.version !== undefined && { version: r.version }),
      ...(r.subresource !== undefined && { subresource: r.subresource }),
      ...(r.namespace !== undefined && { namespace: r.namespace }),
      ...(r.name !== undefined && { name: r.name }),
    });
  }
  const n = spec.nonResourceAttributes ?? {};
  return nonResourceAttributes(user, n.verb ?? '', n.path ?? '');
}

/** A space without RBAC (an ITS, the root) admits system:masters only. */
function decide(attrs: RequestAttributes, rbac: RbacData | undefined): AccessReviewStatus {
  const d = rbac === undefined ? { allowed: isPrivileged(attrs.user), reason: '' } : authorize(attrs, rbac);
  return { allowed: d.allowed, ...(d.reason !== '' && { reason: d.reason }) };
}

export function selfSubjectAccessReview(user: UserInfo, spec: ReviewSpec, rbac: RbacData | undefined): AccessReviewStatus {
  return decide(attributesOf(user, spec), rbac);
}

/** About another user, named in the spec (LocalSubjectAccessReview fixes the namespace). */
export function subjectAccessReview(spec: ReviewSpec, rbac: RbacData | undefined, namespace?: string): AccessReviewStatus {
  const subject = makeUser(spec.user ?? '', spec.groups ?? [], spec.extra ?? {}, spec.uid);
  const fixed: ReviewSpec =
    namespace === undefined || spec.resourceAttributes === undefined ? spec : { ...spec, resourceAttributes: { ...spec.resourceAttributes, namespace } };
  return decide(attributesOf(subject, fixed), rbac);
}

const ALL_RESOURCES = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
const ALL_URLS = { verbs: ['*'], nonResourceURLs: ['*'] };
const isAll = (r: { verbs: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; resourceNames?: string[] }): boolean =>
  r.verbs.includes('*') && (r.resourceNames ?? []).length === 0 && ((r.apiGroups?.includes('*') && r.resources?.includes('*')) || r.nonResourceURLs?.includes('*')) === true;

/**
 * The rules RBAC grants the user, as kube's rule resolver lists them. A system:masters user
 * reaches the wildcard rules through the cluster-admin binding and, like everyone
 * authenticated, the basic-user, discovery and public-info-viewer rules; the wildcard rows are
 * listed even if that binding was removed (the group is allowed everything regardless). A space
 * without RBAC (an ITS, the root) answers with the wildcard rows alone.
 */
export function selfSubjectRulesReview(user: UserInfo, namespace: string, rbac: RbacData | undefined): RulesReviewStatus {
  if (rbac === undefined) return { resourceRules: [{ ...ALL_RESOURCES }], nonResourceRules: [{ ...ALL_URLS }], incomplete: false };
  const status = rulesFor(user, namespace, rbac);
  if (isPrivileged(user)) {
    if (!status.resourceRules.some(isAll)) status.resourceRules.unshift({ ...ALL_RESOURCES });
    if (!status.nonResourceRules.some(isAll)) status.nonResourceRules.unshift({ ...ALL_URLS });
  }
  return status;
}

export function selfSubjectReview(user: UserInfo): { userInfo: ReturnType<typeof userInfoStatus> } {
  return { userInfo: userInfoStatus(user) };
}
