/**
 * The type model server-side apply walks (spec §3.1): at each position a scalar, a struct, a map,
 * a list (atomic, set or map-keyed) or an untyped value. Built lazily from OpenAPI v2 definitions
 * (built-in kinds), from a CRD structural schema (custom resources), or deduced (unknown kinds),
 * because kinds like JSONSchemaProps are recursive and most of a document is never walked.
 */
import { builtinDefinitions } from '../../../openapi/index.js';

export type ListType = 'atomic' | 'set' | 'map';

/**
 * The value type of a scalar, as structured-merge-diff types it from OpenAPI: integers and numbers
 * are `numeric`, strings without a format (and `byte`) `string`, booleans `boolean`. Absent means
 * untyped (any scalar): int-or-string, quantities, times, other string formats, unknown types.
 */
export type ScalarType = 'string' | 'numeric' | 'boolean';

export interface ScalarSchema {
  readonly kind: 'scalar';
  /** Checked only when reading an applied configuration; stored objects are read leniently. */
  readonly type?: ScalarType;
  /** Only used for list-map key fields: the value an element that omits the key gets. */
  readonly default?: unknown;
}

export interface StructSchema {
  readonly kind: 'struct';
  readonly atomic: boolean;
  /** The declared field, or undefined (then `open` decides whether it is accepted). */
  field(name: string): ApplySchema | undefined;
  /** `x-kubernetes-preserve-unknown-fields`: undeclared fields are accepted, untyped. */
  readonly open: boolean;
  readonly default?: unknown;
}

export interface MapSchema {
  readonly kind: 'map';
  readonly atomic: boolean;
  values(): ApplySchema;
  readonly default?: unknown;
}

export interface ListSchema {
  readonly kind: 'list';
  readonly listType: ListType;
  /** `x-kubernetes-list-map-keys` (list type `map` only). */
  readonly keys: readonly string[];
  items(): ApplySchema;
  readonly default?: unknown;
}

/** Unknown shape: objects are granular maps of untyped values, lists atomic (or all atomic). */
export interface UntypedSchema {
  readonly kind: 'untyped';
  readonly atomic: boolean;
  readonly default?: unknown;
}

export type ApplySchema = ScalarSchema | StructSchema | MapSchema | ListSchema | UntypedSchema;

export const SCALAR: ScalarSchema = { kind: 'scalar' };
/** The deduced schema for unknown types and preserved-unknown content. */
export const DEDUCED: UntypedSchema = { kind: 'untyped', atomic: false };
const ATOMIC_UNTYPED: UntypedSchema = { kind: 'untyped', atomic: true };

/** Whether a node of this schema is one leaf (replaced whole, owned as one path). */
export function isAtomic(s: ApplySchema): boolean {
  if (s.kind === 'scalar') return true;
  if (s.kind === 'list') return s.listType === 'atomic';
  return s.atomic;
}

/** Schema of field/key `name` of an object at `s`; undefined when the field is not declared. */
export function childSchema(s: ApplySchema, name: string): ApplySchema | undefined {
  switch (s.kind) {
    case 'struct':
      return s.field(name) ?? (s.open ? DEDUCED : undefined);
    case 'map':
      return s.values();
    case 'untyped':
      return DEDUCED;
    default:
      return undefined;
  }
}

/** The part of an OpenAPI schema object (v2 or structural v3) read here. */
export interface OpenApiSchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly items?: OpenApiSchema;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly allOf?: readonly OpenApiSchema[];
  readonly default?: unknown;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly 'x-kubernetes-map-type'?: string;
  readonly 'x-kubernetes-patch-strategy'?: string;
  readonly 'x-kubernetes-patch-merge-key'?: string;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
}

export type OpenApiDefinitions = Readonly<Record<string, OpenApiSchema>>;

const PREFIX = '#/definitions/';

/**
 * Key-field defaults upstream takes from its Go type metadata (the published OpenAPI carries no
 * `default`): an element without `protocol` is identified as `protocol: TCP`.
 */
const BUILTIN_KEY_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
};

interface Ctx {
  readonly definitions: OpenApiDefinitions;
  /** CRDs: no patch-strategy fallback for lists. */
  readonly structural: boolean;
  readonly cache: WeakMap<OpenApiSchema, ApplySchema>;
}

/** The schema of definition `rootName` (bare or `#/definitions/...`). Throws if it is missing. */
export function schemaFromOpenApiV2(definitions: OpenApiDefinitions, rootName: string): ApplySchema {
  const name = rootName.startsWith(PREFIX) ? rootName.slice(PREFIX.length) : rootName;
  if (!Object.hasOwn(definitions, name)) throw new Error(`OpenAPI definition not found: ${rootName}`);
  return convert({ definitions, structural: false, cache: new WeakMap() }, { $ref: PREFIX + name });
}

let objectMeta: ApplySchema | undefined;

/** The built-in ObjectMeta model, which custom resources use for `metadata`. */
export function objectMetaSchema(): ApplySchema {
  objectMeta ??= schemaFromOpenApiV2(
    builtinDefinitions({ descriptions: false }).definitions as OpenApiDefinitions,
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  );
  return objectMeta;
}

/** The schema of a custom resource from its CRD's `openAPIV3Schema` (deduced when absent). */
export function schemaFromStructural(openAPIV3Schema: OpenApiSchema | undefined, metadata = objectMetaSchema()): ApplySchema {
  const ctx: Ctx = { definitions: {}, structural: true, cache: new WeakMap() };
  const root = openAPIV3Schema === undefined ? undefined : convert(ctx, openAPIV3Schema);
  const fields: Record<string, ApplySchema> = { apiVersion: SCALAR, kind: SCALAR, metadata };
  return {
    kind: 'struct',
    atomic: false,
    open: root === undefined || (root.kind === 'struct' && root.open) || root.kind === 'untyped',
    field(name: string): ApplySchema | undefined {
      if (Object.hasOwn(fields, name)) return fields[name];
      return root?.kind === 'struct' ? root.field(name) : undefined;
    },
  };
}

/** The schema of a kind nothing is known about: every object a granular map, lists atomic. */
export function deducedSchema(): ApplySchema {
  return DEDUCED;
}

function resolve(ctx: Ctx, schema: OpenApiSchema): OpenApiSchema | undefined {
  let cur: OpenApiSchema | undefined = schema;
  for (let hops = 0; cur !== undefined && hops < 32; hops++) {
    if (cur.$ref !== undefined) {
      const name: string = cur.$ref.startsWith(PREFIX) ? cur.$ref.slice(PREFIX.length) : cur.$ref;
      cur = Object.hasOwn(ctx.definitions, name) ? ctx.definitions[name] : undefined;
    } else if (cur.allOf?.length === 1 && cur.properties === undefined && cur.type === undefined) {
      cur = cur.allOf[0];
    } else return cur;
  }
  return undefined;
}

/** An extension read from the property first (it overrides), then from the referenced type. */
function ext<K extends keyof OpenApiSchema>(prop: OpenApiSchema, target: OpenApiSchema, key: K): OpenApiSchema[K] {
  return prop[key] ?? prop.allOf?.[0]?.[key] ?? target[key];
}

function convert(ctx: Ctx, prop: OpenApiSchema): ApplySchema {
  const cached = ctx.cache.get(prop);
  if (cached !== undefined) return cached;
  const built = build(ctx, prop);
  ctx.cache.set(prop, built);
  return built;
}

function build(ctx: Ctx, prop: OpenApiSchema): ApplySchema {
  const target = resolve(ctx, prop);
  if (target === undefined) return ATOMIC_UNTYPED;
  const dflt = prop.default ?? target.default;
  const withDefault = dflt === undefined ? {} : { default: dflt };
  const atomicMap = ext(prop, target, 'x-kubernetes-map-type') === 'atomic';
  const preserve = target['x-kubernetes-preserve-unknown-fields'] === true;
  if (target['x-kubernetes-int-or-string'] === true) return { kind: 'scalar', ...withDefault };
  if (target.type === 'array') return listOf(ctx, prop, target, withDefault);
  if (target.properties !== undefined || target['x-kubernetes-embedded-resource'] === true) {
    return structOf(ctx, prop, target, atomicMap, preserve, withDefault);
  }
  const extra = target.additionalProperties;
  if (typeof extra === 'object') {
    let values: ApplySchema | undefined;
    return { kind: 'map', atomic: atomicMap, values: () => (values ??= convert(ctx, extra)), ...withDefault };
  }
  if (extra === true || preserve) return { kind: 'untyped', atomic: atomicMap, ...withDefault };
  if (target.type === 'object' || target.type === undefined) return { kind: 'untyped', atomic: true, ...withDefault };
  // Built-in or CRD alike, as kube-openapi's schema conversion types them for structured-merge-diff.
  const type = scalarType(prop, target);
  return { kind: 'scalar', ...(type && { type }), ...withDefault };
}

/** Definitions whose JSON form is not what their published `type` says (custom unmarshalling). */
const UNTYPED_DEFINITIONS = /\.(resource\.Quantity|intstr\.IntOrString|v1\.Time|v1\.MicroTime)$/;

/**
 * The scalar type of a built-in field, as upstream's schema conversion (kube-openapi schemaconv)
 * derives it. Custom resources keep untyped scalars: their values are checked by validation.
 */
function scalarType(prop: OpenApiSchema, target: OpenApiSchema): ScalarType | undefined {
  const ref = prop.$ref ?? prop.allOf?.[0]?.$ref;
  if (ref !== undefined && UNTYPED_DEFINITIONS.test(ref)) return undefined;
  const format = target.format ?? '';
  switch (target.type) {
    case 'integer':
    case 'number':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'string':
      return format === '' || format === 'byte' ? 'string' : undefined;
    default:
      return undefined;
  }
}

function structOf(
  ctx: Ctx,
  prop: OpenApiSchema,
  target: OpenApiSchema,
  atomic: boolean,
  open: boolean,
  withDefault: { default?: unknown },
): StructSchema {
  const props = target.properties ?? {};
  const refName = (prop.$ref ?? prop.allOf?.[0]?.$ref ?? '').slice(PREFIX.length);
  const keyDefaults = BUILTIN_KEY_DEFAULTS[refName] ?? {};
  const embedded = target['x-kubernetes-embedded-resource'] === true;
  const fields = new Map<string, ApplySchema | undefined>();
  return {
    kind: 'struct',
    atomic,
    open: open || (embedded && target.properties === undefined),
    ...withDefault,
    field(name: string): ApplySchema | undefined {
      if (!fields.has(name)) {
        let s: ApplySchema | undefined;
        const p = Object.hasOwn(props, name) ? props[name] : undefined;
        if (p !== undefined) s = convert(ctx, p);
        else if (embedded && (name === 'apiVersion' || name === 'kind')) s = SCALAR;
        else if (embedded && name === 'metadata') s = objectMetaSchema();
        if (s !== undefined && s.default === undefined && Object.hasOwn(keyDefaults, name)) {
          s = { ...s, default: keyDefaults[name] } as ApplySchema;
        }
        fields.set(name, s);
      }
      return fields.get(name);
    },
  };
}

function listOf(ctx: Ctx, prop: OpenApiSchema, target: OpenApiSchema, withDefault: { default?: unknown }): ListSchema {
  let items: ApplySchema | undefined;
  const itemsOf = (): ApplySchema =>
    (items ??= target.items === undefined ? ATOMIC_UNTYPED : convert(ctx, target.items));
  const explicit = ext(prop, target, 'x-kubernetes-list-type');
  const keys = ext(prop, target, 'x-kubernetes-list-map-keys') ?? [];
  const list = (listType: ListType, k: readonly string[] = []): ListSchema => ({
    kind: 'list',
    listType,
    keys: k,
    items: itemsOf,
    ...withDefault,
  });
  if (explicit === 'map') return keys.length > 0 ? list('map', keys) : list('atomic');
  if (explicit === 'set') return list('set');
  if (explicit !== undefined || ctx.structural) return list('atomic');
  // Upstream's pre-SSA fallback: the strategic merge hints decide.
  const strategies = (ext(prop, target, 'x-kubernetes-patch-strategy') ?? '').split(',');
  if (!strategies.includes('merge')) return list('atomic');
  const mergeKey = ext(prop, target, 'x-kubernetes-patch-merge-key');
  return mergeKey === undefined || mergeKey === '' ? list('set') : list('map', [mergeKey]);
}
