/**
 * Messages whose JSON form is not an object of their fields (wire-formats §2.4): Time and MicroTime are RFC 3339
 * strings, IntOrString a bare number or string, Quantity a string, FieldsV1/RawExtension embedded JSON, the
 * `[]string` wrappers bare arrays. Typed clients decode our JSON strictly, so these shapes must be exact.
 */
import { badRequest } from '../errors.js';
import { hasProtobufMagic } from './envelope.js';

/** Field number → the values read for it, in wire order (scalars decoded, bytes as Uint8Array). */
export type CollectedFields = ReadonlyMap<number, readonly unknown[]>;

/** Converts a special message; `raw` is its encoded form, `nested` decodes an embedded protobuf envelope. */
export type SpecialConverter = (fields: CollectedFields, raw: Uint8Array, nested: (body: Uint8Array) => unknown) => unknown;

const last = (fields: CollectedFields, no: number): unknown => {
  const values = fields.get(no);
  return values === undefined ? undefined : values[values.length - 1];
};

function safeInt(v: unknown, what: string): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number') throw badRequest(`${what} ${String(v)} is out of range`);
  return v;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds: it marshals to JSON null. */
const ZERO_TIME_SECONDS = -62135596800;

/** RFC 3339 in UTC, optionally with a fraction; Go refuses years outside [0, 9999], so do we. */
function rfc3339(seconds: number, fraction: string): string {
  const ms = seconds * 1000;
  const iso = Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : '';
  if (iso.length !== 24) throw badRequest(`time ${seconds} is outside of the range [0,9999] years`);
  return `${iso.slice(0, 19)}${fraction}Z`;
}

/** meta.v1.Time: second precision (nanos are ignored on decode, as upstream does); an empty message is zero. */
const time: SpecialConverter = (fields, raw) => {
  if (raw.length === 0) return null;
  const seconds = safeInt(last(fields, 1), 'time');
  return seconds === ZERO_TIME_SECONDS ? null : rfc3339(seconds, '');
};

/** meta.v1.MicroTime: nanos truncated toward zero to microseconds, printed with exactly six digits. */
const microTime: SpecialConverter = (fields, raw) => {
  if (raw.length === 0) return null;
  let seconds = safeInt(last(fields, 1), 'time');
  let micros = Math.trunc(safeInt(last(fields, 2), 'nanos') / 1000);
  seconds += Math.floor(micros / 1e6);
  micros -= Math.floor(micros / 1e6) * 1e6;
  if (seconds === ZERO_TIME_SECONDS && micros === 0) return null;
  return rfc3339(seconds, `.${String(micros).padStart(6, '0')}`);
};

/** `whole.fraction` of u / scale, trailing zeros (and a bare dot) dropped, as Go's fmtFrac does. */
function withFraction(u: bigint, scale: bigint): string {
  const digits = scale.toString().length - 1;
  const frac = (u % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return `${u / scale}${frac === '' ? '' : `.${frac}`}`;
}

/** Go's time.Duration.String(): `1h0m0s`, `1.5s`, `300ms`, `1.5µs`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const u = ns < 0n ? -ns : ns;
  let out: string;
  if (u < 1000n) out = `${u}ns`;
  else if (u < 1_000_000n) out = `${withFraction(u, 1000n)}µs`;
  else if (u < 1_000_000_000n) out = `${withFraction(u, 1_000_000n)}ms`;
  else {
    const secs = u / 1_000_000_000n;
    const h = secs / 3600n;
    const m = (secs / 60n) % 60n;
    out = `${h > 0n ? `${h}h` : ''}${secs >= 60n ? `${m}m` : ''}${withFraction((secs % 60n) * 1_000_000_000n + (u % 1_000_000_000n), 1_000_000_000n)}s`;
  }
  return ns < 0n ? `-${out}` : out;
}

const duration: SpecialConverter = (fields) => {
  const v = last(fields, 1);
  return formatGoDuration(BigInt(typeof v === 'number' || typeof v === 'string' ? v : 0));
};

/** IntOrString: all three fields are always written; `type` (0 int, 1 string) picks the JSON form. */
const intOrString: SpecialConverter = (fields) => {
  const type = last(fields, 1) ?? 0;
  if (type === 0) return last(fields, 2) ?? 0;
  if (type === 1) return last(fields, 3) ?? '';
  throw badRequest(`invalid IntOrString type ${String(type)}`);
};

/** Go's resource.ParseQuantity grammar: a decimal number with an optional SI, binary or exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+|[numkMGTPE]|[KMGTPE]i)?$/;

/**
 * Quantity: client-go writes the canonical string, so it is passed through; an unparsable one fails to decode
 * upstream (400), and an empty message is the zero quantity `"0"`.
 */
const quantity: SpecialConverter = (fields) => {
  const s = last(fields, 1);
  if (s === undefined) return '0';
  if (typeof s !== 'string' || !QUANTITY.test(s)) throw badRequest(`quantities must match the regular expression '${QUANTITY.source}'`);
  return s;
};

function embeddedJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw badRequest(`${what} does not hold valid JSON`);
  }
}

/** FieldsV1: the Raw bytes are the managed-fields JSON itself. */
const fieldsV1: SpecialConverter = (fields) => {
  const raw = last(fields, 1);
  return raw instanceof Uint8Array && raw.length > 0 ? embeddedJson(raw, 'fieldsV1') : null;
};

/** RawExtension: JSON text from client-go, or (in protobuf watch frames) a nested envelope. */
const rawExtension: SpecialConverter = (fields, _raw, nested) => {
  const raw = last(fields, 1);
  if (!(raw instanceof Uint8Array) || raw.length === 0) return null;
  return hasProtobufMagic(raw) ? nested(raw) : embeddedJson(raw, 'RawExtension');
};

/** `type X []string` wrappers: the JSON is the bare list, null when empty (a nil Go slice). */
const stringList: SpecialConverter = (fields) => {
  const items = fields.get(1);
  return items === undefined || items.length === 0 ? null : [...items];
};

export const SPECIAL_CONVERTERS: Readonly<Record<string, SpecialConverter>> = {
  'meta.v1.Time': time,
  'meta.v1.MicroTime': microTime,
  'meta.v1.Duration': duration,
  'meta.v1.FieldsV1': fieldsV1,
  'meta.v1.Verbs': stringList,
  'runtime.RawExtension': rawExtension,
  'intstr.IntOrString': intOrString,
  'resource.Quantity': quantity,
  'authentication.v1.ExtraValue': stringList,
  'authorization.v1.ExtraValue': stringList,
  'certificates.v1.ExtraValue': stringList,
};
