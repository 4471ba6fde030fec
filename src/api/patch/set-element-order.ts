/**
 * `$setElementOrder/<list>` (spec §2.4): merges `<list>` from the patch (if any) and puts the
 * elements the directive names in its order, interleaving server-only elements by the live order
 * as upstream leaves it after merging in place (`ListMergeResult.liveView`). Both the directive
 * and its list are removed from the patch so the key loop does not see them again.
 */
import { strategicMergeError } from './patch-errors.js';
import { getOwn, isObject, setKey, show, type JsonObject } from './json-value.js';
import { lookupListField, type PatchMeta } from './patch-meta.js';
import { mergeListField, type ListMergeResult } from './strategic-list.js';
import { normalizeElementOrder, partitionByPresence } from './strategic-order.js';
import {
  SET_ELEMENT_ORDER,
  badArgType,
  elementType,
  extractKey,
  hasDirective,
  isDeleteDirective,
  mergeKeyOf,
  type MergeMapFn,
} from './strategic-common.js';
import { removeDirectives } from './strategic-clean.js';

export function applySetElementOrders(original: JsonObject, patch: JsonObject, meta: PatchMeta, mergeMap: MergeMapFn): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Object.hasOwn(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw badArgType('[]interface {}', order);
    const listKey = extractKey(key, SET_ELEMENT_ORDER);
    const live = listAt(original, listKey);
    const patchList = listAt(patch, listKey);
    const field = lookupListField(meta, listKey);
    checkPatchOrder(patchList ?? [], order, field.mergeKey);

    let result: ListMergeResult;
    if (live !== undefined && patchList !== undefined) result = mergeListField(live, patchList, field, false, mergeMap);
    else if (live !== undefined) result = { merged: live, liveView: live };
    else if (patchList !== undefined) result = { merged: removeDirectives(patchList).value as unknown[], liveView: [] };
    else continue;

    const partition = partitionByPresence(result.merged, order, field.mergeKey);
    const type = elementType(result.liveView, patchList ?? []);
    setKey(original, listKey, normalizeElementOrder(partition, order, result.liveView, field.mergeKey, type));
    delete patch[listKey];
  }
}

/** The list under `key`, undefined when absent; present but not a list is an error (upstream 500). */
function listAt(obj: JsonObject, key: string): unknown[] | undefined {
  if (!Object.hasOwn(obj, key)) return undefined;
  const value = getOwn(obj, key);
  if (!Array.isArray(value)) throw badArgType('[]interface {}', value);
  return value;
}

/**
 * The non-delete elements of the patch list must appear in `order` in the same relative order
 * (upstream `validatePatchWithSetOrderList`); elements of `order` found nowhere are fine.
 */
function checkPatchOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const item of patchList) if (!isObject(item)) throw badArgType('map', item);
    items = patchList.filter((item) => !isDeleteDirective(item));
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    if (hasDirective(items[p])) {
      p++;
      continue;
    }
    if (sameElement(items[p], order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    const lists = `${show(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${show(order)}\n`;
    throw strategicMergeError(`The order in patch list:\n${lists}`);
  }
}

function sameElement(a: unknown, b: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return a === b;
  return mergeKeyOf(a, mergeKey) === mergeKeyOf(b, mergeKey);
}
