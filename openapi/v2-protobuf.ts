/**
 * The swagger document as gnostic's `openapi.v2.Document` protobuf, the only form kubectl
 * 1.27/1.28 accept at `/openapi/v2` (wire-formats §3.4 has the field mapping). client-go
 * unmarshals the body whatever its Content-Type, then builds models from `definitions`; vendor
 * extensions travel as YAML text, and JSON text is valid YAML.
 */
import type { Parameter } from './parameters.js';
import type { Method, Operation, PathItem, Response } from './paths.js';
import { ProtoWriter } from './protobuf-writer.js';
import type { Schema } from './types.js';
import type { SwaggerDocument } from './v2.js';

export const V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

export function encodeSwaggerProtobuf(doc: SwaggerDocument): Uint8Array {
  const w = new ProtoWriter().string(1, doc.swagger);
  w.message(2, new ProtoWriter().string(1, doc.info.title).string(2, doc.info.version));
  const paths = new ProtoWriter();
  for (const [name, item] of Object.entries(doc.paths)) paths.message(2, named(name, pathItem(item)), true);
  w.message(8, paths, true);
  const defs = new ProtoWriter();
  for (const [name, s] of Object.entries(doc.definitions)) defs.message(1, named(name, schema(s)), true);
  w.message(9, defs, true);
  for (const requirement of doc.security) {
    const req = new ProtoWriter();
    for (const [name, scopes] of Object.entries(requirement)) {
      req.message(1, named(name, new ProtoWriter().strings(1, scopes)), true);
    }
    w.message(12, req, true);
  }
  const secDefs = new ProtoWriter();
  for (const [name, d] of Object.entries(doc.securityDefinitions)) {
    const apiKey = new ProtoWriter().string(1, d.type).string(2, d.name).string(3, d.in).string(4, d.description);
    secDefs.message(1, named(name, new ProtoWriter().message(2, apiKey, true)), true);
  }
  w.message(13, secDefs);
  return w.finish();
}

/** The `Named*` wrapper: 1 name, 2 value (always present, even when empty). */
function named(name: string, value: ProtoWriter): ProtoWriter {
  return new ProtoWriter().string(1, name, true).message(2, value, true);
}

const METHOD_FIELDS: Readonly<Record<Method, number>> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(item: PathItem): ProtoWriter {
  const w = new ProtoWriter();
  for (const [m, field] of Object.entries(METHOD_FIELDS) as [Method, number][]) {
    const op = item[m];
    if (op) w.message(field, operation(op), true);
  }
  for (const p of item.parameters ?? []) w.message(9, parameter(p), true);
  return w;
}

function operation(op: Operation): ProtoWriter {
  const w = new ProtoWriter().strings(1, op.tags).string(3, op.description).string(5, op.operationId);
  w.strings(6, op.produces).strings(7, op.consumes);
  for (const p of op.parameters ?? []) w.message(8, parameter(p), true);
  const responses = new ProtoWriter();
  for (const [code, r] of Object.entries(op.responses)) responses.message(1, named(code, responseValue(r)), true);
  w.message(9, responses, true);
  w.strings(10, op.schemes);
  return vendorExtensions(w, 13, op);
}

function responseValue(r: Response): ProtoWriter {
  const response = new ProtoWriter().string(1, r.description);
  if (r.schema) response.message(2, new ProtoWriter().message(1, schema(r.schema), true), true);
  return new ProtoWriter().message(1, response, true);
}

/** ParametersItem → Parameter → body_parameter | non_body_parameter (query or path sub-schema). */
function parameter(p: Parameter): ProtoWriter {
  let param: ProtoWriter;
  if (p.in === 'body') {
    const b = new ProtoWriter().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
    if (p.schema) b.message(5, schema(p.schema), true);
    param = new ProtoWriter().message(1, b, true);
  } else if (p.in === 'path') {
    const s = new ProtoWriter().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    s.string(5, p.type).bool(19, p.uniqueItems);
    param = new ProtoWriter().message(2, new ProtoWriter().message(4, s, true), true);
  } else {
    const s = new ProtoWriter().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    s.string(6, p.type).bool(20, p.uniqueItems);
    param = new ProtoWriter().message(2, new ProtoWriter().message(3, s, true), true);
  }
  return new ProtoWriter().message(1, param, true);
}

/** Schema fields by JSON name; everything not listed here and not `x-*` is dropped. */
const STRING_FIELDS: readonly [string, number][] = [
  ['$ref', 1], ['format', 2], ['title', 3], ['description', 4], ['pattern', 13], ['discriminator', 26],
];
const DOUBLE_FIELDS: readonly [string, number][] = [['multipleOf', 6], ['maximum', 7], ['minimum', 9]];
const INT_FIELDS: readonly [string, number][] = [
  ['maxLength', 11], ['minLength', 12], ['maxItems', 14], ['minItems', 15], ['maxProperties', 17], ['minProperties', 18],
];
const BOOL_FIELDS: readonly [string, number][] = [
  ['exclusiveMaximum', 8], ['exclusiveMinimum', 10], ['uniqueItems', 16], ['readOnly', 27],
];

export function schema(s: Schema): ProtoWriter {
  const w = new ProtoWriter();
  const raw = s as Record<string, unknown>;
  for (const [k, f] of STRING_FIELDS) if (typeof raw[k] === 'string') w.string(f, raw[k] as string);
  if (s.default !== undefined) w.message(5, any(s.default), true);
  for (const [k, f] of DOUBLE_FIELDS) if (typeof raw[k] === 'number') w.double(f, raw[k] as number);
  for (const [k, f] of BOOL_FIELDS) if (typeof raw[k] === 'boolean') w.bool(f, raw[k] as boolean);
  for (const [k, f] of INT_FIELDS) if (typeof raw[k] === 'number') w.int64(f, raw[k] as number);
  w.strings(19, s.required);
  for (const e of s.enum ?? []) w.message(20, any(e), true);
  if (typeof s.additionalProperties === 'boolean') {
    w.message(21, new ProtoWriter().bool(2, s.additionalProperties, true), true);
  } else if (s.additionalProperties) {
    w.message(21, new ProtoWriter().message(1, schema(s.additionalProperties), true), true);
  }
  if (s.type !== undefined) {
    w.message(22, new ProtoWriter().strings(1, Array.isArray(s.type) ? (s.type as string[]) : [s.type]), true);
  }
  if (s.items) {
    const items = new ProtoWriter();
    for (const i of Array.isArray(s.items) ? (s.items as Schema[]) : [s.items]) items.message(1, schema(i), true);
    w.message(23, items, true);
  }
  for (const a of s.allOf ?? []) w.message(24, schema(a), true);
  if (s.properties) {
    const props = new ProtoWriter();
    for (const [name, p] of Object.entries(s.properties)) props.message(1, named(name, schema(p)), true);
    w.message(25, props, true);
  }
  if (raw.example !== undefined) w.message(30, any(raw.example), true);
  return vendorExtensions(w, 31, s);
}

/** `Any{yaml}`: JSON text is YAML, and gnostic parses it back. */
function any(value: unknown): ProtoWriter {
  return new ProtoWriter().string(2, `${JSON.stringify(value)}\n`, true);
}

function vendorExtensions(w: ProtoWriter, field: number, obj: object): ProtoWriter {
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith('x-') && v !== undefined) w.message(field, named(k, any(v)), true);
  }
  return w;
}
