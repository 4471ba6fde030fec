/**
 * The endpoints controller's decisions (and the pod-to-endpoint reading the EndpointSlice
 * controller shares): which Services it keeps endpoints for, which pods back them and on which
 * port numbers, and the v1 Endpoints object, written only when its subsets or labels change.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { findCondition } from './conditions.js';
import { isDeleting, timeOf } from './objects.js';
import { isPodReady, isTerminal } from './pods.js';

export const ENDPOINTS_MANAGED_BY_LABEL = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER = 'endpoint-controller';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

/** The Service's selector; undefined when it has none (its endpoints are the user's to keep). */
export function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const sel = rec(specOf(svc)['selector']);
  if (sel === undefined || Object.keys(sel).length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel)) out[k] = str(v);
  return out;
}

/** Services the endpoint controllers keep: with a selector, not ExternalName, not the apiserver's own. */
export function managesEndpoints(svc: KubeObject): boolean {
  if (svc.metadata.namespace === 'default' && svc.metadata.name === 'kubernetes') return false;
  return selectorOf(svc) !== undefined && specOf(svc)['type'] !== 'ExternalName';
}

export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export const isHeadless = (svc: KubeObject): boolean => {
  const ip = str(specOf(svc)['clusterIP']);
  return ip === '' || ip === 'None';
};

export interface EndpointPort {
  readonly name: string;
  readonly port: number;
  readonly protocol: string;
  readonly appProtocol?: string;
}

export interface PodEndpoint {
  readonly pod: KubeObject;
  readonly ip: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName: string;
  readonly hostname?: string;
  /** The service's ports this pod serves, with their numbers on the pod. */
  readonly ports: readonly EndpointPort[];
}

/** FindPort: a number as is; a name looked up among the containers' ports of the same protocol. */
export function resolveTargetPort(pod: KubeObject, servicePort: Obj): number | undefined {
  const target = servicePort['targetPort'] ?? servicePort['port'];
  if (typeof target === 'number') return target;
  const name = str(target);
  if (name === '') return num(servicePort['port']);
  const protocol = str(servicePort['protocol']) || 'TCP';
  for (const c of recs(specOf(pod)['containers'])) {
    for (const p of recs(c['ports'])) {
      if (str(p['name']) === name && (str(p['protocol']) || 'TCP') === protocol) return num(p['containerPort']);
    }
  }
  return undefined;
}

/**
 * The pod as an endpoint of the service, or undefined when it is none: no address yet, finished,
 * or (unless `includeTerminating`, as the slice controller does) being deleted. Ports whose name
 * the pod does not declare are left out, as upstream skips them.
 */
export function podEndpoint(svc: KubeObject, pod: KubeObject, includeTerminating: boolean): PodEndpoint | undefined {
  const ip = str(statusOf(pod)['podIP']);
  const publish = specOf(svc)['publishNotReadyAddresses'] === true;
  const terminating = isDeleting(pod);
  if (ip === '' || isTerminal(pod) || (terminating && !includeTerminating && !publish)) return undefined;
  const ports: EndpointPort[] = [];
  for (const sp of recs(specOf(svc)['ports'])) {
    const port = resolveTargetPort(pod, sp);
    if (port === undefined) continue;
    const appProtocol = str(sp['appProtocol']);
    ports.push({ name: str(sp['name']), port, protocol: str(sp['protocol']) || 'TCP', ...(appProtocol !== '' && { appProtocol }) });
  }
  const podSpec = specOf(pod);
  const hostname = str(podSpec['hostname']);
  const ready = publish || isPodReady(pod);
  return {
    pod,
    ip,
    ready: publish || (ready && !terminating),
    serving: ready,
    terminating,
    nodeName: str(podSpec['nodeName']),
    ...(hostname !== '' && str(podSpec['subdomain']) === svc.metadata.name && { hostname }),
    ports,
  };
}

/** The pods selected by the service, as endpoints, ordered by address. */
export function endpointsOf(svc: KubeObject, pods: readonly KubeObject[], includeTerminating: boolean): PodEndpoint[] {
  const selector = selectorOf(svc);
  if (selector === undefined) return [];
  const out: PodEndpoint[] = [];
  for (const pod of pods) {
    if (pod.metadata.namespace !== svc.metadata.namespace || !selects(selector, pod.metadata.labels)) continue;
    const e = podEndpoint(svc, pod, includeTerminating);
    if (e !== undefined) out.push(e);
  }
  return out.sort((a, b) => compare(a.ip, b.ip) || compare(a.pod.metadata.name ?? '', b.pod.metadata.name ?? ''));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const targetRef = (pod: KubeObject): Obj => ({ kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' });

const portObj = (p: EndpointPort): Obj => ({ ...(p.name !== '' && { name: p.name }), port: p.port, protocol: p.protocol, ...(p.appProtocol !== undefined && { appProtocol: p.appProtocol }) });

/**
 * Endpoints subsets: addresses grouped by the ports they serve (one subset per distinct set, as
 * upstream repacks them), ready ones as addresses and the rest as notReadyAddresses. A headless
 * service without ports still lists its addresses.
 */
export function endpointsSubsets(svc: KubeObject, endpoints: readonly PodEndpoint[]): Obj[] {
  const headlessWithoutPorts = recs(specOf(svc)['ports']).length === 0 && isHeadless(svc);
  const groups = new Map<string, { ports: Obj[]; addresses: Obj[]; notReady: Obj[] }>();
  for (const e of endpoints) {
    if (e.ports.length === 0 && !headlessWithoutPorts) continue;
    const ports = [...e.ports].sort((a, b) => compare(a.name, b.name) || a.port - b.port).map(portObj);
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { ports, addresses: [], notReady: [] }));
    const address: Obj = { ip: e.ip, ...(e.hostname !== undefined && { hostname: e.hostname }), ...(e.nodeName !== '' && { nodeName: e.nodeName }), targetRef: targetRef(e.pod) };
    (e.ready ? g.addresses : g.notReady).push(address);
  }
  return [...groups.values()].map((g) => ({
    ...(g.addresses.length > 0 && { addresses: g.addresses }),
    ...(g.notReady.length > 0 && { notReadyAddresses: g.notReady }),
    ...(g.ports.length > 0 && { ports: g.ports }),
  }));
}

/** The labels both controllers put on what they write for the service: its own, and whether it is headless. */
export function serviceLabels(svc: KubeObject, reserved: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== HEADLESS_LABEL && !reserved.includes(k)) out[k] = v;
  if (isHeadless(svc)) out[HEADLESS_LABEL] = '';
  return out;
}

/**
 * When the change behind the endpoints happened: the newest of the service's creation and its
 * pods' last readiness transitions (what upstream's trigger-time tracker records), if any.
 */
export function lastChangeTriggerTime(svc: KubeObject, endpoints: readonly PodEndpoint[]): string | undefined {
  let best = timeOf(svc.metadata.creationTimestamp);
  for (const e of endpoints) {
    const t = timeOf(findCondition(recs(statusOf(e.pod)['conditions']), 'Ready')?.['lastTransitionTime']);
    if (t !== undefined && (best === undefined || t > best)) best = t;
  }
  return best === undefined ? undefined : new Date(best).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The Endpoints to write for the service given its pods, or undefined when `current` already has
 * these subsets and labels (the trigger-time annotation alone never causes a write).
 */
export function desiredEndpoints(svc: KubeObject, pods: readonly KubeObject[], current: KubeObject | undefined): KubeObject | undefined {
  const endpoints = endpointsOf(svc, pods, false);
  const subsets = endpointsSubsets(svc, endpoints);
  const labels = { ...serviceLabels(svc, []), [ENDPOINTS_MANAGED_BY_LABEL]: ENDPOINTS_CONTROLLER };
  if (current !== undefined && isDeepStrictEqual(recs(current['subsets']), subsets) && isDeepStrictEqual(current.metadata.labels ?? {}, labels)) return undefined;
  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
  const trigger = lastChangeTriggerTime(svc, endpoints);
  if (trigger !== undefined) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: svc.metadata.name ?? '',
      namespace: svc.metadata.namespace ?? '',
      labels,
      ...(Object.keys(annotations).length > 0 && { annotations }),
    },
    ...(subsets.length > 0 && { subsets }),
  };
}
