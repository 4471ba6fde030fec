/**
 * ObjectMeta validation on create and update, following apimachinery's ValidateObjectMeta and
 * ValidateObjectMetaUpdate in what users notice: field paths, error types and messages. Errors
 * are collected, never thrown, so a strategy can add its own and raise one 422 Invalid.
 */
import { fieldErrors, type FieldError } from './errors.js';
import { validateLabels } from './label-selector.js';
import {
  TOTAL_ANNOTATION_SIZE_LIMIT,
  annotationsSize,
  isDNS1123Label,
  isQualifiedName,
  type NameValidator,
} from './names.js';
import type { ObjectMeta, OwnerReference } from './object.js';

export interface ObjectMetaRules {
  /** Namespaced kinds require a namespace; cluster-scoped ones forbid it. */
  readonly namespaced: boolean;
  /** The kind's name format (nameIsDNSSubdomain for most kinds). */
  readonly nameValidator: NameValidator;
}

export const FIELD_IMMUTABLE = 'field is immutable';
const FINALIZER_ORPHAN = 'orphan';
const FINALIZER_FOREGROUND = 'foregroundDeletion';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Create-time checks. Call it after generateName has been turned into a name (as upstream
 * does); the generateName prefix is validated too, so a bad one is reported on both fields.
 */
export function validateObjectMeta(meta: ObjectMeta, rules: ObjectMetaRules, fieldPath = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = str(meta.generateName);
  const name = str(meta.name);
  if (generateName !== '') {
    for (const msg of rules.nameValidator(generateName, true)) errs.push(fieldErrors.invalid(`${fieldPath}.generateName`, generateName, msg));
  }
  if (name === '') errs.push(fieldErrors.required(`${fieldPath}.name`, 'name or generateName is required'));
  else for (const msg of rules.nameValidator(name, false)) errs.push(fieldErrors.invalid(`${fieldPath}.name`, name, msg));

  const namespace = str(meta.namespace);
  if (rules.namespaced) {
    if (namespace === '') errs.push(fieldErrors.required(`${fieldPath}.namespace`));
    else for (const msg of isDNS1123Label(namespace)) errs.push(fieldErrors.invalid(`${fieldPath}.namespace`, namespace, msg));
  } else if (namespace !== '') {
    errs.push(fieldErrors.forbidden(`${fieldPath}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateGeneration(meta.generation, fieldPath));
  errs.push(...validateLabels(meta.labels, `${fieldPath}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${fieldPath}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${fieldPath}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${fieldPath}.finalizers`));
  return errs;
}

function validateGeneration(generation: number | undefined, fieldPath: string): FieldError[] {
  if (generation === undefined || generation >= 0) return [];
  return [fieldErrors.invalid(`${fieldPath}.generation`, generation, 'must be greater than or equal to 0')];
}

/** Keys are qualified names compared case-insensitively; keys plus values at most 256 KiB. */
export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(annotations ?? {})) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(fieldErrors.invalid(fieldPath, key, msg));
  }
  if (annotationsSize(annotations) > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldErrors.tooLong(fieldPath, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** Each reference needs apiVersion, kind, name and uid; at most one may be the controller. */
export function validateOwnerReferences(refs: readonly OwnerReference[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  (refs ?? []).forEach((ref, i) => {
    errs.push(...validateOwnerReference(ref, `${fieldPath}[${i}]`));
    if (ref.controller !== true) return;
    const current = `${str(ref.kind)}/${str(ref.name)}`;
    if (firstController === '') firstController = current;
    else {
      errs.push(
        fieldErrors.invalid(
          fieldPath,
          refs,
          `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        ),
      );
    }
  });
  return errs;
}

function validateOwnerReference(ref: OwnerReference, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(ref.apiVersion);
  const gv = parseGroupVersion(apiVersion);
  if (apiVersion === '') errs.push(fieldErrors.required(`${path}.apiVersion`, 'must not be empty'));
  else if (gv === undefined || gv.version === '') {
    errs.push(fieldErrors.invalid(`${path}.apiVersion`, apiVersion, 'must be <group>/<version> or <version>'));
  }
  for (const f of ['kind', 'name', 'uid'] as const) {
    if (str(ref[f]) === '') errs.push(fieldErrors.required(`${path}.${f}`, 'must not be empty'));
  }
  // Events may not own anything (upstream's BannedOwners).
  const group = gv?.group ?? '';
  const version = gv?.version ?? '';
  if (group === '' && version === 'v1' && ref.kind === 'Event') {
    errs.push(fieldErrors.invalid(path, ref, `${group}/${version}, Kind=${ref.kind} is disallowed from being an owner`));
  }
  return errs;
}

/** schema.ParseGroupVersion: `v1`, `apps/v1`; `""` and `/` are empty; more slashes are an error. */
function parseGroupVersion(gv: string): { group: string; version: string } | undefined {
  if (gv === '' || gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv };
  if (parts.length === 2) return { group: parts[0] ?? '', version: parts[1] ?? '' };
  return undefined;
}

/** Finalizers are qualified names, and `orphan` excludes `foregroundDeletion`. */
export function validateFinalizers(finalizers: readonly string[] | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) for (const msg of isQualifiedName(f)) errs.push(fieldErrors.invalid(fieldPath, f, msg));
  if (list.includes(FINALIZER_ORPHAN) && list.includes(FINALIZER_FOREGROUND)) {
    errs.push(fieldErrors.invalid(fieldPath, list, `finalizer ${FINALIZER_ORPHAN} and ${FINALIZER_FOREGROUND} cannot be both set`));
  }
  return errs;
}

/**
 * Update-time checks. `newMeta.resourceVersion` must be set: for an unconditional update (no
 * resourceVersion sent) the store copies the stored one in before validating, as upstream does.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, fieldPath = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (str(oldMeta.deletionTimestamp) !== '') {
    const before = new Set(oldMeta.finalizers ?? []);
    const added = [...new Set((newMeta.finalizers ?? []).filter((f) => !before.has(f)))].sort();
    if (added.length > 0) {
      errs.push(
        fieldErrors.forbidden(
          `${fieldPath}.finalizers`,
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  if (str(newMeta.resourceVersion) === '') {
    errs.push(fieldErrors.invalid(`${fieldPath}.resourceVersion`, '', 'must be specified for an update'));
  }
  errs.push(...validateGeneration(newMeta.generation, fieldPath));
  if ((newMeta.generation ?? 0) < (oldMeta.generation ?? 0)) {
    errs.push(fieldErrors.invalid(`${fieldPath}.generation`, newMeta.generation ?? 0, 'must not be decremented'));
  }
  for (const f of ['name', 'namespace', 'uid'] as const) immutable(errs, `${fieldPath}.${f}`, str(newMeta[f]), str(oldMeta[f]), sameString);
  for (const f of ['creationTimestamp', 'deletionTimestamp'] as const) {
    immutable(errs, `${fieldPath}.${f}`, newMeta[f], oldMeta[f], sameTime);
  }
  immutable(errs, `${fieldPath}.deletionGracePeriodSeconds`, newMeta.deletionGracePeriodSeconds, oldMeta.deletionGracePeriodSeconds, sameOptional);
  errs.push(...validateLabels(newMeta.labels, `${fieldPath}.labels`));
  errs.push(...validateAnnotations(newMeta.annotations, `${fieldPath}.annotations`));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, `${fieldPath}.ownerReferences`));
  return errs;
}

function immutable<T>(errs: FieldError[], field: string, next: T, prev: T, same: (a: T, b: T) => boolean): void {
  if (!same(next, prev)) errs.push(fieldErrors.invalid(field, next ?? null, FIELD_IMMUTABLE));
}

const sameString = (a: string, b: string): boolean => a === b;
const sameOptional = (a: unknown, b: unknown): boolean => (a ?? null) === (b ?? null);

/** Timestamps compare as instants (metav1.Time), so `Z` and `+00:00` spellings are the same; unset equals "". */
function sameTime(a: string | undefined, b: string | undefined): boolean {
  const x = a ?? '';
  const y = b ?? '';
  if (x === y) return true;
  const tx = Date.parse(x);
  const ty = Date.parse(y);
  return !Number.isNaN(tx) && tx === ty;
}
