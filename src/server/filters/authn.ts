/**
 * Who is asking. Standalone, that is a client certificate signed by the server's CA (the user is
 * its CN, the groups its O entries, as kube-apiserver reads them); a request without one gets 401
 * Unauthorized, except the public endpoints kube serves to anyone (health and version).
 * Bearer tokens and the aggregated mode's request headers come with RBAC.
 */
import type { TLSSocket } from 'node:tls';
import { makeUser, withAuthenticatedGroup, type UserInfo } from '../../auth/user.js';
import type { Request } from '../http.js';

export type Authenticator = (req: Request) => UserInfo | undefined;

const PUBLIC = /^\/(?:healthz|livez|readyz)(?:\/.*)?$|^\/version\/?$/;

/** Paths (inside a space, or at the root) that kube-apiserver answers without credentials. */
export function isPublicPath(path: string): boolean {
  return PUBLIC.test(path);
}

export const clientCertificateAuthenticator: Authenticator = (req) => {
  const socket = req.socket as Partial<TLSSocket>;
  if (socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[] | undefined> | undefined;
  const cn = subject?.['CN'];
  const name = Array.isArray(cn) ? cn[0] : cn;
  if (name === undefined || name === '') return undefined;
  const o = subject?.['O'];
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return withAuthenticatedGroup(makeUser(name, groups));
};
