/**
 * POST of a review kind: decode it like any create, answer 201 with the object and its status,
 * computed for the authenticated user against the space's RBAC. Nothing is stored.
 */
import type { KubeObject } from '../../api/object.js';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview, subjectAccessReview } from '../../auth/reviews.js';
import { makeUser, SYSTEM_MASTERS, userInfoStatus, withAuthenticatedGroup, type UserInfo } from '../../auth/user.js';
import { requestUser } from '../filters/request-user.js';
import { spaceObjectLookup } from '../filters/authn.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, renderObject } from '../render.js';
import { sendJson, type ResourceContext } from './context.js';
import { objectBody } from './write.js';

/** Without an authenticator (in-process tests) every request is the administrator's. */
const UNAUTHENTICATED_ADMIN: UserInfo = makeUser('kubestellar-admin', [SYSTEM_MASTERS, 'system:authenticated']);

/** Is this token valid here, and whose is it (what a webhook token authenticator asks)? */
async function tokenReview(ctx: ResourceContext, spec: { token?: string; audiences?: string[] | null }): Promise<unknown> {
  const tokens = ctx.options.tokens;
  const space = ctx.space;
  const user =
    tokens === undefined || space.name === undefined || !spec.token
      ? undefined
      : await tokens.authenticate(space.name, spec.token, spaceObjectLookup(space));
  if (user === undefined) return { authenticated: false, user: {}, error: 'invalid bearer token' };
  const audiences = spec.audiences ?? [];
  return { authenticated: true, user: userInfoStatus(withAuthenticatedGroup(user)), audiences: audiences.length > 0 ? audiences : [tokens!.issuer(space.name!)] };
}

export async function handleReview(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const obj = await objectBody(ctx, 'create');
  const user = requestUser(ctx.req) ?? UNAUTHENTICATED_ADMIN;
  const rbac = ctx.space.rbac?.snapshot();
  const spec = (obj['spec'] ?? {}) as Parameters<typeof subjectAccessReview>[0];
  let status: unknown;
  switch (ctx.def.kind) {
    case 'SelfSubjectAccessReview':
      status = selfSubjectAccessReview(user, spec, rbac);
      break;
    case 'SubjectAccessReview':
      status = subjectAccessReview(spec, rbac);
      break;
    case 'LocalSubjectAccessReview':
      status = subjectAccessReview(spec, rbac, ctx.info.namespace);
      break;
    case 'SelfSubjectRulesReview':
      status = selfSubjectRulesReview(user, spec.namespace ?? '', rbac);
      break;
    case 'SelfSubjectReview':
      status = selfSubjectReview(user);
      break;
    case 'TokenReview':
      status = await tokenReview(ctx, (obj['spec'] ?? {}) as { token?: string; audiences?: string[] | null });
      break;
  }
  const answer: KubeObject = { ...obj, metadata: { ...obj.metadata, creationTimestamp: null as never }, status };
  sendJson(ctx.res, 201, renderObject(ctx.def, answer, rendering, parseIncludeObject(ctx.query.get('includeObject')), ctx.apiVersion));
}
