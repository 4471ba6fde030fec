/**
 * get and list. A plain JSON read in the version objects are stored in is served from the stored
 * bytes (no parse, no re-serialization), and a plain list is streamed page by page; other
 * versions, selectors, Tables and metadata-only renderings go through decoded objects.
 */
import { badRequest } from '../../api/errors.js';
import { encodeContinue, planList } from '../../api/resource-version.js';
import { servesStoredBytes } from '../../registry/conversion.js';
import type { JsonPage } from '../../registry/store.js';
import { negotiateRendering, type Rendering } from '../negotiate.js';
import { parseIncludeObject, renderList, renderObject } from '../render.js';
import { drained, sendJson, writeBody, type ResourceContext } from './context.js';
import { predicateOf, readQueryOf } from './list-options.js';

const COMMA = Buffer.from(',');

/** Stored bytes can be sent as they are only when nothing about them changes in rendering. */
function sendsStoredBytes(ctx: ResourceContext, rendering: Rendering): boolean {
  return rendering.as === 'object' && servesStoredBytes(ctx.def, ctx.info.version);
}

export async function handleGet(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  if (sendsStoredBytes(ctx, rendering)) {
    const bytes = await ctx.store.getJson(ctx.info.namespace, ctx.info.name);
    writeBody(ctx.res, 200, bytes);
    return;
  }
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
  const options = {
    read: plan.read,
    ...(readQuery.limit && { limit: readQuery.limit }),
    ...(plan.continueKey !== undefined && { continueKey: plan.continueKey }),
  };
  if (predicate === undefined && sendsStoredBytes(ctx, rendering)) {
    await streamList(ctx, ctx.store.scanJson(ctx.info.namespace, options));
    return;
  }
  const { list, next } = await ctx.store.list(ctx.info.namespace, { ...options, ...(predicate && { predicate }) });
  if (next) list.metadata.continue = encodeContinue(next);
  sendJson(ctx.res, 200, renderList(ctx.def, list, rendering, include, ctx.apiVersion));
}

/** Writes `{"apiVersion","kind","metadata","items":[...]}` as the pages arrive, honouring backpressure. */
async function streamList(ctx: ResourceContext, pages: AsyncGenerator<JsonPage>): Promise<void> {
  const res = ctx.res;
  let first = true;
  let items = 0;
  // The next page is read from storage while this one is being written: a large LIST then waits
  // on the slower of the two, not on both in turn. Each page goes out as one write.
  let next = pages.next();
  next.catch(() => undefined);
  try {
    for (;;) {
      const step = await next;
      if (step.done === true) break;
      const page = step.value;
      next = pages.next();
      next.catch(() => undefined);
      const parts: Buffer[] = [];
      if (first) {
        first = false;
        const meta: Record<string, string> = { resourceVersion: String(page.revision) };
        if (page.next) meta['continue'] = encodeContinue(page.next);
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        parts.push(Buffer.from(`{"apiVersion":${JSON.stringify(ctx.apiVersion)},"kind":${JSON.stringify(ctx.def.listKind)},"metadata":${JSON.stringify(meta)},"items":[`));
      }
      for (const item of page.items) {
        if (items++ > 0) parts.push(COMMA);
        parts.push(item);
      }
      if (parts.length > 0 && !res.write(Buffer.concat(parts))) await drained(res);
      if (res.destroyed) return;
    }
  } finally {
    // Stop reading once the answer is over (a client gone away included); a page already being
    // read is let finish first, as an async generator does.
    await pages.return(undefined).catch(() => undefined);
  }
  res.end(']}');
}
