/**
 * ValidatingAdmissionPolicy decisions, pure: which policies and bindings a write matches, and
 * what their CEL says about it. Reading policies, bindings, params and namespaces is the
 * caller's (src/spaces/policy-admission.ts); this module only decides.
 *
 * Covered: matchConstraints and a binding's matchResources (resourceRules with `*` and
 * `resource/subresource` forms, excludeResourceRules, operations, scope, namespaceSelector,
 * objectSelector; matchPolicy Equivalent is treated as Exact), matchConditions, variables
 * (lazily evaluated), validations with message, messageExpression and reason, failurePolicy,
 * and validationActions Deny and Warn (Audit records nothing here).
 * Not covered: auditAnnotations, the `authorizer` variable, type checking against the matched
 * kinds (status.typeChecking is not filled).
 */
import type { ParseResult } from '@marcbachmann/cel-js';
import { labelSelectorMatches, type LabelSelector, type Labels } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { routeMatchesToRe2 } from '../../api/cel-regex.js';
import { admissionEnvironment } from '../crd/cel-library.js';
import { evaluationErrorText, toCel } from '../crd/validation-rules.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** One write as admission sees it. */
export interface AdmissionRequest {
  readonly operation: Operation;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  /** '' for the main resource. */
  readonly subresource: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  /** Undefined on DELETE. */
  readonly object: KubeObject | undefined;
  /** Undefined on CREATE. */
  readonly oldObject: KubeObject | undefined;
  readonly user: { readonly name: string; readonly uid?: string; readonly groups: readonly string[]; readonly extra?: Readonly<Record<string, readonly string[]>> };
  readonly dryRun: boolean;
}

type Obj = Record<string, unknown>;

const rec = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

// ---------------------------------------------------------------- matching

const listed = (values: readonly string[], value: string): boolean => values.includes('*') || values.includes(value);

/** A resources entry against `resource` and `subresource`: `*`, `r`, `r/s`, `r/*`, `*\/s`. */
function resourceListed(resources: readonly string[], resource: string, subresource: string): boolean {
  for (const entry of resources) {
    if (entry === '*/*') return true;
    const slash = entry.indexOf('/');
    if (slash < 0) {
      if (subresource === '' && (entry === '*' || entry === resource)) return true;
      continue;
    }
    const r = entry.slice(0, slash);
    const s = entry.slice(slash + 1);
    if (subresource !== '' && (r === '*' || r === resource) && (s === '*' || s === subresource)) return true;
  }
  return false;
}

/** A NamedRuleWithOperations against the request (resourceNames included). */
export function ruleMatches(rule: Obj, req: AdmissionRequest): boolean {
  if (!listed(strs(rule['operations']), req.operation)) return false;
  if (!listed(strs(rule['apiGroups']), req.group)) return false;
  if (!listed(strs(rule['apiVersions']), req.version)) return false;
  if (!resourceListed(strs(rule['resources']), req.resource, req.subresource)) return false;
  const scope = str(rule['scope']) || '*';
  if (scope === 'Cluster' && req.namespaced) return false;
  if (scope === 'Namespaced' && !req.namespaced) return false;
  const names = strs(rule['resourceNames']);
  if (names.length > 0 && !names.includes(req.name)) return false;
  return true;
}

const selectorMatches = (selector: unknown, labels: Labels | undefined): boolean => {
  const s = rec(selector);
  if (s === undefined) return true;
  return labelSelectorMatches(s as LabelSelector, labels ?? {});
};

/**
 * MatchResources against the request. `namespaceLabels` are the labels of the request's
 * namespace (undefined for cluster-scoped objects, which the namespaceSelector does not filter,
 * except a Namespace itself, matched on its own labels).
 */
export function matchResources(match: Obj | undefined, req: AdmissionRequest, namespaceLabels: Labels | undefined): boolean {
  if (match === undefined) return false;
  const rules = Array.isArray(match['resourceRules']) ? (match['resourceRules'] as unknown[]).map(rec).filter((r): r is Obj => r !== undefined) : [];
  if (!rules.some((r) => ruleMatches(r, req))) return false;
  const excludes = Array.isArray(match['excludeResourceRules']) ? (match['excludeResourceRules'] as unknown[]).map(rec).filter((r): r is Obj => r !== undefined) : [];
  if (excludes.some((r) => ruleMatches(r, req))) return false;
  const isNamespace = req.group === '' && req.resource === 'namespaces';
  if (isNamespace) {
    const labels = (req.object ?? req.oldObject)?.metadata.labels;
    if (!selectorMatches(match['namespaceSelector'], labels)) return false;
  } else if (req.namespaced && !selectorMatches(match['namespaceSelector'], namespaceLabels)) {
    return false;
  }
  const objSel = match['objectSelector'];
  if (rec(objSel) !== undefined) {
    const ok = [req.object, req.oldObject].some((o) => o !== undefined && selectorMatches(objSel, o.metadata.labels));
    if (!ok) return false;
  }
  return true;
}

/** Whether the policy's matchConstraints and, when set, the binding's matchResources take the request. */
export function bindingApplies(policy: KubeObject, binding: KubeObject, req: AdmissionRequest, namespaceLabels: Labels | undefined): boolean {
  const pspec = rec(policy['spec']);
  const bspec = rec(binding['spec']);
  if (str(bspec?.['policyName']) !== policy.metadata.name) return false;
  if (!matchResources(rec(pspec?.['matchConstraints']), req, namespaceLabels)) return false;
  const bindingMatch = rec(bspec?.['matchResources']);
  if (bindingMatch !== undefined && !matchResources(bindingMatch, req, namespaceLabels)) return false;
  return true;
}

/** Whether the request can concern any policy at all: admission's own policy kinds are exempt. */
export function exemptFromPolicies(group: string, resource: string): boolean {
  return group === 'admissionregistration.k8s.io' && /^(validating|mutating)admissionpolic(ies|ybindings)$/.test(resource);
}

// ---------------------------------------------------------------- compilation

type Compiled = { readonly program: ParseResult } | { readonly error: string };

const cache = new Map<string, Compiled>();
const CACHE_LIMIT = 2000;

export function compileExpression(source: string): Compiled {
  const hit = cache.get(source);
  if (hit !== undefined) return hit;
  let out: Compiled;
  try {
    const program = admissionEnvironment().parse(routeMatchesToRe2(source));
    const checked = program.check();
    out = checked.valid ? { program } : { error: `compilation failed: ${errorText(checked.error)}` };
  } catch (error) {
    out = { error: `compilation failed: ${errorText(error)}` };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(source, out);
  return out;
}

function errorText(error: unknown): string {
  const e = rec(error);
  if (typeof e?.['summary'] === 'string' && e['summary'] !== '') return e['summary'];
  if (typeof e?.['message'] === 'string') return e['message'].split('\n')[0]!;
  return String(error);
}

// ---------------------------------------------------------------- evaluation

/** What one policy and binding decide about a request. */
export type PolicyDecision =
  | { readonly action: 'admit' }
  | { readonly action: 'deny'; readonly message: string; readonly reason: string }
  /** An error under failurePolicy Fail: the binding's actions apply with reason Invalid. */
  | { readonly action: 'error'; readonly message: string };

export interface EvaluationInput {
  readonly policy: KubeObject;
  readonly request: AdmissionRequest;
  /** The params object, or null (no paramKind, or none found under parameterNotFoundAction Allow). */
  readonly params: KubeObject | null;
  readonly namespaceObject: KubeObject | null;
}

/** The `request` variable. */
export function requestVariable(req: AdmissionRequest): Obj {
  const userInfo: Obj = { username: req.user.name, groups: [...req.user.groups] };
  if (req.user.uid !== undefined) userInfo['uid'] = req.user.uid;
  if (req.user.extra !== undefined && Object.keys(req.user.extra).length > 0) userInfo['extra'] = req.user.extra;
  const kind = { group: req.group, version: req.version, kind: req.kind };
  const resource = { group: req.group, version: req.version, resource: req.resource };
  return {
    kind,
    resource,
    subResource: req.subresource,
    requestKind: kind,
    requestResource: resource,
    requestSubResource: req.subresource,
    name: req.name,
    namespace: req.namespace,
    operation: req.operation,
    userInfo,
    dryRun: req.dryRun,
  };
}

const celOf = (o: KubeObject | null | undefined): unknown => (o === undefined || o === null ? null : toCel(undefined, o));

class EvalError extends Error {}

/**
 * Runs the policy for one binding: matchConditions (all true, else admit), variables on demand,
 * then validations in order; the first failure decides. Errors follow the policy's
 * failurePolicy: Ignore admits, Fail returns `error`.
 */
export function evaluatePolicy(input: EvaluationInput): PolicyDecision {
  const spec = rec(input.policy['spec']) ?? {};
  const ignore = str(spec['failurePolicy']) === 'Ignore';
  const onError = (message: string): PolicyDecision => (ignore ? { action: 'admit' } : { action: 'error', message });

  const variables: Obj = {};
  const context: Obj = {
    object: celOf(input.request.object),
    oldObject: celOf(input.request.oldObject),
    request: toCel(undefined, requestVariable(input.request)),
    params: celOf(input.params),
    namespaceObject: celOf(input.namespaceObject),
    variables,
  };
  // Lazily evaluated, once each, in the policy's order of declaration (later ones may use earlier ones).
  for (const v of Array.isArray(spec['variables']) ? (spec['variables'] as unknown[]) : []) {
    const name = str(rec(v)?.['name']);
    const expression = str(rec(v)?.['expression']);
    if (name === '') continue;
    let state: { done: true; value: unknown } | { done: false } = { done: false };
    Object.defineProperty(variables, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (state.done) return state.value;
        const c = compileExpression(expression);
        if ('error' in c) throw new EvalError(`variable '${name}' ${c.error}`);
        let value: unknown;
        try {
          value = c.program(context);
        } catch (error) {
          if (error instanceof EvalError) throw error;
          throw new EvalError(`variable '${name}' resulted in error: ${evaluationErrorText(error)}`);
        }
        state = { done: true, value };
        return value;
      },
    });
  }

  const run = (expression: string): { value: unknown } | { error: string } => {
    const c = compileExpression(expression);
    if ('error' in c) return { error: `expression '${expression}' ${c.error}` };
    try {
      return { value: c.program(context) };
    } catch (error) {
      if (error instanceof EvalError) return { error: error.message };
      const cause = rec(error)?.['cause'];
      if (cause instanceof EvalError) return { error: cause.message };
      return { error: `expression '${expression}' resulted in error: ${evaluationErrorText(error)}` };
    }
  };

  for (const mc of Array.isArray(spec['matchConditions']) ? (spec['matchConditions'] as unknown[]) : []) {
    const condition = rec(mc);
    const r = run(str(condition?.['expression']));
    if ('error' in r) return onError(`failed to evaluate matchCondition '${str(condition?.['name'])}': ${r.error}`);
    if (r.value === false) return { action: 'admit' };
    if (r.value !== true) return onError(`matchCondition '${str(condition?.['name'])}' did not evaluate to a bool`);
  }

  for (const v of Array.isArray(spec['validations']) ? (spec['validations'] as unknown[]) : []) {
    const validation = rec(v) ?? {};
    const expression = str(validation['expression']);
    const r = run(expression);
    if ('error' in r) {
      const d = onError(r.error);
      if (d.action === 'admit') continue;
      return d;
    }
    if (r.value === true) continue;
    if (r.value !== false) {
      const d = onError(`expression '${expression}' did not evaluate to a bool`);
      if (d.action === 'admit') continue;
      return d;
    }
    return { action: 'deny', message: failureMessage(validation, run), reason: str(validation['reason']) || 'Invalid' };
  }
  return { action: 'admit' };
}

/** messageExpression when it yields a usable string, else message, else `failed expression: <expr>`. */
function failureMessage(validation: Obj, run: (expression: string) => { value: unknown } | { error: string }): string {
  const expression = str(validation['expression']);
  const fallback = str(validation['message']).trim() !== '' ? str(validation['message']) : `failed expression: ${expression.trim()}`;
  const messageExpression = str(validation['messageExpression']);
  if (messageExpression.trim() === '') return fallback;
  const m = run(messageExpression);
  if ('value' in m && typeof m.value === 'string' && m.value.trim() !== '' && !/[\r\n]/.test(m.value)) return m.value.trim();
  return fallback;
}

/** The HTTP code for a validation's reason. */
export function codeOfReason(reason: string): number {
  switch (reason) {
    case 'Forbidden':
      return 403;
    case 'Unauthorized':
      return 401;
    case 'RequestEntityTooLarge':
      return 413;
    case 'Invalid':
      return 422;
    default:
      return 400;
  }
}
