/**
 * kube-apiserver's DefaultStorageClass admission plugin: a new PersistentVolumeClaim that names no
 * storage class (spec.storageClassName absent or null; "" means "no class" and is kept) gets the
 * default StorageClass, the one annotated `storageclass.kubernetes.io/is-default-class: "true"`
 * (or the beta annotation). When several are, the newest wins, then the first by name, as
 * upstream picks. Without a default class the claim is left as it is.
 */
import type { KubeObject } from '../api/object.js';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

/** The default class among `classes`, if any (pure). */
export function defaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  return newestDefault(classes, DEFAULT_ANNOTATIONS);
}

/** Of the classes annotated `true` by one of `annotations`, the newest, then the first by name. */
export function newestDefault(classes: readonly KubeObject[], annotations: readonly string[]): KubeObject | undefined {
  const defaults = classes.filter((c) => annotations.some((a) => c.metadata.annotations?.[a] === 'true'));
  defaults.sort((a, b) => {
    const at = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const bt = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    return bt - at || ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1);
  });
  return defaults[0];
}

/** Admission of a PVC create: fills spec.storageClassName from the default class, read through `classes`. */
export function defaultStorageClassAdmission(classes: () => Promise<readonly KubeObject[]>) {
  return async (operation: 'create' | 'update', claim: KubeObject): Promise<void> => {
    if (operation !== 'create') return;
    const spec = (claim['spec'] ?? {}) as Record<string, unknown>;
    if (spec['storageClassName'] !== undefined && spec['storageClassName'] !== null) return;
    const chosen = defaultStorageClass(await classes());
    if (chosen === undefined) return;
    claim['spec'] = { ...spec, storageClassName: chosen.metadata.name };
  };
}
