/**
 * The SimContext over a served space: writes go through the space's stores (status through the
 * status subresource, as the controllers and kubelet write it, with their field managers), skip
 * what would change nothing, and report their revision so the simulator can wait to see them.
 */
import { isDeepStrictEqual } from 'node:util';
import { isStatusError, type StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { FieldManager } from '../../registry/apply-schema.js';
import { apiVersionOf, type ResourceDefinition } from '../../registry/definition.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import { NODE_CIDR, pickAddress } from '../model/addresses.js';
import { prune, type Obj } from '../model/objects.js';
import type { ResolvedOptions } from '../options.js';
import type { SimCache } from './cache.js';
import type { SimContext } from './context.js';
import { EventRecorder, type EventSink } from './recorder.js';

export interface ContextDeps {
  readonly cache: SimCache;
  readonly options: ResolvedOptions;
  stopped(): boolean;
  /** Called with every object a write returns. */
  wrote(obj: KubeObject | undefined): void;
  later(key: string, atMs: number): void;
  failing(obj: KubeObject): boolean;
  ageMs(obj: KubeObject): number;
}

/** Who writes what: the kubelet its node, lease and pod statuses, the scheduler bindings, the controllers the rest. */
function managerName(def: ResourceDefinition, subresource: string | undefined): string {
  const kind = `${def.group}/${def.plural}`;
  if (kind === '/nodes' || kind === 'coordination.k8s.io/leases') return 'kubelet';
  if (kind === '/pods' && subresource === 'status') return 'kubelet';
  if (kind === '/pods' && subresource === 'binding') return 'kube-scheduler';
  return 'kube-controller-manager';
}

function manager(def: ResourceDefinition, subresource?: string): FieldManager {
  return {
    name: managerName(def, subresource),
    apiVersion: apiVersionOf(def.group, def.version),
    ...(subresource !== undefined && { subresource }),
  };
}

/** The space's core/v1 Event store; undefined while the space serves no Events. */
function eventSink(space: ServedSpace): EventSink | undefined {
  const def = space.catalog.byResource('', 'events');
  if (def === undefined) return undefined;
  const store = space.store(def);
  const as = (who: string): { manager: FieldManager } => ({ manager: { name: who, apiVersion: 'v1' } });
  return {
    create: (event, who) => store.create(event.metadata.namespace ?? '', event, as(who)),
    update: (event, who) =>
      store.guaranteedUpdate(
        event.metadata.namespace ?? '',
        event.metadata.name ?? '',
        (cur) => ({ ...cur, count: event['count'], lastTimestamp: event['lastTimestamp'], message: event['message'] }),
        as(who),
      ),
  };
}

/** The refusal of a namespace being deleted, which the controllers do not report. */
const namespaceTerminating = (err: StatusError): boolean => (err.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating');

export function spaceContext(space: ServedSpace, deps: ContextDeps): SimContext {
  const { wrote, stopped } = deps;
  return {
    events: new EventRecorder(() => eventSink(space), deps.options.log, stopped),
    cache: deps.cache,
    options: deps.options,
    hostIP: pickAddress(NODE_CIDR, deps.options.nodeName, new Set()) ?? '172.18.0.2',
    now: () => new Date(),
    def: (kind) => {
      const slash = kind.indexOf('/');
      return space.catalog.byResource(kind.slice(0, slash), kind.slice(slash + 1));
    },
    defOfKind: (group, kind) => space.catalog.byKind(group, kind),
    get: async (def, namespace, name) => {
      try {
        return await space.store(def).get(namespace, name);
      } catch (err) {
        if (isStatusError(err, 'NotFound')) return undefined;
        throw err;
      }
    },
    create: async (def, obj, refused) => {
      if (stopped()) return undefined;
      try {
        const created = await space.store(def).create(obj.metadata.namespace ?? '', obj, { manager: manager(def) });
        wrote(created);
        return created;
      } catch (err) {
        // Refused by admission or validation: the caller reports it (FailedCreate) and retries later.
        if (refused !== undefined && (isStatusError(err, 'Forbidden') || isStatusError(err, 'Invalid')) && !namespaceTerminating(err)) {
          refused(err);
          return undefined;
        }
        // A taken name or a namespace going away: nothing to do until the next event.
        if (isStatusError(err, 'AlreadyExists') || isStatusError(err, 'Forbidden') || isStatusError(err, 'NotFound')) return undefined;
        throw err;
      }
    },
    update: async (def, cached, mutate, subresource) => {
      if (stopped()) return;
      const updated = await space.store(def).guaranteedUpdate(
        cached.metadata.namespace ?? '',
        cached.metadata.name ?? '',
        (cur) => (cur.metadata.uid === cached.metadata.uid ? (mutate(cur) ?? cur) : cur),
        { manager: manager(def, subresource), ...(subresource !== undefined && { subresource }) },
      );
      wrote(updated);
    },
    writeStatus: async (def, cached, compute) => {
      const want = compute(cached);
      if (stopped() || want === undefined || isDeepStrictEqual(prune(want), cached['status'])) return;
      const updated = await space.store(def).guaranteedUpdate(
        cached.metadata.namespace ?? '',
        cached.metadata.name ?? '',
        (cur) => {
          if (cur.metadata.uid !== cached.metadata.uid) return cur;
          const next: Obj | undefined = compute(cur);
          if (next !== undefined) cur['status'] = prune(next);
          return cur;
        },
        { subresource: 'status', manager: manager(def, 'status') },
      );
      wrote(updated);
    },
    remove: async (def, obj, options) => {
      if (stopped()) return;
      try {
        const store = space.store(def);
        wrote(await store.delete(obj.metadata.namespace ?? '', obj.metadata.name ?? '', { preconditions: { uid: obj.metadata.uid ?? '' }, ...options }));
      } catch (err) {
        if (!isStatusError(err, 'NotFound') && !isStatusError(err, 'Conflict')) throw err;
      }
    },
    later: deps.later,
    failing: deps.failing,
    ageMs: deps.ageMs,
  };
}
