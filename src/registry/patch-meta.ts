/**
 * Strategic merge patch knowledge per resource, from the same OpenAPI definitions the server
 * publishes. Built-in kinds take strategic merge; custom resources do not (415, as upstream).
 */
import { EMPTY_PATCH_META, type PatchMeta } from '../api/patch/patch-meta.js';
import { patchMetaFromOpenApiV2 } from '../api/patch/openapi-meta.js';
import { builtinDefinitions } from '../../openapi/index.js';
import { builtinDefinitionName } from './apply-schema.js';
import type { ResourceDefinition } from './definition.js';

const cache = new WeakMap<ResourceDefinition, Map<string, PatchMeta | undefined>>();

/**
 * The patch metadata of a built-in kind at `version` (a patch applies to the object in the
 * version of the URL), or undefined when strategic merge is not supported for it.
 */
export function strategicPatchMeta(def: ResourceDefinition, version = def.version): PatchMeta | undefined {
  let byVersion = cache.get(def);
  if (byVersion === undefined) cache.set(def, (byVersion = new Map()));
  if (byVersion.has(version)) return byVersion.get(version);
  const name = builtinDefinitionName(def, version);
  const meta = name === undefined ? undefined : patchMetaFromOpenApiV2(builtinDefinitions().definitions, name);
  byVersion.set(version, meta);
  return meta;
}

export { EMPTY_PATCH_META };
