/**
 * watch: newline-delimited JSON frames {type, object}, as kube-apiserver streams them.
 *
 * The plan (api/resource-version.ts) says where to start: the current objects as ADDED first
 * (resourceVersion unset or "0", or sendInitialEvents=true, which ends them with the
 * `k8s.io/initial-events-end` bookmark), or only changes after a revision. A revision that was
 * compacted away is a 200 with one ERROR frame carrying 410 Expired, which makes informers relist;
 * one the store has not reached is a 504 before the stream starts.
 */
import { toStatus } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { planWatch } from '../../api/resource-version.js';
import { apiVersionOf } from '../../registry/definition.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, renderObject } from '../render.js';
import type { ResourceContext } from './context.js';
import { predicateFor, readQueryOf, selectorsOf, timeoutSecondsOf } from './list-options.js';
import { queryFlag } from '../query-flag.js';
import type { WatchControl } from '../../registry/store.js';
import { ChunkedStream } from '../chunked-stream.js';

/**
 * Serialized frames per stored change and rendering (HTTP chunk included), shared by every
 * watcher: one change seen by a thousand watchers is rendered and framed once. Entries go with
 * the change (weakly held).
 */
const frames = new WeakMap<object, Map<string, Buffer>>();

const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export async function handleWatch(ctx: ResourceContext): Promise<void> {
  const { res, query, store, def } = ctx;
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(query.get('includeObject'));
  const selectors = selectorsOf(query);
  const plan = planWatch(readQueryOf(query), { watchListEnabled: true });
  const predicate = predicateFor(def, selectors);
  const bookmarks = queryFlag(query, 'allowWatchBookmarks') === true;
  const timeoutGiven = timeoutSecondsOf(query);
  // Node's timers hold at most 2^31-1 ms (about 24.8 days) and fire at once beyond: longer asks get that.
  const seconds = Math.min(timeoutGiven !== undefined && timeoutGiven > 0 ? timeoutGiven : ctx.options.defaultWatchSeconds(), MAX_TIMER_SECONDS);
  if (plan.kind === 'after') await store.waitForRevision(plan.revision);

  const abort = new AbortController();
  ctx.req.on('close', () => abort.abort());
  // A custom resource whose CRD is deleted or changed loses its storage, and its watches end (as
  // kube-apiserver tears the old storage down); the client relists and finds what is served now.
  const stopFollowingCatalog = ctx.space.catalog.onChange(() => {
    const found = ctx.space.catalog.lookup(ctx.info.group, ctx.info.version, ctx.info.resource);
    const served = found?.forVersion?.(ctx.info.version) ?? found;
    // Marked for deletion, a CRD still serves its storage: the DELETED events of its objects come first.
    if (served !== def && (served === undefined || def.builtFrom === undefined || served.builtFrom !== def.builtFrom)) abort.abort();
  });
  const timer = setTimeout(() => abort.abort(), seconds * 1000);
  ctx.req.socket.setTimeout(0);
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  const out = new ChunkedStream(ctx.req, res);
  let columnsSent = false;
  const frame = (type: string, object: unknown): void => {
    out.write(Buffer.from(`${JSON.stringify({ type, object })}\n`));
  };
  const renderingKey = `${rendering.as}/${'version' in rendering ? rendering.version : ''}/${include}/${ctx.apiVersion}/${out.framed}`;
  const emit = (type: string, obj: KubeObject, source?: object): void => {
    // A Table watch sends its header once; later rows carry columnDefinitions: null.
    const withColumns = rendering.as === 'Table' && !columnsSent;
    if (rendering.as === 'Table') columnsSent = true;
    const key = `${type}/${renderingKey}/${withColumns}`;
    const cached = source && frames.get(source)?.get(key);
    if (cached) {
      out.writePrepared(cached);
      return;
    }
    const body = renderObject(def, obj, rendering, include, ctx.apiVersion) as { columnDefinitions?: unknown };
    if (rendering.as === 'Table' && !withColumns) body.columnDefinitions = null;
    const bytes = out.prepare(Buffer.from(`${JSON.stringify({ type, object: body })}\n`));
    if (source) {
      let byKey = frames.get(source);
      if (byKey === undefined) frames.set(source, (byKey = new Map()));
      byKey.set(key, bytes);
    }
    out.writePrepared(bytes);
  };
  let lastRevision = plan.kind === 'after' ? plan.revision : store.currentRevision();
  let control: WatchControl | undefined;
  const resume = (): void => control?.resume();
  const bookmark = (annotations?: Record<string, string>): void => {
    // A caught-up watch may bookmark everything published since (other namespaces' and kinds'
    // changes included), as the watch cache's resourceVersion moves: a quiet watch resumes, not relists.
    const progressed = control?.progress?.();
    if (progressed !== undefined && progressed > lastRevision) lastRevision = progressed;
    const obj: KubeObject = {
      kind: def.kind,
      apiVersion: apiVersionOf(def.group, ctx.info.version),
      metadata: { resourceVersion: String(lastRevision), ...(annotations && { annotations }) },
    };
    // A Table or metadata-only watch gets its bookmarks in that form too, as every other event.
    if (rendering.as === 'object') frame('BOOKMARK', obj);
    else emit('BOOKMARK', obj);
  };
  const ticker = bookmarks ? setInterval(() => bookmark(), ctx.options.bookmarkIntervalMs) : undefined;
  // And one 2 s before the deadline, as the watch cache sends it, so the client resumes from there.
  const lastCall = bookmarks && seconds > 2 ? setTimeout(() => bookmark(), seconds * 1000 - 2000) : undefined;
  try {
    if (plan.kind === 'initialEvents') {
      const { list } = await store.list(ctx.info.namespace, { read: plan.read, ...(predicate && { predicate }) });
      for (const obj of list.items) emit('ADDED', obj);
      lastRevision = Number(list.metadata.resourceVersion);
      // Only to a client that takes bookmarks (upstream sends none otherwise).
      if (plan.endBookmark && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    // Pushed, not iterated: a change reaches this client's socket within the store's commit, with
    // no promise turn per watcher (a fan-out to a thousand watchers is one synchronous loop).
    const failure = await new Promise<unknown>((resolve) => {
      control = store.watchEach(
        ctx.info.namespace,
        { afterRevision: lastRevision, signal: abort.signal, ...(predicate && { predicate }) },
        {
          next: (events) => {
            for (const e of events) {
              emit(e.type, e.object, e.source);
              lastRevision = e.revision;
            }
            // A client that reads slowly holds up only its own stream: pausing lets the store's
            // bounded queue fill, which ends this watch rather than growing socket buffers forever.
            return !out.needsDrain;
          },
          end: resolve,
        },
      );
      out.onDrain(resume);
    });
    if (failure !== undefined) throw failure;
  } catch (err) {
    if (!abort.signal.aborted) frame('ERROR', toStatus(err));
  } finally {
    out.offDrain(resume);
    stopFollowingCatalog();
    clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    if (lastCall) clearTimeout(lastCall);
    out.end();
  }
}
