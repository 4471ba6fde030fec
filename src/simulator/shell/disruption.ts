/**
 * The disruption controller against the space: each PodDisruptionBudget's status from the pods
 * it selects in its namespace (the cache's namespace index) and their controllers' scale.
 */
import type { KubeObject } from '../../api/object.js';
import { pdbSelects, pdbStatus, type ControllerScale } from '../model/disruption.js';
import { controllerRef, specReplicas } from '../model/objects.js';
import { keyOf, kindKey } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';

/** The finders: a Deployment behind its ReplicaSet, else the ReplicaSet, ReplicationController or StatefulSet itself. */
function scaleOf(ctx: SimContext, pod: KubeObject): ControllerScale | undefined {
  const ref = controllerRef(pod);
  const owner = ref && ctx.cache.byUid(ref.uid);
  if (owner === undefined) return undefined;
  const scale = (o: KubeObject): ControllerScale => ({ uid: o.metadata.uid ?? '', replicas: specReplicas(o) });
  switch (kindKey(owner.def)) {
    case 'apps/replicasets': {
      const up = controllerRef(owner.object);
      if (up?.kind !== 'Deployment') return scale(owner.object);
      const d = ctx.cache.byUid(up.uid);
      return d === undefined ? undefined : scale(d.object);
    }
    case '/replicationcontrollers':
    case 'apps/statefulsets':
      return scale(owner.object);
    default:
      return undefined;
  }
}

export const syncDisruptionBudget: SyncFunction = async (ctx, { def, object: pdb }) => {
  if (pdb.metadata.deletionTimestamp !== undefined) return;
  const pods = ctx.cache.ofKind('/pods', pdb.metadata.namespace ?? '').map((c) => c.object).filter((p) => pdbSelects(pdb, p));
  const now = ctx.now();
  await ctx.writeStatus(def, pdb, (cur) => pdbStatus(cur, pods, (p) => scaleOf(ctx, p), now));
};

/** Keys of the budgets in the pod's namespace that select it now or selected it before the change. */
export function budgetsSelecting(ctx: Pick<SimContext, 'cache'>, pod: KubeObject, previous: KubeObject | undefined): string[] {
  const out: string[] = [];
  for (const { def, object: pdb } of ctx.cache.ofKind('policy/poddisruptionbudgets', pod.metadata.namespace ?? '')) {
    if (pdbSelects(pdb, pod) || (previous !== undefined && pdbSelects(pdb, previous))) out.push(keyOf(def, pdb));
  }
  return out;
}

/** Keys of every budget in a namespace (a workload's scale changed: expected counts may too). */
export const budgetsIn = (ctx: Pick<SimContext, 'cache'>, namespace: string): string[] =>
  ctx.cache.ofKind('policy/poddisruptionbudgets', namespace).map((c) => keyOf(c.def, c.object));
