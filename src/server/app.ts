/**
 * The HTTP surface: one request handler serving the root API and every space under
 * /clusters/<space>/. It parses requests and renders answers; the registry does the rest.
 * Never calls listen: main.ts owns the socket, tests use supertest or port 0.
 */
import { pathNotFound } from '../api/errors.js';
import type { ServedSpace } from '../spaces/served-space.js';
import type { SpaceManager } from '../spaces/manager.js';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  apiResourceList,
  legacyApiGroup,
  legacyApiGroupList,
  legacyApiVersions,
  negotiateDiscovery,
} from './discovery.js';
import { renderError } from './filters/errors.js';
import { sendJson, writeBody, type HandlerOptions } from './handlers/context.js';
import { dispatchResource } from './handlers/dispatch.js';
import { healthAnswer, versionInfo } from './health.js';
import { serveOpenApiV2, serveOpenApiV3 } from './openapi.js';
import type { Request, Response } from './http.js';
import { parseRequestInfo, type RequestInfo, type ResourceRequest } from './request-info.js';
import { requestAttributes } from '../auth/attributes.js';
import { forbiddenError } from '../auth/forbidden.js';
import { authorize, type RbacData } from '../auth/rbac/authorizer.js';
import { isPrivileged, type UserInfo } from '../auth/user.js';
import type { ServerMetrics } from '../metrics/metrics.js';
import { isPublicPath, type Authenticator } from './filters/authn.js';
import { setRequestUser } from './filters/request-user.js';
import { impersonate, mayImpersonate } from '../auth/impersonation.js';
import { parseRequestTarget } from './request-target.js';
import { issuerDiscovery } from './issuer-discovery.js';
import { spaceOfServerName } from '../spaces/space-host.js';
import { unauthorized } from '../api/errors.js';

export type RequestHandler = (req: Request, res: Response) => void;

export interface AppDeps {
  readonly spaces: SpaceManager;
  readonly log?: (msg: string, err?: unknown) => void;
  readonly handlerOptions?: Partial<HandlerOptions>;
  readonly metrics?: ServerMetrics;
  /** Who a request comes from; without one, every request is served (in-process tests). */
  readonly authenticate?: Authenticator;
}

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);
const SPACE_PATH = /^((?:\/apis\/spaces\.kubestellar\.io\/v1alpha1)?\/clusters)\/([^/]+)(\/.*)?$/;

export function createApp(deps: AppDeps): RequestHandler {
  const options: HandlerOptions = {
    bookmarkIntervalMs: 60_000,
    defaultWatchSeconds: () => 1800 + Math.floor(Math.random() * 1800),
    ...deps.handlerOptions,
  };
  const log = deps.log ?? ((msg: string, err?: unknown) => console.error(msg, err));

  const route = async (req: Request, res: Response): Promise<void> => {
    const { path, query } = parseRequestTarget(req.url);
    // A space is reached at /clusters/<space>/ (standalone) or, through a hosting cluster's
    // kube-aggregator, at /apis/spaces.kubestellar.io/v1alpha1/clusters/<space>/.
    const m = SPACE_PATH.exec(path);
    // Without a space in the path, the TLS server name may name one (a kubeconfig's path dropped
    // by `--raw` or `kubectl proxy`); the server's own /metrics stays server-wide.
    const named = m || path === '/metrics' ? undefined : spaceOfServerName((req.socket as { servername?: string | false | null }).servername);
    const space = m ? deps.spaces.get(decodeURIComponent(m[2]!)) : named !== undefined ? deps.spaces.get(named) : deps.spaces.root;
    let user: UserInfo | undefined;
    if (deps.authenticate !== undefined && !isPublicPath(m ? (m[3] ?? '/') : path)) {
      const authenticated = await deps.authenticate(req, space);
      if (authenticated === undefined) throw unauthorized();
      // Impersonation headers act as another user, if the requestor may impersonate them here.
      const rbac = space?.rbac;
      user = !mayImpersonate(req.rawHeaders)
        ? authenticated
        : impersonate(req.headersDistinct, authenticated, (attrs) =>
            rbac === undefined ? { allowed: isPrivileged(attrs.user), reason: '' } : authorize(attrs, rbac.snapshot()),
          );
      setRequestUser(req, user);
    }
    if (m) {
      if (space === undefined) throw pathNotFound();
      await serveSpace(space, m[3] ?? '/', `${m[1]!}/${m[2]!}`, req, res, query, options, deps.metrics, user);
      return;
    }
    if (named !== undefined) {
      if (space === undefined) throw pathNotFound();
      await serveSpace(space, path, '', req, res, query, options, deps.metrics, user);
      return;
    }
    if (path === '/metrics' && deps.metrics !== undefined) {
      if (user !== undefined) authorizeRequest(undefined, user, { kind: 'nonResource', path }, req, path, query);
      const { body, contentType } = await deps.metrics.text();
      writeBody(res, 200, body, contentType);
      return;
    }
    await serveSpace(deps.spaces.root, path, '', req, res, query, options, deps.metrics, user);
  };
  return (req, res) => {
    route(req, res).catch((err: unknown) => renderError(err, req, res, log));
  };
}

async function serveSpace(
  space: ServedSpace,
  path: string,
  prefix: string,
  req: Request,
  res: Response,
  query: URLSearchParams,
  options: HandlerOptions,
  metrics?: ServerMetrics,
  user?: UserInfo,
): Promise<void> {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (HEALTH_PATHS.has(trimmed) || trimmed.startsWith('/healthz/') || trimmed.startsWith('/livez/') || trimmed.startsWith('/readyz/')) {
    const answer = healthAnswer(trimmed, query);
    if (answer === undefined) throw pathNotFound();
    writeBody(res, answer.code, answer.body, 'text/plain; charset=utf-8');
    return;
  }
  if (trimmed === '/version') return sendJson(res, 200, versionInfo());
  const metricsOfSpace = trimmed === '/metrics' && metrics !== undefined && space.name !== undefined;
  if (trimmed === '/openapi/v2' || trimmed === '/swagger-2.0.0.pb-v1') return serveOpenApiV2(space.catalog, req, res);
  if (trimmed === '/openapi/v3') return serveOpenApiV3(space.catalog, '', prefix, req, res);
  if (trimmed.startsWith('/openapi/v3/')) return serveOpenApiV3(space.catalog, trimmed.slice('/openapi/v3/'.length), prefix, req, res);
  const info = parseRequestInfo(req.method ?? 'GET', trimmed, query);
  if (user !== undefined) authorizeRequest(space.rbac?.snapshot(), user, info, req, trimmed, query);
  if (metricsOfSpace) {
    // As kube-apiserver's /metrics (RBAC: get on the non-resource URL), with only this space's series.
    const { body, contentType } = await metrics.text(space.name);
    writeBody(res, 200, body, contentType);
    return;
  }
  if (metrics !== undefined && info.kind === 'resource') record(metrics, space.name ?? '', info, res);
  const catalog = space.catalog;
  switch (info.kind) {
    case 'api':
    case 'apis': {
      const format = negotiateDiscovery(req.headers.accept);
      if (format.aggregated) {
        writeBody(res, 200, JSON.stringify(aggregatedDiscovery(catalog, info.kind === 'api', format.version)), aggregatedContentType(format.version));
        return;
      }
      return sendJson(res, 200, info.kind === 'api' ? legacyApiVersions(req.headers.host ?? '') : legacyApiGroupList(catalog));
    }
    case 'group': {
      const group = legacyApiGroup(catalog, info.group);
      if (group === undefined) throw pathNotFound();
      return sendJson(res, 200, group);
    }
    case 'groupVersion': {
      const list = apiResourceList(catalog, info.group, info.version);
      if (list === undefined) throw pathNotFound();
      return sendJson(res, 200, list);
    }
    case 'resource':
      return dispatchResource(space, info, req, res, query, options);
    default: {
      const tokens = options.tokens;
      const doc = req.method === 'GET' && tokens !== undefined && space.name !== undefined ? issuerDiscovery(trimmed, tokens, space.name, `https://${req.headers.host ?? ''}${prefix}`) : undefined;
      if (doc === undefined) throw pathNotFound();
      writeBody(res, 200, doc.body, doc.contentType);
      return;
    }
  }
}

/**
 * RBAC, as kube-apiserver's authorizer chain: system:masters may do anything; everyone else what
 * the space's roles grant (a space without RBAC, the root API or an ITS, admits only masters).
 */
function authorizeRequest(rbac: RbacData | undefined, user: UserInfo, info: RequestInfo, req: Request, path: string, query: URLSearchParams): void {
  const attrs = requestAttributes(user, info, req.method ?? 'GET', path, query);
  // Without RBAC (the root API, an ITS): discovery for anyone authenticated, the rest for masters.
  const decision =
    rbac === undefined ? { allowed: isPrivileged(user) || (!attrs.resourceRequest && attrs.verb === 'get'), reason: '' } : authorize(attrs, rbac);
  if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
}

/** kube-apiserver's verb label: the HTTP method, with reads split into GET, LIST and WATCH. */
const METRIC_VERBS: Record<ResourceRequest['verb'], string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETE',
};

/** Counts the request when its answer is complete; a watch's duration is not a latency. */
function record(metrics: ServerMetrics, space: string, info: ResourceRequest, res: Response): void {
  const start = process.hrtime.bigint();
  res.once('finish', () => {
    const labels = { space, verb: METRIC_VERBS[info.verb], group: info.group, version: info.version, resource: info.resource, subresource: info.subresource };
    metrics.recordRequest(labels, res.statusCode, info.verb === 'watch' ? undefined : Number(process.hrtime.bigint() - start) / 1e9);
  });
}
