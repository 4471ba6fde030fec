/**
 * autoscaling HorizontalPodAutoscalers, served as v2 (preferred, stored) and v1.
 *
 * Limitation: a definition has one schema for all its versions and there is no conversion yet,
 * so a v1-shaped body (`targetCPUUtilizationPercentage`) is stored as sent and read back as is
 * from either version. Defaulting and the printer recognise both shapes: v2-only defaults (the
 * 80% CPU metric, behavior policies) are applied only to v2-shaped objects, and the TARGETS
 * cell reads either `metrics` or `targetCPUUtilizationPercentage`.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { NONE } from './cells.js';
import { atLeast, oneOf, requiredString } from './checks.js';
import { arr, child, column, define, kindStrategy, num, rec, recs, setDefault, specOf, statusOf, str, type Obj } from './helpers.js';

/** A v1-shaped object: sent to autoscaling/v1, or carrying its CPU target field. */
export const isV1Shaped = (o: KubeObject): boolean => o.apiVersion === 'autoscaling/v1' || specOf(o)['targetCPUUtilizationPercentage'] !== undefined;

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
  if (isV1Shaped(o)) return;
  if (arr(spec['metrics']).length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  }
  const behavior = rec(spec['behavior']);
  if (behavior !== undefined) {
    behavior['scaleUp'] = scalingRules(behavior['scaleUp'], SCALE_UP);
    behavior['scaleDown'] = scalingRules(behavior['scaleDown'], SCALE_DOWN);
  }
}

function validateHPA(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const ref = rec(spec['scaleTargetRef']) ?? {};
  const errs = [...requiredString('spec.scaleTargetRef.kind', ref['kind']), ...requiredString('spec.scaleTargetRef.name', ref['name'])];
  errs.push(...atLeast('spec.minReplicas', spec['minReplicas'], 1));
  const max = num(spec['maxReplicas']) ?? 0;
  if (max < 1) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than 0'));
  const min = num(spec['minReplicas']);
  if (min !== undefined && max < min) errs.push(fieldErrors.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  if (isV1Shaped(o)) return [...errs, ...atLeast('spec.targetCPUUtilizationPercentage', spec['targetCPUUtilizationPercentage'], 1)];
  recs(spec['metrics']).forEach((m, i) => errs.push(...oneOf(`spec.metrics[${i}].type`, m['type'] ?? '', ['Object', 'Pods', 'Resource', 'ContainerResource', 'External'])));
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
  if (isV1Shaped(o)) {
    const current = num(statusOf(o)['currentCPUUtilizationPercentage']);
    return `cpu: ${current !== undefined ? `${current}%` : '<unknown>'}/${num(spec['targetCPUUtilizationPercentage']) ?? 80}%`;
  }
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
    initialStatus: (o) => (isV1Shaped(o) ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 }),
    validate: validateHPA,
  }),
});

export const autoscalingResources: readonly ResourceDefinition[] = [horizontalpodautoscalers];
