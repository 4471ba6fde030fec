/**
 * CustomResourceDefinition validation rules (`x-kubernetes-validations`, CEL), as data: the
 * rules of a CRD's structural schema are checked when the CRD is written (they must compile,
 * `reason` and `fieldPath` must make sense, transition rules must sit where an old value can be
 * found), and evaluated on every create and update of its custom resources, at their schema node
 * with `self` bound to the value there.
 *
 * Upstream's cost model is simplified: at CRD write, a rule that nests list macros over a node
 * with unbounded lists or maps (no maxItems/maxProperties) is refused; at evaluation, each rule's
 * work is estimated as (size of `self`)^(macro nesting + 1) × AST size and a rule over the
 * estimate is not run (reported as over the cost limit), and a write evaluates at most
 * `MAX_EVALUATIONS` rule instances. Ratcheting (kube 1.33+): on update, rules that do not use
 * `oldSelf` are skipped where the value equals its correlated old value.
 */
import { isDeepStrictEqual } from 'node:util';
import { Optional } from '@marcbachmann/cel-js';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { setKey, type JsonObject } from '../../api/patch/json-value.js';
import { childPath, indexPath, isObject, keyPath, own } from '../validation/paths.js';
import { itemsOf, mapValuesOf, isIntOrString, preservesUnknown, isEmbedded, type JSONSchemaProps } from '../validation/structural/types.js';
import { routeMatchesToRe2 } from '../../api/cel-regex.js';
import { ruleEnvironment, type ParseResult } from './cel-library.js';

export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
  readonly optionalOldSelf?: boolean;
}

export const RULE_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'] as const;

/** Rule instances one write may evaluate before the rest are refused. */
export const MAX_EVALUATIONS = 20_000;
/** Estimated work one rule instance may do (roughly upstream's per-call limit, in AST-node visits). */
export const MAX_RULE_COST = 5_000_000;
/** Estimated work one write may do over all its rules. */
export const MAX_TOTAL_COST = 20_000_000;

// ---------------------------------------------------------------- types of `self`

const SCALAR: Record<string, string> = { string: 'string', integer: 'int', number: 'double', boolean: 'bool' };

/** The CEL type `self` has at a schema node. */
export function celTypeOf(s: JSONSchemaProps | undefined): string {
  if (s === undefined || s.nullable === true || isIntOrString(s)) return 'dyn';
  const t = s.type;
  if (t !== undefined && t in SCALAR) return s.format === undefined || t !== 'string' ? SCALAR[t]! : 'string';
  if (t === 'array') {
    const items = itemsOf(s);
    const elem = items?.type !== undefined && items.type in SCALAR && items.nullable !== true && !isIntOrString(items) ? SCALAR[items.type]! : 'dyn';
    return `list<${elem}>`;
  }
  if (t === 'object') {
    const values = mapValuesOf(s);
    if (s.properties === undefined && values !== undefined && values.type !== undefined && values.type in SCALAR && values.nullable !== true) {
      return `map<string, ${SCALAR[values.type]!}>`;
    }
    return 'map<string, dyn>';
  }
  return 'dyn';
}

/** A JSON value as CEL sees it under schema `s`: integers as int, numbers as double. */
export function toCel(s: JSONSchemaProps | undefined, v: unknown, root = false): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (s?.type === 'number') return v;
    return Number.isSafeInteger(v) ? BigInt(v) : v;
  }
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    return v.map((x) => toCel(items, x));
  }
  if (isObject(v)) {
    const out: JsonObject = {};
    const values = mapValuesOf(s);
    for (const k of Object.keys(v)) {
      if (root && k === 'metadata' && isObject(v[k])) {
        // Rules see only metadata.name and metadata.generateName at the root.
        const meta: JsonObject = {};
        const m = v[k];
        if (typeof m['name'] === 'string') meta['name'] = m['name'];
        if (typeof m['generateName'] === 'string') meta['generateName'] = m['generateName'];
        out['metadata'] = meta;
        continue;
      }
      setKey(out, k, toCel(own(s?.properties, k) ?? values, v[k]));
    }
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- compilation

export interface CompiledRule {
  readonly rule: ValidationRule;
  readonly program: ParseResult;
  readonly message?: ParseResult;
  /** Whether the rule mentions oldSelf (a transition rule). */
  readonly transition: boolean;
  /** How deeply list macros nest (0 for none). */
  readonly macroDepth: number;
  readonly astSize: number;
}

export type RuleCompilation = { readonly ok: CompiledRule } | { readonly field: 'rule' | 'messageExpression'; readonly error: string };

interface AstLike {
  op?: unknown;
  args?: unknown;
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** Walks the AST: whether `oldSelf` is referenced, macro nesting, node count. */
function inspect(ast: unknown): { oldSelf: boolean; depth: number; size: number } {
  let oldSelf = false;
  let size = 0;
  const visit = (n: unknown): number => {
    if (Array.isArray(n)) return n.reduce((d: number, x) => Math.max(d, visit(x)), 0);
    if (typeof n !== 'object' || n === null) return 0;
    const node = n as AstLike;
    if (typeof node.op !== 'string') return 0;
    size++;
    if (node.op === 'id' && node.args === 'oldSelf') oldSelf = true;
    const args = node.args;
    if (node.op === 'rcall' && Array.isArray(args) && typeof args[0] === 'string' && MACROS.has(args[0])) {
      return Math.max(visit(args[1]), 1 + visit(args[2]));
    }
    return visit(args);
  };
  const depth = visit(ast);
  return { oldSelf, depth, size };
}

interface CelErrorLike {
  summary?: unknown;
  message?: unknown;
  range?: { start?: unknown };
}

/** cel-go's shape: `ERROR: <input>:1:6: <problem>`. */
function compileErrorText(error: unknown, source: string): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as CelErrorLike;
  const summary = typeof e.summary === 'string' && e.summary !== '' ? e.summary : typeof e.message === 'string' ? e.message.split('\n')[0]! : String(error);
  const start = typeof e.range?.start === 'number' ? e.range.start : 0;
  const before = source.slice(0, start);
  const line = before.split('\n').length;
  const column = start - (before.lastIndexOf('\n') + 1);
  return `ERROR: <input>:${line}:${column}: ${summary}`;
}

function compileOne(source: string, selfType: string, optionalOldSelf: boolean, want: 'bool' | 'string'): { program: ParseResult } | { error: string } {
  let program: ParseResult;
  try {
    program = ruleEnvironment(selfType, optionalOldSelf).parse(routeMatchesToRe2(source));
  } catch (error) {
    return { error: compileErrorText(error, source) };
  }
  const checked = program.check();
  if (!checked.valid) return { error: compileErrorText(checked.error, source) };
  const type = checked.type ?? 'dyn';
  if (type !== want && type !== 'dyn') return { error: `cel expression must evaluate to a ${want}` };
  return { program };
}

const compiled = new Map<string, RuleCompilation>();
const CACHE_LIMIT = 2000;

/** Compiles a rule (and its messageExpression) for a node of CEL type `selfType`; cached. */
export function compileRule(rule: ValidationRule, selfType: string): RuleCompilation {
  const key = JSON.stringify([selfType, rule.rule, rule.messageExpression ?? null, rule.optionalOldSelf === true, rule.message, rule.reason, rule.fieldPath]);
  const hit = compiled.get(key);
  if (hit !== undefined) return hit;
  const result = compileUncached(rule, selfType);
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, result);
  return result;
}

function compileUncached(rule: ValidationRule, selfType: string): RuleCompilation {
  const optional = rule.optionalOldSelf === true;
  const main = compileOne(rule.rule, selfType, optional, 'bool');
  if ('error' in main) return { field: 'rule', error: `compilation failed: ${main.error}` };
  const facts = inspect(main.program.ast);
  let message: ParseResult | undefined;
  if (rule.messageExpression !== undefined && rule.messageExpression.trim() !== '') {
    const m = compileOne(rule.messageExpression, selfType, optional, 'string');
    if ('error' in m) return { field: 'messageExpression', error: `messageExpression compilation failed: ${m.error}` };
    message = m.program;
  }
  return {
    ok: {
      rule,
      program: main.program,
      ...(message !== undefined && { message }),
      transition: facts.oldSelf,
      macroDepth: facts.depth,
      astSize: facts.size,
    },
  };
}

// ---------------------------------------------------------------- CRD write checks

function rulesAt(s: JSONSchemaProps): { rules: ValidationRule[]; junk: number[] } {
  const raw = s['x-kubernetes-validations'];
  const rules: ValidationRule[] = [];
  const junk: number[] = [];
  if (!Array.isArray(raw)) return { rules, junk };
  raw.forEach((r, i) => {
    if (isObject(r) && typeof r['rule'] === 'string') rules.push(r as unknown as ValidationRule);
    else {
      rules.push({ rule: '' });
      junk.push(i);
    }
  });
  return { rules, junk };
}

/** Parses a rule's fieldPath (`.a.b`, `.a['b.c']`) into property names; undefined when malformed. */
export function parseFieldPath(path: string): string[] | undefined {
  const out: string[] = [];
  let rest = path;
  if (rest === '') return undefined;
  while (rest !== '') {
    let m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest);
    if (m === null) m = /^\[['"]([^'"]*)['"]\]/.exec(rest);
    if (m === null) m = /^\.?\[['"]([^'"]*)['"]\]/.exec(rest);
    if (m === null) return undefined;
    out.push(m[1]!);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** The schema a fieldPath leads to from `s`, or an error text. */
function resolveFieldPath(s: JSONSchemaProps, path: string): { segments: string[] } | { error: string } {
  const segments = parseFieldPath(path);
  if (segments === undefined) return { error: `fieldPath must be a valid path: invalid path: ${path}` };
  let at: JSONSchemaProps | undefined = s;
  for (const seg of segments) {
    const next: JSONSchemaProps | undefined = own(at?.properties, seg) ?? mapValuesOf(at) ?? (preservesUnknown(at) ? {} : undefined);
    if (next === undefined) return { error: `fieldPath must be a valid path: does not refer to a valid field` };
    at = next;
  }
  return { segments };
}

/** Whether any array or map at or below `s` lacks a bound. */
function hasUnboundedCollections(s: JSONSchemaProps | undefined, depth = 0): boolean {
  if (s === undefined || depth > 32) return false;
  if (s.type === 'array' && s.maxItems === undefined) return true;
  if (mapValuesOf(s) !== undefined && s.maxProperties === undefined) return true;
  if (s.type === 'object' && s.properties === undefined && preservesUnknown(s)) return true;
  const kids = [...Object.values(s.properties ?? {}), itemsOf(s), mapValuesOf(s)];
  return kids.some((k) => hasUnboundedCollections(k, depth + 1));
}

/**
 * The field errors of every rule in `schema`, whose path in the CRD is `path` (e.g.
 * `spec.versions[0].schema.openAPIV3Schema`).
 */
export function validateSchemaRules(schema: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (isObject(schema)) walkSchema(schema as JSONSchemaProps, path, true, errs, 0);
  return errs;
}

function walkSchema(s: JSONSchemaProps, path: string, correlatable: boolean, errs: FieldError[], depth: number): void {
  if (depth > 64) return;
  checkRulesAt(s, path, correlatable, errs);
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    if (isObject(child)) walkSchema(child as JSONSchemaProps, `${path}.properties[${name}]`, correlatable, errs, depth + 1);
  }
  const items = itemsOf(s);
  if (isObject(items)) {
    const mapList = s['x-kubernetes-list-type'] === 'map';
    walkSchema(items, `${path}.items`, correlatable && mapList, errs, depth + 1);
  }
  const values = mapValuesOf(s);
  if (isObject(values)) walkSchema(values, `${path}.additionalProperties`, correlatable, errs, depth + 1);
}

function checkRulesAt(s: JSONSchemaProps, path: string, correlatable: boolean, errs: FieldError[]): void {
  const { rules, junk } = rulesAt(s);
  const selfType = celTypeOf(s);
  rules.forEach((rule, i) => {
    const at = `${path}.x-kubernetes-validations[${i}]`;
    if (junk.includes(i) || rule.rule.trim() === '') {
      errs.push(fieldErrors.required(`${at}.rule`, 'rule is not specified'));
      return;
    }
    if (rule.message !== undefined) {
      if (typeof rule.message !== 'string' || rule.message.trim() === '') errs.push(fieldErrors.required(`${at}.message`, 'message must be non-empty if specified'));
      else if (/[\r\n]/.test(rule.message)) errs.push(fieldErrors.invalid(`${at}.message`, rule.message, 'message must not contain line breaks'));
    }
    if (rule.messageExpression !== undefined && (typeof rule.messageExpression !== 'string' || rule.messageExpression.trim() === '')) {
      errs.push(fieldErrors.required(`${at}.messageExpression`, 'messageExpression must be non-empty if specified'));
    }
    if (rule.reason !== undefined && !(RULE_REASONS as readonly unknown[]).includes(rule.reason)) {
      errs.push(fieldErrors.notSupported(`${at}.reason`, rule.reason, RULE_REASONS));
    }
    if (rule.fieldPath !== undefined) {
      const r = typeof rule.fieldPath === 'string' ? resolveFieldPath(s, rule.fieldPath) : { error: 'fieldPath must be a valid path' };
      if ('error' in r) errs.push(fieldErrors.invalid(`${at}.fieldPath`, rule.fieldPath, r.error));
    }
    const c = compileRule(rule, selfType);
    if ('error' in c) {
      errs.push(fieldErrors.invalid(`${at}.${c.field}`, c.field === 'rule' ? rule.rule : rule.messageExpression, c.error));
      return;
    }
    if (rule.optionalOldSelf === true && !c.ok.transition) {
      errs.push(fieldErrors.forbidden(`${at}.optionalOldSelf`, 'may not be set if oldSelf is not used in rule'));
    }
    if (c.ok.transition && !correlatable) {
      errs.push(fieldErrors.invalid(`${at}.rule`, rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${path}`));
    }
    if (c.ok.macroDepth >= 2 && hasUnboundedCollections(s)) {
      errs.push(
        fieldErrors.forbidden(
          `${at}.rule`,
          'estimated rule cost exceeds budget (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)',
        ),
      );
    }
  });
}

// ---------------------------------------------------------------- evaluation

/** Whether a schema holds any rule (cached per schema object). */
const ruleFlags = new WeakMap<object, boolean>();
export function hasValidationRules(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  const hit = ruleFlags.get(schema);
  if (hit !== undefined) return hit;
  const s = schema as JSONSchemaProps;
  const own = Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length > 0;
  const kids = [...Object.values(s.properties ?? {}), itemsOf(s), mapValuesOf(s)];
  const result = own || kids.some((k) => hasValidationRules(k));
  ruleFlags.set(schema, result);
  return result;
}

interface EvalState {
  evaluations: number;
  cost: number;
  exhausted: boolean;
  readonly errs: FieldError[];
}

const NO_OLD = Symbol('no old value');
type Old = unknown; // a JSON value, or NO_OLD when not correlatable / absent

/** Counts JSON nodes in `v`, stopping at `cap`. */
function sizeOf(v: unknown, cap: number): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length > 0 && n < cap) {
    const x = stack.pop();
    n++;
    if (Array.isArray(x)) stack.push(...x);
    else if (isObject(x)) stack.push(...Object.values(x));
    else if (typeof x === 'string') n += Math.floor(x.length / 64);
  }
  return n;
}

/**
 * Evaluates the rules of `schema` against `obj` (and, on update, `old`). Returns the field
 * errors to report; never throws.
 */
export function evaluateRules(schema: unknown, obj: unknown, old?: unknown): FieldError[] {
  if (!hasValidationRules(schema)) return [];
  const state: EvalState = { evaluations: 0, cost: 0, exhausted: false, errs: [] };
  walkValue(schema as JSONSchemaProps, obj, old === undefined ? NO_OLD : old, '', false, state, true);
  return state.errs;
}

function walkValue(s: JSONSchemaProps, v: unknown, old: Old, path: string, unchanged: boolean, state: EvalState, root = false): void {
  if (state.exhausted || v === undefined || v === null) return;
  const same = unchanged || (old !== NO_OLD && isDeepStrictEqual(v, old));
  if (Array.isArray(s['x-kubernetes-validations']) && s['x-kubernetes-validations'].length > 0 && hasValidationRulesAt(s)) {
    evaluateAt(s, v, old, path, same, state, root);
  }
  if (!hasValidationRules(s)) return;
  if (Array.isArray(v)) {
    const items = itemsOf(s);
    if (items === undefined || !hasValidationRules(items)) return;
    const keys = s['x-kubernetes-list-type'] === 'map' ? (s['x-kubernetes-list-map-keys'] ?? []) : undefined;
    const oldList = Array.isArray(old) ? old : undefined;
    v.forEach((item, i) => {
      let oldItem: Old = NO_OLD;
      if (keys !== undefined && oldList !== undefined && isObject(item)) {
        const found = oldList.find((o) => isObject(o) && keys.every((k) => isDeepStrictEqual(o[k], item[k])));
        if (found !== undefined) oldItem = found;
      }
      walkValue(items, item, oldItem, indexPath(path, i), same && oldItem !== NO_OLD, state);
    });
    return;
  }
  if (!isObject(v)) return;
  const oldObj = isObject(old) ? old : undefined;
  const values = mapValuesOf(s);
  for (const k of Object.keys(v)) {
    if (root && k === 'metadata') continue;
    const prop = own(s.properties, k);
    const child = prop ?? values;
    if (child === undefined || !hasValidationRules(child)) continue;
    const oldChild: Old = oldObj !== undefined && Object.hasOwn(oldObj, k) ? oldObj[k] : NO_OLD;
    walkValue(child, v[k], oldChild, prop !== undefined || isEmbedded(s) ? childPath(path, k) : keyPath(path, k), same, state);
  }
}

const hasValidationRulesAt = (s: JSONSchemaProps): boolean => rulesAt(s).rules.length > 0;

function evaluateAt(s: JSONSchemaProps, v: unknown, old: Old, path: string, unchanged: boolean, state: EvalState, root: boolean): void {
  const { rules } = rulesAt(s);
  const selfType = celTypeOf(s);
  const type = s.type ?? (isIntOrString(s) ? (typeof v === 'string' ? 'string' : 'integer') : 'object');
  let self: unknown;
  let oldSelf: unknown;
  const nodePath = path === '' ? '<nil>' : path;
  let size = -1;
  for (const rule of rules) {
    if (state.exhausted) return;
    const c = compileRule(rule, selfType);
    if ('error' in c) {
      state.errs.push(fieldErrors.invalid(nodePath, type, `${c.error} for rule: ${rule.rule.trim()}`));
      continue;
    }
    const compiledRule = c.ok;
    if (compiledRule.transition) {
      if (old === NO_OLD && rule.optionalOldSelf !== true) continue;
    } else if (unchanged) {
      continue; // ratcheting: an unchanged value is not re-validated
    }
    if (++state.evaluations > MAX_EVALUATIONS) {
      state.exhausted = true;
      state.errs.push(fieldErrors.invalid('<nil>', null, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      return;
    }
    if (size < 0) size = sizeOf(v, 1_000_000);
    const estimate = compiledRule.astSize * Math.pow(Math.max(size, 1), compiledRule.macroDepth > 0 ? compiledRule.macroDepth : 0);
    const ruleText = rule.rule.trim();
    if (estimate > MAX_RULE_COST) {
      state.errs.push(
        fieldErrors.invalid(nodePath, type, `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${ruleText}`),
      );
      state.exhausted = true;
      return;
    }
    state.cost += estimate;
    if (state.cost > MAX_TOTAL_COST) {
      state.exhausted = true;
      state.errs.push(fieldErrors.invalid('<nil>', null, 'validation failed due to running out of cost budget, no further validation rules will be run'));
      return;
    }
    self ??= toCel(s, v, root);
    const context: Record<string, unknown> = { self };
    if (compiledRule.transition || rule.optionalOldSelf === true) {
      if (old !== NO_OLD) oldSelf ??= toCel(s, old, root);
      context['oldSelf'] = rule.optionalOldSelf === true ? (old === NO_OLD ? Optional.none() : Optional.of(oldSelf)) : oldSelf;
    }
    let result: unknown;
    try {
      result = compiledRule.program(context);
    } catch (error) {
      state.errs.push(fieldErrors.invalid(nodePath, type, `${evaluationErrorText(error)} evaluating rule: ${ruleText}`));
      continue;
    }
    if (result === true) continue;
    if (result !== false) {
      state.errs.push(fieldErrors.invalid(nodePath, type, `rule did not evaluate to a bool evaluating rule: ${ruleText}`));
      continue;
    }
    state.errs.push(ruleFailure(rule, compiledRule, context, nodePath, path, type, s));
  }
}

/** cel-go's wording: `no such key: x`, `division by zero`, `index out of bounds: 5`. */
export function evaluationErrorText(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as CelErrorLike & { code?: unknown };
  let text = typeof e.summary === 'string' && e.summary !== '' ? e.summary : typeof e.message === 'string' ? e.message.split('\n')[0]! : String(error);
  const oob = /index out of bounds, index (-?\d+)/.exec(text);
  if (oob !== null) return `index out of bounds: ${oob[1]}`;
  if (text.startsWith('No such key: ')) text = `no such key: ${text.slice('No such key: '.length)}`;
  if (/^no such overload/i.test(text)) return `'${text}': call arguments did not match a supported operator, function or macro signature`;
  return text;
}

function ruleFailure(
  rule: ValidationRule,
  c: CompiledRule,
  context: Record<string, unknown>,
  nodePath: string,
  path: string,
  type: string,
  s: JSONSchemaProps,
): FieldError {
  let message = typeof rule.message === 'string' && rule.message.trim() !== '' ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
  if (c.message !== undefined) {
    try {
      const m: unknown = c.message(context);
      if (typeof m === 'string' && m.trim() !== '' && !/[\r\n]/.test(m)) message = m.trim();
    } catch {
      // upstream falls back to the static message when messageExpression fails
    }
  }
  let field = nodePath;
  if (typeof rule.fieldPath === 'string' && rule.fieldPath !== '') {
    const r = resolveFieldPath(s, rule.fieldPath);
    if ('segments' in r) field = r.segments.reduce((p, seg) => childPath(p, seg), path);
  }
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fieldErrors.forbidden(field, message);
    case 'FieldValueRequired':
      return fieldErrors.required(field, message);
    case 'FieldValueDuplicate':
      return fieldErrors.duplicate(field, type);
    default:
      return fieldErrors.invalid(field, type, message);
  }
}

/**
 * Upstream does not run the rules when the schema checks found errors that make the object's
 * shape unreliable; one error says so instead.
 */
export function blockedByErrors(errs: readonly FieldError[]): FieldError | undefined {
  const blocking = errs.some((e) => ['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid'].includes(e.type));
  return blocking
    ? fieldErrors.invalid('<nil>', null, 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation')
    : undefined;
}
