/**
 * Clean-up of patch values that strategic merge inserts instead of merging (spec §2.2): where
 * the live object has nothing to merge with, upstream drops `null` members and every map that
 * carries `$patch`, at any depth. Other `$`-keys stay and reach the decoder as unknown fields.
 */
import { isObject } from './json-value.js';
import { DIRECTIVE } from './strategic-common.js';

/** Deletes `null` members of maps, at any depth (in place); `null` list elements stay. */
export function discardNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const v of value) discardNulls(v);
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else discardNulls(value[key]);
    }
  }
}

/**
 * Removes maps holding `$patch` (members are deleted, list elements dropped). `keep` is false
 * when `value` itself is such a map. Maps are edited in place, lists rebuilt.
 */
export function removeDirectives(value: unknown): { value: unknown; keep: boolean } {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const r = removeDirectives(v);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  if (!isObject(value)) return { value, keep: true };
  if (Object.hasOwn(value, DIRECTIVE)) return { value: undefined, keep: false };
  for (const key of Object.keys(value)) {
    const r = removeDirectives(value[key]);
    if (r.keep) value[key] = r.value;
    else delete value[key];
  }
  return { value, keep: true };
}
