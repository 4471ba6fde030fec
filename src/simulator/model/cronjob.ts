/**
 * The CronJob controller's decisions (pkg/controller/cronjob, controller v2): which of its Jobs
 * are still active, the most recent unmet schedule time (mostRecentScheduleTime, bounded by
 * startingDeadlineSeconds), whether to start a Job for it under the concurrency policy, the Job
 * itself (`<cronjob>-<scheduled minutes since the epoch>`, the template's labels and annotations,
 * the scheduled-timestamp annotation), the finished Jobs beyond the history limits, and when to
 * look again (the next schedule time plus 100 ms, one timer per CronJob).
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { knownTimeZone, nextTime, parseSchedule, rfc1123z, rfc3339In, type Schedule } from './cron.js';
import type { EventInput } from './events.js';
import { controllerRefTo, timeOf } from './objects.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** nextScheduleDelta: the controller looks again this long after a schedule time. */
const NEXT_SCHEDULE_DELTA_MS = 100;

const rfc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** getFinishedStatus: the first Complete or Failed condition that is True. */
export function finishedAs(job: KubeObject): 'Complete' | 'Failed' | undefined {
  for (const c of recs(statusOf(job)['conditions'])) {
    if ((c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True') return c['type'];
  }
  return undefined;
}

export const jobName = (cronJob: KubeObject, scheduledMs: number): string => `${cronJob.metadata.name ?? ''}-${Math.floor(scheduledMs / 60_000)}`;

const timeZoneOf = (cronJob: KubeObject): string => str(specOf(cronJob)['timeZone']);

export interface ActiveReconciliation {
  /** The status with finished and vanished Jobs out of the active list and lastSuccessfulTime moved on. */
  readonly status: Obj;
  readonly events: readonly EventInput[];
}

/** The first part of syncCronJob, over the Jobs the CronJob controls. */
export function reconcileActive(cronJob: KubeObject, jobs: readonly KubeObject[]): ActiveReconciliation {
  const prev = statusOf(cronJob);
  let active = recs(prev['active']);
  let lastSuccessful = str(prev['lastSuccessfulTime']);
  const events: EventInput[] = [];
  const uids = new Set<string>();
  for (const j of jobs) {
    const uid = j.metadata.uid ?? '';
    uids.add(uid);
    const finished = finishedAs(j);
    if (finished !== undefined && active.some((r) => r['uid'] === uid)) {
      active = active.filter((r) => r['uid'] !== uid);
      events.push({ type: 'Normal', reason: 'SawCompletedJob', message: `Saw completed job: ${j.metadata.name ?? ''}, condition: ${finished}` });
    }
    const completion = str(statusOf(j)['completionTime']);
    if (finished === 'Complete' && completion !== '' && (lastSuccessful === '' || (timeOf(completion) ?? 0) > (timeOf(lastSuccessful) ?? 0))) lastSuccessful = completion;
  }
  for (const r of active) {
    if (uids.has(str(r['uid']))) continue;
    events.push({ type: 'Normal', reason: 'MissingJob', message: `Active job went missing: ${str(r['name'])}` });
  }
  active = active.filter((r) => uids.has(str(r['uid'])));
  return { status: cronJobStatus(prev, active, lastSuccessful), events };
}

function cronJobStatus(prev: Obj, active: readonly Obj[], lastSuccessful: string, lastSchedule?: string): Obj {
  const lastScheduleTime = lastSchedule ?? str(prev['lastScheduleTime']);
  return {
    ...(active.length > 0 && { active }),
    ...(lastScheduleTime !== '' && { lastScheduleTime }),
    ...(lastSuccessful !== '' && { lastSuccessfulTime: lastSuccessful }),
  };
}

/** The status once a Job for `scheduledMs` has been started (`jobRef` added to the active list). */
export function startedStatus(status: Obj, jobRef: Obj, scheduledMs: number): Obj {
  const active = [...recs(status['active']).filter((r) => r['uid'] !== jobRef['uid']), jobRef];
  return cronJobStatus(status, active, str(status['lastSuccessfulTime']), rfc(scheduledMs));
}

/** The status without a Job that was deleted (deleteFromActiveList). */
export function withoutActive(status: Obj, uid: string): Obj {
  return cronJobStatus(status, recs(status['active']).filter((r) => r['uid'] !== uid), str(status['lastSuccessfulTime']));
}

export interface MostRecent {
  readonly earliestMs: number;
  readonly mostRecentMs?: number;
  readonly missed: number;
  readonly error?: string;
}

/** mostRecentScheduleTime: the latest schedule time in (earliest, now], and about how many were missed. */
export function mostRecentScheduleTime(cronJob: KubeObject, schedule: Schedule, nowMs: number, withDeadline: boolean): MostRecent {
  const tz = timeZoneOf(cronJob);
  let earliestMs = timeOf(statusOf(cronJob)['lastScheduleTime']) ?? timeOf(cronJob.metadata.creationTimestamp) ?? nowMs;
  const deadline = num(specOf(cronJob)['startingDeadlineSeconds']);
  if (withDeadline && deadline !== undefined) earliestMs = Math.max(earliestMs, nowMs - deadline * 1000);
  const t1 = nextTime(schedule, earliestMs, tz);
  const t2 = t1 === undefined ? undefined : nextTime(schedule, t1, tz);
  if (t1 !== undefined && nowMs < t1) return { earliestMs, missed: 0 };
  if (t1 !== undefined && t2 !== undefined && nowMs < t2) return { earliestMs, mostRecentMs: t1, missed: 1 };
  const between = t1 === undefined || t2 === undefined ? 0 : Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliestMs, missed: 0, error: 'time difference between two schedules is less than 1 second' };
  const missed = Math.floor((nowMs - t1!) / 1000 / between) + 1;
  let mostRecentMs: number | undefined;
  let t = nextTime(schedule, t1! + (missed - 2) * between * 1000, tz);
  for (let guard = 0; t !== undefined && t <= nowMs && guard < 100_000; guard++) {
    mostRecentMs = t;
    t = nextTime(schedule, t, tz);
  }
  return mostRecentMs === undefined ? { earliestMs, missed } : { earliestMs, mostRecentMs, missed };
}

/** nextScheduleTimeDuration, as an instant: the schedule time after the most recent one, plus 100 ms. */
export function nextCheckAt(cronJob: KubeObject, schedule: Schedule, nowMs: number): number | undefined {
  const r = mostRecentScheduleTime(cronJob, schedule, nowMs, false);
  if (r.error !== undefined) return undefined;
  const next = nextTime(schedule, r.mostRecentMs ?? r.earliestMs, timeZoneOf(cronJob));
  return next === undefined ? undefined : next + NEXT_SCHEDULE_DELTA_MS;
}

export type ScheduleDecision =
  /** Nothing to start; look again at `checkAt` (if any). */
  | { readonly kind: 'wait'; readonly events: readonly EventInput[]; readonly checkAt?: number }
  /** Start a Job for `scheduledMs`, after deleting `replace` (the active Jobs, under Replace). */
  | { readonly kind: 'start'; readonly scheduledMs: number; readonly replace: boolean; readonly events: readonly EventInput[]; readonly checkAt?: number };

/** The rest of syncCronJob, given the CronJob with its active list reconciled. */
export function decideSchedule(cronJob: KubeObject, nowMs: number): ScheduleDecision {
  const spec = specOf(cronJob);
  const tz = timeZoneOf(cronJob);
  if (spec['timeZone'] !== undefined && spec['timeZone'] !== null && !knownTimeZone(tz)) {
    return { kind: 'wait', events: [{ type: 'Warning', reason: 'UnknownTimeZone', message: `invalid timeZone: ${JSON.stringify(tz)}: unknown time zone ${tz}` }] };
  }
  if (spec['suspend'] === true) return { kind: 'wait', events: [] };
  const scheduleText = str(spec['schedule']);
  const schedule = parseSchedule(scheduleText);
  if ('error' in schedule) {
    return { kind: 'wait', events: [{ type: 'Warning', reason: 'UnparseableSchedule', message: `unparseable schedule: ${JSON.stringify(scheduleText)} : ${schedule.error}` }] };
  }
  const events: EventInput[] = [];
  const recent = mostRecentScheduleTime(cronJob, schedule, nowMs, true);
  if (recent.error !== undefined) {
    return { kind: 'wait', events: [{ type: 'Warning', reason: 'InvalidSchedule', message: `invalid schedule: ${scheduleText} : ${recent.error}` }] };
  }
  const checkAt = nextCheckAt(cronJob, schedule, nowMs);
  const wait = (...more: EventInput[]): ScheduleDecision => ({ kind: 'wait', events: [...events, ...more], ...(checkAt !== undefined && { checkAt }) });
  const scheduled = recent.mostRecentMs;
  if (scheduled === undefined || scheduled > nowMs) return wait();
  if (recent.missed > 100) {
    events.push({
      type: 'Warning',
      reason: 'TooManyMissedTimes',
      message: `too many missed start times: ${recent.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
    });
  }
  const deadline = num(spec['startingDeadlineSeconds']);
  if (deadline !== undefined && scheduled + deadline * 1000 < nowMs) {
    return wait({ type: 'Warning', reason: 'MissSchedule', message: `Missed scheduled time to start a job: ${rfc1123z(scheduled)}` });
  }
  const status = statusOf(cronJob);
  const active = recs(status['active']);
  const name = jobName(cronJob, scheduled);
  if (active.some((r) => r['name'] === name) || timeOf(status['lastScheduleTime']) === scheduled) return wait();
  const policy = str(spec['concurrencyPolicy']) || 'Allow';
  if (policy === 'Forbid' && active.length > 0) {
    return wait({ type: 'Normal', reason: 'JobAlreadyActive', message: 'Not starting job because prior execution is running and concurrency policy is Forbid' });
  }
  return { kind: 'start', scheduledMs: scheduled, replace: policy === 'Replace' && active.length > 0, events, ...(checkAt !== undefined && { checkAt }) };
}

/** getJobFromTemplate2. */
export function jobFor(cronJob: KubeObject, scheduledMs: number): KubeObject {
  const template = rec(specOf(cronJob)['jobTemplate']) ?? {};
  const meta = rec(template['metadata']) ?? {};
  const labels = { ...((rec(meta['labels']) ?? {}) as Record<string, string>) };
  const annotations = {
    ...((rec(meta['annotations']) ?? {}) as Record<string, string>),
    [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339In(scheduledMs, timeZoneOf(cronJob)),
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cronJob, scheduledMs),
      namespace: cronJob.metadata.namespace ?? '',
      ...(Object.keys(labels).length > 0 && { labels }),
      annotations,
      ownerReferences: [controllerRefTo(cronJob, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(rec(template['spec']) ?? {}),
  };
}

/** byJobStartTime: by startTime, those without one last, then by name. */
function byStartTime(a: KubeObject, b: KubeObject): number {
  const sa = timeOf(statusOf(a)['startTime']);
  const sb = timeOf(statusOf(b)['startTime']);
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  if (sa === sb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  return sa! - sb!;
}

/** cleanupFinishedJobs: the oldest succeeded and failed Jobs beyond their history limits. */
export function jobsBeyondHistory(cronJob: KubeObject, jobs: readonly KubeObject[]): KubeObject[] {
  const spec = specOf(cronJob);
  const out: KubeObject[] = [];
  for (const [as, limitField] of [
    ['Complete', 'successfulJobsHistoryLimit'],
    ['Failed', 'failedJobsHistoryLimit'],
  ] as const) {
    const limit = num(spec[limitField]);
    if (limit === undefined) continue;
    const finished = jobs.filter((j) => j.metadata.deletionTimestamp === undefined && finishedAs(j) === as).sort(byStartTime);
    out.push(...finished.slice(0, Math.max(0, finished.length - limit)));
  }
  return out;
}

export const createdJob = (name: string): EventInput => ({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${name}` });
export const deletedJob = (name: string): EventInput => ({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${name}` });
export const failedJobCreate = (message: string): EventInput => ({ type: 'Warning', reason: 'FailedCreate', message: `Error creating job: ${message}` });
