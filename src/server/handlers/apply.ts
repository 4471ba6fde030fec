/**
 * Server-side apply: PATCH with `application/apply-patch+yaml`. The body (YAML or JSON) is the
 * manager's whole intent; the apply engine merges it into the live object under the schema,
 * records ownership in managedFields, and refuses to take fields another manager owns with a
 * different value unless `force=true` (409 with one cause per field). A missing object is created.
 * Like other patches, apply works on the object in the version of the URL, converted back to the
 * stored version afterwards.
 */
import { parse as parseYaml } from 'yaml';
import { badRequest, fieldErrors, invalid, isStatusError } from '../../api/errors.js';
import { isPlainObject, type KubeObject } from '../../api/object.js';
import { applyWithLastApplied } from '../../api/apply/index.js';
import { apiVersionOf } from '../../registry/definition.js';
import { applySchemaFor, resetFieldsFor } from '../../registry/apply-schema.js';
import { inRequestVersion, toStoredVersion } from '../../registry/conversion.js';
import { checkAppliedConfiguration } from '../../registry/schema-check.js';
import { readBody } from '../body.js';
import { negotiateRendering } from '../negotiate.js';
import { isDryRun, recordRequester, sendObject, type ResourceContext, admissionOptions, checkFieldManager } from './context.js';
import { queryFlag } from '../query-flag.js';

function parseConfig(ctx: ResourceContext, raw: Buffer): KubeObject {
  let body: unknown;
  try {
    body = parseYaml(raw.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (!isPlainObject(body)) throw badRequest('the apply configuration must be an object');
  const config = body as KubeObject;
  const expected = apiVersionOf(ctx.def.group, ctx.info.version);
  if (typeof config.apiVersion !== 'string' || config.apiVersion === '' || typeof config.kind !== 'string' || config.kind === '') {
    throw badRequest(`the apply configuration must have apiVersion ${expected} and kind ${ctx.def.kind}`);
  }
  if (config.apiVersion !== expected || config.kind !== ctx.def.kind) {
    // kube's field manager names the type it got, as a GroupVersionKind prints (`/v1` for core).
    const slash = config.apiVersion.indexOf('/');
    const gv = slash < 0 ? `/${config.apiVersion}` : config.apiVersion;
    throw badRequest(`invalid object type: ${gv}, Kind=${config.kind}`);
  }
  if (!isPlainObject(config.metadata)) throw badRequest('the apply configuration must have metadata');
  if (config.metadata.name !== undefined && config.metadata.name !== ctx.info.name) {
    throw badRequest(`the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${ctx.info.name})`);
  }
  config.metadata.name = ctx.info.name;
  return config;
}

export async function handleApply(ctx: ResourceContext): Promise<void> {
  const rendering = negotiateRendering(ctx.req.headers.accept, false);
  const manager = ctx.query.get('fieldManager') ?? '';
  if (manager === '') {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErrors.required('fieldManager', 'is required for apply patch')]);
  }
  checkFieldManager(manager, 'patch');
  const force = queryFlag(ctx.query, 'force') === true;
  const dryRun = isDryRun(ctx.query, 'patch');
  const config = parseConfig(ctx, await readBody(ctx.req));
  const subresource = ctx.info.subresource === 'status' ? 'status' : undefined;
  const version = ctx.info.version;
  // As upstream's objectGVKNN: `<namespace>/<name>; <group>/<version>, Kind=<kind>` (`/v1` for core).
  const objectRef = `${ctx.info.namespace}/${ctx.info.name}; ${ctx.def.group}/${version}, Kind=${ctx.def.kind}`;
  // The configuration must convert to the kind's type before anything is merged (400 otherwise).
  checkAppliedConfiguration(ctx.def, config, { version, objectRef });
  const common = {
    config,
    manager,
    force,
    schema: applySchemaFor(ctx.def, version),
    now: new Date(),
    apiVersion: ctx.apiVersion,
    ...(subresource && { subresource }),
    resetFields: resetFieldsFor(ctx.def, subresource),
    objectRef,
  };
  const merge = (stored: KubeObject | undefined): KubeObject => {
    const live = stored && inRequestVersion(ctx.def, stored, version);
    const result = applyWithLastApplied({ ...common, live });
    if (!result.ok) throw result.error;
    const merged = { ...(result.object as KubeObject), metadata: { ...(result.object as KubeObject).metadata, managedFields: result.managedFields } };
    return toStoredVersion(ctx.def, merged, version);
  };
  const { namespace, name } = ctx.info;
  let out: KubeObject;
  let code = 200;
  try {
    out = await ctx.store.guaranteedUpdate(namespace, name, (current) => merge(current), {
      dryRun,
      ...(subresource && { subresource }),
      ...admissionOptions(ctx),
    });
  } catch (err) {
    if (!isStatusError(err, 'NotFound') || subresource) throw err;
    const created = merge(undefined);
    recordRequester(ctx, created);
    out = await ctx.store.create(namespace, created, { dryRun, ...admissionOptions(ctx) });
    code = 201;
  }
  sendObject(ctx, code, out, rendering);
}
