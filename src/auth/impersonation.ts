/**
 * Impersonation (apiserver's WithImpersonation filter). `Impersonate-User` (a service account
 * username becomes a serviceaccounts check), each `Impersonate-Group`, each value of each
 * `Impersonate-Extra-<key>` and `Impersonate-Uid` is one `impersonate` check the requestor must
 * pass; then the request runs as the impersonated user. Groups, extras or uid without a user is
 * a 500, as upstream answers.
 */
import { internalError } from '../api/errors.js';
import { resourceAttributes, type RequestAttributes, type ResourceAttributesInput } from './attributes.js';
import { forbiddenError } from './forbidden.js';
import { normalizeHeaders, pathUnescape, type HeaderBag } from './headers.js';
import {
  ALL_AUTHENTICATED,
  ALL_UNAUTHENTICATED,
  ANONYMOUS_USER,
  parseServiceAccountUsername,
  serviceAccountGroups,
  serviceAccountUsername,
  makeUser,
  type UserInfo,
} from './user.js';

/** What every impersonation header name starts with. */
const IMPERSONATE_PREFIX = 'impersonate-';
export const IMPERSONATE_USER = 'impersonate-user';
export const IMPERSONATE_GROUP = 'impersonate-group';
export const IMPERSONATE_UID = 'impersonate-uid';
export const IMPERSONATE_EXTRA_PREFIX = 'impersonate-extra-';
const AUTHN_GROUP = 'authentication.k8s.io';

export interface ImpersonationPlan {
  /** The authorization checks, in upstream's order; the requestor is each one's user. */
  readonly checks: readonly RequestAttributes[];
  /** Who the request runs as once every check passed. */
  readonly user: UserInfo;
}

/** Go's `%v` of the ObjectReferences, for the 500 message. */
const describeRef = (kind: string, ns: string, name: string, apiVersion: string, fieldPath: string): string =>
  `{${[kind, ns, name, '', apiVersion, '', fieldPath].join(' ')}}`;

/**
 * The checks and resulting user, or undefined when the request impersonates nobody. Throws a
 * 500 StatusError for groups/extra/uid without Impersonate-User.
 */
export function impersonationPlan(headers: HeaderBag, requestor: UserInfo): ImpersonationPlan | undefined {
  const h = normalizeHeaders(headers);
  const checks: RequestAttributes[] = [];
  const refs: string[] = [];
  const check = (a: Omit<ResourceAttributesInput, 'verb'>): void => void checks.push(resourceAttributes(requestor, { ...a, verb: 'impersonate' }));

  const requested = h.get(IMPERSONATE_USER)?.[0] ?? '';
  const groupValues = h.get(IMPERSONATE_GROUP) ?? [];
  let username = '';
  let groups: string[] = [];
  const extra: Record<string, string[]> = {};
  let uid = '';

  if (requested !== '') {
    const sa = parseServiceAccountUsername(requested);
    if (sa !== undefined) {
      check({ version: 'v1', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name });
      refs.push(describeRef('ServiceAccount', sa.namespace, sa.name, '', ''));
      username = serviceAccountUsername(sa.namespace, sa.name);
      // A service account's groups are fixed, unless the caller names groups itself.
      if (groupValues.length === 0) groups = serviceAccountGroups(sa.namespace);
    } else {
      check({ version: 'v1', resource: 'users', name: requested });
      refs.push(describeRef('User', '', requested, '', ''));
      username = requested;
    }
  }
  for (const group of groupValues) {
    check({ version: 'v1', resource: 'groups', name: group });
    refs.push(describeRef('Group', '', group, '', ''));
    groups.push(group);
  }
  let hasExtra = false;
  for (const [header, values] of h) {
    if (!header.startsWith(IMPERSONATE_EXTRA_PREFIX)) continue;
    hasExtra = true;
    const key = pathUnescape(header.slice(IMPERSONATE_EXTRA_PREFIX.length));
    for (const value of values) {
      check({ group: AUTHN_GROUP, version: 'v1', resource: 'userextras', subresource: key, name: value });
      refs.push(describeRef('UserExtra', '', value, `${AUTHN_GROUP}/v1`, key));
      extra[key] = [...(extra[key] ?? []), value];
    }
  }
  const requestedUid = h.get(IMPERSONATE_UID)?.[0] ?? '';
  if (requestedUid !== '') {
    check({ group: AUTHN_GROUP, version: 'v1', resource: 'uids', name: requestedUid });
    refs.push(describeRef('UID', '', requestedUid, `${AUTHN_GROUP}/v1`, ''));
    uid = requestedUid;
  }

  if (checks.length === 0) return undefined;
  if (requested === '') throw internalError(new Error(`requested [${refs.join(' ')}] without impersonating a user`));
  return { checks, user: makeUser(username, withImplicitGroup(username, groups), extra, uid) };
}

/**
 * system:authenticated is added unless system:authenticated or system:unauthenticated was
 * named; impersonating system:anonymous adds system:unauthenticated instead.
 */
function withImplicitGroup(username: string, groups: string[]): string[] {
  if (username === ANONYMOUS_USER) return groups.includes(ALL_UNAUTHENTICATED) ? groups : [...groups, ALL_UNAUTHENTICATED];
  return groups.includes(ALL_AUTHENTICATED) || groups.includes(ALL_UNAUTHENTICATED) ? groups : [...groups, ALL_AUTHENTICATED];
}

/**
 * Runs the plan against an authorizer: the impersonated user, the requestor itself when there is
 * nothing to impersonate, or a thrown StatusError (403 on the first denied check, worded from
 * that check: `users "jane" is forbidden: User "bob" cannot impersonate resource "users" ...`).
 */
export function impersonate(
  headers: HeaderBag,
  requestor: UserInfo,
  authorize: (attrs: RequestAttributes) => { allowed: boolean; reason: string },
): UserInfo {
  const plan = impersonationPlan(headers, requestor);
  if (plan === undefined) return requestor;
  for (const attrs of plan.checks) {
    const decision = authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }
  return plan.user;
}

/**
 * Whether any header name starts with `impersonate-` (case-insensitive), read off Node's
 * `rawHeaders` (name, value, name, value, ...). Almost no request impersonates, and building the
 * distinct-header record to find out costs more than the rest of authorization.
 */
export function mayImpersonate(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length > IMPERSONATE_PREFIX.length && name.slice(0, IMPERSONATE_PREFIX.length).toLowerCase() === IMPERSONATE_PREFIX) return true;
  }
  return false;
}

/** The impersonation headers present (lower-case), to drop once the user is switched. */
export const impersonationHeaderNames = (headers: HeaderBag): string[] =>
  [...normalizeHeaders(headers).keys()].filter(
    (n) => n === IMPERSONATE_USER || n === IMPERSONATE_GROUP || n === IMPERSONATE_UID || n.startsWith(IMPERSONATE_EXTRA_PREFIX),
  );
