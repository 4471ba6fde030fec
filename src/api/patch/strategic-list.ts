/**
 * Merging of lists (spec §2.3): lists of maps by merge key with `$patch` element directives, lists
 * of scalars as a set union, and `$deleteFromPrimitiveList`. Works in place on copies owned by
 * `applyStrategicMergePatch`.
 *
 * Upstream deletes and appends inside the live slice's backing array, so a caller still holding
 * the live slice (the `$setElementOrder` step) afterwards reads *(live minus deleted elements)
 * followed by the first N appended elements*, N = number of deletions. That view feeds the final
 * ordering and changes where kubectl's three-way patches put new containers (SMP-21), so it is
 * computed here explicitly as `liveView`.
 */
import { strategicMergeError } from './patch-errors.js';
import { getOwn, isObject, show, type JsonObject } from './json-value.js';
import type { FieldStrategy, PatchMeta } from './patch-meta.js';
import { normalizeElementOrder, partitionByPresence } from './strategic-order.js';
import { DIRECTIVE, elementType, mergeKeyOf, noMergeKey, type MergeMapFn } from './strategic-common.js';

export interface ListMergeResult {
  readonly merged: unknown[];
  /** What the live list reads as after upstream's in-place edits (same length as live). */
  readonly liveView: readonly unknown[];
}

/**
 * Upstream `mergeSliceHandler`: lists with strategy `merge`, and deletion lists whatever the
 * strategy, are merged; any other patch list replaces the live one verbatim.
 */
export function mergeListField(
  live: unknown[],
  patch: unknown[],
  field: FieldStrategy,
  isDeleteList: boolean,
  mergeMap: MergeMapFn,
): ListMergeResult {
  if (field.strategy !== 'merge' && !isDeleteList) return { merged: patch, liveView: live };
  return mergeList(live, patch, field.meta, field.mergeKey, isDeleteList, mergeMap);
}

function mergeList(
  live: unknown[],
  patch: unknown[],
  items: PatchMeta,
  mergeKey: string,
  isDeleteList: boolean,
  mergeMap: MergeMapFn,
): ListMergeResult {
  if (live.length === 0 && patch.length === 0) return { merged: live, liveView: live };
  const type = elementType(live, patch);
  if (type !== 'map') {
    if (isDeleteList) return { merged: live.filter((v) => !patch.includes(v)), liveView: live };
    const merged = dedupScalars([...live, ...patch]);
    const ordered = normalizeElementOrder(partitionByPresence(merged, patch, mergeKey), patch, live, mergeKey, type);
    return { merged: ordered, liveView: live };
  }
  if (mergeKey === '') throw strategicMergeError(`cannot merge lists without merge key for ${items.name}`);
  return mergeMapList(live, patch, items, mergeKey, mergeMap);
}

/** Lists of maps: directives first, then merge-by-key, then ordering. */
function mergeMapList(
  live: unknown[],
  patch: unknown[],
  items: PatchMeta,
  mergeKey: string,
  mergeMap: MergeMapFn,
): ListMergeResult {
  const backing = [...live];
  let length = backing.length;
  let replace = false;
  const plain: JsonObject[] = [];
  for (const element of patch as JsonObject[]) {
    if (!Object.hasOwn(element, DIRECTIVE)) {
      plain.push(element);
      continue;
    }
    const directive = getOwn(element, DIRECTIVE);
    if (directive === 'delete') {
      if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      const value = getOwn(element, mergeKey);
      for (let i = findByKey(backing, length, mergeKey, value); i >= 0; i = findByKey(backing, length, mergeKey, value)) {
        backing.copyWithin(i, i + 1, length); // Go's append(s[:i], s[i+1:]...): the last slot keeps its old value
        length--;
      }
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw strategicMergeError('merging lists cannot yet be specified in the patch');
    } else {
      throw strategicMergeError(`unknown patch type: ${show(directive)} in map: ${show(element)}`);
    }
  }
  if (replace) {
    const ordered = normalizeElementOrder(partitionByPresence(plain, [], mergeKey), [], plain, mergeKey, 'map');
    return { merged: ordered, liveView: backing };
  }
  const postDeletion = backing.slice(0, length);
  const working = [...postDeletion];
  for (const element of plain) {
    const value = mergeKeyOf(element, mergeKey);
    const i = findByKey(working, working.length, mergeKey, value);
    if (i >= 0) {
      working[i] = mergeMap(working[i] as JsonObject, element, items);
    } else {
      if (working.length < backing.length) backing[working.length] = element;
      working.push(element);
    }
  }
  const ordered = normalizeElementOrder(partitionByPresence(working, plain, mergeKey), plain, postDeletion, mergeKey, 'map');
  return { merged: ordered, liveView: backing };
}

/** First index below `length` whose merge key equals `value` (type-sensitive). */
function findByKey(list: readonly unknown[], length: number, mergeKey: string, value: unknown): number {
  for (let i = 0; i < length; i++) {
    const item = list[i];
    if (!isObject(item)) throw strategicMergeError(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, mergeKey) && getOwn(item, mergeKey) === value) return i;
  }
  return -1;
}

/** Upstream's in-place dedup: a duplicate is overwritten by the last element, so order shifts. */
function dedupScalars(values: unknown[]): unknown[] {
  const s = values;
  let last = s.length - 1;
  for (let i = 0; i < last; i++) {
    for (let j = i + 1; j <= last; j++) {
      if (s[i] === s[j]) {
        s[j] = s[last];
        s.length = last;
        last--;
        j--;
      }
    }
  }
  return s;
}
