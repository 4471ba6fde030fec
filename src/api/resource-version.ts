/**
 * The read-consistency knobs of list and watch requests (`resourceVersion`,
 * `resourceVersionMatch`, `continue`, `sendInitialEvents`), checked in kube-apiserver's order
 * and turned into a small plan the registry executes. Rule violations of ListOptions are
 * 422 Invalid (kind ListOptions, group meta.k8s.io) as upstream's ValidateListOptions makes
 * them; unparsable values are 400 BadRequest as the storage layer makes them. Whether a
 * revision is compacted (410 Expired) or in the future (504 Timeout) is for the caller to say.
 */
import { badRequest, expired, fieldErrors, invalid, type FieldError, type StatusError } from './errors.js';
import { goJsonSyntaxError } from './go-json-errors.js';
import { kindOf } from './patch/json-value.js';

export type ResourceVersionMatch = 'Exact' | 'NotOlderThan';

/** Which state a read may observe. */
export type ReadPoint =
  /** `resourceVersion` unset: a consistent read of the current state. */
  | { readonly kind: 'latest' }
  /** `"0"`: any state the server has (a cache is fine); the current state always qualifies. */
  | { readonly kind: 'any' }
  /** The state at this revision or newer (wait briefly, then 504 if the store is behind). */
  | { readonly kind: 'notOlderThan'; readonly revision: number }
  /** Exactly this revision (410 Expired once compacted). */
  | { readonly kind: 'exact'; readonly revision: number };

export interface ListPlan {
  readonly read: ReadPoint;
  /** From a continue token: resume after this key, relative to the listed prefix. */
  readonly continueKey?: string;
  /**
   * resourceVersion "0": served whole, as the watch cache serves it, whatever `limit` says (a
   * reflector's first list relies on it).
   */
  readonly ignoresLimit?: true;
}

/** How a watch starts. */
export type WatchPlan =
  /** Send the state at `read` as ADDED events, then changes after it; `endBookmark` for WatchList. */
  | { readonly kind: 'initialEvents'; readonly read: ReadPoint; readonly endBookmark: boolean }
  /** No initial events: changes after the current revision. */
  | { readonly kind: 'fromNow' }
  /** No initial events: changes after `revision` (410 Expired once compacted). */
  | { readonly kind: 'after'; readonly revision: number };

/** The query parameters that matter here, as strings/flags already read from the URL. */
export interface ReadQuery {
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: string;
  readonly continue?: string;
  readonly limit?: number;
  /** `undefined` when the parameter was absent: its default depends on resourceVersion. */
  readonly sendInitialEvents?: boolean;
}

export interface WatchOptions {
  /** Whether WatchList (`sendInitialEvents`) is served; off, kube says it is forbidden and clients fall back. */
  readonly watchListEnabled?: boolean;
}

const LIST_OPTIONS = { group: 'meta.k8s.io', kind: 'ListOptions' } as const;
const RVM = 'resourceVersionMatch';

/**
 * Parses a `resourceVersion` the way kube's storage does: `""`/undefined → `undefined`
 * (unset), `"0"` → `0` (any), a decimal uint64 → that revision (leading zeros allowed, no
 * sign). Anything else is 400 BadRequest. Revisions past 2^53 lose precision but stay larger
 * than any real revision, so they still read as "too large".
 */
export function parseResourceVersion(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9]+$/.test(value)) throw invalidRV(value, 'invalid syntax');
  if (BigInt(value) >= 2n ** 64n) throw invalidRV(value, 'value out of range');
  return Number(value);
}

/** Go's ParseUint failure as the etcd3 store words it. */
const invalidRV = (value: string, why: string): StatusError =>
  badRequest(
    `invalid resource version: resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: ${why}`,
  );

/** Upstream's ValidateListOptions for a list (non-watch) request; empty when valid. */
export function validateListQuery(q: ReadQuery): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  if (match !== '') {
    if ((q.resourceVersion ?? '') === '') {
      errs.push(fieldErrors.forbidden(RVM, 'resourceVersionMatch is forbidden unless resourceVersion is provided'));
    }
    if ((q.continue ?? '') !== '') errs.push(forbiddenWithContinue());
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      errs.push(fieldErrors.notSupported(RVM, match, ['Exact', 'NotOlderThan', '']));
    }
    if (match === 'Exact' && q.resourceVersion === '0') {
      errs.push(fieldErrors.forbidden(RVM, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'));
    }
  }
  if (q.sendInitialEvents !== undefined) {
    errs.push(fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for list'));
  }
  return errs;
}

/** Upstream's ValidateListOptions for a watch request; empty when valid. */
export function validateWatchQuery(q: ReadQuery, opts: WatchOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  const match = q.resourceVersionMatch ?? '';
  if (q.sendInitialEvents !== undefined) {
    if (match !== 'NotOlderThan') {
      errs.push(fieldErrors.forbidden(RVM, 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan'));
    }
    if (opts.watchListEnabled !== true) {
      errs.push(
        fieldErrors.forbidden('sendInitialEvents', 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled'),
      );
    }
  }
  if (match !== '') {
    if (q.sendInitialEvents === undefined) {
      errs.push(fieldErrors.forbidden(RVM, 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided'));
    }
    if (match !== 'NotOlderThan') errs.push(fieldErrors.notSupported(RVM, match, ['NotOlderThan']));
    if ((q.continue ?? '') !== '') errs.push(forbiddenWithContinue());
  }
  return errs;
}

const forbiddenWithContinue = (): FieldError =>
  fieldErrors.forbidden(RVM, 'resourceVersionMatch is forbidden when continue is provided');

const rejectInvalid = (errs: FieldError[]): void => {
  if (errs.length > 0) throw invalid(LIST_OPTIONS, '', errs);
};

/**
 * Plans a list. With a continue token the token's revision wins (`"0"` may accompany it,
 * anything else is 400). Otherwise: unset → latest; `"0"` → any; N with `Exact` → exact;
 * N with `NotOlderThan` → notOlderThan; N with no match is exact when paging (`limit` > 0)
 * and notOlderThan otherwise (upstream's legacy rule). Throws 422 Invalid or 400 BadRequest.
 */
export function planList(q: ReadQuery): ListPlan {
  rejectInvalid(validateListQuery(q));
  if ((q.continue ?? '') !== '') {
    const pos = decodeContinue(q.continue ?? '');
    if ((q.resourceVersion ?? '') !== '' && q.resourceVersion !== '0') {
      throw badRequest('specifying resource version is not allowed when using continue');
    }
    // A token revision below zero asks for the latest state (an "inconsistent continue").
    const read: ReadPoint = pos.revision > 0 ? { kind: 'exact', revision: pos.revision } : { kind: 'latest' };
    return { read, continueKey: pos.key };
  }
  const rv = parseResourceVersion(q.resourceVersion);
  if (rv === undefined) return { read: { kind: 'latest' } };
  if (rv === 0) return { read: { kind: 'any' }, ignoresLimit: true };
  const exact = q.resourceVersionMatch === 'Exact' || (q.resourceVersionMatch === undefined && (q.limit ?? 0) > 0);
  return { read: { kind: exact ? 'exact' : 'notOlderThan', revision: rv } };
}

/**
 * Plans a watch. `sendInitialEvents` defaults to true for resourceVersion unset or `"0"` (the
 * legacy synthetic ADDED events) and false otherwise; only an explicit `true` (WatchList)
 * ends the initial events with the `k8s.io/initial-events-end` bookmark.
 */
export function planWatch(q: ReadQuery, opts: WatchOptions = {}): WatchPlan {
  rejectInvalid(validateWatchQuery(q, opts));
  const rv = parseResourceVersion(q.resourceVersion);
  const initial = q.sendInitialEvents ?? (rv === undefined || rv === 0);
  if (!initial) return rv === undefined || rv === 0 ? { kind: 'fromNow' } : { kind: 'after', revision: rv };
  const read: ReadPoint =
    rv === undefined ? { kind: 'latest' } : rv === 0 ? { kind: 'any' } : { kind: 'notOlderThan', revision: rv };
  return { kind: 'initialEvents', read, endBookmark: q.sendInitialEvents === true };
}

/** Where a paged list resumes: the key after the last one returned, and the list's revision. */
export interface ContinuePosition {
  /** Relative to the listed prefix; upstream appends `\0` to the last key returned. */
  readonly key: string;
  readonly revision: number;
}

const CONTINUE_VERSION = 'meta.k8s.io/v1';

/** `base64url(no padding) of {"v":"meta.k8s.io/v1","rv":N,"start":"key"}`, byte for byte as upstream encodes it. */
export function encodeContinue(pos: ContinuePosition): string {
  const json = JSON.stringify({ v: CONTINUE_VERSION, rv: pos.revision, start: pos.key }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Reads a continue token back. Malformed tokens (bad base64 or JSON, unknown version,
 * revision 0, empty or path-escaping start key) are 400 BadRequest with upstream's
 * `invalid continue token: ...` wording, carrying Go's base64 and encoding/json error text for
 * the common faults. A negative revision means "continue at latest".
 */
export function decodeContinue(token: string): ContinuePosition {
  const badByte = base64Fault(token);
  if (badByte !== undefined) throw badContinue(`illegal base64 data at input byte ${badByte}`);
  const bytes = Buffer.from(token, 'base64url');
  const syntax = goJsonSyntaxError(bytes.toString('latin1'));
  if (syntax !== undefined) throw badContinue(syntax);
  const parsed: unknown = JSON.parse(bytes.toString('utf8'));
  if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw badContinue(`json: cannot unmarshal ${kindOf(parsed)} into Go value of type storage.continueToken`);
  }
  // Go's encoding/json matches field names case-insensitively and leaves null fields at zero.
  let version = '';
  let revision = 0;
  let start = '';
  for (const [k, v] of Object.entries(parsed ?? {})) {
    if (v === null) continue;
    const name = k.toLowerCase();
    if (name === 'v' || name === 'start') {
      if (typeof v !== 'string') throw badContinue(wrongType(kindOf(v), name, 'string'));
      if (name === 'v') version = v;
      else start = v;
    } else if (name === 'rv') {
      // Past 2^53 a revision loses precision, but stays too large for any real store.
      if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) >= 2 ** 63) {
        throw badContinue(wrongType(typeof v === 'number' ? `number ${String(v)}` : kindOf(v), name, 'int64'));
      }
      revision = v;
    }
  }
  if (version !== CONTINUE_VERSION) {
    throw badRequest(`invalid continue token: continue key is not valid: server does not recognize this encoded version ${version}`);
  }
  if (revision === 0) {
    throw badRequest('invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  if (start === '') throw badRequest('invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)');
  // Defend against keys that would climb out of the listed prefix: the key must be a clean path.
  const rooted = start.startsWith('/') ? start : `/${start}`;
  if (!isCleanRootedPath(rooted)) throw badContinue(start);
  return { key: rooted.slice(1), revision };
}

const badContinue = (detail: string): StatusError => badRequest(`invalid continue token: continue key is not valid: ${detail}`);

/**
 * Where Go's unpadded base64url decoding (base64.RawURLEncoding) fails: the first byte outside
 * the alphabet (line breaks are skipped), or the last when one character is left over.
 */
function base64Fault(token: string): number | undefined {
  let count = 0;
  for (let i = 0; i < token.length; i++) {
    const ch = token[i]!;
    if (ch === '\r' || ch === '\n') continue;
    if (!/[A-Za-z0-9_-]/.test(ch)) return i;
    count++;
  }
  return count % 4 === 1 ? token.length - 1 : undefined;
}

const wrongType = (value: string, field: string, type: string): string =>
  `json: cannot unmarshal ${value} into Go struct field continueToken.${field} of type ${type}`;

/** True when Go's path.Clean would leave this rooted path unchanged. */
function isCleanRootedPath(p: string): boolean {
  if (p === '/') return true;
  return p
    .slice(1)
    .split('/')
    .every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/**
 * The 410 Expired for a continue token whose revision was compacted, worded as upstream. The
 * client-go pager then restarts the list without `continue`.
 */
export function continueExpired(continueKey?: string): StatusError {
  const err = expired(
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
  );
  // The token the message offers: the same position at the latest state (revision -1).
  if (continueKey !== undefined) err.status.metadata = { continue: encodeContinue({ key: continueKey, revision: -1 }) };
  return err;
}
