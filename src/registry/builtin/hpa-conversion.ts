/**
 * autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscalers, with the semantics of kube's
 * pkg/apis/autoscaling/v1/conversion.go (v2 is stored, as kube-apiserver stores it).
 *
 * v1 knows one metric: the CPU utilization target (`spec.targetCPUUtilizationPercentage`) and
 * its reading (`status.currentCPUUtilizationPercentage`). Whatever else v2 holds travels in
 * annotations of the v1 object, so a client that reads v1 and writes it back loses nothing:
 *
 *   autoscaling.alpha.kubernetes.io/metrics          v2 metrics other than CPU utilization, as v1 MetricSpecs
 *   autoscaling.alpha.kubernetes.io/current-metrics  every v2 current metric, as v1 MetricStatuses
 *   autoscaling.alpha.kubernetes.io/behavior         spec.behavior as kube marshals its internal type (Go field names)
 *   autoscaling.alpha.kubernetes.io/conditions       status.conditions
 *
 * Going to v2 the annotations are read and removed (v2 drops them whichever way it goes). As
 * upstream: metrics from the annotation come first and the CPU target last, and a v1 object
 * with no metric at all gets the 80% CPU target v1 always implied.
 */
import { badRequest } from '../../api/errors.js';
import type { KubeObject, ObjectMeta } from '../../api/object.js';
import type { VersionConversion } from '../definition.js';
import { quantityValue } from './pod-template.js';
import { arr, present, rec, recs, type Obj } from './helpers.js';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const ROUND_TRIP_ANNOTATIONS = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION];

const KIND = 'HorizontalPodAutoscaler';
const V1 = 'autoscaling/v1';
const V2 = 'autoscaling/v2';
const DEFAULT_CPU_UTILIZATION = 80;

/** A Go field without omitempty: its zero value when unset. */
const orZero = (v: unknown, zero: unknown): unknown => (present(v) ? v : zero);
/** A Go pointer field with omitempty: set only when present. */
function put(out: Obj, key: string, v: unknown): void {
  if (present(v)) out[key] = v;
}

/** metadata without the round-trip annotations (and without annotations if that empties them). */
function withoutRoundTrip(meta: ObjectMeta): ObjectMeta {
  const annotations = meta.annotations;
  if (annotations === undefined || annotations === null || !ROUND_TRIP_ANNOTATIONS.some((k) => k in annotations)) return meta;
  const kept = { ...annotations };
  for (const k of ROUND_TRIP_ANNOTATIONS) delete kept[k];
  const { annotations: _dropped, ...rest } = meta;
  return Object.keys(kept).length > 0 ? { ...rest, annotations: kept } : rest;
}

const ref = (v: unknown): Obj => {
  const r = rec(v) ?? {};
  const out: Obj = { kind: orZero(r['kind'], ''), name: orZero(r['name'], '') };
  put(out, 'apiVersion', r['apiVersion'] === '' ? undefined : r['apiVersion']);
  return out;
};

const identifier = (name: unknown, selector: unknown): Obj => {
  const out: Obj = { name: orZero(name, '') };
  put(out, 'selector', selector);
  return out;
};

/** A Resource metric on cpu with a utilization target: what targetCPUUtilizationPercentage stands for. */
function isCpuUtilization(m: Obj): boolean {
  const resource = rec(m['resource']);
  return m['type'] === 'Resource' && resource?.['name'] === 'cpu' && present(rec(resource['target'])?.['averageUtilization']);
}

const cpuMetric = (utilization: unknown): Obj => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: utilization } },
});

// --- metric specs: v2 MetricSpec ⇄ v1 MetricSpec (the v2beta1 shape the annotation holds) ---

function metricSpecToV1(m: Obj): Obj {
  const out: Obj = { type: orZero(m['type'], '') };
  const target = (src: Obj): Obj => rec(src['target']) ?? {};
  const metric = (src: Obj): Obj => rec(src['metric']) ?? {};
  const object = rec(m['object']);
  if (object) {
    const o: Obj = { target: ref(object['describedObject']), metricName: orZero(metric(object)['name'], ''), targetValue: orZero(target(object)['value'], '0') };
    put(o, 'selector', metric(object)['selector']);
    put(o, 'averageValue', target(object)['averageValue']);
    out['object'] = o;
  }
  const pods = rec(m['pods']);
  if (pods) {
    const p: Obj = { metricName: orZero(metric(pods)['name'], ''), targetAverageValue: orZero(target(pods)['averageValue'], '0') };
    put(p, 'selector', metric(pods)['selector']);
    out['pods'] = p;
  }
  for (const key of ['resource', 'containerResource']) {
    const source = rec(m[key]);
    if (!source) continue;
    const r: Obj = { name: orZero(source['name'], '') };
    put(r, 'targetAverageUtilization', target(source)['averageUtilization']);
    put(r, 'targetAverageValue', target(source)['averageValue']);
    if (key === 'containerResource') r['container'] = orZero(source['container'], '');
    out[key] = r;
  }
  const external = rec(m['external']);
  if (external) {
    const e: Obj = { metricName: orZero(metric(external)['name'], '') };
    put(e, 'metricSelector', metric(external)['selector']);
    put(e, 'targetValue', target(external)['value']);
    put(e, 'targetAverageValue', target(external)['averageValue']);
    out['external'] = e;
  }
  return out;
}

function metricSpecToV2(m: Obj): Obj {
  const out: Obj = { type: orZero(m['type'], '') };
  const object = rec(m['object']);
  if (object) {
    const averageValue = object['averageValue'];
    const t: Obj = { type: present(averageValue) ? 'AverageValue' : 'Value' };
    // Upstream always sets the value (v1 declares it required), which turns an averageValue-only
    // target into one with a zero value that validation then refuses; a zero beside an
    // averageValue is dropped instead, so the round trip through v1 keeps such metrics valid.
    const value = orZero(object['targetValue'], '0');
    if (!(present(averageValue) && quantityValue(value) === 0)) t['value'] = value;
    put(t, 'averageValue', averageValue);
    out['object'] = { describedObject: ref(object['target']), target: t, metric: identifier(object['metricName'], object['selector']) };
  }
  const pods = rec(m['pods']);
  if (pods) {
    out['pods'] = {
      metric: identifier(pods['metricName'], pods['selector']),
      target: { type: 'AverageValue', averageValue: orZero(pods['targetAverageValue'], '0') },
    };
  }
  for (const key of ['resource', 'containerResource']) {
    const source = rec(m[key]);
    if (!source) continue;
    const utilization = source['targetAverageUtilization'];
    const t: Obj = { type: present(utilization) ? 'Utilization' : 'AverageValue' };
    put(t, 'averageValue', source['targetAverageValue']);
    put(t, 'averageUtilization', utilization);
    const r: Obj = { name: orZero(source['name'], ''), target: t };
    if (key === 'containerResource') r['container'] = orZero(source['container'], '');
    out[key] = r;
  }
  const external = rec(m['external']);
  if (external) {
    const t: Obj = { type: present(external['targetValue']) ? 'Value' : 'AverageValue' };
    put(t, 'value', external['targetValue']);
    put(t, 'averageValue', external['targetAverageValue']);
    out['external'] = { metric: identifier(external['metricName'], external['metricSelector']), target: t };
  }
  return out;
}

// --- metric statuses: v2 MetricStatus ⇄ v1 MetricStatus ---

function metricStatusToV1(m: Obj): Obj {
  const out: Obj = { type: orZero(m['type'], '') };
  const current = (src: Obj): Obj => rec(src['current']) ?? {};
  const metric = (src: Obj): Obj => rec(src['metric']) ?? {};
  const object = rec(m['object']);
  if (object) {
    const o: Obj = { target: ref(object['describedObject']), metricName: orZero(metric(object)['name'], ''), currentValue: orZero(current(object)['value'], '0') };
    put(o, 'selector', metric(object)['selector']);
    put(o, 'averageValue', current(object)['averageValue']);
    out['object'] = o;
  }
  const pods = rec(m['pods']);
  if (pods) {
    const p: Obj = { metricName: orZero(metric(pods)['name'], ''), currentAverageValue: orZero(current(pods)['averageValue'], '0') };
    put(p, 'selector', metric(pods)['selector']);
    out['pods'] = p;
  }
  for (const key of ['resource', 'containerResource']) {
    const source = rec(m[key]);
    if (!source) continue;
    const r: Obj = { name: orZero(source['name'], '') };
    put(r, 'currentAverageUtilization', current(source)['averageUtilization']);
    r['currentAverageValue'] = orZero(current(source)['averageValue'], '0');
    if (key === 'containerResource') r['container'] = orZero(source['container'], '');
    out[key] = r;
  }
  const external = rec(m['external']);
  if (external) {
    const e: Obj = { metricName: orZero(metric(external)['name'], '') };
    put(e, 'metricSelector', metric(external)['selector']);
    e['currentValue'] = orZero(current(external)['value'], '0');
    put(e, 'currentAverageValue', current(external)['averageValue']);
    out['external'] = e;
  }
  return out;
}

function metricStatusToV2(m: Obj): Obj {
  const out: Obj = { type: orZero(m['type'], '') };
  const object = rec(m['object']);
  if (object) {
    const current: Obj = { value: orZero(object['currentValue'], '0') };
    put(current, 'averageValue', object['averageValue']);
    out['object'] = { metric: identifier(object['metricName'], object['selector']), current, describedObject: ref(object['target']) };
  }
  const pods = rec(m['pods']);
  if (pods) {
    out['pods'] = { metric: identifier(pods['metricName'], pods['selector']), current: { averageValue: orZero(pods['currentAverageValue'], '0') } };
  }
  for (const key of ['resource', 'containerResource']) {
    const source = rec(m[key]);
    if (!source) continue;
    const current: Obj = { averageValue: orZero(source['currentAverageValue'], '0') };
    put(current, 'averageUtilization', source['currentAverageUtilization']);
    const r: Obj = { name: orZero(source['name'], ''), current };
    if (key === 'containerResource') r['container'] = orZero(source['container'], '');
    out[key] = r;
  }
  const external = rec(m['external']);
  if (external) {
    const current: Obj = { value: orZero(external['currentValue'], '0') };
    put(current, 'averageValue', external['currentAverageValue']);
    out['external'] = { metric: identifier(external['metricName'], external['metricSelector']), current };
  }
  return out;
}

// --- behavior: v2 HorizontalPodAutoscalerBehavior ⇄ kube's internal type as encoding/json writes it ---

function behaviorToGo(behavior: Obj): Obj {
  const rules = (v: unknown): Obj | null => {
    const r = rec(v);
    if (!r) return null;
    const policies = Array.isArray(r['policies'])
      ? recs(r['policies']).map((p) => ({ Type: orZero(p['type'], ''), Value: orZero(p['value'], 0), PeriodSeconds: orZero(p['periodSeconds'], 0) }))
      : null;
    return {
      StabilizationWindowSeconds: orZero(r['stabilizationWindowSeconds'], null),
      SelectPolicy: orZero(r['selectPolicy'], null),
      Policies: policies,
      Tolerance: orZero(r['tolerance'], null),
    };
  };
  return { ScaleUp: rules(behavior['scaleUp']), ScaleDown: rules(behavior['scaleDown']) };
}

/** A member as encoding/json finds it: the exact key, else one equal ignoring case. */
function member(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

/** The behavior in the annotation; undefined when it does not decode or sets nothing (upstream then ignores it). */
function behaviorFromGo(raw: string | undefined): Obj | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const go = rec(parsed);
  if (!go) return undefined;
  const rules = (v: unknown): Obj | undefined => {
    const r = rec(v);
    if (!r) return undefined;
    const out: Obj = {};
    put(out, 'stabilizationWindowSeconds', member(r, 'StabilizationWindowSeconds'));
    put(out, 'selectPolicy', member(r, 'SelectPolicy'));
    const policies = member(r, 'Policies');
    if (Array.isArray(policies)) {
      out['policies'] = recs(policies).map((p) => ({ type: orZero(member(p, 'Type'), ''), value: orZero(member(p, 'Value'), 0), periodSeconds: orZero(member(p, 'PeriodSeconds'), 0) }));
    }
    put(out, 'tolerance', member(r, 'Tolerance'));
    return out;
  };
  const out: Obj = {};
  put(out, 'scaleUp', rules(member(go, 'ScaleUp')));
  put(out, 'scaleDown', rules(member(go, 'ScaleDown')));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A JSON list annotation; upstream fails the decoding of the object when it is malformed. */
function listAnnotation(annotations: Record<string, string>, key: string): Obj[] | undefined {
  const raw = annotations[key];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding annotation ${key}: ${(err as Error).message}`);
  }
  if (parsed !== null && !Array.isArray(parsed)) throw badRequest(`error decoding annotation ${key}: not a JSON list`);
  return recs(parsed);
}

// --- whole objects ---

/** A stored (v2) HorizontalPodAutoscaler as autoscaling/v1 shows it. Does not mutate `input`. */
export function hpaV2ToV1(input: KubeObject): KubeObject {
  const src = structuredClone(input);
  const spec = rec(src['spec']) ?? {};
  const status = rec(src['status']) ?? {};
  const metrics = recs(spec['metrics']);
  const currentMetrics = recs(status['currentMetrics']);

  const v1Spec: Obj = { scaleTargetRef: ref(spec['scaleTargetRef']) };
  put(v1Spec, 'minReplicas', spec['minReplicas']);
  v1Spec['maxReplicas'] = orZero(spec['maxReplicas'], 0);
  const cpu = metrics.find(isCpuUtilization);
  if (cpu) v1Spec['targetCPUUtilizationPercentage'] = rec(rec(cpu['resource'])?.['target'])?.['averageUtilization'];

  const v1Status: Obj = {};
  put(v1Status, 'observedGeneration', status['observedGeneration']);
  put(v1Status, 'lastScaleTime', status['lastScaleTime']);
  v1Status['currentReplicas'] = orZero(status['currentReplicas'], 0);
  v1Status['desiredReplicas'] = orZero(status['desiredReplicas'], 0);
  // No early exit, as upstream: the last CPU reading with a utilization wins.
  for (const m of currentMetrics) {
    const resource = rec(m['resource']);
    const utilization = rec(resource?.['current'])?.['averageUtilization'];
    if (m['type'] === 'Resource' && resource?.['name'] === 'cpu' && present(utilization)) v1Status['currentCPUUtilizationPercentage'] = utilization;
  }

  const extra: Record<string, string> = {};
  const others = metrics.filter((m) => !isCpuUtilization(m));
  if (others.length > 0) extra[METRICS_ANNOTATION] = JSON.stringify(others.map(metricSpecToV1));
  if (currentMetrics.length > 0) extra[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(metricStatusToV1));
  const behavior = rec(spec['behavior']);
  if (behavior) extra[BEHAVIOR_ANNOTATION] = JSON.stringify(behaviorToGo(behavior));
  const conditions = arr(status['conditions']);
  if (conditions.length > 0) extra[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  const metadata = withoutRoundTrip(src.metadata);
  if (Object.keys(extra).length > 0) metadata.annotations = { ...metadata.annotations, ...extra };

  return { apiVersion: V1, kind: src.kind ?? KIND, metadata, spec: v1Spec, status: v1Status };
}

/** An autoscaling/v1 HorizontalPodAutoscaler in the stored (v2) shape. Does not mutate `input`. */
export function hpaV1ToV2(input: KubeObject): KubeObject {
  const src = structuredClone(input);
  const spec = rec(src['spec']) ?? {};
  const annotations = src.metadata.annotations ?? {};

  const v2Spec: Obj = { scaleTargetRef: ref(spec['scaleTargetRef']) };
  put(v2Spec, 'minReplicas', spec['minReplicas']);
  v2Spec['maxReplicas'] = orZero(spec['maxReplicas'], 0);
  const metrics = (listAnnotation(annotations, METRICS_ANNOTATION) ?? []).map(metricSpecToV2);
  if (present(spec['targetCPUUtilizationPercentage'])) metrics.push(cpuMetric(spec['targetCPUUtilizationPercentage']));
  // v1 always meant 80% CPU when nothing was said; upstream makes that explicit here.
  if (metrics.length === 0) metrics.push(cpuMetric(DEFAULT_CPU_UTILIZATION));
  v2Spec['metrics'] = metrics;
  const behavior = behaviorFromGo(annotations[BEHAVIOR_ANNOTATION]);
  if (behavior) v2Spec['behavior'] = behavior;

  const out: KubeObject = { apiVersion: V2, kind: src.kind ?? KIND, metadata: withoutRoundTrip(src.metadata), spec: v2Spec };
  const status = rec(src['status']);
  const currentMetrics = listAnnotation(annotations, CURRENT_METRICS_ANNOTATION);
  const conditions = listAnnotation(annotations, CONDITIONS_ANNOTATION);
  if (status || currentMetrics || conditions) {
    const st = status ?? {};
    const v2Status: Obj = {};
    put(v2Status, 'observedGeneration', st['observedGeneration']);
    put(v2Status, 'lastScaleTime', st['lastScaleTime']);
    // v2 omits a zero currentReplicas; desiredReplicas is always written.
    if (present(st['currentReplicas']) && st['currentReplicas'] !== 0) v2Status['currentReplicas'] = st['currentReplicas'];
    v2Status['desiredReplicas'] = orZero(st['desiredReplicas'], 0);
    // The annotation, when there, has more than the CPU reading and replaces it. v2 writes a
    // missing list as null (no omitempty on currentMetrics).
    if (currentMetrics) v2Status['currentMetrics'] = currentMetrics.map(metricStatusToV2);
    else if (present(st['currentCPUUtilizationPercentage'])) {
      v2Status['currentMetrics'] = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: st['currentCPUUtilizationPercentage'] } } }];
    } else v2Status['currentMetrics'] = null;
    if (conditions) v2Status['conditions'] = conditions;
    out['status'] = v2Status;
  }
  return out;
}

/** Objects stored before conversion existed kept the v1 shape they were sent in. */
const asStored = (obj: KubeObject): KubeObject => (obj.apiVersion === V1 ? hpaV1ToV2(obj) : obj);

/** The stored shape for v2, which carries no round-trip annotations in or out. */
function asV2(obj: KubeObject): KubeObject {
  const metadata = withoutRoundTrip(obj.metadata);
  return obj.apiVersion === V2 && metadata === obj.metadata ? obj : { ...obj, apiVersion: V2, metadata };
}

/** A v2 body as stored: a status always has currentMetrics, null when unset, as kube writes v2. */
function v2Body(obj: KubeObject): KubeObject {
  const out = asV2(obj);
  const status = rec(out['status']);
  if (status === undefined || 'currentMetrics' in status) return out;
  return { ...out, status: { ...status, currentMetrics: null } };
}

export const hpaConversion: VersionConversion = {
  toStored: (obj, version) => (version === 'v1' ? hpaV1ToV2(obj) : v2Body(obj)),
  fromStored: (obj, version) => (version === 'v1' ? hpaV2ToV1(asStored(obj)) : asV2(asStored(obj))),
};
