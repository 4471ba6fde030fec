/**
 * POST .../serviceaccounts/<name>/token (TokenRequest): a signed token for the account, for the
 * audiences asked (default the space's own), bound to a Secret or Pod if asked, expiring as asked
 * (10 minutes at least, 1 hour by default, as kube-apiserver).
 */
import { badRequest, conflict, fieldErrors, invalid, notFound } from '../../api/errors.js';
import { isPlainObject, rfc3339, type KubeObject } from '../../api/object.js';
import type { BoundObjectRef } from '../../auth/tokens/jwt.js';
import { decodeStructured, mediaTypeOf, readBody } from '../body.js';
import { sendJson, type ResourceContext } from './context.js';

const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;
const TOKEN_REQUEST = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
const DEFAULT_EXPIRATION = 3600;

interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

export async function handleTokenRequest(ctx: ResourceContext): Promise<void> {
  const tokens = ctx.options.tokens;
  if (tokens === undefined) throw notFound({ group: '', resource: 'serviceaccounts/token' }, ctx.info.name);
  const body = decodeStructured(await readBody(ctx.req), mediaTypeOf(ctx.req), { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest' });
  if (!isPlainObject(body)) throw badRequest('the request body must be a TokenRequest');
  const request = body as KubeObject;
  const spec = (request['spec'] ?? {}) as TokenRequestSpec;
  // Protobuf bodies carry explicit nulls for what is not set.
  const requested = spec.audiences ?? [];
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION;
  // ValidateTokenRequest: a 422 on the TokenRequest kind, with no name.
  if (!Number.isInteger(expirationSeconds) || expirationSeconds < MIN_EXPIRATION) {
    throw invalid(TOKEN_REQUEST, '', [fieldErrors.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
  }
  if (expirationSeconds > MAX_EXPIRATION) {
    throw invalid(TOKEN_REQUEST, '', [fieldErrors.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
  }
  const sa = await ctx.store.get(ctx.info.namespace, ctx.info.name);
  let bound: BoundObjectRef | undefined;
  const ref = spec.boundObjectRef ?? undefined; // protobuf bodies carry an explicit null
  if (ref !== undefined) {
    const kind = ref.kind;
    if (kind !== 'Secret' && kind !== 'Pod') throw badRequest(`cannot bind token to object of type ${String(kind)}`);
    const def = ctx.space.catalog.byResource('', kind === 'Pod' ? 'pods' : 'secrets')!;
    const target = await ctx.space.store(def).get(ctx.info.namespace, ref.name ?? '');
    if (ref.uid !== undefined && ref.uid !== '' && ref.uid !== target.metadata.uid) {
      throw conflict(
        { group: 'authentication.k8s.io', resource: 'TokenRequest' },
        ref.name ?? '',
        `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
      );
    }
    bound = { kind, name: target.metadata.name!, uid: target.metadata.uid! };
  }
  const now = new Date();
  const token = tokens.sign(ctx.space.name!, { namespace: ctx.info.namespace, name: ctx.info.name, uid: sa.metadata.uid! }, {
    audiences: requested,
    expirationSeconds,
    ...(bound !== undefined && { bound }),
    now,
  });
  const audiences = requested.length > 0 ? requested : [tokens.issuer(ctx.space.name!)];
  sendJson(ctx.res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    // Never stored: upstream answers with the request, name and namespace filled in, no creation time.
    metadata: { name: ctx.info.name, namespace: ctx.info.namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + expirationSeconds * 1000)) },
  });
}
