/**
 * The engine's view of the WDS's CustomTransforms (spec/kubestellar.md §3.3.3): each one
 * digested once per spec change, the removal paths per (apiGroup, resource), and the status each
 * one should show. No I/O: the engine feeds it every CustomTransform event and acts on what a
 * change touched (re-reconciling the units of those resources, writing those statuses).
 *
 * Unlike upstream, which digests lazily while syncing some Binding and so only reaches the WECs
 * once the Binding changes for another reason, a change here is meant to rewrite the affected
 * ManifestWorks at once (the documented intent, spec §10.1).
 */
import type { KubeObject } from '../../api/object.js';
import { digestRemovals, type RemovalPath } from '../transport/custom-transform.js';

export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface CustomTransformStatus {
  observedGeneration: number;
  errors?: string[];
  warnings?: string[];
}

/** What a CustomTransform event touched. */
export interface TransformChange {
  /** Resources whose removal rules changed: their objects' works must be recomputed. */
  readonly resources: GroupResource[];
  /** CustomTransforms whose desired status may have changed. */
  readonly transforms: string[];
}

interface Digest {
  readonly uid: string;
  readonly generation: number;
  readonly key: string;
  readonly gr: GroupResource;
  /** The spec.remove entries as given; compared to tell a real change from a status write. */
  readonly remove: string;
  readonly paths: readonly RemovalPath[];
  readonly errors: readonly string[];
  /** The status last seen on the object. */
  readonly status: unknown;
}

const grKey = (group: string, resource: string): string => `${group}\u0000${resource}`;

export class TransformRules {
  readonly #byName = new Map<string, Digest>();
  /** (group, resource) key → names of the CustomTransforms selecting it. */
  readonly #names = new Map<string, Set<string>>();
  /** (group, resource) key → all their paths, in name order; dropped on change. */
  readonly #rules = new Map<string, readonly RemovalPath[]>();

  names(): IterableIterator<string> {
    return this.#byName.keys();
  }

  upsert(object: KubeObject): TransformChange {
    const name = object.metadata.name!;
    const spec = (object['spec'] ?? {}) as { apiGroup?: unknown; resource?: unknown; remove?: unknown };
    const gr = { group: typeof spec.apiGroup === 'string' ? spec.apiGroup : '', resource: typeof spec.resource === 'string' ? spec.resource : '' };
    const removeList = Array.isArray(spec.remove) ? (spec.remove as unknown[]) : [];
    const remove = JSON.stringify(removeList);
    const key = grKey(gr.group, gr.resource);
    const old = this.#byName.get(name);
    const sameRules = old !== undefined && old.uid === object.metadata.uid && old.key === key && old.remove === remove;
    const generation = object.metadata.generation ?? 1;
    if (sameRules) {
      // A status write or a metadata change: only the status may need (re)writing.
      this.#byName.set(name, { ...old, generation, status: object['status'] });
      return { resources: [], transforms: [name] };
    }
    const { paths, errors } = digestRemovals(removeList);
    const change = old === undefined ? { resources: [], transforms: [] } : this.#forget(name, old);
    this.#byName.set(name, { uid: object.metadata.uid!, generation, key, gr, remove, paths, errors, status: object['status'] });
    let set = this.#names.get(key);
    if (set === undefined) this.#names.set(key, (set = new Set()));
    set.add(name);
    this.#rules.delete(key);
    return merge(change, { resources: [gr], transforms: [...set] });
  }

  delete(name: string): TransformChange {
    const old = this.#byName.get(name);
    if (old === undefined) return { resources: [], transforms: [] };
    this.#byName.delete(name);
    return this.#forget(name, old);
  }

  #forget(name: string, old: Digest): TransformChange {
    const set = this.#names.get(old.key);
    set?.delete(name);
    if (set?.size === 0) this.#names.delete(old.key);
    this.#rules.delete(old.key);
    // The siblings left behind lose (or change) their shared warning.
    return { resources: [old.gr], transforms: [...(set ?? [])] };
  }

  /** The removal paths for objects of this resource, from every CustomTransform naming it. */
  rulesFor(group: string, resource: string): readonly RemovalPath[] {
    const key = grKey(group, resource);
    let rules = this.#rules.get(key);
    if (rules === undefined) {
      const names = [...(this.#names.get(key) ?? [])].sort();
      rules = names.flatMap((n) => this.#byName.get(n)!.paths);
      this.#rules.set(key, rules);
    }
    return rules;
  }

  /**
   * The path errors of every CustomTransform naming this resource, for the status of the policies
   * that select its objects: a transform that cannot be fully applied is their problem too.
   */
  problemsFor(group: string, resource: string): string[] {
    const names = [...(this.#names.get(grKey(group, resource)) ?? [])].sort();
    return names.flatMap((n) => this.#byName.get(n)!.errors.map((e) => `CustomTransform ${n}: ${e}`));
  }

  /** What the CustomTransform's status should be, for the object with `uid`; undefined once it is gone. */
  desiredStatus(name: string): { uid: string; generation: number; status: CustomTransformStatus; current: unknown } | undefined {
    const d = this.#byName.get(name);
    if (d === undefined) return undefined;
    const siblings = [...(this.#names.get(d.key) ?? [])].sort();
    const status: CustomTransformStatus = { observedGeneration: d.generation };
    if (d.errors.length > 0) status.errors = [...d.errors];
    // Upstream's wording, with the names rendered as a list.
    if (siblings.length > 1) status.warnings = [`multiple CustomTransform objects specify the same GroupResource; their names are [${siblings.join(' ')}]`];
    return { uid: d.uid, generation: d.generation, status, current: d.status };
  }
}

function merge(a: TransformChange, b: TransformChange): TransformChange {
  const resources = [...a.resources];
  for (const gr of b.resources) if (!resources.some((r) => r.group === gr.group && r.resource === gr.resource)) resources.push(gr);
  return { resources, transforms: [...new Set([...a.transforms, ...b.transforms])] };
}
