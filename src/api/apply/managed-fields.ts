/**
 * The manager chain of server-side apply (spec §3.3–3.5): `apply` merges a configuration and
 * moves ownership (or reports conflicts), `update` records a non-apply write. Both are pure: they
 * take the live object, its entries and the clock, and return the object to store with its new
 * `metadata.managedFields`. Defaulting, validation and storage stay with the caller.
 */
import { StatusError, badRequest } from '../errors.js';
import {
  capUpdateEntries,
  decodeManagedFields,
  encodeManagedFields,
  formatTime,
  identityOf,
  managerText,
  type ManagedEntry,
  type ManagedFieldsEntry,
} from './entries.js';
import { EMPTY_SET, difference, intersection, isEmpty, paths, setOf, union, withoutSubtrees, type FieldSet } from './fieldset.js';
import { dropNulls, mergeValues, prune } from './merge.js';
import { fieldElement, pathToString, type Path } from './path.js';
import type { ApplySchema } from './schema.js';
import { ApplyTypeError, compare, compareWithEmpty, deepEqual, fieldsOf, isObject, removePaths } from './typed.js';

export type KubeObject = Record<string, unknown>;

/** Paths never recorded in any entry (§3.3). */
const UNRECORDED: FieldSet = setOf([
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'clusterName', 'managedFields'].map(
    (n) => ['f:metadata', fieldElement(n)],
  ),
]);

export const BEFORE_FIRST_APPLY = 'before-first-apply';

interface Common {
  readonly manager: string;
  readonly schema: ApplySchema;
  /** The live entries; defaults to `live.metadata.managedFields`. */
  readonly managedFields?: readonly ManagedFieldsEntry[] | null;
  readonly now: Date | string;
  /** group/version of the endpoint written to (`v1`, `apps/v1`). */
  readonly apiVersion: string;
  readonly subresource?: string;
  /** Fields the endpoint's strategy resets (`[['status']]` for a main resource): never recorded. */
  readonly resetFields?: readonly (readonly string[])[];
}

export interface ApplyOptions extends Common {
  /** The stored object, or null/undefined when the apply creates it. */
  readonly live: KubeObject | null | undefined;
  readonly config: KubeObject;
  readonly force?: boolean;
  /** `<ns>/<name>; <gvk>`, prefixed to schema errors as upstream words them. */
  readonly objectRef?: string;
}

export interface UpdateOptions extends Common {
  readonly live: KubeObject | null | undefined;
  /** The object about to be stored (decoded and defaulted). */
  readonly updated: KubeObject;
  readonly operation?: 'Update';
}

export interface Conflict {
  readonly entry: ManagedEntry;
  readonly path: Path;
}

export interface WriteResult {
  readonly ok: true;
  readonly object: KubeObject;
  readonly managedFields: ManagedFieldsEntry[];
  /** Whether the object (managedFields aside) differs from live. */
  readonly changed: boolean;
}

export interface ConflictResult {
  readonly ok: false;
  readonly conflicts: readonly Conflict[];
  readonly error: StatusError;
}

const resetSet = (o: Common): FieldSet => setOf((o.resetFields ?? []).map((p) => p.map(fieldElement)));

/** What an endpoint may record: unrecorded paths and reset fields removed. */
const recordable = (s: FieldSet, reset: FieldSet): FieldSet => withoutSubtrees(difference(s, UNRECORDED), reset);

function withoutManagedFields(obj: KubeObject | null | undefined): KubeObject | undefined {
  if (obj === null || obj === undefined) return undefined;
  const meta = obj.metadata;
  if (!isObject(meta) || !Object.hasOwn(meta, 'managedFields')) return obj;
  const { managedFields: _dropped, ...rest } = meta;
  return { ...obj, metadata: rest };
}

function withManagedFields(obj: KubeObject, list: ManagedFieldsEntry[]): KubeObject {
  const meta = isObject(obj.metadata) ? { ...obj.metadata } : {};
  if (list.length > 0) meta.managedFields = list;
  else delete meta.managedFields;
  return { ...obj, metadata: meta };
}

function liveEntries(o: Common & { live: KubeObject | null | undefined }): ManagedEntry[] {
  const list = o.managedFields !== undefined ? o.managedFields : (o.live?.metadata as KubeObject | undefined)?.managedFields;
  try {
    return decodeManagedFields(list);
  } catch {
    return []; // a broken stored list is treated as none rather than failing every write
  }
}

/**
 * The field set of an applied configuration, read strictly: an undeclared field, a value of the
 * wrong shape or scalar type, a duplicate or keyless list element is a 400 in upstream's words
 * (`failed to create typed patch object (<objectRef>): <path>: <problem>`).
 */
export function typedConfigFields(config: unknown, schema: ApplySchema, objectRef?: string): FieldSet {
  try {
    return fieldsOf(config, schema, true);
  } catch (err) {
    if (!(err instanceof ApplyTypeError)) throw err;
    throw typedPatchError(objectRef, err.message);
  }
}

/** The 400 for an applied configuration that does not convert to the kind's type. */
export function typedPatchError(objectRef: string | undefined, problem: string): StatusError {
  return badRequest(objectRef === undefined ? problem : `failed to create typed patch object (${objectRef}): ${problem}`);
}

/** Server-side apply (§3.5). Throws 400 for bodies that do not fit the schema. */
export function apply(o: ApplyOptions): WriteResult | ConflictResult {
  const time = formatTime(o.now);
  const reset = resetSet(o);
  const live = withoutManagedFields(o.live);
  const configMeta = o.config.metadata;
  if (isObject(configMeta) && configMeta.managedFields !== undefined && configMeta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }
  const cfgSet = typedConfigFields(o.config, o.schema, o.objectRef);
  let entries = liveEntries(o);
  if (live !== undefined && entries.length === 0) {
    const set = recordable(compareWithEmpty(live, o.schema).added, reset);
    if (!isEmpty(set)) entries = [{ manager: BEFORE_FIRST_APPLY, operation: 'Update', apiVersion: o.apiVersion, time, set }];
  }
  const config = removePaths(o.config, reset, o.schema);
  const cfg = withoutSubtrees(cfgSet, reset);
  const id = identityOf({ manager: o.manager, operation: 'Apply', apiVersion: o.apiVersion, ...sub(o) });
  const previous = entries.find((e) => identityOf(e) === id);
  const others = entries.filter((e) => e !== previous);
  const merged = mergeValues(live, config, o.schema);
  const owned = others.reduce((acc, e) => union(acc, e.set), cfg);
  const result = dropNulls(prune(merged, previous?.set ?? EMPTY_SET, owned, o.schema), o.schema) as KubeObject;

  const cmp = compare(live, result, o.schema);
  const touched = union(cmp.modified, cmp.added);
  const conflicts: Conflict[] = [];
  const kept = others.map((e) => {
    const clash = intersection(e.set, touched);
    for (const path of paths(clash)) conflicts.push({ entry: e, path });
    return { ...e, set: difference(difference(e.set, clash), cmp.removed) };
  });
  if (conflicts.length > 0 && o.force !== true) {
    conflicts.sort((a, b) => (identityOf(a.entry) < identityOf(b.entry) ? -1 : identityOf(a.entry) > identityOf(b.entry) ? 1 : 0));
    return { ok: false, conflicts, error: conflictError(conflicts) };
  }
  const changed = !deepEqual(live, result);
  const stamp = changed ? time : previous?.time;
  const mine: ManagedEntry = {
    manager: o.manager,
    operation: 'Apply',
    apiVersion: o.apiVersion,
    ...(stamp !== undefined && { time: stamp }),
    ...sub(o),
    set: recordable(cfg, reset),
  };
  const list = encodeManagedFields(capUpdateEntries([mine, ...kept]));
  return { ok: true, object: withManagedFields(result, list), managedFields: list, changed };
}

const sub = (o: Common): { subresource?: string } =>
  o.subresource !== undefined && o.subresource !== '' ? { subresource: o.subresource } : {};

/** A non-apply write: create, update, or a JSON/merge/strategic patch (§3.4). Never conflicts. */
export function update(o: UpdateOptions): WriteResult {
  const time = formatTime(o.now);
  const reset = resetSet(o);
  const live = withoutManagedFields(o.live);
  const updated = withoutManagedFields(o.updated)!;
  const changed = !deepEqual(live, updated);
  const start = startingEntries(o);
  if (start.length === 0 && live !== undefined) {
    return { ok: true, object: withManagedFields(updated, []), managedFields: [], changed };
  }
  const cmp = live === undefined ? compareWithEmpty(updated, o.schema) : compare(live, updated, o.schema);
  const gained = union(cmp.modified, cmp.added);
  const lost = union(gained, cmp.removed);
  const id = identityOf({ manager: o.manager, operation: 'Update', apiVersion: o.apiVersion, ...sub(o) });
  const previous = start.find((e) => identityOf(e) === id);
  const others = start.filter((e) => e !== previous).map((e) => ({ ...e, set: difference(e.set, lost) }));
  const fresh = recordable(gained, reset);
  const stamp = isEmpty(fresh) ? previous?.time : time;
  const mine: ManagedEntry = {
    manager: o.manager,
    operation: 'Update',
    apiVersion: o.apiVersion,
    ...(stamp !== undefined && { time: stamp }),
    ...sub(o),
    set: union(recordable(difference(previous?.set ?? EMPTY_SET, cmp.removed), reset), fresh),
  };
  const list = encodeManagedFields(capUpdateEntries([...others, mine]));
  return { ok: true, object: withManagedFields(updated, list), managedFields: list, changed };
}

/** §3.4 step 1: the request's list when it is usable (or a reset), else the live one. */
function startingEntries(o: UpdateOptions): ManagedEntry[] {
  const requested = (o.updated.metadata as KubeObject | undefined)?.managedFields;
  if (o.subresource !== undefined && o.subresource !== '') return liveEntries(o);
  if (requested === undefined || requested === null) return liveEntries(o);
  if (Array.isArray(requested) && (requested.length === 0 || (requested.length === 1 && isEmptyObject(requested[0])))) {
    return [];
  }
  try {
    const decoded = decodeManagedFields(requested);
    return decoded.length > 0 ? decoded : liveEntries(o);
  } catch {
    return liveEntries(o);
  }
}

const isEmptyObject = (v: unknown): boolean => isObject(v) && Object.keys(v).length === 0;

/** The 409 of §3.7: one cause per conflicting path; no name or kind in the details. */
export function conflictError(conflicts: readonly Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict' as const,
    message: `conflict with ${managerText(c.entry)}`,
    field: pathToString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const [c] = conflicts;
    message = `Apply failed with 1 conflict: conflict with ${managerText(c!.entry)}: ${pathToString(c!.path)}`;
  } else {
    const lines: string[] = [];
    let last: string | undefined;
    for (const c of conflicts) {
      const id = identityOf(c.entry);
      if (id !== last) lines.push(`conflicts with ${managerText(c.entry)}:`);
      last = id;
      lines.push(`- ${pathToString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}
