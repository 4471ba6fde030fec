/**
 * The PersistentVolume side of the PV controller and of kind's local-path provisioner: which
 * volumes a claim may bind, the volume provisioned for a claim, the claimRef binding writes, and
 * what becomes of a volume as its claim comes and goes (Available, Bound, Released or deleted).
 */
import type { KubeObject } from '../../api/object.js';
import { labelSelectorMatches, type LabelSelector } from '../../api/label-selector.js';
import { arr, rec, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { quantityValue } from '../../registry/builtin/pod-template.js';
import { isDeleting } from './objects.js';

export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** The provisioner that provisions nothing (static volumes only). */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** What a claim with no class is provisioned by here: kind's provisioner, which serves its default class. */
export const DEFAULT_PROVISIONER = 'rancher.io/local-path';
const LOCAL_PATH_NODE_ANNOTATION = 'local.path.provisioner/selected-node';
const LOCAL_PATH_ROOT = '/var/local-path-provisioner';

/** GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
export const classOf = (o: KubeObject): string => o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(specOf(o)['storageClassName']);

export const volumeModeOf = (o: KubeObject): string => str(specOf(o)['volumeMode']) || 'Filesystem';

const modesOf = (o: KubeObject): string[] => arr(specOf(o)['accessModes']).map(str);

export const requestOf = (claim: KubeObject): unknown => rec(rec(specOf(claim)['resources'])?.['requests'])?.['storage'];

const capacityOf = (pv: KubeObject): unknown => rec(specOf(pv)['capacity'])?.['storage'];

export const claimRefOf = (pv: KubeObject): Obj | undefined => rec(specOf(pv)['claimRef']);

/** IsVolumeBoundToClaim: the volume's claimRef names the claim (and, when it has one, its uid). */
export function isVolumeFor(pv: KubeObject, claim: KubeObject): boolean {
  const ref = claimRefOf(pv);
  if (ref === undefined || str(ref['name']) !== claim.metadata.name || str(ref['namespace']) !== claim.metadata.namespace) return false;
  return str(ref['uid']) === '' || str(ref['uid']) === claim.metadata.uid;
}

/** checkVolumeSatisfyClaim: big enough, of the claim's class and volume mode, with every mode it asks for. */
export function satisfies(pv: KubeObject, claim: KubeObject): boolean {
  if (!(quantityValue(capacityOf(pv)) >= quantityValue(requestOf(claim)))) return false;
  if (classOf(pv) !== classOf(claim) || volumeModeOf(pv) !== volumeModeOf(claim)) return false;
  const modes = modesOf(pv);
  return modesOf(claim).every((m) => modes.includes(m));
}

function selectorAllows(claim: KubeObject, pv: KubeObject): boolean {
  const selector = rec(specOf(claim)['selector']) as LabelSelector | undefined;
  if (selector === undefined) return true;
  try {
    return labelSelectorMatches(selector, pv.metadata.labels);
  } catch {
    return false;
  }
}

/**
 * findMatchingVolume: a volume already reserved for the claim wins; otherwise (unless only those
 * are wanted, as before a delayed claim has a node) the smallest Available, unclaimed volume that
 * satisfies it and its selector.
 */
export function matchVolume(claim: KubeObject, volumes: readonly KubeObject[], reservedOnly = false): KubeObject | undefined {
  let best: KubeObject | undefined;
  for (const pv of volumes) {
    if (isDeleting(pv) || volumeModeOf(pv) !== volumeModeOf(claim)) continue;
    if (isVolumeFor(pv, claim)) {
      if (quantityValue(capacityOf(pv)) >= quantityValue(requestOf(claim))) return pv;
      continue;
    }
    if (reservedOnly || claimRefOf(pv) !== undefined || str(statusOf(pv)['phase']) !== 'Available') continue;
    if (!satisfies(pv, claim) || !selectorAllows(claim, pv)) continue;
    if (best === undefined || quantityValue(capacityOf(pv)) < quantityValue(capacityOf(best))) best = pv;
  }
  return best;
}

/** The claimRef binding writes (GetReference of the claim). */
export const claimRefTo = (claim: KubeObject): Obj => ({
  kind: 'PersistentVolumeClaim',
  namespace: claim.metadata.namespace ?? '',
  name: claim.metadata.name ?? '',
  uid: claim.metadata.uid ?? '',
  apiVersion: 'v1',
  resourceVersion: claim.metadata.resourceVersion ?? '',
});

/**
 * bindVolumeToClaim: the volume with the claim's reference, marked bound-by-controller when the
 * controller chose it (not when it was reserved for the claim by name); undefined when it already is.
 */
export function boundVolume(pv: KubeObject, claim: KubeObject): KubeObject | undefined {
  const ref = claimRefOf(pv);
  if (ref !== undefined && str(ref['uid']) === claim.metadata.uid) return undefined;
  const next = structuredClone(pv);
  next['spec'] = { ...specOf(next), claimRef: claimRefTo(claim) };
  if (ref === undefined) next.metadata.annotations = { ...next.metadata.annotations, [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
  return next;
}

export interface ProvisionInput {
  /** The claim's StorageClass; none for a claim without a class. */
  readonly storageClass?: KubeObject;
  /** The node a first consumer was scheduled to (WaitForFirstConsumer), which the volume is pinned to. */
  readonly node?: string;
}

export const provisionerOf = (storageClass: KubeObject | undefined): string => (storageClass === undefined ? DEFAULT_PROVISIONER : str(storageClass['provisioner']));

/** The volume a provisioner makes for the claim: `pvc-<uid>`, a local-path hostPath directory, already claimed. */
export function provisionedVolume(claim: KubeObject, p: ProvisionInput): KubeObject {
  const name = `pvc-${claim.metadata.uid ?? ''}`;
  const sc = p.storageClass;
  const className = classOf(claim);
  const reclaim = str(sc?.['reclaimPolicy']) || 'Delete';
  const mountOptions = arr(sc?.['mountOptions']).map(str);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      annotations: {
        [PROVISIONED_BY_ANNOTATION]: provisionerOf(sc),
        ...(p.node !== undefined && { [LOCAL_PATH_NODE_ANNOTATION]: p.node }),
      },
    },
    spec: {
      accessModes: modesOf(claim),
      capacity: { storage: requestOf(claim) },
      claimRef: claimRefTo(claim),
      hostPath: { path: `${LOCAL_PATH_ROOT}/${name}_${claim.metadata.namespace ?? ''}_${claim.metadata.name ?? ''}`, type: 'DirectoryOrCreate' },
      ...(p.node !== undefined && {
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [p.node] }] }] } },
      }),
      ...(mountOptions.length > 0 && { mountOptions }),
      persistentVolumeReclaimPolicy: reclaim,
      ...(className !== '' && { storageClassName: className }),
      volumeMode: volumeModeOf(claim),
    },
  };
}

/** What syncVolume does with a volume, given the claim its claimRef names (if that claim exists). */
export type VolumeAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'phase'; readonly phase: 'Available' | 'Bound' | 'Released' }
  /** Reclaim policy Delete and its claim gone. */
  | { readonly kind: 'delete' }
  /** Back to Available without its claimRef (Recycle, or a binding the controller made and the claim left). */
  | { readonly kind: 'unbind' }
  /** Bound to a claim that is still binding: the claim's sync finishes it. */
  | { readonly kind: 'syncClaim' };

export function planVolume(pv: KubeObject, claim: KubeObject | undefined): VolumeAction {
  if (isDeleting(pv)) return { kind: 'none' };
  const ref = claimRefOf(pv);
  if (ref === undefined) return { kind: 'phase', phase: 'Available' };
  const uid = str(ref['uid']);
  if (claim === undefined || (uid !== '' && claim.metadata.uid !== uid)) {
    // Reserved for a claim yet to come; or released by the claim it was bound to.
    if (uid === '') return { kind: 'phase', phase: 'Available' };
    const policy = str(specOf(pv)['persistentVolumeReclaimPolicy']) || 'Retain';
    if (policy === 'Delete') return { kind: 'delete' };
    if (policy === 'Recycle') return { kind: 'unbind' };
    return { kind: 'phase', phase: 'Released' };
  }
  const volumeName = str(specOf(claim)['volumeName']);
  if (volumeName === pv.metadata.name) return { kind: 'phase', phase: 'Bound' };
  if (volumeName === '') return uid === '' ? { kind: 'phase', phase: 'Available' } : { kind: 'syncClaim' };
  // The claim went to another volume: a binding the controller made is undone, a user's left alone.
  return pv.metadata.annotations?.[BOUND_BY_CONTROLLER_ANNOTATION] === 'yes' ? { kind: 'unbind' } : { kind: 'none' };
}

/** The volume without its claimRef (and the controller's mark), to be Available again. */
export function unboundVolume(pv: KubeObject): KubeObject {
  const next = structuredClone(pv);
  const spec = (next['spec'] = { ...specOf(next) });
  delete spec['claimRef'];
  if (next.metadata.annotations) {
    const annotations = { ...next.metadata.annotations };
    delete annotations[BOUND_BY_CONTROLLER_ANNOTATION];
    next.metadata.annotations = annotations;
  }
  return next;
}

export const volumeStatus = (pv: KubeObject, phase: string): Obj => ({ ...statusOf(pv), phase });
