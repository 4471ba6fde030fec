/**
 * Header access shared by the front-proxy and impersonation parsers. Repeated headers matter
 * (one X-Remote-Group / Impersonate-Group per group), and Node's `req.headers` joins repeats
 * with ", ": pass `req.headersDistinct` (or any lower- or mixed-case record of string lists).
 */

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Lower-cased name → every value, in order. */
export function normalizeHeaders(headers: HeaderBag): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), ...(typeof value === 'string' ? [value] : value)]);
  }
  return out;
}

/**
 * url.PathUnescape: `%XX` decoded (as UTF-8 bytes), `+` kept; a malformed escape leaves the
 * whole key as sent, since upstream always records extras, even malformed ones.
 */
export function pathUnescape(s: string): string {
  if (!s.includes('%')) return s;
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(s[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
