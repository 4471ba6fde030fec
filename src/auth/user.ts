/**
 * Who a request runs as (apiserver's user.Info) and the well-known names kube gives users and
 * groups. Service account identities are plain strings `system:serviceaccount:<ns>:<name>`, so
 * RBAC and impersonation recognise them by parsing, as upstream's serviceaccount package does.
 */
import { isDNS1123Label, isDNS1123Subdomain } from '../api/names.js';

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export const SYSTEM_MASTERS = 'system:masters';
export const ALL_AUTHENTICATED = 'system:authenticated';
export const ALL_UNAUTHENTICATED = 'system:unauthenticated';
export const ANONYMOUS_USER = 'system:anonymous';
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';
export const ALL_SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
export const SERVICE_ACCOUNT_GROUP_PREFIX = 'system:serviceaccounts:';

/** `user.Info.Extra` keys set for service account tokens. */
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';

export function makeUser(name: string, groups: readonly string[] = [], extra: UserInfo['extra'] = {}, uid?: string): UserInfo {
  return uid === undefined || uid === '' ? { name, groups, extra } : { name, uid, groups, extra };
}

/** What kube answers for a request with no credentials (when anonymous auth is on). */
export const anonymousUser = (): UserInfo => makeUser(ANONYMOUS_USER, [ALL_UNAUTHENTICATED]);

export const serviceAccountUsername = (namespace: string, name: string): string =>
  `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;

export const serviceAccountGroups = (namespace: string): string[] => [
  ALL_SERVICE_ACCOUNTS_GROUP,
  `${SERVICE_ACCOUNT_GROUP_PREFIX}${namespace}`,
];

/** The identity a service account token authenticates as (extra: pod binding, credential id). */
export function serviceAccountUser(namespace: string, name: string, uid?: string, extra: UserInfo['extra'] = {}): UserInfo {
  return makeUser(serviceAccountUsername(namespace, name), serviceAccountGroups(namespace), extra, uid);
}

/**
 * SplitUsername: `{namespace, name}` only for a well-formed SA username (namespace a DNS label,
 * name a DNS subdomain, exactly one separator); anything else is an ordinary user name.
 */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts as [string, string];
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(name).length > 0) return undefined;
  return { namespace, name };
}

/** MatchesUsername: exact comparison, without the validation parseServiceAccountUsername does. */
export const matchesServiceAccount = (namespace: string, name: string, username: string): boolean =>
  username === serviceAccountUsername(namespace, name);

/**
 * The authenticated form of each user seen, for as long as the user lives: a token's user is
 * shared by every request that presents it (service-account-tokens.ts remembers verified tokens),
 * and a keep-alive client sends thousands. UserInfo is read-only, so the result can be shared too.
 */
const withGroup = new WeakMap<UserInfo, UserInfo>();

/**
 * AuthenticatedGroupAdder: every authenticated user (not anonymous) is in system:authenticated,
 * unless an authenticator already put it in system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  if (user.name === ANONYMOUS_USER) return user;
  if (user.groups.includes(ALL_AUTHENTICATED) || user.groups.includes(ALL_UNAUTHENTICATED)) return user;
  let authenticated = withGroup.get(user);
  if (authenticated === undefined) withGroup.set(user, (authenticated = { ...user, groups: [...user.groups, ALL_AUTHENTICATED] }));
  return authenticated;
}

export const isPrivileged = (user: UserInfo): boolean => user.groups.includes(SYSTEM_MASTERS);

/** The `userInfo` of a SelfSubjectReview / TokenReview status (empty fields omitted, as kube's omitempty). */
export function userInfoStatus(user: UserInfo): { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } {
  const out: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } = { username: user.name };
  if (user.uid !== undefined && user.uid !== '') out.uid = user.uid;
  if (user.groups.length > 0) out.groups = [...user.groups];
  const keys = Object.keys(user.extra);
  if (keys.length > 0) out.extra = Object.fromEntries(keys.map((k) => [k, [...(user.extra[k] ?? [])]]));
  return out;
}
