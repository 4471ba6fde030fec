/**
 * Evaluating one StatusCollector for one (workload object, BindingPolicy) pair
 * (spec/kubestellar.md §4.5): every destination WEC is a row candidate, even before it returned
 * any status; the filter drops rows; then either a row per WEC (select form) or aggregation per
 * group (combinedFields, optionally grouped). Where upstream's docs and code disagree (§10.1)
 * the documented intent is followed; docs/status-collectors.md lists each choice.
 *
 * Pure: no I/O, no clock, and nothing here throws out of `combine`.
 */
import { isObject, setKey, type JsonObject } from '../../api/patch/json-value.js';
import { evaluateSafely, jsonToCel, type CompiledExpression } from './cel-env.js';
import type { CompiledAggregate, CompiledCollector } from './collector-validate.js';
import {
  celTypeName,
  compareValues,
  numberValue,
  parseGoFloat,
  toValue,
  unsignedValue,
  valueKey,
  type ErrorInColumn,
  type NamedStatusCombination,
  type RowEvaluationError,
  type StatusCombinationRow,
  type Value,
} from './collector-value.js';

/** What is known about the workload object in one destination WEC. */
export interface DestinationInput {
  /** The WEC (ManagedCluster) name. */
  readonly wec: string;
  /** The object's `.status` as returned from that WEC; null while nothing was returned. */
  readonly returnedStatus: unknown;
  /** RFC 3339 time of the last update to the returned status, when known. */
  readonly lastReturnedUpdateTimestamp?: string | null | undefined;
}

/** The column name under which filter errors are reported (upstream's FilterColumnName). */
export const FILTER_COLUMN_NAME = '';

/** One destination after the filter: its raw CEL results and the errors met computing them. */
interface Candidate {
  readonly wec: string;
  readonly errors: ErrorInColumn[];
  /** Per select column, or per groupBy column then per combinedField (undefined for COUNT). */
  readonly values: unknown[];
}

/**
 * `obj` without `.status`, as the API documents (upstream passes the whole object; §10.1).
 * Returned status is what `returned.status` is for.
 */
function objectForCel(wdsObject: unknown): unknown {
  if (!isObject(wdsObject)) return {};
  const rest: JsonObject = {};
  for (const k of Object.keys(wdsObject)) if (k !== 'status') setKey(rest, k, wdsObject[k]);
  return jsonToCel(rest);
}

function timestamp(text: string | null | undefined): Date | null {
  if (typeof text !== 'string' || text === '') return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Memoized: computed on first use, then shared by every collector of one `combineAll`. */
function lazy<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}

/** The inputs converted to CEL values once, whichever collectors then read them. */
interface Prepared {
  readonly obj: () => unknown;
  /** Unique by WEC (first entry wins), in WEC name order. */
  readonly destinations: readonly { readonly wec: string; readonly status: () => unknown; readonly timestamp: () => Date | null }[];
}

function prepare(wdsObject: unknown, destinations: readonly DestinationInput[]): Prepared {
  const byWec = new Map<string, DestinationInput>();
  for (const d of destinations) if (!byWec.has(d.wec)) byWec.set(d.wec, d);
  const unique = [...byWec.values()].sort((a, b) => (a.wec < b.wec ? -1 : a.wec > b.wec ? 1 : 0));
  return {
    obj: lazy(() => objectForCel(wdsObject)),
    destinations: unique.map((d) => ({
      wec: d.wec,
      status: lazy(() => jsonToCel(d.returnedStatus ?? null)),
      timestamp: lazy(() => timestamp(d.lastReturnedUpdateTimestamp)),
    })),
  };
}

/** A context with exactly the variables the collector mentions (the rest cost nothing). */
function contextFor(collector: CompiledCollector, prepared: Prepared, d: Prepared['destinations'][number]): Record<string, unknown> {
  const ctx: Record<string, unknown> = {};
  if (collector.uses.has('obj')) ctx['obj'] = prepared.obj();
  if (collector.uses.has('returned')) ctx['returned'] = { status: d.status() };
  if (collector.uses.has('inventory')) ctx['inventory'] = { name: d.wec };
  if (collector.uses.has('propagation')) ctx['propagation'] = { lastReturnedUpdateTimestamp: d.timestamp() };
  return ctx;
}

/** Evaluates one destination; undefined when the filter drops it. */
function evaluateDestination(collector: CompiledCollector, ctx: Record<string, unknown>, wec: string): Candidate | undefined {
  const errors: ErrorInColumn[] = [];
  if (collector.filter !== undefined) {
    const r = evaluateSafely(collector.filter, ctx);
    if ('error' in r) errors.push({ columnName: FILTER_COLUMN_NAME, error: r.error });
    // Documented: null counts as false (upstream's code lets null through; §10.1).
    else if (r.value === false || r.value === null) return undefined;
    else if (r.value !== true) {
      errors.push({ columnName: FILTER_COLUMN_NAME, error: `filter expression has type ${celTypeName(r.value)} but expected bool or null` });
    }
  }
  const column = (name: string, expr: CompiledExpression): unknown => {
    const r = evaluateSafely(expr, ctx);
    if ('value' in r) return r.value;
    errors.push({ columnName: name, error: r.error });
    return r.error; // the cell shows the error text, as upstream
  };
  const values =
    collector.form === 'select'
      ? collector.select.map((c) => column(c.name, c.expr))
      : [
          ...collector.groupBy.map((c) => column(c.name, c.expr)),
          ...collector.combinedFields.map((f) => (f.subject === undefined ? undefined : column(f.name, f.subject))),
        ];
  return { wec, errors, values };
}

/** At most one entry per column, from the first WEC (in name order) with an error there. */
function rowErrorsOf(candidates: readonly Candidate[]): RowEvaluationError[] {
  const covered = new Set<string>();
  const out: RowEvaluationError[] = [];
  for (const c of candidates) {
    for (const e of c.errors) {
      if (covered.has(e.columnName)) continue;
      covered.add(e.columnName);
      out.push({ wec: { clusterId: c.wec }, columnName: e.columnName, error: e.error });
    }
  }
  return out;
}

/** A subject as a number: ints, uints, doubles, or strings Go's ParseFloat accepts. */
function subjectNumber(v: unknown): { value: number } | { error: string } {
  if (typeof v === 'number') return { value: v };
  if (typeof v === 'bigint') return { value: Number(v) };
  const u = unsignedValue(v);
  if (u !== undefined) return { value: Number(u) };
  if (typeof v === 'string') {
    const r = parseGoFloat(v);
    return 'value' in r ? r : { error: `failed to parse combinedField subject as a float: ${r.error}` };
  }
  return { error: `combinedField subject has unexpected type ${celTypeName(v)}` };
}

/**
 * One aggregate over a group's members (in WEC name order). A subject that is not numeric is
 * skipped and the first such problem reported; AVG still divides by the number of rows, so a
 * skipped subject counts as 0 there (upstream's code and its API doc agree on that).
 */
function aggregate(field: CompiledAggregate, index: number, members: readonly Candidate[]): { value: Value; error?: string } {
  if (field.type === 'COUNT') return { value: { type: 'Number', float: String(members.length) } };
  let error: string | undefined;
  const numbers: number[] = [];
  for (const m of members) {
    const r = subjectNumber(m.values[index]);
    if ('value' in r) numbers.push(r.value);
    else error ??= `for WEC ${m.wec}, ${r.error}`;
  }
  const withError = (x: number) => (error === undefined ? { value: numberValue(x) } : { value: numberValue(x), error });
  switch (field.type) {
    case 'SUM':
      return withError(numbers.reduce((a, b) => a + b, 0));
    case 'MIN':
      return withError(numbers.reduce((a, b) => (b < a ? b : a), Infinity));
    case 'MAX':
      return withError(numbers.reduce((a, b) => (b > a ? b : a), -Infinity));
    case 'AVG':
      if (members.length === 0) return { value: numberValue(NaN), error: 'no values to average' };
      return withError(numbers.reduce((a, b) => a + b, 0) / members.length);
  }
}

function selectResult(collector: CompiledCollector, candidates: readonly Candidate[]): NamedStatusCombination {
  // Errors do not remove a row in this form: the failed cell holds the error text.
  const kept = candidates.slice(0, collector.limit);
  const rows: StatusCombinationRow[] = kept.map((c) => ({ columns: c.values.map(toValue) }));
  return withErrors({ name: collector.name, columnNames: collector.select.map((c) => c.name), rows }, rowErrorsOf(kept), []);
}

interface Group {
  readonly columns: Value[];
  readonly members: Candidate[];
}

function aggregateResult(collector: CompiledCollector, candidates: readonly Candidate[]): NamedStatusCombination {
  // Rows with any evaluation error are left out of aggregation and reported instead.
  const rowErrors = rowErrorsOf(candidates.filter((c) => c.errors.length > 0));
  const groups = new Map<string, Group>();
  for (const c of candidates) {
    if (c.errors.length > 0) continue;
    const columns = collector.groupBy.map((_, i) => toValue(c.values[i]));
    const key = columns.map(valueKey).join('\u0000');
    const g = groups.get(key);
    if (g === undefined) groups.set(key, { columns, members: [c] });
    else g.members.push(c);
  }
  // Without groupBy there is exactly one group, even with no rows (COUNT 0, SUM 0, …).
  if (collector.groupBy.length === 0 && groups.size === 0) groups.set('', { columns: [], members: [] });
  const ordered = [...groups.values()].sort((a, b) => compareTuples(a.columns, b.columns)).slice(0, collector.limit);

  const aggregationErrors: ErrorInColumn[] = [];
  const offset = collector.groupBy.length;
  const rows = ordered.map((g): StatusCombinationRow => {
    const aggregates = collector.combinedFields.map((f, i) => {
      const r = aggregate(f, offset + i, g.members);
      if (r.error !== undefined) aggregationErrors.push({ columnName: f.name, error: r.error });
      return r.value;
    });
    return { columns: [...g.columns, ...aggregates] };
  });
  const columnNames = [...collector.groupBy.map((c) => c.name), ...collector.combinedFields.map((f) => f.name)];
  return withErrors({ name: collector.name, columnNames, rows }, rowErrors, aggregationErrors);
}

function compareTuples(a: readonly Value[], b: readonly Value[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Error lists appear only when non-empty (they are omitempty upstream). */
function withErrors(result: NamedStatusCombination, rowErrors: RowEvaluationError[], aggregationErrors: ErrorInColumn[]): NamedStatusCombination {
  if (rowErrors.length > 0) result.rowErrors = rowErrors;
  if (aggregationErrors.length > 0) result.aggregationErrors = aggregationErrors;
  return result;
}

function evaluate(collector: CompiledCollector, prepared: Prepared): NamedStatusCombination {
  try {
    const candidates: Candidate[] = [];
    for (const d of prepared.destinations) {
      const c = evaluateDestination(collector, contextFor(collector, prepared, d), d.wec);
      if (c !== undefined) candidates.push(c);
    }
    return collector.form === 'select' ? selectResult(collector, candidates) : aggregateResult(collector, candidates);
  } catch (error) {
    // Defensive: inputs that are not JSON (e.g. cyclic) must not take the caller down.
    const columnNames =
      collector.form === 'select' ? collector.select.map((c) => c.name) : [...collector.groupBy.map((c) => c.name), ...collector.combinedFields.map((f) => f.name)];
    const message = error instanceof Error ? error.message : String(error);
    return { name: collector.name, columnNames, rows: [], aggregationErrors: [{ columnName: FILTER_COLUMN_NAME, error: `internal error: ${message}` }] };
  }
}

/**
 * The `results[]` entry of one collector, given the workload object as stored in the WDS and
 * every destination of the Binding (one entry per WEC; later duplicates are ignored). Rows come
 * in WEC name order (select form) or group order (aggregate form), cut at the collector's limit.
 * Never throws.
 */
export function combine(collector: CompiledCollector, wdsObject: unknown, destinations: readonly DestinationInput[]): NamedStatusCombination {
  return evaluate(collector, prepare(wdsObject, destinations));
}

/**
 * `combine` for each collector, ordered by collector name as CombinedStatus `results` are; the
 * inputs are converted for CEL once for all of them.
 */
export function combineAll(collectors: readonly CompiledCollector[], wdsObject: unknown, destinations: readonly DestinationInput[]): NamedStatusCombination[] {
  const prepared = prepare(wdsObject, destinations);
  return [...collectors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((c) => evaluate(c, prepared));
}
