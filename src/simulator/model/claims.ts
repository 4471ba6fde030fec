/**
 * Dynamic provisioning as the PV controller completes it: the claim is bound to a volume named
 * `pvc-<claim uid>` (spec.volumeName and the bind annotations, written as a spec update) and its
 * status becomes Bound with the requested capacity and access modes.
 */
import type { KubeObject } from '../../api/object.js';
import { arr, rec, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';

export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';

export const volumeNameFor = (claim: KubeObject): string => `pvc-${claim.metadata.uid ?? ''}`;

/** Whether the claim still lacks its volume or the annotations saying it is bound. */
export function needsBinding(claim: KubeObject): boolean {
  const a = claim.metadata.annotations ?? {};
  return str(specOf(claim)['volumeName']) === '' || a[BIND_COMPLETED_ANNOTATION] !== 'yes';
}

/** The claim with its volume and the bind annotations (a copy). */
export function boundClaim(claim: KubeObject): KubeObject {
  const next = structuredClone(claim);
  const spec = (next['spec'] = { ...specOf(next) });
  if (str(spec['volumeName']) === '') spec['volumeName'] = volumeNameFor(claim);
  next.metadata.annotations = { ...next.metadata.annotations, [BIND_COMPLETED_ANNOTATION]: 'yes', [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' };
  return next;
}

export function claimStatus(claim: KubeObject): Obj {
  const spec = specOf(claim);
  const storage = rec(rec(spec['resources'])?.['requests'])?.['storage'];
  const modes = arr(spec['accessModes']);
  const prev = statusOf(claim);
  return {
    ...prev,
    phase: 'Bound',
    ...(modes.length > 0 && { accessModes: [...modes] }),
    ...(storage !== undefined && { capacity: { storage } }),
  };
}
