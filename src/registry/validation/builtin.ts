/**
 * Decoding checks for built-in kinds, walking the object along our OpenAPI v2 definitions the way
 * kube-apiserver's typed JSON decoder (sigs.k8s.io/json into Go structs) walks it:
 *
 * - a value of the wrong JSON type is a decode error, which upstream answers with 400 BadRequest
 *   (`Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string
 *   into Go struct field DeploymentSpec.spec.replicas of type int32`), not a 422;
 * - a key that is not a field of the struct is an unknown field, reported by path as the strict
 *   decoder does (`spec.template.spec.containers[0].foo`); the typed decoder drops it, so the
 *   caller may ask us to prune it too;
 * - `null` is accepted anywhere (Go leaves the zero value), maps and free-form values
 *   (RawExtension, FieldsV1, apiextensions JSON) are never searched for unknown fields, and
 *   required fields are validation's business, not the decoder's.
 */
import type { Definitions, Schema } from '../../../openapi/types.js';
import { badRequest, type FieldError, type StatusError } from '../../api/errors.js';
import { cannotBeHandled } from './field-validation.js';
import { goQuote, isObject, own } from './paths.js';

export interface SchemaCheckResult {
  /** Decode errors (`FieldValueTypeInvalid`, detail in Go's wording); any of them makes the request a 400. */
  readonly errors: FieldError[];
  /** Paths of unknown fields, in document order. */
  readonly unknownFields: string[];
}

export interface SchemaCheckOptions {
  /** Delete unknown fields from `obj` in place, as the typed decoder drops them. */
  readonly prune?: boolean;
}

/** Checks `obj` against the definition `rootDefinitionName` (e.g. `io.k8s.api.apps.v1.Deployment`). */
export function validateAgainstSchema(
  definitions: Readonly<Definitions>,
  rootDefinitionName: string,
  obj: unknown,
  opts: SchemaCheckOptions = {},
): SchemaCheckResult {
  const walker = new Walker(definitions, opts.prune ?? false);
  if (own(definitions, rootDefinitionName) !== undefined) walker.visit(rootSchema(definitions, rootDefinitionName), obj);
  return { errors: walker.errors, unknownFields: walker.unknown };
}

/** The 400 upstream answers for a body that does not decode: the first error, in its words. */
export function decodeError(gvk: { readonly version: string; readonly kind: string }, errors: readonly FieldError[]): StatusError {
  return badRequest(cannotBeHandled(gvk, errors[0]?.detail ?? 'invalid object'));
}

/** What the decoder does with one schema, computed once per schema object. */
type Node =
  | { readonly kind: 'struct'; readonly goType: string; readonly struct: string; readonly fields: Readonly<Record<string, Schema>> }
  | { readonly kind: 'map'; readonly goType: string; readonly value: Schema }
  | { readonly kind: 'list'; readonly goType: string; readonly item: Schema }
  | { readonly kind: 'scalar'; readonly goType: string; readonly check: ScalarCheck }
  | { readonly kind: 'any' };

type ScalarCheck = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'float' | 'intOrString' | 'quantity' | 'time';

const REF = '#/definitions/';
const MAX_ERRORS = 100;
const INT32 = 2 ** 31;
const INT64 = 2 ** 63;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const QUANTITY_MESSAGE = `quantities must match the regular expression '${QUANTITY.source}'`;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const BASE64_CHAR = /[A-Za-z0-9+/]/;

const nodeCache = new WeakMap<Readonly<Definitions>, WeakMap<Schema, Node>>();
/** One `$ref` schema per root definition, so the walker's node cache knows the root too. */
const rootCache = new WeakMap<Readonly<Definitions>, Map<string, Schema>>();

function rootSchema(definitions: Readonly<Definitions>, name: string): Schema {
  let roots = rootCache.get(definitions);
  if (roots === undefined) rootCache.set(definitions, (roots = new Map()));
  let schema = roots.get(name);
  if (schema === undefined) roots.set(name, (schema = { $ref: REF + name }));
  return schema;
}

class Walker {
  readonly errors: FieldError[] = [];
  readonly unknown: string[] = [];
  /** Strict path segments (`spec`, `.template`, `[0]`), joined only when something is reported. */
  readonly #path: string[] = [];
  /** Go's error context: the JSON names of struct fields from the root, and the innermost struct. */
  readonly #goFields: string[] = [];
  #goStruct = '';
  readonly #nodes: WeakMap<Schema, Node>;
  readonly definitions: Readonly<Definitions>;
  readonly prune: boolean;

  constructor(definitions: Readonly<Definitions>, prune: boolean) {
    this.definitions = definitions;
    this.prune = prune;
    let nodes = nodeCache.get(definitions);
    if (!nodes) nodeCache.set(definitions, (nodes = new WeakMap()));
    this.#nodes = nodes;
  }

  visit(schema: Schema, value: unknown): void {
    if (value === null || value === undefined) return;
    const node = this.#node(schema);
    switch (node.kind) {
      case 'any':
        return;
      case 'struct':
        if (!isObject(value)) return this.#typeError(value, node.goType);
        return this.#struct(node.struct, node.fields, value);
      case 'map':
        if (!isObject(value)) return this.#typeError(value, node.goType);
        for (const key of Object.keys(value)) {
          this.#path.push(this.#path.length === 0 ? key : `.${key}`);
          this.visit(node.value, value[key]);
          this.#path.pop();
        }
        return;
      case 'list':
        if (!Array.isArray(value)) return this.#typeError(value, node.goType);
        for (let i = 0; i < value.length; i++) {
          this.#path.push(`[${i}]`);
          this.visit(node.item, value[i]);
          this.#path.pop();
        }
        return;
      case 'scalar':
        return this.#scalar(node.check, node.goType, value);
    }
  }

  #struct(struct: string, fields: Readonly<Record<string, Schema>>, value: Record<string, unknown>): void {
    const outer = this.#goStruct;
    for (const key of Object.keys(value)) {
      const field = own(fields, key);
      this.#path.push(this.#path.length === 0 ? key : `.${key}`);
      if (field === undefined) {
        this.unknown.push(this.#path.join(''));
        if (this.prune) delete value[key];
      } else {
        this.#goStruct = struct;
        this.#goFields.push(key);
        this.visit(field, value[key]);
        this.#goFields.pop();
        this.#goStruct = outer;
      }
      this.#path.pop();
    }
  }

  #scalar(check: ScalarCheck, goType: string, v: unknown): void {
    switch (check) {
      case 'string':
        return typeof v === 'string' ? undefined : this.#typeError(v, goType);
      case 'bool':
        return typeof v === 'boolean' ? undefined : this.#typeError(v, goType);
      case 'float':
        return typeof v === 'number' ? undefined : this.#typeError(v, goType);
      case 'int32':
      case 'int64':
      case 'intOrString':
        if (check === 'intOrString' && typeof v === 'string') return;
        if (typeof v !== 'number') return this.#typeError(v, goType);
        if (!Number.isInteger(v) || Math.abs(v + (v < 0 ? 0 : 1)) > (check === 'int64' ? INT64 : INT32)) {
          return this.#typeError(v, goType, `number ${String(v)}`);
        }
        return;
      case 'bytes':
        if (typeof v !== 'string') return this.#typeError(v, goType);
        return this.#base64(v);
      case 'quantity':
        if (typeof v === 'number' || (typeof v === 'string' && QUANTITY.test(v.trim()))) return;
        return this.#report(QUANTITY_MESSAGE);
      case 'time':
        if (typeof v !== 'string') return this.#typeError(v, 'string');
        if (!RFC3339.test(v)) {
          this.#report(`parsing time ${goQuote(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${goQuote(v)} as "2006"`);
        }
        return;
    }
  }

  /** Go's StdEncoding (padding required; CR and LF ignored). */
  #base64(s: string): void {
    const t = s.replace(/[\r\n]/g, '');
    let end = t.length;
    while (end > 0 && t[end - 1] === '=' && t.length - end < 2) end--;
    for (let i = 0; i < end; i++) {
      if (!BASE64_CHAR.test(t[i]!)) return this.#report(`illegal base64 data at input byte ${i}`);
    }
    if (t.length % 4 !== 0 || end % 4 === 1) this.#report(`illegal base64 data at input byte ${Math.max(0, end - (end % 4))}`);
  }

  #typeError(v: unknown, goType: string, what: string = goValueKind(v)): void {
    const where =
      this.#goFields.length > 0 ? `Go struct field ${this.#goStruct}.${this.#goFields.join('.')}` : 'Go value';
    this.#report(`json: cannot unmarshal ${what} into ${where} of type ${goType}`);
  }

  #report(detail: string): void {
    if (this.errors.length < MAX_ERRORS) this.errors.push({ type: 'FieldValueTypeInvalid', field: this.#path.join(''), detail });
  }

  #node(schema: Schema): Node {
    let node = this.#nodes.get(schema);
    if (!node) {
      node = this.#classify(schema, new Set());
      this.#nodes.set(schema, node);
    }
    return node;
  }

  #classify(schema: Schema, seen: Set<string>): Node {
    if (schema.$ref !== undefined) {
      const name = schema.$ref.startsWith(REF) ? schema.$ref.slice(REF.length) : schema.$ref;
      const target = own(this.definitions, name);
      if (target === undefined || seen.has(name)) return { kind: 'any' };
      seen.add(name);
      return this.#special(name) ?? this.#classify(target, seen);
    }
    if (schema.properties !== undefined) {
      return { kind: 'struct', goType: 'struct', struct: '', fields: schema.properties };
    }
    if (schema.type === 'array' && schema.items !== undefined) {
      return { kind: 'list', goType: `[]${this.#goTypeOf(schema.items)}`, item: schema.items };
    }
    if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
      return { kind: 'map', goType: `map[string]${this.#goTypeOf(schema.additionalProperties)}`, value: schema.additionalProperties };
    }
    switch (schema.type) {
      case 'string':
        if (schema.format === 'int-or-string') return { kind: 'scalar', check: 'intOrString', goType: 'int32' };
        if (schema.format === 'byte') return { kind: 'scalar', check: 'bytes', goType: '[]uint8' };
        return { kind: 'scalar', check: 'string', goType: 'string' };
      case 'boolean':
        return { kind: 'scalar', check: 'bool', goType: 'bool' };
      case 'integer':
        return schema.format === 'int32'
          ? { kind: 'scalar', check: 'int32', goType: 'int32' }
          : { kind: 'scalar', check: 'int64', goType: 'int64' };
      case 'number':
        return { kind: 'scalar', check: 'float', goType: 'float64' };
      default:
        return { kind: 'any' };
    }
  }

  /** Named definitions whose decoding is custom (UnmarshalJSON) or whose struct name we need. */
  #special(name: string): Node | undefined {
    if (name.endsWith('.resource.Quantity')) return { kind: 'scalar', check: 'quantity', goType: 'resource.Quantity' };
    if (name.endsWith('.meta.v1.Time') || name.endsWith('.meta.v1.MicroTime')) {
      return { kind: 'scalar', check: 'time', goType: 'string' };
    }
    const def = own(this.definitions, name);
    if (def?.properties === undefined) return undefined;
    const struct = name.slice(name.lastIndexOf('.') + 1);
    return { kind: 'struct', goType: goTypeName(name), struct, fields: def.properties };
  }

  #goTypeOf(schema: Schema): string {
    if (schema.$ref !== undefined) return goTypeName(schema.$ref.slice(schema.$ref.lastIndexOf('/') + 1));
    const node = this.#classify(schema, new Set());
    return node.kind === 'any' ? 'interface {}' : node.goType;
  }
}

/** `io.k8s.api.apps.v1.DeploymentSpec` → `v1.DeploymentSpec`, as Go prints a named type. */
function goTypeName(definition: string): string {
  const parts = definition.split('.');
  return parts.slice(-2).join('.');
}

/** How Go's decoder names the JSON value it could not store. */
function goValueKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'object';
}
