/**
 * A CustomResourceDefinition turned into the resource definition the server serves: names,
 * scope, served versions, subresources and printer columns from the CRD, and a strategy that
 * prunes, defaults and validates with the storage version's structural schema.
 *
 * All served versions share the storage version's schema and columns (conversion strategy None,
 * which is what nearly every CRD uses); objects are served with the requested apiVersion.
 */
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { age, nameColumn } from '../columns.js';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition, type Strategy } from '../definition.js';
import { firstMatch } from './jsonpath.js';

/** What the strategy needs from schema handling; supplied by the validation module. */
export interface SchemaOps {
  prune(schema: unknown, obj: KubeObject): void;
  applyDefaults(schema: unknown, obj: KubeObject): void;
  validate(schema: unknown, obj: KubeObject): FieldError[];
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

function strategyOf(schema: unknown, hasStatus: boolean, ops: SchemaOps, selectableFields: (obj: KubeObject) => Record<string, string>): Strategy {
  const shape = (obj: KubeObject): void => {
    if (schema === undefined) return;
    ops.prune(schema, obj);
    ops.applyDefaults(schema, obj);
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
    validateUpdate: () => [],
    selectableFields,
  };
}

/** The served definition of a CRD, or undefined when it serves no version. */
export function definitionFromCrd(spec: CrdSpec, ops: SchemaOps): ResourceDefinition | undefined {
  const served = spec.versions.filter((v) => v.served);
  const storage = spec.versions.find((v) => v.storage) ?? served[0];
  if (storage === undefined || served.length === 0) return undefined;
  const schema = storage.schema?.openAPIV3Schema;
  // Preferred version first: kube orders by version priority (GA > beta > alpha); keep it simple and stable.
  const versions = [...served].sort((a, b) => versionPriority(b.name) - versionPriority(a.name)).map((v) => v.name);
  const scale = storage.subresources?.scale;
  return {
    group: spec.group,
    version: versions[0]!,
    versions,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    namespaced: spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    subresources: {
      ...(storage.subresources?.status !== undefined && { status: true }),
      ...(scale !== undefined && {
        scale: {
          specReplicasPath: scale.specReplicasPath.replace(/^\./, ''),
          statusReplicasPath: scale.statusReplicasPath.replace(/^\./, ''),
          ...(scale.labelSelectorPath !== undefined && { labelSelectorPath: scale.labelSelectorPath.replace(/^\./, '') }),
        },
      }),
    },
    columns: columnsOf(storage),
    strategy: strategyOf(storage.schema?.openAPIV3Schema, storage.subresources?.status !== undefined, ops, selectableFieldsOf(storage)),
    ...(schema !== undefined && { structuralSchema: schema }),
  };
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
