/**
 * The Job controller's decisions: keep `parallelism` pods running until `completions` have
 * succeeded (or, without completions, until one has and the rest are done), count failures
 * against backoffLimit (replacements start at once: the simulation skips the back-off delay),
 * and report the conditions of 1.31+: SuccessCriteriaMet then Complete, FailureTarget then Failed.
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
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

export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

export const isIndexed = (job: KubeObject): boolean => specOf(job)['completionMode'] === 'Indexed';

/** getCompletionIndex: the pod's index from its annotation (or label); undefined when it has none or a bad one. */
export function completionIndexOf(pod: KubeObject): number | undefined {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** Parses `status.completedIndexes` ("1,3-5,7"), keeping indexes below `completions`. */
export function parseIndexes(text: string, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

/** orderedIntervals.String: ascending, consecutive runs as `first-last`, joined by commas. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}

/** An Indexed Job's succeeded indexes: those its status records, and those of its succeeded pods. */
export function succeededIndexes(job: KubeObject, pods: readonly KubeObject[]): Set<number> {
  const completions = num(specOf(job)['completions']) ?? 0;
  const out = parseIndexes(str(statusOf(job)['completedIndexes']), completions);
  for (const p of pods) {
    const i = completionIndexOf(p);
    if (podPhase(p) === 'Succeeded' && i !== undefined && i < completions) out.add(i);
  }
  return out;
}

export function assessJob(job: KubeObject, pods: readonly KubeObject[]): JobAssessment {
  const spec = specOf(job);
  const prev = statusOf(job);
  const active = pods.filter(isActive);
  // Counts never go back, even when finished pods are deleted; an Indexed Job counts indexes.
  const succeeded = isIndexed(job)
    ? succeededIndexes(job, pods).size
    : Math.max(num(prev['succeeded']) ?? 0, pods.filter((p) => podPhase(p) === 'Succeeded').length);
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
  /** An Indexed Job's: the completion index of each pod to create (`create` of them). */
  readonly indexes?: readonly number[];
  readonly remove: readonly KubeObject[];
}

const youngestFirst = (pods: readonly KubeObject[]): KubeObject[] =>
  [...pods].sort((x, y) => ((y.metadata.creationTimestamp ?? '') < (x.metadata.creationTimestamp ?? '') ? -1 : 1));

/**
 * An Indexed Job: one active pod per index not yet succeeded, lowest pending indexes first, up
 * to parallelism; pods without a valid index, duplicates and those of a succeeded index go.
 */
function planIndexed(job: KubeObject, a: JobAssessment, pods: readonly KubeObject[]): JobPlan {
  const spec = specOf(job);
  const completions = num(spec['completions']) ?? 0;
  const parallelism = num(spec['parallelism']) ?? 1;
  const done = succeededIndexes(job, pods);
  const remove: KubeObject[] = [];
  const byIndex = new Map<number, KubeObject>();
  for (const p of [...a.active].sort((x, y) => ((x.metadata.creationTimestamp ?? '') < (y.metadata.creationTimestamp ?? '') ? -1 : 1))) {
    const i = completionIndexOf(p);
    if (i === undefined || i >= completions || done.has(i) || byIndex.has(i)) remove.push(p);
    else byIndex.set(i, p);
  }
  const want = Math.min(parallelism, completions - done.size);
  const kept = [...byIndex.values()];
  if (kept.length > want) return { create: 0, remove: [...remove, ...youngestFirst(kept).slice(0, kept.length - want)] };
  const indexes: number[] = [];
  for (let i = 0; i < completions && indexes.length < want - kept.length; i++) if (!done.has(i) && !byIndex.has(i)) indexes.push(i);
  return { create: indexes.length, indexes, remove };
}

export function planJob(job: KubeObject, pods: readonly KubeObject[]): JobPlan {
  const a = assessJob(job, pods);
  if (a.state === 'finished') return { create: 0, remove: [] };
  if (a.state !== 'running') return { create: 0, remove: a.active };
  if (isIndexed(job)) return planIndexed(job, a, pods);
  const spec = specOf(job);
  const parallelism = num(spec['parallelism']) ?? 1;
  const completions = num(spec['completions']);
  // A work queue (no completions) starts nothing once a pod has succeeded, and lets the rest finish.
  const want = completions !== undefined ? Math.min(parallelism, completions - a.succeeded) : a.succeeded > 0 ? a.active.length : parallelism;
  if (a.active.length < want) return { create: want - a.active.length, remove: [] };
  return { create: 0, remove: youngestFirst(a.active).slice(0, a.active.length - want) };
}

/** addCompletionIndexEnvVariable: JOB_COMPLETION_INDEX from the index label, unless the container sets it. */
function withIndexEnv(container: Obj): Obj {
  const env = recs(container['env']);
  if (env.some((e) => e['name'] === COMPLETION_INDEX_ENV)) return container;
  const fieldRef = { apiVersion: 'v1', fieldPath: `metadata.labels['${COMPLETION_INDEX}']` };
  return { ...container, env: [...env, { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef } }] };
}

/** podGenerateNameWithIndex: `<job>-<index>-`, the job's name cut so the whole stays within 58 characters. */
function generateNameWithIndex(job: string, index: number): string {
  const suffix = `-${index}-`;
  return `${job.slice(0, Math.max(0, 58 - suffix.length))}${suffix}`;
}

/** A pod of the Job; for an Indexed Job, of completion index `index` (annotation, label, hostname and env). */
export function jobPod(job: KubeObject, nodeName: string, index?: number): KubeObject {
  const name = job.metadata.name ?? '';
  if (index === undefined || !isIndexed(job)) {
    return podFromTemplate({ template: templateOf(job), namespace: job.metadata.namespace ?? '', owner: controllerRefTo(job, 'batch/v1', 'Job'), generateName: `${name}-`, nodeName });
  }
  const template = structuredClone(templateOf(job));
  const meta = (template['metadata'] = { ...(rec(template['metadata']) ?? {}) });
  meta['annotations'] = { ...(rec(meta['annotations']) ?? {}), [COMPLETION_INDEX]: String(index) };
  const podSpec = rec(template['spec']) ?? {};
  const spec: Obj = { ...podSpec, containers: recs(podSpec['containers']).map(withIndexEnv) };
  if (podSpec['initContainers'] !== undefined) spec['initContainers'] = recs(podSpec['initContainers']).map(withIndexEnv);
  template['spec'] = spec;
  return podFromTemplate({
    template,
    namespace: job.metadata.namespace ?? '',
    owner: controllerRefTo(job, 'batch/v1', 'Job'),
    generateName: generateNameWithIndex(name, index),
    extraLabels: { [COMPLETION_INDEX]: String(index) },
    nodeName,
    specPatch: { hostname: `${name}-${index}` },
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
  const completedIndexes = isIndexed(job) ? formatIndexes(succeededIndexes(job, pods)) : '';
  return {
    ...(conditions.length > 0 && { conditions }),
    ...(startTime !== '' && { startTime }),
    ...(completionTime !== '' && { completionTime }),
    ...(completedIndexes !== '' && { completedIndexes }),
    ...(a.active.length > 0 && { active: a.active.length }),
    ...(a.succeeded > 0 && { succeeded: a.succeeded }),
    ...(a.failed > 0 && { failed: a.failed }),
    terminating: 0,
    ready: a.active.filter(isPodReady).length,
    uncountedTerminatedPods: {},
  };
}
