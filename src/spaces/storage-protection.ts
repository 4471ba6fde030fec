/**
 * Storage object in-use protection (pure): kube-apiserver's StorageObjectInUseProtection admission
 * plugin puts a finalizer on every new PersistentVolumeClaim and PersistentVolume, and
 * kube-controller-manager's pvc-protection and pv-protection controllers take it off a deleting
 * object once nothing uses it: a claim once no scheduled, unfinished pod mounts it; a volume once
 * it is no longer Bound. So a claim deleted under a running pod stays Terminating until the pod
 * is gone.
 */
import type { KubeObject } from '../api/object.js';
import { arr, rec, recs, str } from '../registry/builtin/helpers.js';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

/** The admission plugin: on create, the kind's finalizer (once). */
export function protectionAdmission(finalizer: string) {
  return (operation: 'create' | 'update', obj: KubeObject): void => {
    if (operation !== 'create') return;
    const finalizers = arr(obj.metadata.finalizers).map(str);
    if (!finalizers.includes(finalizer)) obj.metadata.finalizers = [...finalizers, finalizer];
  };
}

const finished = (pod: KubeObject): boolean => {
  const phase = rec(pod['status'])?.['phase'];
  return phase === 'Succeeded' || phase === 'Failed';
};

/**
 * podUsesPVC: only a scheduled pod counts (a kubelet will not start a pod on a claim being
 * deleted); one that has finished no longer holds its claims. Generic ephemeral volumes name their
 * claim `<pod>-<volume>`.
 */
export function podUsesClaim(pod: KubeObject, claim: string): boolean {
  const spec = rec(pod['spec']) ?? {};
  if (str(spec['nodeName']) === '' || finished(pod)) return false;
  return recs(spec['volumes']).some(
    (v) => str(rec(v['persistentVolumeClaim'])?.['claimName']) === claim || (rec(v['ephemeral']) !== undefined && `${pod.metadata.name ?? ''}-${str(v['name'])}` === claim),
  );
}

/** Whether the finalizer may come off a claim: it is being deleted and no pod of its namespace uses it. */
export function claimReleasable(claim: KubeObject, podsInNamespace: Iterable<KubeObject>): boolean {
  if (claim.metadata.deletionTimestamp === undefined || !arr(claim.metadata.finalizers).includes(PVC_PROTECTION)) return false;
  for (const pod of podsInNamespace) if (podUsesClaim(pod, claim.metadata.name ?? '')) return false;
  return true;
}

/** Whether the finalizer may come off a volume: it is being deleted and not Bound to a claim. */
export function volumeReleasable(volume: KubeObject): boolean {
  if (volume.metadata.deletionTimestamp === undefined || !arr(volume.metadata.finalizers).includes(PV_PROTECTION)) return false;
  return rec(volume['status'])?.['phase'] !== 'Bound';
}
