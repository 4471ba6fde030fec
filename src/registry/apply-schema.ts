/**
 * The server-side apply type model of each resource: built-ins from the published OpenAPI
 * definitions, custom resources from their structural schema, anything else deduced.
 */
import { deducedSchema, schemaFromOpenApiV2, schemaFromStructural, type ApplySchema } from '../api/apply/index.js';
import { builtinDefinitions, isBuiltinDefinition, resourceDefinitionName } from '../../openapi/index.js';
import type { ResourceDefinition } from './definition.js';

const cache = new WeakMap<ResourceDefinition, ApplySchema>();

export function applySchemaFor(def: ResourceDefinition): ApplySchema {
  let schema = cache.get(def);
  if (schema === undefined) {
    const name = resourceDefinitionName({ group: def.group, version: def.version, kind: def.kind });
    if (def.structuralSchema !== undefined) schema = schemaFromStructural(def.structuralSchema as never);
    else if (isBuiltinDefinition(name)) schema = schemaFromOpenApiV2(builtinDefinitions().definitions as never, name);
    else schema = deducedSchema();
    cache.set(def, schema);
  }
  return schema;
}

/** What an endpoint's strategy resets, and so never records: status on the main resource, the rest on /status. */
export function resetFieldsFor(def: ResourceDefinition, subresource: string | undefined): readonly (readonly string[])[] {
  if (def.subresources.status !== true) return [];
  return subresource === 'status' ? [['spec'], ['metadata']] : [['status']];
}
