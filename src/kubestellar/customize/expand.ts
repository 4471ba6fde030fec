/**
 * Per-WEC template expansion of a workload object (spec §5), on the object as cleaned for the
 * WECs (§3.3). Every string leaf holding `{{` (through maps and arrays, at any depth; map keys
 * never) is a Go template run with `missingkey=error` on the cluster's properties; other leaves
 * are left alone. Each leaf is parsed once per object and executed per cluster.
 *
 * Errors are data, per leaf, each named by its path in the object: the leaf's path is the
 * template's name, so a message reads as Go's (`template: spec.x[0]:1:3: executing "spec.x[0]"
 * at <.region>: map has no entry for key "region"`). As upstream, a leaf that does not parse
 * becomes "" and one that fails while running keeps its partial output; but an object with
 * errors for a cluster is not meant to be sent there: the caller keeps what that cluster had
 * before (docs/customization.md).
 */
import type { KubeObject } from '../../api/object.js';
import { isObject, setKey, type JsonObject } from '../../api/patch/json-value.js';
import { EXPAND_TEMPLATES_ANNOTATION } from '../well-known.js';
import type { ClusterProperties } from './properties.js';
import { executeTemplate, parseTemplate, type ParseResult, type TemplateError } from './template.js';

/** Whether the object asks for expansion: annotation `control.kubestellar.io/expand-templates: "true"`, exactly. */
export function wantsExpansion(object: KubeObject): boolean {
  return object.metadata?.annotations?.[EXPAND_TEMPLATES_ANNOTATION] === 'true';
}

/** Whether any string leaf of the object holds `{{`. */
export function containsTemplates(object: KubeObject): boolean {
  const visit = (value: unknown): boolean => {
    if (typeof value === 'string') return value.includes('{{');
    if (Array.isArray(value)) return value.some(visit);
    if (isObject(value)) return Object.keys(value).some((k) => visit(value[k]));
    return false;
  };
  return visit(object);
}

/**
 * Whether the object's content differs per WEC: it asks for expansion and holds templates. Only
 * then do the properties of its destinations matter (so only then must property changes rewrite it).
 */
export function needsCustomization(object: KubeObject): boolean {
  return wantsExpansion(object) && containsTemplates(object);
}

export interface LeafError {
  /** Where in the object, e.g. `metadata.annotations.note`, `spec.containers[0].env[1].value`. */
  readonly path: string;
  readonly error: TemplateError;
}

export interface ObjectExpansion {
  /** A new object when `expanded`; otherwise the input itself. The input is never modified. */
  readonly object: KubeObject;
  /** Whether any leaf held a template (whatever the outcome). */
  readonly expanded: boolean;
  /** One message per failed leaf, in Go's words, naming the leaf's path. */
  readonly errors: readonly string[];
  readonly leafErrors: readonly LeafError[];
}

/** An object's templates, parsed once; `expand` runs them for one cluster. */
export interface CompiledObject {
  readonly expanded: boolean;
  expand(properties: ClusterProperties): ObjectExpansion;
}

/** Expands the object's templates unconditionally (the annotation is the caller's business). */
export function expandObject(object: KubeObject, properties: ClusterProperties): ObjectExpansion {
  return compileObject(object).expand(properties);
}

interface Leaf {
  readonly path: string;
  readonly parsed: ParseResult;
}

export function compileObject(object: KubeObject): CompiledObject {
  // Leaves in walk order; expansion walks the same way and takes them in turn.
  const leaves: Leaf[] = [];
  const collect = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (value.includes('{{')) leaves.push({ path, parsed: parseTemplate(value, path) });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => collect(v, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const key of Object.keys(value)) collect(value[key], keyPath(path, key));
    }
  };
  collect(object, '');
  if (leaves.length === 0) return { expanded: false, expand: () => ({ object, expanded: false, errors: [], leafErrors: [] }) };

  return {
    expanded: true,
    expand(properties: ClusterProperties): ObjectExpansion {
      const leafErrors: LeafError[] = [];
      let next = 0;
      const rebuild = (value: unknown): unknown => {
        if (typeof value === 'string') {
          if (!value.includes('{{')) return value;
          const { path, parsed } = leaves[next++]!;
          if (!parsed.ok) {
            leafErrors.push({ path, error: parsed.error });
            return '';
          }
          const result = executeTemplate(parsed.template, properties);
          if (result.error !== undefined) leafErrors.push({ path, error: result.error });
          return result.output;
        }
        if (Array.isArray(value)) return value.map(rebuild);
        if (isObject(value)) {
          const out: JsonObject = {};
          for (const key of Object.keys(value)) setKey(out, key, rebuild(value[key]));
          return out;
        }
        return value;
      };
      const expanded = rebuild(object) as KubeObject;
      return { object: expanded, expanded: true, errors: leafErrors.map((e) => e.error.message), leafErrors };
    },
  };
}

/** `a.b`, `a[0]`, and brackets for keys that are not plain names: `metadata.labels[app.kubernetes.io/name]`. */
function keyPath(parent: string, key: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export interface ClusterExpansion {
  /** What this cluster should get, unless `errors` is non-empty. */
  readonly object: KubeObject;
  /** Non-empty: keep what this cluster was sent before (or send nothing if it never got the object). */
  readonly errors: readonly string[];
}

export interface ClustersExpansion {
  /**
   * Whether the object differs per cluster: it asks for expansion and holds at least one template.
   * Decided once per object, so it never depends on the destinations. When false every cluster
   * gets the input object itself (no copy) and nothing can fail.
   */
  readonly customized: boolean;
  readonly byCluster: ReadonlyMap<string, ClusterExpansion>;
  /** Clusters whose expansion failed, sorted by name. */
  readonly failedClusters: readonly string[];
  /**
   * What to report in `Binding.status.errors` for this object: as upstream, all errors of one
   * cluster only (the first failing one by name), so a property missing everywhere is not
   * repeated per WEC; then one line naming the other failing clusters, if any.
   */
  readonly errors: readonly string[];
}

export interface ClustersExpansionOptions {
  /** How to name the object in reported errors, e.g. `apps/v1/deployments(nginx/web)`. */
  readonly objectRef?: string;
}

/** Expands the object for each destination cluster, given each one's properties. */
export function expandForClusters(
  object: KubeObject,
  propertiesByCluster: ReadonlyMap<string, ClusterProperties>,
  options: ClustersExpansionOptions = {},
): ClustersExpansion {
  const compiled = wantsExpansion(object) ? compileObject(object) : undefined;
  const byCluster = new Map<string, ClusterExpansion>();
  if (compiled === undefined || !compiled.expanded) {
    for (const cluster of propertiesByCluster.keys()) byCluster.set(cluster, { object, errors: [] });
    return { customized: false, byCluster, failedClusters: [], errors: [] };
  }
  for (const [cluster, properties] of propertiesByCluster) {
    const result = compiled.expand(properties);
    byCluster.set(cluster, { object: result.object, errors: result.errors });
  }
  const failedClusters = [...byCluster].filter(([, r]) => r.errors.length > 0).map(([c]) => c).sort();
  const errors: string[] = [];
  const [first, ...others] = failedClusters;
  if (first !== undefined) {
    const ref = options.objectRef;
    for (const message of byCluster.get(first)!.errors) errors.push(`${ref === undefined ? '' : `${ref} for `}${first}: ${message}`);
    if (others.length > 0) {
      const count = others.length === 1 ? '1 more cluster' : `${others.length} more clusters`;
      errors.push(`${ref === undefined ? '' : `${ref}: `}template expansion also failed for ${count}: ${others.join(', ')}`);
    }
  }
  return { customized: true, byCluster, failedClusters, errors };
}
