/**
 * The HPA controller's reconcileAutoscaler (pkg/controller/podautoscaler) on a cluster without
 * metrics-server or any custom or external metrics API, as a bare kind cluster is: the target's
 * scale is read (AbleToScale), a replica count outside [minReplicas, maxReplicas] is brought
 * inside (SuccessfulRescale), and otherwise every metric fails to be fetched, so ScalingActive is
 * False and the desired replicas stay what they were, with the Warning Events the controller
 * repeats on each sync.
 */
import { formatLabelSelector, labelSelectorFromSet, labelSelectorToRequirements, type LabelSelector } from '../../api/label-selector.js';
import { getPath, type KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import type { ResourceDefinition, ScaleSubresource } from '../../registry/definition.js';
import type { EventInput } from './events.js';

/** The target's scale subresource as read, or why it could not be. */
export type TargetScale = { readonly replicas: number; readonly selector: string } | { readonly error: string };

/** A scale target resolved to its resource: the definition and where its preferred version keeps replicas and selector. */
export type ScaleTarget = { readonly def: ResourceDefinition; readonly paths: ScaleSubresource } | { readonly error: string };

/**
 * What the controller's REST mapper and scale client make of scaleTargetRef: any kind the server
 * serves in the ref's group (only the group counts, not the version), custom resources included,
 * read through its scale subresource as its preferred version defines it. The errors are the
 * ones the controller reports as FailedGetScale.
 */
export function resolveScaleTarget(ref: Obj, byKind: (group: string, kind: string) => ResourceDefinition | undefined): ScaleTarget {
  const apiVersion = str(ref['apiVersion']);
  const kind = str(ref['kind']);
  const parts = apiVersion.split('/');
  if (parts.length > 2) return { error: `unexpected GroupVersion string: ${apiVersion}` };
  const group = parts.length === 2 ? parts[0]! : '';
  const def = byKind(group, kind);
  if (def === undefined) return { error: `no matches for kind "${kind}" in group "${group}"` };
  const preferred = def.versions[0];
  const paths = (preferred !== undefined ? def.forVersion?.(preferred) : undefined)?.subresources.scale ?? def.subresources.scale;
  // The resource is known but serves no scale subresource: the scale GET is a plain 404.
  if (paths === undefined) return { error: 'the server could not find the requested resource' };
  return { def, paths };
}

/** labels.Selector's String of a label selector (or of a plain map, as a ReplicationController's), or a selector string as is. */
export function selectorString(selector: unknown): string {
  if (typeof selector === 'string') return selector;
  const sel = rec(selector);
  if (sel === undefined) return '';
  const isLabelSelector = 'matchLabels' in sel || 'matchExpressions' in sel;
  try {
    return formatLabelSelector(isLabelSelector ? (labelSelectorToRequirements(sel as LabelSelector) ?? []) : labelSelectorFromSet(sel as Record<string, string>));
  } catch {
    // A selector validation would have refused: the scale has none the controller can use.
    return '';
  }
}

/** The Scale the subresource serves for `obj`: spec replicas (0 when the path holds none) and the status selector. */
export function scaleOfObject(obj: KubeObject, paths: ScaleSubresource): { replicas: number; selector: string } {
  const replicas = getPath(obj, paths.specReplicasPath);
  return {
    replicas: typeof replicas === 'number' ? replicas : 0,
    selector: paths.labelSelectorPath === undefined ? '' : selectorString(getPath(obj, paths.labelSelectorPath)),
  };
}

export interface AutoscalerStep {
  readonly status: Obj;
  readonly events: readonly EventInput[];
  /** The target is to be scaled to `replicas` (the status and events assume it works). */
  readonly rescale?: { readonly replicas: number; readonly reason: string };
}

const NO_RESOURCE_METRICS = 'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';
const NO_CUSTOM_METRICS = 'unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered';
const NO_EXTERNAL_METRICS = 'unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered';

/** setConditionInList: updated in place; lastTransitionTime moves only when the status does. */
export function setHpaCondition(conditions: readonly Obj[], type: string, status: 'True' | 'False', reason: string, message: string, now: string): Obj[] {
  const current = conditions.find((c) => c['type'] === type);
  const next: Obj = { type, status, lastTransitionTime: current !== undefined && current['status'] === status ? current['lastTransitionTime'] : now, reason, message };
  return current === undefined ? [...conditions, next] : conditions.map((c) => (c === current ? next : c));
}

/** Why a metric could not be had: the Event's reason and message, and the error computeReplicasForMetrics passes on. */
export function metricFailure(metric: Obj, namespace: string): { reason: string; message: string; wrapped: string } {
  const type = str(metric['type']);
  const resourceFailure = (source: Obj): string => {
    const name = str(source['name']);
    const target = rec(source['target']) ?? {};
    if (target['averageValue'] !== undefined && target['averageValue'] !== null) return `failed to get ${name} usage: unable to get metrics for resource ${name}: ${NO_RESOURCE_METRICS}`;
    if (target['averageUtilization'] === undefined || target['averageUtilization'] === null) {
      return 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set';
    }
    return `failed to get ${name} utilization: unable to get metrics for resource ${name}: ${NO_RESOURCE_METRICS}`;
  };
  switch (type) {
    case 'Resource': {
      const source = rec(metric['resource']) ?? {};
      const message = resourceFailure(source);
      return { reason: 'FailedGetResourceMetric', message, wrapped: `failed to get ${str(source['name'])} resource metric value: ${message}` };
    }
    case 'ContainerResource': {
      const source = rec(metric['containerResource']) ?? {};
      const message = resourceFailure(source);
      return { reason: 'FailedGetContainerResourceMetric', message, wrapped: `failed to get ${str(source['container'])} container metric value: ${message}` };
    }
    case 'Pods': {
      const name = str(rec(rec(metric['pods'])?.['metric'])?.['name']);
      const message = `unable to get metric ${name}: ${NO_CUSTOM_METRICS}`;
      return { reason: 'FailedGetPodsMetric', message, wrapped: `failed to get pods metric value: ${message}` };
    }
    case 'Object': {
      const source = rec(metric['object']) ?? {};
      const name = str(rec(source['metric'])?.['name']);
      const described = rec(source['describedObject']) ?? {};
      const message = `unable to get metric ${name}: ${str(described['kind'])} on ${namespace} ${str(described['name'])}/${NO_CUSTOM_METRICS}`;
      return { reason: 'FailedGetObjectMetric', message, wrapped: `failed to get object metric value: ${message}` };
    }
    case 'External': {
      const name = str(rec(rec(metric['external'])?.['metric'])?.['name']);
      const message = `unable to get external metric ${namespace}/${name}/nil: ${NO_EXTERNAL_METRICS}`;
      return { reason: 'FailedGetExternalMetric', message, wrapped: `failed to get ${name} external metric value: ${message}` };
    }
    default: {
      const message = `unknown metric source type "${type}"`;
      return { reason: 'InvalidMetricSourceType', message, wrapped: message };
    }
  }
}

/** setStatus: the counts, the metrics (null when none were computed), the last scale time. */
function hpaStatus(prev: Obj, current: number, desired: number, metrics: Obj[] | null, conditions: readonly Obj[], scaledAt?: string): Obj {
  const lastScaleTime = scaledAt ?? prev['lastScaleTime'];
  return {
    ...(lastScaleTime !== undefined && lastScaleTime !== null && { lastScaleTime }),
    ...(current !== 0 && { currentReplicas: current }),
    desiredReplicas: desired,
    currentMetrics: metrics,
    ...(conditions.length > 0 && { conditions: [...conditions] }),
  };
}

/**
 * One reconcile. `scaleError`: the rescale the previous call asked for failed with this error
 * (call again with it for the status and Events of the failure).
 */
export function reconcileAutoscaler(hpa: KubeObject, target: TargetScale, now: string, scaleError?: string): AutoscalerStep {
  const prev = statusOf(hpa);
  const spec = specOf(hpa);
  let conditions = recs(prev['conditions']).map((c) => ({ ...c }));
  const events: EventInput[] = [];
  if ('error' in target) {
    events.push({ type: 'Warning', reason: 'FailedGetScale', message: target.error });
    conditions = setHpaCondition(conditions, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${target.error}`, now);
    const status: Obj = { ...prev, conditions };
    return { status, events };
  }
  conditions = setHpaCondition(conditions, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", now);
  const current = target.replicas;
  const min = num(spec['minReplicas']) ?? 1;
  const max = num(spec['maxReplicas']) ?? 0;
  const previousDesired = num(prev['desiredReplicas']) ?? 0;
  let desired: number;
  let reason: string;
  if (current === 0 && min !== 0) {
    conditions = setHpaCondition(conditions, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', now);
    return { status: hpaStatus(prev, current, current, null, conditions), events };
  } else if (current > max) {
    [desired, reason] = [max, 'Current number of replicas above Spec.MaxReplicas'];
  } else if (current < min) {
    [desired, reason] = [min, 'Current number of replicas below Spec.MinReplicas'];
  } else {
    // computeReplicasForMetrics: nothing serves metrics, so each one fails.
    if (target.selector === '') {
      events.push({ type: 'Warning', reason: 'SelectorRequired', message: 'selector is required' });
      conditions = setHpaCondition(conditions, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector", now);
      events.push({ type: 'Warning', reason: 'FailedComputeMetricsReplicas', message: 'selector is required' });
      return { status: hpaStatus(prev, current, previousDesired, null, conditions), events };
    }
    const metrics = recs(spec['metrics']);
    const failures = metrics.map((m) => metricFailure(m, hpa.metadata.namespace ?? ''));
    for (const f of failures) events.push({ type: 'Warning', reason: f.reason, message: f.message });
    const first = failures[0];
    if (first !== undefined) {
      conditions = setHpaCondition(conditions, 'ScalingActive', 'False', first.reason, `the HPA was unable to compute the replica count: ${first.message}`, now);
      events.push({
        type: 'Warning',
        reason: 'FailedComputeMetricsReplicas',
        message: `invalid metrics (${failures.length} invalid out of ${metrics.length}), first error is: ${first.wrapped}`,
      });
    }
    return { status: hpaStatus(prev, current, previousDesired, metrics.map(() => ({ type: '' })), conditions), events };
  }
  if (scaleError !== undefined) {
    events.push({ type: 'Warning', reason: 'FailedRescale', message: `New size: ${desired}; reason: ${reason}; error: ${scaleError}` });
    conditions = setHpaCondition(conditions, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${scaleError}`, now);
    return { status: hpaStatus(prev, current, previousDesired, null, conditions), events };
  }
  conditions = setHpaCondition(conditions, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, now);
  events.push({ type: 'Normal', reason: 'SuccessfulRescale', message: `New size: ${desired}; reason: ${reason}` });
  return { status: hpaStatus(prev, current, desired, null, conditions, now), events, rescale: { replicas: desired, reason } };
}
