/**
 * networking.k8s.io/v1: IngressClasses, Ingresses and NetworkPolicies, with the Ingress path
 * and backend rules users trip over (pathType is required, a backend is a service or a
 * resource) and NetworkPolicy's implied policyTypes; and the ClusterIP allocator's kinds,
 * IPAddresses and ServiceCIDRs, stored and served only (this server allocates Service IPs from
 * its own fixed range and neither writes nor consults them).
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import { isDNS1123Label, isDNS1123Subdomain, isPathSegmentName, type NameValidator } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { formatSelector, loadBalancerIngress, NONE } from './cells.js';
import { canonicalCIDR, formatIP, parseCIDR, parseIP } from './ip-addr.js';
import { dnsSubdomain, immutable, oneOf, portNumber, requiredString, validPortName } from './checks.js';
import { arr, child, column, define, each, kindStrategy, rec, recs, setDefault, specOf, statusOf, str, type Obj } from './helpers.js';
import { PROTOCOLS } from './pod-template.js';
import { isIP } from './service-alloc.js';

const networking = { group: 'networking.k8s.io', version: 'v1' } as const;

function validateBackend(backend: Obj, path: string): FieldError[] {
  const service = rec(backend['service']);
  const resource = rec(backend['resource']);
  if (service !== undefined && resource !== undefined) return [fieldErrors.invalid(path, backend, 'cannot set both resource and service backends')];
  if (resource !== undefined) return [...requiredString(`${path}.resource.kind`, resource['kind']), ...requiredString(`${path}.resource.name`, resource['name'])];
  if (service === undefined) return [fieldErrors.invalid(path, backend, 'resource or service backend is required')];
  const errs = requiredString(`${path}.service.name`, service['name']);
  const port = rec(service['port']) ?? {};
  const name = str(port['name']);
  if (name !== '' && port['number'] !== undefined) errs.push(fieldErrors.invalid(`${path}.service.port`, port, 'cannot set both port name & port number'));
  else if (name !== '') errs.push(...validPortName(`${path}.service.port.name`, name));
  else if (port['number'] !== undefined) errs.push(...portNumber(`${path}.service.port.number`, port['number']));
  else errs.push(fieldErrors.invalid(`${path}.service.port`, port, 'port name or number is required'));
  return errs;
}

/** Ingress hosts: a DNS name, optionally with a leading `*.` wildcard, never an IP. */
function validateHost(host: string, path: string): FieldError[] {
  if (isIP(host)) return [fieldErrors.invalid(path, host, 'must be a DNS name, not an IP address')];
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return isDNS1123Subdomain(name).map((m) => fieldErrors.invalid(path, host, m));
}

function validateIngress(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const rules = recs(spec['rules']);
  const defaultBackend = rec(spec['defaultBackend']);
  if (defaultBackend === undefined && rules.length === 0) errs.push(fieldErrors.invalid('spec', spec, 'either `defaultBackend` or `rules` must be specified'));
  if (defaultBackend !== undefined) errs.push(...validateBackend(defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const path = `spec.rules[${i}]`;
    if (str(rule['host']) !== '') errs.push(...validateHost(str(rule['host']), `${path}.host`));
    const http = rec(rule['http']);
    if (http === undefined) return;
    const paths = recs(http['paths']);
    if (paths.length === 0) errs.push(fieldErrors.required(`${path}.http.paths`));
    paths.forEach((p, j) => {
      const pp = `${path}.http.paths[${j}]`;
      const type = p['pathType'];
      if (type === undefined || type === null || type === '') errs.push(fieldErrors.required(`${pp}.pathType`, 'pathType must be specified'));
      else errs.push(...oneOf(`${pp}.pathType`, type, ['Exact', 'Prefix', 'ImplementationSpecific']));
      const value = str(p['path']);
      if ((type === 'Exact' || type === 'Prefix') && !value.startsWith('/')) errs.push(fieldErrors.invalid(`${pp}.path`, value, 'must be an absolute path'));
      errs.push(...validateBackend(rec(p['backend']) ?? {}, `${pp}.backend`));
    });
  });
  recs(spec['tls']).forEach((tls, i) => arr(tls['hosts']).forEach((h, j) => errs.push(...validateHost(str(h), `spec.tls[${i}].hosts[${j}]`))));
  if (spec['ingressClassName'] !== undefined && spec['ingressClassName'] !== null) errs.push(...dnsSubdomain('spec.ingressClassName', str(spec['ingressClassName'])));
  return errs;
}

/** `a.com,b.com + 1 more...` after three hosts, `*` when no rule names one (formatHosts). */
function ingressHosts(o: KubeObject): string {
  const rules = recs(specOf(o)['rules']);
  const hosts = rules.map((r) => str(r['host'])).filter((h) => h !== '');
  if (hosts.length === 0) return '*';
  return rules.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

export const ingresses: ResourceDefinition = define({
  ...networking,
  kind: 'Ingress',
  plural: 'ingresses',
  shortNames: ['ing'],
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Class', (o) => str(specOf(o)['ingressClassName']) || NONE, { description: 'The name of the IngressClass resource that should be used for additional configuration' }),
    column('Hosts', ingressHosts, { description: 'Hosts that incoming requests are matched against before the ingress rule' }),
    column('Address', (o) => loadBalancerIngress(statusOf(o)['loadBalancer']), { description: 'Address is a list containing ingress points for the load-balancer' }),
    column('Ports', (o) => (arr(specOf(o)['tls']).length > 0 ? '80, 443' : '80'), { description: 'Ports of TLS configurations that open' }),
    ageColumn,
  ],
  strategy: kindStrategy({ statusSubresource: true, initialStatus: () => ({ loadBalancer: {} }), validate: validateIngress }),
});

/** An IngressClass controller: a domain-prefixed path of at most 250 characters. */
function validateController(controller: unknown): FieldError[] {
  const c = str(controller);
  if (c === '') return [fieldErrors.required('spec.controller')];
  const errs: FieldError[] = [];
  if (c.length > 250) errs.push(fieldErrors.tooLong('spec.controller', 250));
  const slash = c.indexOf('/');
  if (slash <= 0 || isDNS1123Subdomain(c.slice(0, slash)).length > 0) errs.push(fieldErrors.invalid('spec.controller', c, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  return errs;
}

function validateIngressClass(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateController(spec['controller']);
  const params = rec(spec['parameters']);
  if (params !== undefined) {
    errs.push(...requiredString('spec.parameters.kind', params['kind']), ...requiredString('spec.parameters.name', params['name']));
    errs.push(...oneOf('spec.parameters.scope', params['scope'], ['Cluster', 'Namespace']));
    if (params['scope'] === 'Namespace') errs.push(...requiredString('spec.parameters.namespace', params['namespace']));
    else if (params['namespace'] !== undefined) errs.push(fieldErrors.forbidden('spec.parameters.namespace', '`parameters.scope` is set to "Cluster"'));
  }
  return errs;
}

function ingressClassParameters(o: KubeObject): string {
  const p = rec(specOf(o)['parameters']);
  if (p === undefined) return NONE;
  const group = str(p['apiGroup']);
  return `${str(p['kind'])}${group !== '' ? `.${group}` : ''}/${str(p['name'])}`;
}

export const ingressclasses: ResourceDefinition = define({
  ...networking,
  kind: 'IngressClass',
  plural: 'ingressclasses',
  namespaced: false,
  columns: [
    nameColumn,
    column('Controller', (o) => str(specOf(o)['controller']), { description: 'Controller that is responsible for handling this class' }),
    column('Parameters', ingressClassParameters, { description: 'A reference to a resource with additional parameters' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    generation: true,
    validate: validateIngressClass,
    validateUpdate: (o, old) => immutable('spec.controller', specOf(o)['controller'], specOf(old)['controller']),
  }),
});

function defaultNetworkPolicy(o: KubeObject): void {
  const spec = child(o, 'spec');
  if (arr(spec['policyTypes']).length === 0) spec['policyTypes'] = arr(spec['egress']).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const dir of ['ingress', 'egress']) for (const rule of each(spec, dir)) for (const p of each(rule, 'ports')) setDefault(p, 'protocol', 'TCP');
}

function validateNetworkPolicy(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs = validateLabelSelector(rec(spec['podSelector']) as LabelSelector | undefined, 'spec.podSelector');
  const types = arr(spec['policyTypes']);
  types.forEach((t, i) => errs.push(...oneOf(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress'])));
  if (types.length > 2) errs.push(fieldErrors.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    recs(spec[dir]).forEach((rule, i) => {
      recs(rule['ports']).forEach((p, j) => {
        const path = `spec.${dir}[${i}].ports[${j}]`;
        errs.push(...oneOf(`${path}.protocol`, p['protocol'], PROTOCOLS));
        if (typeof p['port'] === 'number') errs.push(...portNumber(`${path}.port`, p['port']));
        else if (typeof p['port'] === 'string') errs.push(...validPortName(`${path}.port`, p['port']));
      });
      recs(rule[peers]).forEach((peer, j) => {
        const path = `spec.${dir}[${i}].${peers}[${j}]`;
        errs.push(...validateLabelSelector(rec(peer['podSelector']) as LabelSelector | undefined, `${path}.podSelector`));
        errs.push(...validateLabelSelector(rec(peer['namespaceSelector']) as LabelSelector | undefined, `${path}.namespaceSelector`));
      });
    });
  }
  return errs;
}

export const networkpolicies: ResourceDefinition = define({
  ...networking,
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  shortNames: ['netpol'],
  namespaced: true,
  columns: [
    nameColumn,
    column('Pod-Selector', (o) => formatSelector(specOf(o)['podSelector'] ?? {}), { description: 'podSelector selects the pods to which this NetworkPolicy object applies.' }),
    ageColumn,
  ],
  strategy: kindStrategy({ generation: true, defaults: defaultNetworkPolicy, validate: validateNetworkPolicy }),
});

// ---- IPAddresses and ServiceCIDRs ----

const IP_EXAMPLE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** An IPAddress is named by its address, in canonical form (`2001:db8::1`, never `2001:DB8:0::1`). */
export const ipAddressName: NameValidator = (name) => {
  const ip = parseIP(name);
  if (ip === undefined) return [IP_EXAMPLE];
  const canonical = formatIP(ip);
  return canonical === name ? [] : [`must be in canonical form ("${canonical}")`];
};

function validateParentRef(ref: unknown, path: string): FieldError[] {
  const r = rec(ref);
  if (r === undefined) return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  const group = str(r['group']);
  if (group !== '') errs.push(...dnsSubdomain(`${path}.group`, group));
  const resource = str(r['resource']);
  if (resource === '') errs.push(fieldErrors.required(`${path}.resource`));
  else errs.push(...isPathSegmentName(resource).map((m) => fieldErrors.invalid(`${path}.resource`, resource, m)));
  const namespace = str(r['namespace']);
  if (namespace !== '') errs.push(...isDNS1123Label(namespace).map((m) => fieldErrors.invalid(`${path}.namespace`, namespace, m)));
  const name = str(r['name']);
  if (name === '') errs.push(fieldErrors.required(`${path}.name`));
  else errs.push(...isPathSegmentName(name).map((m) => fieldErrors.invalid(`${path}.name`, name, m)));
  return errs;
}

/** Upstream's printer: `<resource>[.<group>][/<namespace>]/<name>` of the owner, or `<none>`. */
function parentRefCell(o: KubeObject): string {
  const r = rec(specOf(o)['parentRef']);
  if (r === undefined) return NONE;
  const group = str(r['group']);
  const namespace = str(r['namespace']);
  const gr = (group === '' ? str(r['resource']) : `${str(r['resource'])}.${group}`).toLowerCase();
  return `${gr}${namespace !== '' ? `/${namespace}` : ''}/${str(r['name'])}`;
}

export const ipaddresses: ResourceDefinition = define({
  ...networking,
  kind: 'IPAddress',
  plural: 'ipaddresses',
  shortNames: ['ip'],
  namespaced: false,
  nameValidator: ipAddressName,
  columns: [
    nameColumn,
    column('ParentRef', parentRefCell, { description: 'ParentRef references the resource that an IPAddress is attached to. An IPAddress must reference a parent object.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    validate: (o) => validateParentRef(specOf(o)['parentRef'], 'spec.parentRef'),
    validateUpdate: (o, old) => immutable('spec.parentRef', specOf(o)['parentRef'], specOf(old)['parentRef']),
  }),
});

const CIDR_EXAMPLE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validateCIDR(path: string, v: unknown): FieldError[] {
  const s = str(v);
  const c = parseCIDR(s);
  if (c === undefined) return [fieldErrors.invalid(path, v ?? '', CIDR_EXAMPLE)];
  const canonical = canonicalCIDR(c);
  return canonical === s ? [] : [fieldErrors.invalid(path, s, `must be in canonical form ("${canonical}")`)];
}

function validateServiceCIDR(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const cidrs = arr(spec['cidrs']);
  if (cidrs.length === 0) return [fieldErrors.required('spec.cidrs', 'at least one CIDR required')];
  if (cidrs.length > 2) return [fieldErrors.invalid('spec.cidrs', spec, 'may only hold up to 2 values')];
  const families = cidrs.map((c) => parseCIDR(str(c))?.ip.family);
  if (cidrs.length === 2 && families[0] !== undefined && families[0] === families[1]) {
    return [fieldErrors.invalid('spec.cidrs', spec, 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64')];
  }
  return cidrs.flatMap((c, i) => validateCIDR(`spec.cidrs[${i}]`, c));
}

/**
 * spec.cidrs is fixed once set, except that a single-stack ServiceCIDR may become dual-stack by
 * gaining a CIDR of the other family, its first one kept.
 */
function validateServiceCIDRUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const next = arr(specOf(o)['cidrs']);
  const prev = arr(specOf(old)['cidrs']);
  if (prev.length === 1 && next.length === 2) return immutable('spec.cidrs[0]', next[0], prev[0]);
  return immutable('spec.cidrs', next, prev);
}

export const servicecidrs: ResourceDefinition = define({
  ...networking,
  kind: 'ServiceCIDR',
  plural: 'servicecidrs',
  namespaced: false,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('CIDRs', (o) => arr(specOf(o)['cidrs']).map(str).join(','), {
      description: 'CIDRs defines the IP blocks in CIDR notation (e.g. "192.168.0.0/24" or "2001:db8::/64") from which to assign service cluster IPs. Max of two CIDRs is allowed, one of each IP family. This field is immutable.',
    }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    validate: validateServiceCIDR,
    validateUpdate: validateServiceCIDRUpdate,
  }),
});

/** networking.k8s.io/v1 in discovery order (alphabetical). */
export const networkingResources: readonly ResourceDefinition[] = [ingressclasses, ingresses, ipaddresses, networkpolicies, servicecidrs];
