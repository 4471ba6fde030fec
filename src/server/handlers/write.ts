/**
 * create, update and delete: decode the body, check it names the resource of the URL, convert it
 * to the stored version, hand it to the store, render the result in the request's version.
 */
import { badRequest, fieldErrors, forbidden, invalid, isStatusError, unknownError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { toStoredVersion, toServedVersion } from '../../registry/conversion.js';
import { apiVersionOf } from '../../registry/definition.js';
import { deletionCompleted, type DeleteOptions } from '../../registry/store.js';
import { queryFlag } from '../query-flag.js';
import { decodeJsonText, decodeStructured, isJsonType, mediaTypeOf, readBody } from '../body.js';
import { negotiateRendering } from '../negotiate.js';
import { checkSchema } from '../../registry/schema-check.js';
import { findDuplicateFields } from '../../registry/validation/index.js';
import { fieldManagerOf, fieldValidationOf, isDryRun, recordRequester, sendJson, setWarnings, sendObject, type ResourceContext, admissionOptions } from './context.js';
import { predicateFor, readQueryOf, selectorsOf } from './list-options.js';

/**
 * Decodes an object body, checks its apiVersion and kind against the URL, and runs the schema
 * check of the URL's version (typed decoding, unknown and duplicate fields per fieldValidation);
 * warnings go into the response's Warning header. The object stays in the URL's version.
 */
export async function objectBody(ctx: ResourceContext, verb: 'create' | 'update'): Promise<KubeObject> {
  const mode = fieldValidationOf(ctx, verb);
  const expected = apiVersionOf(ctx.def.group, ctx.info.version);
  const raw = await readBody(ctx.req);
  const mediaType = mediaTypeOf(ctx.req);
  // JSON is decoded to text once, for the parse and for the duplicate-field scan.
  const text = isJsonType(mediaType) ? raw.toString('utf8') : undefined;
  const decoded = text !== undefined ? decodeJsonText(text) : decodeStructured(raw, mediaType, { apiVersion: expected, kind: ctx.def.kind });
  if (!isPlainObject(decoded)) throw badRequest('the request body must be a JSON object');
  const obj = decoded as KubeObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== ctx.def.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${ctx.def.kind})`);
  }
  obj.apiVersion = expected;
  obj.kind = ctx.def.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  else if (!isPlainObject(obj.metadata)) throw badRequest('metadata must be an object');
  const duplicates = text !== undefined ? findDuplicateFields(text) : [];
  setWarnings(ctx.res, checkSchema(ctx.def, obj, { mode, duplicates, verb, version: ctx.info.version }));
  return obj;
}

export async function handleCreate(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const obj = toStoredVersion(ctx.def, await objectBody(ctx, 'create'), ctx.info.version);
  // etcd3 storage refuses it (ErrResourceVersionSetOnCreate), a plain error kube renders as a 500.
  const rv = obj.metadata.resourceVersion;
  if (rv !== undefined && rv !== null && rv !== '') throw unknownError(500, 'resourceVersion should not be set on objects to be created');
  recordRequester(ctx, obj);
  const created = await ctx.store.create(ctx.info.namespace, obj, { dryRun: isDryRun(ctx.query, 'create'), manager: fieldManagerOf(ctx), ...admissionOptions(ctx) });
  sendObject(ctx, 201, created, rendering);
}

export async function handleUpdate(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const obj = toStoredVersion(ctx.def, await objectBody(ctx, 'update'), ctx.info.version);
  const sub = ctx.info.subresource;
  // The dispatcher routes here only subresources that write the object (status, finalize, approval, ephemeralcontainers, ...).
  const subresource = sub !== '' ? sub : undefined;
  const updated = subresource
    ? await ctx.store.guaranteedUpdate(ctx.info.namespace, ctx.info.name, () => obj, {
        dryRun: isDryRun(ctx.query, 'update'),
        ...admissionOptions(ctx),
        subresource,
        manager: fieldManagerOf(ctx),
      })
    : await ctx.store.update(ctx.info.namespace, ctx.info.name, obj, { dryRun: isDryRun(ctx.query, 'update'), manager: fieldManagerOf(ctx), ...admissionOptions(ctx) });
  sendObject(ctx, 200, updated, rendering);
}

/** DeleteOptions come in the body (JSON) and/or the query. */
async function deleteOptionsOf(ctx: ResourceContext): Promise<DeleteOptions> {
  const raw = await readBody(ctx.req);
  const body = raw.length === 0 ? {} : decodeStructured(raw, mediaTypeOf(ctx.req), { apiVersion: 'v1', kind: 'DeleteOptions' });
  if (!isPlainObject(body)) throw badRequest('DeleteOptions must be an object');
  return deleteOptionsFrom(body, ctx.query);
}

const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'] as const;
const DELETE_OPTIONS = { group: 'meta.k8s.io', kind: 'DeleteOptions' };

/**
 * The store's DeleteOptions from a decoded DeleteOptions object and the query (also an Eviction's
 * deleteOptions), validated as kube's ValidateDeleteOptions: an unknown propagationPolicy or
 * dryRun value, or the deprecated orphanDependents beside propagationPolicy, is 422 Invalid.
 * orphanDependents alone means Orphan (true) or Background (false).
 */
export function deleteOptionsFrom(body: Record<string, unknown>, query: URLSearchParams): DeleteOptions {
  const given = (body['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined) as string | null | undefined;
  const orphan = orphanDependentsOf(body, query);
  if (given != null && !(PROPAGATION_POLICIES as readonly string[]).includes(given)) {
    throw invalid(DELETE_OPTIONS, '', [fieldErrors.notSupported('propagationPolicy', given, [...PROPAGATION_POLICIES, 'nil'])]);
  }
  if (given != null && orphan !== undefined) {
    throw invalid(DELETE_OPTIONS, '', [fieldErrors.invalid('propagationPolicy', given, 'orphanDependents and deletionPropagation cannot be both set')]);
  }
  const policy = (given ?? (orphan === undefined ? undefined : orphan ? 'Orphan' : 'Background')) as DeleteOptions['propagationPolicy'];
  let dryRun: boolean;
  const bodyDryRun = body['dryRun'];
  if (Array.isArray(bodyDryRun)) {
    const bad = (bodyDryRun as unknown[]).find((v) => v !== 'All');
    if (bad !== undefined) throw invalid(DELETE_OPTIONS, '', [fieldErrors.notSupported('dryRun', bad, ['All'])]);
    dryRun = bodyDryRun.length > 0;
  } else {
    dryRun = isDryRun(query, 'delete');
  }
  const pre = isPlainObject(body['preconditions']) ? (body['preconditions'] as { uid?: string; resourceVersion?: string }) : undefined;
  const grace = gracePeriodOf(body, query);
  return {
    dryRun,
    ...(grace !== undefined && { gracePeriodSeconds: grace }),
    ...(policy && { propagationPolicy: policy }),
    ...(orphan === false && { orphanDependentsFalse: true }),
    ...(pre && { preconditions: pre }),
  };
}

/** DeleteOptions.gracePeriodSeconds from the body, else the query; a value that is not an integer is 400. */
function gracePeriodOf(body: Record<string, unknown>, query: URLSearchParams): number | undefined {
  const raw = body['gracePeriodSeconds'] ?? query.get('gracePeriodSeconds') ?? undefined;
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : /^-?\d+$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) throw badRequest(`invalid gracePeriodSeconds ${JSON.stringify(raw)}`);
  return value;
}

/** The deprecated orphanDependents, from the body or the query; undefined when not given. */
function orphanDependentsOf(body: Record<string, unknown>, query: URLSearchParams): boolean | undefined {
  const fromBody = body['orphanDependents'];
  return typeof fromBody === 'boolean' ? fromBody : queryFlag(query, 'orphanDependents');
}

export async function handleDelete(ctx: ResourceContext): Promise<void> {
  const refusal = ctx.def.strategy.refuseDelete?.(ctx.info.name);
  if (refusal !== undefined) throw forbidden({ group: ctx.def.group, resource: ctx.def.plural }, ctx.info.name, refusal);
  const options = withDeleteAdmission(ctx, await deleteOptionsOf(ctx));
  const obj = await ctx.store.delete(ctx.info.namespace, ctx.info.name, options);
  const removed = deletionCompleted(ctx.def, obj);
  // kube answers 202 only for a deferred deletion asked for with orphanDependents=false; one left
  // to finalizers or a grace period is otherwise 200, like an immediate one.
  const code = !removed && options.orphanDependentsFalse === true ? 202 : 200;
  if (removed && ctx.def.returnsDeletedObject !== true) sendJson(ctx.res, code, deletedStatus(ctx.def.group, ctx.def.plural, obj));
  else sendJson(ctx.res, code, toServedVersion(ctx.def, obj, ctx.info.version));
}

/** kube's generic store's answer for an object it removed (unless its resource returns the object); `kind` is the resource. */
function deletedStatus(group: string, plural: string, obj: KubeObject): Record<string, unknown> {
  const details = { name: obj.metadata.name, ...(group !== '' && { group }), kind: plural, ...(obj.metadata.uid !== undefined && { uid: obj.metadata.uid }) };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/** The request's delete admission (ValidatingAdmissionPolicies), when there is one, on the store's options. */
function withDeleteAdmission(ctx: ResourceContext, options: DeleteOptions): DeleteOptions {
  const admit = ctx.admitDelete;
  if (admit === undefined) return options;
  return { ...options, admitDelete: (old) => admit(old, options.dryRun === true) };
}

export async function handleDeleteCollection(ctx: ResourceContext): Promise<void> {
  // The query's ListOptions are decoded first, as upstream's DeleteCollection does (integers too).
  const selectors = selectorsOf(ctx.query);
  readQueryOf(ctx.query);
  const options = withDeleteAdmission(ctx, await deleteOptionsOf(ctx));
  const predicate = predicateFor(ctx.def, selectors);
  const { list } = await ctx.store.list(ctx.info.namespace, predicate ? { predicate } : {});
  const deleted: KubeObject[] = [];
  for (const item of list.items) {
    // Per item, as upstream runs admission for each: a protected object stops the collection.
    const refusal = ctx.def.strategy.refuseDelete?.(item.metadata.name!);
    if (refusal !== undefined) throw forbidden({ group: ctx.def.group, resource: ctx.def.plural }, item.metadata.name!, refusal);
    try {
      deleted.push(await ctx.store.delete(item.metadata.namespace ?? '', item.metadata.name!, options));
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
  const served = deleted.map((o) => toServedVersion(ctx.def, o, ctx.info.version));
  sendJson(ctx.res, 200, { ...list, apiVersion: ctx.apiVersion, items: served });
}
