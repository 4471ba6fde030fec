/**
 * Rejection of CRD schemas that are not structural, after apiextensions-apiserver's
 * `ValidateStructural` and the schema checks of CRD validation: a `type` at every specified
 * level (unless int-or-string or preserve-unknown-fields), `items` for arrays, no
 * `additionalProperties` beside `properties` or at the root, only `name`/`generateName` under
 * root `metadata`, nothing but value validations inside allOf/anyOf/oneOf/not, and properties
 * named there also specified in the structural part. Defaults must validate and be pruned.
 *
 * Paths are relative to `basePath` (`spec.versions[0].schema.openAPIV3Schema` for a v1 CRD) and
 * name schema nodes as upstream does: `properties[spec].properties[replicas].type`.
 */
import { re2SyntaxError } from '../../../api/re2.js';
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import { childPath, indexPath, isObject, jsonEqual, keyPath, own } from '../paths.js';
import { unknownFieldsOf } from './prune.js';
import { isEmbedded, isIntOrString, itemsOf, mapValuesOf, preservesUnknown, type JSONSchemaProps } from './types.js';
import { validateValue } from './validate.js';

type Level = 'root' | 'item' | 'field';

const EMPTY_TYPE: Readonly<Record<Level, string>> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;
const TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];

/** Every reason `schema` is not an acceptable structural schema, sorted as upstream sorts them. */
export function checkStructural(schema: unknown, basePath = ''): FieldError[] {
  if (!isObject(schema)) return [fieldErrors.required(basePath, 'a schema object')];
  const errs: FieldError[] = [];
  const s = schema as JSONSchemaProps;
  invariants(s, 'root', basePath, errs);
  completeness(s, basePath, errs);
  if (errs.length === 0) defaults(s, basePath, true, false, errs);
  return errs.sort((a, b) => cmp(`${a.field}: ${a.detail}`, `${b.field}: ${b.detail}`));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const prop = (path: string, key: string): string => keyPath(childPath(path, 'properties'), key);

function invariants(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  const type = typeof s.type === 'string' ? s.type : '';
  if (type !== '' && !TYPES.includes(type)) errs.push(fieldErrors.notSupported(childPath(path, 'type'), type, TYPES));
  generic(s, lvl, path, errs);
  if (Array.isArray(s.items)) errs.push(fieldErrors.forbidden(childPath(path, 'items'), 'items must be a schema object and not an array'));
  else if (type === 'array' && s.items === undefined) errs.push(fieldErrors.required(childPath(path, 'items'), 'must be specified'));
  const items = itemsOf(s);
  if (items !== undefined) invariants(items, 'item', childPath(path, 'items'), errs);
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    if (isObject(sub)) invariants(sub, 'field', prop(path, key), errs);
  }
  extensions(s, type, path, errs);
  listType(s, type, path, errs);
  valueValidation(s, path, errs);

  if (isEmbedded(s) && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    errs.push(type === '' ? fieldErrors.required(childPath(path, 'type'), detail) : fieldErrors.invalid(childPath(path, 'type'), type, detail));
  } else if (type === '' && !isIntOrString(s) && !preservesUnknown(s)) {
    errs.push(fieldErrors.required(childPath(path, 'type'), EMPTY_TYPE[lvl]));
  }
  if (lvl === 'root' && type !== '' && type !== 'object') errs.push(fieldErrors.invalid(childPath(path, 'type'), type, 'must be object at the root'));
  if (lvl === 'root' || isEmbedded(s)) metaFields(s, lvl, path, errs);
  if (isEmbedded(s) && !preservesUnknown(s) && Object.keys(s.properties ?? {}).length === 0) {
    errs.push(fieldErrors.required(childPath(path, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
}

function generic(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  const apPath = childPath(path, 'additionalProperties');
  if (s.$ref !== undefined) errs.push(fieldErrors.forbidden(childPath(path, '$ref'), '$ref is not supported'));
  if (s.uniqueItems === true) {
    errs.push(fieldErrors.forbidden(childPath(path, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  }
  if (s.additionalProperties === undefined) return;
  if (s.additionalProperties === false) errs.push(fieldErrors.forbidden(apPath, 'additionalProperties cannot be set to false'));
  if (Object.keys(s.properties ?? {}).length > 0) errs.push(fieldErrors.forbidden(apPath, 'additionalProperties and properties are mutual exclusive'));
  if (lvl === 'root') errs.push(fieldErrors.forbidden(apPath, 'must not be used at the root'));
  if (isEmbedded(s)) errs.push(fieldErrors.forbidden(apPath, 'must not be used if x-kubernetes-embedded-resource is set'));
  const values = mapValuesOf(s);
  if (values !== undefined) invariants(values, 'field', apPath, errs);
}

function extensions(s: JSONSchemaProps, type: string, path: string, errs: FieldError[]): void {
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve === false) errs.push(fieldErrors.invalid(childPath(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (isIntOrString(s)) {
    if (preserve === true) errs.push(fieldErrors.invalid(childPath(path, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
    if (isEmbedded(s)) errs.push(fieldErrors.invalid(childPath(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
    if (type !== '') errs.push(fieldErrors.invalid(childPath(path, 'type'), type, 'must be empty if x-kubernetes-int-or-string is true'));
  }
  if (typeof s.pattern === 'string' && !compiles(s.pattern)) {
    errs.push(fieldErrors.invalid(childPath(path, 'pattern'), s.pattern, "must be a valid regular expression, but isn't"));
  }
}

function listType(s: JSONSchemaProps, type: string, path: string, errs: FieldError[]): void {
  const lt = s['x-kubernetes-list-type'];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const ltPath = childPath(path, 'x-kubernetes-list-type');
  const keysPath = childPath(path, 'x-kubernetes-list-map-keys');
  if (keys.length > 0 && lt !== 'map') errs.push(fieldErrors.forbidden(keysPath, 'must be empty if x-kubernetes-list-type is not map'));
  if (lt === undefined) return;
  if (lt !== 'atomic' && lt !== 'set' && lt !== 'map') return void errs.push(fieldErrors.notSupported(ltPath, lt, ['atomic', 'set', 'map']));
  if (type !== 'array') return void errs.push(fieldErrors.invalid(ltPath, lt, 'must only be used if type is array'));
  const items = itemsOf(s);
  if (lt === 'set' && items !== undefined) {
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic') {
      errs.push(fieldErrors.invalid(childPath(childPath(path, 'items'), 'x-kubernetes-map-type'), items['x-kubernetes-map-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
    if (items.type === 'array' && (items['x-kubernetes-list-type'] ?? 'atomic') !== 'atomic') {
      errs.push(fieldErrors.invalid(childPath(childPath(path, 'items'), 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    }
  }
  if (lt !== 'map') return;
  if (keys.length === 0) errs.push(fieldErrors.required(keysPath, 'must not be empty if x-kubernetes-list-type is map'));
  if (items === undefined) return;
  if (items.type !== 'object') {
    return void errs.push(fieldErrors.invalid(childPath(childPath(path, 'items'), 'type'), items.type ?? '', 'must be object if parent array\'s x-kubernetes-list-type is map'));
  }
  for (const key of keys) {
    const ks = own(items.properties, key);
    if (ks === undefined) errs.push(fieldErrors.invalid(keysPath, keys, 'entries must all be names of item properties'));
    else if (ks.type === 'object' || ks.type === 'array') errs.push(fieldErrors.invalid(keysPath, keys, 'must only include scalar properties'));
    else if (!(items.required ?? []).includes(key) && ks.default === undefined) {
      errs.push(fieldErrors.invalid(keysPath, keys, 'all entries must be required or have a default value'));
    }
  }
}

/** apiVersion and kind must be strings, and root metadata may only restrict name and generateName. */
function metaFields(s: JSONSchemaProps, lvl: Level, path: string, errs: FieldError[]): void {
  for (const key of ['kind', 'apiVersion']) {
    const p = own(s.properties, key);
    if (p !== undefined && p.type !== 'string') errs.push(fieldErrors.invalid(childPath(prop(path, key), 'type'), p.type ?? '', 'must be string'));
  }
  const meta = own(s.properties, 'metadata');
  if (meta === undefined) return;
  if (meta.type !== 'object') errs.push(fieldErrors.invalid(childPath(prop(path, 'metadata'), 'type'), meta.type ?? '', 'must be object'));
  if (lvl !== 'root') return;
  const { type: _t, default: _d, properties, ...rest } = meta;
  const extra = Object.keys(properties ?? {}).filter((k) => k !== 'name' && k !== 'generateName');
  if (extra.length > 0 || Object.keys(rest).some((k) => k !== 'description')) {
    errs.push(fieldErrors.forbidden(prop(path, 'metadata'), 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
}

const INT_OR_STRING_ANY_OF: JSONSchemaProps[] = [{ type: 'integer' }, { type: 'string' }];

/** Value validations at this node; the int-or-string anyOf patterns are the allowed exceptions. */
function valueValidation(s: JSONSchemaProps, path: string, errs: FieldError[], skipAnyOf = isIntOrStringAnyOf(s)): void {
  const skipFirstAllOfAnyOf = Array.isArray(s.allOf) && s.allOf[0] !== undefined && isIntOrStringAnyOf(s.allOf[0]);
  for (const junctor of JUNCTORS) {
    if (junctor === 'anyOf' && skipAnyOf) continue;
    (s[junctor] ?? []).forEach((sub, i) =>
      nested(sub, indexPath(childPath(path, junctor), i), errs, junctor === 'allOf' && i === 0 && skipFirstAllOfAnyOf),
    );
  }
  if (isObject(s.not)) nested(s.not, childPath(path, 'not'), errs, false);
}

function isIntOrStringAnyOf(s: JSONSchemaProps): boolean {
  return Array.isArray(s.anyOf) && jsonEqual(s.anyOf, INT_OR_STRING_ANY_OF);
}

const FORBIDDEN_NESTED: readonly [keyof JSONSchemaProps, string][] = [
  ['type', 'must be empty to be structural'],
  ['additionalProperties', 'must be undefined to be structural'],
  ['default', 'must be undefined to be structural'],
  ['title', 'must be empty to be structural'],
  ['description', 'must be empty to be structural'],
  ['nullable', 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', 'must be false to be structural'],
  ['x-kubernetes-int-or-string', 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', 'must be empty to be structural'],
  ['x-kubernetes-list-type', 'must be undefined to be structural'],
  ['x-kubernetes-map-type', 'must be undefined to be structural'],
];

/** A schema under a junctor: value validations only, never about metadata. */
function nested(v: JSONSchemaProps, path: string, errs: FieldError[], skipAnyOf: boolean): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return;
  valueValidation(v, path, errs, skipAnyOf);
  const items = itemsOf(v);
  if (items !== undefined) nested(items, childPath(path, 'items'), errs, false);
  for (const [key, sub] of Object.entries(v.properties ?? {})) nested(sub, prop(path, key), errs, false);
  for (const [key, detail] of FORBIDDEN_NESTED) {
    const x = v[key];
    const empty = x === undefined || x === false || x === '' || (Array.isArray(x) && x.length === 0);
    if (!empty) errs.push(fieldErrors.forbidden(childPath(path, key), detail));
  }
  if (own(v.properties, 'metadata') !== undefined) errs.push(fieldErrors.forbidden(prop(path, 'metadata'), 'must not be specified in a nested context'));
}

/** Properties and items named inside junctors must exist in the structural part too. */
function completeness(s: JSONSchemaProps, path: string, errs: FieldError[]): void {
  const items = itemsOf(s);
  if (items !== undefined) completeness(items, childPath(path, 'items'), errs);
  for (const [key, sub] of Object.entries(s.properties ?? {})) if (isObject(sub)) completeness(sub, prop(path, key), errs);
  const values = mapValuesOf(s);
  if (values !== undefined) completeness(values, childPath(path, 'additionalProperties'), errs);
  junctorCompleteness(s, s, path, path, errs);
}

function junctorCompleteness(v: JSONSchemaProps, s: JSONSchemaProps, sPath: string, vPath: string, errs: FieldError[]): void {
  for (const junctor of JUNCTORS) {
    (v[junctor] ?? []).forEach((sub, i) => nestedCompleteness(sub, s, sPath, indexPath(childPath(vPath, junctor), i), errs));
  }
  if (isObject(v.not)) nestedCompleteness(v.not, s, sPath, childPath(vPath, 'not'), errs);
}

function nestedCompleteness(v: JSONSchemaProps, s: JSONSchemaProps | undefined, sPath: string, vPath: string, errs: FieldError[]): void {
  if (!isObject(v)) return;
  if (s === undefined) return void errs.push(fieldErrors.required(sPath, `because it is defined in ${vPath}`));
  junctorCompleteness(v, s, sPath, vPath, errs);
  const vItems = itemsOf(v);
  if (vItems !== undefined) nestedCompleteness(vItems, itemsOf(s), childPath(sPath, 'items'), childPath(vPath, 'items'), errs);
  for (const [key, sub] of Object.entries(v.properties ?? {})) {
    const target = own(s.properties, key) ?? mapValuesOf(s);
    const targetPath = own(s.properties, key) !== undefined ? prop(sPath, key) : childPath(sPath, 'additionalProperties');
    if (target === undefined) errs.push(fieldErrors.required(prop(sPath, key), `because it is defined in ${prop(vPath, key)}`));
    else nestedCompleteness(sub, target, targetPath, prop(vPath, key), errs);
  }
}

/** Each default must validate against its schema and survive pruning; none under metadata. */
function defaults(s: JSONSchemaProps, path: string, root: boolean, underMeta: boolean, errs: FieldError[]): void {
  if (s.default !== undefined) {
    const dPath = childPath(path, 'default');
    if (underMeta) errs.push(fieldErrors.forbidden(dPath, 'must not be set inside metadata'));
    else {
      const found: FieldError[] = [];
      validateValue(s, s.default, '', found);
      for (const e of found) errs.push({ type: e.type, field: dPath, detail: e.detail });
      if (unknownFieldsOf(s, s.default).length > 0) errs.push(fieldErrors.invalid(dPath, s.default, 'must not have unknown fields'));
    }
  }
  const items = itemsOf(s);
  if (items !== undefined) defaults(items, childPath(path, 'items'), false, underMeta, errs);
  const values = mapValuesOf(s);
  if (values !== undefined) defaults(values, childPath(path, 'additionalProperties'), false, underMeta, errs);
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    const meta = underMeta || ((root || isEmbedded(s)) && key === 'metadata');
    if (isObject(sub)) defaults(sub, prop(path, key), false, meta, errs);
  }
}

/** Whether the pattern is RE2 syntax, as Go's regexp compiles patterns upstream. */
function compiles(pattern: string): boolean {
  return re2SyntaxError(pattern) === undefined;
}
