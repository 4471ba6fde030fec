/**
 * A CustomResourceDefinition turned into the resource definition the server serves: names,
 * scope, served versions, and per served version its subresources, printer columns and a
 * strategy that prunes, defaults and validates with that version's structural schema.
 *
 * Conversion is strategy None (what nearly every CRD uses): objects are stored with the storage
 * version's apiVersion and served with the requested one.
 */
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { age, nameColumn } from '../columns.js';
import { isDeepStrictEqual } from 'node:util';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition, type Strategy, type VersionConversion } from '../definition.js';
import { firstMatch } from './jsonpath.js';

/** What the strategy needs from schema handling; supplied by the validation module. */
export interface SchemaOps {
  prune(schema: unknown, obj: KubeObject): void;
  applyDefaults(schema: unknown, obj: KubeObject): void;
  validate(schema: unknown, obj: KubeObject): FieldError[];
  /** The schema's x-kubernetes-validations (CEL rules): on create without `old`, on update with it. */
  validateRules?(schema: unknown, obj: KubeObject, old?: KubeObject): FieldError[];
}

interface CrdColumn {
  name: string;
  type: PrinterColumn['type'];
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: unknown };
  subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: CrdColumn[];
  /** Fields a list or watch may select on besides metadata.name and metadata.namespace (kube 1.31+). */
  selectableFields?: { jsonPath: string }[];
}

export interface CrdSpec {
  group: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

function columnsOf(version: CrdVersion): PrinterColumn[] {
  const declared = version.additionalPrinterColumns;
  if (declared === undefined || declared.length === 0) {
    return [nameColumn, { name: 'Age', type: 'date', priority: 0, description: '', cell: (o) => age(o.metadata.creationTimestamp) }];
  }
  return [
    nameColumn,
    ...declared.map(
      (c): PrinterColumn => ({
        name: c.name,
        type: c.type,
        ...(c.format !== undefined && { format: c.format }),
        description: c.description ?? '',
        priority: c.priority ?? 0,
        cell: (o) => {
          const v = firstMatch(c.jsonPath, o);
          if (v === undefined || v === null) return null;
          if (c.type === 'date') return typeof v === 'string' ? age(v) : null;
          if (c.type === 'string') return typeof v === 'object' ? JSON.stringify(v) : String(v);
          return v;
        },
      }),
    ),
  ];
}

/**
 * A custom resource's selectable fields as field-selector values: the value at each jsonPath as
 * a string, "" when absent. Defined even without any, as for every CRD since kube 1.31, so an
 * unknown field gets the custom-resource wording (`field label not supported: x`).
 */
function selectableFieldsOf(version: CrdVersion): (obj: KubeObject) => Record<string, string> {
  const fields = (version.selectableFields ?? []).map((f) => f.jsonPath).filter((p) => typeof p === 'string' && p.startsWith('.'));
  return (obj) => {
    const out: Record<string, string> = {};
    for (const path of fields) {
      const v = firstMatch(path, obj);
      out[path.slice(1)] = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return out;
  };
}

interface VersionSchemas {
  /** The requested version's schema and the storage version's; the latter only when they differ. */
  readonly own: unknown;
  readonly storage?: unknown;
}

function strategyOf(schemas: VersionSchemas, hasStatus: boolean, ops: SchemaOps, selectableFields: (obj: KubeObject) => Record<string, string>): Strategy {
  const schema = schemas.own;
  const shape = (obj: KubeObject): void => {
    if (schema !== undefined) {
      ops.prune(schema, obj);
      ops.applyDefaults(schema, obj);
    }
    // Converted (strategy None) to the storage version, which prunes and defaults with its own schema.
    if (schemas.storage !== undefined) {
      ops.prune(schemas.storage, obj);
      ops.applyDefaults(schemas.storage, obj);
    }
  };
  return {
    tracksGeneration: true,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: false,
    prepareForCreate(obj) {
      if (hasStatus) delete obj['status'];
      shape(obj);
    },
    prepareForUpdate(obj, old) {
      if (hasStatus) {
        if (old['status'] === undefined) delete obj['status'];
        else obj['status'] = old['status'];
      }
      shape(obj);
    },
    validate: (obj) => (schema === undefined ? [] : ops.validate(schema, obj)),
    validateCreate: (obj) => (schema === undefined ? [] : (ops.validateRules?.(schema, obj) ?? [])),
    validateUpdate: (obj, old) => (schema === undefined ? [] : (ops.validateRules?.(schema, obj, old) ?? [])),
    selectableFields,
  };
}

/** A served version's default deprecation warning: the newest non-deprecated served version newer than it is suggested. */
export function defaultDeprecationWarning(spec: CrdSpec, version: string): string {
  const msg = `${spec.group}/${version} ${spec.names.kind} is deprecated`;
  const newer = spec.versions
    .filter((v) => v.served && v.deprecated !== true && versionPriority(v.name) > versionPriority(version))
    .sort((a, b) => versionPriority(b.name) - versionPriority(a.name));
  return newer[0] === undefined ? msg : `${msg}; use ${spec.group}/${newer[0].name} ${spec.names.kind}`;
}

function subresourcesOf(version: CrdVersion): ResourceDefinition['subresources'] {
  const scale = version.subresources?.scale;
  return {
    ...(version.subresources?.status !== undefined && version.subresources?.status !== null && { status: true }),
    ...(scale !== undefined &&
      scale !== null && {
        scale: {
          specReplicasPath: scale.specReplicasPath.replace(/^\./, ''),
          statusReplicasPath: scale.statusReplicasPath.replace(/^\./, ''),
          ...(scale.labelSelectorPath !== undefined && { labelSelectorPath: scale.labelSelectorPath.replace(/^\./, '') }),
        },
      }),
  };
}

export interface CrdServingOptions {
  /** The CRD is being deleted: creates are refused (405) while its instances go. */
  readonly terminating?: boolean;
}

/**
 * The served definition of a CRD, or undefined when it serves no version. The definition itself
 * is the storage version's (what controllers and garbage collection use); `forVersion` gives each
 * served version's own view: its schema (validation, pruning, defaulting, field validation),
 * subresources, printer columns, selectable fields and deprecation warning. Conversion is
 * strategy None: writes are relabelled to the storage version, reads to the requested one and
 * pruned and defaulted with its schema.
 */
export function definitionFromCrd(spec: CrdSpec, ops: SchemaOps, options: CrdServingOptions = {}): ResourceDefinition | undefined {
  const served = spec.versions.filter((v) => v.served);
  const storage = spec.versions.find((v) => v.storage) ?? served[0];
  if (storage === undefined || served.length === 0) return undefined;
  const storageSchema = storage.schema?.openAPIV3Schema;
  // Preferred version first: kube orders by version priority (GA > beta > alpha); keep it simple and stable.
  const versions = [...served].sort((a, b) => versionPriority(b.name) - versionPriority(a.name)).map((v) => v.name);
  const storageApiVersion = `${spec.group}/${storage.name}`;
  const schemaOf = (name: string): unknown => spec.versions.find((v) => v.name === name)?.schema?.openAPIV3Schema;
  const differs = (name: string): boolean => name !== storage.name && !isDeepStrictEqual(schemaOf(name), storageSchema);
  const defaulted = new Set(served.filter((v) => hasDefaults(v.schema?.openAPIV3Schema)).map((v) => v.name));
  const conversion: VersionConversion = {
    toStored: (obj) => (obj.apiVersion === storageApiVersion ? obj : { ...obj, apiVersion: storageApiVersion }),
    fromStored(obj, version) {
      const apiVersion = `${spec.group}/${version}`;
      const schema = schemaOf(version);
      if (!differs(version) || schema === undefined) {
        // Defaulting on read (kube's storage decoder): an object stored before a default was added gets it.
        if (schema !== undefined && defaulted.has(version)) {
          const out = structuredClone(obj);
          out.apiVersion = apiVersion;
          ops.applyDefaults(schema, out);
          return out;
        }
        return obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
      }
      const out = structuredClone(obj);
      out.apiVersion = apiVersion;
      ops.prune(schema, out);
      ops.applyDefaults(schema, out);
      return out;
    },
  };
  const common = {
    group: spec.group,
    version: storage.name,
    versions,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    conversion,
    builtFrom: JSON.stringify(spec),
    ...(defaulted.size > 0 && { defaultsOnRead: true }),
    ...(options.terminating === true && { createRefusal: 'create not allowed while custom resource definition is terminating' }),
  };
  const build = (v: CrdVersion, view: boolean): ResourceDefinition => {
    const schema = v.schema?.openAPIV3Schema;
    const warning = v.deprecated === true ? (v.deprecationWarning ?? defaultDeprecationWarning(spec, v.name)) : undefined;
    return {
      ...common,
      subresources: subresourcesOf(v),
      columns: columnsOf(v),
      strategy: strategyOf(
        { own: schema, ...(differs(v.name) && storageSchema !== undefined && { storage: storageSchema }) },
        v.subresources?.status !== undefined && v.subresources?.status !== null,
        ops,
        selectableFieldsOf(v),
      ),
      ...(schema !== undefined && { structuralSchema: schema }),
      ...(view && { servedVersion: v.name }),
      ...(view && warning !== undefined && { deprecationWarning: warning }),
    };
  };
  const views = new Map<string, ResourceDefinition>();
  for (const v of served) views.set(v.name, build(v, true));
  const base = build(storage, false);
  return { ...base, forVersion: (version) => views.get(version) ?? base };
}

/** Whether a schema declares a default anywhere (then reads must apply it). */
function hasDefaults(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  if (Array.isArray(schema)) return schema.some(hasDefaults);
  const node = schema as Record<string, unknown>;
  if (node['default'] !== undefined && ('type' in node || 'x-kubernetes-int-or-string' in node || 'x-kubernetes-preserve-unknown-fields' in node)) return true;
  return Object.values(node).some(hasDefaults);
}

/** kube's version ordering: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else. */
export function versionPriority(name: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(name);
  if (!m) return -1;
  const major = Number(m[1]);
  const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  const minor = m[3] === undefined ? 0 : Number(m[3]);
  return stage * 1e6 + major * 1e3 + minor;
}
