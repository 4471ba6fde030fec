/**
 * Validation of custom resources against their structural schema, with upstream's field paths
 * (`spec.items[0].name`), cause types and wording (kube-openapi's messages as
 * apiextensions-apiserver converts them). For custom resources a wrong type is a 422 Invalid
 * with `FieldValueTypeInvalid`, unlike built-ins, whose decoder answers 400.
 *
 * Like kube-openapi, each check applies according to the value's actual JSON kind, so a type
 * mismatch is reported once and unrelated checks stay quiet. Not covered: CEL rules
 * (`x-kubernetes-validations`) and the ObjectMeta of embedded resources.
 */
import { re2SyntaxError, re2Test } from '../../../api/re2.js';
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import { canonicalJson, childPath, indexPath, isObject, jsonEqual, jsonType, own, runeCount } from '../paths.js';
import { checkFormat } from './formats.js';
import { validateListType } from './list-types.js';
import { isEmbedded, isIntOrString, itemsOf, mapValuesOf, type JSONSchemaProps } from './types.js';

export interface CustomResourceIdentity {
  readonly group: string;
  readonly kind: string;
  /** When given, `apiVersion` must be exactly `group/version`. */
  readonly version?: string;
  /** Not checked here (ObjectMeta is the strategy's); carried for the caller's `invalid()`. */
  readonly name?: string;
}

/** Every problem of `obj`; TypeMeta mismatches alone when there are any (upstream stops there). */
export function validateCustomResource(schema: JSONSchemaProps | undefined, obj: unknown, id: CustomResourceIdentity): FieldError[] {
  const typeMeta = checkTypeMeta(obj, id);
  if (typeMeta.length > 0) return typeMeta;
  const errs: FieldError[] = [];
  if (schema !== undefined) validateValue(schema, obj, '', errs);
  return errs;
}

function checkTypeMeta(obj: unknown, id: CustomResourceIdentity): FieldError[] {
  const errs: FieldError[] = [];
  const o = isObject(obj) ? obj : {};
  if (o.kind !== id.kind) errs.push(fieldErrors.invalid('kind', o.kind ?? '', `must be ${id.kind}`));
  if (id.version !== undefined) {
    const want = `${id.group}/${id.version}`;
    if (o.apiVersion !== want) errs.push(fieldErrors.invalid('apiVersion', o.apiVersion ?? '', `must be ${want}`));
  }
  return errs;
}

/** Validates `value` at `path` against `s`, appending to `errs`. */
export function validateValue(s: JSONSchemaProps, value: unknown, path: string, errs: FieldError[]): void {
  const actual = jsonType(value);
  const types = isIntOrString(s) ? ['integer', 'string'] : typeof s.type === 'string' && s.type !== '' ? [s.type] : [];
  if (actual === 'null') {
    if (types.length > 0 && s.nullable !== true) errs.push(typeError(path, types, actual));
    checkEnum(s, value, path, errs);
    return;
  }
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    errs.push(typeError(path, types, actual));
  }
  if (typeof value === 'string') checkString(s, value, path, errs);
  else if (typeof value === 'number') checkNumber(s, value, path, errs);
  else if (Array.isArray(value)) checkArray(s, value, path, errs);
  else if (isObject(value)) checkObject(s, value, path, errs);
  checkEnum(s, value, path, errs);
  checkComposition(s, value, path, errs);
}

const typeError = (path: string, types: readonly string[], actual: string): FieldError =>
  fieldErrors.typeInvalid(path, actual, `${path} in body must be of type ${types.join(',')}: ${JSON.stringify(actual)}`);

const tooMany = (path: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field: path,
  detail: `Too many: ${actual}: must have at most ${max} items`,
});

function checkString(s: JSONSchemaProps, v: string, path: string, errs: FieldError[]): void {
  const length = s.maxLength !== undefined || s.minLength !== undefined ? runeCount(v) : 0;
  if (s.maxLength !== undefined && length > s.maxLength) errs.push(fieldErrors.tooLong(path, s.maxLength));
  if (s.minLength !== undefined && length < s.minLength) {
    errs.push(fieldErrors.invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
  }
  if (typeof s.pattern === 'string') {
    // RE2, as Go's regexp upstream: linear in the input; an unusable pattern is skipped.
    if (re2SyntaxError(s.pattern) === undefined && !re2Test(s.pattern, v)) errs.push(fieldErrors.invalid(path, v, `${path} in body should match '${s.pattern}'`));
  }
  if (typeof s.format === 'string' && !checkFormat(s.format, v)) {
    errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type ${s.format}: ${JSON.stringify(v)}`));
  }
}

function checkNumber(s: JSONSchemaProps, v: number, path: string, errs: FieldError[]): void {
  if (typeof s.maximum === 'number' && (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum)) {
    const how = s.exclusiveMaximum === true ? 'less than' : 'less than or equal to';
    errs.push(fieldErrors.invalid(path, v, `${path} in body should be ${how} ${s.maximum}`));
  }
  if (typeof s.minimum === 'number' && (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum)) {
    const how = s.exclusiveMinimum === true ? 'greater than' : 'greater than or equal to';
    errs.push(fieldErrors.invalid(path, v, `${path} in body should be ${how} ${s.minimum}`));
  }
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !Number.isInteger(v / s.multipleOf)) {
    errs.push(fieldErrors.invalid(path, v, `${path} in body should be a multiple of ${s.multipleOf}`));
  }
}

function checkArray(s: JSONSchemaProps, v: unknown[], path: string, errs: FieldError[]): void {
  const items = itemsOf(s);
  if (items !== undefined) v.forEach((item, i) => validateValue(items, item, indexPath(path, i), errs));
  if (s.minItems !== undefined && v.length < s.minItems) {
    errs.push(fieldErrors.invalid(path, v.length, `${path} in body should have at least ${s.minItems} items`));
  }
  if (s.maxItems !== undefined && v.length > s.maxItems) errs.push(tooMany(path, v.length, s.maxItems));
  if (s.uniqueItems === true && new Set(v.map(canonicalJson)).size !== v.length) {
    errs.push(fieldErrors.invalid(path, v, `${path} in body shouldn't contain duplicates`));
  }
  validateListType(s, v, path, errs);
}

function checkObject(s: JSONSchemaProps, v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const count = Object.keys(v).length;
  if (s.minProperties !== undefined && count < s.minProperties) {
    errs.push(fieldErrors.invalid(path, count, `${path} in body should have at least ${s.minProperties} properties`));
    return;
  }
  if (s.maxProperties !== undefined && count > s.maxProperties) {
    errs.push(tooMany(path, count, s.maxProperties));
    return;
  }
  const values = mapValuesOf(s);
  for (const key of Object.keys(v)) {
    const prop = own(s.properties, key) ?? values;
    if (prop !== undefined) validateValue(prop, v[key], childPath(path, key), errs);
  }
  for (const key of s.required ?? []) {
    if (!Object.hasOwn(v, key)) errs.push(fieldErrors.required(childPath(path, key)));
  }
  if (isEmbedded(s)) checkEmbedded(v, path, errs);
}

/** An embedded resource needs a usable apiVersion and kind (upstream's objectmeta validation). */
function checkEmbedded(v: Record<string, unknown>, path: string, errs: FieldError[]): void {
  const apiVersionPath = childPath(path, 'apiVersion');
  const kindPath = childPath(path, 'kind');
  if (!Object.hasOwn(v, 'apiVersion')) errs.push(fieldErrors.required(apiVersionPath, 'must not be empty'));
  else if (typeof v.apiVersion !== 'string') errs.push(fieldErrors.invalid(apiVersionPath, v.apiVersion, 'must be a string'));
  else if (v.apiVersion === '') errs.push(fieldErrors.invalid(apiVersionPath, '', 'must not be empty'));
  else if (v.apiVersion.split('/').length > 2) {
    errs.push(fieldErrors.invalid(apiVersionPath, v.apiVersion, `unexpected GroupVersion string: ${v.apiVersion}`));
  }
  if (!Object.hasOwn(v, 'kind')) errs.push(fieldErrors.required(kindPath, 'must not be empty'));
  else if (typeof v.kind !== 'string') errs.push(fieldErrors.invalid(kindPath, v.kind, 'must be a string'));
  else if (v.kind === '') errs.push(fieldErrors.invalid(kindPath, '', 'must not be empty'));
  else if (v.kind.length > 63 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v.kind.toLowerCase())) {
    errs.push(fieldErrors.invalid(kindPath, v.kind, "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"));
  }
}

function checkEnum(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  if (!Array.isArray(s.enum) || s.enum.length === 0) return;
  if (s.enum.some((e) => jsonEqual(e, v))) return;
  const supported = s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
  errs.push(fieldErrors.notSupported(path, v, supported));
}

/**
 * allOf, anyOf, oneOf and not. Upstream reports their failure as a pathless error (field
 * `<nil>`, value `""`), followed by the failures of the closest sub-schema.
 */
function checkComposition(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[]): void {
  const run = (sub: JSONSchemaProps): FieldError[] => {
    const out: FieldError[] = [];
    validateValue(sub, v, path, out);
    return out;
  };
  const composite = (what: string): FieldError => fieldErrors.invalid('<nil>', '', `${JSON.stringify(path)} ${what}`);
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const failures = s.allOf.map(run).filter((r) => r.length > 0);
    if (failures.length > 0) errs.push(composite('must validate all the schemas (allOf)'), ...failures.flat());
  }
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) {
    const results = s.anyOf.map(run);
    if (!results.some((r) => r.length === 0)) errs.push(composite('must validate at least one schema (anyOf)'), ...closest(results));
  }
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) {
    const results = s.oneOf.map(run);
    const passed = results.filter((r) => r.length === 0).length;
    if (passed !== 1) errs.push(composite('must validate one and only one schema (oneOf)'), ...(passed === 0 ? closest(results) : []));
  }
  if (isObject(s.not) && run(s.not).length === 0) errs.push(composite('must not validate the schema (not)'));
}

function closest(results: readonly FieldError[][]): FieldError[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

