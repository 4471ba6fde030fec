/**
 * The binding engine's in-memory world: workload objects, namespace labels, policies and
 * clusters, and what each policy selects ("what") and where it sends it ("where"). Each change
 * is applied incrementally and answers exactly what it affected: the (policy, object) units whose
 * ManifestWorks must be reconciled, the policies whose Binding must be rewritten, and the objects
 * whose returned status must be re-decided. No I/O: the engine feeds it and acts on the answers.
 */
import type { KubeObject } from '../../api/object.js';
import { clusterSelectorsMatch } from '../binding/clusters.js';
import { matchPolicy, type BindingPolicySpec, type Modulation, type ObjectFacts } from '../binding/match.js';
import { PolicyIndex } from '../binding/policy-index.js';
import { MULTIWEC_STATUS_LABEL, SINGLETON_STATUS_LABEL } from '../well-known.js';

type Labels = Record<string, string>;

export interface WorkloadObject {
  readonly facts: ObjectFacts;
  /** The object (read-only); may be decoded on each use. */
  readonly object: KubeObject;
  /** An upsynced copy from a WEC (annotated so), never sent back to WECs. */
  readonly upsynced?: boolean;
  /** When the engine saw this object (or a change that needs its works rewritten), for the packaging latency. */
  seenAt?: number | undefined;
  /** Whether the resource has a status subresource (where returned status is written). */
  readonly hasStatus: boolean;
  /**
   * Told after each evaluation whether a policy selects the object: an implementation may then
   * let go of an unselected object and produce it again when asked.
   */
  selected?(yes: boolean): void;
}

export interface Policy {
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  readonly spec: BindingPolicySpec;
  /** Names of the matching clusters, sorted. */
  destinations: string[];
}

/** What a change touched. */
export class Affected {
  readonly units = new Set<string>();
  readonly policies = new Set<string>();
  readonly statuses = new Set<string>();

  unit(policy: string, uid: string): void {
    this.units.add(unitKey(policy, uid));
    this.policies.add(policy);
    this.statuses.add(uid);
  }
}

const SEP = '\u0000';
export function unitKey(policy: string, uid: string): string {
  return `${policy}${SEP}${uid}`;
}
export function splitUnitKey(key: string): { policy: string; uid: string } {
  const i = key.indexOf(SEP);
  return { policy: key.slice(0, i), uid: key.slice(i + 1) };
}

/**
 * `group/resource/namespace/name`. Joined rather than concatenated: the resolver keeps one such key
 * per object of the space, and a concatenation is a chain of string pieces, each one more heap
 * object for every full collection to trace; a join is one flat string.
 */
export function objectKey(f: Pick<ObjectFacts, 'group' | 'resource' | 'namespace' | 'name'>): string {
  return [f.group, f.resource, f.namespace, f.name].join('/');
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  const ak = Object.keys(a ?? {});
  if (ak.length !== Object.keys(b ?? {}).length) return false;
  return ak.every((k) => a![k] === b?.[k]);
}

function sameModulation(a: Modulation | undefined, b: Modulation | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class Resolver {
  readonly #objects = new Map<string, WorkloadObject>();
  readonly #uidByKey = new Map<string, string>();
  readonly #uidsInNamespace = new Map<string, Set<string>>();
  readonly #nsLabels = new Map<string, Labels>();
  readonly #policies = new Map<string, Policy>();
  readonly #index = new PolicyIndex();
  /** policy → object uid → modulation. */
  readonly #matches = new Map<string, Map<string, Modulation>>();
  /** object uid → policies matching it. */
  readonly #policiesOf = new Map<string, Set<string>>();
  readonly #clusters = new Map<string, Labels>();

  readonly #lookupNs = (ns: string): Labels | undefined => this.#nsLabels.get(ns);

  object(uid: string): WorkloadObject | undefined {
    return this.#objects.get(uid);
  }

  policy(name: string): Policy | undefined {
    return this.#policies.get(name);
  }

  policies(): IterableIterator<Policy> {
    return this.#policies.values();
  }

  matchesOf(policy: string): ReadonlyMap<string, Modulation> {
    return this.#matches.get(policy) ?? new Map();
  }

  policiesOf(uid: string): ReadonlySet<string> {
    return this.#policiesOf.get(uid) ?? new Set();
  }

  modulation(policy: string, uid: string): Modulation | undefined {
    return this.#matches.get(policy)?.get(uid);
  }

  /** UIDs of the objects of one resource that at least one policy selects. */
  selectedOf(group: string, resource: string): string[] {
    const out: string[] = [];
    for (const uid of this.#policiesOf.keys()) {
      const f = this.#objects.get(uid)?.facts;
      if (f?.group === group && f.resource === resource) out.push(uid);
    }
    return out;
  }

  /** Objects selected by at least one policy. */
  get selectedCount(): number {
    return this.#policiesOf.size;
  }

  clusterNames(): IterableIterator<string> {
    return this.#clusters.keys();
  }

  // ---- workload objects ----

  upsertObject(w: WorkloadObject, out: Affected): void {
    // Upsynced copies came from WECs and are never sent back (docs/upsync.md, conflict rule 3).
    if (w.upsynced === true) return this.deleteObject(w.facts.uid, out);
    const key = objectKey(w.facts);
    const previousUid = this.#uidByKey.get(key);
    if (previousUid !== undefined && previousUid !== w.facts.uid) this.#removeObject(previousUid, out);
    const previous = this.#objects.get(w.facts.uid);
    this.#objects.set(w.facts.uid, w);
    this.#uidByKey.set(key, w.facts.uid);
    if (w.facts.namespace !== '') {
      let set = this.#uidsInNamespace.get(w.facts.namespace);
      if (set === undefined) this.#uidsInNamespace.set(w.facts.namespace, (set = new Set()));
      set.add(w.facts.uid);
    }
    this.#evaluate(w, out, true);
    const labels = w.facts.labels;
    if (labels?.[SINGLETON_STATUS_LABEL] !== undefined || labels?.[MULTIWEC_STATUS_LABEL] !== undefined) out.statuses.add(w.facts.uid);
    if (w.facts.group === '' && w.facts.resource === 'namespaces') {
      const nsLabels = w.facts.labels;
      const changed = !sameLabels(this.#nsLabels.get(w.facts.name), nsLabels) || previous === undefined;
      this.#nsLabels.set(w.facts.name, nsLabels);
      // Improvement over KubeStellar: objects inside follow their namespace's labels at once.
      if (changed) for (const uid of this.#uidsInNamespace.get(w.facts.name) ?? []) this.#evaluate(this.#objects.get(uid)!, out, false);
    }
  }

  deleteObject(uid: string, out: Affected): void {
    this.#removeObject(uid, out);
  }

  #removeObject(uid: string, out: Affected): void {
    const w = this.#objects.get(uid);
    if (w === undefined) return;
    this.#objects.delete(uid);
    const key = objectKey(w.facts);
    if (this.#uidByKey.get(key) === uid) this.#uidByKey.delete(key);
    this.#uidsInNamespace.get(w.facts.namespace)?.delete(uid);
    for (const p of this.#policiesOf.get(uid) ?? []) {
      this.#matches.get(p)?.delete(uid);
      out.unit(p, uid);
    }
    this.#policiesOf.delete(uid);
    out.statuses.add(uid);
    if (w.facts.group === '' && w.facts.resource === 'namespaces' && this.#uidByKey.get(key) === undefined) {
      this.#nsLabels.delete(w.facts.name);
      for (const inner of this.#uidsInNamespace.get(w.facts.name) ?? []) this.#evaluate(this.#objects.get(inner)!, out, false);
    }
  }

  /** Re-matches one object against its candidate policies and the ones it matched before. */
  #evaluate(w: WorkloadObject, out: Affected, contentChanged: boolean): void {
    const uid = w.facts.uid;
    const before = this.#policiesOf.get(uid) ?? new Set<string>();
    const candidates = new Set<string>(before);
    for (const p of this.#index.candidates(w.facts)) candidates.add(p);
    const after = new Set<string>();
    for (const name of candidates) {
      const policy = this.#policies.get(name);
      if (policy === undefined) continue;
      const mod = matchPolicy(policy.spec, w.facts, this.#lookupNs);
      const matches = this.#matches.get(name)!;
      const old = matches.get(uid);
      if (mod === undefined) {
        if (old !== undefined) {
          matches.delete(uid);
          out.unit(name, uid);
        }
        continue;
      }
      after.add(name);
      matches.set(uid, mod);
      if (contentChanged || old === undefined || !sameModulation(old, mod)) out.unit(name, uid);
    }
    if (after.size === 0) this.#policiesOf.delete(uid);
    else this.#policiesOf.set(uid, after);
    w.selected?.(after.size > 0);
  }

  // ---- policies ----

  upsertPolicy(p: Omit<Policy, 'destinations'>, out: Affected): void {
    const old = this.#policies.get(p.name);
    if (old !== undefined && old.uid === p.uid && old.generation === p.generation) return;
    if (old !== undefined) this.#index.remove(p.name);
    const policy: Policy = { ...p, destinations: this.#selectClusters(p.spec) };
    this.#policies.set(p.name, policy);
    this.#index.add(p.name, p.spec);
    const previous = this.#matches.get(p.name) ?? new Map<string, Modulation>();
    const next = new Map<string, Modulation>();
    for (const w of this.#objects.values()) {
      const mod = matchPolicy(p.spec, w.facts, this.#lookupNs);
      if (mod !== undefined) next.set(w.facts.uid, mod);
    }
    this.#matches.set(p.name, next);
    const renamedOrMoved = old === undefined || old.uid !== p.uid || old.destinations.join() !== policy.destinations.join();
    for (const [uid, mod] of next) {
      let set = this.#policiesOf.get(uid);
      if (set === undefined) {
        this.#policiesOf.set(uid, (set = new Set()));
        this.#objects.get(uid)?.selected?.(true);
      }
      set.add(p.name);
      if (renamedOrMoved || !sameModulation(previous.get(uid), mod)) out.unit(p.name, uid);
    }
    for (const uid of previous.keys()) {
      if (next.has(uid)) continue;
      this.#unlink(uid, p.name);
      out.unit(p.name, uid);
    }
    out.policies.add(p.name);
  }

  deletePolicy(name: string, out: Affected): void {
    if (!this.#policies.has(name)) return;
    this.#index.remove(name);
    this.#policies.delete(name);
    for (const uid of this.#matches.get(name)?.keys() ?? []) {
      this.#unlink(uid, name);
      out.unit(name, uid);
    }
    this.#matches.delete(name);
    out.policies.add(name);
  }

  /** Forgets that `policy` selects `uid`, and the object's entry once no policy does. */
  #unlink(uid: string, policy: string): void {
    const set = this.#policiesOf.get(uid);
    if (set === undefined) return;
    set.delete(policy);
    if (set.size > 0) return;
    this.#policiesOf.delete(uid);
    this.#objects.get(uid)?.selected?.(false);
  }

  // ---- clusters ----

  upsertCluster(name: string, labels: Labels, out: Affected): void {
    const old = this.#clusters.get(name);
    if (old !== undefined && sameLabels(old, labels)) return;
    this.#clusters.set(name, labels);
    this.#reselect(out);
  }

  deleteCluster(name: string, out: Affected): void {
    if (!this.#clusters.delete(name)) return;
    this.#reselect(out);
  }

  /** Replaces the whole inventory (a relist). */
  syncClusters(clusters: ReadonlyMap<string, Labels>, out: Affected): void {
    this.#clusters.clear();
    for (const [n, l] of clusters) this.#clusters.set(n, l);
    this.#reselect(out);
  }

  #selectClusters(spec: BindingPolicySpec): string[] {
    const selectors = spec.clusterSelectors ?? [];
    const names: string[] = [];
    for (const [name, labels] of this.#clusters) if (clusterSelectorsMatch(selectors, labels)) names.push(name);
    return names.sort();
  }

  #reselect(out: Affected): void {
    for (const policy of this.#policies.values()) {
      const next = this.#selectClusters(policy.spec);
      if (next.join() === policy.destinations.join()) continue;
      policy.destinations = next;
      out.policies.add(policy.name);
      for (const uid of this.#matches.get(policy.name)?.keys() ?? []) out.unit(policy.name, uid);
    }
  }
}
