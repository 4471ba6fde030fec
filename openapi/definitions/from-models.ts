/**
 * Turns the client library's model metadata into v2 definitions. `attributeTypeMap` gives each
 * property's JSON name, a TypeScript-ish type (`string`, `Array<V1Container>`,
 * `{ [key: string]: string; }`, `Date`, `IntOrString`, `any`) and a format; the declaration files
 * add descriptions and required-ness; the facts table adds what neither has.
 */
import * as k8s from '@kubernetes/client-node';
import { ATOMIC_TYPES, PROPERTY_ENUMS, PROPERTY_FACTS, REQUIRED_OVERRIDES, type PropertyFact } from '../facts.js';
import type { Schema } from '../types.js';
import { modelDocs } from './model-docs.js';
import { META_KINDS, PACKAGES, definitionName, modelNameCandidates } from './packages.js';
import { DATE_LEAVES, INT_OR_STRING_LEAF } from './special-types.js';

interface Attribute {
  readonly name: string;
  readonly baseName: string;
  readonly type: string;
  readonly format: string;
}

interface ModelClass {
  readonly attributeTypeMap: readonly Attribute[];
}

const LIBRARY = k8s as unknown as Readonly<Record<string, unknown>>;

function modelClass(name: string): ModelClass | undefined {
  const c = LIBRARY[name] as Partial<ModelClass> | undefined;
  return c && Array.isArray(c.attributeTypeMap) ? (c as ModelClass) : undefined;
}

/** Maps between `alias.Type` and model class names, built from the package table. */
export class ModelIndex {
  readonly #classOf = new Map<string, string>();
  readonly #typeOf = new Map<string, string>();

  constructor() {
    for (const [alias, info] of Object.entries(PACKAGES)) {
      for (const type of info.types) {
        const cls = modelNameCandidates(alias, type).find((n) => modelClass(n));
        if (cls) this.add(`${alias}.${type}`, cls);
      }
    }
  }

  add(aliasType: string, cls: string): void {
    this.#classOf.set(aliasType, cls);
    if (!this.#typeOf.has(cls)) this.#typeOf.set(cls, aliasType);
  }

  classOf(aliasType: string): string | undefined {
    return this.#classOf.get(aliasType);
  }

  typeOf(cls: string): string | undefined {
    return this.#typeOf.get(cls);
  }

  typesWithModels(): string[] {
    return [...this.#classOf.keys()];
  }
}

/** What converting one model needs to know and what it found along the way. */
export interface ConvertContext {
  readonly index: ModelIndex;
  /** Model classes referenced but missing from the package table (filed under the referrer's package). */
  readonly unmapped: Set<string>;
  readonly descriptions: boolean;
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** The v2 definition of `alias.Type`, or undefined when the library has no model for it. */
export function convertModel(aliasType: string, ctx: ConvertContext): Schema | undefined {
  const cls = ctx.index.classOf(aliasType);
  const model = cls ? modelClass(cls) : undefined;
  if (!cls || !model) return undefined;
  const docs = modelDocs(cls);
  const facts = PROPERTY_FACTS[aliasType] ?? {};
  const enums = PROPERTY_ENUMS[aliasType] ?? {};
  const alias = aliasType.slice(0, aliasType.lastIndexOf('.'));
  const shortName = aliasType.slice(alias.length + 1);

  const properties: Record<string, Schema> = {};
  for (const attr of model.attributeTypeMap) {
    const fact = facts[attr.baseName] ?? {};
    const schema = withEnum(typeSchema(attr.type, attr.format, fact, alias, ctx), enums[attr.baseName]);
    const doc = docs?.properties.get(attr.baseName)?.description;
    const prop: Schema = ctx.descriptions && doc ? { description: doc, ...schema } : schema;
    properties[attr.baseName] = withPropertyExtensions(prop, fact, isListItems(shortName, attr.baseName, model));
  }

  const out: Schema = {};
  if (ctx.descriptions && docs?.description) out.description = docs.description;
  out.type = 'object';
  out.properties = properties;
  const required =
    REQUIRED_OVERRIDES[aliasType] ??
    model.attributeTypeMap.map((a) => a.baseName).filter((n) => docs?.properties.get(n)?.required);
  if (required.length > 0) out.required = [...required];
  if (ATOMIC_TYPES.includes(aliasType)) out['x-kubernetes-map-type'] = 'atomic';
  const gvk = kindOf(alias, shortName, properties);
  if (gvk) out['x-kubernetes-group-version-kind'] = [gvk];
  return out;
}

/** A string property's (or its list items') values, when kube marks the type an enum. */
function withEnum(schema: Schema, values: readonly string[] | undefined): Schema {
  if (values === undefined) return schema;
  if (schema.type === 'string') return { ...schema, enum: [...values] };
  if (schema.type === 'array' && (schema.items as Schema | undefined)?.type === 'string') return { ...schema, items: { ...(schema.items as Schema), enum: [...values] } };
  return schema;
}

/** `items` of a `FooList` kind is the one array upstream leaves without a list type. */
function isListItems(type: string, prop: string, model: ModelClass): boolean {
  return prop === 'items' && type.endsWith('List') && model.attributeTypeMap.some((a) => a.baseName === 'metadata');
}

function kindOf(alias: string, kind: string, props: Record<string, Schema>): Record<string, string> | undefined {
  const info = PACKAGES[alias]!;
  if (info.group === undefined) {
    return alias === 'meta.v1' && META_KINDS.includes(kind) ? { group: '', kind, version: 'v1' } : undefined;
  }
  if (!props.apiVersion || !props.kind || !props.metadata) return undefined;
  return { group: info.group, kind, version: info.version };
}

function withPropertyExtensions(prop: Schema, fact: PropertyFact, listItems: boolean): Schema {
  if (prop.type === 'array' && !listItems) {
    const listType = fact.listType ?? 'atomic';
    if (listType !== 'none') prop['x-kubernetes-list-type'] = listType;
    if (fact.mapKeys) prop['x-kubernetes-list-map-keys'] = [...fact.mapKeys];
  } else if (fact.listType !== undefined && fact.listType !== 'none') {
    // A list type written down for a non-array property: a byte slice marked +listType (APIService caBundle).
    prop['x-kubernetes-list-type'] = fact.listType;
  }
  if (fact.mapType) prop['x-kubernetes-map-type'] = fact.mapType;
  if (fact.patchStrategy) prop['x-kubernetes-patch-strategy'] = fact.patchStrategy;
  if (fact.mergeKey) prop['x-kubernetes-patch-merge-key'] = fact.mergeKey;
  return prop;
}

/** Schema of one library type expression; `fact.leaf` overrides the innermost value. */
function typeSchema(type: string, format: string, fact: PropertyFact, alias: string, ctx: ConvertContext): Schema {
  const array = ARRAY.exec(type);
  if (array) return { type: 'array', items: typeSchema(array[1]!, format, fact, alias, ctx) };
  const map = MAP.exec(type);
  if (map) return { type: 'object', additionalProperties: typeSchema(map[1]!, format, fact, alias, ctx) };
  if (fact.leaf) return ref(definitionName(fact.leaf));
  switch (type) {
    case 'string':
      return format ? { type: 'string', format } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return numberSchema(format);
    case 'Date':
      return ref(definitionName(DATE_LEAVES[format] ?? 'meta.v1.Time'));
    case 'V1MicroTime':
      return ref(definitionName('meta.v1.MicroTime'));
    case 'IntOrString':
      return ref(definitionName(INT_OR_STRING_LEAF));
    case 'any':
      return {};
    default:
      return ref(definitionName(modelType(type, alias, ctx)));
  }
}

function numberSchema(format: string): Schema {
  if (format === 'int32' || format === 'int64') return { type: 'integer', format };
  return format ? { type: 'number', format } : { type: 'number' };
}

function modelType(cls: string, referrerAlias: string, ctx: ConvertContext): string {
  const known = ctx.index.typeOf(cls);
  if (known) return known;
  // A class the package table does not list (a newer library): keep it next to its referrer.
  const type = cls.replace(/^([A-Z][a-z]+)?V\d+((?:alpha|beta)\d+)?/, '');
  const aliasType = `${referrerAlias}.${type}`;
  ctx.index.add(aliasType, cls);
  ctx.unmapped.add(cls);
  return aliasType;
}

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
