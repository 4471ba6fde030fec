/**
 * apps/v1: ControllerRevisions, DaemonSets, Deployments, ReplicaSets and StatefulSets, with the
 * apps/v1 defaults (replicas, update strategies, history limits) and the rules users meet: a
 * selector that matches the template's labels and never changes, pods that restart Always.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { formatLabelSelector, labelSelectorToRequirements, validateLabels, type LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { PrinterColumn, ResourceDefinition, ScaleSubresource } from '../definition.js';
import { containerColumns, formatLabelMap, selectorColumn } from './cells.js';
import { immutable, intOrPercent, intOrPercentValue, nonNegative, oneOf, validateControllerSelector } from './checks.js';
import { child, column, define, each, kindStrategy, num, rec, setDefault, specOf, statusOf, strMap, type Obj } from './helpers.js';
import { defaultPodTemplate, validatePodTemplate } from './pod-template.js';

const apps = { group: 'apps', version: 'v1', namespaced: true } as const;

/** Scale reads spec.replicas and status.replicas; `spec.selector` is a metav1.LabelSelector to format for Scale's status.selector. */
const SCALE: ScaleSubresource = { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' };

/**
 * What every pod-managing controller checks: selector vs. template, the template itself, and
 * counters. A StatefulSet's pod spec is not validated (upstream's ValidatePodTemplateSpecForStatefulSet
 * leaves it out: its volume mounts may name volumeClaimTemplates, which are no pod volumes), only
 * its template labels and the restart policy.
 */
function validateWorkload(o: KubeObject, what: string): FieldError[] {
  const spec = specOf(o);
  const template = rec(spec['template']);
  const podSpec = rec(template?.['spec']);
  const errs = [
    ...nonNegative('spec.replicas', spec['replicas']),
    ...nonNegative('spec.minReadySeconds', spec['minReadySeconds']),
    ...nonNegative('spec.revisionHistoryLimit', spec['revisionHistoryLimit']),
    ...validateControllerSelector({
      selector: spec['selector'],
      templateLabels: rec(template?.['metadata'])?.['labels'],
      selectorPath: 'spec.selector',
      labelsPath: 'spec.template.metadata.labels',
      what,
    }),
  ];
  if (what !== 'statefulset') errs.push(...validatePodTemplate(template, 'spec.template', { restartPolicies: ['Always'] }));
  else {
    errs.push(...validateLabels(strMap(rec(template?.['metadata'])?.['labels']), 'spec.template.labels'));
    const restart = podSpec?.['restartPolicy'];
    if (restart !== 'Always') errs.push(fieldErrors.notSupported('spec.template.spec.restartPolicy', restart ?? '', ['Always']));
  }
  if (podSpec?.['activeDeadlineSeconds'] !== undefined) {
    const owner = what === 'statefulset' ? 'StatefulSet' : 'ReplicaSet';
    errs.push(fieldErrors.forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${owner} is not Supported`));
  }
  return errs;
}

const selectorImmutable = (o: KubeObject, old: KubeObject): FieldError[] => immutable('spec.selector', specOf(o)['selector'], specOf(old)['selector']);

const replicasOf = (o: KubeObject, where: 'spec' | 'status', field = 'replicas'): number =>
  num((where === 'spec' ? specOf(o) : statusOf(o))[field]) ?? 0;

function defaultDeployment(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const rolling = child(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec['template']);
}

function validateDeployment(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateWorkload(o, 'deployment');
  const strategy = rec(spec['strategy']) ?? {};
  const rolling = rec(strategy['rollingUpdate']);
  if (strategy['type'] === 'Recreate') {
    if (rolling !== undefined) errs.push(fieldErrors.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy['type'] === 'RollingUpdate') {
    if (rolling === undefined) errs.push(fieldErrors.required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
    else {
      const path = 'spec.strategy.rollingUpdate';
      errs.push(...intOrPercent(`${path}.maxUnavailable`, rolling['maxUnavailable'], true), ...intOrPercent(`${path}.maxSurge`, rolling['maxSurge']));
      if (intOrPercentValue(rolling['maxUnavailable']) === 0 && intOrPercentValue(rolling['maxSurge']) === 0) {
        errs.push(fieldErrors.invalid(`${path}.maxUnavailable`, rolling['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
      }
    }
  } else errs.push(fieldErrors.notSupported('spec.strategy', strategy['type'] ?? '', ['Recreate', 'RollingUpdate']));
  const deadline = spec['progressDeadlineSeconds'];
  if (typeof deadline === 'number') {
    errs.push(...nonNegative('spec.progressDeadlineSeconds', deadline));
    if (deadline <= (num(spec['minReadySeconds']) ?? 0)) errs.push(fieldErrors.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** The Deployment printer's selector: selector.String(), empty (not `<none>`) when there is none. */
function deploymentSelector(o: KubeObject): string {
  try {
    const reqs = labelSelectorToRequirements(rec(specOf(o)['selector']) as LabelSelector | undefined);
    return reqs === null ? '' : formatLabelSelector(reqs);
  } catch {
    return '<invalid>';
  }
}

export const deployments: ResourceDefinition = define({
  ...apps,
  kind: 'Deployment',
  plural: 'deployments',
  shortNames: ['deploy'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    nameColumn,
    column('Ready', (o) => `${replicasOf(o, 'status', 'readyReplicas')}/${replicasOf(o, 'spec')}`, { description: 'Number of the pod with ready state' }),
    column('Up-to-date', (o) => replicasOf(o, 'status', 'updatedReplicas'), { description: 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.' }),
    column('Available', (o) => replicasOf(o, 'status', 'availableReplicas'), { description: 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
    { ...selectorColumn('spec.selector', 'Label selector for pods.'), cell: deploymentSelector },
  ],
  strategy: kindStrategy({ statusSubresource: true, defaults: defaultDeployment, validate: validateDeployment, validateUpdate: selectorImmutable }),
});

export const replicasets: ResourceDefinition = define({
  ...apps,
  kind: 'ReplicaSet',
  plural: 'replicasets',
  shortNames: ['rs'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    nameColumn,
    column('Desired', (o) => replicasOf(o, 'spec'), { type: 'integer', description: 'Replicas is the number of desired pods.' }),
    column('Current', (o) => replicasOf(o, 'status'), { type: 'integer', description: 'Replicas is the most recently observed number of non-terminating pods.' }),
    column('Ready', (o) => replicasOf(o, 'status', 'readyReplicas'), { type: 'integer', description: 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
    selectorColumn('spec.selector'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: (o) => {
      const spec = child(o, 'spec');
      setDefault(spec, 'replicas', 1);
      defaultPodTemplate(spec['template']);
    },
    initialStatus: () => ({ replicas: 0 }),
    validate: (o) => validateWorkload(o, 'deployment'),
    validateUpdate: selectorImmutable,
    selectableFields: (o) => ({ 'status.replicas': String(replicasOf(o, 'status')) }),
  }),
});

function defaultStatefulSet(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (strategy['type'] === undefined || strategy['type'] === '') {
    strategy['type'] = 'RollingUpdate';
    setDefault(strategy, 'rollingUpdate', {});
  }
  const rolling = rec(strategy['rollingUpdate']);
  if (strategy['type'] === 'RollingUpdate' && rolling !== undefined) setDefault(rolling, 'partition', 0);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec['template']);
  for (const claim of each(spec, 'volumeClaimTemplates')) {
    setDefault(claim, 'apiVersion', 'v1');
    setDefault(claim, 'kind', 'PersistentVolumeClaim');
    setDefault(child(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefault(child(claim, 'status'), 'phase', 'Pending');
  }
}

function validateStatefulSet(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateWorkload(o, 'statefulset');
  errs.push(...oneOf('spec.podManagementPolicy', spec['podManagementPolicy'], ['OrderedReady', 'Parallel']));
  const strategy = rec(spec['updateStrategy']) ?? {};
  errs.push(...oneOf('spec.updateStrategy.type', strategy['type'], ['RollingUpdate', 'OnDelete']));
  const rolling = rec(strategy['rollingUpdate']);
  if (strategy['type'] === 'OnDelete' && rolling !== undefined) {
    errs.push(fieldErrors.invalid('spec.updateStrategy.rollingUpdate', rolling, "only allowed for updateStrategy 'RollingUpdate'"));
  }
  errs.push(...nonNegative('spec.updateStrategy.rollingUpdate.partition', rolling?.['partition']));
  const retention = rec(spec['persistentVolumeClaimRetentionPolicy']) ?? {};
  for (const f of ['whenDeleted', 'whenScaled']) errs.push(...oneOf(`spec.persistentVolumeClaimRetentionPolicy.${f}`, retention[f], ['Retain', 'Delete']));
  errs.push(...nonNegative('spec.ordinals.start', rec(spec['ordinals'])?.['start']));
  return errs;
}

const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function validateStatefulSetUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const rest = (s: Obj): Obj => Object.fromEntries(Object.entries(s).filter(([k]) => !STATEFULSET_MUTABLE.includes(k)));
  if (isDeepStrictEqual(rest(specOf(o)), rest(specOf(old)))) return [];
  return [
    fieldErrors.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

export const statefulsets: ResourceDefinition = define({
  ...apps,
  kind: 'StatefulSet',
  plural: 'statefulsets',
  shortNames: ['sts'],
  categories: ['all'],
  subresources: { status: true, scale: SCALE },
  columns: [
    nameColumn,
    column('Ready', (o) => `${replicasOf(o, 'status', 'readyReplicas')}/${replicasOf(o, 'spec')}`, { description: 'Number of the pod with ready state' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: defaultStatefulSet,
    initialStatus: () => ({ availableReplicas: 0, replicas: 0 }),
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
  }),
});

function defaultDaemonSet(o: KubeObject): void {
  const spec = child(o, 'spec');
  const strategy = child(spec, 'updateStrategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const rolling = child(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', 1);
    setDefault(rolling, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec['template']);
}

function validateDaemonSet(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateWorkload(o, 'daemonset');
  const strategy = rec(spec['updateStrategy']) ?? {};
  errs.push(...oneOf('spec.updateStrategy.type', strategy['type'], ['RollingUpdate', 'OnDelete']));
  const rolling = rec(strategy['rollingUpdate']);
  if (strategy['type'] === 'RollingUpdate' && rolling !== undefined) {
    const path = 'spec.updateStrategy.rollingUpdate';
    errs.push(...intOrPercent(`${path}.maxUnavailable`, rolling['maxUnavailable'], true), ...intOrPercent(`${path}.maxSurge`, rolling['maxSurge']));
    if (intOrPercentValue(rolling['maxUnavailable']) === 0 && intOrPercentValue(rolling['maxSurge']) === 0) {
      errs.push(fieldErrors.invalid(`${path}.maxUnavailable`, rolling['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
    }
  }
  return errs;
}

const statusCount = (name: string, field: string, description: string): PrinterColumn =>
  column(name, (o) => replicasOf(o, 'status', field), { type: 'integer', description });

export const daemonsets: ResourceDefinition = define({
  ...apps,
  kind: 'DaemonSet',
  plural: 'daemonsets',
  shortNames: ['ds'],
  categories: ['all'],
  subresources: { status: true },
  columns: [
    nameColumn,
    statusCount('Desired', 'desiredNumberScheduled', 'The total number of nodes that should be running the daemon pod.'),
    statusCount('Current', 'currentNumberScheduled', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    statusCount('Ready', 'numberReady', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
    statusCount('Up-to-date', 'updatedNumberScheduled', 'The total number of nodes that are running updated daemon pod'),
    statusCount('Available', 'numberAvailable', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', (o) => formatLabelMap(rec(rec(specOf(o)['template'])?.['spec'])?.['nodeSelector']), { description: 'NodeSelector is a selector which must be true for the pod to fit on a node.' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
    selectorColumn('spec.selector'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: defaultDaemonSet,
    initialStatus: () => ({ currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
    validate: validateDaemonSet,
    validateUpdate: selectorImmutable,
  }),
});

/** `statefulset.apps/web`: the controlling owner as kubectl names it, `<none>` without one. */
function controllerOf(o: KubeObject): string {
  const ref = (o.metadata.ownerReferences ?? []).find((r) => r.controller === true);
  if (ref === undefined) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${(group === '' ? ref.kind : `${ref.kind}.${group}`).toLowerCase()}/${ref.name}`;
}

export const controllerrevisions: ResourceDefinition = define({
  ...apps,
  kind: 'ControllerRevision',
  plural: 'controllerrevisions',
  columns: [
    nameColumn,
    column('Controller', controllerOf, { description: 'Controller of the object' }),
    column('Revision', (o) => num(o['revision']) ?? 0, { description: 'Revision indicates the revision of the state represented by Data.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    validate: (o) => nonNegative('revision', o['revision']),
    validateUpdate: (o, old) => immutable('data', o['data'], old['data']),
  }),
});

/** apps/v1 in discovery order. */
export const appsResources: readonly ResourceDefinition[] = [controllerrevisions, daemonsets, deployments, replicasets, statefulsets];
