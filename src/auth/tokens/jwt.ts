/**
 * Service account tokens as kube issues them: signed JWTs (RS256 with the space's RSA key).
 * - Bound tokens (TokenRequest): iss, sub `system:serviceaccount:<ns>:<name>`, aud[], exp, iat,
 *   nbf, jti, and the private claim `kubernetes.io: {namespace, serviceaccount{name,uid},
 *   secret|pod|node{name,uid}}` (a pod's token also names its node).
 * - Legacy Secret tokens: iss `kubernetes/serviceaccount`, no exp/aud, claims
 *   `kubernetes.io/serviceaccount/{namespace,secret.name,service-account.name,service-account.uid}`.
 * Each space signs with its own key pair and verifies only with its own public key(s), so a
 * token minted in one space fails the signature check in any other. Verification is
 * cryptographic and claim-level only: the caller still checks that the service account (uid),
 * bound Secret/Pod (uid) or legacy Secret (`data.token` equal to the token) exist.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  EXTRA_CREDENTIAL_ID,
  EXTRA_NODE_NAME,
  EXTRA_NODE_UID,
  EXTRA_POD_NAME,
  EXTRA_POD_UID,
  parseServiceAccountUsername,
  serviceAccountUser,
  serviceAccountUsername,
  type UserInfo,
} from '../user.js';
import { isSupportedAlgorithm, parseJws, publicKeyOf, signJws, verifyJwsSignature, type KeyInput } from './jws.js';

export { keyId, type KeyInput } from './jws.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
export const DEFAULT_EXPIRATION_SECONDS = 3600;
/** go-jose's DefaultLeeway, which kube's claim validation uses. */
export const DEFAULT_LEEWAY_SECONDS = 60;

const LEGACY = {
  namespace: 'kubernetes.io/serviceaccount/namespace',
  secretName: 'kubernetes.io/serviceaccount/secret.name',
  saName: 'kubernetes.io/serviceaccount/service-account.name',
  saUid: 'kubernetes.io/serviceaccount/service-account.uid',
} as const;

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface BoundObjectRef {
  readonly kind: 'Secret' | 'Pod' | 'Node';
  readonly name: string;
  readonly uid: string;
  /** For a Pod: the node it runs on, as the token names it (no uid when the Node was not found). */
  readonly node?: { readonly name: string; readonly uid?: string };
}

export interface SignOptions {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly subject: ServiceAccountRef;
  /** Default 3600 (TokenRequest's default). */
  readonly expirationSeconds?: number;
  readonly boundObject?: BoundObjectRef;
  readonly now: Date;
  /** Default: a random UUID. */
  readonly jti?: string;
}

/** A fresh RSA-2048 key pair for a space (PEM, PKCS#8 private and SPKI public). */
export function generateServiceAccountKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** A bound token (TokenRequest). */
export function signServiceAccountToken(opts: SignOptions, privateKey: KeyInput): string {
  const iat = seconds(opts.now);
  const { namespace, name, uid } = opts.subject;
  const k8s: Record<string, unknown> = { namespace, serviceaccount: { name, uid } };
  const bound = opts.boundObject;
  if (bound !== undefined) {
    k8s[bound.kind.toLowerCase()] = { name: bound.name, uid: bound.uid };
    if (bound.kind === 'Pod' && bound.node !== undefined) k8s['node'] = { name: bound.node.name, ...(bound.node.uid !== undefined && { uid: bound.node.uid }) };
  }
  return signJws(
    {
      iss: opts.issuer,
      sub: serviceAccountUsername(namespace, name),
      aud: [...opts.audiences],
      exp: iat + (opts.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS),
      iat,
      nbf: iat,
      jti: opts.jti ?? randomUUID(),
      'kubernetes.io': k8s,
    },
    privateKey,
  );
}

/** A legacy token, as the token controller puts into a `kubernetes.io/service-account-token` Secret. */
export function signLegacyServiceAccountToken(opts: { subject: ServiceAccountRef; secretName: string }, privateKey: KeyInput): string {
  const { namespace, name, uid } = opts.subject;
  return signJws(
    {
      iss: LEGACY_ISSUER,
      sub: serviceAccountUsername(namespace, name),
      [LEGACY.namespace]: namespace,
      [LEGACY.secretName]: opts.secretName,
      [LEGACY.saName]: name,
      [LEGACY.saUid]: uid,
    },
    privateKey,
  );
}

export interface VerifyOptions {
  /** The space's issuer(s). LEGACY_ISSUER is accepted too unless `allowLegacy` is false. */
  readonly issuers: string | readonly string[];
  /** The API server's audiences (its implicit audiences); empty accepts any audience. */
  readonly audiences: readonly string[];
  /** TokenReview `spec.audiences`; default the API server's audiences. */
  readonly requestedAudiences?: readonly string[];
  readonly now: Date;
  readonly leewaySeconds?: number;
  readonly allowLegacy?: boolean;
}

export type VerifyFailure =
  | 'malformed' // not a JWT at all
  | 'issuer' // not ours: another authenticator may know it
  | 'algorithm' // alg none, HMAC, or unknown
  | 'signature' // no key of this space signed it
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'issued-in-future'
  | 'claims'; // kube claims missing or inconsistent

export interface VerifiedToken {
  readonly ok: true;
  readonly user: UserInfo;
  readonly claims: Readonly<Record<string, unknown>>;
  readonly serviceAccount: ServiceAccountRef;
  readonly boundObject?: BoundObjectRef;
  /** Set for legacy Secret tokens: the Secret whose `data.token` must equal the token. */
  readonly legacySecretName?: string;
  /** The audiences the token is valid for here (TokenReview `status.audiences`). */
  readonly audiences: readonly string[];
  readonly expiresAt?: Date;
}

export type VerifyResult = VerifiedToken | { readonly ok: false; readonly code: VerifyFailure; readonly reason: string };

const fail = (code: VerifyFailure, reason: string): VerifyResult => ({ ok: false, code, reason });
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
const asRecord = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const goList = (l: readonly string[]): string => `[${l.map((s) => JSON.stringify(s)).join(' ')}]`;

/** Checks a bearer token against one space's public key(s). */
export function verifyServiceAccountToken(token: string, publicKeys: KeyInput | readonly KeyInput[], opts: VerifyOptions): VerifyResult {
  const jws = parseJws(token);
  if (jws === undefined) return fail('malformed', 'token is not a JWT');
  const claims = jws.payload;
  const issuers = typeof opts.issuers === 'string' ? [opts.issuers] : [...opts.issuers];
  if (opts.allowLegacy !== false) issuers.push(LEGACY_ISSUER);
  const iss = asString(claims['iss']);
  if (!issuers.includes(iss)) return fail('issuer', `token issuer ${JSON.stringify(iss)} is invalid`);
  if (!isSupportedAlgorithm(jws.header['alg'])) return fail('algorithm', `unsupported signing algorithm ${JSON.stringify(jws.header['alg'] ?? '')}`);
  if (jws.header['crit'] !== undefined) return fail('algorithm', 'unsupported critical header');
  const keys = (Array.isArray(publicKeys) ? publicKeys : [publicKeys]) as readonly KeyInput[];
  if (!keys.some((k) => verifyJwsSignature(jws, publicKeyOf(k)))) return fail('signature', 'token signature is invalid');

  const aud = audienceClaim(claims['aud']);
  if (aud === undefined) return fail('claims', 'aud claim is malformed');
  const tokenAuds = aud.length === 0 ? opts.audiences : aud; // legacy tokens: the server's own audiences
  const requested = opts.requestedAudiences ?? opts.audiences;
  const audiences = tokenAuds.filter((a) => requested.includes(a));
  if (audiences.length === 0 && opts.audiences.length > 0) {
    return fail('audience', `token audiences ${goList(tokenAuds)} is invalid for the target audiences ${goList(requested)}`);
  }

  if (iss === LEGACY_ISSUER) return legacyResult(claims, audiences);
  const timeFailure = checkTimes(claims, opts.now, opts.leewaySeconds ?? DEFAULT_LEEWAY_SECONDS);
  if (timeFailure !== undefined) return timeFailure;
  return boundResult(claims, audiences);
}

/** `aud` may be one string or a list (RFC 7519); undefined when neither. */
function audienceClaim(v: unknown): string[] | undefined {
  if (v === undefined) return [];
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (Array.isArray(v) && v.every((a) => typeof a === 'string')) return v as string[];
  return undefined;
}

/** go-jose's ValidateWithLeeway on nbf, exp and iat, with kube's messages. */
function checkTimes(claims: Record<string, unknown>, now: Date, leeway: number): VerifyResult | undefined {
  const t = now.getTime() / 1000;
  for (const k of ['exp', 'nbf', 'iat']) {
    if (claims[k] !== undefined && typeof claims[k] !== 'number') return fail('claims', `${k} claim is malformed`);
  }
  const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number };
  if (nbf !== undefined && t + leeway < nbf) return fail('not-yet-valid', 'service account token is not valid yet');
  if (exp !== undefined && t - leeway > exp) return fail('expired', 'service account token has expired');
  if (iat !== undefined && t + leeway < iat) return fail('issued-in-future', 'service account token is issued in the future');
  return undefined;
}

function boundResult(claims: Record<string, unknown>, audiences: readonly string[]): VerifyResult {
  const k8s = asRecord(claims['kubernetes.io']);
  const namespace = asString(k8s['namespace']);
  const sa = asRecord(k8s['serviceaccount']);
  const serviceAccount = { namespace, name: asString(sa['name']), uid: asString(sa['uid']) };
  if (namespace === '' || serviceAccount.name === '' || serviceAccount.uid === '') return fail('claims', 'kubernetes.io claim is missing or incomplete');
  if (asString(claims['sub']) !== serviceAccountUsername(namespace, serviceAccount.name)) return fail('claims', 'sub claim is invalid');
  const pod = k8s['pod'] === undefined ? undefined : asRecord(k8s['pod']);
  const secret = k8s['secret'] === undefined ? undefined : asRecord(k8s['secret']);
  const node = k8s['node'] === undefined ? undefined : asRecord(k8s['node']);
  // A pod-bound token also names the pod's node; otherwise one object at most.
  if ((pod !== undefined && secret !== undefined) || (secret !== undefined && node !== undefined)) return fail('claims', 'token can only be bound to one object type');
  const bound = pod ?? secret ?? node;
  const kind: BoundObjectRef['kind'] = pod !== undefined ? 'Pod' : secret !== undefined ? 'Secret' : 'Node';
  const boundObject: BoundObjectRef | undefined =
    bound === undefined
      ? undefined
      : {
          kind,
          name: asString(bound['name']),
          uid: asString(bound['uid']),
          ...(kind === 'Pod' && node !== undefined && { node: { name: asString(node['name']), ...(asString(node['uid']) !== '' && { uid: asString(node['uid']) }) } }),
        };
  if (boundObject !== undefined && (boundObject.name === '' || boundObject.uid === '')) return fail('claims', 'bound object reference is incomplete');

  const extra: Record<string, string[]> = {};
  if (boundObject?.kind === 'Pod') {
    extra[EXTRA_POD_NAME] = [boundObject.name];
    extra[EXTRA_POD_UID] = [boundObject.uid];
  }
  const nodeRef = boundObject?.kind === 'Node' ? boundObject : boundObject?.node;
  if (nodeRef !== undefined && nodeRef.name !== '') {
    extra[EXTRA_NODE_NAME] = [nodeRef.name];
    if (nodeRef.uid !== undefined && nodeRef.uid !== '') extra[EXTRA_NODE_UID] = [nodeRef.uid];
  }
  const jti = asString(claims['jti']);
  if (jti !== '') extra[EXTRA_CREDENTIAL_ID] = [`JTI=${jti}`];
  const exp = claims['exp'];
  return {
    ok: true,
    user: serviceAccountUser(namespace, serviceAccount.name, serviceAccount.uid, extra),
    claims,
    serviceAccount,
    ...(boundObject !== undefined && { boundObject }),
    audiences,
    ...(typeof exp === 'number' && { expiresAt: new Date(exp * 1000) }),
  };
}

function legacyResult(claims: Record<string, unknown>, audiences: readonly string[]): VerifyResult {
  const namespace = asString(claims[LEGACY.namespace]);
  const secretName = asString(claims[LEGACY.secretName]);
  const name = asString(claims[LEGACY.saName]);
  const uid = asString(claims[LEGACY.saUid]);
  const sub = asString(claims['sub']);
  if (sub === '') return fail('claims', 'sub claim is missing');
  if (namespace === '') return fail('claims', 'namespace claim is missing');
  if (secretName === '') return fail('claims', 'secretName claim is missing');
  if (name === '') return fail('claims', 'serviceAccountName claim is missing');
  if (uid === '') return fail('claims', 'serviceAccountUID claim is missing');
  const parsed = parseServiceAccountUsername(sub);
  if (parsed === undefined || parsed.namespace !== namespace || parsed.name !== name) return fail('claims', 'sub claim is invalid');
  return {
    ok: true,
    user: serviceAccountUser(namespace, name, uid),
    claims,
    serviceAccount: { namespace, name, uid },
    legacySecretName: secretName,
    audiences,
  };
}

