/**
 * resource.Quantity's text forms. A quantity remembers its format (binary `Ki`..`Ei` suffixes, or
 * decimal SI), sums keep the format of their first non-zero addend (Quantity.Add), and String()
 * writes the canonical form: the largest suffix that keeps the number an integer.
 */

export type QuantityFormat = 'BinarySI' | 'DecimalSI';

/** The format a written quantity has: binary with a `Ki`..`Ei` suffix, decimal otherwise. */
export function quantityFormat(q: unknown): QuantityFormat {
  return typeof q === 'string' && /[KMGTPE]i$/.test(q.trim()) ? 'BinarySI' : 'DecimalSI';
}

const BINARY: readonly [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];
const DECIMAL: readonly [string, number][] = [
  ['E', 18],
  ['P', 15],
  ['T', 12],
  ['G', 9],
  ['M', 6],
  ['k', 3],
];

/** Quantity.String() of a value in a format (`2^30` BinarySI → `1Gi`, `2e9` → `2G`, `0.5` → `500m`). */
export function formatQuantity(value: number, format: QuantityFormat = 'DecimalSI'): string {
  if (value === 0 || !Number.isFinite(value)) return '0';
  // Binary only for whole numbers of bytes; a fraction is written decimally, as upstream does.
  if (format === 'BinarySI' && Number.isInteger(value)) {
    for (const [suffix, size] of BINARY) if (Math.abs(value) >= size && value % size === 0) return `${value / size}${suffix}`;
    return String(value);
  }
  if (Number.isInteger(value)) {
    for (const [suffix, exp] of DECIMAL) {
      const size = 10 ** exp;
      if (Math.abs(value) >= size && value % size === 0) return `${value / size}${suffix}`;
    }
    return String(value);
  }
  // Fractions: millis, micros or nanos, whichever first makes the mantissa whole (rounding up as kube does).
  for (const [suffix, scale] of [
    ['m', 1e3],
    ['u', 1e6],
  ] as const) {
    const scaled = value * scale;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9) return `${Math.round(scaled)}${suffix}`;
  }
  return `${Math.ceil(value * 1e9 - 1e-6)}n`;
}

/**
 * A quantity as an exact rational, `mantissa × 10^exp10 × 2^exp2`: floats cannot tell `1100m`
 * from `1.1` reliably, and validation compares requests with limits (and hugepage multiples)
 * exactly as resource.Quantity's Cmp does.
 */
interface ExactQuantity {
  readonly mantissa: bigint;
  readonly exp10: number;
  readonly exp2: number;
}

const EXACT_RE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([eE])([+-]?[0-9]+)|([KMGTPE]i|[numkMGTPE])?)$/;
const BINARY_EXP: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_EXP: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Beyond this many decimal digits of exponent the exact form is not worth its BigInt size. */
const MAX_EXACT_EXP = 64;

function exactQuantity(q: unknown): ExactQuantity | undefined {
  const text = typeof q === 'number' ? String(q) : typeof q === 'string' ? q.trim() : '';
  const m = EXACT_RE.exec(text);
  if (m === null || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = m[3] ?? '';
  const digits = BigInt(`${m[2] ?? ''}${frac}` || '0');
  const suffix = m[6] ?? '';
  const exp10 = -frac.length + (m[4] !== undefined ? Number(m[5]) : (DECIMAL_EXP[suffix] ?? 0));
  if (Math.abs(exp10) > MAX_EXACT_EXP) return undefined;
  return { mantissa: m[1] === '-' ? -digits : digits, exp10, exp2: BINARY_EXP[suffix] ?? 0 };
}

/** Both as integers over a common denominator. */
function commonScale(a: ExactQuantity, b: ExactQuantity): [bigint, bigint] {
  const e10 = Math.min(a.exp10, b.exp10);
  const e2 = Math.min(a.exp2, b.exp2);
  const scale = (x: ExactQuantity): bigint => x.mantissa * 10n ** BigInt(x.exp10 - e10) * 2n ** BigInt(x.exp2 - e2);
  return [scale(a), scale(b)];
}

/** Quantity.Cmp: -1, 0 or 1; undefined when either does not parse. */
export function compareQuantities(a: unknown, b: unknown): -1 | 0 | 1 | undefined {
  const x = exactQuantity(a);
  const y = exactQuantity(b);
  if (x === undefined || y === undefined) return undefined;
  const [p, q] = commonScale(x, y);
  return p < q ? -1 : p > q ? 1 : 0;
}

/** ScaledValue rounded up: `Value()` at scale 0, `MilliValue()` at 3; undefined when unparseable. */
export function scaledQuantity(q: unknown, scale10: number): bigint | undefined {
  const x = exactQuantity(q);
  if (x === undefined) return undefined;
  const shift = x.exp10 + scale10;
  let num = x.mantissa * 2n ** BigInt(x.exp2);
  if (shift >= 0) return num * 10n ** BigInt(shift);
  const den = 10n ** BigInt(-shift);
  const whole = num / den;
  num -= whole * den;
  return num > 0n ? whole + 1n : whole;
}
