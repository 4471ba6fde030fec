/**
 * Result ordering of merged lists (spec §2.4). The result is split into *patch items* (named in
 * the patch list or `$setElementOrder`) and *server-only items*; each part is sorted by its own
 * reference order, then the two are interleaved by comparing heads against the live order. The
 * comparisons reproduce upstream's exactly, including its non-strict comparator for items that a
 * reference list does not contain (see `sortByOrder`), because kubectl output depends on them.
 */
import { strategicMergeError } from './patch-errors.js';
import { getOwn, isObject, show } from './json-value.js';
import { badArgType, isDeleteDirective, mergeKeyOf, type GoType } from './strategic-common.js';

export interface Partition {
  readonly patchItems: unknown[];
  readonly serverOnly: unknown[];
}

/** Splits `merged` by whether each element (its merge key, for maps) appears in `partitionBy`. */
export function partitionByPresence(merged: readonly unknown[], partitionBy: readonly unknown[], mergeKey: string): Partition {
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  if (mergeKey === '') {
    const present = new Set(partitionBy.map(hashable));
    for (const v of merged) (present.has(hashable(v)) ? patchItems : serverOnly).push(v);
  } else {
    for (const v of merged) {
      const key = mergeKeyOf(v, mergeKey);
      (containsKey(partitionBy, mergeKey, key) ? patchItems : serverOnly).push(v);
    }
  }
  return { patchItems, serverOnly };
}

/** Upstream keys a Go map by these values; maps and lists panic there. */
function hashable(v: unknown): unknown {
  if (typeof v === 'object' && v !== null) throw strategicMergeError(`runtime error: hash of unhashable type: ${show(v)}`);
  return v;
}

/** Upstream `findMapInSliceBasedOnKeyValue`, used as a membership test. */
function containsKey(list: readonly unknown[], mergeKey: string, value: unknown): boolean {
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) throw strategicMergeError(`value for key ${i} is not a map`);
    if (Object.hasOwn(item, mergeKey) && getOwn(item, mergeKey) === value) return true;
  }
  return false;
}

/**
 * Sorts `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`, then interleaves them:
 * a server-only head goes first only when both heads occur in `serverOrder` and it precedes.
 */
export function normalizeElementOrder(
  partition: Partition,
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string,
  type: GoType,
): unknown[] {
  const right = sortByOrder(partition.patchItems, patchOrder, mergeKey, type);
  const left = sortByOrder(partition.serverOnly, serverOrder, mergeKey, type);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, type);
      const ri = indexIn(serverOrder, right[j], mergeKey, type);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/** Position of `value` in `list`, comparing merge-key values for maps and the values otherwise. */
function indexIn(list: readonly unknown[], value: unknown, mergeKey: string, type: GoType): number {
  const valueOf = (item: unknown): unknown => {
    if (type !== 'map') return item;
    return isObject(item) ? (getOwn(item, mergeKey) ?? null) : null;
  };
  const wanted = valueOf(value);
  return list.findIndex((item) => valueOf(item) === wanted);
}

/**
 * Upstream `normalizeSliceOrder`: checks every map has the merge key, moves delete directives to
 * the end, and stable-sorts by position in `order`. Its comparator says "less" whenever either
 * item is missing from `order`, which is not a strict order; Go's `sort.SliceStable` runs
 * insertion sort on up to 20 elements, reproduced here, so results match upstream even then
 * (and always when every item is present, whatever the length).
 */
function sortByOrder(items: readonly unknown[], order: readonly unknown[], mergeKey: string, type: GoType): unknown[] {
  let toSort = [...items];
  let deletes: unknown[] = [];
  if (type === 'map') {
    for (const item of [...items, ...order]) {
      if (!isObject(item)) throw badArgType('map', item);
      mergeKeyOf(item, mergeKey);
    }
    deletes = toSort.filter(isDeleteDirective);
    toSort = toSort.filter((item) => !isDeleteDirective(item));
  }
  const less = (a: unknown, b: unknown): boolean => {
    const ia = indexIn(order, a, mergeKey, type);
    const ib = indexIn(order, b, mergeKey, type);
    return ia < 0 || ib < 0 || ia < ib;
  };
  for (let i = 1; i < toSort.length; i++) {
    for (let j = i; j > 0 && less(toSort[j], toSort[j - 1]); j--) {
      [toSort[j - 1], toSort[j]] = [toSort[j], toSort[j - 1]];
    }
  }
  return [...toSort, ...deletes];
}
