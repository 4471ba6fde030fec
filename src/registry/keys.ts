/**
 * Storage keys. Every space has its own subtree, so spaces share one store (one revision
 * counter, one watch log) without seeing each other's objects:
 *
 *   /spaces/<space>/registry/<group|core>/<plural>/<namespace>/<name>   namespaced
 *   /spaces/<space>/registry/<group|core>/<plural>/<name>               cluster-scoped
 *   /root/registry/...                                                  the root API (Space objects)
 */
import type { ResourceDefinition } from './definition.js';

export function spacePrefix(space: string | undefined): string {
  return space === undefined ? '/root/registry/' : `/spaces/${space}/registry/`;
}

export function resourcePrefix(space: string | undefined, def: ResourceDefinition): string {
  const { group, plural } = def.storedAs ?? def;
  return `${spacePrefix(space)}${group === '' ? 'core' : group}/${plural}/`;
}

/** The prefix of one namespace's objects, or of all objects when `namespace` is empty. */
export function listPrefix(space: string | undefined, def: ResourceDefinition, namespace: string): string {
  const base = resourcePrefix(space, def);
  return def.namespaced && namespace !== '' ? `${base}${namespace}/` : base;
}

export function objectKey(space: string | undefined, def: ResourceDefinition, namespace: string, name: string): string {
  const base = resourcePrefix(space, def);
  return def.namespaced ? `${base}${namespace}/${name}` : `${base}${name}`;
}

/** The group and plural of a key under `spacePrefix(space)`, or undefined for a foreign key. */
export function resourceOfKey(space: string | undefined, key: string): { group: string; plural: string } | undefined {
  const base = spacePrefix(space);
  if (!key.startsWith(base)) return undefined;
  const [group, plural] = key.slice(base.length).split('/', 2);
  if (group === undefined || plural === undefined) return undefined;
  return { group: group === 'core' ? '' : group, plural };
}
