/**
 * KubeStellar for one WDS, in the server process: follows every change in the WDS and the
 * inventory and works of its ITS, keeps the resolver current, and reconciles four things:
 *   - units (policy, object): the object's ManifestWorks in each destination cluster namespace;
 *   - policies: the Binding named after each BindingPolicy, and the policy's status;
 *   - objects: the status returned from the WECs into the WDS object;
 *   - CustomTransforms: their status (their removals apply to the units' works).
 * StatusCollectors and CombinedStatus are left to a collaborator (combined-statuses.ts) that it
 * tells about units, policies and returned status.
 * Desired state is a function of what is stored, so a restart recomputes it and converges: a
 * write acknowledged by the WDS is never lost to the transport (ARCHITECTURE §4, contract 1).
 */
import { writeObservedStatus } from './observed-status.js';
import { isStatusError } from '../../api/errors.js';
import type { KubeObject, ObjectMeta, OwnerReference } from '../../api/object.js';
import { jsonEqual } from '../../api/patch/json-value.js';
import { decodeReadOnly } from '../../registry/codec.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { SpaceEvent, SpaceObject } from '../../registry/space-stream.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import { bindingSpecEqual, bindingSpecOf } from '../binding/binding-spec.js';
import { isWorkloadResource } from '../binding/exclusions.js';
import type { BindingPolicySpec, ObjectFacts } from '../binding/match.js';
import { expandForClusters, needsCustomization, wantsExpansion } from '../customize/index.js';
import { decideStatus } from '../status/decide.js';
import { cleanObject } from '../transport/clean.js';
import { applyRemovals } from '../transport/custom-transform.js';
import { manifestWorkContentEqual, manifestWorkName, wrapManifestWork } from '../transport/wrap.js';
import {
  BINDING_KEY_LABEL,
  CONTROL_API_VERSION,
  CONTROL_GROUP,
  MULTIWEC_STATUS_LABEL,
  SINGLETON_STATUS_LABEL,
  STATUS_FEEDBACK_NAME,
  UPSYNCED_FROM_ANNOTATION,
} from '../well-known.js';
import { ClusterPropertyIndex } from './cluster-properties.js';
import { CombinedStatuses } from './combined-statuses.js';
import type { ItsPort } from './its-port.js';
import { Affected, Resolver, splitUnitKey, unitKey, type WorkloadObject } from './resolver.js';
import { TransformRules } from './transforms.js';
import { WorkQueue } from './work-queue.js';
import type { ServerMetrics } from '../../metrics/metrics.js';

/**
 * Milliseconds, whole: the engine keeps when it saw each object (for the packaging latency), and a
 * whole number is stored unboxed where a fraction would be one more heap object per object.
 */
const now = (): number => Math.round(performance.now());

const UID_LENGTH = 36;
const BINDING_MANAGER = { name: 'Binding', apiVersion: CONTROL_API_VERSION };
const STATUS_MANAGER = { name: 'Status', apiVersion: CONTROL_API_VERSION };
const TRANSPORT_MANAGER = { name: 'transport-controller', apiVersion: CONTROL_API_VERSION };

export interface WdsEngineOptions {
  readonly log?: (msg: string, err?: unknown) => void;
  readonly metrics?: ServerMetrics;
  /** Coalescing delay for Binding rewrites (default 50 ms). */
  readonly bindingDelayMs?: number;
}

interface BindingState {
  readonly object: KubeObject;
  readonly ownerUid: string | undefined;
}

function rv(o: KubeObject): number {
  return Number(o.metadata.resourceVersion ?? 0);
}

export class WdsEngine {
  readonly #wds: ServedSpace;
  readonly #wdsName: string;
  readonly #its: ItsPort;
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #metrics: ServerMetrics | undefined;
  /** When the engine saw each object's latest change (ms, monotonic), for propagation latency. */
  /** Works written and not yet reported applied: ns/name → when written and when their object changed. */
  readonly #inFlight = new Map<string, { writtenAt: number; seenAt: number; labels: Record<string, string> }>();
  /** Objects whose returned status changed in the ITS: when that was seen. */
  readonly #statusSeenAt = new Map<string, number>();
  readonly #bindingDelayMs: number;
  readonly #abort = new AbortController();
  readonly #resolver = new Resolver();
  readonly #transforms = new TransformRules();
  /** Each cluster's template properties (spec §5), from its ManagedCluster and property ConfigMap. */
  readonly #properties = new ClusterPropertyIndex();
  /** Units whose object asks for expansion → the errors of its last expansion ([] when none). */
  readonly #expansionErrors = new Map<string, readonly string[]>();
  /** Actual ManifestWorks of this WDS: unit → cluster → work. */
  readonly #works = new Map<string, Map<string, KubeObject>>();
  readonly #bindings = new Map<string, BindingState>();
  readonly #units: WorkQueue;
  readonly #bindingQueue: WorkQueue;
  readonly #statusQueue: WorkQueue;
  readonly #transformQueue: WorkQueue;
  /** StatusCollectors and CombinedStatus: a collaborator with its own queue. */
  readonly #combined: CombinedStatuses;
  readonly #bindingTimers = new Map<string, NodeJS.Timeout>();
  #started = false;
  #starting: Promise<void> | undefined;

  constructor(wds: ServedSpace, its: ItsPort, options: WdsEngineOptions = {}) {
    this.#wds = wds;
    this.#wdsName = wds.name!;
    this.#its = its;
    this.#log = options.log ?? ((msg, err) => console.error(`[${this.#wdsName}] ${msg}`, err ?? ''));
    this.#metrics = options.metrics;
    this.#bindingDelayMs = options.bindingDelayMs ?? 50;
    // Conflicts, races and cluster namespaces the hub has not made yet resolve on retry.
    const onError = (key: string, err: unknown): void => {
      if (!isStatusError(err) || err.status.code >= 500) this.#log(`reconcile ${key.replace('\u0000', ' ')}`, err);
    };
    this.#units = new WorkQueue((k) => this.#reconcileUnit(k), { concurrency: 64, onError });
    this.#bindingQueue = new WorkQueue((k) => this.#reconcileBinding(k), { concurrency: 4, onError });
    this.#statusQueue = new WorkQueue((k) => this.#reconcileStatus(k), { concurrency: 16, onError });
    this.#transformQueue = new WorkQueue((k) => this.#reconcileTransformStatus(k), { concurrency: 2, onError });
    this.#combined = new CombinedStatuses(wds, {
      resolver: this.#resolver,
      works: (uid, cluster) => [...this.#resolver.policiesOf(uid)].map((p) => this.#works.get(unitKey(p, uid))?.get(cluster)),
      log: this.#log,
      policyProblemsChanged: (policy) => {
        if (this.#started) this.#scheduleBinding(policy);
      },
    });
  }

  /** Loads everything, reconciles all of it, then follows changes until stopped. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const signal = this.#abort.signal;
    const initial = new Affected();
    await this.#its.followClusters(
      {
        sync: (items) => {
          const out = new Affected();
          this.#resolver.syncClusters(new Map(items.map((c) => [c.metadata.name!, c.metadata.labels ?? {}])), out);
          this.#propertiesChanged(this.#properties.syncClusters(items));
          this.#enqueue(out);
        },
        event: (e) => {
          const out = new Affected();
          if (e.type === 'DELETED') this.#resolver.deleteCluster(e.object.metadata.name!, out);
          else this.#resolver.upsertCluster(e.object.metadata.name!, e.object.metadata.labels ?? {}, out);
          if (this.#properties.clusterEvent(e)) this.#propertiesChanged([e.object.metadata.name!]);
          this.#enqueue(out);
        },
      },
      signal,
    );
    await this.#its.followPropertyConfigMaps(
      {
        sync: (items) => this.#propertiesChanged(this.#properties.syncConfigMaps(items)),
        event: (e) => {
          if (this.#properties.configMapEvent(e)) this.#propertiesChanged([e.object.metadata.name!]);
        },
      },
      signal,
    );
    await this.#its.followWorks(
      this.#wdsName,
      {
        sync: (items) => {
          const before = [...this.#works.keys()];
          this.#works.clear();
          for (const w of items) this.#noteWork(w, false);
          for (const k of new Set([...before, ...this.#works.keys()])) this.#enqueueUnit(k);
        },
        event: (e) => {
          const key = this.#noteWork(e.object, e.type === 'DELETED');
          if (key !== undefined) this.#enqueueUnit(key);
        },
      },
      signal,
    );
    const revision = await this.#loadWds(initial);
    this.#started = true;
    this.#enqueue(initial);
    for (const p of this.#resolver.policies()) this.#bindingQueue.add(p.name);
    for (const k of this.#works.keys()) this.#units.add(k);
    for (const t of this.#transforms.names()) this.#transformQueue.add(t);
    this.#combined.start();
    void this.#followWds(revision);
  }

  stop(): void {
    this.#abort.abort();
    this.#units.stop();
    this.#bindingQueue.stop();
    this.#statusQueue.stop();
    this.#transformQueue.stop();
    this.#combined.stop();
    for (const t of this.#bindingTimers.values()) clearTimeout(t);
  }

  /** Resolves when no reconcile is waiting or running (tests and benchmarks). */
  async idle(): Promise<void> {
    // An engine still loading is not idle: its first reconciles have not even been queued.
    await this.#starting?.catch(() => undefined);
    for (let i = 0; i < 3; i++) {
      await Promise.all([this.#units.idle(), this.#bindingQueue.idle(), this.#statusQueue.idle(), this.#transformQueue.idle(), this.#combined.idle()]);
      if (this.#bindingTimers.size > 0) await new Promise((r) => setTimeout(r, this.#bindingDelayMs + 5));
    }
  }

  // ---- following the WDS ----

  async #loadWds(out: Affected): Promise<number> {
    const { items, revision } = await this.#wds.objects.listAll();
    const seen = new Set<string>();
    this.#bindings.clear();
    const policies = new Set<string>();
    const transforms = new Set<string>();
    this.#combined.beginSync();
    for (const item of items) {
      this.#apply(item, 'ADDED', out);
      const uid = item.metadata.uid;
      if (uid !== undefined) seen.add(uid);
      if (item.def.group === CONTROL_GROUP && item.def.plural === 'bindingpolicies') policies.add(item.metadata.name!);
      if (item.def.group === CONTROL_GROUP && item.def.plural === 'customtransforms') transforms.add(item.metadata.name!);
    }
    // After a relist: forget what disappeared while not watching.
    for (const p of [...this.#resolver.policies()]) if (!policies.has(p.name)) this.#resolver.deletePolicy(p.name, out);
    for (const t of [...this.#transforms.names()]) if (!transforms.has(t)) this.#noteTransform(t, undefined, out);
    this.#combined.endSync();
    return revision;
  }

  async #followWds(afterRevision: number): Promise<void> {
    let revision = afterRevision;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        for await (const events of this.#wds.objects.watchAll(revision, signal)) {
          const out = new Affected();
          for (const e of events) {
            revision = e.revision;
            this.#apply(e, e.type, out);
          }
          this.#enqueue(out);
        }
        if (signal.aborted) return;
      } catch (err) {
        if (signal.aborted) return;
        this.#log('watch of the WDS ended; relisting', err);
        try {
          const out = new Affected();
          revision = await this.#loadWds(out);
          this.#enqueue(out);
        } catch (listErr) {
          this.#log('relisting the WDS failed', listErr);
          await new Promise((r) => setTimeout(r, 1000).unref());
        }
      }
    }
  }

  #apply(item: SpaceObject | SpaceEvent, type: 'ADDED' | 'MODIFIED' | 'DELETED', out: Affected): void {
    const { def, metadata } = item;
    const name = metadata.name!;
    if (def.group === CONTROL_GROUP) {
      const object = item.object;
      if (def.plural === 'bindingpolicies') {
        if (type === 'DELETED') this.#resolver.deletePolicy(name, out);
        else
          this.#resolver.upsertPolicy(
            { name, uid: object.metadata.uid!, generation: object.metadata.generation ?? 1, spec: (object['spec'] ?? {}) as BindingPolicySpec },
            out,
          );
        // Status-only changes of the policy (our own writes) need nothing.
      } else if (def.plural === 'bindings') {
        this.#noteBinding(object, type === 'DELETED');
      } else if (def.plural === 'customtransforms') {
        this.#noteTransform(name, type === 'DELETED' ? undefined : object, out);
      } else if (def.plural === 'statuscollectors' || def.plural === 'combinedstatuses') {
        this.#combined.noteObject(def.plural, object, type === 'DELETED');
      }
      return;
    }
    if (!isWorkloadResource(def.group, def.plural, def.verbs)) return;
    if (type === 'DELETED') {
      this.#resolver.deleteObject(metadata.uid!, out);
      return;
    }
    // From the stored bytes when there are any: the object is then decoded only if a policy selects it.
    const w = item.stored ? storedWorkload(def, metadata, item.stored) : workloadOf(def, item.object);
    w.seenAt = now();
    this.#resolver.upsertObject(w, out);
  }

  /**
   * A CustomTransform changed (`object` undefined: deleted). Every unit whose object is of a
   * resource whose rules changed is re-reconciled, so its works follow without the object
   * changing; statuses that may differ now are rewritten.
   */
  #noteTransform(name: string, object: KubeObject | undefined, out: Affected): void {
    const change = object === undefined ? this.#transforms.delete(name) : this.#transforms.upsert(object);
    const t = now();
    for (const gr of change.resources) {
      for (const uid of this.#resolver.selectedOf(gr.group, gr.resource)) {
        const w = this.#resolver.object(uid);
        if (w !== undefined) w.seenAt = t; // packaging latency counts from the transform's change
        for (const p of this.#resolver.policiesOf(uid)) {
          out.units.add(unitKey(p, uid));
          out.policies.add(p); // its status names the transform's path errors
        }
      }
    }
    if (this.#started) for (const n of change.transforms) this.#transformQueue.add(n);
  }

  /**
   * The template properties of `clusters` changed: the units whose object is expanded per cluster
   * and goes to one of them are re-reconciled, so their works follow without the object changing.
   * Enqueued in a microtask: a reconcile starts synchronously, and the port must first finish
   * handling its event (a sharded port moves the works of a cluster that changed owner).
   */
  #propertiesChanged(clusters: readonly string[]): void {
    if (clusters.length === 0) return;
    const out = new Affected();
    queueMicrotask(() => this.#enqueue(out));
    const changed = new Set(clusters);
    const customized = new Map<string, boolean>();
    const t = now();
    for (const policy of this.#resolver.policies()) {
      if (!policy.destinations.some((c) => changed.has(c))) continue;
      for (const uid of this.#resolver.matchesOf(policy.name).keys()) {
        let yes = customized.get(uid);
        if (yes === undefined) {
          const w = this.#resolver.object(uid);
          // The annotation first: it is cheap, and most objects do not have it.
          customized.set(uid, (yes = w !== undefined && wantsExpansion(w.object) && needsCustomization(this.#wecObject(w))));
          if (yes && w !== undefined) w.seenAt = t; // packaging latency counts from the property change
        }
        if (yes) out.units.add(unitKey(policy.name, uid));
      }
    }
  }

  #noteBinding(object: KubeObject, deleted: boolean): void {
    const name = object.metadata.name!;
    const before = this.#bindings.get(name);
    if (deleted) {
      if (before !== undefined && rv(before.object) > rv(object)) return;
      this.#bindings.delete(name);
      this.#bindingQueue.add(name);
      return;
    }
    if (before !== undefined && rv(before.object) > rv(object)) return;
    const ownerUid = object.metadata.ownerReferences?.find((r) => r.kind === 'BindingPolicy')?.uid;
    this.#bindings.set(name, { object, ownerUid });
    if (this.#started && before?.object.metadata.uid !== object.metadata.uid) {
      // A new Binding UID renames every work of the policy.
      for (const uid of this.#resolver.matchesOf(name).keys()) this.#units.add(unitKey(name, uid));
      this.#combined.notePolicy(name); // a new Binding needs its StatusCollectorsAvailable condition
    }
  }

  /** Records a work in the actual index; answers its unit. */
  #noteWork(work: KubeObject, deleted: boolean): string | undefined {
    const binding = work.metadata.labels?.[BINDING_KEY_LABEL];
    const name = work.metadata.name!;
    const cluster = work.metadata.namespace!;
    if (binding === undefined) return undefined;
    // `<binding uid>-<wds>-<object uid>`; works named otherwise belong to no object and go.
    const suffix = `-${this.#wdsName}-`;
    const objectUid = name.length === 2 * UID_LENGTH + suffix.length && name.slice(UID_LENGTH, UID_LENGTH + suffix.length) === suffix ? name.slice(-UID_LENGTH) : '';
    const key = unitKey(binding, objectUid === '' ? `?${name}` : objectUid);
    let perCluster = this.#works.get(key);
    const existing = perCluster?.get(cluster);
    if (existing !== undefined && existing.metadata.name === name && rv(existing) > rv(work)) return key;
    if (!deleted) {
      if (perCluster === undefined) this.#works.set(key, (perCluster = new Map()));
      const statusChanged = JSON.stringify(existing?.['status']) !== JSON.stringify(work['status']);
      perCluster.set(cluster, work);
      if (statusChanged) {
        this.#maybeApplied(work);
        if (objectUid !== '') {
          if (!this.#statusSeenAt.has(objectUid)) this.#statusSeenAt.set(objectUid, now());
          this.#statusQueue.add(objectUid);
          this.#combined.noteReturned(objectUid);
        }
      }
    } else {
      this.#inFlight.delete(`${cluster}/${name}`);
      if (existing?.metadata.name === name) perCluster!.delete(cluster);
      if (perCluster?.size === 0) this.#works.delete(key);
    }
    if (deleted && objectUid !== '') {
      this.#statusQueue.add(objectUid);
      this.#combined.noteReturned(objectUid);
    }
    return key;
  }

  #enqueue(out: Affected): void {
    if (!this.#started) return;
    this.#metrics?.workloadCount.set({ space: this.#wdsName }, this.#resolver.selectedCount);
    for (const u of out.units) this.#units.add(u);
    for (const p of out.policies) this.#scheduleBinding(p);
    for (const s of out.statuses) this.#statusQueue.add(s);
    for (const u of out.units) this.#combined.noteUnit(u);
    for (const p of out.policies) this.#combined.notePolicy(p);
  }

  #enqueueUnit(key: string): void {
    if (this.#started) this.#units.add(key);
  }

  #scheduleBinding(policy: string): void {
    if (this.#bindingTimers.has(policy)) return;
    // The first Binding of a policy is written at once: its UID names the works.
    const delay = this.#bindings.has(policy) ? this.#bindingDelayMs : 0;
    this.#bindingTimers.set(
      policy,
      setTimeout(() => {
        this.#bindingTimers.delete(policy);
        this.#bindingQueue.add(policy);
      }, delay).unref(),
    );
  }

  // ---- units: ManifestWorks ----

  async #reconcileUnit(key: string): Promise<void> {
    const { policy: policyName, uid } = splitUnitKey(key);
    const desired = this.#desiredWorks(policyName, uid);
    if (desired === undefined) return; // waits for the Binding; its creation requeues the unit
    const actual = this.#works.get(key) ?? new Map<string, KubeObject>();
    const writes: Promise<void>[] = [];
    for (const [cluster, want] of desired) {
      const have = actual.get(cluster);
      if (have?.metadata.deletionTimestamp !== undefined) continue; // recreated once it is gone
      if (have !== undefined && have.metadata.name === want.metadata.name) {
        if (!manifestWorkContentEqual(have, want)) writes.push(this.#updateWork(key, have, want));
        continue;
      }
      writes.push(this.#createWork(key, want));
      if (have !== undefined) writes.push(this.#deleteWork(key, have));
    }
    for (const [cluster, have] of actual) {
      if (!desired.has(cluster) && have.metadata.deletionTimestamp === undefined) writes.push(this.#deleteWork(key, have));
    }
    const results = await Promise.allSettled(writes);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** cluster → work, or undefined while the policy's Binding does not exist yet. */
  #desiredWorks(policyName: string, uid: string): Map<string, KubeObject> | undefined {
    const out = new Map<string, KubeObject>();
    const policy = this.#resolver.policy(policyName);
    const mod = this.#resolver.modulation(policyName, uid);
    const w = this.#resolver.object(uid);
    if (policy === undefined || mod === undefined || w === undefined || policy.destinations.length === 0) {
      // Nothing is sent, so nothing fails to expand.
      this.#noteExpansionErrors(policyName, uid, mod !== undefined && w !== undefined && wantsExpansion(w.object) ? [] : undefined);
      return out;
    }
    const binding = this.#bindings.get(policyName);
    if (binding === undefined || binding.ownerUid !== policy.uid) {
      this.#scheduleBinding(policyName);
      return undefined;
    }
    const cleaned = this.#wecObject(w);
    const name = manifestWorkName(binding.object.metadata.uid!, this.#wdsName, uid);
    // Per-cluster copies only when the object asks for expansion and holds templates (spec §5).
    const expansion = needsCustomization(cleaned)
      ? expandForClusters(cleaned, new Map(policy.destinations.map((c) => [c, this.#properties.of(c)])), { objectRef: describe(w) })
      : undefined;
    this.#noteExpansionErrors(policyName, uid, wantsExpansion(w.object) ? (expansion?.errors ?? []) : undefined);
    const actual = this.#works.get(unitKey(policyName, uid));
    for (const cluster of policy.destinations) {
      const expanded = expansion?.byCluster.get(cluster);
      if (expanded !== undefined && expanded.errors.length > 0) {
        // Documented intent, not upstream's code (spec §10.1): the cluster keeps what it was sent
        // before, untouched, and gets nothing new; the errors go to the Binding's status.
        const have = actual?.get(cluster);
        if (have !== undefined) out.set(cluster, have);
        continue;
      }
      out.set(
        cluster,
        wrapManifestWork({
          bindingName: policyName,
          bindingGeneration: binding.object.metadata.generation ?? 1,
          wdsName: this.#wdsName,
          cluster,
          name,
          object: expanded?.object ?? cleaned,
          createOnly: mod.createOnly === true,
          group: w.facts.group,
          resource: w.facts.resource,
        }),
      );
    }
    return out;
  }

  /** The object as every WEC gets it before expansion: cleaned (§3.3), then the CustomTransforms' removals. */
  #wecObject(w: WorkloadObject): KubeObject {
    const cleaned = cleanObject(w.object);
    applyRemovals(cleaned, this.#transforms.rulesFor(w.facts.group, w.facts.resource));
    return cleaned;
  }

  /**
   * Records a unit's template errors (undefined: its object does not ask for expansion). A change,
   * and the first record since the start, rewrites the Binding's status (see #bindingErrors).
   */
  #noteExpansionErrors(policy: string, uid: string, errors: readonly string[] | undefined): void {
    const key = unitKey(policy, uid);
    const before = this.#expansionErrors.get(key);
    if (errors === undefined) this.#expansionErrors.delete(key);
    else this.#expansionErrors.set(key, errors);
    const changed = before === undefined ? errors !== undefined : (errors ?? []).join('\n') !== before.join('\n');
    if (changed) this.#scheduleBinding(policy);
  }

  async #createWork(key: string, want: KubeObject): Promise<void> {
    const created = await this.#its.createWork(want);
    this.#noteWork(created, false);
    this.#written(key, created);
  }

  async #updateWork(key: string, have: KubeObject, want: KubeObject): Promise<void> {
    const next: KubeObject = {
      ...want,
      metadata: {
        ...have.metadata,
        labels: { ...have.metadata.labels, ...want.metadata.labels },
        annotations: { ...have.metadata.annotations, ...want.metadata.annotations },
      },
    };
    if (have['status'] !== undefined) next['status'] = have['status'];
    const updated = await this.#its.updateWork(next);
    this.#noteWork(updated, false);
    this.#written(key, updated);
  }

  async #deleteWork(key: string, have: KubeObject): Promise<void> {
    void key;
    await this.#its.deleteWork(have.metadata.namespace!, have.metadata.name!);
  }

  /** Packaging latency now; delivery and end-to-end once the agent reports the work applied. */
  #written(key: string, work: KubeObject): void {
    if (this.#metrics === undefined) return;
    const { policy, uid } = splitUnitKey(key);
    const seenAt = this.#resolver.object(uid)?.seenAt;
    if (seenAt === undefined) return;
    const manifest = ((work['spec'] as { workload?: { manifests?: KubeObject[] } }).workload?.manifests ?? [])[0];
    const labels = {
      space: this.#wdsName,
      cluster: work.metadata.namespace!,
      kind: manifest?.kind ?? '',
      apiVersion: manifest?.apiVersion ?? '',
      bindingpolicy: policy,
    };
    const t = now();
    this.#metrics.packaging.observe(labels, (t - seenAt) / 1000);
    this.#inFlight.set(`${work.metadata.namespace}/${work.metadata.name}`, { writtenAt: t, seenAt, labels });
  }

  #maybeApplied(work: KubeObject): void {
    const key = `${work.metadata.namespace}/${work.metadata.name}`;
    const flight = this.#inFlight.get(key);
    if (flight === undefined || this.#metrics === undefined) return;
    const conditions = (work['status'] as { conditions?: { type: string; status: string; observedGeneration?: number }[] } | undefined)?.conditions ?? [];
    const applied = conditions.find((c) => c.type === 'Applied');
    if (applied?.status !== 'True' || (applied.observedGeneration !== undefined && applied.observedGeneration < (work.metadata.generation ?? 0))) return;
    this.#inFlight.delete(key);
    const t = now();
    this.#metrics.delivery.observe(flight.labels, (t - flight.writtenAt) / 1000);
    this.#metrics.downsync.observe(flight.labels, (t - flight.seenAt) / 1000);
  }

  // ---- policies: Bindings and policy status ----

  async #reconcileBinding(name: string): Promise<void> {
    const policy = this.#resolver.policy(name);
    if (policy === undefined) return; // the garbage collector removes the Binding with its policy
    const store = this.#controlStore('bindings');
    const objects = [...this.#resolver.matchesOf(name)].flatMap(([uid, modulation]) => {
      const w = this.#resolver.object(uid);
      return w === undefined ? [] : [{ facts: w.facts, modulation }];
    });
    const spec = bindingSpecOf({ objects, destinations: policy.destinations });
    const owner: OwnerReference = { apiVersion: CONTROL_API_VERSION, kind: 'BindingPolicy', name, uid: policy.uid, controller: true, blockOwnerDeletion: false };
    const existing = this.#bindings.get(name);
    if (existing === undefined) {
      const created = await store.create('', { apiVersion: CONTROL_API_VERSION, kind: 'Binding', metadata: { name, ownerReferences: [owner] }, spec }, { manager: BINDING_MANAGER });
      this.#noteBinding(created, false);
      for (const uid of this.#resolver.matchesOf(name).keys()) this.#units.add(unitKey(name, uid));
    } else if (existing.ownerUid !== policy.uid || !bindingSpecEqual(existing.object['spec'] as never, spec)) {
      const updated = await store.update('', name, { ...existing.object, metadata: { ...existing.object.metadata, ownerReferences: [owner] }, spec }, { manager: BINDING_MANAGER });
      this.#noteBinding(updated, false);
      if (existing.ownerUid !== policy.uid) for (const uid of this.#resolver.matchesOf(name).keys()) this.#units.add(unitKey(name, uid));
    }
    await this.#writeBindingStatus(name);
    await this.#writePolicyStatus(name);
  }

  /**
   * The template errors of the policy's objects (spec §5), ordered by object; undefined while an
   * object asking for expansion has not been expanded since the start, so that a restart does
   * not briefly clear errors that are still there.
   */
  #bindingErrors(policy: string): string[] | undefined {
    const blocks: [string, readonly string[]][] = [];
    for (const uid of this.#resolver.matchesOf(policy).keys()) {
      const w = this.#resolver.object(uid);
      if (w === undefined || !wantsExpansion(w.object)) continue;
      const errors = this.#expansionErrors.get(unitKey(policy, uid));
      if (errors === undefined) return undefined;
      if (errors.length > 0) blocks.push([describe(w), errors]);
    }
    return blocks.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).flatMap(([, errors]) => errors);
  }

  /** Binding.status.errors, through the status subresource, only when they change. */
  async #writeBindingStatus(name: string): Promise<void> {
    const errors = this.#bindingErrors(name);
    const binding = this.#bindings.get(name);
    if (errors === undefined || binding === undefined) return;
    if (jsonEqual((binding.object['status'] as { errors?: string[] } | undefined)?.errors ?? [], errors)) return;
    try {
      const updated = await this.#controlStore('bindings').guaranteedUpdate(
        '',
        name,
        (cur) => {
          if (cur.metadata.uid !== binding.object.metadata.uid) return cur;
          // observedGeneration is required; it says which spec the errors were found for.
          const status: { observedGeneration?: number; errors?: string[] } = { ...(cur['status'] as object | undefined), observedGeneration: cur.metadata.generation ?? 1 };
          if (errors.length > 0) status.errors = errors;
          else delete status.errors;
          return jsonEqual(status, cur['status']) ? cur : { ...cur, status };
        },
        { subresource: 'status', manager: TRANSPORT_MANAGER },
      );
      this.#noteBinding(updated, false);
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }

  async #writePolicyStatus(name: string): Promise<void> {
    const policy = this.#resolver.policy(name);
    if (policy === undefined) return;
    // spec §2.6 step 5: the singleton problems, then the Binding's own errors (template expansion),
    // then the path errors of CustomTransforms that apply to the policy's objects, then the
    // StatusCollectors its objects name that are missing or invalid.
    const bindingStatus = this.#bindings.get(name)?.object['status'] as { errors?: string[] } | undefined;
    const errors = [...this.#singletonProblems(name), ...(bindingStatus?.errors ?? []), ...this.#transformProblems(name), ...this.#combined.problemsFor(name)];
    const store = this.#controlStore('bindingpolicies');
    try {
      await store.guaranteedUpdate(
        '',
        name,
        (cur) => {
          if (cur.metadata.uid !== policy.uid) return cur;
          const status = (cur['status'] ?? {}) as { observedGeneration?: number; conditions?: unknown[]; errors?: string[] };
          const next = { ...status, observedGeneration: cur.metadata.generation ?? 1, conditions: status.conditions ?? [], ...(errors.length > 0 ? { errors } : {}) };
          if (errors.length === 0) delete (next as { errors?: unknown }).errors;
          if (JSON.stringify(next) === JSON.stringify(cur['status'])) return cur;
          return { ...cur, status: next };
        },
        { subresource: 'status', manager: BINDING_MANAGER },
      );
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }

  #transformProblems(policyName: string): string[] {
    const resources = new Map<string, { group: string; resource: string }>();
    for (const uid of this.#resolver.matchesOf(policyName).keys()) {
      const f = this.#resolver.object(uid)?.facts;
      if (f !== undefined) resources.set(`${f.group}/${f.resource}`, { group: f.group, resource: f.resource });
    }
    return [...resources.keys()].sort().flatMap((k) => this.#transforms.problemsFor(resources.get(k)!.group, resources.get(k)!.resource));
  }

  /** spec §2.6 step 4: objects asking for singleton status whose qualified WEC count is not 1. */
  #singletonProblems(policyName: string): string[] {
    const examples: { ObjectID: string; NumWECs: number }[] = [];
    let count = 0;
    for (const [uid, mod] of this.#resolver.matchesOf(policyName)) {
      if (mod.wantSingletonReportedState !== true) continue;
      const { singleton } = this.#qualifiedWecs(uid);
      if (singleton.size === 1) continue;
      count++;
      const w = this.#resolver.object(uid);
      if (w !== undefined && examples.length < 4) examples.push({ ObjectID: describe(w), NumWECs: singleton.size });
    }
    if (count === 0) return [];
    return [`Singleton reported status return is requested but some objects have the wrong number of associated WECs, for example: ${JSON.stringify(examples)}`];
  }

  #qualifiedWecs(uid: string): { singleton: Set<string>; multi: Set<string>; wantSingleton: boolean; wantMulti: boolean } {
    const singleton = new Set<string>();
    const multi = new Set<string>();
    let wantSingleton = false;
    let wantMulti = false;
    for (const p of this.#resolver.policiesOf(uid)) {
      const mod = this.#resolver.modulation(p, uid);
      const policy = this.#resolver.policy(p);
      if (mod === undefined || policy === undefined) continue;
      if (mod.wantSingletonReportedState === true) {
        wantSingleton = true;
        for (const c of policy.destinations) singleton.add(c);
      }
      if (mod.wantMultiWECReportedState === true) {
        wantMulti = true;
        for (const c of policy.destinations) multi.add(c);
      }
    }
    return { singleton, multi, wantSingleton, wantMulti };
  }

  // ---- CustomTransform status ----

  /** Writes observedGeneration, errors and warnings through the status subresource, only when they differ. */
  async #reconcileTransformStatus(name: string): Promise<void> {
    const want = this.#transforms.desiredStatus(name);
    if (want === undefined || jsonEqual(want.current, want.status)) return;
    await writeObservedStatus(this.#controlStore('customtransforms'), name, want, TRANSPORT_MANAGER);
  }

  // ---- objects: returned status ----

  async #reconcileStatus(uid: string): Promise<void> {
    const w = this.#resolver.object(uid);
    const seen = this.#statusSeenAt.get(uid);
    this.#statusSeenAt.delete(uid);
    if (w === undefined) return;
    const q = this.#qualifiedWecs(uid);
    const statuses = new Map<string, unknown>();
    for (const cluster of new Set([...q.singleton, ...q.multi])) {
      const returned = this.#returnedStatus(uid, cluster);
      if (returned !== undefined) statuses.set(cluster, returned);
    }
    const labels = w.object.metadata.labels ?? {};
    const decision = decideStatus({
      group: w.facts.group,
      resource: w.facts.resource,
      kind: w.object.kind,
      wantSingleton: q.wantSingleton,
      wantMulti: q.wantMulti,
      singletonWecs: q.singleton,
      multiWecs: q.multi,
      statuses,
      hasSingletonLabel: labels[SINGLETON_STATUS_LABEL] !== undefined,
      hasMultiLabel: labels[MULTIWEC_STATUS_LABEL] !== undefined,
    });
    if (decision.action === 'none') return;
    const store = this.#wds.store(this.#defOf(w));
    const ns = w.facts.namespace;
    const name = w.facts.name;
    const wantLabel = decision.action === 'copy' ? SINGLETON_STATUS_LABEL : decision.action === 'aggregate' ? MULTIWEC_STATUS_LABEL : undefined;
    const status = decision.action === 'clear' ? {} : decision.status;
    try {
      // The label goes on before the status, and the one that no longer applies comes off after.
      if (wantLabel !== undefined && labels[wantLabel] !== 'true') await this.#setLabels(store, w, { [wantLabel]: 'true' });
      if (JSON.stringify(w.object['status'] ?? {}) !== JSON.stringify(status)) {
        await store.guaranteedUpdate(
          ns,
          name,
          (cur) => (cur.metadata.uid !== uid ? cur : { ...cur, status }),
          w.hasStatus ? { subresource: 'status', manager: STATUS_MANAGER } : { manager: STATUS_MANAGER },
        );
      }
      if (seen !== undefined && decision.action !== 'clear') {
        this.#metrics?.statusFinalization.observe(
          { space: this.#wdsName, cluster: '', kind: w.object.kind, apiVersion: w.object.apiVersion, bindingpolicy: '' },
          (now() - seen) / 1000,
        );
      }
      const stale = [SINGLETON_STATUS_LABEL, MULTIWEC_STATUS_LABEL].filter((l) => l !== wantLabel && labels[l] !== undefined);
      if (stale.length > 0) await this.#setLabels(store, w, Object.fromEntries(stale.map((l) => [l, null])));
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }

  async #setLabels(store: GenericStore, w: WorkloadObject, change: Record<string, string | null>): Promise<void> {
    await store.guaranteedUpdate(
      w.facts.namespace,
      w.facts.name,
      (cur) => {
        if (cur.metadata.uid !== w.facts.uid) return cur;
        const labels = { ...cur.metadata.labels };
        for (const [k, v] of Object.entries(change)) {
          if (v === null) delete labels[k];
          else labels[k] = v;
        }
        return { ...cur, metadata: { ...cur.metadata, labels } };
      },
      { manager: STATUS_MANAGER },
    );
  }

  /** The object's status as the agent in `cluster` returned it; undefined when it has not reported it. */
  #returnedStatus(uid: string, cluster: string): unknown {
    for (const p of this.#resolver.policiesOf(uid)) {
      const work = this.#works.get(unitKey(p, uid))?.get(cluster);
      const manifests = (work?.['status'] as { resourceStatus?: { manifests?: { statusFeedback?: { values?: { name: string; fieldValue?: { jsonRaw?: string } }[] } }[] } } | undefined)
        ?.resourceStatus?.manifests;
      const raw = manifests?.[0]?.statusFeedback?.values?.find((v) => v.name === STATUS_FEEDBACK_NAME)?.fieldValue?.jsonRaw;
      if (raw === undefined) continue;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        continue;
      }
    }
    return undefined;
  }

  #defOf(w: WorkloadObject): ResourceDefinition {
    const def = this.#wds.catalog.all().find((d) => d.group === w.facts.group && d.plural === w.facts.resource);
    if (def === undefined) throw new Error(`${w.facts.resource}.${w.facts.group} is no longer served`);
    return def;
  }

  #controlStore(plural: string): GenericStore {
    const def = this.#wds.catalog.all().find((d) => d.group === CONTROL_GROUP && d.plural === plural);
    if (def === undefined) throw new Error(`the WDS does not serve ${plural}.${CONTROL_GROUP}`);
    return this.#wds.store(def);
  }
}

function describe(w: WorkloadObject): string {
  const f = w.facts;
  const gv = f.group === '' ? f.version : `${f.group}/${f.version}`;
  return f.namespace === '' ? `${gv}/${f.resource}(${f.name})` : `${gv}/${f.resource}(${f.namespace}/${f.name})`;
}

export function workloadOf(def: ResourceDefinition, object: KubeObject): WorkloadObject {
  return { facts: factsOf(def, object.metadata), object, hasStatus: def.subresources.status === true, upsynced: isUpsynced(object.metadata) };
}

const isUpsynced = (metadata: ObjectMeta): boolean => metadata.annotations?.[UPSYNCED_FROM_ANNOTATION] !== undefined;

/** A workload object known by its metadata and stored bytes, decoded only while a policy selects it. */
export function storedWorkload(def: ResourceDefinition, metadata: ObjectMeta, stored: NonNullable<SpaceObject['stored']>): WorkloadObject {
  return new StoredWorkload(factsOf(def, metadata), isUpsynced(metadata), def.subresources.status === true, stored);
}

/** Shared by every unlabelled object the engine holds. */
const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function factsOf(def: ResourceDefinition, metadata: ObjectMeta): ObjectFacts {
  return {
    group: def.group,
    version: def.version,
    resource: def.plural,
    namespace: metadata.namespace ?? '',
    name: metadata.name!,
    labels: metadata.labels ?? NO_LABELS,
    uid: metadata.uid!,
    resourceVersion: metadata.resourceVersion ?? '',
  };
}

/**
 * A workload object that keeps its decoded form only while a policy selects it. The engine holds
 * every workload object of the space; most are selected by nothing, and their decoded forms
 * (dozens of heap objects each) made every full GC trace the whole space. Their stored bytes
 * stay, outside the heap, and are decoded when a policy comes to select them.
 */
class StoredWorkload implements WorkloadObject {
  readonly facts: ObjectFacts;
  readonly upsynced: boolean;
  readonly hasStatus: boolean;
  seenAt: number | undefined = undefined;
  // The stored bytes and revision as fields of their own rather than the event's pair: one heap object less per object.
  readonly #value: Uint8Array;
  readonly #revision: number;
  #object: KubeObject | undefined;
  #keep = false;

  constructor(facts: ObjectFacts, upsynced: boolean, hasStatus: boolean, stored: NonNullable<SpaceObject['stored']>) {
    this.facts = facts;
    this.upsynced = upsynced;
    this.hasStatus = hasStatus;
    this.#value = stored.value;
    this.#revision = stored.revision;
  }

  get object(): KubeObject {
    if (this.#object !== undefined) return this.#object;
    const object = decodeReadOnly(this.#value, this.#revision);
    if (this.#keep) this.#object = object;
    return object;
  }

  selected(yes: boolean): void {
    this.#keep = yes;
    if (!yes) this.#object = undefined;
  }
}
