/**
 * storage.k8s.io/v1: StorageClasses (a required provisioner, defaults for reclaim policy and
 * binding mode, and the fields that may not change once created; the default class shows as
 * `name (default)`, as kubectl prints it), and the CSI kinds CSIDrivers, CSINodes and
 * VolumeAttachments. Nothing here attaches volumes or runs CSI drivers: the CSI objects are stored
 * and served with upstream's defaults, validation and printer columns, for charts that ship a
 * CSIDriver and for tools that read them. VolumeAttributesClasses (a driver and its parameters,
 * both fixed once created) and CSIStorageCapacities (what a driver reports free per topology)
 * are likewise stored only: no volume is modified and no scheduler reads capacities here.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { NONE } from './cells.js';
import { dnsSubdomain, immutable, oneOf, qualifiedName } from './checks.js';
import { arr, child, column, define, kindStrategy, rec, recs, setDefault, specOf, statusOf, str } from './helpers.js';
import { quantityValue } from './pod-template.js';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const isDefaultClass = (o: KubeObject): boolean => DEFAULT_ANNOTATIONS.some((a) => o.metadata.annotations?.[a] === 'true');

function validateStorageClass(o: KubeObject): FieldError[] {
  const provisioner = str(o['provisioner']);
  const errs = provisioner === '' ? [fieldErrors.required('provisioner')] : qualifiedName('provisioner', provisioner);
  errs.push(...oneOf('reclaimPolicy', o['reclaimPolicy'], ['Delete', 'Retain']));
  errs.push(...oneOf('volumeBindingMode', o['volumeBindingMode'], ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

function validateStorageClassUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parameters', 'provisioner', 'reclaimPolicy']) {
    if (!isDeepStrictEqual(o[f] ?? null, old[f] ?? null)) errs.push(fieldErrors.forbidden(f, `updates to ${f} are forbidden.`));
  }
  return [...errs, ...immutable('volumeBindingMode', o['volumeBindingMode'], old['volumeBindingMode'])];
}

export const storageclasses: ResourceDefinition = define({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  returnsDeletedObject: true,
  shortNames: ['sc'],
  namespaced: false,
  columns: [
    { ...nameColumn, cell: (o) => (isDefaultClass(o) ? `${o.metadata.name ?? ''} (default)` : o.metadata.name) },
    column('Provisioner', (o) => str(o['provisioner']), { description: 'provisioner indicates the type of the provisioner.' }),
    column('ReclaimPolicy', (o) => str(o['reclaimPolicy']) || 'Delete', { description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.' }),
    column('VolumeBindingMode', (o) => str(o['volumeBindingMode']) || 'Immediate', { description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.' }),
    column('AllowVolumeExpansion', (o) => o['allowVolumeExpansion'] === true, { description: 'allowVolumeExpansion shows whether the storage class allow volume expand.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    defaults: (o) => {
      setDefault(o, 'reclaimPolicy', 'Delete');
      setDefault(o, 'volumeBindingMode', 'Immediate');
    },
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  }),
});

// ---- CSI drivers, nodes and volume attachments ----

const storage = { group: 'storage.k8s.io', version: 'v1', namespaced: false } as const;

const CSI_DRIVER_NAME_MAX = 63;
const CSI_DRIVER_NAME_FMT = /^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$/;

/** ValidateCSIDriverName: at most 63 characters, alphanumerics with `-`, `_` and `.` inside. */
export function csiDriverName(field: string, name: unknown): FieldError[] {
  const n = str(name);
  if (n === '') return [fieldErrors.required(field)];
  const errs: FieldError[] = [];
  if (n.length > CSI_DRIVER_NAME_MAX) errs.push(fieldErrors.tooLong(field, CSI_DRIVER_NAME_MAX));
  if (!CSI_DRIVER_NAME_FMT.test(n.toLowerCase())) {
    errs.push(fieldErrors.invalid(field, n, 'a CSI driver name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character'));
  }
  return errs;
}

const FS_GROUP_POLICIES = ['ReadWriteOnceWithFSType', 'File', 'None'];
const LIFECYCLE_MODES = ['Persistent', 'Ephemeral'];
/** A bound token lives at least 10 minutes and at most 2^32 seconds. */
const MIN_TOKEN_SECONDS = 600;
const MAX_TOKEN_SECONDS = 2 ** 32;

function defaultCSIDriver(o: KubeObject): void {
  const s = child(o, 'spec');
  setDefault(s, 'attachRequired', true);
  setDefault(s, 'podInfoOnMount', false);
  setDefault(s, 'storageCapacity', false);
  setDefault(s, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  if (arr(s['volumeLifecycleModes']).length === 0) s['volumeLifecycleModes'] = ['Persistent'];
  setDefault(s, 'requiresRepublish', false);
  setDefault(s, 'seLinuxMount', false);
}

function validateTokenRequests(v: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const audiences = new Set<string>();
  recs(v).forEach((t, i) => {
    const path = `spec.tokenRequests[${i}]`;
    const audience = str(t['audience']);
    if (audiences.has(audience)) errs.push(fieldErrors.duplicate(`${path}.audience`, audience));
    audiences.add(audience);
    const secs = t['expirationSeconds'];
    if (typeof secs === 'number') {
      if (secs < MIN_TOKEN_SECONDS) errs.push(fieldErrors.invalid(`${path}.expirationSeconds`, secs, 'may not specify a duration less than 10 minutes'));
      else if (secs > MAX_TOKEN_SECONDS) errs.push(fieldErrors.invalid(`${path}.expirationSeconds`, secs, 'may not specify a duration larger than 2^32 seconds'));
    }
  });
  return errs;
}

function validateCSIDriver(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs = csiDriverName('metadata.name', o.metadata.name);
  if (s['attachRequired'] === undefined || s['attachRequired'] === null) errs.push(fieldErrors.required('spec.attachRequired'));
  if (s['podInfoOnMount'] === undefined || s['podInfoOnMount'] === null) errs.push(fieldErrors.required('spec.podInfoOnMount'));
  errs.push(...oneOf('spec.fsGroupPolicy', s['fsGroupPolicy'], FS_GROUP_POLICIES));
  arr(s['volumeLifecycleModes']).forEach((m, i) => errs.push(...oneOf(`spec.volumeLifecycleModes[${i}]`, m, LIFECYCLE_MODES)));
  errs.push(...validateTokenRequests(s['tokenRequests']));
  return errs;
}

/** ValidateCSIDriverUpdate: attachRequired (reported as upstream spells it) and the lifecycle modes are fixed. */
function validateCSIDriverUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return [
    ...immutable('spec.attachedRequired', specOf(o)['attachRequired'], specOf(old)['attachRequired']),
    ...immutable('spec.volumeLifecycleModes', specOf(o)['volumeLifecycleModes'], specOf(old)['volumeLifecycleModes']),
  ];
}

const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);

export const csidrivers: ResourceDefinition = define({
  ...storage,
  kind: 'CSIDriver',
  plural: 'csidrivers',
  returnsDeletedObject: true,
  columns: [
    nameColumn,
    column('AttachRequired', (o) => bool(specOf(o)['attachRequired'], true), { type: 'boolean', description: 'attachRequired indicates this CSI volume driver requires an attach operation (because it implements the CSI ControllerPublishVolume() method), and that the Kubernetes attach detach controller should call the attach volume interface which checks the volumeattachment status and waits until the volume is attached before proceeding to mounting.' }),
    column('PodInfoOnMount', (o) => bool(specOf(o)['podInfoOnMount'], false), { type: 'boolean', description: 'podInfoOnMount indicates this CSI volume driver requires additional pod information (like podName, podUID, etc.) during mount operations, if set to true.' }),
    column('StorageCapacity', (o) => bool(specOf(o)['storageCapacity'], false), { type: 'boolean', description: 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity that the driver deployment will report by creating CSIStorageCapacity objects with capacity information, if set to true.' }),
    column(
      'TokenRequests',
      (o) => {
        const t = specOf(o)['tokenRequests'];
        return Array.isArray(t) ? recs(t).map((r) => str(r['audience'])).join(',') : '<unset>';
      },
      { description: 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for to do necessary authentication.' },
    ),
    column('RequiresRepublish', (o) => bool(specOf(o)['requiresRepublish'], false), { type: 'boolean', description: 'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.' }),
    column('Modes', (o) => arr(specOf(o)['volumeLifecycleModes']).map(str).join(',') || NONE, { description: 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.' }),
    ageColumn,
  ],
  strategy: kindStrategy({ defaults: defaultCSIDriver, validate: validateCSIDriver, validateUpdate: validateCSIDriverUpdate }),
});

const CSI_NODE_ID_MAX = 192;

function validateCSINode(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(specOf(o)['drivers']).forEach((d, i) => {
    const path = `spec.drivers[${i}]`;
    const name = str(d['name']);
    errs.push(...csiDriverName(`${path}.name`, name));
    if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(`${path}.name`, name));
    names.add(name);
    const nodeID = str(d['nodeID']);
    if (nodeID === '') errs.push(fieldErrors.required(`${path}.nodeID`));
    else if (nodeID.length > CSI_NODE_ID_MAX) errs.push(fieldErrors.invalid(`${path}.nodeID`, nodeID, `must be ${CSI_NODE_ID_MAX} characters or less`));
    const keys = new Set<string>();
    arr(d['topologyKeys']).map(str).forEach((k) => {
      const kp = `${path}.topologyKeys`;
      if (k === '') errs.push(fieldErrors.required(kp));
      else errs.push(...qualifiedName(kp, k));
      if (keys.has(k)) errs.push(fieldErrors.duplicate(kp, k));
      keys.add(k);
    });
    const count = rec(d['allocatable'])?.['count'];
    if (typeof count === 'number' && count < 0) errs.push(fieldErrors.invalid(`${path}.allocatable.count`, count, 'must be greater than or equal to 0'));
  });
  return errs;
}

/** ValidateCSINodeUpdate: a driver already registered keeps its node ID, topology keys and allocatable count. */
function validateCSINodeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const before = new Map(recs(specOf(old)['drivers']).map((d) => [str(d['name']), d]));
  recs(specOf(o)['drivers']).forEach((d, i) => {
    const prev = before.get(str(d['name']));
    if (prev === undefined) return;
    const path = `spec.drivers[${i}]`;
    errs.push(...immutable(`${path}.nodeID`, d['nodeID'], prev['nodeID']));
    errs.push(...immutable(`${path}.topologyKeys`, d['topologyKeys'], prev['topologyKeys']));
  });
  return errs;
}

export const csinodes: ResourceDefinition = define({
  ...storage,
  kind: 'CSINode',
  plural: 'csinodes',
  returnsDeletedObject: true,
  columns: [
    nameColumn,
    column('Drivers', (o) => arr(specOf(o)['drivers']).length, { type: 'integer', description: 'Drivers indicates the number of CSI drivers registered on the node' }),
    ageColumn,
  ],
  strategy: kindStrategy({ validate: validateCSINode, validateUpdate: validateCSINodeUpdate }),
});

const EXACTLY_ONE_SOURCE = 'must specify exactly one of persistentVolumeName and inlineVolumeSpec';

function validateVolumeAttachment(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs = csiDriverName('spec.attacher', s['attacher']);
  const node = str(s['nodeName']);
  if (node === '') errs.push(fieldErrors.required('spec.nodeName'));
  else errs.push(...dnsSubdomain('spec.nodeName', node));
  const source = rec(s['source']) ?? {};
  const pv = source['persistentVolumeName'];
  const hasPV = pv !== undefined && pv !== null;
  const hasInline = source['inlineVolumeSpec'] !== undefined && source['inlineVolumeSpec'] !== null;
  if (!hasPV && !hasInline) errs.push(fieldErrors.required('spec.source', EXACTLY_ONE_SOURCE));
  else if (hasPV && hasInline) errs.push(fieldErrors.forbidden('spec.source', EXACTLY_ONE_SOURCE));
  else if (hasPV && str(pv) === '') errs.push(fieldErrors.required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  const status = statusOf(o);
  for (const key of ['attachError', 'detachError']) {
    const t = rec(status[key])?.['errorCode'];
    if (typeof t === 'number' && (t < 0 || !Number.isInteger(t))) errs.push(fieldErrors.invalid(`status.${key}.errorCode`, t, 'must be a non-negative integer'));
  }
  return errs;
}

export const volumeattachments: ResourceDefinition = define({
  ...storage,
  kind: 'VolumeAttachment',
  plural: 'volumeattachments',
  returnsDeletedObject: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    // Upstream marks the attacher column as a name too.
    { ...column('Attacher', (o) => str(specOf(o)['attacher']), { description: 'attacher indicates the name of the volume driver that MUST handle this request. This is the name returned by GetPluginName().' }), format: 'name' },
    column('PV', (o) => str(rec(specOf(o)['source'])?.['persistentVolumeName']), { description: 'persistentVolumeName represents the name of the persistent volume to attach.' }),
    column('Node', (o) => str(specOf(o)['nodeName']), { description: 'nodeName represents the node that the volume should be attached to.' }),
    column('Attached', (o) => statusOf(o)['attached'] === true, { type: 'boolean', description: 'attached indicates the volume is successfully attached. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    // PrepareForCreate (storage.k8s.io/v1): a new attachment is not attached, whatever it was sent with.
    initialStatus: () => ({ attached: false }),
    validate: validateVolumeAttachment,
    // The whole spec is fixed once created.
    validateUpdate: (o, old) =>
      isDeepStrictEqual(specOf(o), specOf(old)) ? [] : [fieldErrors.invalid('spec', o['spec'] ?? null, 'field is immutable')],
  }),
});

// ---- CSI storage capacities and volume attributes classes ----

/** A quantity that must parse and be ≥ 0, when present. */
function nonNegativeQuantity(path: string, q: unknown): FieldError[] {
  if (q === undefined || q === null) return [];
  const v = quantityValue(q);
  if (Number.isNaN(v)) return [fieldErrors.invalid(path, q, 'must be a valid resource quantity')];
  return v < 0 ? [fieldErrors.invalid(path, q, 'must be greater than or equal to 0')] : [];
}

function validateCSIStorageCapacity(o: KubeObject): FieldError[] {
  const sc = str(o['storageClassName']);
  const errs = sc === '' ? [fieldErrors.required('storageClassName')] : dnsSubdomain('storageClassName', sc);
  const topology = rec(o['nodeTopology']);
  if (topology !== undefined) errs.push(...validateLabelSelector(topology as LabelSelector, 'nodeTopology'));
  errs.push(...nonNegativeQuantity('capacity', o['capacity']));
  errs.push(...nonNegativeQuantity('maximumVolumeSize', o['maximumVolumeSize']));
  return errs;
}

const quantityCell = (q: unknown): string => (q === undefined || q === null ? '<unset>' : String(q));

export const csistoragecapacities: ResourceDefinition = define({
  ...storage,
  kind: 'CSIStorageCapacity',
  plural: 'csistoragecapacities',
  namespaced: true,
  columns: [
    nameColumn,
    column('StorageClassName', (o) => str(o['storageClassName']), { description: 'storageClassName represents the name of the StorageClass that the reported capacity applies to. It must meet the same requirements as the name of a StorageClass object (non-empty, DNS subdomain). If that object no longer exists, the CSIStorageCapacity object is obsolete and should be removed by its creator. This field is immutable.' }),
    column('Capacity', (o) => quantityCell(o['capacity']), { description: 'capacity is the value reported by the CSI driver in its GetCapacityResponse for a GetCapacityRequest with topology and parameters that match the previous fields.\n\nThe semantic is currently (CSI spec 1.2) defined as: The available capacity, in bytes, of the storage that can be used to provision volumes. If not set, that information is currently unavailable.' }),
    ageColumn,
  ],
  strategy: kindStrategy({ validate: validateCSIStorageCapacity }),
});

function validateVolumeAttributesClass(o: KubeObject): FieldError[] {
  const driver = str(o['driverName']);
  const errs = driver === '' ? [fieldErrors.required('driverName')] : qualifiedName('driverName', driver);
  const params = rec(o['parameters']) ?? {};
  if (Object.keys(params).length === 0) errs.push(fieldErrors.required('parameters', 'must contain at least one key'));
  for (const k of Object.keys(params)) if (k === '') errs.push(fieldErrors.invalid('parameters', k, 'field can not be empty.'));
  return errs;
}

/** Like a StorageClass's: the driver and its parameters never change. */
function validateVolumeAttributesClassUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['driverName', 'parameters']) {
    if (!isDeepStrictEqual(o[f] ?? null, old[f] ?? null)) errs.push(fieldErrors.forbidden(f, `updates to ${f} are forbidden.`));
  }
  return errs;
}

export const volumeattributesclasses: ResourceDefinition = define({
  ...storage,
  kind: 'VolumeAttributesClass',
  plural: 'volumeattributesclasses',
  returnsDeletedObject: true,
  shortNames: ['vac'],
  columns: [
    nameColumn,
    column('DriverName', (o) => str(o['driverName']), { description: 'Name of the CSI driver This field is immutable.' }),
    ageColumn,
  ],
  strategy: kindStrategy({ validate: validateVolumeAttributesClass, validateUpdate: validateVolumeAttributesClassUpdate }),
});

/** storage.k8s.io/v1 in discovery order (alphabetical). */
export const storageResources: readonly ResourceDefinition[] = [
  csidrivers,
  csinodes,
  csistoragecapacities,
  storageclasses,
  volumeattachments,
  volumeattributesclasses,
];
