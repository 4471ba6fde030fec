/**
 * `Warning` response header values, as upstream's warning recorder writes them: one value per
 * distinct text, `299 - "<text>"` with `"` and `\` escaped; once the texts pass 4096 runes in
 * total every warning is cut to 256 runes, and warnings beyond the budget are dropped. Node
 * writes header strings as Latin-1, so each value is re-encoded from UTF-8 first, or client-go
 * would see invalid UTF-8 and drop the warning.
 */

const TOTAL_RUNES = 4 * 1024;
const ITEM_RUNES = 256;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Header values for `res.setHeader('Warning', values)` (one header line each). */
export function warningHeaderValues(texts: readonly string[], agent = '-'): string[] {
  const recorded = new Set<string>();
  const ordered: string[] = [];
  let out: string[] = [];
  let written = 0;
  let truncating = false;
  for (const text of texts) {
    if (text === '') continue;
    if (truncating && written >= TOTAL_RUNES) break;
    if (recorded.has(text)) continue;
    recorded.add(text);
    ordered.push(text);
    let runes = Array.from(text);
    if (truncating && runes.length > ITEM_RUNES) runes = runes.slice(0, ITEM_RUNES);
    const value = headerValue(agent, runes.join(''));
    if (value === undefined) continue;
    if (written + runes.length <= TOTAL_RUNES || truncating) {
      written += runes.length;
      out.push(value);
      continue;
    }
    // Over budget: start again with every warning so far cut short.
    truncating = true;
    written = 0;
    out = [];
    for (const earlier of ordered) {
      const cut = Array.from(earlier).slice(0, ITEM_RUNES);
      const v = headerValue(agent, cut.join(''));
      if (v === undefined) continue;
      written += cut.length;
      out.push(v);
    }
  }
  return out;
}

/**
 * `299 <agent> "<text>"` encoded for Node's Latin-1 header writer, or undefined when the text
 * cannot be sent (control characters or unpaired surrogates: upstream refuses such texts).
 */
export function headerValue(agent: string, text: string): string | undefined {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text) || LONE_SURROGATE.test(text)) return undefined;
  const quoted = `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return Buffer.from(`299 ${agent === '' ? '-' : agent} ${quoted}`, 'utf8').toString('latin1');
}
