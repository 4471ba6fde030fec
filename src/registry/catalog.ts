/**
 * The resources a space serves, looked up by URL (group, version, plural) or by kind. It is the
 * single source for discovery, routing and OpenAPI; custom resource definitions add and remove
 * entries at run time, and listeners learn of every change.
 */
import type { ResourceDefinition } from './definition.js';

export interface GroupVersions {
  readonly group: string;
  /** Preferred first. */
  readonly versions: readonly string[];
}

export class ResourceCatalog {
  readonly #byResource = new Map<string, ResourceDefinition>();
  /** By group and plural, whatever the version: asked for every change a space's watchers see. */
  readonly #byGroupResource = new Map<string, ResourceDefinition>();
  readonly #defs: ResourceDefinition[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(definitions: readonly ResourceDefinition[] = []) {
    for (const d of definitions) this.add(d);
  }

  add(def: ResourceDefinition): void {
    this.#remove(def.group, def.plural);
    this.#defs.push(def);
    this.#byGroupResource.set(groupResourceKey(def.group, def.plural), def);
    for (const v of def.versions) this.#byResource.set(key(def.group, v, def.plural), def);
    this.#changed();
  }

  remove(group: string, plural: string): void {
    if (this.#remove(group, plural)) this.#changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.#byResource.get(key(group, version, plural));
  }

  /** The definition of a group's resource, whatever version is asked for. */
  byResource(group: string, plural: string): ResourceDefinition | undefined {
    return this.#byGroupResource.get(groupResourceKey(group, plural));
  }

  byKind(group: string, kind: string): ResourceDefinition | undefined {
    return this.#defs.find((d) => d.group === group && d.kind === kind);
  }

  all(): readonly ResourceDefinition[] {
    return this.#defs;
  }

  /** Groups in registration order (core first), each with its served versions. */
  groups(): GroupVersions[] {
    const out = new Map<string, string[]>();
    for (const d of this.#defs) {
      const versions = out.get(d.group) ?? [];
      for (const v of d.versions) if (!versions.includes(v)) versions.push(v);
      out.set(d.group, versions);
    }
    return [...out].map(([group, versions]) => ({ group, versions }));
  }

  /** Resources served at one group-version. */
  resourcesOf(group: string, version: string): ResourceDefinition[] {
    return this.#defs.filter((d) => d.group === group && d.versions.includes(version));
  }

  #remove(group: string, plural: string): boolean {
    const i = this.#defs.findIndex((d) => d.group === group && d.plural === plural);
    if (i < 0) return false;
    const [old] = this.#defs.splice(i, 1);
    this.#byGroupResource.delete(groupResourceKey(group, plural));
    for (const v of old!.versions) this.#byResource.delete(key(group, v, plural));
    return true;
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }
}

const key = (group: string, version: string, plural: string): string => `${group}/${version}/${plural}`;
const groupResourceKey = (group: string, plural: string): string => `${group}/${plural}`;
