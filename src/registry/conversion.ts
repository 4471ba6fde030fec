/**
 * Moving objects between the version a request names and the version they are stored in. Kinds
 * with a `conversion` hook are converted both ways; every other kind is stored as sent and served
 * with the request's apiVersion, as before. Handlers call these at the edges (decoded bodies in,
 * rendered objects out), so the store and the strategies only ever see the stored shape.
 */
import type { KubeObject } from '../api/object.js';
import { apiVersionOf, type ResourceDefinition } from './definition.js';

/** `autoscaling/v1` → `v1`; a core apiVersion is its own version. */
export const versionOf = (apiVersion: string): string => apiVersion.slice(apiVersion.lastIndexOf('/') + 1);

/** A body sent to `version` as it is stored. */
export function toStoredVersion(def: ResourceDefinition, obj: KubeObject, version: string): KubeObject {
  return def.conversion === undefined ? obj : def.conversion.toStored(obj, version);
}

/**
 * The stored object as `version` shows it, for writes that work on the request's version (patch
 * and apply act on the object in the version of the URL). Kinds without conversion get the
 * stored object itself, so a patch through another version does not rewrite its apiVersion.
 */
export function inRequestVersion(def: ResourceDefinition, obj: KubeObject, version: string): KubeObject {
  return def.conversion === undefined ? obj : def.conversion.fromStored(obj, version);
}

/** The stored object as a response in `version`: converted, or just relabelled. Never mutates `obj`. */
export function toServedVersion(def: ResourceDefinition, obj: KubeObject, version: string): KubeObject {
  if (def.conversion !== undefined) return def.conversion.fromStored(obj, version);
  const apiVersion = apiVersionOf(def.group, version);
  return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

/**
 * Whether stored bytes are already the response for `version`: the stored version of a kind that
 * has only that version, or of one whose conversion keeps stored objects as they are; never for
 * a resource stored as another group's (its objects are stored in that group's shape).
 */
export function servesStoredBytes(def: ResourceDefinition, version: string): boolean {
  return def.storedAs === undefined && def.defaultsOnRead !== true && version === def.version && (def.versions.length === 1 || def.conversion !== undefined);
}
