/**
 * The "what" of a BindingPolicy (spec/kubestellar.md §1.2, §2.3): whether one workload object
 * passes a downsync clause, and the modulation a whole policy asks for it. Pure: the Namespace
 * labels a namespaceSelector needs come from the caller's lookup, so the engine can re-evaluate
 * a namespace's contents when its labels change (KubeStellar does not).
 */
import { labelSelectorToRequirements, labelsMatch, type LabelRequirement, type LabelSelector, type Labels } from '../../api/label-selector.js';

/** `DownsyncModulation`, as it appears in a policy clause (every field optional, Go omitempty). */
export interface DownsyncModulationFields {
  createOnly?: boolean | null;
  statusCollectors?: string[] | null;
  wantSingletonReportedState?: boolean | null;
  wantMultiWECReportedState?: boolean | null;
}

/** `DownsyncObjectTest`: six tests, ANDed; entries inside one test are ORed. */
export interface DownsyncObjectTest {
  /** Absent or null: any group; `""`: the core group only; otherwise that group exactly. */
  apiGroup?: string | null;
  resources?: string[] | null;
  namespaces?: string[] | null;
  namespaceSelectors?: (LabelSelector | null)[] | null;
  objectNames?: string[] | null;
  objectSelectors?: (LabelSelector | null)[] | null;
}

export type DownsyncClause = DownsyncObjectTest & DownsyncModulationFields;

/**
 * Our extension (docs/upsync.md): which WEC objects the selected clusters report back into the
 * WDS. All given tests must pass; `namespaces`/`names` empty or `"*"` accept any.
 */
export interface UpsyncClause {
  /** `""` is the core group; never absent. */
  apiGroup: string;
  /** Lowercase plural resource names; at least one, no `"*"`. */
  resources: string[];
  namespaces?: string[] | null;
  names?: string[] | null;
  objectSelectors?: (LabelSelector | null)[] | null;
}

export interface BindingPolicySpec {
  clusterSelectors?: (LabelSelector | null)[] | null;
  downsync?: DownsyncClause[] | null;
  upsync?: UpsyncClause[] | null;
}

/**
 * What the matching clauses of one policy ask for one object, merged (booleans ORed, collectors
 * unioned). Always fully populated, collectors sorted and distinct, so two equal modulations
 * also serialise identically.
 */
export interface Modulation {
  readonly createOnly: boolean;
  readonly statusCollectors: readonly string[];
  readonly wantSingletonReportedState: boolean;
  readonly wantMultiWECReportedState: boolean;
}

/** What matching needs to know of a workload object. Cluster-scoped objects have namespace `""`. */
export interface ObjectFacts {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly uid: string;
  readonly resourceVersion: string;
}

/** Labels of the WDS Namespace with this name, or undefined when there is no such Namespace. */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

export const NO_MODULATION: Modulation = Object.freeze({
  createOnly: false,
  statusCollectors: Object.freeze([]) as readonly string[],
  wantSingletonReportedState: false,
  wantMultiWECReportedState: false,
});

// Policies are re-tested against every object event; convert each selector once. A selector that
// fails to convert is remembered as `null` (matches nothing), as upstream skips it.
const compiled = new WeakMap<LabelSelector, readonly LabelRequirement[] | null>();

function requirementsOf(selector: LabelSelector): readonly LabelRequirement[] | null {
  let reqs = compiled.get(selector);
  if (reqs === undefined) {
    try {
      reqs = labelSelectorToRequirements(selector);
    } catch {
      reqs = null;
    }
    compiled.set(selector, reqs);
  }
  return reqs;
}

/**
 * One `metav1.LabelSelector` held by value in a list (so a `null` entry is Go's zero value, the
 * empty selector): empty matches everything, unconvertible matches nothing.
 */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels | undefined): boolean {
  if (selector === null || selector === undefined) return true;
  if (typeof selector !== 'object' || Array.isArray(selector)) return false; // not a selector at all
  return labelsMatch(requirementsOf(selector), labels ?? {});
}

/** Whether any selector of the list matches (an empty list matches nothing: callers test emptiness first). */
export function anySelectorMatches(selectors: readonly (LabelSelector | null)[], labels: Labels | undefined): boolean {
  return selectors.some((s) => selectorMatches(s, labels));
}

/** Upstream's "empty selector": no matchLabels and no matchExpressions. */
export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  if (selector === null || selector === undefined) return true;
  if (typeof selector !== 'object' || Array.isArray(selector)) return false;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** An empty or absent list passes; otherwise `"*"` or the value itself must be listed. */
function listedOrAny(list: readonly string[] | null | undefined, value: string): boolean {
  return list === null || list === undefined || list.length === 0 || list.includes('*') || list.includes(value);
}

/** §2.3 for one clause. */
export function matchClause(clause: DownsyncObjectTest, obj: ObjectFacts, nsLabels: NamespaceLabels): boolean {
  if (clause.apiGroup !== null && clause.apiGroup !== undefined && clause.apiGroup !== obj.group) return false;
  if (!listedOrAny(clause.resources, obj.resource)) return false;
  if (!listedOrAny(clause.namespaces, obj.namespace)) return false;
  if (!listedOrAny(clause.objectNames, obj.name)) return false;
  const objectSelectors = clause.objectSelectors ?? [];
  if (objectSelectors.length > 0 && !anySelectorMatches(objectSelectors, obj.labels)) return false;
  const nsSelectors = clause.namespaceSelectors ?? [];
  // One empty selector in the list waives the test, even for cluster-scoped objects; otherwise the
  // object's Namespace must exist (so cluster-scoped objects, namespace "", fail) and match.
  if (nsSelectors.length > 0 && !nsSelectors.some(isEmptySelector)) {
    if (obj.namespace === '') return false;
    const labels = nsLabels(obj.namespace);
    if (labels === undefined || !anySelectorMatches(nsSelectors, labels)) return false;
  }
  return true;
}

/** The merged modulation of the policy's matching clauses, or undefined when no clause matches. */
export function matchPolicy(spec: BindingPolicySpec, obj: ObjectFacts, nsLabels: NamespaceLabels): Modulation | undefined {
  let matched = false;
  let createOnly = false;
  let singleton = false;
  let multi = false;
  const collectors = new Set<string>();
  // Upstream reads the Namespace at most once per policy test; so do we.
  let nsCache: { labels: Labels | undefined } | undefined;
  const lookup: NamespaceLabels = (ns) => (nsCache ??= { labels: nsLabels(ns) }).labels;
  for (const clause of spec.downsync ?? []) {
    if (!matchClause(clause, obj, lookup)) continue;
    matched = true;
    createOnly ||= clause.createOnly === true;
    singleton ||= clause.wantSingletonReportedState === true;
    multi ||= clause.wantMultiWECReportedState === true;
    for (const c of clause.statusCollectors ?? []) collectors.add(c);
  }
  if (!matched) return undefined;
  return { createOnly, statusCollectors: [...collectors].sort(), wantSingletonReportedState: singleton, wantMultiWECReportedState: multi };
}

export function modulationEqual(a: Modulation, b: Modulation): boolean {
  return (
    a.createOnly === b.createOnly &&
    a.wantSingletonReportedState === b.wantSingletonReportedState &&
    a.wantMultiWECReportedState === b.wantMultiWECReportedState &&
    a.statusCollectors.length === b.statusCollectors.length &&
    a.statusCollectors.every((c, i) => c === b.statusCollectors[i])
  );
}
