/**
 * A tiny protobuf reader for tests, independent of the writer under test: it splits a message
 * into fields and decodes the parts of gnostic's `openapi.v2.Document` the tests look at.
 */
import type { Schema } from '../../../openapi/types.js';

export interface Field {
  readonly field: number;
  readonly wire: number;
  /** Varint as bigint, fixed64 as the 8 raw bytes, length-delimited as its bytes. */
  readonly value: bigint | Uint8Array;
}

export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length) throw new Error('truncated varint');
      const b = buf[at++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const field = tag >> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) out.push({ field, wire, value: buf.subarray(at, (at += 8)) });
    else if (wire === 2) {
      const len = Number(varint());
      if (at + len > buf.length) throw new Error('truncated field');
      out.push({ field, wire, value: buf.subarray(at, (at += len)) });
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

const decoder = new TextDecoder();
export const str = (f: Field): string => decoder.decode(f.value as Uint8Array);
export const bytesOf = (f: Field): Uint8Array => f.value as Uint8Array;
export const all = (fields: Field[], n: number): Field[] => fields.filter((f) => f.field === n);
export const one = (fields: Field[], n: number): Field | undefined => fields.find((f) => f.field === n);

/** `Named*{1 name, 2 value}` pairs of a repeated field. */
export function namedPairs(msg: Uint8Array, field: number): [string, Uint8Array][] {
  return all(readFields(msg), field).map((f) => {
    const inner = readFields(bytesOf(f));
    return [str(one(inner, 1)!), bytesOf(one(inner, 2) ?? { field: 2, wire: 2, value: new Uint8Array() })];
  });
}

/** Decodes the schema fields our documents use back into JSON form. */
export function decodeSchema(msg: Uint8Array): Schema {
  const fields = readFields(msg);
  const s: Schema = {};
  const text = (n: number): string | undefined => (one(fields, n) ? str(one(fields, n)!) : undefined);
  const yaml = (b: Uint8Array): unknown => JSON.parse(str(one(readFields(b), 2)!));
  if (text(4) !== undefined) s.description = text(4);
  if (text(1) !== undefined) s.$ref = text(1);
  if (text(2) !== undefined) s.format = text(2);
  const type = one(fields, 22);
  if (type) s.type = all(readFields(bytesOf(type)), 1).map(str).join(',');
  const items = one(fields, 23);
  if (items) {
    const list = all(readFields(bytesOf(items)), 1);
    if (list.length !== 1) throw new Error('items must hold exactly one schema');
    s.items = decodeSchema(bytesOf(list[0]!));
  }
  const ap = one(fields, 21);
  if (ap) {
    const inner = readFields(bytesOf(ap));
    s.additionalProperties = one(inner, 1) ? decodeSchema(bytesOf(one(inner, 1)!)) : one(inner, 2)!.value === 1n;
  }
  const props = one(fields, 25);
  if (props) s.properties = Object.fromEntries(namedPairs(bytesOf(props), 1).map(([k, v]) => [k, decodeSchema(v)]));
  const required = all(fields, 19).map(str);
  if (required.length > 0) s.required = required;
  const values = all(fields, 20).map((f) => yaml(bytesOf(f)));
  if (values.length > 0) s.enum = values;
  for (const [name, value] of namedPairs(msg, 31)) (s as Record<string, unknown>)[name] = yaml(value);
  return s;
}
