/**
 * What every resource handler gets: the resolved space, definition and store, the parsed
 * request, and Express's request and response.
 */
import type { Request, Response } from '../http.js';
import { endThisTurn } from '../answer-batch.js';
import type { KubeObject } from '../../api/object.js';
import { withAuthenticatedGroup } from '../../auth/user.js';
import { requestUser } from '../filters/request-user.js';
import { fieldErrors, invalid, type FieldError } from '../../api/errors.js';
import { defaultFieldManager } from '../../api/apply/index.js';
import type { FieldManager } from '../../registry/apply-schema.js';
import { parseFieldValidation, warningHeaderValues, type FieldValidationMode } from '../../registry/validation/index.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { GenericStore, WriteOptions } from '../../registry/store.js';
import type { Admit } from '../filters/rbac-admission.js';
import type { ServiceAccountTokens } from '../../auth/tokens/service-account-tokens.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { ResourceRequest } from '../request-info.js';
import type { Rendering } from '../negotiate.js';
import { parseIncludeObject, renderObject } from '../render.js';
import { servesStoredBytes } from '../../registry/conversion.js';
import { storedJsonOf } from '../../registry/codec.js';

export interface ResourceContext {
  readonly space: ServedSpace;
  readonly def: ResourceDefinition;
  readonly store: GenericStore;
  readonly info: ResourceRequest;
  /** `group/version` of the URL: what objects are served as. */
  readonly apiVersion: string;
  readonly query: URLSearchParams;
  readonly req: Request;
  readonly res: Response;
  readonly options: HandlerOptions;
  /** Admission of writes (RBAC escalation checks, ValidatingAdmissionPolicies), passed to the store. */
  readonly admit?: Admit;
  /** Mutating admission of writes (webhooks), passed to the store. */
  readonly mutate?: (obj: KubeObject, old?: KubeObject) => Promise<KubeObject | undefined> | undefined;
  /** Admission of deletions (policies and webhooks), given the stored object and whether it is a dry run. */
  readonly admitDelete?: (old: KubeObject, dryRun: boolean) => void | Promise<void>;
}

export interface HandlerOptions {
  /** How often an idle watch that allows bookmarks gets one. */
  readonly bookmarkIntervalMs: number;
  /** Default watch length when the client gives no timeoutSeconds (kube: 30-60 min). */
  readonly defaultWatchSeconds: () => number;
  /** Signs ServiceAccount tokens (TokenRequest); absent, the subresource is not served. */
  readonly tokens?: ServiceAccountTokens;
}

/** The store's admission hooks for this request's writes. */
export function admissionOptions(ctx: ResourceContext): Pick<WriteOptions, 'admit' | 'mutate'> {
  return { ...(ctx.admit && { admit: ctx.admit }), ...(ctx.mutate && { mutate: ctx.mutate }) };
}

export function sendJson(res: Response, code: number, body: unknown): void {
  writeBody(res, code, JSON.stringify(body));
}

/**
 * Answers with one object as the request asks for it. An object a write has just stored goes out
 * as its stored bytes when those are the answer (the stored version, as the object itself), so a
 * write serializes its object once, for storage.
 */
export function sendObject(ctx: ResourceContext, code: number, obj: KubeObject, rendering: Rendering): void {
  const stored = rendering.as === 'object' && servesStoredBytes(ctx.def, ctx.info.version) ? storedJsonOf(obj) : undefined;
  if (stored !== undefined) return writeBody(ctx.res, code, stored);
  sendJson(ctx.res, code, renderObject(ctx.def, obj, rendering, parseIncludeObject(ctx.query.get('includeObject')), ctx.apiVersion));
}

/** Writes a body as kube does: `Content-Type: application/json` exactly, no charset parameter. */
export function writeBody(res: Response, code: number, body: string | Buffer, contentType = 'application/json'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  endThisTurn(res, code, contentType, bytes);
}

const OPTIONS_KIND: Record<string, string> = {
  create: 'CreateOptions',
  update: 'UpdateOptions',
  patch: 'PatchOptions',
  delete: 'DeleteOptions',
  deletecollection: 'DeleteOptions',
};

/** `dryRun=All` is the only value kube accepts; anything else is a 422 on the verb's options kind. */
export function isDryRun(query: URLSearchParams, verb = 'create'): boolean {
  const values = query.getAll('dryRun');
  const bad = values.find((v) => v !== 'All');
  if (bad !== undefined) {
    throw invalid({ group: 'meta.k8s.io', kind: OPTIONS_KIND[verb] ?? 'CreateOptions' }, '', [
      fieldErrors.notSupported('dryRun', bad, ['All']),
    ]);
  }
  return values.length > 0;
}

/** The request's fieldValidation mode; a value kube does not know is a 422 on the verb's options. */
export function fieldValidationOf(ctx: ResourceContext, verb: 'create' | 'update' | 'patch'): FieldValidationMode {
  const mode = parseFieldValidation(ctx.query.get('fieldValidation') ?? undefined, verb);
  if (typeof mode !== 'string') throw mode;
  return mode;
}

/** Sends warnings the way client-go shows them (`Warning: 299 - "text"`). */
const sentWarnings = new WeakMap<Response, readonly string[]>();

/** Adds warnings to the response's Warning header (earlier ones, such as a deprecated version's, are kept). */
export function setWarnings(res: Response, warnings: readonly string[]): void {
  if (warnings.length === 0) return;
  const all = [...(sentWarnings.get(res) ?? []), ...warnings];
  sentWarnings.set(res, all);
  res.setHeader('Warning', warningHeaderValues(all));
}

/** On a create: kinds that record who asked (CertificateSigningRequests) get the requesting user. */
export function recordRequester(ctx: ResourceContext, obj: KubeObject): void {
  const user = requestUser(ctx.req);
  if (user !== undefined) ctx.def.strategy.recordRequester?.(obj, withAuthenticatedGroup(user));
}

/** A client's fieldManager as kube's ValidateFieldManager checks it: 422 on the verb's options kind. */
export function checkFieldManager(name: string, verb: 'create' | 'update' | 'patch'): void {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(name) > 128) errors.push(fieldErrors.tooLong('fieldManager', 128));
  // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
  else if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(name)) errors.push(fieldErrors.invalid('fieldManager', name, 'all characters must be printable'));
  if (errors.length > 0) throw invalid({ group: 'meta.k8s.io', kind: OPTIONS_KIND[verb]! }, '', errors);
}

/** The manager a client write is recorded under: `fieldManager`, else derived from the User-Agent. */
export function fieldManagerOf(ctx: ResourceContext): FieldManager {
  const given = ctx.query.get('fieldManager');
  if (given !== null) checkFieldManager(given, ctx.info.verb === 'create' ? 'create' : ctx.info.verb === 'patch' ? 'patch' : 'update');
  const name = given || defaultFieldManager(ctx.req.headers['user-agent']);
  const sub = ctx.info.subresource;
  return { name, apiVersion: ctx.apiVersion, ...(sub !== '' && { subresource: sub }) };
}
