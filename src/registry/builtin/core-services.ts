/**
 * core/v1 Service: SetDefaults_Service, the registry's allocation of cluster IPs and node ports
 * (service-alloc.ts), carrying allocated values across updates that omit them (what makes
 * `kubectl replace` and `apply` of a manifest without clusterIP work), and ValidateService.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabels } from '../../api/label-selector.js';
import { nameIsDNS1035Label } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { formatLabelMap, loadBalancerIngress, NONE } from './cells.js';
import { dnsLabel, dnsSubdomain, oneOf, portNumber, portNumOrName } from './checks.js';
import { arr, child, column, define, each, kindStrategy, rec, recs, setDefault, specOf, str, strMap, wide, type Obj } from './helpers.js';
import { PROTOCOLS } from './pod-template.js';
import {
  allocateClusterIP,
  allocateNodePort,
  inServiceCIDR,
  isIP,
  NO_ALLOCATIONS,
  NODE_PORT_MAX,
  NODE_PORT_MIN,
  SERVICE_CIDR,
  type ServiceAllocations,
} from './service-alloc.js';

const TYPES = ['ClusterIP', 'ExternalName', 'NodePort', 'LoadBalancer'] as const;

const needsClusterIP = (spec: Obj): boolean => spec['type'] !== 'ExternalName';
const needsNodePorts = (spec: Obj): boolean =>
  spec['type'] === 'NodePort' || (spec['type'] === 'LoadBalancer' && spec['allocateLoadBalancerNodePorts'] !== false);
const needsHealthCheckPort = (spec: Obj): boolean => spec['type'] === 'LoadBalancer' && spec['externalTrafficPolicy'] === 'Local';
const externallyAccessible = (spec: Obj): boolean =>
  spec['type'] === 'NodePort' || spec['type'] === 'LoadBalancer' || (spec['type'] === 'ClusterIP' && arr(spec['externalIPs']).length > 0);
const nodePortsOf = (spec: Obj): number[] => recs(spec['ports']).map((p) => (typeof p['nodePort'] === 'number' ? p['nodePort'] : 0));

/** SetDefaults_Service (both on create and update). */
function defaultService(o: KubeObject): void {
  const spec = child(o, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP' && typeof rec(rec(spec['sessionAffinityConfig'])?.['clientIP'])?.['timeoutSeconds'] !== 'number') {
    spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of each(spec, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (p['targetPort'] === undefined || p['targetPort'] === null || p['targetPort'] === 0 || p['targetPort'] === '') p['targetPort'] = p['port'];
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec['type'] !== 'ExternalName') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec['type'] === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
  // clusterIP and clusterIPs[0] name the same address; either may be given.
  const ips = arr(spec['clusterIPs']);
  if (str(spec['clusterIP']) !== '' && ips.length === 0) spec['clusterIPs'] = [spec['clusterIP']];
  else if (str(spec['clusterIP']) === '' && ips.length > 0) spec['clusterIP'] = ips[0];
}

/** Errors found while allocating on create, reported by validation (prepare hooks cannot fail). */
const allocationErrors = new WeakMap<KubeObject, FieldError[]>();

/** Cluster IP, IP families and node ports for whatever the spec still lacks. */
function allocate(o: KubeObject, alloc: ServiceAllocations, checkTaken: boolean): void {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const seed = `${o.metadata.uid ?? ''}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  if (needsClusterIP(spec)) {
    const taken = alloc.clusterIPs();
    const ip = str(spec['clusterIP']);
    if (ip === '') {
      const picked = allocateClusterIP(taken, seed);
      if (picked === undefined) errs.push(fieldErrors.invalid('spec.clusterIPs', [], `failed to allocate IP: range is full`));
      else {
        spec['clusterIP'] = picked;
        spec['clusterIPs'] = [picked];
      }
    } else if (ip !== 'None' && isIP(ip)) {
      const why = !inServiceCIDR(ip)
        ? `provided IP is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`
        : checkTaken && taken.has(ip)
          ? 'provided IP is already allocated'
          : '';
      if (why !== '') errs.push(fieldErrors.invalid('spec.clusterIPs', spec['clusterIPs'], `failed to allocate IP ${ip}: ${why}`));
    }
    const headless = spec['clusterIP'] === 'None';
    const selectorless = Object.keys(rec(spec['selector']) ?? {}).length === 0;
    setDefault(spec, 'ipFamilyPolicy', headless && selectorless ? 'RequireDualStack' : 'SingleStack');
    if (arr(spec['ipFamilies']).length === 0) spec['ipFamilies'] = [str(spec['clusterIP']).includes(':') ? 'IPv6' : 'IPv4'];
  }
  const taken = new Set([...alloc.nodePorts()]);
  const pick = (seedSuffix: string): number | undefined => {
    const port = allocateNodePort(taken, `${seed}/${seedSuffix}`);
    if (port !== undefined) taken.add(port);
    return port;
  };
  if (needsNodePorts(spec)) {
    recs(spec['ports']).forEach((p, i) => {
      const given = p['nodePort'];
      if (typeof given === 'number' && given !== 0) {
        if (checkTaken && alloc.nodePorts().has(given)) errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, given, 'provided port is already allocated'));
        taken.add(given);
      }
    });
    each(spec, 'ports').forEach((p, i) => {
      if (p['nodePort'] === undefined || p['nodePort'] === null || p['nodePort'] === 0) {
        const port = pick(String(i));
        if (port !== undefined) p['nodePort'] = port;
      }
    });
  }
  if (needsHealthCheckPort(spec) && (spec['healthCheckNodePort'] === undefined || spec['healthCheckNodePort'] === 0)) {
    const port = pick('health');
    if (port !== undefined) spec['healthCheckNodePort'] = port;
  }
  if (errs.length > 0) allocationErrors.set(o, errs);
}

/** Upstream's dropTypeDependentFields and patchAllocatedValues: what an update keeps or sheds. */
function carryForward(o: KubeObject, old: KubeObject): void {
  const spec = child(o, 'spec');
  const prev = specOf(old);
  if (needsClusterIP(prev) && !needsClusterIP(spec)) {
    if (isDeepStrictEqual(spec['clusterIPs'], prev['clusterIPs'])) {
      delete spec['clusterIP'];
      delete spec['clusterIPs'];
    }
    if (isDeepStrictEqual(spec['ipFamilies'], prev['ipFamilies'])) delete spec['ipFamilies'];
    if (spec['ipFamilyPolicy'] === prev['ipFamilyPolicy']) delete spec['ipFamilyPolicy'];
  }
  if (needsNodePorts(prev) && !needsNodePorts(spec) && isDeepStrictEqual(nodePortsOf(spec), nodePortsOf(prev))) {
    for (const p of each(spec, 'ports')) delete p['nodePort'];
  }
  if (needsHealthCheckPort(prev) && !needsHealthCheckPort(spec) && spec['healthCheckNodePort'] === prev['healthCheckNodePort']) {
    delete spec['healthCheckNodePort'];
  }
  if (spec['type'] !== 'LoadBalancer') delete spec['allocateLoadBalancerNodePorts'];
  if (externallyAccessible(prev) && !externallyAccessible(spec) && spec['externalTrafficPolicy'] === prev['externalTrafficPolicy']) {
    delete spec['externalTrafficPolicy'];
  }
  // An ExternalName Service has no internal traffic to route.
  if (prev['type'] !== 'ExternalName' && spec['type'] === 'ExternalName' && spec['internalTrafficPolicy'] === prev['internalTrafficPolicy']) {
    delete spec['internalTrafficPolicy'];
  }
  if (needsClusterIP(prev) && needsClusterIP(spec)) {
    if (str(spec['clusterIP']) === '' && prev['clusterIP'] !== undefined) spec['clusterIP'] = prev['clusterIP'];
    if (arr(spec['clusterIPs']).length === 0 && prev['clusterIPs'] !== undefined) spec['clusterIPs'] = prev['clusterIPs'];
    if (spec['ipFamilyPolicy'] === undefined && prev['ipFamilyPolicy'] !== undefined) spec['ipFamilyPolicy'] = prev['ipFamilyPolicy'];
    if (spec['ipFamilies'] === undefined && prev['ipFamilies'] !== undefined) spec['ipFamilies'] = prev['ipFamilies'];
  }
  // normalizeClusterIPs: a client that changed (or cleared) only clusterIP, leaving clusterIPs as
  // they were, meant clusterIPs to be just that address, so validation then speaks of clusterIPs[0]
  // changing, not of the two disagreeing.
  const ips = arr(spec['clusterIPs']);
  if (spec['clusterIP'] !== prev['clusterIP'] && ips.length > 0 && isDeepStrictEqual(ips, arr(prev['clusterIPs']))) {
    if (str(spec['clusterIP']) === '') delete spec['clusterIPs'];
    else spec['clusterIPs'] = [spec['clusterIP']];
  }
  if (needsNodePorts(prev) && needsNodePorts(spec)) {
    const byName = new Map(recs(prev['ports']).map((p) => [str(p['name']), p['nodePort']]));
    const used = new Set(nodePortsOf(spec).filter((n) => nodePortsOf(prev).includes(n)));
    for (const p of each(spec, 'ports')) {
      const was = byName.get(str(p['name']));
      if ((p['nodePort'] === undefined || p['nodePort'] === 0) && typeof was === 'number' && !used.has(was)) p['nodePort'] = was;
    }
  }
  if (needsHealthCheckPort(prev) && needsHealthCheckPort(spec) && (spec['healthCheckNodePort'] ?? 0) === 0) {
    spec['healthCheckNodePort'] = prev['healthCheckNodePort'];
  }
  const status = rec(o['status']);
  if (status && spec['type'] !== 'LoadBalancer') status['loadBalancer'] = {};
}

function validatePorts(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ports = recs(spec['ports']);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    const name = str(p['name']);
    if (ports.length > 1 && name === '') errs.push(fieldErrors.required(`${path}.name`));
    else if (name !== '') {
      errs.push(...dnsLabel(`${path}.name`, name));
      if (names.has(name)) errs.push(fieldErrors.duplicate(`${path}.name`, name));
      names.add(name);
    }
    errs.push(...portNumber(`${path}.port`, p['port']));
    errs.push(...oneOf(`${path}.protocol`, p['protocol'], PROTOCOLS));
    errs.push(...portNumOrName(`${path}.targetPort`, p['targetPort']));
    const key = `${String(p['port'])}/${str(p['protocol'])}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(path, p));
    seen.add(key);
    const nodePort = p['nodePort'];
    if (nodePort === undefined || nodePort === null || nodePort === 0) return;
    if (spec['type'] === 'ClusterIP') errs.push(fieldErrors.forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    else if (typeof nodePort !== 'number' || nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
      errs.push(fieldErrors.invalid(`${path}.nodePort`, nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`));
    }
    const npKey = `${String(nodePort)}/${str(p['protocol'])}`;
    if (nodePorts.has(npKey)) errs.push(fieldErrors.duplicate(`${path}.nodePort`, nodePort));
    nodePorts.add(npKey);
  });
  return errs;
}

/** ValidateService, plus what allocation found on create. */
function validateService(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [...(allocationErrors.get(o) ?? [])];
  const type = spec['type'];
  errs.push(...oneOf('spec.type', type, TYPES));
  const headless = spec['clusterIP'] === 'None';
  if (type !== 'ExternalName' && !headless && arr(spec['ports']).length === 0) errs.push(fieldErrors.required('spec.ports'));
  if (type === 'ExternalName') {
    const external = str(spec['externalName']);
    if (external === '') errs.push(fieldErrors.required('spec.externalName'));
    else errs.push(...dnsSubdomain('spec.externalName', external.replace(/\.$/, '')));
    if (arr(spec['clusterIPs']).length > 0) errs.push(fieldErrors.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
  }
  arr(spec['clusterIPs']).forEach((ip, i) => {
    const s = str(ip);
    if (s === 'None') {
      if (i > 0 || (type !== 'ClusterIP' && type !== undefined)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, `may not be set to 'None' for ${str(type)} services`));
    } else if (!isIP(s)) errs.push(fieldErrors.invalid(`spec.clusterIPs[${i}]`, ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  if (str(spec['clusterIP']) !== '' && arr(spec['clusterIPs']).length > 0 && spec['clusterIP'] !== arr(spec['clusterIPs'])[0]) {
    errs.push(fieldErrors.invalid('spec.clusterIPs', spec['clusterIPs'], 'first value must match `clusterIP`'));
  }
  errs.push(...validatePorts(spec));
  errs.push(...oneOf('spec.sessionAffinity', spec['sessionAffinity'], ['None', 'ClientIP']));
  errs.push(...oneOf('spec.externalTrafficPolicy', spec['externalTrafficPolicy'], ['Cluster', 'Local']));
  errs.push(...oneOf('spec.internalTrafficPolicy', spec['internalTrafficPolicy'], ['Cluster', 'Local']));
  errs.push(...oneOf('spec.ipFamilyPolicy', spec['ipFamilyPolicy'], ['SingleStack', 'PreferDualStack', 'RequireDualStack']));
  arr(spec['ipFamilies']).forEach((f, i) => errs.push(...oneOf(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6'])));
  errs.push(...validateLabels(strMap(spec['selector']), 'spec.selector'));
  return errs;
}

const isHeadless = (spec: Obj): boolean => arr(spec['clusterIPs']).length === 1 && arr(spec['clusterIPs'])[0] === 'None';

/**
 * validateUpgradeDowngradeClusterIPs: clusterIPs may gain or lose a secondary address but never
 * change one. clusterIP itself is not checked: normalization has already made clusterIPs[0] follow it.
 */
function validateServiceUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const spec = specOf(o);
  const prev = specOf(old);
  if (!needsClusterIP(spec) || !needsClusterIP(prev) || (isHeadless(spec) && isHeadless(prev))) return [];
  const ips = arr(spec['clusterIPs']);
  const was = arr(prev['clusterIPs']);
  const changed = (i: number): FieldError => fieldErrors.invalid(`spec.clusterIPs[${i}]`, ips, 'may not change once set');
  if (ips.length === was.length) return was.flatMap((ip, i) => (ip === ips[i] ? [] : [changed(i)]));
  const errs: FieldError[] = [];
  if (ips.length === 0) errs.push(fieldErrors.invalid('spec.clusterIPs[0]', ips, 'primary clusterIP can not be unset'));
  if (was.length > 0 && ips.length > 0 && ips[0] !== was[0]) errs.push(changed(0));
  // Releasing the secondary address is a downgrade the client must ask for.
  if (ips.length === 1 && was.length > 1 && spec['ipFamilyPolicy'] !== 'SingleStack') {
    errs.push(fieldErrors.invalid('spec.ipFamilyPolicy', spec['ipFamilyPolicy'] ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
  }
  return errs;
}

/** ServiceType's External-IP cell (getServiceExternalIP, wide). */
function externalIP(o: KubeObject): string {
  const spec = specOf(o);
  const externalIPs = arr(spec['externalIPs']).map(str);
  switch (spec['type']) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : NONE;
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(rec(o['status'])?.['loadBalancer']);
      const all = [...(lb === '' ? [] : lb.split(',')), ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(spec['externalName']);
    default:
      return '<unknown>';
  }
}

/** `80/TCP,443:30443/TCP` (makePortString), `<none>` without ports. */
export function servicePorts(o: KubeObject): string {
  const s = recs(specOf(o)['ports'])
    .map((p) => {
      const np = p['nodePort'];
      return typeof np === 'number' && np > 0 ? `${String(p['port'])}:${np}/${str(p['protocol'])}` : `${String(p['port'])}/${str(p['protocol'])}`;
    })
    .join(',');
  return s === '' ? NONE : s;
}

/** The Service strategy over a space's allocations; the store can pass the cluster IPs and node ports in use. */
export function serviceDefinition(alloc: ServiceAllocations = NO_ALLOCATIONS): ResourceDefinition {
  return define({
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    returnsDeletedObject: true,
    shortNames: ['svc'],
    categories: ['all'],
    namespaced: true,
    subresources: {
      status: true,
      extra: [{ name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' } }],
    },
    nameValidator: nameIsDNS1035Label,
    columns: [
      nameColumn,
      column('Type', (o) => specOf(o)['type'], { description: 'type determines how the Service is exposed.' }),
      column('Cluster-IP', (o) => str(arr(specOf(o)['clusterIPs'])[0]) || NONE, { description: 'clusterIP is the IP address of the service.' }),
      column('External-IP', externalIP, { description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.' }),
      column('Port(s)', servicePorts, { description: 'The list of ports that are exposed by this service.' }),
      ageColumn,
      wide('Selector', (o) => formatLabelMap(specOf(o)['selector']), 'Route service traffic to pods with label keys and values matching this selector.'),
    ],
    strategy: kindStrategy({
      statusSubresource: true,
      generation: false,
      defaults: defaultService,
      initialStatus: () => ({ loadBalancer: {} }),
      create: (o) => allocate(o, alloc, true),
      update: (o, old) => {
        carryForward(o, old);
        allocate(o, alloc, false);
      },
      validate: validateService,
      validateUpdate: validateServiceUpdate,
      selectableFields: (o) => ({ 'spec.clusterIP': str(specOf(o)['clusterIP']), 'spec.type': str(specOf(o)['type']) }),
    }),
  });
}

export const services: ResourceDefinition = serviceDefinition();
