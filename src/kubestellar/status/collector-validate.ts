/**
 * StatusCollector validation (spec/kubestellar.md §1.4): the three legal shapes, COUNT without
 * and the other aggregations with a subject, unique non-empty column names, and every CEL
 * expression parsed and type-checked. A valid spec compiles into a `CompiledCollector` that
 * `combine` evaluates; an invalid one yields the strings for `StatusCollector.status.errors`
 * and is treated as absent.
 */
import { isObject } from '../../api/patch/json-value.js';
import { compileExpression, type CelVariable, type CompiledExpression } from './cel-env.js';

export const AGGREGATOR_TYPES = ['COUNT', 'SUM', 'AVG', 'MIN', 'MAX'] as const;
export type AggregatorType = (typeof AGGREGATOR_TYPES)[number];

/** The documented default of `spec.limit`, used when it is absent or not positive. */
export const DEFAULT_LIMIT = 20;

/** `StatusCollector.spec` as stored (every member optional here; validation checks shapes). */
export interface StatusCollectorSpec {
  filter?: string;
  groupBy?: { name: string; def: string }[];
  combinedFields?: { name: string; type: string; subject?: string }[];
  select?: { name: string; def: string }[];
  limit?: number;
}

export interface CompiledColumn {
  readonly name: string;
  readonly expr: CompiledExpression;
}

export interface CompiledAggregate {
  readonly name: string;
  readonly type: AggregatorType;
  /** Absent exactly for COUNT. */
  readonly subject?: CompiledExpression;
}

export interface CompiledCollector {
  /** The StatusCollector name: the `name` of its result in CombinedStatus. */
  readonly name: string;
  /** `select`: a row per WEC; `aggregate`: combinedFields, grouped by groupBy (maybe none). */
  readonly form: 'select' | 'aggregate';
  readonly filter?: CompiledExpression;
  readonly select: readonly CompiledColumn[];
  readonly groupBy: readonly CompiledColumn[];
  readonly combinedFields: readonly CompiledAggregate[];
  /** Effective row limit (`spec.limit`, or 20 when absent or not positive). */
  readonly limit: number;
  /** The variables some expression mentions: only these need to be supplied. */
  readonly uses: ReadonlySet<CelVariable>;
  /** Canonical text of the evaluated parts of the spec: equal keys give equal results. */
  readonly key: string;
}

export type ValidationResult = { readonly ok: CompiledCollector } | { readonly errors: string[] };

const isAggregatorType = (t: unknown): t is AggregatorType => (AGGREGATOR_TYPES as readonly unknown[]).includes(t);

/** Result types a filter may have: it must yield bool or null; `dyn` is only known at run time. */
const FILTER_TYPES = new Set(['bool', 'dyn', 'null', 'null_type']);

function list(spec: Record<string, unknown>, field: string, errors: string[]): Record<string, unknown>[] {
  const v = spec[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errors.push(`${field} must be a list`);
    return [];
  }
  return v.map((item, i) => {
    if (isObject(item)) return item;
    errors.push(`${field}[${i}] must be an object`);
    return {};
  });
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * Validates and compiles `spec` of the StatusCollector `name`. All problems are reported at once
 * (upstream stops at shape errors; listing everything saves the user round trips).
 */
export function validateCollector(spec: unknown, name: string): ValidationResult {
  const errors: string[] = [];
  const s = isObject(spec) ? spec : {};
  if (!isObject(spec)) errors.push('spec must be an object');
  const select = list(s, 'select', errors);
  const groupBy = list(s, 'groupBy', errors);
  const combinedFields = list(s, 'combinedFields', errors);

  if (select.length > 0 && (groupBy.length > 0 || combinedFields.length > 0)) errors.push('groupBy and combinedFields must be empty if select is not');
  if (combinedFields.length === 0 && groupBy.length > 0) errors.push('groupBy must be empty if combinedFields is');
  if (select.length === 0 && combinedFields.length === 0) errors.push('one of select and combinedFields must be non-empty');

  // Column names: the select columns form one table, groupBy + combinedFields the other.
  const checkNames = (columns: [string, Record<string, unknown>[]][]) => {
    const seen = new Set<string>();
    for (const [field, items] of columns) {
      items.forEach((item, i) => {
        const n = text(item['name']);
        if (n === undefined || n === '') errors.push(`${field}[${i}] invalid: name must be a non-empty string`);
        else if (seen.has(n)) errors.push(`${field}[${i}] invalid: column name "${n}" is used more than once`);
        else seen.add(n);
      });
    }
  };
  checkNames([['select', select]]);
  checkNames([
    ['groupBy', groupBy],
    ['combinedFields', combinedFields],
  ]);

  const compile = (source: unknown, what: string): CompiledExpression | undefined => {
    if (typeof source !== 'string') {
      errors.push(`${what} invalid: expression must be a string`);
      return undefined;
    }
    const r = compileExpression(source);
    if ('error' in r) {
      errors.push(`${what} invalid: ${r.error}`);
      return undefined;
    }
    return r.ok;
  };

  let filter: CompiledExpression | undefined;
  if (s['filter'] !== undefined && s['filter'] !== null) {
    filter = compile(s['filter'], 'filter expression');
    if (filter !== undefined && !FILTER_TYPES.has(filter.type)) {
      errors.push(`filter expression invalid: has type ${filter.type} but must yield bool or null`);
    }
  }
  const columns = (items: Record<string, unknown>[], field: string): CompiledColumn[] =>
    items.flatMap((item, i) => {
      const expr = compile(item['def'], `${field} expression (${text(item['name']) || i})`);
      return expr === undefined ? [] : [{ name: text(item['name']) ?? '', expr }];
    });
  const compiledSelect = columns(select, 'select');
  const compiledGroupBy = columns(groupBy, 'groupBy');
  const compiledFields: CompiledAggregate[] = [];
  combinedFields.forEach((item, i) => {
    const n = text(item['name']) || String(i);
    const type = item['type'];
    const subject = item['subject'];
    const what = `combinedField (${n})`;
    if (!isAggregatorType(type)) {
      errors.push(`${what} invalid: type must be one of ${AGGREGATOR_TYPES.join(', ')}`);
      return;
    }
    if (type === 'COUNT') {
      // COUNT counts rows, so a subject would mean nothing (spec §1.4).
      if (subject !== undefined && subject !== null) errors.push(`${what} invalid: subject must be absent for type COUNT`);
      else compiledFields.push({ name: n, type });
      return;
    }
    if (subject === undefined || subject === null) {
      errors.push(`${what} invalid: subject must be set for type ${type}`);
      return;
    }
    const expr = compile(subject, `${what} subject`);
    if (expr !== undefined) compiledFields.push({ name: n, type, subject: expr });
  });

  if (errors.length > 0) return { errors };

  const limit = typeof s['limit'] === 'number' && Number.isFinite(s['limit']) && s['limit'] > 0 ? Math.floor(s['limit']) : DEFAULT_LIMIT;
  const uses = new Set<CelVariable>();
  for (const e of [filter, ...compiledSelect.map((c) => c.expr), ...compiledGroupBy.map((c) => c.expr), ...compiledFields.map((c) => c.subject)]) {
    for (const v of e?.uses ?? []) uses.add(v);
  }
  const key = JSON.stringify({
    filter: filter?.source ?? null,
    select: compiledSelect.map((c) => [c.name, c.expr.source]),
    groupBy: compiledGroupBy.map((c) => [c.name, c.expr.source]),
    combinedFields: compiledFields.map((c) => [c.name, c.type, c.subject?.source ?? null]),
    limit,
  });
  return {
    ok: {
      name,
      form: compiledSelect.length > 0 ? 'select' : 'aggregate',
      ...(filter !== undefined ? { filter } : {}),
      select: compiledSelect,
      groupBy: compiledGroupBy,
      combinedFields: compiledFields,
      limit,
      uses,
      key,
    },
  };
}

/** `validateCollector` on a whole StatusCollector object (name from its metadata). */
export function validateStatusCollector(collector: unknown): ValidationResult {
  const c = isObject(collector) ? collector : {};
  const metadata = isObject(c['metadata']) ? c['metadata'] : {};
  return validateCollector(c['spec'], text(metadata['name']) ?? '');
}
