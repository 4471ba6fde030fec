/**
 * kind's default StorageClass: `standard`, served by the local-path provisioner, which kind
 * applies (kubectl apply, hence the last-applied annotation and the client-side-apply manager)
 * once, when it creates the cluster. Installed here likewise once: when the simulator first starts
 * in its space, which is when the kubelet's Node does not exist yet. A user who deletes or
 * changes the class later keeps it that way, across restarts, as on kind.
 */
import { isStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { ServedSpace } from '../../spaces/served-space.js';

const MANIFEST = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' }, name: 'standard' },
  provisioner: 'rancher.io/local-path',
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
} as const;

/** The class as kubectl apply creates it from kind's manifest. */
export function defaultStorageClass(): KubeObject {
  return {
    apiVersion: MANIFEST.apiVersion,
    kind: MANIFEST.kind,
    metadata: {
      name: MANIFEST.metadata.name,
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(MANIFEST)}\n`,
        ...MANIFEST.metadata.annotations,
      },
    },
    provisioner: MANIFEST.provisioner,
    reclaimPolicy: MANIFEST.reclaimPolicy,
    volumeBindingMode: MANIFEST.volumeBindingMode,
  };
}

/** Creates `standard` unless the space has a class of that name; never throws. */
export async function installDefaultStorageClass(space: ServedSpace, log: (msg: string, err?: unknown) => void): Promise<void> {
  const def = space.catalog.byResource('storage.k8s.io', 'storageclasses');
  if (def === undefined) return;
  try {
    await space.store(def).create('', defaultStorageClass(), { manager: { name: 'kubectl-client-side-apply', apiVersion: 'storage.k8s.io/v1' } });
  } catch (err) {
    if (!isStatusError(err, 'AlreadyExists')) log('simulator could not create the default StorageClass', err);
  }
}
