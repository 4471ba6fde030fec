/**
 * The Binding spec a policy's resolution produces (spec/kubestellar.md §1.3), shaped and ordered
 * as upstream's Go serialises it, and the semantic comparison upstream uses to decide whether an
 * existing Binding must be rewritten (§2.6 step 3).
 */
import type { Modulation, ObjectFacts } from './match.js';

/** `DownsyncModulation` as the Binding carries it: Go omitempty drops false and empty fields. */
export interface BindingModulation {
  createOnly?: boolean;
  statusCollectors?: string[];
  wantSingletonReportedState?: boolean;
  wantMultiWECReportedState?: boolean;
}

export interface ClusterScopeClause extends BindingModulation {
  group: string;
  version: string;
  resource: string;
  name: string;
  resourceVersion: string;
}

export interface NamespaceScopeClause extends BindingModulation {
  group: string;
  version: string;
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: string;
}

export interface BindingSpec {
  /** Always present (a Go struct is never omitted); its lists are omitted when empty. */
  workload: { clusterScope?: ClusterScopeClause[]; namespaceScope?: NamespaceScopeClause[] };
  destinations?: { clusterId: string }[];
}

export interface ResolvedObject {
  readonly facts: Pick<ObjectFacts, 'group' | 'version' | 'resource' | 'namespace' | 'name' | 'resourceVersion'>;
  readonly modulation: Modulation;
}

export interface Resolution {
  readonly objects: Iterable<ResolvedObject>;
  readonly destinations: Iterable<string>;
}

/** Go's strings.Compare: byte order of the UTF-8 encodings (code-point order, unlike `<` on UTF-16). */
function compareStrings(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** metav1.GroupVersionResource.String(), the primary sort key. */
const gvrString = (c: { group: string; version: string; resource: string }): string => `${c.group}/${c.version}, Resource=${c.resource}`;

/** cache.ObjectName.String(): `ns/name`, or `name` when cluster-scoped. */
const objectName = (namespace: string, name: string): string => (namespace === '' ? name : `${namespace}/${name}`);

function modulationFields(m: Modulation): BindingModulation {
  const out: BindingModulation = {};
  if (m.createOnly) out.createOnly = true;
  if (m.statusCollectors.length > 0) out.statusCollectors = [...new Set(m.statusCollectors)].sort(compareStrings);
  if (m.wantSingletonReportedState) out.wantSingletonReportedState = true;
  if (m.wantMultiWECReportedState) out.wantMultiWECReportedState = true;
  return out;
}

/**
 * The spec of §1.3: destinations sorted by clusterId; clusterScope sorted by GVR string, then
 * name, then resourceVersion; namespaceScope by GVR string, then `ns/name`, then resourceVersion.
 * Two versions of one object (same group/resource/namespace/name) would collide on the list-map
 * keys, so only the first in that order is kept.
 */
export function bindingSpecOf(resolution: Resolution): BindingSpec {
  const clusterScope: ClusterScopeClause[] = [];
  const namespaceScope: NamespaceScopeClause[] = [];
  for (const { facts: f, modulation } of resolution.objects) {
    const mod = modulationFields(modulation);
    if (f.namespace === '') {
      clusterScope.push({ group: f.group, version: f.version, resource: f.resource, name: f.name, resourceVersion: f.resourceVersion, ...mod });
    } else {
      namespaceScope.push({
        group: f.group,
        version: f.version,
        resource: f.resource,
        namespace: f.namespace,
        name: f.name,
        resourceVersion: f.resourceVersion,
        ...mod,
      });
    }
  }
  clusterScope.sort(
    (a, b) => compareStrings(gvrString(a), gvrString(b)) || compareStrings(a.name, b.name) || compareStrings(a.resourceVersion, b.resourceVersion),
  );
  namespaceScope.sort(
    (a, b) =>
      compareStrings(gvrString(a), gvrString(b)) ||
      compareStrings(objectName(a.namespace, a.name), objectName(b.namespace, b.name)) ||
      compareStrings(a.resourceVersion, b.resourceVersion),
  );
  const workload: BindingSpec['workload'] = {};
  const cs = distinctObjects(clusterScope);
  const ns = distinctObjects(namespaceScope);
  if (cs.length > 0) workload.clusterScope = cs;
  if (ns.length > 0) workload.namespaceScope = ns;
  const spec: BindingSpec = { workload };
  const destinations = [...new Set(resolution.destinations)].sort(compareStrings);
  if (destinations.length > 0) spec.destinations = destinations.map((clusterId) => ({ clusterId }));
  return spec;
}

function distinctObjects<T extends { group: string; resource: string; name: string; namespace?: string }>(clauses: T[]): T[] {
  const seen = new Set<string>();
  return clauses.filter((c) => {
    const key = [c.group, c.resource, c.namespace ?? '', c.name].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type AnyClause = Partial<NamespaceScopeClause> & Record<string, unknown>;

/** Identity of a listed object: GVR, namespace and name (upstream's objectRef). */
const refKey = (c: AnyClause, namespace: string): string => [c.group ?? '', c.version ?? '', c.resource ?? '', namespace, c.name ?? ''].join('\u0000');

/** RV and modulation, normalised so absent and false (or empty) compare equal and collectors are a set. */
function dataKey(c: AnyClause): string {
  const collectors = [...new Set(Array.isArray(c.statusCollectors) ? c.statusCollectors : [])].sort();
  return JSON.stringify([c.resourceVersion ?? '', c.createOnly === true, collectors, c.wantSingletonReportedState === true, c.wantMultiWECReportedState === true]);
}

function objectsOf(spec: BindingSpec | null | undefined): Map<string, string> | undefined {
  const out = new Map<string, string>();
  const workload = (spec?.workload ?? {}) as { clusterScope?: unknown; namespaceScope?: unknown };
  let count = 0;
  for (const [list, namespaced] of [
    [workload.clusterScope, false],
    [workload.namespaceScope, true],
  ] as const) {
    if (!Array.isArray(list)) continue;
    for (const c of list as (AnyClause | null)[]) {
      if (c === null || typeof c !== 'object') return undefined;
      count++;
      out.set(refKey(c, namespaced ? String(c.namespace ?? '') : ''), dataKey(c));
    }
  }
  // A repeated object cannot equal a resolution, which lists each object once.
  return out.size === count ? out : undefined;
}

function destinationsOf(spec: BindingSpec | null | undefined): Set<unknown> | undefined {
  const list: unknown[] = Array.isArray(spec?.destinations) ? spec.destinations : [];
  const set = new Set(list.map((d) => (d as { clusterId?: unknown } | null)?.clusterId));
  return set.size === list.length ? set : undefined;
}

/**
 * Upstream's matchesBindingSpec: same set of destinations, and the same set of objects each with
 * the same resourceVersion and modulation. Order does not matter, so a Binding that only differs
 * in order is not rewritten.
 */
export function bindingSpecEqual(a: BindingSpec | null | undefined, b: BindingSpec | null | undefined): boolean {
  const da = destinationsOf(a);
  const db = destinationsOf(b);
  if (da === undefined || db === undefined || da.size !== db.size || [...da].some((d) => !db.has(d))) return false;
  const oa = objectsOf(a);
  const ob = objectsOf(b);
  if (oa === undefined || ob === undefined || oa.size !== ob.size) return false;
  for (const [key, data] of oa) if (ob.get(key) !== data) return false;
  return true;
}
