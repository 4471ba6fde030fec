/**
 * Label selectors as data: requirements, matching, the canonical string form, and the
 * `metav1.LabelSelector` object (matchLabels / matchExpressions) that Deployments, Services'
 * scale, BindingPolicies and friends embed. The `?labelSelector=` string parser lives in
 * label-selector-parse.ts and produces the same requirements.
 *
 * A selector is `readonly LabelRequirement[] | null`: the requirements are ANDed, so `[]`
 * matches everything, and `null` matches nothing (what a *missing* metav1.LabelSelector means).
 */
import { badRequest, fieldErrors, type FieldError } from './errors.js';
import { isLabelValue, isQualifiedName } from './names.js';

/** The operators of apimachinery's `selection` package, spelled as there. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** `in`/`notin`: one or more; `=`, `==`, `!=`, `gt`, `lt`: exactly one; `exists`, `!`: none. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>>;

/** `metav1.LabelSelectorRequirement`; `operator` stays a string so invalid input can be reported. */
export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[] | null;
}

/** `metav1.LabelSelector`. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: LabelSelectorRequirement[] | null;
}

export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** `a: b; c` → one field-error body per upstream's `strings.Join(errs, "; ")`. */
const joined = (msgs: readonly string[]): string => msgs.join('; ');

/**
 * The checks of upstream's NewRequirement, as field errors (paths `key`, `values`,
 * `values[i][key]`), so parse and conversion failures carry upstream's wording.
 */
export function requirementErrors(key: string, operator: LabelOperator, values: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) errs.push(fieldErrors.invalid('key', key, joined(keyMsgs)));
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(fieldErrors.invalid('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(fieldErrors.invalid('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(fieldErrors.invalid('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(fieldErrors.invalid('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(fieldErrors.invalid(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
  }
  values.forEach((v, i) => {
    const msgs = isLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErrors.invalid(`values[${i}][${key}]`, v, joined(msgs)));
  });
  return errs;
}

/** Upstream's error aggregate: one error alone, several deduplicated inside `[...]`. */
export function aggregateMessage(errs: readonly FieldError[]): string {
  const msgs = [...new Set(errs.map((e) => `${e.field}: ${e.detail}`))];
  return msgs.length === 1 ? (msgs[0] ?? '') : `[${msgs.join(', ')}]`;
}

/** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n < -(2n ** 63n) || n >= 2n ** 63n ? undefined : n;
}

function lookup(labels: Labels | undefined, key: string): string | undefined {
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/** One requirement against a label map. `!=` and `notin` match when the key is absent. */
export function requirementMatches(req: LabelRequirement, labels: Labels | undefined): boolean {
  const value = lookup(labels, req.key);
  switch (req.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && req.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !req.values.includes(value);
    case 'exists':
      return value !== undefined;
    case '!':
      return value === undefined;
    case 'gt':
    case 'lt': {
      if (value === undefined || req.values.length !== 1) return false;
      const have = parseInt64(value);
      const want = parseInt64(req.values[0] ?? '');
      if (have === undefined || want === undefined) return false;
      return req.operator === 'gt' ? have > want : have < want;
    }
  }
}

/** The whole selector: `null` matches nothing, `[]` everything, otherwise every requirement must hold. */
export function labelsMatch(selector: readonly LabelRequirement[] | null, labels: Labels | undefined): boolean {
  if (selector === null) return false;
  return selector.every((r) => requirementMatches(r, labels));
}

const byKey = (a: LabelRequirement, b: LabelRequirement): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Requirements in upstream's canonical order (by key), as Parse and LabelSelectorAsSelector return them. */
export function sortRequirements(reqs: readonly LabelRequirement[]): LabelRequirement[] {
  return [...reqs].sort(byKey);
}

const INFIX: Partial<Record<LabelOperator, string>> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<' };

/** The canonical string (`a=b,c in (x,y),!d`), as Scale `status.selector` and kubectl show it. */
export function formatLabelSelector(selector: readonly LabelRequirement[]): string {
  return selector.map(formatRequirement).join(',');
}

function formatRequirement(r: LabelRequirement): string {
  if (r.operator === '!') return `!${r.key}`;
  if (r.operator === 'exists') return r.key;
  const values = r.values.length === 1 ? (r.values[0] ?? '') : [...r.values].sort().join(',');
  const set = r.operator === 'in' || r.operator === 'notin';
  return `${r.key}${INFIX[r.operator] ?? ''}${set ? `(${values})` : values}`;
}

/** A `key=value` map (Service `.spec.selector`, matchLabels) as a selector; empty or missing matches everything. */
export function labelSelectorFromSet(set: Labels | null | undefined): LabelRequirement[] {
  return sortRequirements(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=', values: [v] })));
}

const META_OPERATORS: Readonly<Record<string, LabelOperator>> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * Converts a `metav1.LabelSelector` (upstream's LabelSelectorAsSelector). `null`/`undefined`
 * gives `null` (matches nothing); `{}` gives `[]` (matches everything). Throws 400 BadRequest
 * on what validateLabelSelector would have rejected; run that first to answer 422 instead.
 */
export function labelSelectorToRequirements(selector: LabelSelector | null | undefined): LabelRequirement[] | null {
  if (selector === null || selector === undefined) return null;
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) reqs.push(checked(key, '=', [value]));
  for (const expr of selector.matchExpressions ?? []) {
    const op = Object.hasOwn(META_OPERATORS, expr.operator) ? META_OPERATORS[expr.operator] : undefined;
    if (op === undefined) throw badRequest(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(checked(expr.key, op, [...(expr.values ?? [])]));
  }
  return sortRequirements(reqs);
}

function checked(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw badRequest(aggregateMessage(errs));
  return { key, operator, values };
}

/** Matches labels against a `metav1.LabelSelector` directly: a missing selector matches nothing. */
export function labelSelectorMatches(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  return labelsMatch(labelSelectorToRequirements(selector), labels);
}

export interface LabelSelectorValidationOptions {
  /** Tolerate invalid values in matchExpressions (upstream allows it for already-stored objects on update). */
  readonly allowInvalidLabelValueInSelector?: boolean;
}

/**
 * Upstream's ValidateLabelSelector: field errors under `fieldPath` (e.g. `spec.selector`),
 * such as `spec.selector.matchExpressions[0].values`. A missing selector is valid here;
 * whether one is required is the caller's rule.
 */
export function validateLabelSelector(
  selector: LabelSelector | null | undefined,
  fieldPath: string,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (selector === null || selector === undefined) return [];
  const errs = validateLabels(selector.matchLabels ?? undefined, `${fieldPath}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateSelectorRequirement(expr, `${fieldPath}.matchExpressions[${i}]`, opts));
  });
  return errs;
}

function validateSelectorRequirement(
  expr: LabelSelectorRequirement,
  path: string,
  opts: LabelSelectorValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = expr.values ?? [];
  switch (expr.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(fieldErrors.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      errs.push(fieldErrors.invalid(`${path}.operator`, expr.operator, 'not a valid selector operator'));
  }
  for (const msg of isQualifiedName(expr.key)) errs.push(fieldErrors.invalid(`${path}.key`, expr.key, msg));
  if (opts.allowInvalidLabelValueInSelector !== true) {
    values.forEach((v, i) => {
      for (const msg of isLabelValue(v)) errs.push(fieldErrors.invalid(`${path}.values[${i}]`, v, msg));
    });
  }
  return errs;
}

/** Upstream's ValidateLabels: every key a qualified name, every value a label value, both reported at `fieldPath`. */
export function validateLabels(labels: Labels | undefined, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(fieldErrors.invalid(fieldPath, k, msg));
    for (const msg of isLabelValue(v)) errs.push(fieldErrors.invalid(fieldPath, v, msg));
  }
  return errs;
}
