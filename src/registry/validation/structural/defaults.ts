/**
 * Structural defaulting, after apiextensions-apiserver: upstream applies it when a custom
 * resource is decoded from a request and when it is read from storage. A default fills a field
 * that is absent, or `null` where the schema is not `nullable`; an explicit `null` on a nullable
 * field stays. Defaults are deep-copied, and defaulted values are defaulted in turn.
 */
import { cloneJson, isObject, own } from '../paths.js';
import { itemsOf, mapValuesOf, type JSONSchemaProps } from './types.js';

/** Applies the schema's defaults to `obj` in place. */
export function applyDefaults(schema: JSONSchemaProps | undefined, obj: unknown): void {
  if (schema === undefined) return;
  if (Array.isArray(obj)) {
    const items = itemsOf(schema);
    if (items === undefined) return;
    for (let i = 0; i < obj.length; i++) {
      if (isNonNullableNull(obj[i], items)) obj[i] = cloneJson(items.default ?? null);
      applyDefaults(items, obj[i]);
    }
    return;
  }
  if (!isObject(obj)) return;
  const props = schema.properties ?? {};
  for (const key of Object.keys(props)) {
    const prop = props[key]!;
    if (prop.default === undefined) continue;
    if (!Object.hasOwn(obj, key) || isNonNullableNull(obj[key], prop)) obj[key] = cloneJson(prop.default);
  }
  const values = mapValuesOf(schema);
  for (const key of Object.keys(obj)) {
    const prop = own(schema.properties, key);
    if (prop !== undefined) {
      applyDefaults(prop, obj[key]);
    } else if (values !== undefined) {
      if (isNonNullableNull(obj[key], values)) obj[key] = cloneJson(values.default ?? null);
      applyDefaults(values, obj[key]);
    }
  }
}

function isNonNullableNull(v: unknown, s: JSONSchemaProps): boolean {
  return v === null && s.nullable !== true;
}
