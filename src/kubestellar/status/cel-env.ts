/**
 * The CEL environment of StatusCollector expressions (spec/kubestellar.md §1.4): the four
 * variables upstream declares, compilation (parse + type-check once, cached by text), and the
 * conversion of JSON inputs into CEL values.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { routeMatchesToRe2, withRe2Matches } from '../../api/cel-regex.js';
import { isObject, setKey, type JsonObject } from '../../api/patch/json-value.js';

/** The variables an expression may mention. */
export const CEL_VARIABLES = ['obj', 'returned', 'inventory', 'propagation'] as const;
export type CelVariable = (typeof CEL_VARIABLES)[number];

let environment: Environment | undefined;

/**
 * As upstream's cel-go environment: `inventory` is map<string, string>, the others
 * map<string, dyn>. Mixed list/map literals are allowed, as cel-go allows them by default.
 * Built lazily: building an Environment is the expensive part.
 */
function env(): Environment {
  environment ??= withRe2Matches(new Environment({ homogeneousAggregateLiterals: false }))
    .registerVariable('obj', 'map<string, dyn>')
    .registerVariable('returned', 'map<string, dyn>')
    .registerVariable('inventory', 'map<string, string>')
    .registerVariable('propagation', 'map<string, dyn>');
  return environment;
}

/** A parsed and type-checked expression, ready to evaluate any number of times. */
export interface CompiledExpression {
  readonly source: string;
  /** The checked result type, e.g. `bool`, `dyn`, `string`. */
  readonly type: string;
  /** Which of the four variables the text mentions. */
  readonly uses: ReadonlySet<CelVariable>;
  /** Throws on evaluation errors; callers catch (see `evaluateSafely`). */
  readonly run: (context: Record<string, unknown>) => unknown;
}

export type CompileResult = { readonly ok: CompiledExpression } | { readonly error: string };

/**
 * Compiled expressions by text. StatusCollectors are few and re-validated on every change, so a
 * small bounded map saves re-parsing; the oldest entry goes first when full.
 */
const cache = new Map<string, CompileResult>();
const CACHE_LIMIT = 1000;

interface CelError {
  summary?: unknown;
  message?: unknown;
  range?: { start?: unknown };
}

/** One line: the library's summary plus `line:column` (its message spans several lines). */
export function celErrorText(error: unknown, source?: string): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as CelError;
  const summary = typeof e.summary === 'string' && e.summary !== '' ? e.summary : typeof e.message === 'string' ? e.message.split('\n')[0] : String(error);
  const start = e.range?.start;
  if (source === undefined || typeof start !== 'number' || start < 0) return summary ?? 'unknown error';
  const before = source.slice(0, start);
  const line = before.split('\n').length;
  const column = start - before.lastIndexOf('\n');
  return `${summary} (at ${line}:${column})`;
}

/** Whole-word mentions, as upstream finds them: over-approximates (e.g. inside strings), harmlessly. */
function mentionedVariables(source: string): Set<CelVariable> {
  return new Set(CEL_VARIABLES.filter((v) => new RegExp(`(^|[^A-Za-z0-9_])${v}($|[^A-Za-z0-9_])`).test(source)));
}

/** Parses and type-checks; errors read like upstream's (`failed to parse/check expression: …`). */
export function compileExpression(source: string): CompileResult {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  const result = compileUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, result);
  return result;
}

function compileUncached(source: string): CompileResult {
  let parsed: ParseResult;
  try {
    parsed = env().parse(routeMatchesToRe2(source));
  } catch (error) {
    return { error: `failed to parse expression: ${celErrorText(error, source)}` };
  }
  // check() also marks the AST as checked, so evaluations skip the runtime type check.
  const checked = parsed.check();
  if (!checked.valid) return { error: `failed to check expression: ${celErrorText(checked.error, source)}` };
  return { ok: { source, type: checked.type ?? 'dyn', uses: mentionedVariables(source), run: (context) => parsed(context) } };
}

/** The value, or the error text; never throws. */
export function evaluateSafely(expr: CompiledExpression, context: Record<string, unknown>): { value: unknown } | { error: string } {
  try {
    const value: unknown = expr.run(context);
    // Only async custom functions yield promises; none are registered, but never hand one on.
    if (value instanceof Promise) {
      value.catch(() => undefined);
      return { error: 'failed to evaluate expression: asynchronous result' };
    }
    return { value };
  } catch (error) {
    return { error: `failed to evaluate expression: ${celErrorText(error)}` };
  }
}

/**
 * JSON as CEL sees it, mirroring Kubernetes' unstructured decoding: integral numbers are ints
 * (BigInt; so `obj.spec.replicas + 1` type-checks at run time as in cel-go), others doubles.
 * Integers beyond 2^53 stay doubles: JSON.parse has already rounded them.
 */
export function jsonToCel(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(jsonToCel);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, jsonToCel(v[k]));
    return out;
  }
  return v;
}
