/**
 * Request headers from the raw name/value list, as node's IncomingMessage builds `headers` and
 * `headersDistinct`: names lower-cased; for the fields HTTP allows once, the first value wins;
 * Set-Cookie values stay a list, Cookie values join with "; ", all others with ", ".
 */

/** Fields node keeps the first occurrence of (its matchKnownFields). */
const FIRST_WINS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

export type IncomingHeaders = Record<string, string | string[] | undefined>;

export function joinedHeaders(raw: readonly string[]): IncomingHeaders {
  const out: IncomingHeaders = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = out[name];
    if (seen === undefined) out[name] = name === 'set-cookie' ? [value] : value;
    else if (name === 'set-cookie') (seen as string[]).push(value);
    else if (!FIRST_WINS.has(name)) out[name] = `${seen as string}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}

export function distinctHeaders(raw: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    (out[name] ??= []).push(raw[i + 1]!);
  }
  return out;
}

/** Outgoing headers (as node's setHeader keeps them) as a flat name/value list; a list value repeats the name. */
export function flatHeaders(headers: ReadonlyMap<string, { name: string; value: number | string | readonly string[] }>): string[] {
  const out: string[] = [];
  for (const { name, value } of headers.values()) {
    if (Array.isArray(value)) for (const v of value as readonly string[]) out.push(name, v);
    else out.push(name, String(value));
  }
  return out;
}
