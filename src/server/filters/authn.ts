/**
 * Who is asking. Standalone, that is a client certificate signed by the server's CA (the user is
 * its CN, the groups its O entries, as kube-apiserver reads them); a request without one gets 401
 * Unauthorized, except the public endpoints kube serves to anyone (health and version).
 * Bearer tokens are ServiceAccount tokens of the space the request goes to.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { authenticateRequestHeaders, DEFAULT_REQUEST_HEADER_CONFIG, isAllowedProxyName, type RequestHeaderConfig } from '../../auth/request-header.js';
import { makeUser, withAuthenticatedGroup, type UserInfo } from '../../auth/user.js';
import type { Request } from '../http.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { ObjectLookup, ServiceAccountTokens } from '../../auth/tokens/service-account-tokens.js';
import type { VerifiedToken } from '../../auth/tokens/jwt.js';

/** The space is where the request goes (undefined: the root API); tokens are valid in one space only. */
export type Authenticator = (req: Request, space: ServedSpace | undefined) => Promise<UserInfo | undefined> | UserInfo | undefined;

const PUBLIC = /^\/(?:healthz|livez|readyz)(?:\/.*)?$|^\/version\/?$/;

/** Paths (inside a space, or at the root) that kube-apiserver answers without credentials. */
export function isPublicPath(path: string): boolean {
  return PUBLIC.test(path);
}

/**
 * Client certificates signed by the server's own CA (not the front proxy's: that one only vouches for headers).
 * A connection's client certificate is fixed by its handshake, so it is verified once per
 * connection, not on every request a keep-alive connection carries.
 */
export function clientCertificateAuthenticator(caPem: string): Authenticator {
  const ca = new X509Certificate(caPem);
  const perConnection = new WeakMap<object, UserInfo | null>();
  const verify = (socket: Partial<TLSSocket>): UserInfo | null => {
    if (socket.authorized !== true || typeof socket.getPeerX509Certificate !== 'function') return null;
    const peer = socket.getPeerX509Certificate();
    if (peer === undefined || !peer.checkIssued(ca) || !peer.verify(ca.publicKey)) return null;
    const subject = socket.getPeerCertificate?.().subject as Record<string, string | string[] | undefined> | undefined;
    const cn = subject?.['CN'];
    const name = Array.isArray(cn) ? cn[0] : cn;
    if (name === undefined || name === '') return null;
    const o = subject?.['O'];
    const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
    return withAuthenticatedGroup(makeUser(name, groups));
  };
  return (req) => {
    const socket = req.socket as Partial<TLSSocket>;
    let user = perConnection.get(socket);
    if (user === undefined) perConnection.set(socket, (user = verify(socket)));
    // UserInfo is read-only: every request on the connection can share it.
    return user ?? undefined;
  };
}

/**
 * `Authorization: Bearer <token>`, checked as a ServiceAccount token of the target space. A
 * keep-alive client sends the same header on every request: the connection remembers its last
 * header's verification (for as long as the verified-token cache would), so the next request
 * skips parsing and hashing it; the objects the token names are still looked up every time.
 */
export function serviceAccountTokenAuthenticator(tokens: ServiceAccountTokens): Authenticator {
  const lastOnConnection = new WeakMap<object, { header: string; space: string; token: string; verified: VerifiedToken; until: number }>();
  return async (req, space) => {
    const header = req.headers.authorization;
    if (header === undefined || space?.name === undefined) return undefined;
    const now = new Date();
    const last = lastOnConnection.get(req.socket);
    let token: string;
    let verified: VerifiedToken;
    if (last !== undefined && last.header === header && last.space === space.name && now.getTime() < last.until) {
      ({ token, verified } = last);
    } else {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (m === null) return undefined;
      token = m[1]!;
      const v = tokens.verify(space.name, token, now);
      if (v === undefined) return undefined;
      verified = v.token;
      lastOnConnection.set(req.socket, { header, space: space.name, token, verified, until: v.until });
    }
    const user = await tokens.userOf(token, verified, spaceObjectLookup(space));
    return user === undefined ? undefined : withAuthenticatedGroup(user);
  };
}

/**
 * The objects a token names, in the space it is used in: ServiceAccounts from the space's
 * in-memory copy (read on every request), Secrets and Pods (legacy and bound tokens) from storage.
 */
export function spaceObjectLookup(space: ServedSpace): ObjectLookup {
  return (resource, namespace, name) => {
    if (resource === 'serviceaccounts') return space.serviceAccount(namespace, name);
    const def = space.catalog.byResource('', resource);
    return def === undefined ? Promise.resolve(undefined) : space.store(def).get(namespace, name);
  };
}

/** The first authenticator that knows the request wins, as kube's union authenticator. */
export function unionAuthenticator(...all: Authenticator[]): Authenticator {
  return async (req, space) => {
    for (const a of all) {
      const user = await a(req, space);
      if (user !== undefined) return user;
    }
    return undefined;
  };
}

/**
 * Aggregated mode: behind a hosting kube-apiserver, the user is in the front-proxy headers
 * (`X-Remote-User`, `X-Remote-Group`, `X-Remote-Extra-*`), trusted only on a connection whose
 * client certificate the request-header CA signed (and, if names are configured, with one of
 * them as CN). The same headers on any other connection are ignored.
 */
export function requestHeaderAuthenticator(clientCaPem: string, config: RequestHeaderConfig = DEFAULT_REQUEST_HEADER_CONFIG): Authenticator {
  const ca = new X509Certificate(clientCaPem);
  // Whether the connection is the front proxy's: fixed by its handshake, checked once per connection.
  const proxyConnection = new WeakMap<object, boolean>();
  const isProxy = (socket: Partial<TLSSocket>): boolean => {
    if (socket.authorized !== true || typeof socket.getPeerX509Certificate !== 'function') return false;
    const peer = socket.getPeerX509Certificate();
    if (peer === undefined || !peer.checkIssued(ca) || !peer.verify(ca.publicKey)) return false;
    const cn = /(?:^|\n)CN=([^\n]*)/.exec(peer.subject)?.[1] ?? '';
    return isAllowedProxyName(cn, config);
  };
  return (req) => {
    const socket = req.socket as Partial<TLSSocket>;
    let proxy = proxyConnection.get(socket);
    if (proxy === undefined) proxyConnection.set(socket, (proxy = isProxy(socket)));
    if (!proxy) return undefined;
    const user = authenticateRequestHeaders(req.headersDistinct, config);
    return user === undefined ? undefined : withAuthenticatedGroup(user);
  };
}
