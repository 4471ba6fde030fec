/**
 * The HPA controller against the space (model/autoscaler.ts decides): each autoscaler is
 * reconciled once per hpaSyncMs (the controller's rate-limited queue: the first time one period
 * after it is seen, then every period, whatever events come between), its target read from the
 * cache and scaled through the scale subresource.
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, specOf, str } from '../../registry/builtin/helpers.js';
import { reconcileAutoscaler, type TargetScale } from '../model/autoscaler.js';
import { errorText } from '../model/events.js';
import type { Obj } from '../model/objects.js';
import { keyFor, type SimCache } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';

const SOURCE = { component: 'horizontal-pod-autoscaler' };

/** The kinds with a scale subresource the simulator knows, by kind: `group/plural`. */
const TARGETS: Record<string, string> = {
  Deployment: 'apps/deployments',
  ReplicaSet: 'apps/replicasets',
  StatefulSet: 'apps/statefulsets',
  ReplicationController: '/replicationcontrollers',
};

/** When each autoscaler (by uid) is next due, per simulator. */
const due = new WeakMap<SimCache, Map<string, number>>();

/** labels.Selector's String of a label selector (or of an RC's plain map). */
function selectorString(selector: Obj | undefined): string {
  if (selector === undefined) return '';
  const matchLabels = rec(selector['matchLabels']);
  const plain = matchLabels === undefined && selector['matchExpressions'] === undefined ? selector : undefined;
  const parts = Object.entries(matchLabels ?? plain ?? {}).map(([k, v]) => `${k}=${str(v)}`);
  for (const e of (selector['matchExpressions'] as Obj[] | undefined) ?? []) {
    const values = ((e['values'] as unknown[] | undefined) ?? []).map(str).join(',');
    const op = str(e['operator']);
    parts.push(op === 'Exists' ? str(e['key']) : op === 'DoesNotExist' ? `!${str(e['key'])}` : `${str(e['key'])} ${op.toLowerCase()} (${values})`);
  }
  return parts.sort().join(',');
}

function targetOf(ctx: SimContext, hpa: KubeObject): { scale: TargetScale; object?: KubeObject; kind?: string } {
  const ref = rec(specOf(hpa)['scaleTargetRef']) ?? {};
  const kind = str(ref['kind']);
  const apiVersion = str(ref['apiVersion']);
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kindKey = TARGETS[kind];
  if (kindKey === undefined || kindKey.slice(0, kindKey.indexOf('/')) !== group) return { scale: { error: `no matches for kind "${kind}" in group "${group}"` } };
  const name = str(ref['name']);
  const object = ctx.cache.get(keyFor(kindKey, hpa.metadata.namespace ?? '', name))?.object;
  const plural = kindKey.slice(kindKey.indexOf('/') + 1);
  if (object === undefined) return { scale: { error: `${plural}${group === '' ? '' : `.${group}`} "${name}" not found` } };
  const spec = specOf(object);
  return { scale: { replicas: num(spec['replicas']) ?? 1, selector: selectorString(rec(spec['selector'])) }, object, kind: kindKey };
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
  const target = targetOf(ctx, hpa);
  let step = reconcileAutoscaler(hpa, target.scale, now);
  if (step.rescale !== undefined && target.object !== undefined && target.kind !== undefined) {
    const targetDef = ctx.def(target.kind);
    const replicas = step.rescale.replicas;
    try {
      if (targetDef === undefined) throw new Error(`the server could not find the requested resource`);
      await ctx.update(targetDef, target.object, (cur) => ({ ...cur, spec: { ...specOf(cur), replicas } }), 'scale');
    } catch (err) {
      step = reconcileAutoscaler(hpa, target.scale, now, errorText(err as Error));
    }
  }
  ctx.events.record(SOURCE, hpa, ...step.events);
  await ctx.writeStatus(def, hpa, () => step.status);
};
