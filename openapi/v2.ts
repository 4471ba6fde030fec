/**
 * The swagger 2.0 document served at `/openapi/v2` (JSON for kube-aggregator and humans, and the
 * source of the protobuf form kubectl 1.27/1.28 fetch). Built from a catalog; callers cache the
 * result until the catalog changes, since building and hashing take tens of milliseconds.
 */
import { createHash } from 'node:crypto';
import { definitionsFor, type DefinitionOptions } from './definitions/index.js';
import { groupVersionRootPath, resourcePaths, type PathItem } from './paths.js';
import type { Catalog, Definitions, Published } from './types.js';

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  definitions: Definitions;
  security: Record<string, string[]>[];
  securityDefinitions: Record<string, { type: string; name: string; in: string; description: string }>;
}

export interface DocumentOptions extends DefinitionOptions {
  /** `info.version`; the Kubernetes version the server claims. */
  readonly version?: string;
}

export const DEFAULT_VERSION = 'v1.35.0';

export function buildSwagger(catalog: Catalog, opts: DocumentOptions = {}): SwaggerDocument {
  const paths: Record<string, PathItem> = {};
  for (const r of catalog.resources) {
    const [root, item] = groupVersionRootPath(r.group, r.version);
    paths[root] ??= item;
    Object.assign(paths, resourcePaths(r));
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: opts.version ?? DEFAULT_VERSION },
    paths: sortKeys(paths),
    definitions: definitionsFor(catalog, opts),
    security: [{ BearerToken: [] }],
    securityDefinitions: {
      BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'Bearer Token authentication' },
    },
  };
}

/** The serialized document and its ETag. */
export function publishSwagger(catalog: Catalog, opts: DocumentOptions = {}): Published & { document: SwaggerDocument } {
  const document = buildSwagger(catalog, opts);
  return { document, ...publish(document) };
}

/** JSON text plus upstream's validator: SHA-512 of the bytes as upper-case hex. */
export function publish(document: unknown): Published {
  const json = JSON.stringify(document);
  return { json, etag: etagOf(json) };
}

export function etagOf(data: string | Uint8Array): string {
  return createHash('sha512').update(data).digest('hex').toUpperCase();
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]!;
  return out;
}
