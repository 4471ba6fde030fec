/**
 * core/v1 cluster-scoped infrastructure kinds: PersistentVolumes and Nodes. Nothing here
 * provisions storage or runs kubelets: the objects are stored and served as kube-apiserver would
 * (defaults, validation, printer columns), for kubectl (its default prune allowlist names
 * PersistentVolumes; `create clusterrole --resource=nodes` needs Nodes in discovery), helm and
 * controllers that read them.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isLabelValue } from '../../api/names.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition, Strategy } from '../definition.js';
import { accessModesShort, deleting, NONE } from './cells.js';
import { oneOf, qualifiedName } from './checks.js';
import { arr, child, column, define, kindStrategy, rec, recs, setDefault, specOf, statusOf, str, strMap, wide } from './helpers.js';
import { quantityValue } from './pod-template.js';
import { isIP } from './service-alloc.js';

const core = { group: '', version: 'v1' } as const;

export const PV_ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

/** The members of PersistentVolumeSource (inlined into PersistentVolumeSpec); exactly one is set. */
export const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
] as const;

const setSources = (spec: Record<string, unknown>): string[] => PV_SOURCES.filter((k) => spec[k] !== undefined && spec[k] !== null);

/** ValidatePersistentVolumeSpec, the basics: capacity (storage only), access modes, one volume source, enums. */
function validatePersistentVolume(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const capacity = rec(s['capacity']);
  if (capacity === undefined || Object.keys(capacity).length === 0) {
    errs.push(fieldErrors.required('spec.capacity'));
  } else {
    if (capacity['storage'] === undefined || Object.keys(capacity).length > 1) {
      errs.push(fieldErrors.notSupported('spec.capacity', capacity, ['storage']));
    }
    for (const [r, q] of Object.entries(capacity)) {
      const v = quantityValue(q);
      if (Number.isNaN(v)) errs.push(fieldErrors.invalid(`spec.capacity[${r}]`, q, 'must be a valid resource quantity'));
      else if (v < 0) errs.push(fieldErrors.invalid(`spec.capacity[${r}]`, q, 'must be greater than or equal to 0'));
    }
  }
  const modes = arr(s['accessModes']);
  if (modes.length === 0) errs.push(fieldErrors.required('spec.accessModes'));
  modes.forEach((m) => errs.push(...oneOf('spec.accessModes', m, PV_ACCESS_MODES)));
  const sources = setSources(s);
  if (sources.length === 0) errs.push(fieldErrors.required('spec', 'must specify a volume type'));
  else if (sources.length > 1) errs.push(fieldErrors.forbidden(`spec.${sources[1]!}`, 'may not specify more than 1 volume type'));
  const hostPath = rec(s['hostPath']);
  if (hostPath && str(hostPath['path']) === '') errs.push(fieldErrors.required('spec.hostPath.path'));
  const local = rec(s['local']);
  if (local && str(local['path']) === '') errs.push(fieldErrors.required('spec.local.path'));
  const nfs = rec(s['nfs']);
  if (nfs) {
    if (str(nfs['server']) === '') errs.push(fieldErrors.required('spec.nfs.server'));
    if (str(nfs['path']) === '') errs.push(fieldErrors.required('spec.nfs.path'));
  }
  const csi = rec(s['csi']);
  if (csi) {
    if (str(csi['driver']) === '') errs.push(fieldErrors.required('spec.csi.driver'));
    if (str(csi['volumeHandle']) === '') errs.push(fieldErrors.required('spec.csi.volumeHandle'));
  }
  errs.push(...oneOf('spec.persistentVolumeReclaimPolicy', s['persistentVolumeReclaimPolicy'], ['Delete', 'Recycle', 'Retain']));
  errs.push(...oneOf('spec.volumeMode', s['volumeMode'], ['Block', 'Filesystem']));
  return errs;
}

/** ValidatePersistentVolumeUpdate: the volume source and mode are fixed once created. */
function validatePersistentVolumeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const pick = (x: KubeObject): Record<string, unknown> => Object.fromEntries(setSources(specOf(x)).map((k) => [k, specOf(x)[k]]));
  if (!isDeepStrictEqual(pick(o), pick(old))) {
    errs.push(fieldErrors.forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (!isDeepStrictEqual(specOf(o)['volumeMode'] ?? null, specOf(old)['volumeMode'] ?? null)) {
    errs.push(fieldErrors.invalid('spec.volumeMode', specOf(o)['volumeMode'] ?? null, 'field is immutable'));
  }
  return errs;
}

/** GetPersistentVolumeClass: the beta annotation wins over spec.storageClassName. */
const volumeClass = (o: KubeObject): string => o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(specOf(o)['storageClassName']);

function claimOf(o: KubeObject): string {
  const ref = rec(specOf(o)['claimRef']);
  return ref ? `${str(ref['namespace'])}/${str(ref['name'])}` : '';
}

export const persistentvolumes: ResourceDefinition = define({
  ...core,
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  returnsDeletedObject: true,
  shortNames: ['pv'],
  namespaced: false,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Capacity', (o) => str(rec(specOf(o)['capacity'])?.['storage']) || '0', { description: "capacity is the description of the persistent volume's resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity" }),
    column('Access Modes', (o) => accessModesShort(specOf(o)['accessModes']), { description: 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes' }),
    column('Reclaim Policy', (o) => str(specOf(o)['persistentVolumeReclaimPolicy']), { description: 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming' }),
    column('Status', (o) => (deleting(o) ? 'Terminating' : str(statusOf(o)['phase'])), { description: 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase' }),
    column('Claim', claimOf, { description: 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding' }),
    column('StorageClass', volumeClass, { description: 'StorageClass of the pv' }),
    column('VolumeAttributesClass', (o) => str(specOf(o)['volumeAttributesClassName']) || '<unset>', { description: 'VolumeAttributesClass of the pv' }),
    column('Reason', (o) => str(statusOf(o)['reason']), { description: 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.' }),
    ageColumn,
    wide('VolumeMode', (o) => str(specOf(o)['volumeMode']) || '<unset>', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.'),
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: false,
    defaults: (o) => {
      const s = child(o, 'spec');
      setDefault(s, 'persistentVolumeReclaimPolicy', 'Retain');
      setDefault(s, 'volumeMode', 'Filesystem');
    },
    // PrepareForCreate: a new volume is Pending, whatever status it was sent with.
    initialStatus: () => ({ phase: 'Pending', lastPhaseTransitionTime: rfc3339(new Date()) }),
    prepareForStatusUpdate: stampPhaseTransition,
    validate: validatePersistentVolume,
    validateUpdate: validatePersistentVolumeUpdate,
  }),
});

/**
 * The PV status strategy's lastPhaseTransitionTime: kept while the phase stays, set to now when
 * the phase changes, unless the writer set a new time itself.
 */
export function stampPhaseTransition(obj: KubeObject, old: KubeObject, now: Date = new Date()): void {
  const status = child(obj, 'status');
  const before = statusOf(old);
  const sent = status['lastPhaseTransitionTime'];
  if (status['phase'] === before['phase']) {
    if (sent === undefined || sent === null) {
      if (before['lastPhaseTransitionTime'] === undefined) delete status['lastPhaseTransitionTime'];
      else status['lastPhaseTransitionTime'] = before['lastPhaseTransitionTime'];
    }
  } else if (sent === undefined || sent === null || sent === before['lastPhaseTransitionTime']) {
    status['lastPhaseTransitionTime'] = rfc3339(now);
  }
}

// ---- Nodes ----

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** A CIDR such as 10.244.0.0/24 or fd00::/64. */
function isCIDR(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash < 0) return false;
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!isIP(ip) || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (ip.includes(':') ? 128 : 32);
}

/** ValidateNode, the parts users meet: pod CIDRs and taints. */
function validateNode(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const cidrs = arr(s['podCIDRs']).map(str);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(fieldErrors.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (cidrs.length > 2) errs.push(fieldErrors.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  const seen = new Set<string>();
  recs(s['taints']).forEach((t, i) => {
    const path = `spec.taints[${i}]`;
    const key = str(t['key']);
    errs.push(...qualifiedName(`${path}.key`, key));
    const value = str(t['value']);
    if (value !== '') errs.push(...isLabelValue(value).map((m) => fieldErrors.invalid(`${path}.value`, value, m)));
    const effect = str(t['effect']);
    if (effect === '') errs.push(fieldErrors.required(`${path}.effect`));
    else errs.push(...oneOf(`${path}.effect`, effect, TAINT_EFFECTS));
    const id = `${key}\u0000${effect}`;
    if (seen.has(id)) {
      const dup = fieldErrors.duplicate(path, t);
      errs.push({ ...dup, detail: `${dup.detail}: taints must be unique by key and effect pair` });
    }
    seen.add(id);
  });
  return errs;
}

/** ValidateNodeUpdate: podCIDRs and providerID may only go from unset to set. */
function validateNodeUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const oldCidrs = arr(specOf(old)['podCIDRs']);
  if (oldCidrs.length > 0 && !isDeepStrictEqual(arr(specOf(o)['podCIDRs']), oldCidrs)) {
    errs.push(fieldErrors.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = str(specOf(old)['providerID']);
  if (oldProvider !== '' && str(specOf(o)['providerID']) !== oldProvider) {
    errs.push(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

/** SetDefaults_NodeStatus: allocatable falls back to capacity. */
function defaultNode(o: KubeObject): void {
  // v1 conversion keeps the singular podCIDR and the podCIDRs list in step, the list winning.
  const spec = rec(o['spec']);
  if (spec !== undefined) {
    const list = Array.isArray(spec['podCIDRs']) ? (spec['podCIDRs'] as unknown[]).filter((c): c is string => typeof c === 'string' && c !== '') : [];
    if (list.length > 0) spec['podCIDR'] = list[0];
    else if (typeof spec['podCIDR'] === 'string' && spec['podCIDR'] !== '') spec['podCIDRs'] = [spec['podCIDR']];
  }
  const status = rec(o['status']);
  if (status && status['allocatable'] === undefined && rec(status['capacity']) !== undefined) status['allocatable'] = structuredClone(status['capacity']);
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(o: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(strMap(o.metadata.labels))) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** `Ready`, `NotReady` or `Unknown`, then `SchedulingDisabled` when cordoned (printNode). */
export function nodeStatus(o: KubeObject): string {
  const status: string[] = [];
  const ready = recs(statusOf(o)['conditions']).find((c) => c['type'] === 'Ready');
  if (ready) status.push(ready['status'] === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (specOf(o)['unschedulable'] === true) status.push('SchedulingDisabled');
  return status.join(',');
}

const nodeAddress = (o: KubeObject, type: string): string => str(recs(statusOf(o)['addresses']).find((a) => a['type'] === type)?.['address']) || NONE;
const nodeInfo = (o: KubeObject, key: string): string => str(rec(statusOf(o)['nodeInfo'])?.[key]);
const orUnknown = (s: string): string => s || '<unknown>';

const nodeBase = kindStrategy({
  statusSubresource: true,
  generation: false,
  defaults: defaultNode,
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  selectableFields: (o) => ({ 'spec.unschedulable': String(specOf(o)['unschedulable'] === true) }),
});

/** Unlike most kinds with a status subresource, a Node keeps the status it is created with (kubelets register that way). */
const nodeStrategy: Strategy = {
  ...nodeBase,
  prepareForCreate(obj) {
    const status = obj['status'];
    nodeBase.prepareForCreate(obj);
    if (status !== undefined && status !== null) obj['status'] = status;
    defaultNode(obj);
  },
};

export const nodes: ResourceDefinition = define({
  ...core,
  kind: 'Node',
  plural: 'nodes',
  shortNames: ['no'],
  namespaced: false,
  subresources: {
    status: true,
    extra: [{ name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: { group: '', version: 'v1', kind: 'NodeProxyOptions' } }],
  },
  columns: [
    nameColumn,
    column('Status', nodeStatus, { description: 'The status of the node' }),
    column('Roles', (o) => nodeRoles(o).join(',') || NONE, { description: 'The roles of the node' }),
    ageColumn,
    column('Version', (o) => nodeInfo(o, 'kubeletVersion'), { description: 'Kubelet Version reported by the node.' }),
    wide('Internal-IP', (o) => nodeAddress(o, 'InternalIP'), 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    wide('External-IP', (o) => nodeAddress(o, 'ExternalIP'), 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    wide('OS-Image', (o) => orUnknown(nodeInfo(o, 'osImage')), 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    wide('Kernel-Version', (o) => orUnknown(nodeInfo(o, 'kernelVersion')), "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    wide('Container-Runtime', (o) => orUnknown(nodeInfo(o, 'containerRuntimeVersion')), 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  strategy: nodeStrategy,
});
