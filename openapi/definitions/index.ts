/**
 * The `definitions` section: every built-in type (from the client models, the facts table and
 * the hand-written special types), computed once per process because it never changes, then
 * combined per catalog with the custom resources' schemas and the group-version lists that
 * `DeleteOptions` and `WatchEvent` carry.
 */
import type { Catalog, CatalogResource, Definitions, Schema } from '../types.js';
import { ModelIndex, convertModel, type ConvertContext } from './from-models.js';
import { PACKAGES, aliasOfGroupVersion, definitionName } from './packages.js';
import { SPECIAL_TYPES } from './special-types.js';

export interface DefinitionOptions {
  /** Publish descriptions (kubectl explain needs them; they are about 60% of the bytes). */
  readonly descriptions?: boolean;
}

export interface BuiltinDefinitions {
  readonly definitions: Readonly<Definitions>;
  /** Model classes found by traversal but missing from the package table (should be empty). */
  readonly unmapped: readonly string[];
}

const builtinCache = new Map<boolean, BuiltinDefinitions>();

/** All built-in definitions, keys sorted. Callers must not mutate the result. */
export function builtinDefinitions(opts: DefinitionOptions = {}): BuiltinDefinitions {
  const descriptions = opts.descriptions ?? true;
  let hit = builtinCache.get(descriptions);
  if (!hit) {
    hit = buildBuiltins(descriptions);
    builtinCache.set(descriptions, hit);
  }
  return hit;
}

function buildBuiltins(descriptions: boolean): BuiltinDefinitions {
  const index = new ModelIndex();
  const ctx: ConvertContext = { index, unmapped: new Set(), descriptions };
  const out: Definitions = {};
  const done = new Set<string>();
  // Converting a model can register unmapped classes, so loop until nothing new appears.
  for (let pending = index.typesWithModels(); pending.length > 0; ) {
    for (const aliasType of pending) {
      done.add(aliasType);
      const schema = convertModel(aliasType, ctx);
      if (schema) out[definitionName(aliasType)] = schema;
    }
    pending = index.typesWithModels().filter((t) => !done.has(t));
  }
  for (const [aliasType, schema] of Object.entries(SPECIAL_TYPES)) {
    out[definitionName(aliasType)] = descriptions ? schema : withoutDescription(schema);
  }
  return { definitions: sortKeys(out), unmapped: [...ctx.unmapped].sort() };
}

const DELETE_OPTIONS = definitionName('meta.v1.DeleteOptions');
const WATCH_EVENT = definitionName('meta.v1.WatchEvent');

/** Built-ins plus the catalog's own definitions, with a placeholder for any served kind lacking one. */
export function definitionsFor(catalog: Catalog, opts: DefinitionOptions = {}): Definitions {
  const out: Definitions = { ...builtinDefinitions(opts).definitions, ...catalog.definitions };
  const gvs = groupVersions(catalog.resources);
  for (const name of [DELETE_OPTIONS, WATCH_EVENT]) {
    const base = out[name];
    if (!base) continue;
    const kind = name.slice(name.lastIndexOf('.') + 1);
    out[name] = { ...base, 'x-kubernetes-group-version-kind': gvs.map((gv) => ({ ...gv, kind })) };
  }
  for (const r of catalog.resources) {
    const name = resourceDefinitionName(r);
    out[name] ??= placeholder(r, r.kind);
    if (r.verbs.includes('list')) out[`${name}List`] ??= listPlaceholder(r, name);
  }
  return sortKeys(out);
}

/**
 * The definition name of a served kind: explicit, else the built-in one, else upstream's naming
 * for custom resources (the group reversed: `example.com` → `com.example.v1.Widget`).
 */
export function resourceDefinitionName(r: Pick<CatalogResource, 'group' | 'version' | 'kind' | 'definition'>): string {
  if (r.definition) return r.definition;
  const alias = aliasOfGroupVersion(r.group, r.version);
  if (alias && PACKAGES[alias]!.types.includes(r.kind)) return definitionName(`${alias}.${r.kind}`);
  const group = r.group ? r.group.split('.').reverse().join('.') : 'core';
  return `${group}.${r.version}.${r.kind}`;
}

/** Whether a definition is one of ours (built-ins take strategic merge patch; custom resources do not). */
export function isBuiltinDefinition(name: string): boolean {
  const built = builtinCache.values().next().value ?? builtinDefinitions();
  return Object.hasOwn(built.definitions, name);
}

function groupVersions(resources: readonly CatalogResource[]): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of resources) seen.set(`${r.group}/${r.version}`, { group: r.group, version: r.version });
  return [...seen.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function placeholder(r: CatalogResource, kind: string): Schema {
  return {
    description: `${kind} has no published schema; any object is accepted.`,
    type: 'object',
    'x-kubernetes-group-version-kind': [{ group: r.group, kind, version: r.version }],
  };
}

function listPlaceholder(r: CatalogResource, itemName: string): Schema {
  return {
    description: `${r.kind}List is a list of ${r.kind}.`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: `#/definitions/${itemName}` } },
      kind: { type: 'string' },
      metadata: { $ref: `#/definitions/${definitionName('meta.v1.ListMeta')}` },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: `${r.kind}List`, version: r.version }],
  };
}

function withoutDescription(schema: Schema): Schema {
  const { description: _omit, ...rest } = schema;
  return rest;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]!;
  return out;
}
