/**
 * ServiceAccount tokens of the spaces: signed with the server's key, each space its own issuer
 * and audience, and accepted only after the objects they name are found in that space with the
 * same uids (the ServiceAccount; the Secret of a legacy token, holding exactly that token; the
 * bound object). So a token of one space is worthless in another, and deleting the account or
 * its Secret revokes it.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { writeFileAtomic } from '../../pki/atomic-write.js';
import type { UserInfo } from '../user.js';
import { algorithmFor, keyId } from './jws.js';
import { generateServiceAccountKeyPair, signLegacyServiceAccountToken, signServiceAccountToken, verifyServiceAccountToken, type BoundObjectRef, type VerifiedToken } from './jwt.js';
import { VerifiedTokenCache } from './verified-cache.js';

/** Reads what the lookups need from a space: objects by resource, namespace and name. */
export type ObjectLookup = (resource: 'serviceaccounts' | 'secrets' | 'pods' | 'nodes', namespace: string, name: string) => Promise<KubeObject | undefined>;

export interface ServiceAccountRefWithUid {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export class ServiceAccountTokens {
  readonly #private: KeyObject;
  readonly #public: KeyObject;
  readonly #verified = new VerifiedTokenCache();

  constructor(privateKeyPem: string, publicKeyPem: string) {
    this.#private = createPrivateKey(privateKeyPem);
    this.#public = createPublicKey(publicKeyPem);
  }

  /** The key pair in `<dir>/sa.key` and `<dir>/sa.pub`, made at first start. */
  static async ensure(dir: string): Promise<ServiceAccountTokens> {
    const keyPath = join(dir, 'sa.key');
    const pubPath = join(dir, 'sa.pub');
    try {
      return new ServiceAccountTokens(await readFile(keyPath, 'utf8'), await readFile(pubPath, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const pair = generateServiceAccountKeyPair();
    await writeFileAtomic(pubPath, pair.publicKeyPem, 0o644);
    await writeFileAtomic(keyPath, pair.privateKeyPem, 0o600);
    return new ServiceAccountTokens(pair.privateKeyPem, pair.publicKeyPem);
  }

  /**
   * The public signing key as a JSON Web Key Set (the `/openid/v1/jwks` document kube serves for
   * service account issuer discovery), with kube's key id.
   */
  jwks(): { keys: Record<string, unknown>[] } {
    const jwk = this.#public.export({ format: 'jwk' }) as Record<string, unknown>;
    return { keys: [{ use: 'sig', kty: jwk['kty'], kid: keyId(this.#public), alg: algorithmFor(this.#public), n: jwk['n'], e: jwk['e'] }] };
  }

  /** Stable across restarts and ports: tokens outlive both. */
  issuer(space: string): string {
    return `https://kubernetes.default.svc.cluster.local/clusters/${space}`;
  }

  sign(space: string, sa: ServiceAccountRefWithUid, opts: { audiences?: readonly string[]; expirationSeconds?: number; bound?: BoundObjectRef; now: Date }): string {
    return signServiceAccountToken(
      {
        issuer: this.issuer(space),
        audiences: opts.audiences !== undefined && opts.audiences.length > 0 ? opts.audiences : [this.issuer(space)],
        subject: sa,
        ...(opts.expirationSeconds !== undefined && { expirationSeconds: opts.expirationSeconds }),
        ...(opts.bound !== undefined && { boundObject: opts.bound }),
        now: opts.now,
      },
      this.#private,
    );
  }

  signLegacy(sa: ServiceAccountRefWithUid, secretName: string): string {
    return signLegacyServiceAccountToken({ subject: sa, secretName }, this.#private);
  }

  /** The user a bearer token stands for in `space`, or undefined if it is not valid there. */
  async authenticate(space: string, token: string, lookup: ObjectLookup, now = new Date()): Promise<UserInfo | undefined> {
    const v = this.verify(space, token, now);
    return v === undefined ? undefined : this.userOf(token, v.token, lookup);
  }

  /**
   * Signature and claims of `token` as a token of `space`, and until when (ms) that verification
   * may be reused; remembered for a few seconds per space and token (see VerifiedTokenCache).
   */
  verify(space: string, token: string, now: Date): { readonly token: VerifiedToken; readonly until: number } | undefined {
    const key = VerifiedTokenCache.key(space, token);
    const cached = this.#verified.entry(key, now.getTime());
    if (cached !== undefined) return cached;
    const v = verifyServiceAccountToken(token, this.#public, { issuers: this.issuer(space), audiences: [this.issuer(space)], now });
    if (!v.ok) return undefined;
    return this.#verified.set(key, v, now.getTime()) ?? { token: v, until: now.getTime() };
  }

  /**
   * The user of a verified token, once the objects it names are found in the space with the uids
   * it holds: checked on every request, so deleting them revokes the token at once.
   */
  async userOf(token: string, v: VerifiedToken, lookup: ObjectLookup): Promise<UserInfo | undefined> {
    const sa = await lookupIfExists(lookup, 'serviceaccounts', v.serviceAccount.namespace, v.serviceAccount.name);
    if (sa === undefined || (v.serviceAccount.uid !== '' && sa.metadata.uid !== v.serviceAccount.uid) || sa.metadata.deletionTimestamp !== undefined) return undefined;
    if (v.legacySecretName !== undefined) {
      const secret = await lookupIfExists(lookup, 'secrets', v.serviceAccount.namespace, v.legacySecretName);
      const stored = (secret?.['data'] as Record<string, string> | undefined)?.['token'];
      if (stored === undefined || Buffer.from(stored, 'base64').toString('utf8') !== token) return undefined;
    }
    if (v.boundObject !== undefined) {
      const { kind } = v.boundObject;
      const resource = kind === 'Pod' ? 'pods' : kind === 'Node' ? 'nodes' : 'secrets';
      const bound = await lookupIfExists(lookup, resource, kind === 'Node' ? '' : v.serviceAccount.namespace, v.boundObject.name);
      if (bound === undefined || bound.metadata.uid !== v.boundObject.uid) return undefined;
    }
    return v.user;
  }
}

/** The object, or undefined when it does not exist. */
async function lookupIfExists(lookup: ObjectLookup, resource: Parameters<ObjectLookup>[0], namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await lookup(resource, namespace, name);
  } catch (err) {
    if (isStatusError(err, 'NotFound')) return undefined;
    throw err;
  }
}
