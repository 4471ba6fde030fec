/**
 * PatchMeta read from an OpenAPI v2 `definitions` map, the shape kube-apiserver publishes at
 * `/openapi/v2`. Patch strategy and merge key sit on the *property* (not on the referenced
 * type), exactly as upstream generates them from Go struct tags, so a node carries the
 * extensions of the property that led to it. Nodes are built lazily and cached per schema
 * object, so a whole document costs nothing until a patch walks into it.
 */
import { EMPTY_PATCH_META, type PatchMeta } from './patch-meta.js';

/** The part of an OpenAPI v2 schema strategic merge reads. */
export interface OpenApiV2Schema {
  readonly $ref?: string;
  readonly type?: string;
  readonly properties?: Readonly<Record<string, OpenApiV2Schema>>;
  readonly items?: OpenApiV2Schema;
  readonly additionalProperties?: OpenApiV2Schema | boolean;
  readonly allOf?: readonly OpenApiV2Schema[];
  readonly 'x-kubernetes-patch-strategy'?: string;
  readonly 'x-kubernetes-patch-merge-key'?: string;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export type OpenApiV2Definitions = Readonly<Record<string, OpenApiV2Schema>>;

const DEFINITIONS_PREFIX = '#/definitions/';

interface Context {
  readonly definitions: OpenApiV2Definitions;
  /** Nodes per schema object, and per `$ref` for bare references (the common case). */
  readonly cache: WeakMap<OpenApiV2Schema, PatchMeta>;
  readonly byRef: Map<string, PatchMeta>;
}

/**
 * The PatchMeta of definition `rootRef` (`#/definitions/io.k8s.api.core.v1.Pod` or the bare
 * name). Throws a plain Error when the definition does not exist: that is a server bug, not a
 * client error. Unresolvable `$ref`s further down give free-form (non-strict) positions.
 */
export function patchMetaFromOpenApiV2(definitions: OpenApiV2Definitions, rootRef: string): PatchMeta {
  const ref = rootRef.startsWith(DEFINITIONS_PREFIX) ? rootRef : DEFINITIONS_PREFIX + rootRef;
  const ctx: Context = { definitions, cache: new WeakMap(), byRef: new Map() };
  if (definitionOf(ctx, ref) === undefined) throw new Error(`OpenAPI definition not found: ${rootRef}`);
  return metaOf(ctx, { $ref: ref });
}

function definitionOf(ctx: Context, ref: string): OpenApiV2Schema | undefined {
  if (!ref.startsWith(DEFINITIONS_PREFIX)) return undefined;
  const name = ref.slice(DEFINITIONS_PREFIX.length);
  return Object.hasOwn(ctx.definitions, name) ? ctx.definitions[name] : undefined;
}

/** Follows `$ref` (and a single-entry `allOf`, the v3 wrapping) to the schema that has the shape. */
function resolve(ctx: Context, schema: OpenApiV2Schema): OpenApiV2Schema | undefined {
  let current: OpenApiV2Schema | undefined = schema;
  for (let hops = 0; current !== undefined && hops < 32; hops++) {
    if (current.$ref !== undefined) current = definitionOf(ctx, current.$ref);
    else if (current.allOf?.length === 1 && current.properties === undefined) current = current.allOf[0];
    else return current;
  }
  return undefined;
}

/** Short Go-like type name for messages: `PodSpec` for `io.k8s.api.core.v1.PodSpec`. */
function nameOf(schema: OpenApiV2Schema): string {
  const ref = schema.$ref ?? schema.allOf?.[0]?.$ref;
  if (ref !== undefined) return ref.slice(ref.lastIndexOf('.') + 1);
  return schema.type ?? 'object';
}

function metaOf(ctx: Context, schema: OpenApiV2Schema): PatchMeta {
  const strategy = schema['x-kubernetes-patch-strategy'];
  const mergeKey = schema['x-kubernetes-patch-merge-key'];
  const bareRef = strategy === undefined && mergeKey === undefined ? schema.$ref : undefined;
  const cached = bareRef === undefined ? ctx.cache.get(schema) : ctx.byRef.get(bareRef);
  if (cached !== undefined) return cached;
  const target = resolve(ctx, schema);
  const fields = new Map<string, PatchMeta | undefined>();
  const meta: PatchMeta = {
    name: nameOf(schema),
    strict: isStrict(target),
    ...(strategy !== undefined && { patchStrategy: strategy.split(',') }),
    ...(mergeKey !== undefined && { patchMergeKey: mergeKey }),
    field(name: string): PatchMeta | undefined {
      if (!fields.has(name)) fields.set(name, fieldOf(ctx, target, name));
      return fields.get(name);
    },
    items(): PatchMeta | undefined {
      return target?.items === undefined ? undefined : metaOf(ctx, target.items);
    },
  };
  if (bareRef === undefined) ctx.cache.set(schema, meta);
  else ctx.byRef.set(bareRef, meta);
  return meta;
}

function fieldOf(ctx: Context, target: OpenApiV2Schema | undefined, name: string): PatchMeta | undefined {
  if (target === undefined) return undefined;
  const props = target.properties;
  if (props !== undefined && Object.hasOwn(props, name)) {
    const prop = props[name];
    return prop === undefined ? undefined : metaOf(ctx, prop);
  }
  const extra = target.additionalProperties;
  if (extra === true) return EMPTY_PATCH_META;
  return typeof extra === 'object' ? metaOf(ctx, extra) : undefined;
}

/** Declared shapes are strict (undeclared fields fail lookup, as Go structs do); free-form ones are not. */
function isStrict(target: OpenApiV2Schema | undefined): boolean {
  if (target === undefined) return false;
  return target['x-kubernetes-preserve-unknown-fields'] !== true && target.additionalProperties !== true;
}
