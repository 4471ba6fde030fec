/** StatefulSets (with their claims) and DaemonSets against the space, each keeping its ControllerRevisions. */
import type { KubeObject } from '../../api/object.js';
import { rec, statusOf, str } from '../../registry/builtin/helpers.js';
import { daemonPod, daemonSetStatus, planDaemonSet } from '../model/daemonset.js';
import { createdPod, deletedPod, SOURCES, statefulClaimEvent, statefulPodEvent } from '../model/events.js';
import { isDeleting, templateOf } from '../model/objects.js';
import { daemonFits } from '../model/placement.js';
import { planRevisions, type RevisionOwner } from '../model/revisions.js';
import { claimsFor, planStatefulSet, REVISION_LABEL, statefulPod, statefulSetStatus, updateRevision } from '../model/statefulset.js';
import { objectKey } from './cache.js';
import { nodeKey } from './node.js';
import { childrenOf, type SimContext, type SyncFunction } from './context.js';

/** The revision history first, as the controllers keep it before they touch pods. */
async function syncRevisions(ctx: SimContext, set: KubeObject, owner: RevisionOwner, pods: readonly KubeObject[], key: string): Promise<void> {
  const def = ctx.def('apps/controllerrevisions');
  if (def === undefined || isDeleting(set)) return;
  const revisions = childrenOf(ctx, set, 'apps/controllerrevisions');
  const inUse = new Set(pods.filter((p) => !isDeleting(p)).map((p) => p.metadata.labels?.[REVISION_LABEL] ?? ''));
  const plan = planRevisions(set, owner, revisions, inUse, str(statusOf(set)['currentRevision']) || undefined);
  // Taken by another owner's revision (one of a deleted set the garbage collector has yet to remove): try again later.
  if (plan.create && (await ctx.create(def, plan.create)) === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
  if (plan.renumber) {
    const { name, revision } = plan.renumber;
    const cr = revisions.find((r) => r.metadata.name === name);
    if (cr) await ctx.update(def, cr, (cur) => ({ ...cur, revision }));
  }
  for (const r of plan.remove) await ctx.remove(def, r);
}

export const syncStatefulSet: SyncFunction = async (ctx, { def, object: sts }, key) => {
  const podDef = ctx.def('/pods');
  const claimDef = ctx.def('/persistentvolumeclaims');
  if (podDef === undefined || claimDef === undefined) return;
  const pods = childrenOf(ctx, sts, '/pods');
  await syncRevisions(ctx, sts, { apiVersion: 'apps/v1', kind: 'StatefulSet' }, pods, key);
  if (!isDeleting(sts)) {
    const plan = planStatefulSet(sts, pods);
    for (const ordinal of plan.create) {
      const pod = statefulPod(sts, ordinal, updateRevision(sts), '');
      const podName = pod.metadata.name ?? '';
      // Claims outlive their pods and are reused by the pod that comes back with the same ordinal.
      for (const claim of claimsFor(sts, ordinal)) {
        if (ctx.cache.get(objectKey(claimDef, claim.metadata.namespace ?? '', claim.metadata.name ?? '')) !== undefined) continue;
        if ((await ctx.create(claimDef, claim)) !== undefined) ctx.events.record(SOURCES.statefulSet, sts, statefulClaimEvent(claim.metadata.name ?? '', podName, sts.metadata.name ?? ''));
      }
      const created = await ctx.create(podDef, pod);
      if (created === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
      else ctx.events.record(SOURCES.statefulSet, sts, statefulPodEvent('Create', podName, sts.metadata.name ?? ''));
    }
    for (const p of plan.remove) {
      await ctx.remove(podDef, p);
      ctx.events.record(SOURCES.statefulSet, sts, statefulPodEvent('Delete', p.metadata.name ?? '', sts.metadata.name ?? ''));
    }
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
  await syncRevisions(ctx, ds, { apiVersion: 'apps/v1', kind: 'DaemonSet' }, pods, key);
  if (!isDeleting(ds)) {
    const plan = planDaemonSet(ds, pods);
    for (const p of plan.remove) {
      await ctx.remove(podDef, p);
      ctx.events.record(SOURCES.daemonSet, ds, deletedPod(p.metadata.name ?? ''));
    }
    // NodeShouldRunDaemonPod: not on a node whose selector, affinity or taints rule the pod out.
    const node = ctx.cache.get(nodeKey(ctx))?.object;
    if (plan.create && (node === undefined || daemonFits(rec(templateOf(ds)['spec']) ?? {}, node))) {
      const created = await ctx.create(podDef, daemonPod(ds, ctx.options.nodeName));
      if (created === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
      else {
        ctx.events.record(SOURCES.daemonSet, ds, createdPod(created.metadata.name ?? ''));
        ctx.events.scheduled(created, ctx.options.nodeName);
      }
    }
  }
  const nowMs = ctx.now().getTime();
  await ctx.writeStatus(def, ds, (cur) => daemonSetStatus(cur, pods, nowMs, ctx.options.secondMs).status);
  const { recheckAt } = daemonSetStatus(ds, pods, nowMs, ctx.options.secondMs);
  if (recheckAt !== undefined) ctx.later(key, recheckAt);
};
