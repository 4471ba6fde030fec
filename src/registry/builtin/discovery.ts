/**
 * discovery.k8s.io/v1 EndpointSlices: a fixed address type, addresses of that type, and the
 * PORTS / ENDPOINTS cells (`80,443`, `10.0.0.1,10.0.0.2 + 3 more...`).
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isDNS1123Subdomain } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { listWithMore } from './cells.js';
import { dnsLabel, immutable, oneOf, portNumber } from './checks.js';
import { arr, column, define, each, kindStrategy, recs, setDefault, str } from './helpers.js';
import { PROTOCOLS } from './pod-template.js';
import { ipv4ToInt, isIP } from './service-alloc.js';

const ADDRESS_TYPES = ['IPv4', 'IPv6', 'FQDN'];

function addressErrors(type: unknown, address: string): string[] {
  switch (type) {
    case 'IPv4':
      return ipv4ToInt(address) === undefined ? ['must be a valid IPv4 address'] : [];
    case 'IPv6':
      return isIP(address) && address.includes(':') ? [] : ['must be a valid IPv6 address'];
    case 'FQDN':
      return isDNS1123Subdomain(address);
    default:
      return [];
  }
}

function validateEndpointSlice(o: KubeObject): FieldError[] {
  const type = o['addressType'];
  const errs: FieldError[] = [];
  if (type === undefined || type === null || type === '') errs.push(fieldErrors.required('addressType'));
  else errs.push(...oneOf('addressType', type, ADDRESS_TYPES));
  recs(o['endpoints']).forEach((ep, i) => {
    const addresses = arr(ep['addresses']);
    if (addresses.length === 0) errs.push(fieldErrors.required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    addresses.forEach((a, j) => {
      for (const m of addressErrors(type, str(a))) errs.push(fieldErrors.invalid(`endpoints[${i}].addresses[${j}]`, a, m));
    });
  });
  recs(o['ports']).forEach((p, i) => {
    if (p['port'] !== undefined && p['port'] !== null) errs.push(...portNumber(`ports[${i}].port`, p['port']));
    errs.push(...oneOf(`ports[${i}].protocol`, p['protocol'], PROTOCOLS));
    if (str(p['name']) !== '') errs.push(...dnsLabel(`ports[${i}].name`, str(p['name'])));
  });
  return errs;
}

/** Port numbers (or names, or `*`), three at most before `+ N more...`; `<unset>` without ports. */
const slicePorts = (o: KubeObject): string =>
  listWithMore(recs(o['ports']).map((p) => (typeof p['port'] === 'number' ? String(p['port']) : str(p['name']) || '*')), 3);

const sliceEndpoints = (o: KubeObject): string => listWithMore(recs(o['endpoints']).flatMap((ep) => arr(ep['addresses']).map(str)), 3);

export const endpointslices: ResourceDefinition = define({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  columns: [
    nameColumn,
    column('AddressType', (o) => str(o['addressType']), { description: 'addressType specifies the type of address carried by this EndpointSlice.' }),
    column('Ports', slicePorts, { description: 'ports specifies the list of network ports exposed by each endpoint in this slice.' }),
    column('Endpoints', sliceEndpoints, { description: 'endpoints is a list of unique endpoints in this slice.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    generation: true,
    defaults: (o) => {
      for (const p of each(o, 'ports')) setDefault(p, 'protocol', 'TCP');
    },
    validate: validateEndpointSlice,
    validateUpdate: (o, old) => immutable('addressType', o['addressType'], old['addressType']),
  }),
});

export const discoveryResources: readonly ResourceDefinition[] = [endpointslices];
