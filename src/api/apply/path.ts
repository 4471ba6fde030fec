/**
 * Path elements of server-side apply, kept in their serialized FieldsV1 form (`f:name`,
 * `k:{"name":"a"}`, `v:"x"`, `i:0`) so that a field set can be a trie keyed by plain strings.
 * Keys and values are canonical JSON (object members sorted, compact), so equal elements always
 * serialize to the same string whatever order a client wrote them in.
 */

/** A path: a sequence of serialized elements. */
export type Path = readonly string[];

/** JSON with object members sorted recursively: the identity form of keys and values. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const members = Object.keys(obj)
    .sort(compareBytes)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
  return `{${members.join(',')}}`;
}

export const fieldElement = (name: string): string => `f:${name}`;
export const valueElement = (value: unknown): string => `v:${canonicalJson(value)}`;
export const indexElement = (index: number): string => `i:${index}`;
/** `k:{...}` from the key fields of a list-map element (already defaulted). */
export const keyElement = (key: Readonly<Record<string, unknown>>): string => `k:${canonicalJson(key)}`;

/** The name of a field element, or undefined for other kinds. */
export function fieldName(element: string): string | undefined {
  return element.startsWith('f:') ? element.slice(2) : undefined;
}

/** Upstream's byte-wise string order (UTF-16 order differs only for astral characters). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const KIND_RANK: Readonly<Record<string, number>> = { f: 0, k: 1, v: 2, i: 3 };

/** Element order of the FieldsV1 encoding: f: < k: < v: < i:, then by content. */
export function compareElements(a: string, b: string): number {
  const ka = KIND_RANK[a[0] ?? ''] ?? 4;
  const kb = KIND_RANK[b[0] ?? ''] ?? 4;
  if (ka !== kb) return ka - kb;
  const ra = a.slice(2);
  const rb = b.slice(2);
  switch (a[0]) {
    case 'f':
      return compareBytes(ra, rb);
    case 'k':
      return compareKeys(JSON.parse(ra) as Record<string, unknown>, JSON.parse(rb) as Record<string, unknown>);
    case 'v':
      return compareValues(JSON.parse(ra), JSON.parse(rb));
    case 'i':
      return Number(ra) - Number(rb);
    default:
      return compareBytes(a, b);
  }
}

/** Keys compare field by field (names sorted), then by number of fields. */
function compareKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): number {
  const na = Object.keys(a).sort(compareBytes);
  const nb = Object.keys(b).sort(compareBytes);
  for (let i = 0; i < Math.min(na.length, nb.length); i++) {
    const byName = compareBytes(na[i]!, nb[i]!);
    if (byName !== 0) return byName;
    const byValue = compareValues(a[na[i]!], b[nb[i]!]);
    if (byValue !== 0) return byValue;
  }
  return na.length - nb.length;
}

function valueRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (typeof v === 'boolean') return 3;
  return Array.isArray(v) ? 4 : 5;
}

/** null < numbers < strings < booleans < lists < maps, then by content. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = valueRank(a);
  const rb = valueRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareBytes(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return compareBytes(canonicalJson(a), canonicalJson(b));
}

/** One element as conflict messages print it: `.spec`, `[name="a"]`, `[="x"]`, `[0]`. */
export function elementToString(element: string): string {
  const rest = element.slice(2);
  switch (element[0]) {
    case 'f':
      return `.${rest}`;
    case 'k': {
      const key = JSON.parse(rest) as Record<string, unknown>;
      const parts = Object.keys(key)
        .sort(compareBytes)
        .map((k) => `${k}=${canonicalJson(key[k])}`);
      return `[${parts.join(',')}]`;
    }
    case 'v':
      return `[=${rest}]`;
    case 'i':
      return `[${rest}]`;
    default:
      return element;
  }
}

/** A whole path as upstream prints it: `.spec.containers[name="nginx"].image`. */
export function pathToString(path: Path): string {
  return path.map(elementToString).join('');
}
