/**
 * Duplicate keys in a JSON body. `JSON.parse` silently keeps the last value, while kube's strict
 * decoder reports `duplicate field "spec.replicas"` (a warning by default, a 400 with
 * fieldValidation=Strict), so the raw text is scanned once more. This runs on every JSON write:
 * one pass, no allocation per value, keys decoded only when they contain escapes, and paths
 * built only for the (rare) duplicates.
 */

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Upstream stops collecting strict errors at 100. */
const MAX_DUPLICATES = 100;

/**
 * Paths of keys that appear more than once in the same object, in document order, each once.
 * The text is assumed to be JSON; on malformed input the scan stops quietly with what it found.
 */
export function findDuplicateFields(jsonText: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  /** Per open container: its key set (objects) or null (arrays). */
  const keys: (Set<string> | null)[] = [];
  /** Per open container: the current key (objects) or index (arrays), for paths. */
  const at: (string | number)[] = [];
  let expectKey = false;
  const n = jsonText.length;
  let i = 0;
  while (i < n) {
    const c = jsonText.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(jsonText, i + 1);
      if (end < 0) break;
      const top = keys.length - 1;
      const set = keys[top];
      if (expectKey && set) {
        const key = decodeKey(jsonText, i + 1, end);
        if (set.has(key)) {
          const path = pathOf(at, keys, key);
          if (!seen.has(path) && found.length < MAX_DUPLICATES) {
            seen.add(path);
            found.push(path);
          }
        } else {
          set.add(key);
        }
        at[top] = key;
        expectKey = false;
      }
      i = end + 1;
      continue;
    }
    switch (c) {
      case OPEN_OBJECT:
        keys.push(new Set());
        at.push('');
        expectKey = true;
        break;
      case OPEN_ARRAY:
        keys.push(null);
        at.push(0);
        expectKey = false;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        keys.pop();
        at.pop();
        expectKey = false;
        break;
      case COMMA: {
        const top = keys.length - 1;
        if (keys[top]) expectKey = true;
        else if (top >= 0) at[top] = (at[top] as number) + 1;
        break;
      }
      default:
        break;
    }
    i++;
  }
  return found;
}

/** Index of the closing quote of the string whose content starts at `from`, or -1. */
function stringEnd(text: string, from: number): number {
  let j = from;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let slashes = 0;
    for (let k = q - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if (slashes % 2 === 0) return q;
    j = q + 1;
  }
}

function decodeKey(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  if (raw.indexOf('\\') < 0) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** `a.b[2].key` from the open containers (the innermost is the object holding `key`). */
function pathOf(at: readonly (string | number)[], keys: readonly (Set<string> | null)[], key: string): string {
  let path = '';
  for (let j = 0; j < at.length - 1; j++) {
    const seg = at[j]!;
    if (keys[j]) path += path === '' ? String(seg) : `.${String(seg)}`;
    else path += `[${String(seg)}]`;
  }
  return path === '' ? key : `${path}.${key}`;
}
