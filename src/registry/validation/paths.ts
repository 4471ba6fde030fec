/**
 * Field paths and small JSON helpers shared by the validators. Paths follow the upstream
 * conventions every client sees: object keys joined by `.`, list indices as `[i]`, so a
 * warning reads `unknown field "spec.template.spec.containers[0].foo"`.
 */

/** `parent.key`, or `key` at the root. */
export const childPath = (parent: string, key: string): string => (parent === '' ? key : `${parent}.${key}`);

/** `parent[i]`. */
export const indexPath = (parent: string, index: number): string => `${parent}[${index}]`;

/** `parent[key]`: how upstream names a map entry of a schema (`properties[spec]`). */
export const keyPath = (parent: string, key: string): string => `${parent}[${key}]`;

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own-property lookup, safe for keys such as `__proto__` or `constructor`. */
export function own<T>(rec: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return rec !== undefined && Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** The JSON type name of a parsed value, with integral numbers as `integer` (kube-openapi's naming). */
export function jsonType(v: unknown): 'null' | 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return Array.isArray(v) ? 'array' : 'object';
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ob = b as JsonObject;
  return ka.every((k) => Object.hasOwn(ob, k) && jsonEqual((a as JsonObject)[k], ob[k]));
}

/** A deep copy of a JSON value (defaults must never be shared between objects). */
export function cloneJson<T>(v: T): T {
  return v === undefined || v === null || typeof v !== 'object' ? v : (structuredClone(v) as T);
}

/** Number of Unicode code points, which is what Go's rune counts measure. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u000b': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `strconv.Quote` for the characters that occur in practice (upstream quotes paths with it). */
export function goQuote(s: string): string {
  if (!/[\u0000-\u001f"\\\u007f]/.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const esc = GO_ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (ch < ' ' || ch === '\u007f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** JSON with object keys sorted, as Go marshals maps: equal values give equal text. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (typeof v !== 'object' || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as JsonObject;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}
