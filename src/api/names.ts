/**
 * Name and key formats: DNS-1123/1035 names, path-segment names, qualified names (label and
 * annotation keys, finalizers), label values, and generateName suffixes. Each check returns
 * upstream's message strings (an empty list when valid) so callers can wrap them into field
 * errors exactly where kube-apiserver does; clients show these messages verbatim.
 *
 * Lengths are UTF-8 byte lengths, as Go's `len` counts them. Since Kubernetes 1.35 the label key
 * and value checks say "bytes" while the DNS name checks still say "characters"; both are kept.
 */

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const DNS1035_LABEL_MAX_LENGTH = 63;
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Upper bound on the sum of annotation key and value bytes (TotalAnnotationSizeLimitB). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** generateName: total length cap and suffix length (apiserver's SimpleNameGenerator). */
export const GENERATED_NAME_RANDOM_LENGTH = 5;
export const MAX_GENERATED_PREFIX_LENGTH = 63 - GENERATED_NAME_RANDOM_LENGTH;
/** Consonants and digits without vowels, so suffixes never spell words (utilrand.String). */
export const GENERATED_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL_FMT}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1035_LABEL_RE = new RegExp(`^${DNS1035_LABEL_FMT}$`);
const QUALIFIED_NAME_RE = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const QUALIFIED_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** `<msg> (e.g. 'a',  or 'b', regex used for validation is '<fmt>')`: upstream's RegexError, double space included. */
export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

type Unit = 'characters' | 'bytes';
const maxLenError = (n: number, unit: Unit): string => `must be no more than ${n} ${unit}`;

/**
 * UTF-8 length without allocating: what Go's `len(string)` reports. Node's count agrees on lone
 * surrogates too (3 bytes each: the U+FFFD that JSON decoding leaves in their place).
 */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function subdomain(value: string, unit: Unit): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH, unit));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** RFC 1123 subdomain: most object names (ConfigMap, Deployment, ...). */
export function isDNS1123Subdomain(value: string): string[] {
  return subdomain(value, 'characters');
}

/** RFC 1123 label: Namespace names, Service names (with 1035), label-like names. */
export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH, 'characters'));
  if (!DNS1123_LABEL_RE.test(value)) {
    // A valid subdomain that is not a label can only be failing on its dots.
    if (DNS1123_SUBDOMAIN_RE.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(DNS1123_LABEL_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** RFC 1035 label: like a 1123 label but must start with a letter (Service names). */
export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH, 'characters'));
  if (!DNS1035_LABEL_RE.test(value)) errs.push(regexError(DNS1035_LABEL_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  return errs;
}

/**
 * Names that only need to survive as one URL path segment (RBAC roles, CRD-less kinds). Like
 * upstream, neither emptiness nor length is checked here.
 */
export function isPathSegmentName(value: string): string[] {
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  return isPathSegmentPrefix(value);
}

/** A generateName prefix for path-segment names: `.` and `..` may still become valid. */
export function isPathSegmentPrefix(value: string): string[] {
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (value.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

/**
 * Qualified name: `[prefix/]name`, a DNS subdomain prefix and a 63-byte name of alphanumerics,
 * `-`, `_`, `.`. Label keys, annotation keys (checked lowercased) and finalizers use it.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = value;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...subdomain(prefix, 'bytes').map((m) => `prefix part ${m}`));
  } else {
    return [
      `a valid label key ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH, 'bytes')}`);
  if (!QUALIFIED_NAME_RE.test(name)) {
    errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** Label values: empty, or up to 63 bytes of alphanumerics, `-`, `_`, `.` starting and ending alphanumeric. */
export function isLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH, 'bytes'));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

/** Bytes counted against TOTAL_ANNOTATION_SIZE_LIMIT: every key plus every value. */
export function annotationsSize(annotations: Readonly<Record<string, string>> | undefined): number {
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) total += byteLength(k) + byteLength(String(v));
  return total;
}

/**
 * Validates an object name for one resource. `prefix` is true for a generateName, whose
 * trailing dash is fine because random characters follow.
 */
export type NameValidator = (name: string, prefix: boolean) => string[];

/**
 * Upstream's maskTrailingDash, quirk included: it drops the last *two* characters before
 * appending `a`, so `ab-` is checked as `aa`.
 */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);

export const nameIsDNSLabel: NameValidator = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);

export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

export const nameIsPathSegment: NameValidator = (name, prefix) =>
  prefix ? isPathSegmentPrefix(name) : isPathSegmentName(name);

/**
 * `prefix` plus five random characters from GENERATED_NAME_ALPHABET, the prefix cut to 58 so the
 * result fits a 63-character label. `random` returns values in [0, 1) like Math.random; tests
 * inject a deterministic one. Truncation counts UTF-16 units (Go counts bytes); prefixes that
 * differ are not valid names anyway.
 */
export function generateName(prefix: string, random: () => number = Math.random): string {
  const base = prefix.length > MAX_GENERATED_PREFIX_LENGTH ? prefix.slice(0, MAX_GENERATED_PREFIX_LENGTH) : prefix;
  let suffix = '';
  const n = GENERATED_NAME_ALPHABET.length;
  for (let i = 0; i < GENERATED_NAME_RANDOM_LENGTH; i++) {
    const idx = Math.min(n - 1, Math.max(0, Math.floor(random() * n)));
    suffix += GENERATED_NAME_ALPHABET[idx];
  }
  return base + suffix;
}
