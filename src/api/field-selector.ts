/**
 * Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`), parsed as
 * apimachinery's fields.ParseSelector: comma-joined `field=value`, `field==value` or
 * `field!=value` terms; in values a backslash escapes `\`, `,` and `=` (an unescaped `,` or `=`
 * in a value, or any other escape, is an error). Field names are taken literally, whitespace
 * included. Matching is against a flat map of field values each kind computes for its objects;
 * the registry first rejects fields the kind does not support, as kube does with 400 BadRequest.
 */
import { badRequest, type StatusError } from './errors.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is read as `=`. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

export type Fields = Readonly<Record<string, string>>;

/** Splits on unescaped commas; escapes stay in place for unescapeFieldValue. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator occurrence splits the term; `!=` and `==` win over `=` at the same spot. */
function splitTerm(term: string): [string, '=' | '==' | '!=', string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

/**
 * Parses a field selector into requirements, ordered as upstream orders terms (sorted as
 * strings). `""` gives `[]`, which matches everything. Throws 400 BadRequest.
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (split === undefined) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, raw] = split;
    reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(raw) });
  }
  return reqs;
}

/** Undoes escapeFieldValue; throws 400 BadRequest with upstream's messages on bad input. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let escaped = false;
  for (const c of s) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw invalidEscape(`\\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ',' || c === '=') {
      // Upstream prints the rune with %v, i.e. as its code point number.
      throw badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (escaped) throw invalidEscape('\\');
  return out;
}

const invalidEscape = (sequence: string): StatusError =>
  badRequest(`invalid field selector: invalid escape sequence: ${sequence}`);

/** Escapes `\`, `,` and `=` so any literal value survives a round trip through the selector syntax. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** The canonical string form (`a=b,c!=d`, values escaped). */
export function formatFieldSelector(reqs: readonly FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

/**
 * Whether the object's field values satisfy every requirement. A field missing from the map
 * reads as `""`, as upstream's fields.Set does; supply every supported field to avoid surprises.
 */
export function fieldsMatch(reqs: readonly FieldRequirement[], fields: Fields): boolean {
  return reqs.every((r) => {
    const value = Object.hasOwn(fields, r.field) ? fields[r.field] : '';
    return r.operator === '=' ? value === r.value : value !== r.value;
  });
}

/** The distinct fields a selector uses, in first-use order, for checking against what a kind supports. */
export function fieldSelectorFields(reqs: readonly FieldRequirement[]): string[] {
  return [...new Set(reqs.map((r) => r.field))];
}

/** The exact value a selector requires for `field` (`metadata.name=x` → `x`), letting a list narrow its key range. */
export function requiredFieldValue(reqs: readonly FieldRequirement[], field: string): string | undefined {
  return reqs.find((r) => r.field === field && r.operator === '=')?.value;
}

/** The fields every kind supports (apimachinery's DefaultMetaV1FieldSelectorConversion). */
export const DEFAULT_SELECTABLE_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];

/**
 * Wording of the rejection. Upstream has two: kinds without their own field conversion
 * (ConfigMap, Deployment, ...) say `"x" is not a known field selector: only "metadata.name",
 * "metadata.namespace"` (`'known'`); kinds with one (Pod, Event, Secret, Namespace, Node, ...)
 * and custom resources say `field label not supported: x` (`'label'`).
 */
export type FieldSelectorWording = 'known' | 'label';

/** The 400 BadRequest kube answers for a field a kind cannot select on. */
export function unsupportedFieldSelector(
  field: string,
  supported: readonly string[] = DEFAULT_SELECTABLE_FIELDS,
  wording: FieldSelectorWording = 'known',
): StatusError {
  if (wording === 'label') return badRequest(`field label not supported: ${field}`);
  return badRequest(`${JSON.stringify(field)} is not a known field selector: only ${supported.map((f) => JSON.stringify(f)).join(', ')}`);
}

/** Throws unsupportedFieldSelector for the first requirement on a field outside `supported`. */
export function checkFieldSelector(
  reqs: readonly FieldRequirement[],
  supported: readonly string[] = DEFAULT_SELECTABLE_FIELDS,
  wording: FieldSelectorWording = 'known',
): void {
  const allowed = new Set(supported);
  for (const r of reqs) if (!allowed.has(r.field)) throw unsupportedFieldSelector(r.field, supported, wording);
}
