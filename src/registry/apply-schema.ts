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
import { inRequestVersion, versionOf } from './conversion.js';
import type { ResourceDefinition } from './definition.js';

const cache = new WeakMap<ResourceDefinition, Map<string, ApplySchema>>();

/**
 * The type model of `version` (default: the stored one). Versions share the stored version's
 * model unless a built-in publishes its own definition for the version (autoscaling/v1 HPAs).
 */
export function applySchemaFor(def: ResourceDefinition, version = def.version): ApplySchema {
  let byVersion = cache.get(def);
  if (byVersion === undefined) cache.set(def, (byVersion = new Map()));
  let schema = byVersion.get(version);
  if (schema === undefined) {
    const name = builtinDefinitionName(def, version);
    if (def.structuralSchema !== undefined) schema = schemaFromStructural(def.structuralSchema as never);
    else if (name !== undefined) schema = schemaFromOpenApiV2(builtinDefinitions().definitions as never, name);
    else schema = deducedSchema();
    byVersion.set(version, schema);
  }
  return schema;
}

/** The published definition of a built-in kind at `version`, else at its stored version; undefined for other kinds. */
export function builtinDefinitionName(def: ResourceDefinition, version = def.version): string | undefined {
  for (const v of version === def.version ? [version] : [version, def.version]) {
    const name = resourceDefinitionName({ group: def.group, version: v, kind: def.kind });
    if (isBuiltinDefinition(name)) return name;
  }
  return undefined;
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
 * as they were rather than failing the write. Fields are tracked in the manager's version, as
 * upstream's field manager does: objects of a kind with conversion are compared in that version.
 */
export function managedFieldsAfterUpdate(
  def: ResourceDefinition,
  live: KubeObject | undefined,
  updated: KubeObject,
  manager: FieldManager,
  now: Date,
): ManagedFieldsEntry[] | undefined {
  const version = versionOf(manager.apiVersion);
  try {
    const result = update({
      live: (live && inRequestVersion(def, live, version)) as never,
      updated: inRequestVersion(def, updated, version) as never,
      manager: manager.name,
      schema: applySchemaFor(def, version),
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
