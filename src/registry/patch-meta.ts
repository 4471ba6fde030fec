/**
 * Strategic merge patch knowledge per resource, from the same OpenAPI definitions the server
 * publishes. Built-in kinds take strategic merge; custom resources do not (415, as upstream).
 */
import { EMPTY_PATCH_META, type PatchMeta } from '../api/patch/patch-meta.js';
import { patchMetaFromOpenApiV2 } from '../api/patch/openapi-meta.js';
import { builtinDefinitions, isBuiltinDefinition, resourceDefinitionName } from '../../openapi/index.js';
import type { ResourceDefinition } from './definition.js';

const cache = new WeakMap<ResourceDefinition, PatchMeta | undefined>();

/** The patch metadata of a built-in kind, or undefined when strategic merge is not supported for it. */
export function strategicPatchMeta(def: ResourceDefinition): PatchMeta | undefined {
  if (cache.has(def)) return cache.get(def);
  const name = resourceDefinitionName({ group: def.group, version: def.version, kind: def.kind });
  const meta = isBuiltinDefinition(name) ? patchMetaFromOpenApiV2(builtinDefinitions().definitions, name) : undefined;
  cache.set(def, meta);
  return meta;
}

export { EMPTY_PATCH_META };
