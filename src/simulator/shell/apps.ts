/** Deployments, ReplicaSets and ReplicationControllers: the pure plans of model/ carried out against the space. */
import { num, specOf } from '../../registry/builtin/helpers.js';
import { deploymentStatus } from '../model/deployment-status.js';
import type { StatusError } from '../../api/errors.js';
import { createdPod, deletedPod, errorText, failedCreate, scalingEvent, SOURCES, type EventSource } from '../model/events.js';
import { planDeployment } from '../model/deployment.js';
import { controllerRefTo, isDeleting, templateOf } from '../model/objects.js';
import { podFromTemplate } from '../model/pod-factory.js';
import { podDelta, replicaSetStatus } from '../model/replicaset.js';
import { REVISION_ANNOTATION } from '../model/rollout.js';
import { childrenOf, type SyncFunction } from './context.js';

export const syncDeployment: SyncFunction = async (ctx, { def, object: d }, key) => {
  const rsDef = ctx.def('apps/replicasets');
  if (rsDef === undefined || isDeleting(d)) return;
  const owned = childrenOf(ctx, d, 'apps/replicasets').filter((rs) => !isDeleting(rs));
  const taken = new Set(ctx.cache.ofKind('apps/replicasets', d.metadata.namespace ?? '').map((c) => c.object.metadata.name ?? ''));
  const plan = planDeployment(d, owned, taken);
  let createdNew = false;
  if (plan.create) {
    // Taken after all (the cache lagged): the next sync sees the set and picks another hash.
    const rs = await ctx.create(rsDef, plan.create);
    if (rs === undefined) return ctx.later(key, Date.now() + ctx.options.retryMs);
    createdNew = true;
    ctx.events.record(SOURCES.deployment, d, scalingEvent(rs.metadata.name ?? '', 0, num(specOf(rs)['replicas']) ?? 0));
  }
  for (const u of plan.updates) {
    const rs = owned.find((r) => r.metadata.name === u.name);
    if (rs === undefined) continue;
    await ctx.update(rsDef, rs, (cur) => {
      cur['spec'] = { ...specOf(cur), replicas: u.replicas };
      cur.metadata.annotations = { ...cur.metadata.annotations, ...u.annotations };
      return cur;
    });
    ctx.events.record(SOURCES.deployment, d, scalingEvent(u.name, num(specOf(rs)['replicas']) ?? 0, u.replicas));
  }
  if (plan.revision !== undefined && d.metadata.annotations?.[REVISION_ANNOTATION] !== plan.revision) {
    await ctx.update(def, d, (cur) => {
      cur.metadata.annotations = { ...cur.metadata.annotations, [REVISION_ANNOTATION]: plan.revision! };
      return cur;
    });
  }
  for (const name of plan.remove) {
    const rs = owned.find((r) => r.metadata.name === name);
    if (rs) await ctx.remove(rsDef, rs);
  }
  const now = ctx.now();
  const input = {
    replicaSets: plan.replicaSets,
    newName: plan.newName,
    createdNew,
    now,
    secondMs: ctx.options.secondMs,
    ...(plan.collisionCount !== undefined && { collisionCount: plan.collisionCount }),
  };
  await ctx.writeStatus(def, d, (cur) => deploymentStatus(cur, input).status);
  const { recheckAt } = deploymentStatus(d, input);
  if (recheckAt !== undefined) ctx.later(key, recheckAt);
};

/**
 * The ReplicaSet controller, which also runs ReplicationControllers (upstream wraps them to share
 * it): the same pods-to-replicas loop and status, only the owner reference names the other kind.
 */
function replicaSetLike(apiVersion: string, kind: string, source: EventSource): SyncFunction {
  return async (ctx, { def, object: rs }, key) => {
    const podDef = ctx.def('/pods');
    if (podDef === undefined) return;
    const pods = childrenOf(ctx, rs, '/pods');
    // A creation the server refused: reported as ReplicaFailure, then retried with back-off (the throw below).
    let refusal: StatusError | undefined;
    if (!isDeleting(rs)) {
      const delta = podDelta(num(specOf(rs)['replicas']) ?? 1, pods);
      const owner = controllerRefTo(rs, apiVersion, kind);
      for (let i = 0; i < delta.create; i++) {
        const pod = podFromTemplate({
          template: templateOf(rs),
          namespace: rs.metadata.namespace ?? '',
          owner,
          generateName: `${rs.metadata.name ?? ''}-`,
          nodeName: '',
        });
        const created = await ctx.create(podDef, pod, (err) => (refusal = err));
        if (refusal !== undefined) {
          ctx.events.record(source, rs, failedCreate(refusal));
          break;
        }
        if (created === undefined) {
          ctx.later(key, Date.now() + ctx.options.retryMs);
          break;
        }
        ctx.events.record(source, rs, createdPod(created.metadata.name ?? ''));
      }
      for (const p of delta.remove) {
        await ctx.remove(podDef, p);
        ctx.events.record(source, rs, deletedPod(p.metadata.name ?? ''));
      }
    }
    const nowMs = ctx.now().getTime();
    const failure = refusal === undefined ? undefined : errorText(refusal);
    await ctx.writeStatus(def, rs, (cur) => replicaSetStatus(cur, pods, nowMs, ctx.options.secondMs, failure).status);
    if (refusal !== undefined) throw refusal;
    const { recheckAt } = replicaSetStatus(rs, pods, nowMs, ctx.options.secondMs);
    if (recheckAt !== undefined) ctx.later(key, recheckAt);
  };
}

export const syncReplicaSet: SyncFunction = replicaSetLike('apps/v1', 'ReplicaSet', SOURCES.replicaSet);

export const syncReplicationController: SyncFunction = replicaSetLike('v1', 'ReplicationController', SOURCES.replicationController);
