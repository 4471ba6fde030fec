/**
 * Pruning of custom resources, after apiextensions-apiserver: fields a structural schema does
 * not specify are dropped (and reported, for fieldValidation warnings and Strict errors), except
 * under `x-kubernetes-preserve-unknown-fields`, and except `apiVersion`, `kind` and `metadata`
 * of the root and of every `x-kubernetes-embedded-resource`. Those metadata objects are cut down
 * to ObjectMeta's fields instead, as decoding them into ObjectMeta does upstream.
 */
import { builtinDefinitions } from '../../../../openapi/index.js';
import { validateAgainstSchema } from '../builtin.js';
import { childPath, indexPath, isObject, own } from '../paths.js';
import { META_FIELDS, isEmbedded, itemsOf, mapValuesOf, preservesUnknown, type JSONSchemaProps } from './types.js';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/**
 * Removes unknown fields from `obj` in place and returns their paths in upstream's order: the
 * root metadata's, then the schema's (sorted), then embedded resources' metadata's.
 */
export function pruneUnknownFields(schema: JSONSchemaProps | undefined, obj: unknown): string[] {
  const state: PruneState = { pruned: [], embeddedMeta: [] };
  const rootMeta = isObject(obj) ? pruneMetadata(obj, '') : [];
  prune(obj, { ...schema, 'x-kubernetes-embedded-resource': true }, '', state);
  return [...rootMeta, ...state.pruned.sort(), ...state.embeddedMeta.sort()];
}

/**
 * Whether pruning `value` against `schema` (a non-root node) would drop anything; used to
 * check CRD defaults, which must be pruned already.
 */
export function unknownFieldsOf(schema: JSONSchemaProps, value: unknown, path = ''): string[] {
  const state: PruneState = { pruned: [], embeddedMeta: [] };
  prune(structuredClone(value), schema, path, state);
  return [...state.pruned.sort(), ...state.embeddedMeta.sort()];
}

/**
 * Drops `null` where the schema neither allows it (`nullable`) nor can default it; upstream
 * does this right after pruning, so such nulls read as "absent".
 */
export function pruneNonNullableNulls(schema: JSONSchemaProps | undefined, obj: unknown): void {
  if (Array.isArray(obj)) {
    const items = itemsOf(schema);
    for (const v of obj) pruneNonNullableNulls(items, v);
    return;
  }
  if (!isObject(obj)) return;
  for (const key of Object.keys(obj)) {
    const s = own(schema?.properties, key) ?? mapValuesOf(schema);
    const v = obj[key];
    if (v === null && s !== undefined && s.nullable !== true && s.default === undefined) delete obj[key];
    else pruneNonNullableNulls(s, v);
  }
}

interface PruneState {
  readonly pruned: string[];
  readonly embeddedMeta: string[];
}

function prune(x: unknown, s: JSONSchemaProps | undefined, path: string, state: PruneState): void {
  if (preservesUnknown(s)) return skipPrune(x, s, path, state);
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    x.forEach((v, i) => prune(v, items, indexPath(path, i), state));
    return;
  }
  if (!isObject(x)) return;
  const embedded = isEmbedded(s);
  for (const key of Object.keys(x)) {
    const child = childPath(path, key);
    if (embedded && META_FIELDS.has(key)) {
      if (key === 'metadata' && path !== '' && isObject(x[key])) state.embeddedMeta.push(...pruneMetadata(x, path));
      continue;
    }
    const prop = own(s?.properties, key);
    const values = mapValuesOf(s);
    if (prop !== undefined) prune(x[key], prop, child, state);
    else if (values !== undefined) prune(x[key], values, child, state);
    else if (s?.additionalProperties === true) continue;
    else {
      state.pruned.push(child);
      delete x[key];
    }
  }
}

/** Under preserve-unknown-fields: keep unknown keys, but prune inside the specified ones. */
function skipPrune(x: unknown, s: JSONSchemaProps | undefined, path: string, state: PruneState): void {
  if (s === undefined) return;
  if (Array.isArray(x)) {
    const items = itemsOf(s);
    if (items !== undefined) x.forEach((v, i) => prune(v, items, indexPath(path, i), state));
    return;
  }
  if (!isObject(x)) return;
  const embedded = isEmbedded(s);
  for (const key of Object.keys(x)) {
    if (embedded && META_FIELDS.has(key)) {
      if (key === 'metadata' && path !== '' && isObject(x[key])) state.embeddedMeta.push(...pruneMetadata(x, path));
      continue;
    }
    const prop = own(s.properties, key) ?? mapValuesOf(s);
    if (prop !== undefined) prune(x[key], prop, childPath(path, key), state);
  }
}

/** Cuts `holder.metadata` down to ObjectMeta's fields; returns the dropped paths. */
function pruneMetadata(holder: Record<string, unknown>, path: string): string[] {
  const meta = holder.metadata;
  if (!isObject(meta)) return [];
  const { unknownFields } = validateAgainstSchema(builtinDefinitions().definitions, OBJECT_META, meta, { prune: true });
  const base = childPath(path, 'metadata');
  return unknownFields.map((p) => (p.startsWith('[') ? base + p : childPath(base, p)));
}
