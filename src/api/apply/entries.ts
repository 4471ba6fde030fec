/**
 * `metadata.managedFields` entries (spec §3.3): decoding the wire form into field sets, the
 * identity under which sets merge, upstream's entry order, the cap on Update entries, and the
 * wording conflict messages use for a manager.
 */
import type { FieldError } from '../errors.js';
import { fieldErrors } from '../errors.js';
import { EMPTY_SET, FieldsV1Error, decodeFieldsV1, encodeFieldsV1, union, isEmpty, type FieldSet, type FieldsV1 } from './fieldset.js';
import { compareBytes } from './path.js';
import { rfc3339 } from '../object.js';

export type Operation = 'Apply' | 'Update';

/** The wire form of one entry. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** A decoded entry: what the engine works with. */
export interface ManagedEntry {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly set: FieldSet;
}

/** An entry list that does not decode; the write path then ignores it (§3.4 step 1). */
export class ManagedFieldsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManagedFieldsError';
  }
}

/**
 * Upstream's manager identifier: the JSON of the entry without time and fields, apiVersion kept
 * only for Update entries. Sets merge per identifier; conflict messages sort managers by it.
 */
export function identityOf(e: Pick<ManagedEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation === 'Update') id.apiVersion = e.apiVersion;
  if (e.subresource !== undefined && e.subresource !== '') id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** `"app"`, `"ctl" with subresource "status"`, `"editor" using v1`: how conflicts name managers. */
export function managerText(e: Pick<ManagedEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = JSON.stringify(e.manager);
  if (e.subresource !== undefined && e.subresource !== '') text += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') text += ` using ${e.apiVersion}`;
  return text;
}

/** Decodes a stored or client-sent list. Throws ManagedFieldsError on any malformed entry. */
export function decodeManagedFields(list: unknown): ManagedEntry[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new ManagedFieldsError('managedFields must be a list');
  const byId = new Map<string, ManagedEntry>();
  for (const raw of list) {
    const e = decodeEntry(raw);
    const id = identityOf(e);
    const prev = byId.get(id);
    byId.set(id, prev === undefined ? e : { ...e, set: union(prev.set, e.set) });
  }
  return [...byId.values()];
}

function decodeEntry(raw: unknown): ManagedEntry {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ManagedFieldsError('entry is not an object');
  const e = raw as ManagedFieldsEntry;
  const str = (v: unknown): v is string => typeof v === 'string';
  if (e.operation !== 'Apply' && e.operation !== 'Update') {
    throw new ManagedFieldsError(`unexpected operation ${JSON.stringify(e.operation)}`);
  }
  if (!str(e.apiVersion) || e.apiVersion === '') throw new ManagedFieldsError('apiVersion is required');
  if (e.fieldsType !== 'FieldsV1') throw new ManagedFieldsError(`unsupported FieldsType ${String(e.fieldsType)}`);
  if (e.manager !== undefined && !str(e.manager)) throw new ManagedFieldsError('manager must be a string');
  let set: FieldSet = EMPTY_SET;
  try {
    if (e.fieldsV1 !== undefined && e.fieldsV1 !== null) set = decodeFieldsV1(e.fieldsV1);
  } catch (err) {
    if (err instanceof FieldsV1Error) throw new ManagedFieldsError(`error decoding fieldsV1: ${err.message}`);
    throw err;
  }
  return {
    manager: e.manager ?? '',
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(str(e.time) && e.time !== '' && { time: e.time }),
    ...(str(e.subresource) && e.subresource !== '' && { subresource: e.subresource }),
    set,
  };
}

/** Apply before Update; then by time (missing first); then manager, apiVersion, subresource. */
export function compareEntries(a: ManagedEntry, b: ManagedEntry): number {
  if (a.operation !== b.operation) return a.operation === 'Apply' ? -1 : 1;
  if (a.time !== b.time) {
    if (a.time === undefined) return -1;
    if (b.time === undefined) return 1;
    return a.time < b.time ? -1 : 1;
  }
  return (
    compareBytes(a.manager, b.manager) ||
    compareBytes(a.apiVersion, b.apiVersion) ||
    compareBytes(a.subresource ?? '', b.subresource ?? '')
  );
}

/** The wire list: empty entries dropped, upstream's order. */
export function encodeManagedFields(entries: readonly ManagedEntry[]): ManagedFieldsEntry[] {
  return entries
    .filter((e) => !isEmpty(e.set))
    .sort(compareEntries)
    .map((e) => ({
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      ...(e.time !== undefined && { time: e.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: encodeFieldsV1(e.set) as FieldsV1,
      ...(e.subresource !== undefined && { subresource: e.subresource }),
    }));
}

export const ANCIENT_CHANGES = 'ancient-changes';
export const MAX_UPDATE_ENTRIES = 10;

/**
 * At most `max` Update entries: the oldest (by time, then identity) are folded, one by one, into
 * one `ancient-changes` Update entry per apiVersion, which takes the folded entry's time.
 */
export function capUpdateEntries(entries: readonly ManagedEntry[], max = MAX_UPDATE_ENTRIES): ManagedEntry[] {
  let out = [...entries];
  const updates = () => out.filter((e) => e.operation === 'Update');
  if (updates().length <= max) return out;
  const oldest = updates()
    .filter((e) => e.manager !== ANCIENT_CHANGES)
    .sort((a, b) => {
      if (a.time !== b.time) return (a.time ?? '') < (b.time ?? '') ? -1 : 1;
      return compareBytes(identityOf(a), identityOf(b));
    });
  for (const e of oldest) {
    if (updates().length <= max) break;
    const bucketId = identityOf({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: e.apiVersion });
    const bucket = out.find((x) => identityOf(x) === bucketId);
    out = out.filter((x) => x !== e && x !== bucket);
    out.push({
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: e.apiVersion,
      ...(e.time !== undefined && { time: e.time }),
      set: bucket === undefined ? e.set : union(bucket.set, e.set),
    });
  }
  return out;
}

/** RFC 3339 in whole seconds, UTC: the precision `metav1.Time` keeps. */
export function formatTime(now: Date | string): string {
  return rfc3339(typeof now === 'string' ? new Date(now) : now);
}

/**
 * The default manager for a non-apply write without `fieldManager`: the User-Agent up to the first
 * `/`, non-printable characters dropped, cut to 128 bytes; `unknown` when empty.
 */
export function defaultFieldManager(userAgent: string | undefined): string {
  const key = userAgent ?? '';
  let manager = managerOfAgent.get(key);
  if (manager === undefined) {
    // Clients send a handful of distinct agents; a flood of distinct ones just starts over.
    if (managerOfAgent.size >= 256) managerOfAgent.clear();
    managerOfAgent.set(key, (manager = managerOf(key)));
  }
  return manager;
}

const managerOfAgent = new Map<string, string>();

function managerOf(userAgent: string): string {
  const head = userAgent.split('/')[0] ?? '';
  const printable = [...head].filter((c) => /\P{C}/u.test(c)).join('');
  const bytes = Buffer.from(printable, 'utf8').subarray(0, 128).toString('utf8').replace(/\uFFFD+$/, '');
  return bytes === '' ? 'unknown' : bytes;
}

/** Upstream's ValidateManagedFields: the field errors a stored list would get (422). */
export function validateManagedFields(list: readonly ManagedFieldsEntry[], field = 'metadata.managedFields'): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((e, i) => {
    const at = `${field}[${i}]`;
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(fieldErrors.invalid(`${at}.operation`, e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType !== undefined && e.fieldsType !== '' && e.fieldsType !== 'FieldsV1') {
      errs.push(fieldErrors.invalid(`${at}.fieldsType`, e.fieldsType, 'must be `FieldsV1`'));
    }
    const manager = e.manager ?? '';
    if (Buffer.byteLength(manager, 'utf8') > 128) errs.push(fieldErrors.tooLong(`${at}.manager`, 128));
    else if (/\p{C}/u.test(manager)) errs.push(fieldErrors.invalid(`${at}.manager`, manager, 'must only contain printable characters'));
    if ((e.subresource ?? '').length > 256) errs.push(fieldErrors.tooLong(`${at}.subresource`, 256));
  });
  return errs;
}
