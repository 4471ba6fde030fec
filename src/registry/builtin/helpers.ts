/**
 * Pieces every built-in definition uses: loose readers for JSON bodies (they are untyped until
 * validated, so every reader tolerates the wrong shape), a definition builder that fills in what
 * most kinds share, and a strategy builder adding what makeStrategy lacks: create-only and
 * update-only hooks, and generation tracking decided apart from the status subresource (Services
 * have status but no generation; NetworkPolicies have generation but no status).
 */
import { rfc3339, isPlainObject, type KubeObject } from '../../api/object.js';
import { ALL_VERBS, type PrinterColumn, type ResourceDefinition, type Strategy } from '../definition.js';
import { nameColumn } from '../columns.js';
import { makeStrategy, type StrategyOptions } from '../strategy.js';

export type Obj = Record<string, unknown>;

/** The object at `v`, or undefined for anything else (missing, null, arrays, scalars). */
export const rec = (v: unknown): Obj | undefined => (isPlainObject(v) ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
export const recs = (v: unknown): Obj[] => arr(v).map((x) => rec(x) ?? {});
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
/** Set, as a Go pointer or omitempty field is: neither missing nor null. */
export const present = (v: unknown): boolean => v !== undefined && v !== null;
export const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(rec(v) ?? {})) if (typeof x === 'string') out[k] = x;
  return out;
};
/** `obj.spec` as an object (an empty detached one when absent or mistyped). */
export const specOf = (o: Obj): Obj => rec(o['spec']) ?? {};
export const statusOf = (o: Obj): Obj => rec(o['status']) ?? {};

/**
 * Sets `key` unless a value is there. Go decodes `null` into the zero value and its defaulters
 * test strings against `""`, so null and the empty string count as unset.
 */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** setDefault for Go's non-pointer numbers, where 0 is also unset (probe timings). */
export function setDefaultNonZero(o: Obj, key: string, value: number): void {
  if (o[key] === 0) o[key] = value;
  else setDefault(o, key, value);
}

/**
 * The object at `key` for defaulting nested fields: created when unset; a detached object when
 * the field has the wrong type, so defaulting never clobbers input that validation will reject.
 */
export function child(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: Obj = {};
    parent[key] = created;
    return created;
  }
  return rec(v) ?? {};
}

/** Each element of the array at `key` that is an object (for defaulting list items in place). */
export const each = (parent: Obj, key: string): Obj[] => arr(parent[key]).filter(isPlainObject);

/** Reads a dotted path, tolerating any shape on the way. */
export function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const part of path.split('.')) cur = rec(cur)?.[part];
  return cur;
}

export interface KindStrategyOptions extends StrategyOptions {
  /** Whether upstream sets metadata.generation; defaults to `statusSubresource`. */
  readonly generation?: boolean;
  /** `status` set on create after defaults (upstream PrepareForCreate resets it to the zero struct, e.g. `{}`). */
  readonly initialStatus?: (obj: KubeObject) => Obj;
  /** After defaults, on create only: allocations, generated selectors, derived fields. */
  readonly create?: (obj: KubeObject) => void;
  /** After defaults, on update only, with the stored object: carrying allocated values forward. */
  readonly update?: (obj: KubeObject, old: KubeObject) => void;
  readonly heldForDeletion?: (obj: KubeObject) => boolean;
  readonly markDeleting?: (obj: KubeObject) => void;
  readonly gracePeriod?: (obj: KubeObject, requested: number | undefined) => number;
  readonly refuseDelete?: (name: string) => string | undefined;
  readonly prepareForStatusUpdate?: (obj: KubeObject, old: KubeObject) => void;
}

/** makeStrategy plus the hooks of KindStrategyOptions; kinds with a status subresource start with `status: {}`. */
export function kindStrategy(options: KindStrategyOptions): Strategy {
  const base = makeStrategy(options);
  const status = options.statusSubresource === true;
  const strategy: Strategy = {
    ...base,
    tracksGeneration: options.generation ?? base.tracksGeneration,
    prepareForCreate(obj) {
      base.prepareForCreate(obj);
      if (status) obj['status'] = options.initialStatus?.(obj) ?? {};
      options.create?.(obj);
    },
    prepareForUpdate(obj, old) {
      base.prepareForUpdate(obj, old);
      options.update?.(obj, old);
    },
  };
  if (options.heldForDeletion) strategy.heldForDeletion = options.heldForDeletion;
  if (options.markDeleting) strategy.markDeleting = options.markDeleting;
  if (options.gracePeriod) strategy.gracePeriod = options.gracePeriod;
  if (options.refuseDelete) strategy.refuseDelete = options.refuseDelete;
  if (options.prepareForStatusUpdate) strategy.prepareForStatusUpdate = options.prepareForStatusUpdate;
  return strategy;
}

type Defaulted = 'versions' | 'listKind' | 'singular' | 'shortNames' | 'categories' | 'verbs' | 'subresources';

export type DefinitionInput = Omit<ResourceDefinition, Defaulted> & Partial<Pick<ResourceDefinition, Defaulted>>;

/** A definition with upstream's usual values filled in: one version, `<Kind>List`, all eight verbs, no short names. */
export function define(input: DefinitionInput): ResourceDefinition {
  return {
    versions: [input.version],
    listKind: `${input.kind}List`,
    singular: input.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: {},
    ...input,
  };
}

export interface ColumnOptions {
  readonly type?: PrinterColumn['type'];
  readonly priority?: number;
  readonly description?: string;
}

export function column(name: string, cell: (o: KubeObject) => unknown, options: ColumnOptions = {}): PrinterColumn {
  return { name, type: options.type ?? 'string', priority: options.priority ?? 0, description: options.description ?? '', cell };
}

/** A priority-1 column: shown by `kubectl get -o wide` only. */
export const wide = (name: string, cell: (o: KubeObject) => unknown, description = ''): PrinterColumn =>
  column(name, cell, { priority: 1, description });

/** What kinds without a printer get upstream (Role, ClusterRole, CRD, LimitRange): Name and an RFC 3339 `Created At`. */
export const createdAtColumns: readonly PrinterColumn[] = [
  nameColumn,
  column(
    'Created At',
    (o) => {
      const t = Date.parse(o.metadata.creationTimestamp ?? '');
      return Number.isNaN(t) ? o.metadata.creationTimestamp : rfc3339(new Date(t));
    },
    { type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
  ),
];
