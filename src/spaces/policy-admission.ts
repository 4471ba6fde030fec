/**
 * ValidatingAdmissionPolicy enforcement for one space: the I/O around the pure decisions of
 * src/registry/admission/validating-policy.ts. Policies and bindings are kept in memory, reloaded
 * (one list of each) after any change: a write through this server invalidates them as it
 * commits, and a watch of both kinds catches writes by other servers over the same storage. A
 * space without bindings costs one map check per write. Params and namespaces are read per
 * request, only when a binding matches.
 */
import { StatusError, forbidden, type StatusReason } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { labelSelectorMatches, type LabelSelector } from '../api/label-selector.js';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { GenericStore } from '../registry/store.js';
import type { WatchControl } from '../../storage/index.js';
import { bindingApplies, codeOfReason, evaluatePolicy, type AdmissionRequest, type PolicyDecision } from '../registry/admission/validating-policy.js';

const GROUP = 'admissionregistration.k8s.io';

interface Snapshot {
  readonly policies: ReadonlyMap<string, KubeObject>;
  readonly bindings: readonly KubeObject[];
}

const EMPTY: Snapshot = { policies: new Map(), bindings: [] };

type Obj = Record<string, unknown>;
const rec = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export class PolicyAdmission {
  readonly #catalog: ResourceCatalog;
  readonly #store: (def: ResourceDefinition) => GenericStore;
  #generation = 0;
  #cached: { generation: number; snapshot: Snapshot } | undefined;
  #loading: { generation: number; promise: Promise<Snapshot> } | undefined;
  #watches: WatchControl[] = [];
  #watching = false;
  #stopped = false;

  constructor(catalog: ResourceCatalog, store: (def: ResourceDefinition) => GenericStore) {
    this.#catalog = catalog;
    this.#store = store;
  }

  /** Whether writes to `def` concern policies: the policy kinds themselves are exempt, as upstream. */
  static isPolicyKind(def: ResourceDefinition): boolean {
    return def.group === GROUP && (def.plural === 'validatingadmissionpolicies' || def.plural === 'validatingadmissionpolicybindings');
  }

  /** A policy or binding changed (called as the write commits). */
  invalidate(): void {
    this.#generation++;
  }

  stop(): void {
    this.#stopped = true;
    for (const w of this.#watches) w.close();
    this.#watches = [];
  }

  /** True when the space is known to bind no policy: a write needs no review built for it. */
  get knownEmpty(): boolean {
    const cached = this.#cached;
    return cached !== undefined && cached.generation === this.#generation && cached.snapshot.bindings.length === 0;
  }

  /** Checks a write; throws the denial, reports Warn messages through `warn`. */
  check(req: AdmissionRequest, warn: (message: string) => void): void | Promise<void> {
    const cached = this.#cached;
    if (cached !== undefined && cached.generation === this.#generation) {
      if (cached.snapshot.bindings.length === 0) return;
      return this.#checkWith(cached.snapshot, req, warn);
    }
    return this.#snapshot().then((s) => (s.bindings.length === 0 ? undefined : this.#checkWith(s, req, warn)));
  }

  #snapshot(): Promise<Snapshot> {
    const generation = this.#generation;
    if (this.#loading !== undefined && this.#loading.generation === generation) return this.#loading.promise;
    const promise = this.#load().then((snapshot) => {
      if (generation === this.#generation) this.#cached = { generation, snapshot };
      return snapshot;
    });
    this.#loading = { generation, promise };
    promise.catch(() => {
      if (this.#loading?.promise === promise) this.#loading = undefined;
    });
    return promise;
  }

  async #load(): Promise<Snapshot> {
    const policyDef = this.#catalog.byResource(GROUP, 'validatingadmissionpolicies');
    const bindingDef = this.#catalog.byResource(GROUP, 'validatingadmissionpolicybindings');
    if (policyDef === undefined || bindingDef === undefined) return EMPTY;
    const [policies, bindings] = await Promise.all([this.#store(policyDef).list(''), this.#store(bindingDef).list('')]);
    if (!this.#watching && !this.#stopped) {
      this.#watching = true;
      const end = (): void => {
        // A watch that ends (too slow, compacted) is restarted by the next load.
        this.#watching = false;
        for (const w of this.#watches) w.close();
        this.#watches = [];
        this.invalidate();
      };
      const listener = { next: (): boolean => (this.invalidate(), true), end };
      const revision = Math.min(Number(policies.list.metadata.resourceVersion), Number(bindings.list.metadata.resourceVersion));
      this.#watches = [
        this.#store(policyDef).watchEach('', { afterRevision: revision }, listener),
        this.#store(bindingDef).watchEach('', { afterRevision: revision }, listener),
      ];
    }
    if (bindings.list.items.length === 0) return EMPTY;
    return { policies: new Map(policies.list.items.map((p) => [p.metadata.name!, p])), bindings: bindings.list.items };
  }

  async #checkWith(snapshot: Snapshot, req: AdmissionRequest, warn: (message: string) => void): Promise<void> {
    let namespaceObject: KubeObject | null | undefined;
    const namespaceOf = async (): Promise<KubeObject | null> => {
      if (namespaceObject !== undefined) return namespaceObject;
      namespaceObject = null;
      const def = this.#catalog.byResource('', 'namespaces');
      if (req.namespaced && req.namespace !== '' && def !== undefined) {
        try {
          namespaceObject = await this.#store(def).get('', req.namespace);
        } catch {
          namespaceObject = null;
        }
      }
      return namespaceObject;
    };
    let denial: StatusError | undefined;
    for (const binding of snapshot.bindings) {
      const policyName = str(rec(binding['spec'])?.['policyName']);
      const policy = snapshot.policies.get(policyName);
      if (policy === undefined) continue;
      const ns = await namespaceOf();
      if (!bindingApplies(policy, binding, req, ns?.metadata.labels)) continue;
      const decision = await this.#decide(policy, binding, req, ns);
      if (decision.action === 'admit') continue;
      const reason = decision.action === 'deny' ? decision.reason : 'Invalid';
      const actions = Array.isArray(rec(binding['spec'])?.['validationActions']) ? (rec(binding['spec'])!['validationActions'] as unknown[]) : [];
      const bindingName = binding.metadata.name!;
      if (actions.includes('Warn')) warn(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}': ${decision.message}`);
      if (actions.includes('Deny') && denial === undefined) {
        const message = `ValidatingAdmissionPolicy '${policyName}' with binding '${bindingName}' denied request: ${decision.message}`;
        denial = forbidden({ group: req.group, resource: req.resource }, req.name, message);
        denial.status.reason = reason as StatusReason;
        denial.status.code = codeOfReason(reason);
        denial.status.details = { ...denial.status.details, causes: [{ message }] };
      }
    }
    if (denial !== undefined) throw denial;
  }

  /** The params a binding names (none: [null]), then the policy's decision over each. */
  async #decide(policy: KubeObject, binding: KubeObject, req: AdmissionRequest, namespaceObject: KubeObject | null): Promise<PolicyDecision> {
    const pspec = rec(policy['spec']) ?? {};
    const ignore = str(pspec['failurePolicy']) === 'Ignore';
    const failed = (message: string): PolicyDecision => (ignore ? { action: 'admit' } : { action: 'error', message });
    const paramKind = rec(pspec['paramKind']);
    let params: (KubeObject | null)[] = [null];
    if (paramKind !== undefined) {
      const found = await this.#params(paramKind, rec(rec(binding['spec'])?.['paramRef']), req);
      if ('error' in found) return failed(found.error);
      if (found.params.length === 0) {
        if (found.notFoundAction !== 'Allow') return failed('no params found for policy binding with `Deny` parameterNotFoundAction');
        return { action: 'admit' };
      }
      params = found.params;
    }
    for (const p of params) {
      const decision = evaluatePolicy({ policy, request: req, params: p, namespaceObject });
      if (decision.action !== 'admit') return decision;
    }
    return { action: 'admit' };
  }

  async #params(
    paramKind: Obj,
    paramRef: Obj | undefined,
    req: AdmissionRequest,
  ): Promise<{ params: KubeObject[]; notFoundAction: string } | { error: string }> {
    const apiVersion = str(paramKind['apiVersion']);
    const kind = str(paramKind['kind']);
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const def = this.#catalog.byKind(group, kind);
    if (def === undefined) return { error: `failed to find resource referenced by paramKind: '${apiVersion}, Kind=${kind}'` };
    if (paramRef === undefined) return { error: 'paramKind is set on the policy but the binding has no paramRef' };
    const notFoundAction = str(paramRef['parameterNotFoundAction']) || 'Deny';
    let namespace = '';
    if (def.namespaced) {
      namespace = str(paramRef['namespace']) || req.namespace;
      if (namespace === '') return { error: 'cannot use a namespaced paramKind with a cluster-scoped request unless paramRef.namespace is set' };
    }
    const store = this.#store(def);
    const name = str(paramRef['name']);
    if (name !== '') {
      try {
        return { params: [await store.get(namespace, name)], notFoundAction };
      } catch {
        return { params: [], notFoundAction };
      }
    }
    const selector = rec(paramRef['selector']) ?? {};
    const { list } = await store.list(namespace, { predicate: (o) => labelSelectorMatches(selector as LabelSelector, o.metadata.labels ?? {}) });
    return { params: list.items, notFoundAction };
  }
}
