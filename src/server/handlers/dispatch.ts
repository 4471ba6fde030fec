/**
 * Resolves a resource request to its definition and store, checks the verb is served, and calls
 * the handler for the verb.
 */
import { rbacAdmission } from '../filters/rbac-admission.js';
import type { Request, Response } from '../http.js';
import { badRequest, methodNotSupported, pathNotFound } from '../../api/errors.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { ResourceRequest } from '../request-info.js';
import type { HandlerOptions, ResourceContext } from './context.js';
import { handlePatch } from './patch.js';
import { handleScale } from './scale.js';
import { handleGet, handleList } from './read.js';
import { handleWatch } from './watch.js';
import { handleReview } from './review.js';
import { handleTokenRequest } from './token.js';
import { handleCreate, handleDelete, handleDeleteCollection, handleUpdate } from './write.js';

type Handler = (ctx: ResourceContext) => Promise<void>;

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
  const def = space.catalog.lookup(info.group, info.version, info.resource);
  if (def === undefined) throw pathNotFound();
  const gr = { group: def.group, resource: def.plural };
  // The TokenRequest subresource of ServiceAccounts: create only.
  if (info.subresource === 'token' && def.group === '' && def.plural === 'serviceaccounts' && options.tokens !== undefined) {
    if (info.verb !== 'create') throw methodNotSupported({ group: '', resource: 'serviceaccounts/token' }, info.verb);
    await handleTokenRequest({ space, def, store: space.store(def), info, apiVersion: 'v1', query, req, res, options });
    return;
  }
  const served =
    info.subresource === '' ||
    (info.subresource === 'status' && def.subresources.status === true) ||
    (info.subresource === 'finalize' && def.subresources.finalize === true) ||
    (info.subresource === 'approval' && def.subresources.approval === true) ||
    (info.subresource === 'scale' && def.subresources.scale !== undefined);
  if (!served) throw pathNotFound();
  const subresourceVerbs = info.subresource === 'finalize' ? ['update'] : ['get', 'update', 'patch'];
  if (info.subresource !== '' && !subresourceVerbs.includes(info.verb)) throw methodNotSupported(gr, info.verb);
  if (!def.namespaced && info.namespace !== '' && info.resource !== 'namespaces') throw pathNotFound();
  if (def.namespaced && info.namespace === '' && info.verb !== 'list' && info.verb !== 'watch') {
    throw badRequest('a namespace is required for this request');
  }
  // Item verbs need a name and collection verbs must not have one (kube answers 405 otherwise).
  const itemVerb = info.verb === 'get' || info.verb === 'update' || info.verb === 'patch' || info.verb === 'delete';
  if ((info.verb === 'create' && info.name !== '' && info.subresource === '') || (itemVerb && info.name === '')) {
    throw methodNotSupported(gr, info.verb);
  }
  const handler = info.subresource === 'scale' ? handleScale : def.review === true && info.verb === 'create' ? handleReview : HANDLERS[info.verb];
  if (handler === undefined || !def.verbs.includes(info.verb)) throw methodNotSupported(gr, info.verb);
  const apiVersion = info.group === '' ? info.version : `${info.group}/${info.version}`;
  const admit = rbacAdmission(space, info, req);
  await handler({ space, def, store: space.store(def), info, apiVersion, query, req, res, options, ...(admit && { admit }) });
}
