/**
 * CEL's `matches` on RE2. cel-js implements `matches` with JavaScript's backtracking RegExp and
 * does not let an environment replace a built-in overload, so sources are compiled with every
 * call of `matches` renamed to `rematch`, which the environment binds to RE2 (src/api/re2.ts).
 * The name has the same length, so positions in compile errors stay right. String and bytes
 * literals, and fields that merely share the name, are left alone.
 */
import type { Environment } from '@marcbachmann/cel-js';
import { re2Test } from './re2.js';

const CALL = 'matches';
const ROUTED = 'rematch';

/** Binds `rematch` (receiver and global form) to RE2. */
export function withRe2Matches(env: Environment): Environment {
  return env
    .registerFunction(`string.${ROUTED}(string): bool`, (s: string, pattern: string) => re2Test(pattern, s))
    .registerFunction(`${ROUTED}(string, string): bool`, (s: string, pattern: string) => re2Test(pattern, s));
}

const isIdentStart = (c: string): boolean => /[A-Za-z_]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_]/.test(c);

/** `source` with calls of `matches` renamed to `rematch`; everything else byte for byte. */
export function routeMatchesToRe2(source: string): string {
  if (!source.includes(CALL)) return source;
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '"' || c === "'") {
      const end = literalEnd(source, i);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < source.length && isIdentPart(source[j]!)) j++;
      const word = source.slice(i, j);
      // A string prefix (r, b, rb, ...) right before a quote belongs to the literal.
      if (/^[rRbB]{1,2}$/.test(word) && (source[j] === '"' || source[j] === "'")) {
        const end = literalEnd(source, j, /[rR]/.test(word));
        out += source.slice(i, end);
        i = end;
        continue;
      }
      let k = j;
      while (k < source.length && /\s/.test(source[k]!)) k++;
      out += word === CALL && source[k] === '(' ? ROUTED : word;
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Index just past the string literal opening at `start` (single or triple quoted). */
function literalEnd(s: string, start: number, raw = false): number {
  const q = s[start]!;
  const triple = s.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  while (i < s.length) {
    if (!raw && s[i] === '\\') {
      i += 2;
      continue;
    }
    if (s.startsWith(close, i)) return i + close.length;
    if (!triple && s[i] === '\n') return i; // unterminated: let the parser report it
    i++;
  }
  return s.length;
}
