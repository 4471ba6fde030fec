/**
 * Which syncs a change in the space calls for, beyond the changed object's own and its
 * controller's (which the simulator enqueues itself): the services and disruption budgets
 * selecting a changed pod and the unbound claims it uses, the budgets of a namespace whose
 * workloads change scale, the service behind a changed Endpoints, the Endpoints of a deleted
 * service, the volume of a changed claim and the claim of a changed volume, and the standing syncs
 * (node, lease) when one of their objects changes. Answered from the cache's indexes; only a new
 * StorageClass or a volume turning free (both rare) look over the pending claims.
 */
import { isDeepStrictEqual } from 'node:util';
import { specOf, statusOf, str } from '../../registry/builtin/helpers.js';
import type { SpaceEvent } from '../../registry/space-stream.js';
import { unschedulableMessage } from '../model/placement.js';
import { needsScheduling } from '../model/scheduling.js';
import { claimRefOf } from '../model/volumes.js';
import { keyFor, keyOf, kindKey, type SimCache } from './cache.js';
import { budgetsIn, budgetsSelecting } from './disruption.js';
import { servicesSelecting } from './endpoints.js';
import { claimsWaitingFor, pendingClaims } from './volumes.js';

/** A pod leaving its node (gone, or finished), which may make room for a pod the scheduler could not place. */
function freesNode(e: SpaceEvent): boolean {
  if (str(specOf(e.object)['nodeName']) === '') return false;
  if (e.type === 'DELETED') return true;
  const phase = str(statusOf(e.object)['phase']);
  return (phase === 'Succeeded' || phase === 'Failed') && (e.previous === undefined || str(statusOf(e.previous)['phase']) !== phase);
}

/** A node added, removed, or changed in what the scheduler filters on (not a mere heartbeat). */
function nodeChanged(e: SpaceEvent): boolean {
  if (e.type !== 'MODIFIED' || e.previous === undefined) return true;
  const facts = (n: SpaceEvent['object']): unknown[] => [specOf(n), n.metadata.labels, statusOf(n)['allocatable']];
  return !isDeepStrictEqual(facts(e.object), facts(e.previous));
}

/** Unbound pods the scheduler has turned down (or, with `all`, any waiting to be scheduled). */
function unschedulablePods(cache: SimCache, all = false): string[] {
  return cache
    .ofKind('/pods')
    .filter((c) => needsScheduling(c.object) && (all || unschedulableMessage(c.object) !== undefined))
    .map((c) => keyOf(c.def, c.object));
}

/** The pods bound to a node, for the taint-eviction controller to look at again. */
const podsOnNode = (cache: SimCache, node: string): string[] =>
  cache
    .ofKind('/pods')
    .filter((c) => str(specOf(c.object)['nodeName']) === node)
    .map((c) => keyOf(c.def, c.object));

export function relatedKeys(cache: SimCache, e: SpaceEvent, standing: readonly string[]): string[] {
  const key = keyOf(e.def, e.object);
  const namespace = e.object.metadata.namespace ?? '';
  const name = e.object.metadata.name ?? '';
  const out = standing.includes(key) ? [...standing] : [];
  switch (kindKey(e.def)) {
    case '/pods':
      out.push(...servicesSelecting({ cache }, e.object, e.previous), ...budgetsSelecting({ cache }, e.object, e.previous));
      if (e.type !== 'DELETED') out.push(...claimsWaitingFor({ cache }, e.object));
      if (freesNode(e)) out.push(...unschedulablePods(cache));
      break;
    case '/nodes':
      if (nodeChanged(e)) out.push(...unschedulablePods(cache, true), ...podsOnNode(cache, name), ...cache.ofKind('apps/daemonsets').map((c) => keyOf(c.def, c.object)));
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
