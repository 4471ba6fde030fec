/**
 * apiregistration.k8s.io/v1 APIServices, with the aggregator's defaults, validation and printer
 * columns.
 *
 * Stored and served only: this server is no aggregator and never proxies to the services an
 * APIService names, nor does it add their groups to discovery or check their availability.
 * Charts that ship one (metrics-server's `v1beta1.metrics.k8s.io`) install cleanly; the object
 * keeps whatever status its writer gives it. A local APIService (no `service`) is marked
 * Available on create, as kube-apiserver marks its own groups.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isPathSegmentName, nameIsPathSegment } from '../../api/names.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { portNumber } from './checks.js';
import { column, define, kindStrategy, rec, recs, specOf, statusOf, str } from './helpers.js';

const MAX_GROUP_PRIORITY = 20000;
const MAX_VERSION_PRIORITY = 1000;

/** The `Available` condition an APIService without a service gets on create. */
export function localAvailable(now: Date = new Date()): Record<string, unknown> {
  return { type: 'Available', status: 'True', lastTransitionTime: rfc3339(now), reason: 'Local', message: 'Local APIServices are always available' };
}

function validateAPIService(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const name = o.metadata.name ?? '';
  const errs: FieldError[] = [];
  const group = str(s['group']);
  const version = str(s['version']);
  // The name is a path segment (the metadata check) that must read `<version>.<group>` (`v1.` for the core group).
  const wanted = `${version}.${group}`;
  if (isPathSegmentName(name).length === 0 && name !== wanted) {
    errs.push(fieldErrors.invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: "${wanted}"`));
  }
  if (group === '') {
    if (version !== 'v1') errs.push(fieldErrors.required('spec.group', 'only v1 may have an empty group and it better be legacy kube'));
  } else {
    errs.push(...isDNS1123Subdomain(group).map((m) => fieldErrors.invalid('spec.group', group, m)));
  }
  errs.push(...isDNS1035Label(version).map((m) => fieldErrors.invalid('spec.version', version, m)));
  const groupPriority = s['groupPriorityMinimum'];
  if (typeof groupPriority !== 'number' || groupPriority <= 0 || groupPriority > MAX_GROUP_PRIORITY) {
    errs.push(fieldErrors.invalid('spec.groupPriorityMinimum', groupPriority ?? 0, `must be positive and less than ${MAX_GROUP_PRIORITY}`));
  }
  const versionPriority = s['versionPriority'];
  if (typeof versionPriority !== 'number' || versionPriority <= 0 || versionPriority > MAX_VERSION_PRIORITY) {
    errs.push(fieldErrors.invalid('spec.versionPriority', versionPriority ?? 0, `must be positive and less than ${MAX_VERSION_PRIORITY}`));
  }
  const service = rec(s['service']);
  const caBundle = str(s['caBundle']);
  const insecure = s['insecureSkipTLSVerify'] === true;
  if (service === undefined) {
    if (caBundle !== '') errs.push(fieldErrors.invalid('spec.caBundle', caBundle, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(fieldErrors.invalid('spec.insecureSkipTLSVerify', true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  if (str(service['namespace']) === '') errs.push(fieldErrors.required('spec.service.namespace'));
  if (str(service['name']) === '') errs.push(fieldErrors.required('spec.service.name'));
  errs.push(...portNumber('spec.service.port', service['port']));
  if (insecure && caBundle !== '') errs.push(fieldErrors.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  return errs;
}

/** The AVAILABLE cell: `True`, `False (Reason)`, or `Unknown` without an Available condition. */
export function availableCell(o: KubeObject): string {
  const c = recs(statusOf(o)['conditions']).find((x) => x['type'] === 'Available');
  if (c === undefined) return 'Unknown';
  const status = str(c['status']);
  const reason = str(c['reason']);
  return status !== 'True' && reason !== '' ? `${status} (${reason})` : status;
}

function serviceCell(o: KubeObject): string {
  const service = rec(specOf(o)['service']);
  return service ? `${str(service['namespace'])}/${str(service['name'])}` : 'Local';
}

export const apiservices: ResourceDefinition = define({
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  categories: ['api-extensions'],
  namespaced: false,
  nameValidator: nameIsPathSegment,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Service', serviceCell, { description: 'The reference to the service that hosts this API endpoint.' }),
    column('Available', availableCell, { description: 'Whether this service is available.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    defaults: (o) => {
      const service = rec(rec(o['spec'])?.['service']);
      if (service && (service['port'] === undefined || service['port'] === null)) service['port'] = 443;
    },
    initialStatus: (o) => (rec(specOf(o)['service']) === undefined ? { conditions: [localAvailable()] } : {}),
    validate: validateAPIService,
  }),
});

/** apiregistration.k8s.io/v1 in discovery order. */
export const apiregistrationResources: readonly ResourceDefinition[] = [apiservices];
