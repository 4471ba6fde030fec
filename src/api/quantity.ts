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
