/**
 * The EndpointSlice controller's decisions: the service's endpoints grouped by the ports they
 * serve, at most 100 to a slice, and the fewest writes that turn the slices it owns into those
 * groups (a slice whose ports match is reused; one with nothing to hold goes). A service with no
 * endpoints keeps one empty placeholder slice, as upstream does.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/object.js';
import { arr, type Obj } from '../../registry/builtin/helpers.js';
import { endpointsOf, serviceLabels, targetRef, TRIGGER_TIME_ANNOTATION, lastChangeTriggerTime, type PodEndpoint } from './endpoints.js';
import { controllerRefTo } from './objects.js';

export const SLICE_MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** What one slice holds; null lists are how upstream's placeholder slice reads back. */
export interface SliceContent {
  readonly ports: Obj[] | null;
  readonly endpoints: Obj[] | null;
}

export function sliceEndpoint(e: PodEndpoint): Obj {
  return {
    addresses: [e.ip],
    conditions: { ready: e.ready, serving: e.serving, terminating: e.terminating },
    ...(e.hostname !== undefined && { hostname: e.hostname }),
    targetRef: targetRef(e.pod),
    ...(e.nodeName !== '' && { nodeName: e.nodeName }),
  };
}

/** The slices the service should have: one group per distinct port set, split at MAX_ENDPOINTS_PER_SLICE. */
export function desiredSliceContents(endpoints: readonly PodEndpoint[]): SliceContent[] {
  const groups = new Map<string, { ports: Obj[]; endpoints: Obj[] }>();
  for (const e of endpoints) {
    const ports = e.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol, ...(p.appProtocol !== undefined && { appProtocol: p.appProtocol }) }));
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(sliceEndpoint(e));
  }
  const out: SliceContent[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) out.push({ ports: g.ports, endpoints: g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  }
  return out.length > 0 ? out : [{ ports: null, endpoints: null }];
}

export function sliceLabels(svc: KubeObject): Record<string, string> {
  return { ...serviceLabels(svc, [SERVICE_NAME_LABEL, SLICE_MANAGED_BY_LABEL]), [SERVICE_NAME_LABEL]: svc.metadata.name ?? '', [SLICE_MANAGED_BY_LABEL]: SLICE_CONTROLLER };
}

export const managedSlice = (slice: KubeObject): boolean => slice.metadata.labels?.[SLICE_MANAGED_BY_LABEL] === SLICE_CONTROLLER;

export interface SlicePlan {
  readonly create: readonly KubeObject[];
  /** Existing slices with their new content (copies, same name and uid). */
  readonly update: readonly KubeObject[];
  readonly remove: readonly KubeObject[];
}

const samePorts = (slice: KubeObject, c: SliceContent): boolean => isDeepStrictEqual(arr(slice['ports']), c.ports ?? []);
const sameEndpoints = (slice: KubeObject, c: SliceContent): boolean => isDeepStrictEqual(arr(slice['endpoints']), c.endpoints ?? []);

/** `owned`: the slices the service controls (others' are skipped here, not touched). */
export function planSlices(svc: KubeObject, pods: readonly KubeObject[], owned: readonly KubeObject[]): SlicePlan {
  const endpoints = endpointsOf(svc, pods, true);
  const wanted = desiredSliceContents(endpoints);
  const labels = sliceLabels(svc);
  const trigger = lastChangeTriggerTime(svc, endpoints);
  const owner = controllerRefTo(svc, 'v1', 'Service');
  const unused = owned.filter((s) => managedSlice(s) && !s.metadata.deletionTimestamp);
  const create: KubeObject[] = [];
  const update: KubeObject[] = [];
  const withContent = (slice: KubeObject, c: SliceContent): KubeObject => {
    const next = structuredClone(slice);
    const annotations = { ...(slice.metadata.annotations ?? {}) };
    if (trigger !== undefined) annotations[TRIGGER_TIME_ANNOTATION] = trigger;
    next.metadata.labels = labels;
    if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
    next['addressType'] = 'IPv4';
    next['endpoints'] = c.endpoints;
    next['ports'] = c.ports;
    return next;
  };
  for (const c of wanted) {
    const candidates = unused.filter((s) => s['addressType'] === 'IPv4' && samePorts(s, c));
    const pick = candidates.find((s) => sameEndpoints(s, c)) ?? candidates[0];
    if (pick === undefined) {
      create.push(
        withContent(
          { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { generateName: `${svc.metadata.name ?? ''}-`, namespace: svc.metadata.namespace ?? '', ownerReferences: [owner] } },
          c,
        ),
      );
      continue;
    }
    unused.splice(unused.indexOf(pick), 1);
    if (!sameEndpoints(pick, c) || !isDeepStrictEqual(pick.metadata.labels ?? {}, labels)) update.push(withContent(pick, c));
  }
  return { create, update, remove: unused };
}
