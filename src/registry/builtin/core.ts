/**
 * core/v1 resources. Namespaces, ServiceAccounts, Endpoints, PersistentVolumeClaims,
 * LimitRanges, ResourceQuotas and PodTemplates live here; ConfigMaps and Secrets, Services, Pods
 * and ReplicationControllers, Events (events.ts), and Nodes and PersistentVolumes
 * (core-cluster.ts) have their own files. `coreResources` lists them in discovery order.
 */
import { componentstatuses } from './component-status.js';
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isQualifiedName, nameIsDNSLabel } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { accessModesShort, containerCells, deleting, formatLabelMap, listWithMore } from './cells.js';
import { oneOf, portNumber, requiredString } from './checks.js';
import { configmaps, secrets } from './core-config.js';
import { nodes, persistentvolumes } from './core-cluster.js';
import { events } from './events.js';
import { bindings, pods, replicationcontrollers } from './core-pods.js';
import { services } from './core-services.js';
import { arr, child, column, createdAtColumns, define, each, kindStrategy, rec, recs, setDefault, specOf, statusOf, str, wide } from './helpers.js';
import { defaultPodTemplate, PROTOCOLS, quantityValue, validatePodTemplate } from './pod-template.js';
import { validateResourceQuotaSpec } from './quota-validation.js';
import { isIP } from './service-alloc.js';

export { configmaps, secrets } from './core-config.js';
export { nodes, persistentvolumes } from './core-cluster.js';
export { events } from './events.js';
export { bindings, pods, replicationcontrollers } from './core-pods.js';
export { serviceDefinition, services } from './core-services.js';

const core = { group: '', version: 'v1' } as const;

const finalizersOf = (o: KubeObject): string[] => arr(rec(o['spec'])?.['finalizers']).map(str);

/** The namespaces kube-apiserver's NamespaceLifecycle admission never lets a client delete. */
const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** Namespaces: `kubernetes` finalizer on create, spec.finalizers changed only through `finalize`, Terminating while held. */
export const namespaces: ResourceDefinition = define({
  ...core,
  kind: 'Namespace',
  plural: 'namespaces',
  returnsDeletedObject: true,
  shortNames: ['ns'],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: { status: true, finalize: true },
  nameValidator: nameIsDNSLabel,
  columns: [nameColumn, column('Status', (o) => statusOf(o)['phase'], { description: 'The status of the namespace' }), ageColumn],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    refuseDelete: (name) => (IMMORTAL_NAMESPACES.has(name) ? 'this namespace may not be deleted' : undefined),
    defaults: (o) => {
      if (o.metadata.name) o.metadata.labels = { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name };
    },
    initialStatus: () => ({ phase: 'Active' }),
    create: (o) => {
      const s = child(o, 'spec');
      const finalizers = finalizersOf(o);
      if (!finalizers.includes('kubernetes')) s['finalizers'] = [...finalizers, 'kubernetes'];
    },
    update: (o, old) => {
      const s = child(o, 'spec');
      const kept = rec(old['spec'])?.['finalizers'];
      if (kept === undefined) delete s['finalizers'];
      else s['finalizers'] = structuredClone(kept);
    },
    validate: (o) =>
      finalizersOf(o).flatMap((f, i) =>
        f.includes('/') || f === 'kubernetes'
          ? isQualifiedName(f).map((m) => fieldErrors.invalid(`spec.finalizers[${i}]`, f, m))
          : [fieldErrors.invalid(`spec.finalizers[${i}]`, f, 'name is neither a standard finalizer name nor is it fully qualified')],
      ),
    heldForDeletion: (o) => finalizersOf(o).length > 0,
    markDeleting: (o) => {
      o['status'] = { ...statusOf(o), phase: 'Terminating' };
    },
    selectableFields: (o) => ({ 'status.phase': str(statusOf(o)['phase']) }),
  }),
});

export const serviceaccounts: ResourceDefinition = define({
  ...core,
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  returnsDeletedObject: true,
  shortNames: ['sa'],
  namespaced: true,
  subresources: { extra: [{ name: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }] },
  columns: [nameColumn, column('Secrets', (o) => arr(o['secrets']).length, { description: 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.' }), ageColumn],
  strategy: kindStrategy({}),
});

/** `10.0.0.1:80,10.0.0.2:80 + 1 more...` (formatEndpoints, every port). */
function formatEndpoints(o: KubeObject): string {
  const subsets = recs(o['subsets']);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  for (const ss of subsets) {
    const ips = recs(ss['addresses']).map((a) => str(a['ip']));
    const ports = recs(ss['ports']);
    if (ports.length === 0) list.push(...ips);
    for (const p of ports) for (const ip of ips) list.push(ip.includes(':') ? `[${ip}]:${String(p['port'])}` : `${ip}:${String(p['port'])}`);
  }
  return listWithMore(list, 3, '');
}

export const endpoints: ResourceDefinition = define({
  ...core,
  kind: 'Endpoints',
  listKind: 'EndpointsList',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  // kube-apiserver 1.33+ warns on every request to Endpoints (reads, writes, lists and watches).
  deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  columns: [nameColumn, column('Endpoints', formatEndpoints, { description: 'The set of all endpoints is the union of all subsets.' }), ageColumn],
  strategy: kindStrategy({
    defaults: (o) => {
      for (const ss of each(o, 'subsets')) for (const p of each(ss, 'ports')) setDefault(p, 'protocol', 'TCP');
    },
    validate: (o) =>
      recs(o['subsets']).flatMap((ss, i) => [
        ...['addresses', 'notReadyAddresses'].flatMap((key) =>
          recs(ss[key]).flatMap((a, j) =>
            isIP(str(a['ip'])) ? [] : [fieldErrors.invalid(`subsets[${i}].${key}[${j}].ip`, a['ip'] ?? '', 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')],
          ),
        ),
        ...recs(ss['ports']).flatMap((p, j) => [
          ...portNumber(`subsets[${i}].ports[${j}].port`, p['port']),
          ...oneOf(`subsets[${i}].ports[${j}].protocol`, p['protocol'], PROTOCOLS),
        ]),
      ]),
  }),
});

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

function validateClaim(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const modes = arr(s['accessModes']);
  if (modes.length === 0) errs.push(fieldErrors.required('spec.accessModes', 'at least 1 access mode is required'));
  modes.forEach((m) => errs.push(...oneOf('spec.accessModes', m, ACCESS_MODES)));
  const storage = rec(rec(s['resources'])?.['requests'])?.['storage'];
  if (storage === undefined) errs.push(fieldErrors.required('spec.resources[storage]'));
  else if (!(quantityValue(storage) > 0)) errs.push(fieldErrors.invalid('spec.resources[storage]', storage, 'must be greater than zero'));
  errs.push(...oneOf('spec.volumeMode', s['volumeMode'], ['Block', 'Filesystem']));
  return errs;
}

/** A claim's spec is fixed after creation, except requests, the attributes class, and binding to a volume. */
function validateClaimUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const mask = (s: Record<string, unknown>, bindable: boolean): Record<string, unknown> => {
    const c = structuredClone(s);
    const resources = rec(c['resources']);
    if (resources) delete resources['requests'];
    delete c['volumeAttributesClassName'];
    if (bindable) delete c['volumeName'];
    return c;
  };
  const bindable = str(specOf(old)['volumeName']) === '';
  if (isDeepStrictEqual(mask(specOf(o), bindable), mask(specOf(old), bindable))) return [];
  return [fieldErrors.forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
}

const claimClass = (o: KubeObject): string => o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(specOf(o)['storageClassName']);
const bound = (o: KubeObject): boolean => str(specOf(o)['volumeName']) !== '';

export const persistentvolumeclaims: ResourceDefinition = define({
  ...core,
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  returnsDeletedObject: true,
  shortNames: ['pvc'],
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Status', (o) => (deleting(o) ? 'Terminating' : statusOf(o)['phase']), { description: 'phase represents the current phase of PersistentVolumeClaim.' }),
    column('Volume', (o) => str(specOf(o)['volumeName']), { description: 'volumeName is the binding reference to the PersistentVolume backing this claim.' }),
    column('Capacity', (o) => (bound(o) ? str(rec(statusOf(o)['capacity'])?.['storage']) : ''), { description: 'capacity represents the actual resources of the underlying volume.' }),
    column('Access Modes', (o) => (bound(o) ? accessModesShort(statusOf(o)['accessModes']) : ''), { description: 'accessModes contains the actual access modes the volume backing the PVC has.' }),
    column('StorageClass', claimClass, { description: 'StorageClass of the pvc' }),
    column('VolumeAttributesClass', (o) => str(specOf(o)['volumeAttributesClassName']) || '<unset>', { description: 'VolumeAttributesClass of the pvc' }),
    ageColumn,
    wide('VolumeMode', (o) => str(specOf(o)['volumeMode']) || '<unset>', 'volumeMode defines what type of volume is required by the claim.'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    defaults: (o) => setDefault(child(o, 'spec'), 'volumeMode', 'Filesystem'),
    initialStatus: () => ({ phase: 'Pending' }),
    validate: validateClaim,
    validateUpdate: validateClaimUpdate,
  }),
});

/** SetDefaults_LimitRangeItem: a container's default limit falls back to max; its default request to the limit, then min. */
function defaultLimitRange(o: KubeObject): void {
  for (const item of each(child(o, 'spec'), 'limits')) {
    if (item['type'] !== 'Container') continue;
    const fill = (key: string, from: unknown): void => {
      const src = rec(from) ?? {};
      const target = { ...(rec(item[key]) ?? {}) };
      for (const [k, v] of Object.entries(src)) if (target[k] === undefined) target[k] = v;
      if (Object.keys(target).length > 0) item[key] = target;
    };
    fill('default', item['max']);
    fill('defaultRequest', item['default']);
    fill('defaultRequest', item['min']);
  }
}

export const limitranges: ResourceDefinition = define({
  ...core,
  kind: 'LimitRange',
  plural: 'limitranges',
  shortNames: ['limits'],
  namespaced: true,
  columns: createdAtColumns,
  strategy: kindStrategy({
    defaults: defaultLimitRange,
    validate: (o) =>
      recs(specOf(o)['limits']).flatMap((item, i) =>
        item['type'] === undefined || item['type'] === '' ? requiredString(`spec.limits[${i}].type`, item['type']) : oneOf(`spec.limits[${i}].type`, item['type'], ['Pod', 'Container', 'PersistentVolumeClaim']),
      ),
  }),
});

/** `cpu: 100m/1, pods: 2/10` for requests, and the `limits.*` entries apart (printResourceQuota). */
function quotaUsage(o: KubeObject, limits: boolean): string {
  const hard = rec(statusOf(o)['hard']) ?? {};
  const used = rec(statusOf(o)['used']) ?? {};
  return Object.keys(hard)
    .sort()
    .filter((r) => (r.split('.')[0] === 'limits' && r.includes('.')) === limits)
    .map((r) => `${r}: ${str(used[r]) || '0'}/${str(hard[r])}`)
    .join(', ');
}

export const resourcequotas: ResourceDefinition = define({
  ...core,
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  returnsDeletedObject: true,
  shortNames: ['quota'],
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    ageColumn,
    column('Request', (o) => quotaUsage(o, false), { description: 'Request represents a minimum amount of cpu/memory that a container may consume.' }),
    column('Limit', (o) => quotaUsage(o, true), { description: 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.' }),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    validate: (o) => validateResourceQuotaSpec(specOf(o)),
  }),
});

/**
 * PodTemplates: a stored pod template (nothing instantiates it), defaulted and validated as
 * every embedded template is, with generation bumped when the template changes.
 */
export const podtemplates: ResourceDefinition = define({
  ...core,
  kind: 'PodTemplate',
  plural: 'podtemplates',
  returnsDeletedObject: true,
  namespaced: true,
  // Upstream's printer has no Age column for PodTemplates.
  columns: [
    nameColumn,
    column('Containers', (o) => containerCells(rec(rec(o['template'])?.['spec'])).names, { description: 'Names of each container in the template.' }),
    column('Images', (o) => containerCells(rec(rec(o['template'])?.['spec'])).images, { description: 'Images referenced by each container in the template.' }),
    column('Pod Labels', (o) => formatLabelMap(rec(rec(o['template'])?.['metadata'])?.['labels']), { description: 'The labels for the pod template.' }),
  ],
  strategy: kindStrategy({
    generation: true,
    defaults: (o) => defaultPodTemplate(o['template']),
    validate: (o) => validatePodTemplate(o['template'], 'template'),
  }),
});

/** core/v1 in discovery order (alphabetical, as kube-apiserver lists them). */
export const coreResources: readonly ResourceDefinition[] = [
  bindings,
  componentstatuses,
  configmaps,
  endpoints,
  events,
  limitranges,
  namespaces,
  nodes,
  persistentvolumeclaims,
  persistentvolumes,
  pods,
  podtemplates,
  replicationcontrollers,
  resourcequotas,
  secrets,
  serviceaccounts,
  services,
];
