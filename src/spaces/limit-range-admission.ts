/**
 * kube-apiserver's LimitRanger admission plugin, for new pods (updates cannot change containers):
 *
 * - the `Container` items of the namespace's LimitRanges give each container and init container
 *   the default limits and requests it lacks, recorded in the `kubernetes.io/limit-ranger`
 *   annotation (`LimitRanger plugin set: cpu, memory request for container web; ...`);
 * - then their min, max and maxLimitRequestRatio are enforced per container, and the `Pod` items'
 *   on the pod's totals (containers summed, an init container counting when it needs more): a
 *   pod outside them is refused, 403, with every violation in upstream's words.
 *
 * As with the API defaulting that runs before admission upstream, a limit without a request
 * first gets the request equal to it. The decisions are pure; the shell lists the LimitRanges.
 */
import { forbidden } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { rec, recs as list } from '../registry/builtin/helpers.js';
import { quantityValue } from '../registry/builtin/pod-template.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';
const PODS = { group: '', resource: 'pods' };

type Obj = Record<string, unknown>;
type Quantities = Record<string, string>;

const quantities = (v: unknown): Quantities => {
  const out: Quantities = {};
  for (const [k, q] of Object.entries(rec(v) ?? {})) if (typeof q === 'string' || typeof q === 'number') out[k] = String(q);
  return out;
};

/** The LimitRange items of one type, across the namespace's LimitRanges. */
function itemsOf(ranges: readonly KubeObject[], type: 'Container' | 'Pod'): Obj[] {
  return ranges.flatMap((r) => list(rec(r['spec'])?.['limits']).filter((item) => item['type'] === type));
}

interface ContainerRef {
  readonly prefix: 'container' | 'init container';
  readonly container: Obj;
}

function containersOf(spec: Obj): ContainerRef[] {
  return [
    ...list(spec['initContainers']).map((container) => ({ prefix: 'init container' as const, container })),
    ...list(spec['containers']).map((container) => ({ prefix: 'container' as const, container })),
  ];
}

/** Sets the defaults the `Container` items give (mutates); returns the annotation's parts. */
export function applyLimitRangeDefaults(podSpec: Obj, ranges: readonly KubeObject[]): string[] {
  const defaults = { limits: {} as Quantities, requests: {} as Quantities };
  for (const item of itemsOf(ranges, 'Container')) {
    Object.assign(defaults.requests, quantities(item['defaultRequest']));
    Object.assign(defaults.limits, quantities(item['default']));
  }
  const set: string[] = [];
  for (const { prefix, container } of containersOf(podSpec)) {
    const resources = (container['resources'] = rec(container['resources']) ?? {}) as Obj;
    const limits = quantities(resources['limits']);
    const requests = quantities(resources['requests']);
    // The API defaulting upstream runs first: a request defaults to its limit.
    for (const [k, v] of Object.entries(limits)) if (requests[k] === undefined) requests[k] = v;
    const setLimits = Object.keys(defaults.limits).filter((k) => limits[k] === undefined);
    const setRequests = Object.keys(defaults.requests).filter((k) => requests[k] === undefined);
    for (const k of setLimits) limits[k] = defaults.limits[k]!;
    for (const k of setRequests) requests[k] = defaults.requests[k]!;
    if (Object.keys(limits).length > 0) resources['limits'] = limits;
    if (Object.keys(requests).length > 0) resources['requests'] = requests;
    const name = String(container['name'] ?? '');
    if (setRequests.length > 0) set.push(`${setRequests.sort().join(', ')} request for ${prefix} ${name}`);
    if (setLimits.length > 0) set.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${name}`);
  }
  return set;
}

/** min, max and maxLimitRequestRatio of one item against one set of requests and limits. */
function violations(item: Obj, kind: string, requests: Quantities, limits: Quantities): string[] {
  const out: string[] = [];
  for (const [resource, enforced] of Object.entries(quantities(item['min']))) {
    const req = requests[resource];
    const lim = limits[resource];
    if (req === undefined) out.push(`minimum ${resource} usage per ${kind} is ${enforced}.  No request is specified`);
    else if (quantityValue(req) < quantityValue(enforced)) out.push(`minimum ${resource} usage per ${kind} is ${enforced}, but request is ${req}`);
    else if (lim !== undefined && quantityValue(lim) < quantityValue(enforced)) out.push(`minimum ${resource} usage per ${kind} is ${enforced}, but limit is ${lim}`);
  }
  for (const [resource, enforced] of Object.entries(quantities(item['max']))) {
    const req = requests[resource];
    const lim = limits[resource];
    if (lim === undefined) out.push(`maximum ${resource} usage per ${kind} is ${enforced}.  No limit is specified`);
    else if (quantityValue(lim) > quantityValue(enforced)) out.push(`maximum ${resource} usage per ${kind} is ${enforced}, but limit is ${lim}`);
    else if (req !== undefined && quantityValue(req) > quantityValue(enforced)) out.push(`maximum ${resource} usage per ${kind} is ${enforced}, but request is ${req}`);
  }
  for (const [resource, enforced] of Object.entries(quantities(item['maxLimitRequestRatio']))) {
    const req = requests[resource] === undefined ? 0 : quantityValue(requests[resource]);
    const lim = limits[resource] === undefined ? 0 : quantityValue(limits[resource]);
    if (req === 0) out.push(`${resource} max limit to request ratio per ${kind} is ${enforced}, but no request is specified or request is 0`);
    else if (lim === 0) out.push(`${resource} max limit to request ratio per ${kind} is ${enforced}, but no limit is specified or limit is 0`);
    else if (lim / req > quantityValue(enforced)) out.push(`${resource} max limit to request ratio per ${kind} is ${enforced}, but provided ratio is ${(lim / req).toFixed(6)}`);
  }
  return out;
}

/** A pod's totals: its containers summed, an init container's own needs where they are larger. */
function podTotals(spec: Obj, key: 'requests' | 'limits'): Quantities {
  const sum: Record<string, number> = {};
  for (const c of list(spec['containers'])) {
    for (const [k, v] of Object.entries(quantities(rec(c['resources'])?.[key]))) sum[k] = (sum[k] ?? 0) + quantityValue(v);
  }
  for (const c of list(spec['initContainers'])) {
    for (const [k, v] of Object.entries(quantities(rec(c['resources'])?.[key]))) sum[k] = Math.max(sum[k] ?? 0, quantityValue(v));
  }
  return Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, String(v)]));
}

/** Everything the LimitRanges forbid about a (defaulted) pod spec. */
export function limitRangeViolations(podSpec: Obj, ranges: readonly KubeObject[]): string[] {
  const out: string[] = [];
  for (const item of itemsOf(ranges, 'Container')) {
    for (const { container } of containersOf(podSpec)) {
      const resources = rec(container['resources']);
      out.push(...violations(item, 'Container', quantities(resources?.['requests']), quantities(resources?.['limits'])));
    }
  }
  for (const item of itemsOf(ranges, 'Pod')) out.push(...violations(item, 'Pod', podTotals(podSpec, 'requests'), podTotals(podSpec, 'limits')));
  return out;
}

/** The plugin bound to a space's LimitRanges. */
export function limitRangeAdmission(listRanges: (namespace: string) => Promise<KubeObject[]>) {
  return async (operation: 'create' | 'update', pod: KubeObject): Promise<void> => {
    if (operation !== 'create') return;
    const ranges = await listRanges(pod.metadata.namespace ?? '');
    if (ranges.length === 0) return;
    const spec = (pod['spec'] ??= {}) as Obj;
    const set = applyLimitRangeDefaults(spec, ranges);
    if (set.length > 0) pod.metadata.annotations = { ...pod.metadata.annotations, [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${set.join('; ')}` };
    const errs = limitRangeViolations(spec, ranges);
    if (errs.length > 0) throw forbidden(PODS, pod.metadata.name ?? '', errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
  };
}
