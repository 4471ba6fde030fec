/**
 * Kubernetes Status errors. Every failure an API client sees is one of these: the HTTP layer
 * renders `toStatus(err)` once, and anything that is not a StatusError becomes a 500
 * InternalError (and is logged as a bug). Clients key on `reason` (client-go's IsAlreadyExists,
 * IsResourceExpired, ... look only at it), so constructors are named after reasons and tests
 * assert on `code` and `reason`, never on message text.
 */

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServerTimeout'
  | 'StorageReadError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueDuplicate'
  | 'FieldValueNotFound'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid'
  | 'FieldManagerConflict'
  | 'ResourceVersionTooLarge'
  | 'NamespaceTerminating'
  | 'UnexpectedServerResponse'
  /** An eviction refused by a PodDisruptionBudget (policy/v1 Eviction). */
  | 'DisruptionBudget'
  | 'InternalError';

export interface StatusCause {
  reason?: CauseType;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  /** The resource (plural) for resource errors; the Kind for Invalid. */
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never> | { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code?: number;
}

/** A group and resource (or kind), as errors name them: `deployments.apps`, bare for the core group. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export class StatusError extends Error {
  readonly status: Status & { code: number; reason: StatusReason };

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
    if (details !== undefined) this.status.details = details;
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): StatusReason {
    return this.status.reason;
  }
}

export function isStatusError(err: unknown, reason?: StatusReason): err is StatusError {
  return err instanceof StatusError && (reason === undefined || err.reason === reason);
}

/** `deployments.apps`, or `configmaps` for the core group. */
export function qualified(gr: GroupResource): string {
  return gr.group === '' ? gr.resource : `${gr.resource}.${gr.group}`;
}

function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name !== undefined && name !== '') d.name = name;
  if (gr.group !== '') d.group = gr.group;
  d.kind = gr.resource;
  return d;
}

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const unauthorized = (message = 'Unauthorized'): StatusError => new StatusError(401, 'Unauthorized', message);

export function forbidden(gr: GroupResource, name: string, why: string): StatusError {
  const subject = name === '' ? qualified(gr) : `${qualified(gr)} "${name}"`;
  return new StatusError(403, 'Forbidden', `${subject} is forbidden: ${why}`, resourceDetails(gr, name));
}

export const notFound = (gr: GroupResource, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualified(gr)} "${name}" not found`, resourceDetails(gr, name));

/** An unknown path or resource: what kube-apiserver answers with its own 404. */
export const pathNotFound = (): StatusError =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

/**
 * A method the resource's URL does not take (a list of a create-only kind, a POST to an object):
 * kube-apiserver registers no such route, and its router's generic 405 names nothing.
 */
export const methodNotAllowed = (): StatusError =>
  new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const notAcceptable = (accepted: readonly string[]): StatusError =>
  new StatusError(406, 'NotAcceptable', `only the following media types are accepted: ${accepted.join(', ')}`);

export const alreadyExists = (gr: GroupResource, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualified(gr)} "${name}" already exists`, resourceDetails(gr, name));

const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

/** Conflict on `name`; `why` defaults to the optimistic-concurrency wording clients expect. */
export function conflict(gr: GroupResource, name: string, why: string = MODIFIED, causes?: StatusCause[]): StatusError {
  const details = resourceDetails(gr, name);
  if (causes !== undefined && causes.length > 0) details.causes = causes;
  return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(gr)} "${name}": ${why}`, details);
}

export const gone = (message: string): StatusError => new StatusError(410, 'Gone', message);

export const expired = (message: string): StatusError => new StatusError(410, 'Expired', message);

/** `too old resource version: <requested> (<oldest available>)`, the watch/list 410. */
export const resourceExpired = (requested: string | number, oldest: string | number): StatusError =>
  expired(`too old resource version: ${requested} (${oldest})`);

export const tooLarge = (detail: string): StatusError =>
  new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: ${detail}`);

export const unsupportedMediaType = (accepted: readonly string[]): StatusError =>
  new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

/** A Kind and its group, as Invalid names them: `Deployment.apps`, bare `ConfigMap` for core. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** A field error: `field` is the dotted path, `detail` the body (`Required value`, `Invalid value: ...`). */
export interface FieldError {
  readonly type: CauseType;
  readonly field: string;
  readonly detail: string;
}

/**
 * One 422 carrying every field error found (validation gathers them all, never failing fast).
 * Causes keep one entry per error, but the message lists each distinct `field: detail` once, as
 * upstream's ErrorList.ToAggregate does: several validators often report the same fault.
 */
export function invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): StatusError {
  const what = gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`;
  const summary = invalidSummary(errors);
  const details: StatusDetails = {};
  if (name !== '') details.name = name;
  if (gk.group !== '') details.group = gk.group;
  details.kind = gk.kind;
  details.causes = errors.map((e) => ({ reason: e.type, message: e.detail, field: e.field }));
  const message = summary === undefined ? `${what} "${name}" is invalid` : `${what} "${name}" is invalid: ${summary}`;
  return new StatusError(422, 'Invalid', message, details);
}

/** The distinct error strings, bare when there is one, bracketed when several; none for no errors. */
function invalidSummary(errors: readonly FieldError[]): string | undefined {
  const bodies = [...new Set(errors.map((e) => (e.field === '' ? e.detail : `${e.field}: ${e.detail}`)))];
  if (bodies.length === 0) return undefined;
  return bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
}

export const tooManyRequests = (detail: string, retryAfterSeconds: number): StatusError =>
  new StatusError(429, 'TooManyRequests', `Too many requests: ${detail}`, { retryAfterSeconds });

/**
 * An error kube-apiserver renders without a reason (StatusReasonUnknown): a plain Go error from
 * storage or a handler, which clients show as `Error from server: <message>`.
 */
export function unknownError(code: number, message: string): StatusError {
  const err = new StatusError(code, 'InternalError', message);
  delete (err.status as { reason?: StatusReason }).reason;
  return err;
}

export function internalError(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export const storageReadError = (gr: GroupResource, name: string, detail: string): StatusError =>
  new StatusError(500, 'StorageReadError', `failed to read ${qualified(gr)} "${name}" from storage: ${detail}`, {
    ...resourceDetails(gr, name),
    causes: [{ message: detail }],
  });

export const serviceUnavailable = (message: string): StatusError => new StatusError(503, 'ServiceUnavailable', message);

export const timeout = (detail: string, retryAfterSeconds?: number): StatusError =>
  new StatusError(504, 'Timeout', `Timeout: ${detail}`, retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

/**
 * The Status to render for anything thrown. Unknown errors become InternalError; the caller logs
 * them, since they are bugs.
 */
export function toStatus(err: unknown): StatusError['status'] {
  return (err instanceof StatusError ? err : internalError(err)).status;
}

/** Field error helpers, producing upstream's body wording. */
export const fieldErrors = {
  required: (field: string, detail?: string): FieldError => ({
    type: 'FieldValueRequired',
    field,
    detail: detail ? `Required value: ${detail}` : 'Required value',
  }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field,
    detail: `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`,
  }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    detail: `Unsupported value: ${renderValue(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail: `Forbidden: ${detail}` }),
  duplicate: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field,
    detail: `Duplicate value: ${renderValue(value)}`,
  }),
  notFound: (field: string, value: unknown): FieldError => ({
    type: 'FieldValueNotFound',
    field,
    detail: `Not found: ${renderValue(value)}`,
  }),
  tooLong: (field: string, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field,
    detail: `Too long: may not be more than ${max} bytes`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueTypeInvalid',
    field,
    detail: `Invalid value: ${renderValue(value)}: ${detail}`,
  }),
};

/**
 * Strings quoted, numbers and booleans bare, anything else as JSON (upstream's rendering); no value
 * at all is the string "null", quoted, as Go's ErrorBody substitutes it for a nil value.
 */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '"null"';
}
