/**
 * The HPA controller against the space (model/autoscaler.ts decides): each autoscaler is
 * reconciled once per hpaSyncMs (the controller's rate-limited queue: the first time one period
 * after it is seen, then every period, whatever events come between), its target resolved by
 * kind through the space's catalog (custom resources with a scale subresource included), read
 * from the cache (or the space, for kinds the simulator does not follow) and scaled through the
 * scale subresource's paths.
 */
import { setPath, type KubeObject } from '../../api/object.js';
import { rec, specOf, str } from '../../registry/builtin/helpers.js';
import type { ResourceDefinition, ScaleSubresource } from '../../registry/definition.js';
import { reconcileAutoscaler, resolveScaleTarget, scaleOfObject, type TargetScale } from '../model/autoscaler.js';
import { errorText } from '../model/events.js';
import { keyFor, kindKey, SimCache } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';

const SOURCE = { component: 'horizontal-pod-autoscaler' };

/** When each autoscaler (by uid) is next due, per simulator. */
const due = new WeakMap<SimCache, Map<string, number>>();

interface Target {
  readonly scale: TargetScale;
  /** Set when the scale was read: what to write a new replica count to. */
  readonly found?: { readonly object: KubeObject; readonly def: ResourceDefinition; readonly paths: ScaleSubresource };
}

/** The target's scale, as the controller reads it: any kind the space serves with a scale subresource. */
async function targetOf(ctx: SimContext, hpa: KubeObject): Promise<Target> {
  const ref = rec(specOf(hpa)['scaleTargetRef']) ?? {};
  const resolved = resolveScaleTarget(ref, (group, kind) => ctx.defOfKind(group, kind));
  if ('error' in resolved) return { scale: resolved };
  const { def, paths } = resolved;
  const namespace = hpa.metadata.namespace ?? '';
  const name = str(ref['name']);
  // The kinds the simulator follows are read from its cache; others (custom resources) from the space.
  let object: KubeObject | undefined;
  try {
    object = SimCache.simulates(def) ? ctx.cache.get(keyFor(kindKey(def), namespace, name))?.object : await ctx.get(def, namespace, name);
  } catch (err) {
    return { scale: { error: errorText(err as Error) } };
  }
  if (object === undefined) return { scale: { error: `${def.plural}${def.group === '' ? '' : `.${def.group}`} "${name}" not found` } };
  return { scale: scaleOfObject(object, paths), found: { object, def, paths } };
}

export const syncAutoscaler: SyncFunction = async (ctx, { def, object: hpa }, key) => {
  if (hpa.metadata.deletionTimestamp !== undefined) return;
  let byUid = due.get(ctx.cache);
  if (byUid === undefined) due.set(ctx.cache, (byUid = new Map()));
  const uid = hpa.metadata.uid ?? '';
  const nowMs = Date.now();
  const at = byUid.get(uid);
  if (at === undefined || nowMs < at) {
    // Not due: the queue holds it until its period is up.
    const next = at ?? nowMs + ctx.options.hpaSyncMs;
    byUid.set(uid, next);
    ctx.later(key, next);
    return;
  }
  byUid.set(uid, nowMs + ctx.options.hpaSyncMs);
  ctx.later(key, nowMs + ctx.options.hpaSyncMs);
  if (byUid.size > 1000) for (const u of byUid.keys()) if (ctx.cache.byUid(u) === undefined) byUid.delete(u);

  const now = ctx.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const target = await targetOf(ctx, hpa);
  let step = reconcileAutoscaler(hpa, target.scale, now);
  if (step.rescale !== undefined && target.found !== undefined) {
    const { object, def: targetDef, paths } = target.found;
    const replicas = step.rescale.replicas;
    try {
      const scaled = (cur: KubeObject): KubeObject => {
        const next = structuredClone(cur);
        setPath(next, paths.specReplicasPath, replicas);
        return next;
      };
      await ctx.update(targetDef, object, scaled, 'scale');
    } catch (err) {
      step = reconcileAutoscaler(hpa, target.scale, now, errorText(err as Error));
    }
  }
  ctx.events.record(SOURCE, hpa, ...step.events);
  await ctx.writeStatus(def, hpa, () => step.status);
};
