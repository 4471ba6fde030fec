/**
 * Resolves a resource request to its definition and store, checks the verb is served, and calls
 * the handler for the verb.
 */
import { rbacAdmission, type Admit } from '../filters/rbac-admission.js';
import { policyAdmission } from '../filters/policy-admission.js';
import type { Request, Response } from '../http.js';
import { badRequest, methodNotAllowed, pathNotFound, StatusError } from '../../api/errors.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { ResourceRequest } from '../request-info.js';
import { setWarnings, type HandlerOptions, type ResourceContext } from './context.js';
import { handlePatch } from './patch.js';
import { handleScale } from './scale.js';
import { handleGet, handleList } from './read.js';
import { handleWatch } from './watch.js';
import { handleReview } from './review.js';
import { handleTokenRequest } from './token.js';
import { handleCreate, handleDelete, handleDeleteCollection, handleUpdate } from './write.js';
import {
  handleBindingCreate,
  handleNodeProxy,
  handlePodBinding,
  handlePodConnect,
  handlePodEviction,
  handlePodLog,
  handlePodProxy,
  handleServiceProxy,
} from './pod-subresources.js';

type Handler = (ctx: ResourceContext) => Promise<void>;

/**
 * Handlers of the definitions' `subresources.extra`, by `<group>/<resource>/<subresource>`. A
 * subresource with an update strategy and no entry here is an ordinary get/update/patch of the
 * object through that strategy (pods/ephemeralcontainers, pods/resize).
 */
const EXTRA_HANDLERS: Readonly<Record<string, Handler>> = {
  '/serviceaccounts/token': handleTokenRequest,
  '/pods/log': handlePodLog,
  '/pods/exec': handlePodConnect,
  '/pods/attach': handlePodConnect,
  '/pods/portforward': handlePodConnect,
  '/pods/proxy': handlePodProxy,
  '/pods/binding': handlePodBinding,
  '/pods/eviction': handlePodEviction,
  '/services/proxy': handleServiceProxy,
  '/nodes/proxy': handleNodeProxy,
};

/** The POST of a create-only action kind (ResourceDefinition.action). */
const ACTION_HANDLERS: Readonly<Record<NonNullable<ResourceDefinition['action']>, Handler>> = {
  review: handleReview,
  bind: handleBindingCreate,
};

const HANDLERS: Record<ResourceRequest['verb'], Handler | undefined> = {
  get: handleGet,
  list: handleList,
  watch: handleWatch,
  create: handleCreate,
  update: handleUpdate,
  patch: handlePatch,
  delete: handleDelete,
  deletecollection: handleDeleteCollection,
};

export async function dispatchResource(
  space: ServedSpace,
  info: ResourceRequest,
  req: Request,
  res: Response,
  query: URLSearchParams,
  options: HandlerOptions,
): Promise<void> {
  const found = space.catalog.lookup(info.group, info.version, info.resource);
  if (found === undefined) throw pathNotFound();
  const def = found.forVersion?.(info.version) ?? found;
  if (def.deprecationWarning !== undefined) setWarnings(res, [def.deprecationWarning]);
  const extra = info.subresource === '' ? undefined : def.subresources.extra?.find((x) => x.name === info.subresource);
  if (extra !== undefined) {
    await dispatchExtra(space, def, extra, info, req, res, query, options);
    return;
  }
  if (info.subpath !== undefined) throw pathNotFound();
  const served =
    info.subresource === '' ||
    (info.subresource === 'status' && def.subresources.status === true) ||
    (info.subresource === 'finalize' && def.subresources.finalize === true) ||
    (info.subresource === 'approval' && def.subresources.approval === true) ||
    (info.subresource === 'scale' && def.subresources.scale !== undefined);
  if (!served) throw pathNotFound();
  const subresourceVerbs = info.subresource === 'finalize' ? ['update'] : ['get', 'update', 'patch'];
  if (info.subresource !== '' && !subresourceVerbs.includes(info.verb)) throw methodNotAllowed();
  if (!def.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw pathNotFound();
  if (def.namespaced && info.namespace === '' && info.verb !== 'list' && info.verb !== 'watch') {
    // No such route: kube registers namespaced kinds' writes and items only under a namespace (its
    // cluster-wide collection path takes GET alone: 405), and hands custom resources to its 404.
    const collection = info.verb === 'create' || info.verb === 'deletecollection';
    throw collection && def.structuralSchema === undefined ? methodNotAllowed() : pathNotFound();
  }
  // Item verbs need a name and collection verbs must not have one (kube answers 405 otherwise).
  const itemVerb = info.verb === 'get' || info.verb === 'update' || info.verb === 'patch' || info.verb === 'delete';
  if ((info.verb === 'create' && info.name !== '' && info.subresource === '') || (itemVerb && info.name === '')) {
    throw methodNotAllowed();
  }
  const handler = info.subresource === 'scale' ? handleScale : def.action !== undefined && info.verb === 'create' ? ACTION_HANDLERS[def.action] : HANDLERS[info.verb];
  if (handler === undefined || !def.verbs.includes(info.verb)) throw methodNotAllowed();
  if (info.verb === 'create' && info.subresource === '' && def.createRefusal !== undefined) {
    throw new StatusError(405, 'MethodNotAllowed', def.createRefusal, { group: def.group, kind: def.plural });
  }
  const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
  const rbac = rbacAdmission(space, info, req);
  const policy = policyAdmission(space, def, info, query, req, res);
  // RBAC escalation first, then ValidatingAdmissionPolicies (kube's order of validating plugins).
  const admit: Admit | undefined =
    rbac === undefined || policy === undefined
      ? (rbac ?? policy?.admit)
      : (obj, old) => {
          rbac(obj, old);
          return policy.admit(obj, old);
        };
  await handler({
    space,
    def,
    store: space.store(def),
    info,
    apiVersion,
    query,
    req,
    res,
    options,
    ...(admit && { admit }),
    ...(policy && { mutate: policy.mutate, admitDelete: policy.admitDelete }),
  });
}

type ExtraSubresource = NonNullable<ResourceDefinition['subresources']['extra']>[number];

/** A request for one of the definition's extra subresources: verbs as listed in discovery, then its handler. */
async function dispatchExtra(
  space: ServedSpace,
  def: ResourceDefinition,
  extra: ExtraSubresource,
  info: ResourceRequest,
  req: Request,
  res: Response,
  query: URLSearchParams,
  options: HandlerOptions,
): Promise<void> {
  if (info.subpath !== undefined && extra.name !== 'proxy') throw pathNotFound();
  if (!def.namespaced && info.namespace !== '') throw pathNotFound();
  if (def.namespaced && info.namespace === '') throw pathNotFound();
  const verb = info.verb;
  if (!(extra.verbs as readonly string[]).includes(verb)) throw methodNotAllowed();
  const handler = EXTRA_HANDLERS[`${def.group}/${def.plural}/${extra.name}`] ?? (extra.update !== undefined ? OBJECT_HANDLERS[verb] : undefined);
  if (handler === undefined) throw pathNotFound();
  const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
  await handler({ space, def, store: space.store(def), info, apiVersion, query, req, res, options });
}

/** The object's own reads and writes, for subresources that are a view of it with their own update strategy. */
const OBJECT_HANDLERS: Partial<Record<ResourceRequest['verb'], Handler>> = { get: handleGet, update: handleUpdate, patch: handlePatch };
