/**
 * The simulated kube-scheduler's attempt for one unbound pod, and the taint-eviction controller's
 * look at one bound pod, against the cached nodes and pods (model/placement.ts decides).
 * Unschedulable pods are tried again when the nodes or the pods holding resources change
 * (routing.ts), not on a timer; an attempt that changes nothing writes and records nothing.
 */
import type { KubeObject } from '../../api/object.js';
import { bindPod } from '../../registry/builtin/pod-subresources.js';
import { specOf, str } from '../../registry/builtin/helpers.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import { disruptedStatus, evictionEvent, evictionFor, placePod, unschedulableMessage, unschedulableStatus } from '../model/placement.js';
import { isDeleting } from '../model/objects.js';
import { isTerminal } from '../model/pods.js';
import { bindingFor, needsScheduling } from '../model/scheduling.js';
import { keyFor, type SimCache } from './cache.js';
import type { SimContext } from './context.js';

const TAINT_EVICTION = { component: 'taint-eviction-controller' } as const;

const nodesOf = (ctx: SimContext): KubeObject[] => ctx.cache.ofKind('/nodes').map((c) => c.object).filter((n) => !isDeleting(n));

/** Binds the pod to the first node that passes the filters, or reports why none does. */
export async function schedulePod(ctx: SimContext, def: ResourceDefinition, pod: KubeObject): Promise<void> {
  const pods = ctx.cache.ofKind('/pods').map((c) => c.object);
  const placement = placePod(pod, nodesOf(ctx), pods, ctx.options.nodeName);
  // No node registered yet: the node's arrival brings the pod back (routing.ts).
  if ('waiting' in placement) return;
  if ('message' in placement) {
    const { message } = placement;
    const changed = unschedulableMessage(pod) !== message;
    await ctx.writeStatus(def, pod, (cur) => (needsScheduling(cur) ? unschedulableStatus(cur, message, ctx.now()) : undefined));
    if (changed) ctx.events.failedScheduling(pod, ctx.options.nodeName, message);
    return;
  }
  const binding = bindingFor(pod, placement.node);
  let bound = false;
  await ctx.update(
    def,
    pod,
    (cur) => {
      if (!needsScheduling(cur)) return undefined;
      bound = true;
      return bindPod(cur, binding, ctx.now());
    },
    'binding',
  );
  if (bound) ctx.events.scheduled(pod, placement.node);
}

/** When each pod's tolerated-for-a-while NoExecute taints were first seen, per simulator. */
const since = new WeakMap<SimCache, Map<string, number>>();

/**
 * The taint-eviction controller: a running pod whose node has a NoExecute taint it does not
 * tolerate (or tolerates only for tolerationSeconds, now past) is marked DisruptionTarget and
 * deleted gracefully. Answers whether it was.
 */
export async function evictIfTainted(ctx: SimContext, def: ResourceDefinition, pod: KubeObject, key: string): Promise<boolean> {
  const nodeName = str(specOf(pod)['nodeName']);
  if (nodeName === '' || isDeleting(pod) || isTerminal(pod)) return false;
  const node = ctx.cache.get(keyFor('/nodes', '', nodeName))?.object;
  const uid = pod.metadata.uid ?? '';
  let seen = since.get(ctx.cache);
  if (seen === undefined) since.set(ctx.cache, (seen = new Map()));
  const verdict = node === undefined ? undefined : evictionFor(pod, node);
  if (verdict === undefined) {
    seen.delete(uid);
    return false;
  }
  if (verdict.evict === 'after') {
    const nowMs = Date.now();
    const first = seen.get(uid) ?? nowMs;
    seen.set(uid, first);
    const dueAt = first + verdict.seconds * ctx.options.secondMs;
    if (nowMs < dueAt) {
      ctx.later(key, dueAt);
      return false;
    }
  }
  seen.delete(uid);
  ctx.events.record(TAINT_EVICTION, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? '' } }, evictionEvent(pod));
  await ctx.writeStatus(def, pod, (cur) => (isDeleting(cur) ? undefined : disruptedStatus(cur, ctx.now())));
  await ctx.remove(def, pod);
  return true;
}
