/**
 * batch/v1 Jobs and CronJobs. A Job without `manualSelector` gets upstream's generated selector
 * (`batch.kubernetes.io/controller-uid`) and the job-name and controller-uid labels on its
 * template, and, lacking labels of its own, the template's; CronJob schedules are checked with
 * robfig/cron's grammar (cron.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, labelSelectorMatches, type LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, humanDuration, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { conditionTrue, containerColumns, deleting, NONE, selectorColumn, since } from './cells.js';
import { immutable, nonNegative, oneOf } from './checks.js';
import { cronScheduleError, isTimeZone } from './cron.js';
import { arr, at, child, column, define, each, kindStrategy, num, rec, setDefault, specOf, statusOf, str, strMap, type Obj } from './helpers.js';
import { defaultPodTemplate, validatePodTemplate } from './pod-template.js';

const batch = { group: 'batch', version: 'v1', namespaced: true } as const;

export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
const LEGACY_JOB_NAME_LABEL = 'job-name';

/** SetDefaults_Job for the JobSpec inside a Job (CronJob templates get only the pod defaults). */
function defaultJobSpec(spec: Obj): void {
  if ((spec['completions'] ?? null) === null && (spec['parallelism'] ?? null) === null) spec['completions'] = 1;
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', spec['backoffLimitPerIndex'] !== undefined && spec['backoffLimitPerIndex'] !== null ? 2147483647 : 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'manualSelector', false);
  const failurePolicy = rec(spec['podFailurePolicy']);
  for (const rule of each(failurePolicy ?? {}, 'rules')) for (const c of each(rule, 'onPodConditions')) setDefault(c, 'status', 'True');
  setDefault(spec, 'podReplacementPolicy', failurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplate(spec['template']);
}

/** generateSelector: template labels naming the job and its uid, and a selector on the uid. */
function generateSelector(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (spec['manualSelector'] === true) return;
  const labels = child(child(child(spec, 'template'), 'metadata'), 'labels');
  const name = o.metadata.name ?? '';
  const uid = o.metadata.uid ?? '';
  for (const key of [LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL]) setDefault(labels, key, name);
  for (const key of [LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL]) setDefault(labels, key, uid);
  const matchLabels = child(child(spec, 'selector'), 'matchLabels');
  if (!Object.hasOwn(matchLabels, CONTROLLER_UID_LABEL)) matchLabels[CONTROLLER_UID_LABEL] = uid;
}

/** A Job without labels shows its template's (upstream's defaulter shares the map). */
function inheritTemplateLabels(o: KubeObject): void {
  const labels = strMap(at(o, 'spec.template.metadata.labels'));
  if (Object.keys(o.metadata.labels ?? {}).length === 0 && Object.keys(labels).length > 0) o.metadata.labels = { ...labels };
}

/** validateJobSpec at `path` (`spec` of a Job, `spec.jobTemplate.spec` of a CronJob). */
function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) errs.push(...nonNegative(`${path}.${f}`, spec[f]));
  const template = rec(spec['template']);
  const selector = spec['selector'];
  if (selector === undefined || selector === null) {
    if (spec['manualSelector'] === true) errs.push(fieldErrors.required(`${path}.selector`));
  } else {
    const sel = rec(selector) as LabelSelector | undefined;
    const selErrs = validateLabelSelector(sel, `${path}.selector`);
    errs.push(...selErrs);
    if (selErrs.length === 0 && !labelSelectorMatches(sel, strMap(rec(template?.['metadata'])?.['labels']))) {
      errs.push(fieldErrors.invalid(`${path}.template.metadata.labels`, rec(template?.['metadata'])?.['labels'] ?? null, '`selector` does not match template `labels`'));
    }
  }
  errs.push(...oneOf(`${path}.completionMode`, spec['completionMode'], ['NonIndexed', 'Indexed']));
  if (spec['completionMode'] === 'Indexed' && typeof spec['completions'] !== 'number') {
    errs.push(fieldErrors.required(`${path}.completions`, 'when completion mode is Indexed'));
  }
  errs.push(...oneOf(`${path}.podReplacementPolicy`, spec['podReplacementPolicy'], ['TerminatingOrFailed', 'Failed']));
  errs.push(...validatePodTemplate(template, `${path}.template`, { restartPolicies: ['OnFailure', 'Never'] }));
  return errs;
}

const SCHEDULING_FIELDS = ['nodeSelector', 'affinity', 'tolerations', 'schedulingGates'];

/** A template with what a suspended, never-started Job may still change taken out. */
function schedulingMasked(template: unknown): unknown {
  const t = structuredClone(rec(template) ?? {});
  const meta = rec(t['metadata']);
  if (meta) {
    delete meta['labels'];
    delete meta['annotations'];
  }
  const spec = rec(t['spec']);
  if (spec) for (const f of SCHEDULING_FIELDS) delete spec[f];
  return t;
}

function validateJobUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  const errs = [...immutable('spec.selector', spec['selector'], prev['selector'])];
  const mutableScheduling = prev['suspend'] === true && statusOf(old)['startTime'] === undefined;
  if (!(mutableScheduling && isDeepStrictEqual(schedulingMasked(spec['template']), schedulingMasked(prev['template'])))) {
    errs.push(...immutable('spec.template', spec['template'], prev['template']));
  }
  const elastic = spec['completionMode'] === 'Indexed' && spec['completions'] === spec['parallelism'] && prev['completions'] === prev['parallelism'];
  if (!elastic) errs.push(...immutable('spec.completions', spec['completions'], prev['completions']));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) errs.push(...immutable(`spec.${f}`, spec[f], prev[f]));
  return errs;
}

/** printJob's STATUS. */
function jobStatus(o: KubeObject): string {
  const status = statusOf(o);
  if (conditionTrue(status, 'Complete')) return 'Complete';
  if (conditionTrue(status, 'Failed')) return 'Failed';
  if (deleting(o)) return 'Terminating';
  if (conditionTrue(status, 'Suspended')) return 'Suspended';
  if (conditionTrue(status, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

/** `1/3`, or `0/1 of 3` for a work queue (no completions, parallelism above 1). */
function jobCompletions(o: KubeObject): string {
  const spec = specOf(o);
  const succeeded = num(statusOf(o)['succeeded']) ?? 0;
  const completions = num(spec['completions']);
  if (completions !== undefined) return `${succeeded}/${completions}`;
  const parallelism = num(spec['parallelism']) ?? 0;
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

/** Empty until started; running time so far; start to completion once done. */
export function jobDuration(o: KubeObject, now: number = Date.now()): string {
  const status = statusOf(o);
  const start = Date.parse(str(status['startTime']));
  if (Number.isNaN(start)) return '';
  const end = Date.parse(str(status['completionTime']));
  return humanDuration(((Number.isNaN(end) ? now : end) - start) / 1000);
}

export const jobs: ResourceDefinition = define({
  ...batch,
  kind: 'Job',
  plural: 'jobs',
  categories: ['all'],
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Status', jobStatus, { description: 'Status of the job.' }),
    column('Completions', jobCompletions, { description: 'The number of pods which reached phase Succeeded.' }),
    column('Duration', (o) => jobDuration(o), { description: 'Time required to complete the job.' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
    selectorColumn('spec.selector', 'A label query over pods that should match the pod count.'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: (o) => defaultJobSpec(child(o, 'spec')),
    create: (o) => {
      generateSelector(o);
      inheritTemplateLabels(o);
    },
    update: inheritTemplateLabels,
    validate: (o) => validateJobSpec(specOf(o), 'spec'),
    validateUpdate: validateJobUpdate,
    selectableFields: (o) => ({ 'status.successful': String(num(statusOf(o)['succeeded']) ?? 0) }),
  }),
});

function defaultCronJob(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(rec(rec(spec['jobTemplate'])?.['spec'])?.['template']);
}

function validateCronJob(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (name.length > 52) errs.push(fieldErrors.invalid('metadata.name', name, 'must be no more than 52 characters'));
  const schedule = str(spec['schedule']);
  if (schedule === '') errs.push(fieldErrors.required('spec.schedule'));
  else {
    const err = cronScheduleError(schedule);
    if (err !== '') errs.push(fieldErrors.invalid('spec.schedule', schedule, err));
    if (schedule.includes('TZ')) errs.push(fieldErrors.invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  const tz = spec['timeZone'];
  if (tz !== undefined && tz !== null && !isTimeZone(str(tz))) errs.push(fieldErrors.invalid('spec.timeZone', tz, `unknown time zone ${str(tz)}`));
  errs.push(...oneOf('spec.concurrencyPolicy', spec['concurrencyPolicy'], ['Allow', 'Forbid', 'Replace']));
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) errs.push(...nonNegative(`spec.${f}`, spec[f]));
  const jobSpec = rec(rec(spec['jobTemplate'])?.['spec']) ?? {};
  errs.push(...validateJobSpec(jobSpec, 'spec.jobTemplate.spec'));
  if (jobSpec['selector'] !== undefined && jobSpec['selector'] !== null) {
    errs.push(fieldErrors.invalid('spec.jobTemplate.spec.selector', jobSpec['selector'], '`selector` will be auto-generated'));
  }
  if (jobSpec['manualSelector'] === true) errs.push(fieldErrors.notSupported('spec.jobTemplate.spec.manualSelector', true, ['nil', 'false']));
  return errs;
}

export const cronjobs: ResourceDefinition = define({
  ...batch,
  kind: 'CronJob',
  plural: 'cronjobs',
  shortNames: ['cj'],
  categories: ['all'],
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Schedule', (o) => str(specOf(o)['schedule']), { description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.' }),
    column('Timezone', (o) => str(specOf(o)['timeZone']) || NONE, { description: 'The time zone name for the given schedule.' }),
    column('Suspend', (o) => (typeof specOf(o)['suspend'] === 'boolean' ? (specOf(o)['suspend'] ? 'True' : 'False') : '<unset>'), {
      type: 'boolean',
      description: 'This flag tells the controller to suspend subsequent executions.',
    }),
    column('Active', (o) => arr(statusOf(o)['active']).length, { type: 'integer', description: 'A list of pointers to currently running jobs.' }),
    column('Last Schedule', (o) => (str(statusOf(o)['lastScheduleTime']) ? since(statusOf(o)['lastScheduleTime']) : NONE), {
      description: 'Information when was the last time the job was successfully scheduled.',
    }),
    ageColumn,
    ...containerColumns('spec.jobTemplate.spec.template.spec'),
    selectorColumn('spec.jobTemplate.spec.selector', 'A label query over pods that should match the pod count.'),
  ],
  strategy: kindStrategy({ statusSubresource: true, defaults: defaultCronJob, validate: validateCronJob }),
});

/** batch/v1 in discovery order. */
export const batchResources: readonly ResourceDefinition[] = [cronjobs, jobs];
