/**
 * Small readers and builders the simulated controllers share: controller references, the
 * failure annotation, and JSON hygiene so a recomputed status compares equal to the stored one
 * (an `undefined` member would make every comparison differ and every sync write).
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { SIMULATE_FAILURE_ANNOTATION } from '../../kubestellar/well-known.js';
import { num, rec, specOf, str, type Obj } from '../../registry/builtin/helpers.js';

export type { Obj };

/** The owner reference with controller=true, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

/** What a kube controller puts on the objects it creates. */
export function controllerRefTo(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  return controllerRef(obj)?.uid === owner.metadata.uid;
}

export const isDeleting = (obj: KubeObject): boolean => obj.metadata.deletionTimestamp !== undefined;

/** Whether this very object asks to fail (its ancestors are the shell's business). */
export const failureRequested = (obj: KubeObject): boolean => obj.metadata.annotations?.[SIMULATE_FAILURE_ANNOTATION] === 'true';

/** spec.replicas as the apps defaulters leave it (1 when unset). */
export const specReplicas = (obj: KubeObject): number => num(specOf(obj)['replicas']) ?? 1;

export const generationOf = (obj: KubeObject): number => obj.metadata.generation ?? 1;

export const templateOf = (obj: KubeObject): Obj => rec(specOf(obj)['template']) ?? {};

export const templateLabels = (template: Obj): Record<string, string> => {
  const labels = rec(rec(template['metadata'])?.['labels']) ?? {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v;
  return out;
};

/** Drops members that are `undefined`, at any depth, as JSON encoding would. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => prune(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value as Obj)) if (v !== undefined) out[k] = prune(v);
  return out as T;
}

/** Go's `omitempty` on int fields: zero counters are left out of the status. */
export function omitZero(obj: Obj, keys: readonly string[]): Obj {
  for (const k of keys) if (obj[k] === 0 || obj[k] === undefined) delete obj[k];
  return obj;
}

/** Milliseconds since the epoch of an RFC 3339 time, or undefined. */
export function timeOf(v: unknown): number | undefined {
  const t = Date.parse(str(v));
  return Number.isNaN(t) ? undefined : t;
}

/** A copy of a pod template without one label (kube compares templates ignoring pod-template-hash). */
export function withoutLabel(template: Obj, label: string): Obj {
  const copy = structuredClone(template);
  const labels = rec(rec(copy['metadata'])?.['labels']);
  if (labels) {
    delete labels[label];
    if (Object.keys(labels).length === 0) delete rec(copy['metadata'])!['labels'];
  }
  return copy;
}
