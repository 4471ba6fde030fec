/**
 * get and list.
 */
import { badRequest } from '../../api/errors.js';
import { encodeContinue, planList } from '../../api/resource-version.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, renderList, renderObject } from '../render.js';
import { sendJson, type ResourceContext } from './context.js';
import { predicateOf, readQueryOf } from './list-options.js';

export async function handleGet(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  const obj = await ctx.store.get(ctx.info.namespace, ctx.info.name);
  sendJson(ctx.res, 200, renderObject(ctx.def, obj, rendering, include, ctx.apiVersion));
}

export async function handleList(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, true);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  if (!ctx.def.namespaced && ctx.info.namespace !== '') throw badRequest('cluster-scoped resources have no namespace');
  const readQuery = readQueryOf(ctx.query);
  const plan = planList(readQuery);
  const predicate = predicateOf(ctx.def, ctx.query);
  const { list, next } = await ctx.store.list(ctx.info.namespace, {
    read: plan.read,
    ...(readQuery.limit && { limit: readQuery.limit }),
    ...(plan.continueKey !== undefined && { continueKey: plan.continueKey }),
    ...(predicate && { predicate }),
  });
  if (next) list.metadata.continue = encodeContinue(next);
  sendJson(ctx.res, 200, renderList(ctx.def, list, rendering, include, ctx.apiVersion));
}
