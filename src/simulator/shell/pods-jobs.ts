/** The simulated scheduler and kubelet (every pod, owned or not) and the Job controller against the space. */
import type { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { recs, specOf, statusOf, str } from '../../registry/builtin/helpers.js';
import { POD_CIDR, pickAddress } from '../model/addresses.js';
import { containerEvents, createdPod, deletedPod, failedCreate, jobEvents, killingEvents, SOURCES } from '../model/events.js';
import { jobPod, jobStatus, planJob } from '../model/job.js';
import { isDeleting } from '../model/objects.js';
import { decidePod, gracefulStopAt, isActive, podStatusFor } from '../model/pods.js';
import { gatedStatus, isGated, needsScheduling, runsToCompletion } from '../model/scheduling.js';
import { childrenOf, type SimContext, type SyncFunction } from './context.js';
import { evictIfTainted, schedulePod } from './scheduler.js';

/** Addresses of the pods still holding one. */
function podIPsInUse(ctx: SimContext): Set<string> {
  const used = new Set<string>();
  for (const { object } of ctx.cache.ofKind('/pods')) {
    if (!isActive(object)) continue;
    for (const a of recs(statusOf(object)['podIPs'])) used.add(str(a['ip']));
  }
  return used;
}

export const syncPod: SyncFunction = async (ctx, { def, object: pod }, key) => {
  const stopAt = gracefulStopAt(pod, ctx.options.readyDelayMs);
  if (stopAt !== undefined) {
    // The kubelet stops the containers (they heed SIGTERM at once here), then removes the pod.
    if (Date.now() < stopAt) ctx.later(key, stopAt);
    else {
      ctx.events.kubelet(nodeOf(ctx, pod), pod, killingEvents(pod));
      await ctx.remove(def, pod, { gracePeriodSeconds: 0 });
    }
    return;
  }
  // The scheduler binds it (or says why not); the kubelet takes it from there when the bound pod comes back.
  if (needsScheduling(pod)) return schedulePod(ctx, def, pod);
  // The taint-eviction controller deletes it when its node has a NoExecute taint it does not tolerate.
  if (await evictIfTainted(ctx, def, pod, key)) return;
  if (isGated(pod)) return ctx.writeStatus(def, pod, (cur) => (isGated(cur) ? gatedStatus(cur, ctx.now()) : undefined));
  const decision = decidePod(pod, {
    ageMs: ctx.ageMs(pod),
    readyDelayMs: ctx.options.readyDelayMs,
    jobDurationMs: ctx.options.jobDurationMs,
    failing: ctx.failing(pod),
    runsToCompletion: runsToCompletion(pod),
  });
  if (decision.recheckInMs !== undefined) ctx.later(key, Date.now() + decision.recheckInMs);
  const target = decision.target;
  if (target === undefined) return;
  const now = ctx.now();
  const podIP = str(statusOf(pod)['podIP']) || (pickAddress(POD_CIDR, pod.metadata.uid ?? '', podIPsInUse(ctx)) ?? '');
  const place = { now, hostIP: ctx.hostIP, podIP };
  await ctx.writeStatus(def, pod, (cur) => (isDeleting(cur) ? undefined : podStatusFor(cur, target, place)));
  ctx.events.kubelet(nodeOf(ctx, pod), pod, containerEvents(pod, statusOf(pod), podStatusFor(pod, target, place)));
};

const nodeOf = (ctx: SimContext, pod: KubeObject): string => str(specOf(pod)['nodeName']) || ctx.options.nodeName;

export const syncJob: SyncFunction = async (ctx, { def, object: job }, key) => {
  const podDef = ctx.def('/pods');
  if (podDef === undefined) return;
  const pods = childrenOf(ctx, job, '/pods');
  // A creation the server refused: a FailedCreate Event, then a retry with back-off (the throw below).
  let refusal: StatusError | undefined;
  if (!isDeleting(job)) {
    const plan = planJob(job, pods);
    for (let i = 0; i < plan.create; i++) {
      const created = await ctx.create(podDef, jobPod(job, '', plan.indexes?.[i]), (err) => (refusal = err));
      if (refusal !== undefined) {
        ctx.events.record(SOURCES.job, job, failedCreate(refusal));
        break;
      }
      if (created === undefined) {
        ctx.later(key, Date.now() + ctx.options.retryMs);
        break;
      }
      ctx.events.record(SOURCES.job, job, createdPod(created.metadata.name ?? ''));
    }
    for (const p of plan.remove) {
      await ctx.remove(podDef, p);
      ctx.events.record(SOURCES.job, job, deletedPod(p.metadata.name ?? ''));
    }
  }
  const now = ctx.now();
  await ctx.writeStatus(def, job, (cur) => jobStatus(cur, pods, now));
  ctx.events.record(SOURCES.job, job, ...jobEvents(statusOf(job), jobStatus(job, pods, now)));
  if (refusal !== undefined) throw refusal;
};
