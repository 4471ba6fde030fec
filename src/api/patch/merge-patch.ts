/**
 * JSON Merge Patch (RFC 7386, `application/merge-patch+json`) as kube-apiserver applies it
 * (evanphx/json-patch `MergePatch`). Differences from a naive RFC reading that clients see:
 *
 * | situation                                          | result                                     |
 * |----------------------------------------------------|--------------------------------------------|
 * | body `null` or a scalar                            | 400 BadRequest `Invalid JSON Patch`        |
 * | body an array                                      | the array replaces the document (the       |
 * |                                                    | kind decode then fails with 422)           |
 * | member `null`                                      | deletes the member (absent: no error)      |
 * | value inserted where live has nothing (or `null`)  | its `null` members are dropped recursively,|
 * |   or where live is not an object                   | also inside arrays; `null` elements stay   |
 * | non-object patch value over a live object          | replaces it verbatim (nulls kept)          |
 */
import { badRequest } from '../errors.js';
import { cloneJson, getOwn, isObject, setKey, type JsonObject } from './json-value.js';

/** Applies `patch` (the parsed body) to `doc` and returns the result; `doc` is not modified. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  const copy = cloneJson(patch);
  if (!isObject(doc)) return pruneNulls(copy);
  const result = cloneJson(doc);
  mergeObjects(result, copy);
  return result;
}

function mergeObjects(doc: JsonObject, patch: JsonObject): void {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete doc[key];
      continue;
    }
    const current = getOwn(doc, key);
    setKey(doc, key, current === undefined || current === null ? pruneNulls(value) : mergeValue(current, value));
  }
}

function mergeValue(current: unknown, patch: unknown): unknown {
  if (!isObject(current)) return pruneNulls(patch);
  if (!isObject(patch)) return patch;
  mergeObjects(current, patch);
  return current;
}

/** Drops `null` members of objects, recursively, keeping `null` array elements. Works in place. */
function pruneNulls<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const v of value) pruneNulls(v);
  } else if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (value[key] === null) delete value[key];
      else pruneNulls(value[key]);
    }
  }
  return value;
}
