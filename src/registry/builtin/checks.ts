/**
 * Field checks several built-in kinds share, with upstream's field paths, cause types and
 * wording: immutable fields, number ranges, IANA port names, and the controller rule that a
 * selector is required and must match the pod template's labels.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { labelSelectorMatches, validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import { FIELD_IMMUTABLE } from '../../api/object-meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, regexError } from '../../api/names.js';
import { rec, str, strMap } from './helpers.js';

/** `field is immutable` when the value changed (null and missing are the same). */
export function immutable(field: string, next: unknown, prev: unknown): FieldError[] {
  return isDeepStrictEqual(next ?? null, prev ?? null) ? [] : [fieldErrors.invalid(field, next ?? null, FIELD_IMMUTABLE)];
}

/** A number that must be ≥ 0 when present. */
export function nonNegative(field: string, v: unknown): FieldError[] {
  return typeof v === 'number' && v < 0 ? [fieldErrors.invalid(field, v, 'must be greater than or equal to 0')] : [];
}

/** A number that must be ≥ `min` when present. */
export function atLeast(field: string, v: unknown, min: number): FieldError[] {
  return typeof v === 'number' && v < min ? [fieldErrors.invalid(field, v, `must be greater than or equal to ${min}`)] : [];
}

export function inRange(field: string, v: unknown, lo: number, hi: number): FieldError[] {
  if (typeof v !== 'number' || (Number.isInteger(v) && v >= lo && v <= hi)) return [];
  return [fieldErrors.invalid(field, v, `must be between ${lo} and ${hi}, inclusive`)];
}

/** A port number 1-65535. */
export const portNumber = (field: string, v: unknown): FieldError[] => inRange(field, v ?? 0, 1, 65535);

/** IsValidPortName: an IANA service name (at most 15 lowercase alphanumerics and hyphens, with a letter). */
export function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(name)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(name)) errs.push('must contain at least one letter (a-z)');
  if (name.includes('--')) errs.push('must not contain consecutive hyphens');
  if (name.startsWith('-') || name.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

export const validPortName = (field: string, name: string): FieldError[] =>
  portNameErrors(name).map((m) => fieldErrors.invalid(field, name, m));

/** ValidatePortNumOrName: an IntOrString port is a number 1-65535 or an IANA service name. */
export const portNumOrName = (field: string, port: unknown): FieldError[] =>
  typeof port === 'string' ? validPortName(field, port) : portNumber(field, port);

/** A DNS-1123 label (container names, volume names). */
export const dnsLabel = (field: string, v: string): FieldError[] => isDNS1123Label(v).map((m) => fieldErrors.invalid(field, v, m));

export const dnsSubdomain = (field: string, v: string): FieldError[] => isDNS1123Subdomain(v).map((m) => fieldErrors.invalid(field, v, m));

export const qualifiedName = (field: string, v: string): FieldError[] => isQualifiedName(v).map((m) => fieldErrors.invalid(field, v, m));

/** A value from a fixed set (`Unsupported value`), when present. */
export function oneOf(field: string, v: unknown, allowed: readonly string[]): FieldError[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'string' && allowed.includes(v) ? [] : [fieldErrors.notSupported(field, v, allowed)];
}

export interface ControllerSelector {
  readonly selector: unknown;
  readonly templateLabels: unknown;
  /** e.g. `spec.selector`. */
  readonly selectorPath: string;
  /** e.g. `spec.template.metadata.labels`. */
  readonly labelsPath: string;
  /** The word in `empty selector is invalid for <what>`. */
  readonly what: string;
}

/** apps/v1 controllers: selector required, non-empty, valid, and matching the template's labels. */
export function validateControllerSelector(c: ControllerSelector): FieldError[] {
  if (c.selector === undefined || c.selector === null) return [fieldErrors.required(c.selectorPath)];
  const sel = rec(c.selector) as LabelSelector | undefined;
  if (sel === undefined) return [fieldErrors.invalid(c.selectorPath, c.selector, 'invalid label selector')];
  const errs = validateLabelSelector(sel, c.selectorPath);
  const size = Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length;
  if (size === 0) errs.push(fieldErrors.invalid(c.selectorPath, sel, `empty selector is invalid for ${c.what}`));
  if (errs.length === 0 && !labelSelectorMatches(sel, strMap(c.templateLabels))) {
    errs.push(fieldErrors.invalid(c.labelsPath, c.templateLabels ?? null, '`selector` does not match template `labels`'));
  }
  return errs;
}

/** Required string: `Required value` when missing or empty. */
export const requiredString = (field: string, v: unknown): FieldError[] =>
  typeof v === 'string' && v !== '' ? [] : [fieldErrors.required(field)];

/** RFC 3339 timestamps (metav1.Time); an unparseable one is an Invalid value. */
export function timestamp(field: string, v: unknown): FieldError[] {
  if (v === undefined || v === null) return [];
  return typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? [] : [fieldErrors.invalid(field, v, 'must be an RFC 3339 timestamp')];
}

const PERCENT_FMT = '[0-9]+%';

/** ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
export function intOrPercent(field: string, v: unknown, max100 = false): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return nonNegative(field, v);
  const s = str(v);
  if (!new RegExp(`^${PERCENT_FMT}$`).test(s)) {
    return [fieldErrors.invalid(field, v, regexError("a valid percent string must be a numeric string followed by an ending '%'", PERCENT_FMT, '1%', '93%'))];
  }
  return max100 && parseInt(s, 10) > 100 ? [fieldErrors.invalid(field, v, 'must not be greater than 100%')] : [];
}

export const intOrPercentValue = (v: unknown): number => (typeof v === 'number' ? v : parseInt(str(v), 10) || 0);
