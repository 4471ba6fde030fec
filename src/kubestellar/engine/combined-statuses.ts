/**
 * StatusCollectors and CombinedStatus for one WDS (spec/kubestellar.md §1.4, §1.5, §4.5;
 * docs/status-collectors.md): the engine's collaborator that
 *   - validates every StatusCollector and writes its `status.errors`;
 *   - keeps one CombinedStatus per (policy, object) unit whose modulation names collectors,
 *     recomputed when the object, the policy's destinations, the returned status or a named
 *     collector changes, and deleted when the unit goes;
 *   - sets `StatusCollectorsAvailable` on the Binding and its BindingPolicy.
 * The engine feeds it WDS events and the units/policies/objects its changes touched; it reads
 * the engine's resolver and returned status, and does its writes on its own work queue.
 */
import { writeObservedStatus } from './observed-status.js';
import { isStatusError } from '../../api/errors.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import { combineAll, type DestinationInput } from '../status/collector-eval.js';
import { validateStatusCollector, type CompiledCollector } from '../status/collector-validate.js';
import { BINDING_POLICY_LABEL, buildCombinedStatus, combinedStatusEqual, combinedStatusUpdate, type CombinedStatus } from '../status/combined-status.js';
import { setCondition, statusCollectorsAvailable, STATUS_COLLECTORS_AVAILABLE, type BindingPolicyCondition } from '../status/conditions.js';
import { CONTROL_API_VERSION, CONTROL_GROUP, REPORT_NAMESPACE, STATUS_FEEDBACK_NAME } from '../well-known.js';
import type { Resolver } from './resolver.js';
import { splitUnitKey, unitKey } from './resolver.js';
import { WorkQueue } from './work-queue.js';

const STATUS_MANAGER = { name: 'Status', apiVersion: CONTROL_API_VERSION };

/** What the engine lends: its resolver (read only) and the ManifestWorks of an object. */
export interface CombinedStatusHost {
  readonly resolver: Resolver;
  /** This WDS's works in `cluster` that carry the object `uid` (one per policy selecting it). */
  works(uid: string, cluster: string): Iterable<KubeObject | undefined>;
  readonly log: (msg: string, err?: unknown) => void;
  /** A policy whose status names collector problems must be rewritten (its collectors changed). */
  readonly policyProblemsChanged: (policy: string) => void;
}

interface CollectorState {
  readonly uid: string;
  readonly generation: number;
  /** Present when valid. */
  readonly compiled?: CompiledCollector;
  /** Present when invalid. */
  readonly errors?: readonly string[];
  readonly status: unknown;
}

/** The returned status of the (single) manifest of a work, or undefined when none came back. */
function feedbackOf(work: KubeObject): unknown {
  type Feedback = { resourceStatus?: { manifests?: { statusFeedback?: { values?: { name: string; fieldValue?: { jsonRaw?: string } }[] } }[] } };
  const raw = (work['status'] as Feedback | undefined)?.resourceStatus?.manifests?.[0]?.statusFeedback?.values?.find((v) => v.name === STATUS_FEEDBACK_NAME)?.fieldValue?.jsonRaw;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** When the work's status was last written (upstream: the WorkStatus managedFields touching status). */
function statusWrittenAt(work: KubeObject): string | null {
  let latest: string | null = null;
  for (const entry of work.metadata.managedFields ?? []) {
    const m = (entry ?? {}) as { subresource?: unknown; fieldsV1?: unknown; time?: unknown };
    const touchesStatus = m.subresource === 'status' || (typeof m.fieldsV1 === 'object' && m.fieldsV1 !== null && Object.hasOwn(m.fieldsV1, 'f:status'));
    if (touchesStatus && typeof m.time === 'string' && (latest === null || m.time > latest)) latest = m.time;
  }
  return latest;
}

const nsName = (ns: string, name: string): string => `${ns}/${name}`;

export class CombinedStatuses {
  readonly #wds: ServedSpace;
  readonly #host: CombinedStatusHost;
  readonly #queue: WorkQueue;
  readonly #collectors = new Map<string, CollectorState>();
  /** Stored CombinedStatus objects of ours, by unit, then `ns/name`. */
  readonly #stored = new Map<string, Map<string, KubeObject>>();
  /** resourceVersions we wrote: their watch events need no reconcile. */
  readonly #ours = new Map<string, string>();
  /** Units being reconciled: a change noted meanwhile must run them again (a write may be in flight). */
  readonly #running = new Set<string>();
  /** Policies naming no collectors whose Binding and policy carry no condition: nothing to read. */
  readonly #quiet = new Set<string>();
  /** Names seen during a relist (undefined when not relisting). */
  #syncing: { collectors: Set<string>; stored: Set<string> } | undefined;
  #started = false;

  constructor(wds: ServedSpace, host: CombinedStatusHost) {
    this.#wds = wds;
    this.#host = host;
    const onError = (key: string, err: unknown): void => {
      if (!isStatusError(err) || err.status.code >= 500) host.log(`reconcile ${key.replace('\u0000', ' ')}`, err);
    };
    this.#queue = new WorkQueue((k) => this.#reconcile(k), { concurrency: 16, onError });
  }

  /** After the engine's first load: the report namespace, then everything once. */
  start(): void {
    this.#started = true;
    this.#queue.add('n:');
    for (const name of this.#collectors.keys()) this.#queue.add(`c:${name}`);
    for (const p of this.#host.resolver.policies()) {
      this.#queue.add(`b:${p.name}`);
      for (const [uid, mod] of this.#host.resolver.matchesOf(p.name)) if (mod.statusCollectors.length > 0) this.#queue.add(`u:${unitKey(p.name, uid)}`);
    }
    for (const key of this.#stored.keys()) this.#queue.add(`u:${key}`);
  }

  stop(): void {
    this.#queue.stop();
  }

  idle(): Promise<void> {
    return this.#queue.idle();
  }

  // ---- what the engine reports ----

  /** A relist of the WDS begins: objects not seen again by `endSync` are forgotten. */
  beginSync(): void {
    this.#syncing = { collectors: new Set(), stored: new Set() };
  }

  endSync(): void {
    const seen = this.#syncing;
    this.#syncing = undefined;
    if (seen === undefined) return;
    for (const name of [...this.#collectors.keys()]) if (!seen.collectors.has(name)) this.#collectorGone(name);
    for (const [key, objs] of this.#stored) {
      for (const k of [...objs.keys()]) if (!seen.stored.has(k)) objs.delete(k);
      if (objs.size === 0) this.#stored.delete(key);
      this.#add(`u:${key}`);
    }
  }

  /** A StatusCollector or CombinedStatus event in the WDS. */
  /**
   * For the policy's status.errors: each collector its objects name that is missing or does not
   * validate, with the reasons (the collector's own status.errors has the same).
   */
  problemsFor(policyName: string): string[] {
    const named = new Set<string>();
    for (const mod of this.#host.resolver.matchesOf(policyName).values()) for (const n of mod.statusCollectors) named.add(n);
    return [...named].sort().flatMap((n) => {
      const state = this.#collectors.get(n);
      if (state === undefined) return [`StatusCollector ${n}: not found`];
      return (state.errors ?? []).map((e) => `StatusCollector ${n}: ${e}`);
    });
  }

  noteObject(plural: string, object: KubeObject, deleted: boolean): void {
    if (plural === 'statuscollectors') this.#noteCollector(object, deleted);
    else if (plural === 'combinedstatuses') this.#noteStored(object, deleted, false);
  }

  /** A (policy, object) unit changed: object content, modulation, destinations, or it went. */
  noteUnit(key: string): void {
    const { policy, uid } = splitUnitKey(key);
    const named = (this.#host.resolver.modulation(policy, uid)?.statusCollectors.length ?? 0) > 0;
    if (named || this.#stored.has(key) || this.#running.has(key)) this.#add(`u:${key}`);
  }

  /** A policy (or its Binding) changed: the collectors it names may differ. */
  notePolicy(name: string): void {
    this.#add(`b:${name}`);
  }

  /** The status returned for an object changed in some cluster. */
  noteReturned(uid: string): void {
    for (const p of this.#host.resolver.policiesOf(uid)) this.noteUnit(unitKey(p, uid));
  }

  #add(key: string): void {
    if (this.#started) this.#queue.add(key);
  }

  #noteCollector(object: KubeObject, deleted: boolean): void {
    const name = object.metadata.name!;
    this.#syncing?.collectors.add(name);
    if (deleted) {
      if (this.#collectors.get(name)?.uid === object.metadata.uid) this.#collectorGone(name);
      return;
    }
    const before = this.#collectors.get(name);
    const generation = object.metadata.generation ?? 1;
    if (before !== undefined && before.uid === object.metadata.uid && before.generation === generation) {
      // Only the status moved (usually our own write): remember it, nothing to recompute.
      this.#collectors.set(name, { ...before, status: object['status'] });
      return;
    }
    const r = validateStatusCollector(object);
    const state: CollectorState = { uid: object.metadata.uid!, generation, status: object['status'], ...('ok' in r ? { compiled: r.ok } : { errors: r.errors }) };
    this.#collectors.set(name, state);
    this.#add(`c:${name}`);
    // Equal compiled keys give equal results: a no-op spec edit recomputes nothing.
    if (before?.compiled === undefined || state.compiled === undefined || before.compiled.key !== state.compiled.key) this.#collectorChanged(name);
  }

  #collectorGone(name: string): void {
    this.#collectors.delete(name);
    this.#collectorChanged(name);
  }

  /** Every unit and policy naming the collector is recomputed (spec §8.3 item 30: late arrival). */
  #collectorChanged(name: string): void {
    const resolver = this.#host.resolver;
    for (const p of resolver.policies()) {
      let named = false;
      for (const [uid, mod] of resolver.matchesOf(p.name)) {
        if (!mod.statusCollectors.includes(name)) continue;
        named = true;
        this.#add(`u:${unitKey(p.name, uid)}`);
      }
      if (named) {
        this.#add(`b:${p.name}`);
        this.#host.policyProblemsChanged(p.name);
      }
    }
  }

  /** Follows our CombinedStatus objects (by their policy label and `<object uid>.<policy uid>` name). */
  #noteStored(object: KubeObject, deleted: boolean, ownWrite: boolean): void {
    const policy = object.metadata.labels?.[BINDING_POLICY_LABEL];
    const name = object.metadata.name!;
    const dot = name.indexOf('.');
    if (policy === undefined || dot <= 0) return; // not one of ours
    const key = unitKey(policy, name.slice(0, dot));
    const k = nsName(object.metadata.namespace!, name);
    this.#syncing?.stored.add(k);
    let objs = this.#stored.get(key);
    const had = objs?.get(k);
    // An older event than what a write of ours already answered changes nothing.
    if (had !== undefined && Number(had.metadata.resourceVersion) > Number(object.metadata.resourceVersion)) return;
    if (deleted) {
      this.#forget(key, k);
    } else {
      if (objs === undefined) this.#stored.set(key, (objs = new Map()));
      objs.set(k, object);
      if (ownWrite) this.#ours.set(k, object.metadata.resourceVersion!);
      else if (this.#ours.get(k) === object.metadata.resourceVersion) return;
    }
    if (!ownWrite) this.#add(`u:${key}`);
  }

  // ---- reconciling ----

  async #reconcile(key: string): Promise<void> {
    const rest = key.slice(2);
    switch (key.slice(0, 2)) {
      case 'n:':
        return this.#ensureReportNamespace();
      case 'c:':
        return this.#reconcileCollectorStatus(rest);
      case 'b:':
        return this.#reconcileCondition(rest);
      case 'u:':
        this.#running.add(rest);
        try {
          return await this.#reconcileUnit(rest);
        } finally {
          this.#running.delete(rest);
        }
    }
  }

  /** Upstream's status controller creates it at start; cluster-scoped objects report there. */
  async #ensureReportNamespace(): Promise<void> {
    const def = this.#wds.catalog.all().find((d) => d.group === '' && d.plural === 'namespaces')!;
    try {
      await this.#wds.store(def).create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: REPORT_NAMESPACE } }, { manager: STATUS_MANAGER });
    } catch (err) {
      if (!isStatusError(err, 'AlreadyExists')) throw err;
    }
  }

  async #reconcileCollectorStatus(name: string): Promise<void> {
    const state = this.#collectors.get(name);
    if (state === undefined) return;
    const want: Record<string, unknown> = { observedGeneration: state.generation, ...(state.errors !== undefined && { errors: state.errors }) };
    if (JSON.stringify(state.status) === JSON.stringify(want)) return;
    await writeObservedStatus(this.#store('statuscollectors'), name, { uid: state.uid, generation: state.generation, status: want }, STATUS_MANAGER);
  }

  /**
   * `StatusCollectorsAvailable` on the Binding and its policy, over the collectors the Binding's
   * objects name. Set (as upstream) whenever some are named; once set it is kept current, so a
   * policy that stops naming collectors reads True rather than a stale False.
   */
  async #reconcileCondition(policyName: string): Promise<void> {
    const policy = this.#host.resolver.policy(policyName);
    if (policy === undefined) return;
    const named = new Set<string>();
    for (const mod of this.#host.resolver.matchesOf(policyName).values()) for (const n of mod.statusCollectors) named.add(n);
    if (named.size === 0 && this.#quiet.has(policyName)) return;
    this.#quiet.delete(policyName);
    const missing = [...named].filter((n) => this.#collectors.get(n)?.compiled === undefined);
    const condition = statusCollectorsAvailable(missing);
    let quiet = named.size === 0;
    const mutate = (cur: KubeObject): KubeObject => {
      const owner = cur.kind === 'Binding' ? cur.metadata.ownerReferences?.find((r) => r.kind === 'BindingPolicy')?.uid : cur.metadata.uid;
      if (owner !== policy.uid) return cur;
      const status = (cur['status'] ?? {}) as { observedGeneration?: number; conditions?: BindingPolicyCondition[] };
      const conditions = status.conditions ?? [];
      if (named.size === 0 && !conditions.some((c) => c.type === STATUS_COLLECTORS_AVAILABLE)) return cur;
      quiet = false;
      const next = setCondition(conditions, condition, rfc3339(new Date()));
      if (!next.changed) return cur;
      return { ...cur, status: { ...status, observedGeneration: status.observedGeneration ?? cur.metadata.generation ?? 1, conditions: next.conditions } };
    };
    for (const plural of ['bindings', 'bindingpolicies']) {
      try {
        await this.#store(plural).guaranteedUpdate('', policyName, mutate, { subresource: 'status', manager: STATUS_MANAGER });
      } catch (err) {
        // No Binding yet: its creation is reported (notePolicy) and this runs again.
        if (!isStatusError(err, 'NotFound')) throw err;
      }
    }
    if (quiet) this.#quiet.add(policyName);
  }

  /** The CombinedStatus a unit should have, or undefined when it should have none. */
  #desired(policyName: string, uid: string): CombinedStatus | undefined {
    const resolver = this.#host.resolver;
    const policy = resolver.policy(policyName);
    const mod = resolver.modulation(policyName, uid);
    const w = resolver.object(uid);
    if (policy === undefined || mod === undefined || w === undefined || mod.statusCollectors.length === 0) return undefined;
    // Missing and invalid collectors are left out (and reported by the condition).
    const collectors = mod.statusCollectors.flatMap((n) => {
      const c = this.#collectors.get(n)?.compiled;
      return c === undefined ? [] : [c];
    });
    // Every destination is a row candidate, with a null status until its WEC returns one.
    const destinations: DestinationInput[] = policy.destinations.map((wec) => {
      for (const work of this.#host.works(uid, wec)) {
        if (work === undefined) continue;
        const status = feedbackOf(work);
        if (status !== undefined) return { wec, returnedStatus: status, lastReturnedUpdateTimestamp: statusWrittenAt(work) };
      }
      return { wec, returnedStatus: null, lastReturnedUpdateTimestamp: null };
    });
    const results = combineAll(collectors, w.object, destinations);
    const f = w.facts;
    return buildCombinedStatus(
      { group: f.group, version: f.version, kind: w.object.kind ?? '', resource: f.resource, namespace: f.namespace, name: f.name, uid },
      { name: policyName, uid: policy.uid },
      results,
    );
  }

  async #reconcileUnit(key: string): Promise<void> {
    const { policy, uid } = splitUnitKey(key);
    const desired = this.#desired(policy, uid);
    const want = desired === undefined ? undefined : nsName(desired.metadata.namespace, desired.metadata.name);
    const store = this.#store('combinedstatuses');
    // Stale ones: the unit went, or its policy was recreated under a new UID.
    for (const [k, have] of [...(this.#stored.get(key) ?? [])]) {
      if (k === want) continue;
      try {
        await store.delete(have.metadata.namespace!, have.metadata.name!, { preconditions: { uid: have.metadata.uid! } });
      } catch (err) {
        if (!isStatusError(err, 'NotFound') && !isStatusError(err, 'Conflict')) throw err;
      }
      this.#forget(key, k);
    }
    if (desired === undefined) return;
    const have = this.#stored.get(key)?.get(want!);
    if (have !== undefined && combinedStatusEqual(have, desired)) return;
    const ns = desired.metadata.namespace;
    const name = desired.metadata.name;
    if (have === undefined) {
      try {
        this.#noteStored(await this.#create(store, desired), false, true);
        return;
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err; // our cache lags: update below
      }
    }
    try {
      const written = await store.guaranteedUpdate(ns, name, (cur) => (combinedStatusUpdate(cur, desired) as KubeObject | undefined) ?? cur, { manager: STATUS_MANAGER });
      this.#noteStored(written, false, true);
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
      this.#forget(key, want!);
      throw err; // deleted meanwhile: retried, which creates it
    }
  }

  #forget(key: string, k: string): void {
    const objs = this.#stored.get(key);
    objs?.delete(k);
    if (objs?.size === 0) this.#stored.delete(key);
    this.#ours.delete(k);
  }

  async #create(store: GenericStore, desired: CombinedStatus): Promise<KubeObject> {
    const create = (): Promise<KubeObject> => store.create(desired.metadata.namespace, desired as unknown as KubeObject, { manager: STATUS_MANAGER });
    try {
      return await create();
    } catch (err) {
      // Someone deleted the report namespace: upstream would wait for a restart; we make it again.
      if (desired.metadata.namespace !== REPORT_NAMESPACE || !isStatusError(err, 'NotFound')) throw err;
      await this.#ensureReportNamespace();
      return create();
    }
  }

  #store(plural: string): GenericStore {
    const def = this.#wds.catalog.all().find((d) => d.group === CONTROL_GROUP && d.plural === plural);
    if (def === undefined) throw new Error(`the WDS does not serve ${plural}.${CONTROL_GROUP}`);
    return this.#wds.store(def);
  }
}
