/**
 * The CronJob controller against the space (model/cronjob.ts decides): the active list kept
 * against the Jobs it controls, a Job started per schedule time under the concurrency policy,
 * the status written, finished Jobs beyond the history limits deleted (in the background, as the
 * controller asks), and one timer per CronJob to its next schedule time. Times come from the
 * options' cronClock; timers run on the real one.
 */
import type { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { statusOf } from '../../registry/builtin/helpers.js';
import { decideSchedule, deletedJob, createdJob, failedJobCreate, jobFor, jobsBeyondHistory, reconcileActive, startedStatus, withoutActive } from '../model/cronjob.js';
import { errorText, objectReference } from '../model/events.js';
import { isControlledBy, isDeleting, type Obj } from '../model/objects.js';
import { keyFor } from './cache.js';
import { childrenOf, type SimContext, type SyncFunction } from './context.js';

const SOURCE = { component: 'cronjob-controller' };

export const syncCronJob: SyncFunction = async (ctx, { def, object: cj }, key) => {
  const jobDef = ctx.def('batch/jobs');
  if (jobDef === undefined) return;
  const nowMs = ctx.options.cronClock();
  const jobs = childrenOf(ctx, cj, 'batch/jobs');
  const reconciled = reconcileActive(cj, jobs);
  ctx.events.record(SOURCE, cj, ...reconciled.events);
  let status: Obj = reconciled.status;
  if (!isDeleting(cj)) {
    const decision = decideSchedule({ ...cj, status }, nowMs);
    ctx.events.record(SOURCE, cj, ...decision.events);
    if (decision.kind === 'start') status = await start(ctx, cj, status, decision.scheduledMs, decision.replace);
    if (decision.checkAt !== undefined) ctx.later(key, Date.now() + Math.max(0, decision.checkAt - nowMs));
  }
  await ctx.writeStatus(def, cj, () => status);
  // cleanupFinishedJobs, after the status is written.
  for (const j of jobsBeyondHistory(cj, jobs)) await deleteJob(ctx, cj, j);
};

/** Replaces the active Jobs if asked, then creates the one for `scheduledMs`; answers the status after. */
async function start(ctx: SimContext, cj: KubeObject, status: Obj, scheduledMs: number, replace: boolean): Promise<Obj> {
  const jobDef = ctx.def('batch/jobs')!;
  let after = status;
  if (replace) {
    for (const ref of (statusOf({ ...cj, status })['active'] as Obj[] | undefined) ?? []) {
      const job = ctx.cache.get(keyFor('batch/jobs', cj.metadata.namespace ?? '', String(ref['name'])))?.object;
      if (job === undefined) continue;
      await deleteJob(ctx, cj, job);
      after = withoutActive(after, job.metadata.uid ?? '');
    }
  }
  const want = jobFor(cj, scheduledMs);
  let refusal: StatusError | undefined;
  const created = await ctx.create(jobDef, want, (err) => (refusal = err));
  if (refusal !== undefined) {
    ctx.events.record(SOURCE, cj, failedJobCreate(errorText(refusal)));
    return after;
  }
  let job = created;
  if (job === undefined) {
    // Already there (made before a restart, its status write lost): adopted into the active list if ours.
    const existing = ctx.cache.get(keyFor('batch/jobs', cj.metadata.namespace ?? '', want.metadata.name ?? ''))?.object;
    if (existing === undefined || !isControlledBy(existing, cj)) return after;
    job = existing;
  } else ctx.events.record(SOURCE, cj, createdJob(job.metadata.name ?? ''));
  return startedStatus(after, objectReference({ ...job, apiVersion: 'batch/v1', kind: 'Job' }), scheduledMs);
}

async function deleteJob(ctx: SimContext, cj: KubeObject, job: KubeObject): Promise<void> {
  const jobDef = ctx.def('batch/jobs')!;
  await ctx.remove(jobDef, job, { propagationPolicy: 'Background' });
  ctx.events.record(SOURCE, cj, deletedJob(job.metadata.name ?? ''));
}
