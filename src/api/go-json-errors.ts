/**
 * Go's encoding/json syntax errors, for the places where kube-apiserver shows them to clients
 * (continue tokens, docker config Secrets), derived from V8's JSON.parse error.
 */

/**
 * V8's JSON.parse complaints, by how Go's scanner names the same place; an unexpected character
 * anywhere else is one where a value should have begun.
 */
const SYNTAX_CONTEXTS: readonly [RegExp, string][] = [
  [/after JSON/, 'after top-level value'],
  [/^Expected (property name|double-quoted property name)/, 'looking for beginning of object key string'],
  [/^Expected ':'/, 'after object key'],
  [/^Expected ',' or '\}'/, 'after object key:value pair'],
  [/^Expected ',' or '\]'/, 'after array element'],
  [/^Bad control character/, 'in string literal'],
  [/^Bad escaped character/, 'in string escape code'],
  [/^(No number after minus sign|Unterminated fractional number|Exponent part is missing)/, 'in numeric literal'],
];

/**
 * Go's encoding/json syntax error for `text` (one character per byte, as Go reports bytes: pass
 * bytes decoded as latin1), or undefined when it is well-formed. Covers the common shapes, not every message of Go's scanner:
 * truncated input, and an unexpected character named with the place it was found.
 */
export function goJsonSyntaxError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    const at = /at position (\d+)/.exec(message);
    const ch = at !== null ? text[Number(at[1])] : /^Unexpected token '(.)'/su.exec(message)?.[1];
    if (ch === undefined || /Unterminated string/.test(message)) return 'unexpected end of JSON input';
    const context = SYNTAX_CONTEXTS.find(([re]) => re.test(message))?.[1] ?? 'looking for beginning of value';
    return `invalid character ${quoteByte(ch)} ${context}`;
  }
}

/** A byte as Go's JSON errors quote it: strconv.Quote's escapes, in single quotes. */
function quoteByte(ch: string): string {
  const c = ch.charCodeAt(0);
  const named: Readonly<Record<number, string>> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 39: "'", 92: '\\' };
  const hex = c.toString(16).padStart(2, '0');
  if (named[c] !== undefined) return `'\\${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${hex}'`;
  // Latin-1 controls, the no-break space and the soft hyphen are not printable to Go.
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `'\\u00${hex}'`;
  return `'${ch}'`;
}
