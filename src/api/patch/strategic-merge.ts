/**
 * Server-side strategic merge patch (`application/strategic-merge-patch+json`), as kube-apiserver
 * applies it (apimachinery `StrategicMergeMapPatch`, spec §2). Per object, in this order:
 * `$patch` (replace | delete), `$retainKeys`, every `$setElementOrder/<list>` with its list, then
 * the remaining keys: `null` deletes, absent or differently-typed live values are replaced by the
 * cleaned patch value, maps recurse (unless the field's strategy is `replace`), lists merge when
 * the field's strategy is `merge` (else the patch list replaces them), scalars replace.
 *
 * Errors (spec §2.5): malformed directives and everything upstream leaves as a bare 500 are 400
 * BadRequest here; a list of lists is upstream's generic 422. The result may still hold what
 * upstream's decoder drops afterwards: `null` members and `$`-keys inside values that were
 * appended or replaced verbatim (SMP-32), so the caller decodes/prunes it like any body.
 */
import { badRequest } from '../errors.js';
import { cannotUnmarshal, strategicMergeError } from './patch-errors.js';
import { cloneJson, getOwn, isObject, kindOf, setKey, show, type JsonObject } from './json-value.js';
import { lookupField, lookupListField, type PatchMeta } from './patch-meta.js';
import { applySetElementOrders } from './set-element-order.js';
import { discardNulls, removeDirectives } from './strategic-clean.js';
import { DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE, RETAIN_KEYS, SET_ELEMENT_ORDER, extractKey, goType } from './strategic-common.js';
import { mergeListField } from './strategic-list.js';

/**
 * Applies a strategic merge `patch` (the parsed body) to `live` using the schema knowledge in
 * `meta`, returning a new object; neither input is modified. A `null` body changes nothing, as
 * upstream; a body that is not an object is a 400.
 */
export function applyStrategicMergePatch(live: unknown, patch: unknown, meta: PatchMeta): JsonObject {
  if (!isObject(live)) throw badRequest('invalid JSON document');
  if (patch === null) return cloneJson(live);
  if (!isObject(patch)) throw cannotUnmarshal(kindOf(patch), 'map[string]interface {}');
  return mergeMap(cloneJson(live), cloneJson(patch), meta);
}

/** Upstream `mergeMap`: merges `patch` into `original` in place and returns the result. */
function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  if (Object.hasOwn(patch, DIRECTIVE)) return mapDirective(patch);
  applyRetainKeys(original, patch);
  applySetElementOrders(original, patch, meta, mergeMap);
  // Go iterates a map (no order). Deletion lists go last so `k` and `$deleteFromPrimitiveList/k`
  // in one patch give "merge, then delete", the only reading kubectl's patches need.
  const keys = Object.keys(patch);
  const isDeletion = (k: string): boolean => k.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  for (const key of [...keys.filter((k) => !isDeletion(k)), ...keys.filter(isDeletion)]) {
    mergeEntry(original, key, patch[key], meta);
  }
  return original;
}

/** `$patch` on a map: `replace` keeps the patch (verbatim, minus `$patch`), `delete` empties it. */
function mapDirective(patch: JsonObject): JsonObject {
  const directive = getOwn(patch, DIRECTIVE);
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw strategicMergeError(`unknown patch type: ${show(directive)} in map: ${show(patch)}`);
}

/**
 * `$retainKeys: [k...]`: every non-null patch key (directive lists aside) must be listed; live
 * keys not listed are cleared before merging. Honoured in any object, whatever the strategy.
 */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const listed = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(listed)) throw strategicMergeError('invalid patch format of retainKeys');
  const retained = new Set<unknown>(listed);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!retained.has(key)) throw strategicMergeError('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!retained.has(key)) delete original[key];
}

/** One patch key (upstream's loop body). */
function mergeEntry(original: JsonObject, rawKey: string, value: unknown, meta: PatchMeta): void {
  const isDeleteList = rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST);
  const key = isDeleteList ? extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST) : rawKey;
  if (value === null) {
    delete original[key];
    return;
  }
  const current = getOwn(original, key);
  if (current === undefined || goType(current) !== goType(value)) {
    if (!isDeleteList) insertCleaned(original, key, value);
    return;
  }
  if (isObject(current)) {
    const field = lookupField(meta, key);
    const merged = field.strategy === 'replace' ? value : mergeMap(current, value as JsonObject, field.meta);
    setKey(original, key, merged);
  } else if (Array.isArray(current)) {
    const field = lookupListField(meta, key);
    setKey(original, key, mergeListField(current, value as unknown[], field, isDeleteList, mergeMap).merged);
  } else {
    insertCleaned(original, key, value);
  }
}

/** Puts a patch value where nothing merges with it: nulls and directive-bearing maps dropped. */
function insertCleaned(original: JsonObject, key: string, value: unknown): void {
  discardNulls(value);
  const cleaned = removeDirectives(value);
  if (cleaned.keep) setKey(original, key, cleaned.value);
  else delete original[key];
}
