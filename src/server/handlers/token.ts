/**
 * POST .../serviceaccounts/<name>/token (TokenRequest): a signed token for the account, for the
 * audiences asked (default the space's own), bound to a Secret or Pod if asked, expiring as asked
 * (10 minutes at least, 1 hour by default, as kube-apiserver).
 */
import { badRequest, conflict, fieldErrors, invalid, isStatusError, notFound } from '../../api/errors.js';
import { isPlainObject, rfc3339, type KubeObject } from '../../api/object.js';
import type { BoundObjectRef } from '../../auth/tokens/jwt.js';
import { decodeStructured, mediaTypeOf, readBody } from '../body.js';
import { sendJson, type ResourceContext } from './context.js';

const MIN_EXPIRATION = 600;
const MAX_EXPIRATION = 2 ** 32;
const TOKEN_REQUEST = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
const DEFAULT_EXPIRATION = 3600;

/** What a token is bound to, checked as kube's TokenREST does: it must exist (and have the uid given). */
async function boundObject(ctx: ResourceContext, ref: NonNullable<TokenRequestSpec['boundObjectRef']>): Promise<BoundObjectRef> {
  const apiVersion = ref.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = ref.kind ?? '';
  const get = (resource: string, namespace: string, name: string): Promise<KubeObject> => {
    const def = ctx.space.catalog.byResource('', resource);
    if (def === undefined) throw notFound({ group: '', resource }, name);
    return ctx.space.store(def).get(namespace, name);
  };
  let target: KubeObject;
  let node: BoundObjectRef['node'];
  if (group === '' && kind === 'Pod') {
    target = await get('pods', ctx.info.namespace, ref.name ?? '');
    const spec = (target['spec'] ?? {}) as { serviceAccountName?: string; nodeName?: string };
    if (spec.serviceAccountName !== ctx.info.name) {
      throw badRequest(`cannot bind token for serviceaccount "${ctx.info.name}" to pod running with different serviceaccount name.`);
    }
    // The pod's node goes into the token too, by name alone when the Node is not there.
    if (spec.nodeName !== undefined && spec.nodeName !== '') {
      const found = await get('nodes', '', spec.nodeName).catch((err: unknown) => {
        if (isStatusError(err, 'NotFound')) return undefined;
        throw err;
      });
      node = { name: spec.nodeName, ...(found !== undefined && { uid: found.metadata.uid! }) };
    }
  } else if (group === '' && kind === 'Node') {
    target = await get('nodes', '', ref.name ?? '');
  } else if (group === '' && kind === 'Secret') {
    target = await get('secrets', ctx.info.namespace, ref.name ?? '');
  } else {
    throw badRequest(`cannot bind token to object of type ${group}/${slash < 0 ? apiVersion : apiVersion.slice(slash + 1)}, Kind=${kind}`);
  }
  if (ref.uid !== undefined && ref.uid !== '' && ref.uid !== target.metadata.uid) {
    throw conflict(
      { group, resource: kind },
      ref.name ?? '',
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return { kind, name: target.metadata.name!, uid: target.metadata.uid!, ...(node !== undefined && { node }) };
}

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
  if (ref !== undefined) bound = await boundObject(ctx, ref);
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
