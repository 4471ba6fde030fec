/**
 * core/v1 Pods and ReplicationControllers. Pods get the pod-spec defaults, what admission adds
 * to every new pod (service account, priority, the not-ready/unreachable tolerations), an
 * initial `Pending` status with its QoS class, upstream's rule that a pod's spec barely changes
 * after creation, and the READY/STATUS/RESTARTS printer logic of kubectl.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { containerColumns, deleting, formatLabelMap, NONE, since } from './cells.js';
import { nonNegative } from './checks.js';
import { arr, child, column, define, each, kindStrategy, num, rec, recs, setDefault, specOf, statusOf, str, strMap, wide, type Obj } from './helpers.js';
import { defaultPodSpec, defaultPodTemplate, podQOSClass, validatePodSpec, validatePodTemplate } from './pod-template.js';
import {
  bindingUpdate,
  ephemeralContainersUpdate,
  pairPodIPs,
  resizeUpdate,
  validateBindingUpdate,
  validateEphemeralContainersUpdate,
  validateResize,
} from './pod-subresources.js';

/** The v1 status conversion's pairing of podIP/podIPs and hostIP/hostIPs, where a status is present. */
function pairStatusIPs(o: KubeObject): void {
  const status = rec(o['status']);
  if (status !== undefined) pairPodIPs(status);
}

/** SetDefaults_Pod: container requests default to their limits (Pods only, not templates). */
function defaultPod(o: KubeObject): void {
  pairStatusIPs(o);
  const spec = child(o, 'spec');
  defaultPodSpec(spec);
  for (const key of ['initContainers', 'containers']) {
    for (const c of each(spec, key)) {
      const resources = rec(c['resources']);
      const limits = rec(resources?.['limits']);
      if (resources === undefined || limits === undefined || Object.keys(limits).length === 0) continue;
      const requests = child(resources, 'requests');
      for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    }
  }
}

const TOLERATED_TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** What kube-apiserver's default admission chain adds to a new pod (ServiceAccount, Priority, DefaultTolerationSeconds). */
function admitPod(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'serviceAccountName', str(spec['serviceAccount']) || 'default');
  setDefault(spec, 'serviceAccount', spec['serviceAccountName']);
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = Array.isArray(spec['tolerations']) ? (spec['tolerations'] as unknown[]) : [];
  for (const key of TOLERATED_TAINTS) {
    const covered = recs(tolerations).some(
      (t) => (t['key'] === key || (t['key'] ?? '') === '') && (t['effect'] === 'NoExecute' || (t['effect'] ?? '') === ''),
    );
    if (!covered) tolerations.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
  }
  spec['tolerations'] = tolerations;
  o['status'] = { phase: 'Pending', qosClass: podQOSClass(spec) };
}

/** The spec with what a pod update may change masked out (images, activeDeadlineSeconds, tolerations, grace period). */
function mutableMasked(spec: Obj): Obj {
  const copy = structuredClone(spec);
  for (const key of ['initContainers', 'containers']) for (const c of each(copy, key)) delete c['image'];
  delete copy['activeDeadlineSeconds'];
  delete copy['tolerations'];
  delete copy['terminationGracePeriodSeconds'];
  delete copy['schedulingGates'];
  return copy;
}

/**
 * The pod strategy's CheckGracefulDelete: the grace asked for, else the pod's
 * terminationGracePeriodSeconds; none for a pod no node runs or one that has finished; a
 * negative period is 1 s.
 */
export function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = specOf(pod);
  const phase = str(statusOf(pod)['phase']);
  if (str(spec['nodeName']) === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
  const period = requested ?? num(spec['terminationGracePeriodSeconds']) ?? 0;
  return period < 0 ? 1 : period;
}

const gateNames = (spec: Obj): string[] => recs(spec['schedulingGates']).map((g) => str(g['name']));

function validatePodUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  // Scheduling gates may only be removed (how a controller releases a gated pod to the scheduler).
  const before = new Set(gateNames(specOf(old)));
  const added = gateNames(specOf(o)).filter((g) => !before.has(g));
  if (added.length > 0) return [fieldErrors.forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${added[0]}'`)];
  if (isDeepStrictEqual(mutableMasked(specOf(o)), mutableMasked(specOf(old)))) return [];
  return [
    fieldErrors.forbidden(
      'spec',
      'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    ),
  ];
}

interface PodRow {
  readonly ready: string;
  readonly status: string;
  readonly restarts: string;
}

const finishedAt = (cs: Obj): number => Date.parse(str(rec(rec(cs['lastState'])?.['terminated'])?.['finishedAt'])) || 0;

/** printPod: READY, STATUS and RESTARTS as kubectl shows them. */
export function podRow(o: KubeObject): PodRow {
  const spec = specOf(o);
  const status = statusOf(o);
  const conditions = recs(status['conditions']);
  const hasCondition = (type: string): boolean => conditions.some((c) => c['type'] === type && c['status'] === 'True');
  const phase = str(status['phase']);
  let reason = str(status['reason']) || phase;
  if (conditions.some((c) => c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated')) reason = 'SchedulingGated';
  const initSpecs = recs(spec['initContainers']);
  const restartable = new Set(initSpecs.filter((c) => c['restartPolicy'] === 'Always').map((c) => str(c['name'])));
  let total = recs(spec['containers']).length + restartable.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  let initializing = false;
  const initStatuses = recs(status['initContainerStatuses']);
  for (const [i, cs] of initStatuses.entries()) {
    const count = num(cs['restartCount']) ?? 0;
    restarts += count;
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    const sidecar = restartable.has(str(cs['name']));
    if (sidecar) {
      sidecarRestarts += count;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(cs));
    }
    const state = rec(cs['state']) ?? {};
    const terminated = rec(state['terminated']);
    const waiting = rec(state['waiting']);
    if (terminated !== undefined && (num(terminated['exitCode']) ?? 0) === 0) continue;
    if (sidecar && cs['started'] === true) {
      if (cs['ready'] === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      const signal = num(terminated['signal']) ?? 0;
      reason = str(terminated['reason'])
        ? `Init:${str(terminated['reason'])}`
        : signal !== 0
          ? `Init:Signal:${signal}`
          : `Init:ExitCode:${num(terminated['exitCode']) ?? 0}`;
    } else if (waiting !== undefined && str(waiting['reason']) !== '' && waiting['reason'] !== 'PodInitializing') {
      reason = `Init:${str(waiting['reason'])}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing || hasCondition('Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    for (const cs of recs(status['containerStatuses']).reverse()) {
      restarts += num(cs['restartCount']) ?? 0;
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const state = rec(cs['state']) ?? {};
      const terminated = rec(state['terminated']);
      const waiting = rec(state['waiting']);
      if (waiting !== undefined && str(waiting['reason']) !== '') reason = str(waiting['reason']);
      else if (terminated !== undefined && str(terminated['reason']) !== '') reason = str(terminated['reason']);
      else if (terminated !== undefined) {
        const signal = num(terminated['signal']) ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${num(terminated['exitCode']) ?? 0}`;
      } else if (cs['ready'] === true && state['running'] !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition('Ready') ? 'Running' : 'NotReady';
  }
  if (deleting(o) && status['reason'] === 'NodeLost') reason = 'Unknown';
  else if (deleting(o) && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  total = Math.max(total, 0);
  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${since(new Date(lastRestart).toISOString())} ago)` : String(restarts);
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(o: KubeObject): string {
  const gates = recs(specOf(o)['readinessGates']);
  if (gates.length === 0) return NONE;
  const conditions = recs(statusOf(o)['conditions']);
  const ok = gates.filter((g) => conditions.find((c) => c['type'] === g['conditionType'])?.['status'] === 'True').length;
  return `${ok}/${gates.length}`;
}

/**
 * core/v1 bindings: the older form of pods/binding. Create-only and never stored: the Binding's
 * own name is the pod's, and the POST assigns that pod to the target node.
 */
export const bindings: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'Binding',
  plural: 'bindings',
  namespaced: true,
  verbs: ['create'],
  columns: [nameColumn],
  strategy: kindStrategy({ generation: false }),
  action: 'bind',
});

export const pods: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  returnsDeletedObject: true,
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  subresources: {
    status: true,
    // /api/v1 as kube-apiserver 1.35 lists them; the connect subresources (attach, exec,
    // portforward, proxy) take their options kinds.
    extra: [
      { name: 'attach', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodAttachOptions' } },
      { name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' }, update: bindingUpdate, validateUpdate: validateBindingUpdate },
      { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'], update: ephemeralContainersUpdate, validateUpdate: validateEphemeralContainersUpdate },
      { name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } },
      { name: 'exec', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } },
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' } },
      { name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: { group: '', version: 'v1', kind: 'PodProxyOptions' } },
      { name: 'resize', verbs: ['get', 'patch', 'update'], update: resizeUpdate, validateUpdate: validateResize },
    ],
  },
  columns: [
    nameColumn,
    column('Ready', (o) => podRow(o).ready, { description: 'The aggregate readiness state of this pod for accepting traffic.' }),
    column('Status', (o) => podRow(o).status, { description: 'The aggregate status of the containers in this pod.' }),
    column('Restarts', (o) => podRow(o).restarts, {
      description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    }),
    ageColumn,
    wide('IP', (o) => str(rec(arr(statusOf(o)['podIPs'])[0])?.['ip']) || NONE, 'podIP address allocated to the pod.'),
    wide('Node', (o) => str(specOf(o)['nodeName']) || NONE, 'NodeName indicates in which node this pod is scheduled.'),
    wide('Nominated Node', (o) => str(statusOf(o)['nominatedNodeName']) || NONE, 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    wide('Readiness Gates', readinessGates, 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: defaultPod,
    create: admitPod,
    gracePeriod: podGracePeriod,
    validate: (o) => validatePodSpec(o['spec'], 'spec'),
    validateUpdate: validatePodUpdate,
    prepareForStatusUpdate: pairStatusIPs,
    selectableFields: (o) => {
      const spec = specOf(o);
      const status = statusOf(o);
      return {
        'spec.nodeName': str(spec['nodeName']),
        'spec.restartPolicy': str(spec['restartPolicy']),
        'spec.schedulerName': str(spec['schedulerName']),
        'spec.serviceAccountName': str(spec['serviceAccountName']),
        'spec.hostNetwork': String(spec['hostNetwork'] === true),
        'status.phase': str(status['phase']),
        'status.podIP': str(status['podIP']),
        'status.nominatedNodeName': str(status['nominatedNodeName']),
      };
    },
  }),
});

/** SetDefaults_ReplicationController: replicas 1; selector and labels default to the template's labels. */
function defaultReplicationController(o: KubeObject): void {
  const spec = child(o, 'spec');
  const templateLabels = strMap(rec(rec(spec['template'])?.['metadata'])?.['labels']);
  if (Object.keys(templateLabels).length > 0) {
    if (Object.keys(rec(spec['selector']) ?? {}).length === 0) spec['selector'] = { ...templateLabels };
    if (Object.keys(o.metadata.labels ?? {}).length === 0) o.metadata.labels = { ...templateLabels };
  }
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec['template']);
}

function validateReplicationController(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const selector = strMap(spec['selector']);
  const errs: FieldError[] = [...nonNegative('spec.minReadySeconds', spec['minReadySeconds'])];
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required('spec.selector'));
  errs.push(...nonNegative('spec.replicas', spec['replicas']));
  const template = rec(spec['template']);
  if (template === undefined) return [...errs, fieldErrors.required('spec.template')];
  const labels = strMap(rec(template['metadata'])?.['labels']);
  if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(fieldErrors.invalid('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplate(template, 'spec.template', { restartPolicies: ['Always'] }));
  return errs;
}

export const replicationcontrollers: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'ReplicationController',
  plural: 'replicationcontrollers',
  shortNames: ['rc'],
  categories: ['all'],
  namespaced: true,
  subresources: { status: true, scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' } },
  columns: [
    nameColumn,
    column('Desired', (o) => num(specOf(o)['replicas']) ?? 0, { type: 'integer', description: 'Replicas is the number of desired replicas.' }),
    column('Current', (o) => num(statusOf(o)['replicas']) ?? 0, { type: 'integer', description: 'Replicas is the most recently observed number of replicas.' }),
    column('Ready', (o) => num(statusOf(o)['readyReplicas']) ?? 0, { type: 'integer', description: 'The number of ready replicas for this replication controller.' }),
    ageColumn,
    ...containerColumns('spec.template.spec'),
    wide('Selector', (o) => formatLabelMap(specOf(o)['selector']), 'Selector is a label query over pods that should match the Replicas count.'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: defaultReplicationController,
    initialStatus: () => ({ replicas: 0 }),
    validate: validateReplicationController,
    selectableFields: (o) => ({ 'status.replicas': String(num(statusOf(o)['replicas']) ?? 0) }),
  }),
});
