/**
 * The server-side apply type model of each resource: built-ins from the published OpenAPI
 * definitions, custom resources from their structural schema, anything else deduced.
 */
import {
  deducedSchema,
  schemaFromOpenApiV2,
  schemaFromStructural,
  update,
  type ApplySchema,
  type ManagedFieldsEntry,
} from '../api/apply/index.js';
import type { KubeObject } from '../api/object.js';
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

/** Who is writing, for managedFields: the manager and the group/version it wrote through. */
export interface FieldManager {
  readonly name: string;
  readonly apiVersion: string;
  readonly subresource?: string;
}

/**
 * The managedFields after a non-apply write (create, update, patch) by `manager`: it gains the
 * fields it set or changed, others lose those. An object the schema cannot type keeps its entries
 * as they were rather than failing the write.
 */
export function managedFieldsAfterUpdate(
  def: ResourceDefinition,
  live: KubeObject | undefined,
  updated: KubeObject,
  manager: FieldManager,
  now: Date,
): ManagedFieldsEntry[] | undefined {
  try {
    const result = update({
      live: live as never,
      updated: updated as never,
      manager: manager.name,
      schema: applySchemaFor(def),
      now,
      apiVersion: manager.apiVersion,
      ...(manager.subresource && { subresource: manager.subresource }),
      resetFields: resetFieldsFor(def, manager.subresource),
    });
    return result.managedFields;
  } catch {
    return undefined;
  }
}
