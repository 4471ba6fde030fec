/**
 * Key order. Stores sort keys by their UTF-8 bytes; JavaScript compares strings by UTF-16 code
 * units. The two agree except that UTF-16 puts surrogate pairs (code points above U+FFFF) before
 * U+E000..U+FFFF, so those two bands are swapped before comparing.
 */
function weight(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Negative, zero or positive as `a` sorts before, equal to, or after `b` in byte order. */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return weight(x) - weight(y);
  }
  return a.length - b.length;
}
