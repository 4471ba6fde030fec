/**
 * Test-only protobuf encoder driven by the same descriptors as the decoder, taking kube-shaped JSON. It can
 * imitate both encoders the decoder must accept (wire-formats §2.3): `goStyle` writes every non-pointer field
 * even when empty, as client-go does; the default writes only what is set, as protobufjs does; `reverse`
 * writes fields in descending order to prove the decoder does not depend on order.
 */
import { compileField, messageTable, type CompiledField, type ScalarType, type ValueType } from '../../../../../src/api/protobuf/descriptors/index.js';

export interface EncodeOptions {
  readonly goStyle?: boolean;
  readonly reverse?: boolean;
}

export class Writer {
  private readonly parts: number[] = [];

  varint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value));
    do {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      this.parts.push(v > 0n ? b | 0x80 : b);
    } while (v > 0n);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  len(field: number, bytes: Uint8Array): this {
    this.tag(field, 2).varint(bytes.length);
    for (const b of bytes) this.parts.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.len(field, new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const fieldsOf = (name: string): CompiledField[] => {
  const specs = messageTable[name];
  if (specs === undefined) throw new Error(`no descriptor ${name}`);
  return specs.map(compileField);
};

/** Special shapes: JSON form → wire form (the inverse of src/api/protobuf/special-types.ts). */
function encodeSpecial(name: string, json: unknown, w: Writer): boolean {
  switch (name) {
    case 'meta.v1.Time':
    case 'meta.v1.MicroTime': {
      if (json === null || json === undefined) return true;
      const ms = Date.parse(json as string);
      w.tag(1, 0).varint(Math.floor(ms / 1000));
      const micros = /\.(\d{6})Z$/.exec(json as string)?.[1];
      w.tag(2, 0).varint(micros === undefined ? 0 : Number(micros) * 1000);
      return true;
    }
    case 'intstr.IntOrString':
      if (typeof json === 'string') w.tag(1, 0).varint(1).tag(2, 0).varint(0).string(3, json);
      else w.tag(1, 0).varint(0).tag(2, 0).varint((json as number | undefined) ?? 0).string(3, '');
      return true;
    case 'resource.Quantity':
      if (json !== undefined) w.string(1, json as string);
      return true;
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension':
      if (json !== null && json !== undefined) w.string(1, JSON.stringify(json));
      return true;
    case 'meta.v1.Verbs':
    case 'authentication.v1.ExtraValue':
    case 'authorization.v1.ExtraValue':
      for (const s of (json as string[] | null) ?? []) w.string(1, s);
      return true;
    default:
      return false;
  }
}

function writeScalar(w: Writer, no: number, type: ScalarType, v: unknown): void {
  if (type === 'string') w.string(no, v as string);
  else if (type === 'bytes') w.len(no, Buffer.from(v as string, 'base64'));
  else if (type === 'bool') w.tag(no, 0).varint(v ? 1 : 0);
  else w.tag(no, 0).varint(v as number);
}

function writeValue(w: Writer, no: number, type: ValueType, v: unknown, opts: EncodeOptions): void {
  if ('scalar' in type) writeScalar(w, no, type.scalar, v);
  else w.len(no, encodeMessage(type.message, v, opts));
}

const ZERO: Record<ScalarType, unknown> = { string: '', bytes: '', bool: false, int32: 0, int64: 0 };

/** Encodes kube-shaped JSON as the named message (no envelope). */
export function encodeMessage(name: string, json: unknown, opts: EncodeOptions = {}): Uint8Array {
  const w = new Writer();
  if (encodeSpecial(name, json, w)) return w.finish();
  const obj = (json ?? {}) as Record<string, unknown>;
  const fields = fieldsOf(name).sort((a, b) => (opts.reverse ? b.no - a.no : a.no - b.no));
  for (const f of fields) {
    if (f.presence === 'inline' && 'message' in f.value) {
      const inner = encodeMessage(f.value.message, obj, opts);
      if (inner.length > 0 || opts.goStyle) w.len(f.no, inner);
      continue;
    }
    const v = obj[f.json];
    const isPointer = f.presence === 'ptr' || f.presence === 'ptrnull';
    if (f.mapKey !== undefined) {
      const entries = Object.entries((v ?? {}) as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
      for (const [k, val] of entries) {
        const e = new Writer();
        writeScalar(e, 1, f.mapKey, k);
        writeValue(e, 2, f.value, val, opts);
        w.len(f.no, e.finish());
      }
    } else if (f.repeated) {
      for (const el of (v ?? []) as unknown[]) writeValue(w, f.no, f.value, el, opts);
    } else if (v !== undefined && v !== null) {
      writeValue(w, f.no, f.value, v, opts);
    } else if (opts.goStyle && !isPointer) {
      // client-go writes value fields even when zero: empty strings, 0, false, empty structs.
      writeValue(w, f.no, f.value, 'scalar' in f.value ? ZERO[f.value.scalar] : undefined, opts);
    }
  }
  return w.finish();
}

/** The full body: magic + runtime.Unknown{typeMeta, raw, contentEncoding, contentType} as client-go writes it. */
export function encodeEnvelope(apiVersion: string, kind: string, raw: Uint8Array, withEmptyStrings = true): Uint8Array {
  const typeMeta = new Writer().string(1, apiVersion).string(2, kind).finish();
  const w = new Writer().len(1, typeMeta).len(2, raw);
  if (withEmptyStrings) w.string(3, '').string(4, '');
  return Uint8Array.from([0x6b, 0x38, 0x73, 0x00, ...w.finish()]);
}

/** Convenience: encode a kube JSON object (with apiVersion/kind) as a full protobuf body. */
export function encodeObject(
  message: string,
  obj: Record<string, unknown> & { apiVersion: string; kind: string },
  opts: EncodeOptions = {},
): Uint8Array {
  const { apiVersion, kind, ...rest } = obj;
  return encodeEnvelope(apiVersion, kind, encodeMessage(message, rest, opts));
}
