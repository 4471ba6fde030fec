/**
 * kube-apiserver's DefaultIngressClass admission plugin: a new Ingress that names no class
 * (spec.ingressClassName absent or null, and no `kubernetes.io/ingress.class` annotation) gets
 * the default IngressClass, the one annotated `ingressclass.kubernetes.io/is-default-class:
 * "true"`; when several are, the newest wins, then the first by name. Without a default class
 * the Ingress is left as it is.
 */
import type { KubeObject } from '../api/object.js';
import { newestDefault } from './default-storage-class.js';

const DEFAULT_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** Admission of an Ingress create: fills spec.ingressClassName from the default class, read through `classes`. */
export function defaultIngressClassAdmission(classes: () => Promise<readonly KubeObject[]>) {
  return async (operation: 'create' | 'update', ingress: KubeObject): Promise<void> => {
    if (operation !== 'create') return;
    const spec = (ingress['spec'] ?? {}) as Record<string, unknown>;
    if (spec['ingressClassName'] !== undefined && spec['ingressClassName'] !== null) return;
    if (ingress.metadata.annotations?.[CLASS_ANNOTATION] !== undefined) return;
    const chosen = newestDefault(await classes(), [DEFAULT_ANNOTATION]);
    if (chosen === undefined) return;
    ingress['spec'] = { ...spec, ingressClassName: chosen.metadata.name };
  };
}
