/**
 * Which syncs a change in the space calls for, beyond the changed object's own and its
 * controller's (which the simulator enqueues itself): the services and disruption budgets
 * selecting a changed pod and the unbound claims it uses, the budgets of a namespace whose
 * workloads change scale, the service behind a changed Endpoints, the Endpoints of a deleted
 * service, the volume of a changed claim and the claim of a changed volume, and the standing syncs
 * (node, lease) when one of their objects changes. Answered from the cache's indexes; only a new
 * StorageClass or a volume turning free (both rare) look over the pending claims.
 */
import { specOf, statusOf, str } from '../../registry/builtin/helpers.js';
import type { SpaceEvent } from '../../registry/space-stream.js';
import { claimRefOf } from '../model/volumes.js';
import { keyFor, keyOf, kindKey, type SimCache } from './cache.js';
import { budgetsIn, budgetsSelecting } from './disruption.js';
import { servicesSelecting } from './endpoints.js';
import { claimsWaitingFor, pendingClaims } from './volumes.js';

export function relatedKeys(cache: SimCache, e: SpaceEvent, standing: readonly string[]): string[] {
  const key = keyOf(e.def, e.object);
  const namespace = e.object.metadata.namespace ?? '';
  const name = e.object.metadata.name ?? '';
  const out = standing.includes(key) ? [...standing] : [];
  switch (kindKey(e.def)) {
    case '/pods':
      out.push(...servicesSelecting({ cache }, e.object, e.previous), ...budgetsSelecting({ cache }, e.object, e.previous));
      if (e.type !== 'DELETED') out.push(...claimsWaitingFor({ cache }, e.object));
      break;
    case 'apps/deployments':
    case 'apps/replicasets':
    case 'apps/statefulsets':
    case '/replicationcontrollers':
      if (e.type === 'DELETED' || specOf(e.object)['replicas'] !== (e.previous && specOf(e.previous)['replicas'])) out.push(...budgetsIn({ cache }, namespace));
      break;
    case '/persistentvolumeclaims': {
      const volume = str(specOf(e.object)['volumeName']);
      if (volume !== '') out.push(keyFor('/persistentvolumes', '', volume));
      break;
    }
    case '/persistentvolumes': {
      const ref = claimRefOf(e.object);
      if (ref !== undefined) out.push(keyFor('/persistentvolumeclaims', str(ref['namespace']), str(ref['name'])));
      else if (e.type !== 'DELETED' && str(statusOf(e.object)['phase']) === 'Available') out.push(...pendingClaims({ cache }));
      break;
    }
    case 'storage.k8s.io/storageclasses':
      if (e.type !== 'DELETED') out.push(...pendingClaims({ cache }, name));
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
