/**
 * /openapi/v2 (swagger JSON, or gnostic protobuf for kubectl 1.27/1.28 and client-side
 * validation) and /openapi/v3 (index + one document per group-version), built from each space's
 * catalogue and rebuilt when the catalogue changes (CRDs). ETags and If-None-Match as upstream,
 * so kubectl's HTTP cache works; a stale v3 hash is redirected to the current one.
 */
import type { Request, Response } from './http.js';
import { notAcceptable, pathNotFound } from '../api/errors.js';
import {
  OpenApiDocuments,
  resourceDefinitionName,
  V2_PROTOBUF_CONTENT_TYPE,
  type Catalog,
  type CatalogResource,
  type Definitions,
} from '../../openapi/index.js';
import { publishedCrdSchema } from '../registry/crd/published-schema.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import { writeBody } from './handlers/context.js';
import { KUBE_VERSION } from './health.js';
import { parseAccept } from './negotiate.js';

const documents = new WeakMap<ResourceCatalog, OpenApiDocuments>();

export function catalogForOpenApi(catalog: ResourceCatalog): Catalog {
  const resources: CatalogResource[] = [];
  const definitions: Definitions = {};
  for (const d of catalog.all()) {
    if (d.structuralSchema !== undefined) {
      for (const version of d.versions) {
        const schema = d.forVersion?.(version).structuralSchema ?? d.structuralSchema;
        // Each version's definition names its own group-version-kind only, as upstream publishes it.
        const gvk = { group: d.group, version, kind: d.kind };
        definitions[resourceDefinitionName(gvk)] = publishedCrdSchema(schema, [gvk]);
      }
    }
    for (const version of d.versions) {
      const v = d.forVersion?.(version) ?? d;
      const subresources = [
        ...(v.subresources.approval ? ['approval'] : []),
        ...(v.subresources.status ? ['status'] : []),
        ...(v.subresources.scale ? ['scale'] : []),
        ...(v.subresources.finalize ? ['finalize'] : []),
      ];
      resources.push({ group: d.group, version, kind: d.kind, plural: d.plural, namespaced: d.namespaced, verbs: d.verbs, subresources });
    }
  }
  return { resources, definitions };
}

function documentsOf(catalog: ResourceCatalog): OpenApiDocuments {
  let docs = documents.get(catalog);
  if (docs === undefined) {
    // info.version is the server's own version, as kube-apiserver's documents carry its gitVersion.
    const built = new OpenApiDocuments(catalogForOpenApi(catalog), { version: KUBE_VERSION.gitVersion });
    catalog.onChange(() => built.setCatalog(catalogForOpenApi(catalog)));
    documents.set(catalog, built);
    docs = built;
  }
  return docs;
}

const PROTOBUF_V2 = new Set([
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
]);
const JSONISH = new Set(['application/json', 'application/*', '*/*']);

function notModified(req: Request, res: Response, etag: string): boolean {
  const quoted = `"${etag}"`;
  res.setHeader('ETag', quoted);
  res.setHeader('Vary', 'Accept');
  if (req.headers['if-none-match'] === quoted) {
    res.statusCode = 304;
    res.end();
    return true;
  }
  return false;
}

export function serveOpenApiV2(catalog: ResourceCatalog, req: Request, res: Response): void {
  const docs = documentsOf(catalog);
  for (const range of parseAccept(req.headers.accept)) {
    if (PROTOBUF_V2.has(range.type)) {
      const pb = docs.v2Protobuf();
      if (notModified(req, res, pb.etag)) return;
      res.statusCode = 200;
      res.setHeader('Content-Type', V2_PROTOBUF_CONTENT_TYPE);
      res.end(Buffer.from(pb.bytes.buffer, pb.bytes.byteOffset, pb.bytes.byteLength));
      return;
    }
    if (JSONISH.has(range.type)) {
      const v2 = docs.v2();
      if (notModified(req, res, v2.etag)) return;
      writeBody(res, 200, v2.json);
      return;
    }
  }
  throw notAcceptable(['application/json', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf']);
}

/**
 * `key` is '' for the index or a group-version key (`api/v1`, `apis/apps/v1`). `prefix` is the
 * path before `/openapi/v3` on this request (a space's `/clusters/<name>`), which the index's
 * server-relative URLs must carry because clients resolve them against the host, not the
 * kubeconfig's server path.
 */
export function serveOpenApiV3(catalog: ResourceCatalog, key: string, prefix: string, req: Request, res: Response): void {
  if (!parseAccept(req.headers.accept).some((r) => JSONISH.has(r.type))) throw notAcceptable(['application/json']);
  const docs = documentsOf(catalog);
  if (key === '') {
    const index = docs.v3Index();
    if (notModified(req, res, index.etag)) return;
    const json = prefix === '' ? index.json : index.json.replaceAll('"serverRelativeURL":"/openapi/v3/', `"serverRelativeURL":"${prefix}/openapi/v3/`);
    writeBody(res, 200, json);
    return;
  }
  const doc = docs.v3(key);
  if (doc === undefined) throw pathNotFound();
  const hash = new URL(req.url ?? '/', 'http://x').searchParams.get('hash');
  if (hash !== null && hash !== doc.etag) {
    res.statusCode = 301;
    res.setHeader('Location', `${prefix}/openapi/v3/${key}?hash=${doc.etag}`);
    res.end();
    return;
  }
  if (notModified(req, res, doc.etag)) return;
  if (hash !== null) {
    res.setHeader('Cache-Control', 'public, immutable');
    res.setHeader('Expires', new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString());
  }
  writeBody(res, 200, doc.json);
}
