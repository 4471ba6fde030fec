/**
 * The Job controller's decisions: keep `parallelism` pods running until `completions` have
 * succeeded (or, without completions, until one has and the rest are done), count failures
 * against backoffLimit (replacements start at once: the simulation skips the back-off delay),
 * and report the conditions of 1.31+: SuccessCriteriaMet then Complete, FailureTarget then Failed.
 */
import type { KubeObject } from '../../api/object.js';
import { num, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { conditionsOf, findCondition, type ConditionInput } from './conditions.js';
import { controllerRefTo, templateOf } from './objects.js';
import { podFromTemplate } from './pod-factory.js';
import { isActive, isPodReady, podPhase } from './pods.js';

export type JobState = 'finished' | 'running' | 'suspended' | 'succeeding' | 'failing';

export interface JobAssessment {
  readonly state: JobState;
  readonly active: readonly KubeObject[];
  readonly succeeded: number;
  readonly failed: number;
}

const hasTrue = (status: Obj, type: string): boolean => findCondition(conditionsOf(status), type)?.['status'] === 'True';

export function assessJob(job: KubeObject, pods: readonly KubeObject[]): JobAssessment {
  const spec = specOf(job);
  const prev = statusOf(job);
  const active = pods.filter(isActive);
  // Counts never go back, even when finished pods are deleted.
  const succeeded = Math.max(num(prev['succeeded']) ?? 0, pods.filter((p) => podPhase(p) === 'Succeeded').length);
  const failed = Math.max(num(prev['failed']) ?? 0, pods.filter((p) => podPhase(p) === 'Failed').length);
  const completions = num(spec['completions']);
  const base = { active, succeeded, failed };
  if (hasTrue(prev, 'Complete') || hasTrue(prev, 'Failed')) return { state: 'finished', ...base };
  if (failed > (num(spec['backoffLimit']) ?? 6)) return { state: 'failing', ...base };
  if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) return { state: 'succeeding', ...base };
  if (spec['suspend'] === true) return { state: 'suspended', ...base };
  return { state: 'running', ...base };
}

export interface JobPlan {
  readonly create: number;
  readonly remove: readonly KubeObject[];
}

export function planJob(job: KubeObject, pods: readonly KubeObject[]): JobPlan {
  const a = assessJob(job, pods);
  if (a.state === 'finished') return { create: 0, remove: [] };
  if (a.state !== 'running') return { create: 0, remove: a.active };
  const spec = specOf(job);
  const parallelism = num(spec['parallelism']) ?? 1;
  const completions = num(spec['completions']);
  // A work queue (no completions) starts nothing once a pod has succeeded, and lets the rest finish.
  const want = completions !== undefined ? Math.min(parallelism, completions - a.succeeded) : a.succeeded > 0 ? a.active.length : parallelism;
  if (a.active.length < want) return { create: want - a.active.length, remove: [] };
  const youngestFirst = [...a.active].sort((x, y) => ((y.metadata.creationTimestamp ?? '') < (x.metadata.creationTimestamp ?? '') ? -1 : 1));
  return { create: 0, remove: youngestFirst.slice(0, a.active.length - want) };
}

export function jobPod(job: KubeObject, nodeName: string): KubeObject {
  return podFromTemplate({
    template: templateOf(job),
    namespace: job.metadata.namespace ?? '',
    owner: controllerRefTo(job, 'batch/v1', 'Job'),
    generateName: `${job.metadata.name ?? ''}-`,
    nodeName,
  });
}

const SUCCESS: Omit<ConditionInput, 'type'> = { status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
const BACKOFF: Omit<ConditionInput, 'type'> = { status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };

/** Job conditions carry both times, set together whenever the status changes. */
function setJobCondition(conditions: Obj[], c: ConditionInput, now: string): Obj[] {
  const current = findCondition(conditions, c.type);
  if (current && current['status'] === c.status && current['reason'] === c.reason) return conditions;
  const next: Obj = { type: c.type, status: c.status, lastProbeTime: now, lastTransitionTime: now, reason: c.reason, message: c.message };
  return current ? conditions.map((x) => (x === current ? next : x)) : [...conditions, next];
}

export function jobStatus(job: KubeObject, pods: readonly KubeObject[], now: Date): Obj {
  const a = assessJob(job, pods);
  const prev = statusOf(job);
  if (a.state === 'finished') return prev;
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  let conditions = conditionsOf(prev);
  const idle = a.active.length === 0;
  let completionTime = str(prev['completionTime']);
  switch (a.state) {
    case 'succeeding':
      conditions = setJobCondition(conditions, { type: 'SuccessCriteriaMet', ...SUCCESS }, at);
      if (idle) {
        conditions = setJobCondition(conditions, { type: 'Complete', ...SUCCESS }, at);
        completionTime ||= at;
      }
      break;
    case 'failing':
      conditions = setJobCondition(conditions, { type: 'FailureTarget', ...BACKOFF }, at);
      if (idle) conditions = setJobCondition(conditions, { type: 'Failed', ...BACKOFF }, at);
      break;
    case 'suspended':
      conditions = setJobCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }, at);
      break;
    case 'running':
      if (findCondition(conditions, 'Suspended')?.['status'] === 'True') {
        conditions = setJobCondition(conditions, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed' }, at);
      }
      break;
  }
  const startTime = str(prev['startTime']) || (a.state === 'suspended' ? '' : at);
  return {
    ...(conditions.length > 0 && { conditions }),
    ...(startTime !== '' && { startTime }),
    ...(completionTime !== '' && { completionTime }),
    ...(a.active.length > 0 && { active: a.active.length }),
    ...(a.succeeded > 0 && { succeeded: a.succeeded }),
    ...(a.failed > 0 && { failed: a.failed }),
    terminating: 0,
    ready: a.active.filter(isPodReady).length,
    uncountedTerminatedPods: {},
  };
}
