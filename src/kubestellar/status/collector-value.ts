/**
 * The cells of a CombinedStatus table (spec/kubestellar.md §1.5): the `Value` union, how a CEL
 * result becomes one, Go's `strconv.FormatFloat(x, 'g', -1, 64)` and `ParseFloat` (upstream
 * renders and parses numbers with them, so clients see the same text), and a total order on
 * values so rows and groups come out in a stable order.
 */
import { isObject, jsonEqual, setKey, type JsonObject } from '../../api/patch/json-value.js';

export type ValueType = 'String' | 'Number' | 'Bool' | 'Null' | 'Object' | 'Array';

/** Exactly the member named by `type` is set (none for Null). Numbers are text in `float`. */
export interface Value {
  type: ValueType;
  string?: string;
  float?: string;
  bool?: boolean;
  object?: unknown;
  array?: unknown[];
}

export interface StatusCombinationRow {
  columns: Value[];
}

export interface RowEvaluationError {
  wec: { clusterId: string };
  /** `""` for the filter. */
  columnName: string;
  error: string;
}

export interface ErrorInColumn {
  columnName: string;
  error: string;
}

/** One entry of `CombinedStatus.results`: the table computed by one StatusCollector. */
export interface NamedStatusCombination {
  name: string;
  columnNames: string[];
  rows: StatusCombinationRow[];
  rowErrors?: RowEvaluationError[];
  aggregationErrors?: ErrorInColumn[];
}

export const nullValue = (): Value => ({ type: 'Null' });
export const stringValue = (s: string): Value => ({ type: 'String', string: s });
export const numberValue = (x: number): Value => ({ type: 'Number', float: formatGoFloat(x) });

/**
 * Go's shortest `%g` (`strconv.FormatFloat(x, 'g', -1, 64)`): exponent form when the decimal
 * exponent is below -4 or at least 6 (`1e+06`, `1.5e-07`, two-digit exponent minimum), plain
 * otherwise (`100000`, `0.5`); `+Inf`, `-Inf`, `NaN`. JS and Go agree on the shortest digits.
 */
export function formatGoFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const sign = x < 0 ? '-' : '';
  const [mantissa = '', expText = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY = /^[+-]?(inf|infinity)$/i;

/**
 * Go's `strconv.ParseFloat(s, 64)` for decimal text, infinities and NaN (the forms a status
 * field holds); error text as Go's. No surrounding spaces, as in Go.
 */
export function parseGoFloat(s: string): { value: number } | { error: string } {
  const bad = (why: string) => ({ error: `strconv.ParseFloat: parsing ${JSON.stringify(s)}: ${why}` });
  if (/^nan$/i.test(s)) return { value: NaN };
  if (INFINITY.test(s)) return { value: s.startsWith('-') ? -Infinity : Infinity };
  if (!DECIMAL.test(s)) return bad('invalid syntax');
  const value = Number(s);
  // Go reports overflow as an error (and returns ±Inf); a finite literal never means infinity.
  if (!Number.isFinite(value)) return bad('value out of range');
  return { value };
}

/** The CEL type name of a runtime value, for error messages. */
export function celTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null_type';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Map || isObject(v)) return 'map';
  const ctor = (v as object).constructor?.name;
  if (ctor === 'UnsignedInt') return 'uint';
  if (ctor === 'Duration') return 'google.protobuf.Duration';
  if (ctor === 'Type') return 'type';
  return ctor ?? 'unknown';
}

/** cel-js `uint` values (class not exported by the package): the BigInt inside, else undefined. */
export function unsignedValue(v: unknown): bigint | undefined {
  if (typeof v !== 'object' || v === null || (v as object).constructor?.name !== 'UnsignedInt') return undefined;
  const inner = (v as { value?: unknown }).value;
  return typeof inner === 'bigint' ? inner : typeof inner === 'number' ? BigInt(inner) : undefined;
}

/** RFC 3339 as protobuf's JSON mapping writes a Timestamp: fractional seconds only when non-zero. */
function timestampText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace('.000Z', 'Z');
}

function durationText(v: { seconds?: unknown; nanos?: unknown }): string {
  const seconds = BigInt(typeof v.seconds === 'bigint' || typeof v.seconds === 'number' ? v.seconds : 0);
  const nanos = typeof v.nanos === 'number' ? v.nanos : 0;
  if (nanos === 0) return `${seconds}s`;
  const neg = seconds < 0n || nanos < 0;
  const abs = (seconds < 0n ? -seconds : seconds).toString();
  const frac = Math.abs(nanos).toString().padStart(9, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${abs}.${frac}s`;
}

/**
 * A CEL result as plain JSON (what `object`/`array` hold): ints become numbers, timestamps and
 * durations their protobuf-JSON text, bytes base64; non-finite doubles, which JSON cannot
 * carry, become null.
 */
export function celToJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return Number(v);
    case 'number':
      return Number.isFinite(v) ? v : null;
  }
  if (Array.isArray(v)) return v.map(celToJson);
  if (v instanceof Date) return timestampText(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Map) {
    const out: JsonObject = {};
    for (const [k, x] of v) setKey(out, String(k), celToJson(x));
    return out;
  }
  const u = unsignedValue(v);
  if (u !== undefined) return Number(u);
  const ctor = (v as object).constructor?.name;
  if (ctor === 'Duration') return durationText(v as { seconds?: unknown; nanos?: unknown });
  if (ctor === 'Type') return String(v);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, celToJson(v[k]));
    return out;
  }
  return null;
}

/**
 * A CEL result as a table cell (spec §4.5 "Values"): string → String, int/uint/double →
 * Number, bool → Bool, null → Null, list → Array, anything else (maps, timestamps, durations,
 * bytes) → Object holding its JSON encoding.
 */
export function toValue(v: unknown): Value {
  if (v === null || v === undefined) return nullValue();
  switch (typeof v) {
    case 'string':
      return stringValue(v);
    case 'boolean':
      return { type: 'Bool', bool: v };
    case 'bigint':
      return { type: 'Number', float: v.toString() };
    case 'number':
      return numberValue(v);
  }
  const u = unsignedValue(v);
  if (u !== undefined) return { type: 'Number', float: u.toString() };
  if (Array.isArray(v)) return { type: 'Array', array: v.map(celToJson) };
  return { type: 'Object', object: celToJson(v) };
}

/** JSON text with object members sorted, so equal values have equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

const INTEGER_TEXT = /^[+-]?\d+$/;

/** Number text as a number, or undefined when it is not number text. */
function numberOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const parsed = parseGoFloat(text);
  return 'value' in parsed ? parsed.value : undefined;
}

/** One spelling per numeric value: exact for integer text (beyond 2^53 too), `%g` otherwise. */
function numberKey(text: string | undefined): string {
  if (text !== undefined && INTEGER_TEXT.test(text)) return BigInt(text).toString();
  const n = numberOf(text);
  if (n === undefined) return `?${text ?? ''}`;
  return Number.isSafeInteger(n) ? BigInt(n).toString() : formatGoFloat(n);
}

/**
 * Identity of a cell for grouping: int 1 and double 1.0 (both "1") are the same group, as CEL's
 * `1 == 1.0`; maps and lists compare by content.
 */
export function valueKey(v: Value): string {
  switch (v.type) {
    case 'String':
      return `S${v.string ?? ''}`;
    case 'Number':
      return `N${numberKey(v.float)}`;
    case 'Bool':
      return `B${String(v.bool === true)}`;
    case 'Null':
      return 'Z';
    case 'Array':
      return `A${canonicalJson(v.array)}`;
    default:
      return `O${canonicalJson(v.object)}`;
  }
}

const TYPE_RANK: Record<ValueType, number> = { Null: 0, Bool: 1, Number: 2, String: 3, Array: 4, Object: 5 };

/** A total order: by type (Null < Bool < Number < String < Array < Object), then by value. */
export function compareValues(a: Value, b: Value): number {
  const ra = TYPE_RANK[a.type] ?? 9;
  const rb = TYPE_RANK[b.type] ?? 9;
  if (ra !== rb) return ra - rb;
  switch (a.type) {
    case 'Number': {
      // NaN and unparsable text sort after every number.
      const x = numberOf(a.float) ?? NaN;
      const y = numberOf(b.float) ?? NaN;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
      if (x !== y) return x < y ? -1 : 1;
      if (a.float !== undefined && b.float !== undefined && INTEGER_TEXT.test(a.float) && INTEGER_TEXT.test(b.float)) {
        const d = BigInt(a.float) - BigInt(b.float);
        return d < 0n ? -1 : d > 0n ? 1 : 0;
      }
      return 0;
    }
    case 'Bool':
      return Number(a.bool === true) - Number(b.bool === true);
    case 'Null':
      return 0;
    default: {
      const x = a.type === 'String' ? (a.string ?? '') : valueKey(a);
      const y = b.type === 'String' ? (b.string ?? '') : valueKey(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

/** Same cell: numbers by numeric value (NaN equals NaN, so an AVG of nothing is stable). */
export function valueEqual(a: Value, b: Value): boolean {
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'String':
      return a.string === b.string;
    case 'Number': {
      if (a.float === b.float) return true;
      if (numberOf(a.float) === undefined || numberOf(b.float) === undefined) return false;
      return numberKey(a.float) === numberKey(b.float);
    }
    case 'Bool':
      return a.bool === b.bool;
    case 'Null':
      return true;
    case 'Array':
      return jsonEqual(a.array ?? null, b.array ?? null);
    default:
      return jsonEqual(a.object ?? null, b.object ?? null);
  }
}
