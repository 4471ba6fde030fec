/** Public surface of the OpenAPI builders. */
export type { Catalog, CatalogResource, Definitions, GroupVersionKind, Published, Schema } from './types.js';
export { BUILTIN_CATALOG } from './builtin-catalog.js';
export { builtinDefinitions, definitionsFor, isBuiltinDefinition, resourceDefinitionName } from './definitions/index.js';
export type { DefinitionOptions } from './definitions/index.js';
export { buildSwagger, publishSwagger, publish, etagOf, DEFAULT_VERSION } from './v2.js';
export type { DocumentOptions, SwaggerDocument } from './v2.js';
export { buildV3Documents, publishV3, groupVersionKey } from './v3.js';
export type { OpenApiV3Document, PublishedV3 } from './v3.js';
export { encodeSwaggerProtobuf, V2_PROTOBUF_CONTENT_TYPE } from './v2-protobuf.js';
export { OpenApiDocuments } from './service.js';
export type { PublishedBytes } from './service.js';
