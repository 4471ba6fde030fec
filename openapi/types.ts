/**
 * Shapes shared by the OpenAPI builders: the schema objects we publish and the catalog that says
 * which resources the server serves. The catalog is plain data so that the registry (or a test)
 * can build one without depending on the registry's classes.
 */

/** An OpenAPI schema object (v2 dialect unless a builder says otherwise). */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  nullable?: boolean;
  [extension: `x-${string}`]: unknown;
}

export type Definitions = Record<string, Schema>;

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** One served resource at one version. */
export interface CatalogResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** URL segment, e.g. `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
  /** Discovery verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  readonly verbs: readonly string[];
  /** e.g. `status`, `scale`, `log`, `token`, `eviction`, `binding`, `finalize`, `exec`. */
  readonly subresources?: readonly string[];
  /** Definition name of the kind's schema; defaults to the built-in name or a reversed-group name. */
  readonly definition?: string;
}

/** Everything the documents are built from; rebuild the documents when this changes. */
export interface Catalog {
  readonly resources: readonly CatalogResource[];
  /** Extra definitions (custom resources), v2 dialect, keyed like `com.example.v1.Widget`. */
  readonly definitions?: Readonly<Definitions>;
}

/** A serialized document ready to be served, with its strong validator. */
export interface Published {
  readonly json: string;
  /** SHA-512 of `json`, 128 upper-case hex digits (unquoted). */
  readonly etag: string;
}
