/** StatefulSets (with their claims) and DaemonSets against the space. */
import { daemonPod, daemonSetStatus, planDaemonSet } from '../model/daemonset.js';
import { isDeleting } from '../model/objects.js';
import { claimsFor, planStatefulSet, statefulPod, statefulSetStatus, updateRevision } from '../model/statefulset.js';
import { objectKey } from './cache.js';
import { childrenOf, type SyncFunction } from './context.js';

export const syncStatefulSet: SyncFunction = async (ctx, { def, object: sts }, key) => {
  const podDef = ctx.def('/pods');
  const claimDef = ctx.def('/persistentvolumeclaims');
  if (podDef === undefined || claimDef === undefined) return;
  const pods = childrenOf(ctx, sts, '/pods');
  if (!isDeleting(sts)) {
    const plan = planStatefulSet(sts, pods);
    for (const ordinal of plan.create) {
      // Claims outlive their pods and are reused by the pod that comes back with the same ordinal.
      for (const claim of claimsFor(sts, ordinal)) {
        if (ctx.cache.get(objectKey(claimDef, claim.metadata.namespace ?? '', claim.metadata.name ?? '')) === undefined) await ctx.create(claimDef, claim);
      }
      if ((await ctx.create(podDef, statefulPod(sts, ordinal, updateRevision(sts), ctx.options.nodeName))) === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
    }
    for (const p of plan.remove) await ctx.remove(podDef, p);
  }
  const nowMs = ctx.now().getTime();
  await ctx.writeStatus(def, sts, (cur) => statefulSetStatus(cur, pods, nowMs, ctx.options.secondMs).status);
  const { recheckAt } = statefulSetStatus(sts, pods, nowMs, ctx.options.secondMs);
  if (recheckAt !== undefined) ctx.later(key, recheckAt);
};

export const syncDaemonSet: SyncFunction = async (ctx, { def, object: ds }, key) => {
  const podDef = ctx.def('/pods');
  if (podDef === undefined) return;
  const pods = childrenOf(ctx, ds, '/pods');
  if (!isDeleting(ds)) {
    const plan = planDaemonSet(ds, pods);
    for (const p of plan.remove) await ctx.remove(podDef, p);
    if (plan.create && (await ctx.create(podDef, daemonPod(ds, ctx.options.nodeName))) === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
  }
  const nowMs = ctx.now().getTime();
  await ctx.writeStatus(def, ds, (cur) => daemonSetStatus(cur, pods, nowMs, ctx.options.secondMs).status);
  const { recheckAt } = daemonSetStatus(ds, pods, nowMs, ctx.options.secondMs);
  if (recheckAt !== undefined) ctx.later(key, recheckAt);
};
