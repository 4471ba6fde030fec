/** Runs a definition's strategy the way the store does, without storage, for table tests. */
import type { CauseType, FieldError } from '../../../../src/api/errors.js';
import type { KubeObject } from '../../../../src/api/object.js';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';

export type Causes = [CauseType, string][];

export const causes = (errs: readonly FieldError[]): Causes => errs.map((e) => [e.type, e.field]);

/** What the store sets before prepareForCreate. */
export function fresh(def: ResourceDefinition, body: Record<string, unknown>, name = 'x'): KubeObject {
  const obj = structuredClone(body) as KubeObject;
  obj.metadata = { name, ...(def.namespaced ? { namespace: 'default' } : {}), uid: 'uid-1', creationTimestamp: '2025-01-01T00:00:00Z', ...(obj.metadata ?? {}) };
  return obj;
}

/** prepareForCreate and validate: the stored object and every cause. */
export function create(def: ResourceDefinition, body: Record<string, unknown>, name = 'x'): { obj: KubeObject; errors: Causes } {
  const obj = fresh(def, body, name);
  def.strategy.prepareForCreate(obj);
  return { obj, errors: causes(def.strategy.validate(obj)) };
}

/** prepareForUpdate, validate and validateUpdate of `next` over `old` (already created). */
export function update(def: ResourceDefinition, old: KubeObject, next: Record<string, unknown>): { obj: KubeObject; errors: Causes } {
  const obj = structuredClone(next) as KubeObject;
  obj.metadata = { ...structuredClone(old.metadata), ...(obj.metadata ?? {}) };
  def.strategy.prepareForUpdate(obj, old);
  return { obj, errors: causes([...def.strategy.validate(obj), ...def.strategy.validateUpdate(obj, old)]) };
}

/** The row of cells a Table would carry for `obj`, keyed by column name. */
export function row(def: ResourceDefinition, obj: KubeObject): Record<string, unknown> {
  return Object.fromEntries(def.columns.map((c) => [c.name, c.cell(obj) ?? null]));
}

export const ago = (seconds: number): string => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
