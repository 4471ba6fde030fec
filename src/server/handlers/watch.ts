/**
 * watch: newline-delimited JSON frames {type, object}. Without a resourceVersion (or with "0", or
 * sendInitialEvents=true) the current objects come first as ADDED; bookmarks when allowed; a
 * too-old resourceVersion is a 200 with one ERROR frame carrying a 410 Expired Status, which is
 * what makes informers relist instead of retrying forever.
 */
import { resourceExpired, StatusError, toStatus } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { apiVersionOf } from '../../registry/definition.js';
import { negotiateRendering } from '../negotiate.js';
import { parseIncludeObject, renderObject } from '../render.js';
import type { ResourceContext } from './context.js';
import { parseResourceVersion, simpleLabelPredicate } from './list-options.js';

export async function handleWatch(ctx: ResourceContext): Promise<void> {
  const { res, query, store, def } = ctx;
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const include = parseIncludeObject(query.get('includeObject'));
  const rv = parseResourceVersion(query.get('resourceVersion'));
  const sendInitial = query.get('sendInitialEvents') === 'true' || rv === undefined || rv === 0;
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const timeoutRaw = Number(query.get('timeoutSeconds') ?? '');
  const seconds = Number.isFinite(timeoutRaw) && timeoutRaw > 0 ? timeoutRaw : ctx.options.defaultWatchSeconds();
  const predicate = simpleLabelPredicate(query.get('labelSelector'));

  const abort = new AbortController();
  ctx.req.on('close', () => abort.abort());
  const timer = setTimeout(() => abort.abort(), seconds * 1000);
  res.status(200).type('application/json');
  res.setHeader('Transfer-Encoding', 'chunked');
  res.flushHeaders();
  const frame = (type: string, object: unknown): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const emit = (type: string, obj: KubeObject): void => frame(type, renderObject(def, obj, rendering, include));
  let lastRevision = rv ?? 0;
  const bookmark = (annotations?: Record<string, string>): void =>
    frame('BOOKMARK', {
      kind: def.kind,
      apiVersion: apiVersionOf(def.group, ctx.info.version),
      metadata: { resourceVersion: String(lastRevision), ...(annotations && { annotations }) },
    });
  const ticker = bookmarks ? setInterval(() => bookmark(), ctx.options.bookmarkIntervalMs) : undefined;
  try {
    if (sendInitial && (rv === undefined || rv === 0 || query.get('sendInitialEvents') === 'true')) {
      const { list } = await store.list(ctx.info.namespace, predicate ? { predicate } : {});
      for (const obj of list.items) emit('ADDED', obj);
      lastRevision = Number(list.metadata.resourceVersion);
      if (query.get('sendInitialEvents') === 'true' && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    }
    for await (const events of store.watch(ctx.info.namespace, {
      afterRevision: lastRevision,
      signal: abort.signal,
      ...(predicate && { predicate }),
    })) {
      for (const e of events) {
        emit(e.type, e.object);
        lastRevision = e.revision;
      }
    }
  } catch (err) {
    if (!abort.signal.aborted) {
      const status = err instanceof StatusError && err.reason === 'Expired' ? resourceExpired(rv ?? 0, 'compacted').status : toStatus(err);
      frame('ERROR', status);
    }
  } finally {
    clearTimeout(timer);
    if (ticker) clearInterval(ticker);
    res.end();
  }
}
