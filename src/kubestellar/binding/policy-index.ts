/**
 * Narrows which policies can match an object before the full §2.3 test runs, so an object event
 * costs the policies naming its kind (plus the wildcard ones) instead of all policies.
 *
 * Each clause files its policy under (group, resource) buckets, `*` standing for "any" (a null
 * apiGroup, an empty resource list or one holding `"*"`). An object's candidates are the union
 * of its four buckets: (group, resource), (group, *), (*, resource), (*, *). Candidates are a
 * superset of the matches: the other tests (namespaces, names, selectors) still have to run.
 */
import type { BindingPolicySpec, DownsyncClause } from './match.js';

const ANY = '*';
const SEP = '\u0000';

const bucketKey = (group: string, resource: string): string => `${group}${SEP}${resource}`;

function clauseBuckets(clause: DownsyncClause): string[] {
  const group = clause.apiGroup === null || clause.apiGroup === undefined ? ANY : clause.apiGroup;
  const resources = clause.resources ?? [];
  if (resources.length === 0 || resources.includes(ANY)) return [bucketKey(group, ANY)];
  return resources.map((r) => bucketKey(group, r));
}

export class PolicyIndex {
  readonly #buckets = new Map<string, Set<string>>();
  /** policy → the buckets it is filed under, for removal. */
  readonly #filed = new Map<string, string[]>();

  get size(): number {
    return this.#filed.size;
  }

  has(policy: string): boolean {
    return this.#filed.has(policy);
  }

  /** Files (or re-files) a policy under the buckets of its clauses. A policy with no clause matches nothing and is filed nowhere. */
  add(policy: string, spec: BindingPolicySpec): void {
    this.remove(policy);
    const keys = [...new Set((spec.downsync ?? []).flatMap(clauseBuckets))];
    for (const key of keys) {
      let set = this.#buckets.get(key);
      if (set === undefined) this.#buckets.set(key, (set = new Set()));
      set.add(policy);
    }
    this.#filed.set(policy, keys);
  }

  remove(policy: string): void {
    const keys = this.#filed.get(policy);
    if (keys === undefined) return;
    for (const key of keys) {
      const set = this.#buckets.get(key);
      set?.delete(policy);
      if (set?.size === 0) this.#buckets.delete(key);
    }
    this.#filed.delete(policy);
  }

  /** Policies that may match an object of this group and resource, each once. */
  candidates(obj: { readonly group: string; readonly resource: string }): Set<string> {
    const out = new Set<string>();
    const keys = [bucketKey(obj.group, obj.resource), bucketKey(obj.group, ANY), bucketKey(ANY, obj.resource), bucketKey(ANY, ANY)];
    for (const key of keys) for (const p of this.#buckets.get(key) ?? []) out.add(p);
    return out;
  }
}
