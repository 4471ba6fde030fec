/**
 * patch: JSON patch, JSON merge patch and strategic merge patch, applied to the current object
 * inside a guaranteed update (a lost race re-reads and re-applies). As upstream, the patch
 * applies to the object in the version of the URL, which is then converted back to the stored
 * version. Server-side apply (its own media type) is handled in apply.ts.
 */
import { badRequest, fieldErrors, invalid, unsupportedMediaType } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { strategicMergeUnsupported } from '../../api/patch/patch-meta.js';
import { discardNulls } from '../../api/patch/strategic-clean.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import { inRequestVersion, toStoredVersion } from '../../registry/conversion.js';
import { strategicPatchMeta } from '../../registry/patch-meta.js';
import { handleApply } from './apply.js';
import { mediaTypeOf, readBody } from '../body.js';
import { negotiateRendering } from '../negotiate.js';
import { checkSchema } from '../../registry/schema-check.js';
import { findDuplicateFields } from '../../registry/validation/index.js';
import { fieldManagerOf, fieldValidationOf, isDryRun, setWarnings, sendObject, type ResourceContext, admissionOptions } from './context.js';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
const APPLY_PATCH = 'application/apply-patch+yaml';
const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH];

function parsePatchBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

export async function handlePatch(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const type = mediaTypeOf(ctx.req);
  if (type === APPLY_PATCH) return handleApply(ctx);
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType([...PATCH_TYPES, APPLY_PATCH]);
  if (ctx.query.has('force')) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErrors.forbidden('force', 'may not be specified for non-apply patch')]);
  }
  const version = ctx.info.version;
  const meta = type === STRATEGIC_PATCH ? strategicPatchMeta(ctx.def, version) : undefined;
  if (type === STRATEGIC_PATCH && meta === undefined) throw strategicMergeUnsupported();
  const mode = fieldValidationOf(ctx, 'patch');
  const raw = await readBody(ctx.req);
  const patch = parsePatchBody(raw);
  const duplicates = type === JSON_PATCH ? [] : findDuplicateFields(raw.toString('utf8'));
  let warnings: string[] = [];

  const apply = (stored: KubeObject): KubeObject => {
    const current = inRequestVersion(ctx.def, stored, version);
    let result: unknown;
    if (type === JSON_PATCH) result = applyJsonPatch(current, patch);
    else if (type === MERGE_PATCH) result = applyMergePatch(current, patch);
    else {
      result = applyStrategicMergePatch(current, patch, meta!);
      // Decoding into typed objects drops nulls upstream; do the same for what SMP leaves behind.
      discardNulls(result);
    }
    if (!isPlainObject(result)) throw badRequest('the patched object must be a JSON object');
    const obj = result as KubeObject;
    if (!isPlainObject(obj.metadata)) obj.metadata = {};
    checkIdentity(ctx, obj, current);
    warnings = checkSchema(ctx.def, obj, { mode, duplicates, verb: 'patch', version });
    return toStoredVersion(ctx.def, obj, version);
  };
  const sub = ctx.info.subresource;
  const updated = await ctx.store.guaranteedUpdate(ctx.info.namespace, ctx.info.name, apply, {
    dryRun: isDryRun(ctx.query, 'patch'),
    ...admissionOptions(ctx),
    manager: fieldManagerOf(ctx),
    ...(sub !== '' && { subresource: sub }),
  });
  setWarnings(ctx.res, warnings);
  sendObject(ctx, 200, updated, rendering);
}

/** A patch may not move the object: kind, apiVersion, name and namespace stay as on the URL. */
function checkIdentity(ctx: ResourceContext, obj: KubeObject, current: KubeObject): void {
  if (obj.kind !== current.kind || obj.apiVersion !== current.apiVersion) {
    throw badRequest('the kind or apiVersion of the object cannot be changed by a patch');
  }
  if ((obj.metadata.namespace ?? '') !== (current.metadata.namespace ?? '')) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (obj.metadata.name !== current.metadata.name) {
    throw badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${ctx.info.name})`);
  }
}
