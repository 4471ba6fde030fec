/**
 * core/v1 ConfigMaps and Secrets: valid keys, the 1 MiB size limit, `immutable`, a Secret's
 * fixed type and the keys each well-known type requires, and `stringData` folded into `data`
 * as the v1 conversion does (it is never stored).
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { byteLength, regexError } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { goJsonSyntaxError } from '../../api/go-json-errors.js';
import { kindOf } from '../../api/patch/json-value.js';
import { ageColumn, countOf, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { immutable } from './checks.js';
import { column, define, kindStrategy, rec, str } from './helpers.js';
import { isDeepStrictEqual } from 'node:util';

/** MaxSecretSize, which ConfigMaps share. */
export const MAX_DATA_SIZE = 1024 * 1024;
const KEY_FMT = '[-._a-zA-Z0-9]+';
const KEY_RE = new RegExp(`^${KEY_FMT}$`);

/** IsConfigMapKey: ConfigMap and Secret keys become file names, so no `/` and no `..` prefix. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (byteLength(key) > 253) errs.push('must be no more than 253 characters');
  if (!KEY_RE.test(key)) {
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", KEY_FMT, 'key.name', 'KEY_NAME', 'key-name'));
  }
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

const base64Length = (v: unknown): number => Buffer.from(str(v), 'base64').length;

function keyErrors(bag: string, data: unknown): FieldError[] {
  return Object.keys(rec(data) ?? {}).flatMap((k) => configKeyErrors(k).map((m) => fieldErrors.invalid(`${bag}[${k}]`, k, m)));
}

const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

/** Forbidden changes once `immutable: true` was stored. */
function immutableContent(o: KubeObject, old: KubeObject, bags: readonly string[]): FieldError[] {
  if (old['immutable'] !== true) return [];
  const errs: FieldError[] = [];
  if (o['immutable'] !== true) errs.push(fieldErrors.forbidden('immutable', IMMUTABLE_SET));
  for (const bag of bags) if (!isDeepStrictEqual(o[bag] ?? null, old[bag] ?? null)) errs.push(fieldErrors.forbidden(bag, IMMUTABLE_SET));
  return errs;
}

function validateConfigMap(o: KubeObject): FieldError[] {
  const errs = keyErrors('data', o['data']);
  const binary = rec(o['binaryData']) ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(rec(o['data']) ?? {})) {
    if (Object.hasOwn(binary, k)) errs.push(fieldErrors.invalid(`data[${k}]`, k, 'duplicate of key present in binaryData'));
    size += byteLength(str(v));
  }
  errs.push(...keyErrors('binaryData', binary));
  for (const v of Object.values(binary)) size += base64Length(v);
  if (size > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong('', MAX_DATA_SIZE));
  return errs;
}

export const configmaps: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  shortNames: ['cm'],
  namespaced: true,
  columns: [
    nameColumn,
    column('Data', (o) => countOf('data')(o) + countOf('binaryData')(o), { description: 'Data contains the configuration data.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    validate: validateConfigMap,
    validateUpdate: (o, old) => immutableContent(o, old, ['data', 'binaryData']),
  }),
});

/**
 * Why bytes are no JSON object, in Go's encoding/json words (upstream unmarshals the docker
 * config into a map), or undefined when they are one (`null` decodes into a nil map, also fine).
 * `text` holds one character per byte (latin1), as Go reports positions in bytes.
 */
export function dockerConfigJSONError(text: string): string | undefined {
  const syntax = goJsonSyntaxError(text);
  if (syntax !== undefined) return syntax;
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || (typeof parsed === 'object' && !Array.isArray(parsed))) return undefined;
  return `json: cannot unmarshal ${kindOf(parsed)} into Go value of type map[string]interface {}`;
}

/** The docker config key must decode to a JSON object; the contents never appear in the error. */
function dockerConfigErrors(key: string, value: unknown): FieldError[] {
  const why = dockerConfigJSONError(Buffer.from(str(value), 'base64').toString('latin1'));
  return why === undefined ? [] : [fieldErrors.invalid(`data[${key}]`, '<secret contents redacted>', why)];
}

/** Keys each well-known Secret type must carry. */
function typeErrors(o: KubeObject): FieldError[] {
  const data = rec(o['data']) ?? {};
  const has = (k: string): boolean => Object.hasOwn(data, k);
  const need = (...keys: string[]): FieldError[] => keys.filter((k) => !has(k)).map((k) => fieldErrors.required(`data[${k}]`));
  switch (o['type']) {
    case 'kubernetes.io/service-account-token':
      return str(o.metadata.annotations?.['kubernetes.io/service-account.name']) === ''
        ? [fieldErrors.required('metadata.annotations[kubernetes.io/service-account.name]')]
        : [];
    case 'kubernetes.io/dockercfg':
      return has('.dockercfg') ? dockerConfigErrors('.dockercfg', data['.dockercfg']) : need('.dockercfg');
    case 'kubernetes.io/dockerconfigjson':
      return has('.dockerconfigjson') ? dockerConfigErrors('.dockerconfigjson', data['.dockerconfigjson']) : need('.dockerconfigjson');
    case 'kubernetes.io/basic-auth':
      return has('username') || has('password') ? [] : need('username', 'password');
    case 'kubernetes.io/ssh-auth':
      return base64Length(data['ssh-privatekey']) > 0 ? [] : [fieldErrors.required('data[ssh-privatekey]')];
    case 'kubernetes.io/tls':
      return need('tls.crt', 'tls.key');
    default:
      return [];
  }
}

function validateSecret(o: KubeObject): FieldError[] {
  const errs = keyErrors('data', o['data']);
  const size = Object.values(rec(o['data']) ?? {}).reduce<number>((n, v) => n + base64Length(v), 0);
  if (size > MAX_DATA_SIZE) errs.push(fieldErrors.tooLong('data', MAX_DATA_SIZE));
  return [...errs, ...typeErrors(o)];
}

/** Type defaults to Opaque; `stringData` overwrites `data` entries and is dropped. */
function defaultSecret(o: KubeObject): void {
  if (o['type'] === undefined || o['type'] === null || o['type'] === '') o['type'] = 'Opaque';
  const stringData = rec(o['stringData']);
  if (stringData !== undefined && Object.keys(stringData).length > 0) {
    const data = rec(o['data']) ?? {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
    o['data'] = data;
  }
  delete o['stringData'];
}

export const secrets: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
  columns: [
    nameColumn,
    column('Type', (o) => o['type'], { description: 'Used to facilitate programmatic handling of secret data.' }),
    column('Data', countOf('data'), { description: 'Data contains the secret data.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    defaults: defaultSecret,
    validate: validateSecret,
    validateUpdate: (o, old) => [...immutable('type', o['type'], old['type']), ...immutableContent(o, old, ['data'])],
    selectableFields: (o) => ({ type: str(o['type']) }),
  }),
});
