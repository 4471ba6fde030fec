/**
 * The decisions behind the Pod subresources and the proxies, kept free of HTTP and storage:
 * which container a log or exec request means, what a pod without a node (or a node without a
 * reachable kubelet, which is every node here) answers, what an ephemeral-container, resize or
 * binding write may change, whether an eviction is allowed by the pod's disruption budget, and
 * the podIP/podIPs pairing of the v1 Pod status.
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest, conflict, fieldErrors, internalError, notFound, unknownError, serviceUnavailable, StatusError, type FieldError } from '../../api/errors.js';
import { labelSelectorToRequirements, labelsMatch, type LabelSelector } from '../../api/label-selector.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import { arr, num, rec, recs, specOf, statusOf, str, type Obj } from './helpers.js';
import { defaultPodSpec, podQOSClass } from './pod-template.js';

const PODS = { group: '', resource: 'pods' };

// ---------------------------------------------------------------------------------------------
// podIP / podIPs, hostIP / hostIPs

/**
 * What the v1 conversion of PodStatus does to the pairs (podIP, podIPs) and (hostIP, hostIPs): a
 * single IP given alone becomes the list's only item; a single IP that disagrees with the list's
 * first item wins (older clients write only the single field); the single field is then the
 * list's first item. Mutates `status`.
 */
export function pairPodIPs(status: Obj): void {
  for (const [single, list] of [['podIP', 'podIPs'], ['hostIP', 'hostIPs']] as const) {
    const ip = str(status[single]);
    const items = recs(status[list]);
    if (ip !== '' && (items.length === 0 || str(items[0]!['ip']) !== ip)) status[list] = [{ ip }];
    const first = str(recs(status[list])[0]?.['ip']);
    if (first !== '') status[single] = first;
  }
}

// ---------------------------------------------------------------------------------------------
// Containers

/** Every container name of the pod: init containers, containers, ephemeral containers, in that order. */
export function containerNames(pod: KubeObject): string[] {
  const spec = specOf(pod);
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) => recs(spec[key]).map((c) => str(c['name'])));
}

/**
 * The container a log, exec or attach request is about: the one named (which must exist), or the
 * pod's only container. 400 BadRequest otherwise, worded as upstream.
 */
export function pickContainer(pod: KubeObject, requested: string): string {
  const name = pod.metadata.name ?? '';
  if (requested !== '') {
    if (!containerNames(pod).includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = recs(specOf(pod)['containers']);
  if (containers.length === 1) return str(containers[0]!['name']);
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`);
}

// ---------------------------------------------------------------------------------------------
// Kubelets

/** The port a node's kubelet serves on (status.daemonEndpoints), 10250 by default. */
export function kubeletPort(node: KubeObject): number {
  return num(rec(rec(statusOf(node)['daemonEndpoints'])?.['kubeletEndpoint'])?.['Port']) || 10250;
}

const ADDRESS_PREFERENCE = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];

/** The address the apiserver would dial a node's kubelet on, by kube-apiserver's default preference. */
export function kubeletAddress(node: KubeObject): string | undefined {
  const addresses = recs(statusOf(node)['addresses']);
  for (const type of ADDRESS_PREFERENCE) {
    const found = addresses.find((a) => a['type'] === type && str(a['address']) !== '');
    if (found !== undefined) return str(found['address']);
  }
  return undefined;
}

/**
 * What a request that needs the kubelet of `nodeName` gets here, where no node runs one: 404 for
 * a node that does not exist (as the apiserver's node lookup answers), and otherwise the 500 the
 * apiserver gives when it cannot reach the kubelet: no usable address, or no connection. Those are
 * plain errors upstream, so the Status has no reason (kubectl: `Error from server: error dialing backend: ...`).
 */
export function kubeletUnreachable(nodeName: string, node: KubeObject | undefined): StatusError {
  if (node === undefined) return notFound({ group: '', resource: 'nodes' }, nodeName);
  const address = kubeletAddress(node);
  if (address === undefined) {
    const known = recs(statusOf(node)['addresses']).map((a) => `{${str(a['type'])} ${str(a['address'])}}`);
    return unknownError(500, `no preferred addresses found; known addresses: [${known.join(' ')}]`);
  }
  const host = address.includes(':') ? `[${address}]` : address;
  return unknownError(500, `error dialing backend: the kubelet of node "${nodeName}" (${host}:${kubeletPort(node)}) is not reachable from this server`);
}

/**
 * Why a node's kubelet refuses a container's log (its validateContainerLogStatus), from the pod's
 * status; undefined when it has one to give. A container with no status yet is being created.
 */
export function containerLogRefusal(pod: KubeObject, container: string, previous: boolean): string | undefined {
  const status = statusOf(pod);
  const podName = pod.metadata.name ?? '';
  const at = `container ${JSON.stringify(container)} in pod ${JSON.stringify(podName)}`;
  const cs = [...recs(status['containerStatuses']), ...recs(status['initContainerStatuses']), ...recs(status['ephemeralContainerStatuses'])].find(
    (c) => c['name'] === container,
  );
  if (cs === undefined) return `${at} is waiting to start: ContainerCreating`;
  const state = rec(cs['state']) ?? {};
  const last = rec(rec(cs['lastState'])?.['terminated']);
  const lastId = str(last?.['containerID']);
  if (previous) return lastId === '' ? `previous terminated ${at} not found` : undefined;
  if (rec(state['running']) !== undefined) return undefined;
  const terminated = rec(state['terminated']);
  if (terminated !== undefined) return str(terminated['containerID']) !== '' || lastId !== '' ? undefined : `${at} is terminated`;
  if (last !== undefined) return lastId !== '' ? undefined : `${at} is terminated`;
  const waiting = rec(state['waiting']);
  if (waiting === undefined) return `${at} is waiting to start - no logs yet`;
  const reason = str(waiting['reason']);
  if (reason === 'ErrImagePull') return `${at} is waiting to start: image can't be pulled`;
  if (reason === 'ImagePullBackOff') return `${at} is waiting to start: trying and failing to pull image`;
  return `${at} is waiting to start: ${reason}`;
}

/** exec, attach and portforward on a pod that no node runs: upstream's 400, before any upgrade. */
export function noHostAssigned(pod: KubeObject): StatusError {
  return badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
}

// ---------------------------------------------------------------------------------------------
// Proxies

/** `name`, `name:port` or `scheme:name:port` (the proxy subresources' object name); undefined when malformed. */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (name === '' || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

/** pods/proxy: a pod without a routable IP is 400 `address not allowed`; one with an IP cannot be reached from here. */
export function podProxyError(pod: KubeObject): StatusError {
  const ip = str(statusOf(pod)['podIP']);
  if (ip === '' || ip.startsWith('127.') || ip === '::1' || ip === '0.0.0.0' || ip.startsWith('169.254.')) return badRequest('address not allowed');
  return serviceUnavailable(`error trying to reach pod "${pod.metadata.name ?? ''}" at ${ip}: this server has no route to the pod network`);
}

/**
 * services/proxy: the port asked for must be one of the service's, and the service needs a ready
 * endpoint; kube answers 503 otherwise. `ready` lists the service's ready endpoint addresses.
 */
export function serviceProxyError(id: string, service: KubeObject, port: string, ready: readonly string[]): StatusError {
  const ports = recs(specOf(service)['ports']);
  if (port !== '' && !ports.some((p) => str(p['name']) === port || String(num(p['port']) ?? '') === port)) {
    return serviceUnavailable(`no service port "${port}" found for service "${service.metadata.name ?? ''}"`);
  }
  if (ready.length === 0) return serviceUnavailable(`no endpoints available for service "${id}"`);
  return serviceUnavailable(`error trying to reach service "${id}": this server has no route to the pod network`);
}

/** The ready addresses of a core/v1 Endpoints object. */
export function readyEndpointsAddresses(endpoints: KubeObject | undefined): string[] {
  if (endpoints === undefined) return [];
  return recs(endpoints['subsets']).flatMap((s) => recs(s['addresses']).map((a) => str(a['ip'])).filter((ip) => ip !== ''));
}

// ---------------------------------------------------------------------------------------------
// Writes through subresources

/** The stored object with what a subresource write may change taken from `obj`; resourceVersion and managedFields from the write. */
function keepAllBut(obj: KubeObject, old: KubeObject, take: (next: KubeObject) => void): KubeObject {
  const next: KubeObject = structuredClone(old);
  take(next);
  if (obj.metadata.managedFields !== undefined) next.metadata.managedFields = obj.metadata.managedFields;
  next.metadata.resourceVersion = obj.metadata.resourceVersion;
  return next;
}

const specOfNew = (o: KubeObject): Obj => {
  const spec = rec(o['spec']);
  if (spec !== undefined) return spec;
  const created: Obj = {};
  o['spec'] = created;
  return created;
};

/** pods/ephemeralcontainers: only spec.ephemeralContainers changes. */
export function ephemeralContainersUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  return keepAllBut(obj, old, (next) => {
    const wanted = specOf(obj)['ephemeralContainers'];
    const spec = specOfNew(next);
    if (wanted === undefined || wanted === null || (Array.isArray(wanted) && wanted.length === 0)) delete spec['ephemeralContainers'];
    else spec['ephemeralContainers'] = structuredClone(wanted);
    // Decoding defaults them upstream; the rest of the stored spec is defaulted already.
    defaultPodSpec(spec);
  });
}

/** What an ephemeral container may not have (they run once, for debugging, without a reserved place). */
const EPHEMERAL_FORBIDDEN = ['ports', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'resizePolicy'];

/**
 * ValidatePodEphemeralContainersUpdate: new ephemeral containers are well formed and named apart
 * from every other container; existing ones may be neither removed nor changed.
 */
export function validateEphemeralContainersUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  const path = 'spec.ephemeralContainers';
  if (spec['ephemeralContainers'] !== undefined && !Array.isArray(spec['ephemeralContainers'])) {
    return [fieldErrors.invalid(path, spec['ephemeralContainers'], 'must be a list')];
  }
  const taken = new Set(['initContainers', 'containers'].flatMap((k) => recs(spec[k]).map((c) => str(c['name']))));
  const items = recs(spec['ephemeralContainers']);
  items.forEach((c, i) => {
    const p = `${path}[${i}]`;
    const name = str(c['name']);
    if (name === '') errs.push(fieldErrors.required(`${p}.name`));
    else if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
      errs.push(fieldErrors.invalid(`${p}.name`, name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"));
    } else if (taken.has(name)) errs.push(fieldErrors.duplicate(`${p}.name`, name));
    taken.add(name);
    if (str(c['image']).trim() === '') errs.push(fieldErrors.required(`${p}.image`));
    for (const key of EPHEMERAL_FORBIDDEN) {
      if (c[key] !== undefined && c[key] !== null) errs.push(fieldErrors.forbidden(`${p}.${key}`, 'cannot be set for an Ephemeral Container'));
    }
    const resources = rec(c['resources']) ?? {};
    if (Object.keys(resources).some((k) => Object.keys(rec(resources[k]) ?? {}).length > 0)) {
      errs.push(fieldErrors.forbidden(`${p}.resources`, 'cannot be set for an Ephemeral Container'));
    }
  });
  const byName = new Map(items.map((c) => [str(c['name']), c]));
  for (const prev of recs(specOf(old)['ephemeralContainers'])) {
    const name = str(prev['name']);
    const now = byName.get(name);
    if (now === undefined) errs.push(fieldErrors.forbidden(path, `existing ephemeral containers "${name}" may not be removed`));
    else if (!isDeepStrictEqual(now, prev)) errs.push(fieldErrors.forbidden(`${path}[${name}]`, `existing ephemeral containers "${name}" may not be changed`));
  }
  return errs;
}

const RESIZABLE = ['cpu', 'memory'];

/** pods/resize: only the resources (and resize policy) of containers change, matched by position and name. */
export function resizeUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  return keepAllBut(obj, old, (next) => {
    const spec = specOfNew(next);
    for (const key of ['containers', 'initContainers']) {
      const wanted = recs(specOf(obj)[key]);
      const current = recs(spec[key]);
      if (wanted.length !== current.length) {
        // Containers may not be added or removed; keep the write's list so validation sees it.
        if (specOf(obj)[key] !== undefined) spec[key] = structuredClone(specOf(obj)[key]);
        continue;
      }
      current.forEach((c, i) => {
        const w = wanted[i]!;
        if (str(w['name']) !== str(c['name'])) return;
        for (const field of ['resources', 'resizePolicy']) {
          if (w[field] === undefined) delete c[field];
          else c[field] = structuredClone(w[field]);
        }
      });
    }
  });
}

/** ValidatePodResize, the parts that matter without a node: same containers, only cpu and memory, same QoS class. */
export function validateResize(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = specOf(obj);
  const prev = specOf(old);
  for (const key of ['containers', 'initContainers']) {
    const now = recs(spec[key]);
    const before = recs(prev[key]);
    if (now.length !== before.length || now.some((c, i) => str(c['name']) !== str(before[i]!['name']))) {
      errs.push(fieldErrors.forbidden(`spec.${key}`, 'containers may not be added, removed or reordered by a resize'));
      continue;
    }
    now.forEach((c, i) => {
      const b = before[i]!;
      const changed = !isDeepStrictEqual(c['resources'], b['resources']) || !isDeepStrictEqual(c['resizePolicy'], b['resizePolicy']);
      if (!changed) return;
      if (key === 'initContainers' && b['restartPolicy'] !== 'Always') {
        errs.push(fieldErrors.forbidden(`spec.initContainers[${i}].resources`, 'resources for non-sidecar init containers are immutable'));
        return;
      }
      for (const part of ['requests', 'limits']) {
        const a = rec(rec(c['resources'])?.[part]) ?? {};
        const z = rec(rec(b['resources'])?.[part]) ?? {};
        for (const name of new Set([...Object.keys(a), ...Object.keys(z)])) {
          if (RESIZABLE.includes(name) || isDeepStrictEqual(a[name], z[name])) continue;
          errs.push(fieldErrors.forbidden(`spec.${key}[${i}].resources.${part}[${name}]`, 'only cpu and memory resources are mutable'));
        }
      }
    });
  }
  if (errs.length === 0) {
    const before = str(statusOf(old)['qosClass']) || podQOSClass(prev);
    const after = podQOSClass(spec);
    if (before !== after) errs.push(fieldErrors.invalid('spec', after, 'Pod QOS Class may not change as a result of resizing'));
  }
  return errs;
}

/** A Binding's target node (validated), or the 422 field errors of ValidatePodBinding. */
export function validateBinding(binding: KubeObject): FieldError[] {
  const target = rec(binding['target']) ?? {};
  const errs: FieldError[] = [];
  const kind = str(target['kind']);
  if (kind !== '' && kind !== 'Node') errs.push(fieldErrors.notSupported('target.kind', kind, ['Node', '<empty>']));
  if (str(target['name']) === '') errs.push(fieldErrors.required('target.name'));
  return errs;
}

/**
 * pods/binding on the stored pod: sets spec.nodeName, adds the Binding's annotations and marks
 * the pod scheduled. 409 when the pod is already bound, is being deleted, or has scheduling
 * gates; 409 too when the Binding names another incarnation of the pod (uid) or resourceVersion.
 */
export function bindPod(pod: KubeObject, binding: KubeObject, now: Date = new Date()): KubeObject {
  const name = pod.metadata.name ?? '';
  const node = str(rec(binding['target'])?.['name']);
  const uid = str(rec(binding['metadata'])?.['uid']);
  const rv = str(rec(binding['metadata'])?.['resourceVersion']);
  if (uid !== '' && uid !== pod.metadata.uid) throw conflict(PODS, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
  if (rv !== '' && rv !== pod.metadata.resourceVersion) {
    throw conflict(PODS, name, `Precondition failed: ResourceVersion in precondition: ${rv}, ResourceVersion in object meta: ${pod.metadata.resourceVersion ?? ''}`);
  }
  if (pod.metadata.deletionTimestamp !== undefined) throw conflict(PODS, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  const spec = specOf(pod);
  const bound = str(spec['nodeName']);
  if (bound !== '') throw conflict(PODS, name, `pod ${name} is already assigned to node "${bound}"`);
  if (arr(spec['schedulingGates']).length > 0) throw conflict(PODS, name, `pod ${name} has non-empty .spec.schedulingGates`);
  const next: KubeObject = structuredClone(pod);
  specOfNew(next)['nodeName'] = node;
  const annotations = rec(rec(binding['metadata'])?.['annotations']);
  if (annotations !== undefined && Object.keys(annotations).length > 0) {
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), ...(annotations as Record<string, string>) };
  }
  const status = rec(next['status']) ?? {};
  next['status'] = status;
  const conditions = recs(status['conditions']);
  const scheduled = conditions.find((c) => c['type'] === 'PodScheduled');
  const stamp = rfc3339(now);
  if (scheduled === undefined) conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: stamp });
  else if (scheduled['status'] !== 'True') {
    scheduled['status'] = 'True';
    scheduled['lastTransitionTime'] = stamp;
    delete scheduled['reason'];
    delete scheduled['message'];
  }
  status['conditions'] = conditions;
  return next;
}

/** The binding subresource's strategy: nodeName, annotations and status.conditions from the write. */
export function bindingUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  return keepAllBut(obj, old, (next) => {
    specOfNew(next)['nodeName'] = specOf(obj)['nodeName'];
    if (obj.metadata.annotations !== undefined) next.metadata.annotations = obj.metadata.annotations;
    const status = rec(next['status']) ?? {};
    status['conditions'] = statusOf(obj)['conditions'];
    next['status'] = status;
  });
}

/** The binding may set spec.nodeName once; nothing else in spec changes. */
export function validateBindingUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const { nodeName: _n, ...rest } = specOf(obj);
  const { nodeName: previous, ...restOld } = specOf(old);
  if (str(previous) !== '' && previous !== specOf(obj)['nodeName']) return [fieldErrors.forbidden('spec.nodeName', 'a pod bound to a node may not be moved')];
  return isDeepStrictEqual(rest, restOld) ? [] : [fieldErrors.forbidden('spec', 'a binding changes only spec.nodeName')];
}

// ---------------------------------------------------------------------------------------------
// Eviction

/** Whether the pod is ready (its Ready condition is True). */
function podReady(pod: KubeObject): boolean {
  return recs(statusOf(pod)['conditions']).some((c) => c['type'] === 'Ready' && c['status'] === 'True');
}

/** The disruption budgets that cover the pod: same namespace, a non-empty selector matching its labels. */
export function budgetsFor(pod: KubeObject, pdbs: readonly KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    if ((pdb.metadata.namespace ?? '') !== (pod.metadata.namespace ?? '')) return false;
    let reqs;
    try {
      reqs = labelSelectorToRequirements(rec(specOf(pdb)['selector']) as LabelSelector | undefined);
    } catch {
      return false; // an invalid selector matches nothing
    }
    // A nil or empty selector matches nothing (not everything) for evictions.
    if (reqs === null || reqs.length === 0) return false;
    return labelsMatch(reqs, pod.metadata.labels ?? {});
  });
}

export type EvictionDecision =
  /** Delete the pod; no budget to charge. */
  | { readonly charge: undefined }
  /** Delete the pod after taking one disruption from this budget. */
  | { readonly charge: KubeObject };

/** kube's 429 for an eviction the budget does not allow, with the DisruptionBudget cause. */
function budgetRefusal(cause: string): StatusError {
  const err = new StatusError(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.", {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });
  return err;
}

/**
 * Whether a pod may be evicted, after upstream's eviction REST: pods that are terminal, pending
 * or already being deleted go without looking at budgets; a pod covered by more than one budget
 * cannot be evicted (500); an unhealthy pod may go when its budget's policy allows it; otherwise
 * the budget must have been observed at its generation and allow a disruption (429 if not).
 */
export function decideEviction(pod: KubeObject, pdbs: readonly KubeObject[]): EvictionDecision {
  const phase = str(statusOf(pod)['phase']);
  if (phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined) return { charge: undefined };
  const covering = budgetsFor(pod, pdbs);
  if (covering.length === 0) return { charge: undefined };
  if (covering.length > 1) {
    throw internalError(new Error('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.'));
  }
  const pdb = covering[0]!;
  const status = statusOf(pdb);
  const pdbName = pdb.metadata.name ?? '';
  if (!podReady(pod)) {
    const policy = str(specOf(pdb)['unhealthyPodEvictionPolicy']) || 'IfHealthyBudget';
    if (policy === 'AlwaysAllow') return { charge: undefined };
    const current = num(status['currentHealthy']) ?? 0;
    const desired = num(status['desiredHealthy']) ?? 0;
    if (current >= desired && desired > 0) return { charge: undefined };
  }
  if ((num(status['observedGeneration']) ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw budgetRefusal(`The disruption budget ${pdbName} is still being processed by the server.`);
  }
  const allowed = num(status['disruptionsAllowed']) ?? 0;
  if (allowed < 0) throw new StatusError(403, 'Forbidden', 'pdb disruptions allowed is negative');
  if (Object.keys(rec(status['disruptedPods']) ?? {}).length > 2000) {
    throw new StatusError(403, 'Forbidden', 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw budgetRefusal(`The disruption budget ${pdbName} needs ${num(status['desiredHealthy']) ?? 0} healthy pods and has ${num(status['currentHealthy']) ?? 0} currently`);
  }
  return { charge: pdb };
}

/** A budget after charging one eviction of `podName`: one disruption fewer, the pod recorded as disrupted. */
export function chargeBudget(pdb: KubeObject, podName: string, now: Date = new Date()): KubeObject {
  const next: KubeObject = structuredClone(pdb);
  const status = rec(next['status']) ?? {};
  next['status'] = status;
  const allowed = num(status['disruptionsAllowed']) ?? 0;
  if (allowed <= 0) throw budgetRefusal(`The disruption budget ${pdb.metadata.name ?? ''} needs ${num(status['desiredHealthy']) ?? 0} healthy pods and has ${num(status['currentHealthy']) ?? 0} currently`);
  status['disruptionsAllowed'] = allowed - 1;
  status['disruptedPods'] = { ...(rec(status['disruptedPods']) ?? {}), [podName]: rfc3339(now) };
  return next;
}
