/**
 * Front-proxy authentication (apiserver's requestheader authenticator): a proxy that proved
 * itself with a client certificate (signed by the requestheader CA, CN in allowed names; the
 * caller checks that) names the user in headers:
 *   X-Remote-User: first non-empty value of the first configured header that has one;
 *   X-Remote-Uid: likewise, when configured (newer kube publishes requestheader-uid-headers);
 *   X-Remote-Group: every non-empty value of every group header, one group per value;
 *   X-Remote-Extra-<key>: key = percent-decoded, lower-cased rest of the name; each value kept.
 * The aggregator (kube-aggregator) authenticates this way when it proxies to us.
 */
import { isPlainObject } from '../api/object.js';
import { normalizeHeaders, pathUnescape, type HeaderBag } from './headers.js';
import { makeUser, type UserInfo } from './user.js';

export type { HeaderBag } from './headers.js';

export interface RequestHeaderConfig {
  readonly usernameHeaders: readonly string[];
  readonly uidHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeaderPrefixes: readonly string[];
  /** CNs the proxy's client certificate may have; empty means any CN signed by the CA. */
  readonly allowedNames: readonly string[];
}

export const DEFAULT_REQUEST_HEADER_CONFIG: RequestHeaderConfig = {
  usernameHeaders: ['X-Remote-User'],
  // Trusted only when the host publishes requestheader-uid-headers: older aggregators do not
  // strip a client-sent X-Remote-Uid.
  uidHeaders: [],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
  allowedNames: [],
};

/** The user the headers name, or undefined when no username header is set (not a proxied request). */
export function authenticateRequestHeaders(headers: HeaderBag, config: RequestHeaderConfig = DEFAULT_REQUEST_HEADER_CONFIG): UserInfo | undefined {
  const h = normalizeHeaders(headers);
  const first = (names: readonly string[]): string => {
    for (const n of names) {
      const v = h.get(n.toLowerCase())?.[0];
      if (v !== undefined && v !== '') return v;
    }
    return '';
  };
  const name = first(config.usernameHeaders);
  if (name === '') return undefined;
  const groups = config.groupHeaders.flatMap((n) => (h.get(n.toLowerCase()) ?? []).filter((v) => v !== ''));
  const extra: Record<string, string[]> = {};
  for (const prefix of config.extraHeaderPrefixes) {
    const p = prefix.toLowerCase();
    for (const [header, values] of h) {
      if (!header.startsWith(p)) continue;
      const key = pathUnescape(header.slice(p.length));
      extra[key] = [...(extra[key] ?? []), ...values];
    }
  }
  return makeUser(name, groups, extra, first(config.uidHeaders));
}

/** Every header the config consumes, present in `headers` (lower-case): strip them before proxying on. */
export function requestHeaderNames(headers: HeaderBag, config: RequestHeaderConfig = DEFAULT_REQUEST_HEADER_CONFIG): string[] {
  const exact = new Set([...config.usernameHeaders, ...config.uidHeaders, ...config.groupHeaders].map((n) => n.toLowerCase()));
  const prefixes = config.extraHeaderPrefixes.map((p) => p.toLowerCase());
  return [...normalizeHeaders(headers).keys()].filter((n) => exact.has(n) || prefixes.some((p) => n.startsWith(p)));
}

/** Whether a verified proxy certificate's CN may assert identities. */
export const isAllowedProxyName = (commonName: string, config: RequestHeaderConfig): boolean =>
  config.allowedNames.length === 0 || config.allowedNames.includes(commonName);

export interface ExtensionApiserverAuthentication {
  /** PEM of the CA for ordinary client certificates (`client-ca-file`), if published. */
  readonly clientCA?: string;
  /** PEM of the CA for the front proxy (`requestheader-client-ca-file`); absent: no front proxy. */
  readonly requestHeaderClientCA?: string;
  readonly requestHeader: RequestHeaderConfig;
}

function jsonList(v: string | undefined, fallback: readonly string[]): readonly string[] {
  if (v === undefined || v === '') return fallback;
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Reads `kube-system/extension-apiserver-authentication`'s data (list values are JSON arrays in
 * strings). Missing user/group/extra lists take the kube defaults; missing uid headers and
 * allowed names stay empty.
 */
export function parseExtensionApiserverAuthentication(data: unknown): ExtensionApiserverAuthentication {
  const d = (isPlainObject(data) ? data : {}) as Record<string, string | undefined>;
  const str = (k: string): string | undefined => (typeof d[k] === 'string' && d[k] !== '' ? d[k] : undefined);
  const def = DEFAULT_REQUEST_HEADER_CONFIG;
  const clientCA = str('client-ca-file');
  const requestHeaderClientCA = str('requestheader-client-ca-file');
  return {
    ...(clientCA !== undefined && { clientCA }),
    ...(requestHeaderClientCA !== undefined && { requestHeaderClientCA }),
    requestHeader: {
      usernameHeaders: jsonList(str('requestheader-username-headers'), def.usernameHeaders),
      uidHeaders: jsonList(str('requestheader-uid-headers'), def.uidHeaders),
      groupHeaders: jsonList(str('requestheader-group-headers'), def.groupHeaders),
      extraHeaderPrefixes: jsonList(str('requestheader-extra-headers-prefix'), def.extraHeaderPrefixes),
      allowedNames: jsonList(str('requestheader-allowed-names'), []),
    },
  };
}
