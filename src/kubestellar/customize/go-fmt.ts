/**
 * The pieces of Go's fmt and strconv that template output depends on: how values print (%v, %s,
 * %d, %q, with fmt's %!verb(type=value) for mismatches), strconv.Quote, float formatting, and the
 * html and urlquery escapers.
 */
import { Buffer } from 'node:buffer';

/** A value during template execution, named after the Go type it stands for. */
export type Value =
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'int'; readonly v: number }
  | { readonly k: 'uint8'; readonly v: number }
  | { readonly k: 'float'; readonly v: number }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'map'; readonly v: ReadonlyMap<string, string> }
  | { readonly k: 'nil' };

export const str = (v: string): Value => ({ k: 'string', v });

export function typeName(v: Value): string {
  switch (v.k) {
    case 'float':
      return 'float64';
    case 'map':
      return 'map[string]string';
    case 'nil':
      return '<nil>';
    default:
      return v.k;
  }
}

// printf: %s, %d, %v, %q and %% without flags or widths; anything else is refused before running.

/** The first conversion in `format` this implementation does not execute (flags, widths, other verbs). */
export function unsupportedVerb(format: string): string | undefined {
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    let j = i + 1;
    while (j < format.length && '+-# 0123456789.*[]'.includes(format[j]!)) j++;
    if (j >= format.length) return undefined; // a trailing "%" prints %!(NOVERB), as in Go
    const verb = String.fromCodePoint(format.codePointAt(j)!);
    if (j !== i + 1 || !'sdvq%'.includes(verb)) return format.slice(i, j + verb.length);
    i = j + verb.length - 1;
  }
  return undefined;
}
export const unsupportedVerbMessage = (spec: string): string => `unsupported printf verb ${goQuote(spec)}: only %s, %d, %v, %q and %% are implemented`;

/** fmt.Print of one value. */
export function printValue(v: Value): string {
  return fmtValue(v, 'v');
}

export function fmtValue(v: Value, verb: string): string {
  const bad = (): string => (v.k === 'nil' ? `%!${verb}(<nil>)` : `%!${verb}(${typeName(v)}=${fmtValue(v, 'v')})`);
  switch (v.k) {
    case 'string':
      return verb === 'v' || verb === 's' ? v.v : verb === 'q' ? goQuote(v.v) : bad();
    case 'int':
    case 'uint8':
      return verb === 'v' || verb === 'd' ? String(v.v) : verb === 'q' ? goQuoteRune(v.v) : bad();
    case 'float':
      return verb === 'v' ? formatFloat(v.v) : bad();
    case 'bool':
      return verb === 'v' ? String(v.v) : bad();
    case 'nil':
      return verb === 'v' ? '<nil>' : bad();
    case 'map': {
      // fmt prints maps with sorted keys, applying the verb to keys and values.
      const keys = [...v.v.keys()].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      return `map[${keys.map((k) => `${fmtValue(str(k), verb)}:${fmtValue(str(v.v.get(k)!), verb)}`).join(' ')}]`;
    }
  }
}

/** fmt.Sprint: a space between operands when neither is a string. */
export function sprint(args: readonly Value[]): string {
  let out = '';
  args.forEach((arg, i) => {
    const isString = arg.k === 'string';
    if (i > 0 && !isString && args[i - 1]!.k !== 'string') out += ' ';
    out += fmtValue(arg, 'v');
  });
  return out;
}

export const sprintln = (args: readonly Value[]): string => `${args.map((a) => fmtValue(a, 'v')).join(' ')}\n`;

export function sprintf(format: string, args: readonly Value[]): string {
  let out = '';
  let argNum = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = format[i + 1];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    i++;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const arg = args[argNum++];
    out += arg === undefined ? `%!${verb}(MISSING)` : fmtValue(arg, verb);
  }
  if (argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => (a.k === 'nil' ? '<nil>' : `${typeName(a)}=${fmtValue(a, 'v')}`))
      .join(', ')})`;
  }
  return out;
}

/** The text html and urlquery escape: a lone string as is, otherwise fmt.Sprint. */
export function evalArgs(args: readonly Value[]): string {
  if (args.length === 1 && args[0]!.k === 'string') return args[0]!.v;
  return sprint(args.map((a) => (a.k === 'nil' ? str('<no value>') : a)));
}

export function htmlEscape(s: string): string {
  return s.replace(/["'&<>\0]/g, (c) => ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' })[c]!);
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** strconv.FormatFloat(f, 'g', -1, 64), which is what %v prints. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // Go switches to an exponent below 1e-4 and from 1e6 on (shortest form, precision 6 for the choice).
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = exp + 1;
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const isPrint = (cp: number): boolean => PRINTABLE.test(String.fromCodePoint(cp));

function escapeRune(cp: number, quote: string): string {
  const ch = String.fromCodePoint(cp);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (isPrint(cp)) return ch;
  const named: Readonly<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
  if (named[cp] !== undefined) return named[cp];
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"');
  return `${out}"`;
}

/** strconv.QuoteRune, what %q prints for an integer. */
export function goQuoteRune(n: number): string {
  const valid = Number.isInteger(n) && n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff);
  return `'${escapeRune(valid ? n : 0xfffd, "'")}'`;
}

/** fmt's %#U: U+0041 'A'. */
export function formatU(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return isPrint(cp) ? `${hex} '${String.fromCodePoint(cp)}'` : hex;
}
