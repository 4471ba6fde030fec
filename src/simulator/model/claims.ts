/**
 * The claim side of the PV controller (syncClaim), with the scheduler's part in delayed binding:
 * a claim binds an existing volume that satisfies it, or one its class's provisioner makes; a
 * claim of a WaitForFirstConsumer class waits until a pod using it is scheduled. Binding writes
 * the volume's claimRef first, then the claim's volumeName and annotations, then its status.
 * A claim without a class (this server has no default-class admission) is provisioned at once
 * by the stand-in for kind's default provisioner, unless a classless volume satisfies it.
 */
import type { KubeObject } from '../../api/object.js';
import { arr, rec, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { isDeleting } from './objects.js';
import { BOUND_BY_CONTROLLER_ANNOTATION, claimRefOf, classOf, isVolumeFor, matchVolume, NO_PROVISIONER, provisionedVolume, provisionerOf, satisfies } from './volumes.js';

export { BOUND_BY_CONTROLLER_ANNOTATION };
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';

export interface ClaimFacts {
  /** Every PersistentVolume. */
  readonly volumes: readonly KubeObject[];
  /** The claim's StorageClass, when it names one that exists. */
  readonly storageClass?: KubeObject;
  /** The node of a scheduled, unfinished pod that uses the claim, if any. */
  readonly consumerNode?: string;
}

export type ClaimPlan =
  /** Nothing to do (being deleted). */
  | { readonly kind: 'none' }
  /** Stays or becomes Pending (no volume yet, or waiting for a first consumer). */
  | { readonly kind: 'pending' }
  /** Bind this existing volume (its claimRef written if it lacks it), then complete the claim. */
  | { readonly kind: 'bind'; readonly volume: KubeObject; readonly annotations: Record<string, string> }
  /** Create this volume, then complete the claim with it. */
  | { readonly kind: 'provision'; readonly volume: KubeObject; readonly annotations: Record<string, string> }
  /** Was bound, and its volume is gone or taken. */
  | { readonly kind: 'lost' };

const wasBound = (claim: KubeObject): boolean => claim.metadata.annotations?.[BIND_COMPLETED_ANNOTATION] === 'yes';

export const isWaitForFirstConsumer = (storageClass: KubeObject | undefined): boolean => str(storageClass?.['volumeBindingMode']) === 'WaitForFirstConsumer';

export function planClaim(claim: KubeObject, facts: ClaimFacts): ClaimPlan {
  if (isDeleting(claim)) return { kind: 'none' };
  const volumeName = str(specOf(claim)['volumeName']);
  if (volumeName !== '') {
    // Bound, or asked for one volume by name: that volume and no other.
    const pv = facts.volumes.find((v) => v.metadata.name === volumeName);
    if (pv === undefined || isDeleting(pv)) return wasBound(claim) ? { kind: 'lost' } : { kind: 'pending' };
    if (isVolumeFor(pv, claim)) return { kind: 'bind', volume: pv, annotations: {} };
    if (claimRefOf(pv) !== undefined) return wasBound(claim) ? { kind: 'lost' } : { kind: 'pending' };
    return satisfies(pv, claim) ? { kind: 'bind', volume: pv, annotations: {} } : { kind: 'pending' };
  }
  const className = classOf(claim);
  if (className !== '' && facts.storageClass === undefined) return { kind: 'pending' };
  const delayed = isWaitForFirstConsumer(facts.storageClass);
  const node = claim.metadata.annotations?.[SELECTED_NODE_ANNOTATION] ?? facts.consumerNode;
  const byController = { [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
  // Until a delayed claim has a node, only a volume reserved for it (or provisioned for it before a restart) binds.
  const waiting = delayed && node === undefined;
  const match = matchVolume(claim, facts.volumes, waiting);
  if (match !== undefined) return { kind: 'bind', volume: match, annotations: byController };
  if (waiting) return { kind: 'pending' };
  const provisioner = provisionerOf(facts.storageClass);
  if (provisioner === NO_PROVISIONER) return { kind: 'pending' };
  return {
    kind: 'provision',
    volume: provisionedVolume(claim, { ...(facts.storageClass && { storageClass: facts.storageClass }), ...(delayed && { node: node! }) }),
    annotations: {
      ...byController,
      [STORAGE_PROVISIONER_ANNOTATION]: provisioner,
      [BETA_STORAGE_PROVISIONER_ANNOTATION]: provisioner,
      ...(delayed && { [SELECTED_NODE_ANNOTATION]: node! }),
    },
  };
}

/** The claim bound to `volume`, with the PV controller's annotations (a copy); undefined when it already is. */
export function boundClaim(claim: KubeObject, volume: KubeObject, annotations: Record<string, string>): KubeObject | undefined {
  const want = { ...annotations, [BIND_COMPLETED_ANNOTATION]: 'yes' };
  const have = claim.metadata.annotations ?? {};
  const volumeName = str(specOf(claim)['volumeName']);
  if (volumeName === volume.metadata.name && Object.entries(want).every(([k, v]) => have[k] === v)) return undefined;
  const next = structuredClone(claim);
  next['spec'] = { ...specOf(next), volumeName: volume.metadata.name ?? '' };
  next.metadata.annotations = { ...have, ...want };
  return next;
}

/** A bound claim's status: Bound, with the volume's capacity and access modes. */
export function claimStatus(claim: KubeObject, volume: KubeObject): Obj {
  const pvSpec = specOf(volume);
  const modes = arr(pvSpec['accessModes']);
  const capacity = rec(pvSpec['capacity']);
  return {
    ...statusOf(claim),
    phase: 'Bound',
    ...(modes.length > 0 && { accessModes: [...modes] }),
    ...(capacity !== undefined && { capacity: { ...capacity } }),
  };
}

/** Pending or Lost: what a claim without a usable volume reports. */
export const unboundClaimStatus = (claim: KubeObject, phase: 'Pending' | 'Lost'): Obj => ({ ...statusOf(claim), phase });

/** The claims a pod uses: its persistentVolumeClaim volumes, and the claims of its ephemeral volumes (`<pod>-<volume>`). */
export function claimNamesOf(pod: KubeObject): string[] {
  const out: string[] = [];
  for (const v of arr(specOf(pod)['volumes'])) {
    const vol = rec(v) ?? {};
    const claimName = str(rec(vol['persistentVolumeClaim'])?.['claimName']);
    if (claimName !== '') out.push(claimName);
    else if (rec(vol['ephemeral']) !== undefined) out.push(`${pod.metadata.name ?? ''}-${str(vol['name'])}`);
  }
  return out;
}
