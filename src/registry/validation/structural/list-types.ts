/**
 * `x-kubernetes-list-type` invariants of custom resources (upstream's listtype validation): a
 * `set` holds no value twice, a `map` no two items with the same key fields. Each repeated
 * value is reported once, at the index where it repeats, as `FieldValueDuplicate`.
 */
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import { canonicalJson, indexPath, isObject, own } from '../paths.js';
import { itemsOf, type JSONSchemaProps } from './types.js';

/** A key field that is absent and has no default: such items still collide with each other. */
const UNSPECIFIED = '\u0000unspecified';

export function validateListType(s: JSONSchemaProps, list: readonly unknown[], path: string, errs: FieldError[]): void {
  const listType = s['x-kubernetes-list-type'];
  if (listType === 'set') {
    for (const i of repeats(list.map(canonicalJson))) errs.push(fieldErrors.duplicate(indexPath(path, i), list[i]));
    return;
  }
  if (listType !== 'map') return;
  const bad = list.findIndex((x) => x !== null && x !== undefined && !isObject(x));
  if (bad >= 0) {
    errs.push(fieldErrors.invalid(indexPath(path, bad), list[bad], 'must be an object for an array of list-type map'));
    return;
  }
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const itemProps = itemsOf(s)?.properties;
  const keyOf = (x: unknown): string =>
    canonicalJson(
      keys.map((k) => {
        const o = isObject(x) ? x : {};
        if (Object.hasOwn(o, k)) return o[k];
        return own(itemProps, k)?.default ?? UNSPECIFIED;
      }),
    );
  for (const i of repeats(list.map(keyOf))) errs.push(fieldErrors.duplicate(indexPath(path, i), list[i]));
}

/** Indices where a value occurs for the second time. */
function repeats(values: readonly string[]): number[] {
  const count = new Map<string, number>();
  const out: number[] = [];
  values.forEach((v, i) => {
    const n = (count.get(v) ?? 0) + 1;
    count.set(v, n);
    if (n === 2) out.push(i);
  });
  return out;
}
