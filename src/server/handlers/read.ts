/**
 * get and list. A plain JSON read in the version objects are stored in is served from the stored
 * bytes (no parse, no re-serialization), and a plain list is streamed page by page; other
 * versions, selectors, Tables and metadata-only renderings go through decoded objects.
 */
import { badRequest, notFound } from '../../api/errors.js';
import { encodeContinue, parseResourceVersion, planList } from '../../api/resource-version.js';
import { servesStoredBytes } from '../../registry/conversion.js';
import type { JsonPage } from '../../registry/store.js';
import { negotiateRendering, type Rendering } from '../negotiate.js';
import { parseIncludeObject, renderList, renderObject } from '../render.js';
import { sendJson, writeBody, type ResourceContext } from './context.js';
import { predicateFor, readQueryOf, selectorsOf } from './list-options.js';
import { compresses, gzipStream } from '../compression.js';
import { canLend, type LendingResponse } from '../http.js';
import type { Writable } from 'node:stream';

const COMMA = Buffer.from(',');

/** Stored bytes can be sent as they are only when nothing about them changes in rendering. */
function sendsStoredBytes(ctx: ResourceContext, rendering: Rendering): boolean {
  return rendering.as === 'object' && servesStoredBytes(ctx.def, ctx.info.version);
}

export async function handleGet(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(ctx.query.get('includeObject'));
  const computed = ctx.def.computed;
  if (computed !== undefined) {
    const found = computed().find((o) => o.metadata.name === ctx.info.name);
    if (found === undefined) throw notFound({ group: ctx.def.group, resource: ctx.def.plural }, ctx.info.name);
    sendJson(ctx.res, 200, renderObject(ctx.def, found, rendering, include, ctx.apiVersion));
    return;
  }
  // A resourceVersion newer than the store is waited for (3 s, then 504), as the watch cache does.
  const rv = parseResourceVersion(ctx.query.get('resourceVersion') ?? undefined);
  if (rv !== undefined && rv > ctx.store.currentRevision()) await ctx.store.waitForRevision(rv);
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
  // Upstream's order: the query decoded (selectors, then integers), ListOptions rules, field labels.
  const selectors = selectorsOf(ctx.query);
  const readQuery = readQueryOf(ctx.query);
  const plan = planList(readQuery);
  const predicate = predicateFor(ctx.def, selectors);
  const computed = ctx.def.computed;
  if (computed !== undefined) {
    // Computed lists have no revision to resume from, as upstream's: no resourceVersion, no continue.
    const items = computed().filter((o) => predicate === undefined || predicate(o));
    const list = { apiVersion: ctx.apiVersion, kind: ctx.def.listKind, metadata: {}, items };
    sendJson(ctx.res, 200, renderList(ctx.def, list, rendering, include, ctx.apiVersion));
    return;
  }
  const options = {
    read: plan.read,
    ...(readQuery.limit && plan.ignoresLimit !== true && { limit: readQuery.limit }),
    ...(plan.continueKey !== undefined && { continueKey: plan.continueKey }),
  };
  if (predicate === undefined && sendsStoredBytes(ctx, rendering)) {
    await streamList(ctx, ctx.store.scanJson(ctx.info.namespace, options));
    return;
  }
  const { list, next, remaining } = await ctx.store.list(ctx.info.namespace, { ...options, ...(predicate && { predicate }) });
  if (next) list.metadata.continue = encodeContinue(next);
  if (next && remaining !== undefined) list.metadata.remainingItemCount = remaining;
  sendJson(ctx.res, 200, renderList(ctx.def, list, rendering, include, ctx.apiVersion));
}

/** Writes `{"apiVersion","kind","metadata","items":[...]}` as the pages arrive, honouring backpressure. */
async function streamList(ctx: ResourceContext, pages: AsyncGenerator<JsonPage>): Promise<void> {
  const res = ctx.res;
  let first = true;
  let items = 0;
  let out: PageWriter | undefined;
  // The next page is read from storage while this one is being written: a large LIST then waits
  // on the slower of the two, not on both in turn.
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
        const meta: Record<string, string | number> = { resourceVersion: String(page.revision) };
        if (page.next) meta['continue'] = encodeContinue(page.next);
        if (page.remaining !== undefined) meta['remainingItemCount'] = page.remaining;
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json');
        parts.push(Buffer.from(`{"apiVersion":${JSON.stringify(ctx.apiVersion)},"kind":${JSON.stringify(ctx.def.listKind)},"metadata":${JSON.stringify(meta)},"items":[`));
      }
      for (const item of page.items) {
        if (items++ > 0) parts.push(COMMA);
        for (const piece of item) parts.push(piece);
      }
      // Gzipped when the first page alone reaches the threshold (kube decides on its first write).
      out ??= new PageWriter(res, compresses(ctx.req, parts.reduce((n, p) => n + p.length, 0)) ? gzipStream(res) : res);
      if (!(await out.write(parts))) return;
    }
  } finally {
    // Stop reading once the answer is over (a client gone away included); a page already being
    // read is let finish first, as an async generator does.
    await pages.return(undefined).catch(() => undefined);
  }
  if (out === undefined) res.end(']}');
  else out.end(']}');
}

/** Pages smaller than this are copied to the front thread; lending pays off for large ones. */
const LEND_MIN_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Writes pages through two reusable buffers: a page is copied into one while the other is still
 * being written, and a buffer is refilled only once its last write has been flushed. A LIST of
 * any size then allocates a couple of page-sized buffers, not one per page, so its memory stays
 * near the size of two pages instead of growing with garbage awaiting collection.
 */
class PageWriter {
  readonly #res: ResourceContext['res'];
  /** Where the bytes go: the response, or the gzip stream in front of it. */
  readonly #sink: Writable;
  /** The response, when the bytes go straight to it and it can lend buffers to the front thread. */
  readonly #lender: LendingResponse | undefined;
  readonly #buffers: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
  readonly #flushed: Promise<boolean>[] = [Promise.resolve(true), Promise.resolve(true)];
  #turn = 0;

  constructor(res: ResourceContext['res'], sink: Writable) {
    this.#res = res;
    this.#sink = sink;
    this.#lender = sink === res && canLend(res) ? res : undefined;
  }

  end(last: string): void {
    this.#sink.end(last);
  }

  /** Resolves false if the client went away. */
  async write(parts: readonly Buffer[]): Promise<boolean> {
    const turn = this.#turn;
    this.#turn = 1 - turn;
    if (!(await this.#flushed[turn]!) || this.#res.destroyed) return false;
    let size = 0;
    for (const p of parts) size += p.length;
    if (size === 0) return true;
    // Buffers of their own (never node's pool): they may be lent to the front thread.
    if (this.#buffers[turn]!.length < size) this.#buffers[turn] = Buffer.allocUnsafeSlow(size + (size >> 2));
    const buf = this.#buffers[turn]!;
    let at = 0;
    for (const p of parts) at += p.copy(buf, at);
    if (this.#lender !== undefined && size >= LEND_MIN_BYTES) {
      // Moved to the front thread and back, not copied: a copy of every page would wait there
      // for that thread's next collection, the whole LIST's size of it.
      this.#buffers[turn] = EMPTY;
      this.#flushed[turn] = this.#lender.lend(buf.subarray(0, size)).then((back) => {
        if (back === undefined) return false;
        this.#buffers[turn] = Buffer.from(back.buffer, back.byteOffset, back.byteLength);
        return true;
      });
      return true;
    }
    this.#flushed[turn] = new Promise<boolean>((resolve) => {
      const closed = (): void => resolve(false);
      this.#res.once('close', closed);
      this.#sink.write(buf.subarray(0, size), (err) => {
        this.#res.off('close', closed);
        resolve(err == null);
      });
    });
    return true;
  }
}
