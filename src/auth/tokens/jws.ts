/**
 * Compact JWS (RFC 7515) with node:crypto, just what service account tokens need: RS256 by
 * default (ES256/384/512 for EC keys), and verification of the algorithms kube accepts (RS*, PS*,
 * ES*). `none` and HMAC are never accepted: a token is only as good as the space's key pair.
 */
import { constants, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** A PEM string (public or private; verification derives the public half) or a KeyObject. */
export type KeyInput = string | KeyObject;

interface AlgSpec {
  readonly hash: string;
  readonly kind: 'rsa' | 'rsa-pss' | 'ec';
  readonly curve?: string;
}

const ALGORITHMS: Readonly<Record<string, AlgSpec>> = {
  RS256: { hash: 'sha256', kind: 'rsa' },
  RS384: { hash: 'sha384', kind: 'rsa' },
  RS512: { hash: 'sha512', kind: 'rsa' },
  PS256: { hash: 'sha256', kind: 'rsa-pss' },
  PS384: { hash: 'sha384', kind: 'rsa-pss' },
  PS512: { hash: 'sha512', kind: 'rsa-pss' },
  ES256: { hash: 'sha256', kind: 'ec', curve: 'prime256v1' },
  ES384: { hash: 'sha384', kind: 'ec', curve: 'secp384r1' },
  ES512: { hash: 'sha512', kind: 'ec', curve: 'secp521r1' },
};

const EC_ALG: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export const privateKeyOf = (key: KeyInput): KeyObject => (typeof key === 'string' ? createPrivateKey(key) : key);

export function publicKeyOf(key: KeyInput): KeyObject {
  if (typeof key !== 'string') return key.type === 'private' ? createPublicKey(key) : key;
  return createPublicKey(key);
}

/** kube's key id: unpadded base64url of SHA-256 over the PKIX (SPKI DER) public key. */
export function keyId(key: KeyInput): string {
  return b64url(createHash('sha256').update(publicKeyOf(key).export({ type: 'spki', format: 'der' })).digest());
}

/** RS256 for RSA keys, ES256/384/512 by curve for EC keys. */
export function algorithmFor(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve !== undefined && EC_ALG[curve] !== undefined) return EC_ALG[curve];
  throw new Error(`unsupported service account signing key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** JSON with object keys sorted at every level, as go-jose emits merged claims. */
export function sortedJSON(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function signJws(payload: Record<string, unknown>, privateKey: KeyInput): string {
  const key = privateKeyOf(privateKey);
  const alg = algorithmFor(key);
  const header = { alg, kid: keyId(key) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(sortedJSON(payload))}`;
  const spec = ALGORITHMS[alg]!;
  const signature = sign(spec.hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(signature)}`;
}

export interface ParsedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJSONObject(part: string): Record<string, unknown> | undefined {
  if (!BASE64URL.test(part)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The three parts, or undefined for anything that is not a compact JWS with JSON header and payload. */
export function parseJws(token: string): ParsedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  const header = decodeJSONObject(h);
  const payload = decodeJSONObject(p);
  if (header === undefined || payload === undefined || !BASE64URL.test(s) || s === '') return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

/** Whether `alg` is one we verify at all (never `none`, never HMAC). */
export const isSupportedAlgorithm = (alg: unknown): alg is string => typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg);

/** Signature check with one public key; a key of the wrong type or curve simply fails. */
export function verifyJwsSignature(jws: ParsedJws, key: KeyObject): boolean {
  const alg = jws.header['alg'];
  if (!isSupportedAlgorithm(alg)) return false;
  const spec = ALGORITHMS[alg]!;
  if (spec.kind === 'ec' ? key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== spec.curve : key.asymmetricKeyType !== 'rsa') {
    return false;
  }
  try {
    const input = Buffer.from(jws.signingInput);
    if (spec.kind === 'rsa-pss') {
      return verify(spec.hash, input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jws.signature);
    }
    return verify(spec.hash, input, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  } catch {
    return false;
  }
}
