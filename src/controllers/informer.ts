/**
 * List, then watch from the list's resourceVersion, and relist whenever the watch cannot go on
 * (fell behind, history compacted): the client-go informer loop, in process. `sync` sees the
 * full list each time one is taken; `event` sees each change after it, in order.
 */
import type { KubeObject } from '../api/object.js';
import type { GenericStore, ObjectEvent } from '../registry/store.js';

export interface InformerHandlers {
  sync(items: KubeObject[]): Promise<void> | void;
  event(e: ObjectEvent): Promise<void> | void;
}

/**
 * Resolves once the first list has been handled; the watch then runs in the background until
 * `signal` aborts.
 */
export async function runInformer(
  store: GenericStore,
  namespace: string,
  handlers: InformerHandlers,
  signal: AbortSignal,
  log: (msg: string, err?: unknown) => void = (msg, err) => console.error(msg, err),
  /** Only objects of this name: the others' changes are passed over undecoded. */
  name?: string,
): Promise<void> {
  const relist = async (): Promise<number> => {
    const { list } = await store.list(namespace);
    await handlers.sync(name === undefined ? list.items : list.items.filter((o) => o.metadata.name === name));
    return Number(list.metadata.resourceVersion);
  };
  let revision = await relist();
  void (async () => {
    while (!signal.aborted) {
      try {
        for await (const events of store.watch(namespace, { afterRevision: revision, signal, ...(name !== undefined && { name }) })) {
          for (const e of events) {
            revision = e.revision;
            await handlers.event(e);
          }
        }
        if (signal.aborted) return;
        // The stream ended without an error (a slow watcher): resume from where it stopped.
      } catch (err) {
        if (signal.aborted) return;
        log(`watch of ${store.def.plural} ended; relisting`, err);
        try {
          revision = await relist();
        } catch (listErr) {
          log(`relisting ${store.def.plural} failed`, listErr);
          await new Promise((r) => setTimeout(r, 1000).unref());
        }
      }
    }
  })();
}
