/**
 * autoscaling HorizontalPodAutoscalers, served as v2 (preferred, stored) and v1. A v1 object is
 * converted to v2 on the way in and back on the way out (hpa-conversion.ts), so defaulting,
 * validation and the printer only ever see the v2 shape.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { isPathSegmentName } from '../../api/names.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { NONE } from './cells.js';
import { atLeast, dnsLabel, requiredString } from './checks.js';
import { arr, child, column, define, kindStrategy, num, present, rec, recs, setDefault, specOf, statusOf, str, type Obj } from './helpers.js';
import { hpaConversion } from './hpa-conversion.js';
import { quantityValue } from './pod-template.js';

const SCALE_UP = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
const SCALE_DOWN = { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** copyHPAScalingRules: the defaults, overridden by whatever the rules set. */
function scalingRules(given: unknown, defaults: Obj): Obj {
  const out = structuredClone(defaults);
  for (const [k, v] of Object.entries(rec(given) ?? {})) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

function defaultHPA(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if (arr(spec['metrics']).length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = rec(spec['behavior']);
  if (behavior !== undefined) {
    behavior['scaleUp'] = scalingRules(behavior['scaleUp'], SCALE_UP);
    behavior['scaleDown'] = scalingRules(behavior['scaleDown'], SCALE_DOWN);
  }
}

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
/** The source field each metric type must populate, in the order upstream checks them. */
const SOURCE_FIELDS = ['object', 'external', 'pods', 'resource', 'containerResource'];
const FIELD_OF_TYPE: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

/** ValidateCrossVersionObjectReference. */
function crossVersionRef(path: string, v: unknown): FieldError[] {
  const ref = rec(v) ?? {};
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const value = str(ref[key]);
    if (value === '') errs.push(...requiredString(`${path}.${key}`, ref[key]));
    else errs.push(...isPathSegmentName(value).map((m) => fieldErrors.invalid(`${path}.${key}`, value, m)));
  }
  return errs;
}

function metricIdentifier(path: string, v: unknown): FieldError[] {
  const name = str(rec(v)?.['name']);
  if (name === '') return [fieldErrors.required(`${path}.name`, 'must specify a metric name')];
  return isPathSegmentName(name).map((m) => fieldErrors.invalid(`${path}.name`, name, m));
}

/** validateMetricTarget: a known type, positive quantities, a utilization of at least 1%. */
function metricTarget(path: string, t: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = t['type'];
  if (!present(type) || type === '') errs.push(fieldErrors.required(`${path}.type`, 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(fieldErrors.invalid(`${path}.type`, type ?? '', 'must be either Utilization, Value, or AverageValue'));
  }
  for (const key of ['value', 'averageValue']) {
    if (present(t[key]) && !(quantityValue(t[key]) > 0)) errs.push(fieldErrors.invalid(`${path}.${key}`, t[key], 'must be positive'));
  }
  const utilization = t['averageUtilization'];
  if (typeof utilization === 'number' && utilization < 1) errs.push(fieldErrors.invalid(`${path}.averageUtilization`, utilization, 'must be greater than 0'));
  return errs;
}

/** The checks of one metric source, after validate{Object,External,Pods,Resource,ContainerResource}Source. */
function metricSource(field: string, path: string, src: Obj): FieldError[] {
  const t = rec(src['target']) ?? {};
  const targetPath = `${path}.target`;
  const errs: FieldError[] = [];
  const utilizationOrValue = (): void => {
    errs.push(...metricTarget(targetPath, t));
    if (!present(t['averageUtilization']) && !present(t['averageValue'])) {
      errs.push(fieldErrors.required(`${targetPath}.averageUtilization`, 'must set either a target raw value or a target utilization'));
    }
    if (present(t['averageUtilization']) && present(t['averageValue'])) {
      errs.push(fieldErrors.forbidden(`${targetPath}.averageValue`, 'may not set both a target raw value and a target utilization'));
    }
  };
  switch (field) {
    case 'object':
      errs.push(...crossVersionRef(`${path}.describedObject`, src['describedObject']), ...metricIdentifier(`${path}.metric`, src['metric']), ...metricTarget(targetPath, t));
      if (!present(t['value']) && !present(t['averageValue'])) errs.push(fieldErrors.required(`${targetPath}.averageValue`, 'must set either a target value or averageValue'));
      break;
    case 'external':
      errs.push(...metricIdentifier(`${path}.metric`, src['metric']), ...metricTarget(targetPath, t));
      if (!present(t['value']) && !present(t['averageValue'])) {
        errs.push(fieldErrors.required(`${targetPath}.averageValue`, 'must set either a target value for metric or a per-pod target'));
      }
      if (present(t['value']) && present(t['averageValue'])) {
        errs.push(fieldErrors.forbidden(`${targetPath}.value`, 'may not set both a target value for metric and a per-pod target'));
      }
      break;
    case 'pods':
      errs.push(...metricIdentifier(`${path}.metric`, src['metric']), ...metricTarget(targetPath, t));
      if (!present(t['averageValue'])) errs.push(fieldErrors.required(`${targetPath}.averageValue`, 'must specify a positive target averageValue'));
      break;
    case 'resource':
      if (str(src['name']) === '') errs.push(fieldErrors.required(`${path}.name`, 'must specify a resource name'));
      utilizationOrValue();
      break;
    case 'containerResource': {
      if (str(src['name']) === '') errs.push(fieldErrors.required(`${path}.name`, 'must specify a resource name'));
      const container = str(src['container']);
      if (container === '') errs.push(fieldErrors.required(`${path}.container`, 'must specify a container'));
      else errs.push(...dnsLabel(`${path}.container`, container));
      utilizationOrValue();
      break;
    }
  }
  return errs;
}

/** validateMetricSpec: a known type, its source populated and checked, no other source. */
function metricSpec(path: string, m: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = m['type'];
  if (!present(type) || type === '') errs.push(fieldErrors.required(`${path}.type`, 'must specify a metric source type'));
  if (typeof type !== 'string' || !METRIC_SOURCE_TYPES.includes(type)) errs.push(fieldErrors.notSupported(`${path}.type`, type ?? '', METRIC_SOURCE_TYPES));
  const populated = SOURCE_FIELDS.filter((f) => present(m[f]));
  // Like upstream, only the first populated source is checked; the others are forbidden below.
  if (populated[0] !== undefined) errs.push(...metricSource(populated[0], `${path}.${populated[0]}`, rec(m[populated[0]]) ?? {}));
  const expected = typeof type === 'string' ? FIELD_OF_TYPE[type] : undefined;
  if (expected === undefined) errs.push(fieldErrors.notSupported(`${path}.type`, type ?? '', METRIC_SOURCE_TYPES));
  else if (!present(m[expected])) errs.push(fieldErrors.required(`${path}.${expected}`, 'must populate information for the given metric source'));
  if (populated.length !== 1) {
    for (const f of populated) if (f !== expected) errs.push(fieldErrors.forbidden(`${path}.${f}`, 'must populate the given metric source only'));
  }
  return errs;
}

function validateHPA(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = atLeast('spec.minReplicas', spec['minReplicas'], 1);
  const max = num(spec['maxReplicas']) ?? 0;
  if (max < 1) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  const min = num(spec['minReplicas']);
  if (min !== undefined && max < min) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...crossVersionRef('spec.scaleTargetRef', spec['scaleTargetRef']));
  recs(spec['metrics']).forEach((m, i) => errs.push(...metricSpec(`spec.metrics[${i}]`, m)));
  return errs;
}

const qty = (v: unknown): string => (typeof v === 'number' ? String(v) : str(v));

/** One metric as `current/target`, after formatHPAMetrics. */
function formatMetric(spec: Obj, status: Obj | undefined): string {
  const source = (key: string): Obj => rec(spec[key]) ?? {};
  const current = (key: string): Obj | undefined => rec(rec(status?.[key])?.['current']);
  const target = (key: string): Obj => rec(source(key)['target']) ?? {};
  switch (spec['type']) {
    case 'External':
    case 'Object': {
      const key = spec['type'] === 'External' ? 'external' : 'object';
      const t = target(key);
      if (t['averageValue'] !== undefined) return `${qty(current(key)?.['averageValue']) || '<unknown>'}/${qty(t['averageValue'])} (avg)`;
      return `${current(key) ? qty(current(key)?.['value']) : '<unknown>'}/${qty(t['value'])}`;
    }
    case 'Pods':
      return `${current('pods') ? qty(current('pods')?.['averageValue']) : '<unknown>'}/${qty(target('pods')['averageValue'])}`;
    case 'Resource':
    case 'ContainerResource': {
      const key = spec['type'] === 'Resource' ? 'resource' : 'containerResource';
      const name = str(source(key)['name']);
      const t = target(key);
      if (t['averageValue'] !== undefined) return `${name}: ${current(key) ? qty(current(key)?.['averageValue']) : '<unknown>'}/${qty(t['averageValue'])}`;
      const util = num(current(key)?.['averageUtilization']);
      const goal = num(t['averageUtilization']);
      return `${name}: ${util !== undefined ? `${util}%` : '<unknown>'}/${goal !== undefined ? `${goal}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** TARGETS: up to two metrics, then `+ N more...`; `<none>` without metrics. */
export function hpaTargets(o: KubeObject): string {
  const spec = specOf(o);
  const metrics = recs(spec['metrics']);
  if (metrics.length === 0) return NONE;
  const statuses = recs(statusOf(o)['currentMetrics']);
  const list = metrics.map((m, i) => formatMetric(m, statuses[i]));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

export const horizontalpodautoscalers: ResourceDefinition = define({
  group: 'autoscaling',
  version: 'v2',
  versions: ['v2', 'v1'],
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Reference', (o) => `${str(rec(specOf(o)['scaleTargetRef'])?.['kind'])}/${str(rec(specOf(o)['scaleTargetRef'])?.['name'])}`, {
      description: 'scaleTargetRef points to the target resource to scale.',
    }),
    column('Targets', hpaTargets, { description: 'metrics contains the specifications for which to use to calculate the desired replica count.' }),
    column('MinPods', (o) => (typeof specOf(o)['minReplicas'] === 'number' ? String(specOf(o)['minReplicas']) : '<unset>'), {
      description: 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    }),
    column('MaxPods', (o) => num(specOf(o)['maxReplicas']) ?? 0, { description: 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.' }),
    column('Replicas', (o) => num(statusOf(o)['currentReplicas']) ?? 0, { description: 'currentReplicas is current number of replicas of pods managed by this autoscaler.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    defaults: defaultHPA,
    // kube resets status to the zero struct, which v2 writes as these two fields.
    initialStatus: () => ({ desiredReplicas: 0, currentMetrics: null }),
    validate: validateHPA,
  }),
  conversion: hpaConversion,
});

export const autoscalingResources: readonly ResourceDefinition[] = [horizontalpodautoscalers];
