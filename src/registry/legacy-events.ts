/**
 * Data directories written before events.k8s.io Events shared core Events' storage hold them
 * under their own prefix, in their own shape. Such keys would be invisible to both APIs yet
 * still counted as namespace content (holding a namespace in Terminating for ever), so when a
 * space is served they are moved, converted, to the core key; an Event already there wins. Each
 * move is one compare-and-swap transaction, so replicas doing it at once move each Event once.
 */
import type { Backend } from '../../storage/index.js';
import { eventsConversion } from './builtin/events.js';
import { decodeKv, encodeObject } from './codec.js';
import { spacePrefix } from './keys.js';

/** How many Events were moved (for the log). */
export async function moveLegacyEvents(backend: Backend, space: string | undefined): Promise<number> {
  const legacy = `${spacePrefix(space)}events.k8s.io/events/`;
  const core = `${spacePrefix(space)}core/events/`;
  let moved = 0;
  let fromKey: string | undefined;
  for (;;) {
    const page = await backend.range(legacy, { limit: 500, ...(fromKey !== undefined && { fromKey }) });
    if (page.kvs.length === 0) return moved;
    fromKey = `${page.kvs[page.kvs.length - 1]!.key}\0`;
    for (const kv of page.kvs) {
      const target = core + kv.key.slice(legacy.length);
      let value: Uint8Array | undefined;
      try {
        const { metadata, ...rest } = eventsConversion.toStored(decodeKv(kv), 'v1');
        const { resourceVersion: _rv, ...meta } = metadata;
        value = encodeObject({ ...rest, metadata: meta });
      } catch {
        // Not JSON we can read: dropped rather than kept where nothing can reach it.
      }
      const r = await backend.txn({
        compare: [
          { key: kv.key, target: 'modRevision', result: '=', value: kv.modRevision },
          { key: target, target: 'modRevision', result: '=', value: 0 },
        ],
        success: [...(value !== undefined ? [{ type: 'put' as const, key: target, value }] : []), { type: 'delete', key: kv.key }],
      });
      if (r.succeeded) {
        if (value !== undefined) moved++;
        continue;
      }
      // The core key exists (it wins), or another replica moved this one already.
      await backend.txn({ compare: [{ key: kv.key, target: 'modRevision', result: '=', value: kv.modRevision }], success: [{ type: 'delete', key: kv.key }] });
    }
  }
}
