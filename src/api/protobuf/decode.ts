/**
 * Kubernetes protobuf request bodies → the JSON object kube's Go types would marshal to (wire-formats §2.6).
 * The wire carries every non-pointer field even when empty, so presence alone means little; each descriptor field
 * says how Go's JSON encoder treats it (omitempty, pointer, inline), and that decides what we emit.
 */
import { badRequest, unsupportedMediaType } from '../errors.js';
import { messageDescriptor, rootMessageFor, type CompiledField, type ScalarType, type ValueType } from './descriptors/index.js';
import { readEnvelope } from './envelope.js';
import { SPECIAL_CONVERTERS, type CollectedFields } from './special-types.js';
import { WIRE_LEN, WIRE_VARINT, WireReader, malformed } from './wire.js';

export interface DecodedObject {
  readonly apiVersion: string;
  readonly kind: string;
  /** The JSON form, `kind` and `apiVersion` first, as Go writes them. */
  readonly object: Record<string, unknown>;
}

/** Media types to name in 415s: kinds we have no descriptor for (custom resources included) speak these. */
export const NON_PROTOBUF_MEDIA_TYPES: readonly string[] = ['application/json', 'application/yaml'];

const EMPTY: Uint8Array = new Uint8Array(0);
/** How deep nested envelopes (RawExtension) may go; our kinds have none, so this only stops abuse. */
const MAX_NESTED_ENVELOPES = 4;

/**
 * Decodes a whole protobuf body (magic + runtime.Unknown + object). `defaults` fill an apiVersion/kind the
 * envelope leaves empty (upstream takes them from the request URL). Malformed bytes → 400 BadRequest; a kind we
 * cannot decode → 415 UnsupportedMediaType.
 */
export function decodeProtobufObject(body: Uint8Array, defaults?: { apiVersion?: string; kind?: string }): DecodedObject {
  return decodeEnvelope(body, defaults, 0);
}

function decodeEnvelope(
  body: Uint8Array,
  defaults: { apiVersion?: string; kind?: string } | undefined,
  depth: number,
): DecodedObject {
  const env = readEnvelope(body);
  const kind = env.kind || defaults?.kind || '';
  const apiVersion = env.apiVersion || defaults?.apiVersion || '';
  if (kind === '') throw badRequest("Object 'Kind' is missing in protobuf envelope");
  if (apiVersion === '') throw badRequest("Object 'apiVersion' is missing in protobuf envelope");
  const name = rootMessageFor(apiVersion, kind);
  if (name === undefined) throw unsupportedMediaType(NON_PROTOBUF_MEDIA_TYPES);
  const fields = new Decoder(depth).message(name, env.raw);
  return { apiVersion, kind, object: { kind, apiVersion, ...(fields as Record<string, unknown>) } };
}

/** Decodes one message (no envelope) into its JSON form; exported for tests and for callers that hold raw bytes. */
export function decodeMessage(name: string, bytes: Uint8Array): unknown {
  return new Decoder(0).message(name, bytes);
}

class Decoder {
  private readonly depth: number;

  constructor(depth: number) {
    this.depth = depth;
  }

  message(name: string, bytes: Uint8Array): unknown {
    const desc = messageDescriptor(name);
    if (desc === undefined) throw new Error(`no protobuf descriptor for ${name}`); // a descriptor-table bug
    const collected = collect(desc.byNumber, bytes);
    const special = SPECIAL_CONVERTERS[name];
    if (special !== undefined) return special(collected, bytes, (body) => this.nested(body));
    const out: Record<string, unknown> = {};
    for (const f of desc.fields) this.emit(out, f, collected.get(f.no));
    return out;
  }

  private nested(body: Uint8Array): unknown {
    if (this.depth >= MAX_NESTED_ENVELOPES) throw badRequest('protobuf objects nested too deeply');
    return decodeEnvelope(body, undefined, this.depth + 1).object;
  }

  /** Writes field `f` into `out` following Go's JSON rules for its presence kind (see descriptors/types.ts). */
  private emit(out: Record<string, unknown>, f: CompiledField, values: readonly unknown[] | undefined): void {
    const present = values !== undefined && values.length > 0;
    if (f.mapKey !== undefined || f.repeated) {
      if (present) out[f.json] = f.mapKey !== undefined ? this.map(f, values) : values.map((v) => this.value(f.value, v, f.json));
      else if (f.presence === 'keep' || f.presence === 'ptrnull') out[f.json] = null;
      return;
    }
    const raw = present ? lastOrMerged(f.value, values) : undefined;
    switch (f.presence) {
      case 'ptr':
        if (present) out[f.json] = this.value(f.value, raw, f.json);
        return;
      case 'ptrnull':
        out[f.json] = present ? this.value(f.value, raw, f.json) : null;
        return;
      case 'inline':
        Object.assign(out, this.value(f.value, raw, f.json));
        return;
      case 'omitzero': {
        const v = this.value(f.value, raw, f.json);
        if (JSON.stringify(v) !== JSON.stringify(this.value(f.value, undefined, f.json))) out[f.json] = v;
        return;
      }
      case 'keep':
        out[f.json] = this.value(f.value, raw, f.json);
        return;
      default: {
        // omitempty: Go drops zero scalars but cannot drop a struct value, so messages are always written.
        const v = this.value(f.value, raw, f.json);
        if ('message' in f.value || !isZeroScalar(v)) out[f.json] = v;
      }
    }
  }

  /** JSON form of one value; `raw` undefined means absent (the Go zero value). */
  private value(type: ValueType, raw: unknown, field: string): unknown {
    if ('message' in type) return this.message(type.message, raw === undefined ? EMPTY : (raw as Uint8Array));
    return scalarJson(type.scalar, raw, field);
  }

  /** Maps come as repeated entry messages {1: key, 2: value}; Go sorts keys when it writes JSON. */
  private map(f: CompiledField, entries: readonly unknown[]): Record<string, unknown> {
    const keyType = f.mapKey as ScalarType;
    const entryFields = new Map<number, CompiledField>([
      [1, { no: 1, json: 'key', presence: undefined, repeated: false, mapKey: undefined, value: { scalar: keyType } }],
      [2, { no: 2, json: 'value', presence: undefined, repeated: false, mapKey: undefined, value: f.value }],
    ]);
    const byKey = new Map<string, unknown>();
    for (const entry of entries) {
      const c = collect(entryFields, entry as Uint8Array);
      const k = c.get(1);
      const v = c.get(2);
      const key = String(scalarJson(keyType, k?.[k.length - 1], f.json));
      byKey.set(key, this.value(f.value, v === undefined ? undefined : lastOrMerged(f.value, v), f.json));
    }
    const out: Record<string, unknown> = {};
    for (const key of [...byKey.keys()].sort(compareGoStrings)) out[key] = byKey.get(key);
    return out;
  }
}

/** Go sorts map keys by byte order; for strings that is code-point order, not UTF-16 order. */
function compareGoStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Reads every field the descriptor knows, in wire order; unknown fields are skipped, as kube does. */
function collect(fields: ReadonlyMap<number, CompiledField>, bytes: Uint8Array): CollectedFields {
  const out = new Map<number, unknown[]>();
  const r = new WireReader(bytes);
  while (!r.done) {
    const { field, wireType } = r.tag();
    const f = fields.get(field);
    if (f === undefined) {
      r.skip(wireType);
      continue;
    }
    let list = out.get(field);
    if (list === undefined) out.set(field, (list = []));
    if (f.mapKey !== undefined || 'message' in f.value || f.value.scalar === 'string' || f.value.scalar === 'bytes') {
      if (wireType !== WIRE_LEN) throw wrongWireType(wireType, f);
      list.push(f.mapKey === undefined && 'scalar' in f.value && f.value.scalar === 'string' ? r.string() : r.bytes());
    } else if (wireType === WIRE_VARINT) {
      list.push(readVarintScalar(r, f.value.scalar));
    } else if (wireType === WIRE_LEN && f.repeated) {
      // Packed encoding: Go writes repeated scalars unpacked, but other encoders may pack them.
      const packed = new WireReader(r.bytes());
      while (!packed.done) list.push(readVarintScalar(packed, f.value.scalar));
    } else throw wrongWireType(wireType, f);
  }
  return out;
}

function readVarintScalar(r: WireReader, type: ScalarType): unknown {
  if (type === 'bool') return r.bool();
  if (type === 'int32') return r.int32();
  return r.int64();
}

const wrongWireType = (wireType: number, f: CompiledField) => malformed(`wrong wire type ${wireType} for field ${f.json}`);

/** Singular fields: the last scalar wins; message occurrences merge, which is what decoding their concatenation does. */
function lastOrMerged(type: ValueType, values: readonly unknown[]): unknown {
  if (!('message' in type) || values.length === 1) return values[values.length - 1];
  const chunks = values as readonly Uint8Array[];
  const merged = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    merged.set(c, at);
    at += c.length;
  }
  return merged;
}

function scalarJson(type: ScalarType, raw: unknown, field: string): unknown {
  switch (type) {
    case 'string':
      return raw ?? '';
    case 'bool':
      return raw ?? false;
    case 'bytes':
      // A nil []byte is JSON null; present bytes are standard base64 with padding.
      return raw === undefined ? null : Buffer.from(raw as Uint8Array).toString('base64');
    default:
      if (typeof raw === 'string') throw badRequest(`integer ${raw} in field ${field} is out of range`);
      return raw ?? 0;
  }
}

function isZeroScalar(v: unknown): boolean {
  return v === '' || v === 0 || v === false || v === null;
}
