/**
 * get and list.
 */
import { badRequest } from '../../api/errors.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, renderList, renderObject } from '../render.js';
import { sendJson, type ResourceContext } from './context.js';
import { listOptionsOf, toContinueToken } from './list-options.js';

export async function handleGet(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  const obj = await ctx.store.get(ctx.info.namespace, ctx.info.name);
  sendJson(ctx.res, 200, renderObject(ctx.def, obj, rendering, include));
}

export async function handleList(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, true);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  if (!ctx.def.namespaced && ctx.info.namespace !== '') throw badRequest('cluster-scoped resources have no namespace');
  const options = listOptionsOf(ctx.def, ctx.query);
  const { list, next } = await ctx.store.list(ctx.info.namespace, options);
  if (next) list.metadata.continue = toContinueToken(next);
  sendJson(ctx.res, 200, renderList(ctx.def, list, rendering, include));
}
