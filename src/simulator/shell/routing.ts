/**
 * Which syncs a change in the space calls for, beyond the changed object's own and its
 * controller's (which the simulator enqueues itself): the services selecting a changed pod, the
 * service behind a changed Endpoints, the Endpoints of a deleted service, and the standing syncs
 * (node, lease) when one of their objects changes. Answered from the cache's indexes, never a scan.
 */
import type { SpaceEvent } from '../../registry/space-stream.js';
import { keyFor, keyOf, kindKey, type SimCache } from './cache.js';
import { servicesSelecting } from './endpoints.js';

export function relatedKeys(cache: SimCache, e: SpaceEvent, standing: readonly string[]): string[] {
  const key = keyOf(e.def, e.object);
  const namespace = e.object.metadata.namespace ?? '';
  const name = e.object.metadata.name ?? '';
  const out = standing.includes(key) ? [...standing] : [];
  switch (kindKey(e.def)) {
    case '/pods':
      out.push(...servicesSelecting({ cache }, e.object, e.previous));
      break;
    case '/endpoints': {
      const svc = keyFor('/services', namespace, name);
      out.push(cache.get(svc) !== undefined ? svc : key);
      break;
    }
    case '/services':
      if (e.type === 'DELETED') out.push(keyFor('/endpoints', namespace, name));
      break;
  }
  return out;
}
