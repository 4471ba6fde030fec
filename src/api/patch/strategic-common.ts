/**
 * Vocabulary shared by the strategic merge files: directive names, Go-type comparison (upstream
 * compares `reflect.TypeOf` of decoded values, so `1` and `1.5` are different types), and the
 * errors several steps raise. Messages follow upstream's wording; only code and reason are API.
 */
import type { StatusError } from '../errors.js';
import type { PatchMeta } from './patch-meta.js';
import { patchRejected, strategicMergeError } from './patch-errors.js';
import { getOwn, isObject, show, type JsonObject } from './json-value.js';

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const SET_ELEMENT_ORDER = '$setElementOrder';
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/** Merges `patch` into `original` in place at a position described by `meta`; returns the result. */
export type MergeMapFn = (original: JsonObject, patch: JsonObject, meta: PatchMeta) => JsonObject;

/** The Go type a decoded JSON value has upstream. */
export type GoType = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil';

export function goType(value: unknown): GoType {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'slice';
  if (typeof value === 'object') return 'map';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  return 'string';
}

/**
 * The common element type of some lists (upstream `sliceElementType`): lists of lists are a 422,
 * mixed types (and `null` elements, which panic upstream) and no elements at all are errors.
 */
export function elementType(...lists: readonly (readonly unknown[])[]): GoType {
  let found: GoType | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = goType(v);
      if (found === undefined && t === 'slice') throw patchRejected('lists of lists are not supported');
      if (t === 'nil' || (found !== undefined && t !== found)) {
        throw strategicMergeError(`list element types are not identical: ${show(lists)}`);
      }
      found = t;
    }
  }
  if (found === undefined) throw strategicMergeError('no elements in any of the given slices');
  return found;
}

/** `$deleteFromPrimitiveList/<list>` → `<list>`; a key without `/<list>` is malformed (400). */
export function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    const what = prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list';
    throw strategicMergeError(`invalid patch format of ${what}`);
  }
  return key.slice(slash + 1);
}

export const noMergeKey = (item: unknown, mergeKey: string): StatusError =>
  strategicMergeError(`map: ${show(item)} does not contain declared merge key: ${mergeKey}`);

export const badArgType = (expected: string, actual: unknown): StatusError =>
  strategicMergeError(`expected a ${expected}, but received a ${goType(actual)}: ${show(actual)}`);

/** The merge-key value of a list element, checking it is a map that has the key. */
export function mergeKeyOf(item: unknown, mergeKey: string): unknown {
  if (!isObject(item)) throw badArgType('map', item);
  if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return getOwn(item, mergeKey);
}

/** True for a map element carrying `$patch` (any value). */
export const hasDirective = (item: unknown): boolean => isObject(item) && Object.hasOwn(item, DIRECTIVE);

/** True for a `{$patch: delete, ...}` element. */
export const isDeleteDirective = (item: unknown): boolean => isObject(item) && getOwn(item, DIRECTIVE) === 'delete';
