/**
 * OpenAPI v3: one document per group-version plus the index that points at them by hash
 * (wire-formats §4). Each document is the v2 paths of that group-version converted to 3.0
 * (parameters get a `schema`, bodies become `requestBody` per content type) with the schemas it
 * references under `components.schemas`. kubectl reads the index, fetches the group-versions of
 * its manifests, and trusts the server to validate when each PATCH operation lists
 * `fieldValidation`; it caches a document forever under its hash, so the hash must change with
 * the content.
 */
import { definitionName } from './definitions/packages.js';
import type { Parameter } from './parameters.js';
import { groupVersionRootPath, type Method, type Operation, type PathItem } from './paths.js';
import { buildSwagger, publish, type DocumentOptions, type SwaggerDocument } from './v2.js';
import type { Catalog, Definitions, Published, Schema } from './types.js';

export interface OpenApiV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Definitions; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
}

export interface PublishedV3 {
  /** `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=…"}, …}}` */
  readonly index: Published;
  /** Keyed like the index: `api/v1`, `apis/apps/v1`. */
  readonly documents: ReadonlyMap<string, Published>;
}

const METHODS: readonly Method[] = ['get', 'put', 'post', 'delete', 'patch'];
const V2_REF = '#/definitions/';
const V3_REF = '#/components/schemas/';

/** Index key of a group-version: `api/v1` or `apis/<group>/<version>`. */
export function groupVersionKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** One v3 document per served group-version, keyed by `groupVersionKey`. */
export function buildV3Documents(
  catalog: Catalog, opts: DocumentOptions = {}, swagger: SwaggerDocument = buildSwagger(catalog, opts),
): Map<string, OpenApiV3Document> {
  const byGroupVersion = new Map<string, { group: string; version: string }>();
  for (const r of catalog.resources) byGroupVersion.set(groupVersionKey(r.group, r.version), r);
  const out = new Map<string, OpenApiV3Document>();
  for (const key of [...byGroupVersion.keys()].sort()) {
    const { group, version } = byGroupVersion.get(key)!;
    const [rootPath, rootItem] = groupVersionRootPath(group, version);
    const prefix = `/${key}/`;
    const paths: Record<string, PathItem> = { [rootPath]: rootItem };
    for (const [p, item] of Object.entries(swagger.paths)) if (p.startsWith(prefix)) paths[p] = item;
    out.set(key, toV3Document(swagger.info, paths, swagger.definitions));
  }
  return out;
}

/** Every group-version document serialized, and the index that names them by hash. */
export function publishV3(catalog: Catalog, opts: DocumentOptions = {}, swagger?: SwaggerDocument): PublishedV3 {
  const documents = new Map<string, Published>();
  const index: Record<string, { serverRelativeURL: string }> = {};
  for (const [key, doc] of buildV3Documents(catalog, opts, swagger)) {
    const published = publish(doc);
    documents.set(key, published);
    index[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${published.etag}` };
  }
  return { index: publish({ paths: index }), documents };
}

function toV3Document(
  info: { title: string; version: string }, paths: Record<string, PathItem>, definitions: Definitions,
): OpenApiV3Document {
  const used = new Set<string>();
  const v3paths: Record<string, Record<string, unknown>> = {};
  for (const [p, item] of Object.entries(paths)) {
    v3paths[p] = convertPathItem(item);
    collectRefs(item, used);
  }
  // Close over references between definitions.
  for (const queue = [...used]; queue.length > 0; ) {
    const found = new Set<string>();
    collectRefs(definitions[queue.pop()!], found);
    for (const f of found) {
      if (used.has(f)) continue;
      used.add(f);
      queue.push(f);
    }
  }
  const schemas: Definitions = {};
  for (const name of [...used].sort()) {
    const def = definitions[name];
    if (def) schemas[name] = convertDefinition(name, def);
  }
  return {
    openapi: '3.0.0',
    info,
    paths: v3paths,
    components: {
      schemas,
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
}

function convertPathItem(item: PathItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of METHODS) if (item[m]) out[m] = convertOperation(item[m]);
  if (item.parameters) out.parameters = item.parameters.map(convertParameter);
  return out;
}

function convertOperation(op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { tags: op.tags, description: op.description, operationId: op.operationId };
  const params = (op.parameters ?? []).filter((p) => p.in !== 'body');
  if (params.length > 0) out.parameters = params.map(convertParameter);
  const bodyParam = op.parameters?.find((p) => p.in === 'body');
  if (bodyParam?.schema) {
    const schema = convertSchema(bodyParam.schema);
    out.requestBody = {
      content: Object.fromEntries(op.consumes.map((ct) => [ct, { schema }])),
      ...(bodyParam.required ? { required: true } : {}),
    };
  }
  const responses: Record<string, unknown> = {};
  for (const [code, r] of Object.entries(op.responses)) {
    responses[code] = r.schema
      ? { description: r.description, content: Object.fromEntries(op.produces.map((mt) => [mt, { schema: convertSchema(r.schema!) }])) }
      : { description: r.description };
  }
  out.responses = responses;
  if (op['x-kubernetes-action']) out['x-kubernetes-action'] = op['x-kubernetes-action'];
  if (op['x-kubernetes-group-version-kind']) out['x-kubernetes-group-version-kind'] = op['x-kubernetes-group-version-kind'];
  return out;
}

function convertParameter(p: Parameter): Record<string, unknown> {
  const schema: Record<string, unknown> = { type: p.type ?? 'string' };
  if (p.uniqueItems) schema.uniqueItems = true;
  return {
    name: p.name, in: p.in, ...(p.description ? { description: p.description } : {}),
    ...(p.required ? { required: true } : {}), schema,
  };
}

const QUANTITY = definitionName('resource.Quantity');
const INT_OR_STRING = definitionName('intstr.IntOrString');

/** Scalar unions that v2 can only call strings get their real v3 shape. */
function convertDefinition(name: string, def: Schema): Schema {
  if (name === QUANTITY) return { description: def.description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  if (name === INT_OR_STRING) {
    return {
      description: def.description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    };
  }
  return convertSchema(def);
}

/** Rewrites references; a `$ref` with siblings becomes `allOf: [{$ref}]` so the siblings survive. */
export function convertSchema(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s) as [keyof Schema & string, unknown][]) {
    if (k === '$ref') continue;
    if (k === 'properties') out.properties = mapValues(v as Record<string, Schema>, convertSchema);
    else if (k === 'items') out.items = convertSchema(v as Schema);
    else if (k === 'additionalProperties') out.additionalProperties = typeof v === 'boolean' ? v : convertSchema(v as Schema);
    else if (k === 'allOf' || k === 'oneOf' || k === 'anyOf') out[k] = (v as Schema[]).map(convertSchema);
    else (out as Record<string, unknown>)[k] = v;
  }
  if (typeof s.$ref === 'string' && s.$ref.startsWith(V2_REF)) {
    const ref = { $ref: V3_REF + s.$ref.slice(V2_REF.length) };
    return Object.keys(out).length === 0 ? ref : { allOf: [ref], ...out };
  }
  return out;
}

function collectRefs(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, into);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(V2_REF)) into.add(v.slice(V2_REF.length));
      else collectRefs(v, into);
    }
  }
}

function mapValues<A, B>(obj: Record<string, A>, f: (a: A) => B): Record<string, B> {
  const out: Record<string, B> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = f(v);
  return out;
}
