/**
 * Upsync for one WDS (docs/upsync.md), next to its downsync engine and over the same ITS:
 *   - from the BindingPolicies' upsync clauses and the inventory, one ManifestWork
 *     `upsync-<wds>` per asked cluster, carrying the union of that cluster's clauses;
 *   - from what the agents report in those works, the WDS copies: created, updated and deleted
 *     so the WDS holds, for every reported object, the copy of the first reporting cluster by
 *     name, and never touches an object upsync did not create;
 *   - on each policy, conditions UpsyncConflict and UpsyncSynced summarising conflicts and
 *     failed writes. `status.errors` stays the engine's; both write through guaranteedUpdate,
 *     each keeping what the other owns.
 * Decisions are decide.ts's; this file only feeds them and carries out their answers.
 */
import { isStatusError } from '../../api/errors.js';
import type { Labels } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { jsonEqual } from '../../api/patch/json-value.js';
import { runInformer } from '../../controllers/informer.js';
import { namespaces as namespaceDef } from '../../registry/builtin/core.js';
import { toServedVersion, toStoredVersion } from '../../registry/conversion.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { SpaceEvent } from '../../registry/space-stream.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { BindingPolicySpec } from '../binding/match.js';
import type { ItsPort } from '../engine/its-port.js';
import { WorkQueue } from '../engine/work-queue.js';
import {
  CONTROL_API_VERSION,
  CONTROL_GROUP,
  UPSYNC_CONFLICT_CONDITION,
  UPSYNC_SYNCED_CONDITION,
  UPSYNCED_FROM_ANNOTATION,
} from '../well-known.js';
import {
  chooseOwners,
  copyOf,
  decideObject,
  desiredUpsyncWork,
  describeId,
  idKey,
  isUpsyncWork,
  policiesConcerned,
  readReport,
  summarize,
  updatedUpsyncWork,
  upsyncable,
  upsyncRequests,
  upsyncWorkName,
  wantedEqual,
  withConditions,
  type ClusterReport,
  type ClusterRequest,
  type ObjectId,
  type PolicyCondition,
  type Problem,
  type WantedObject,
} from './decide.js';

const MANAGER = { name: 'upsync-controller', apiVersion: CONTROL_API_VERSION };
const OUR_CONDITIONS = [UPSYNC_CONFLICT_CONDITION, UPSYNC_SYNCED_CONDITION];

export interface UpsyncControllerOptions {
  readonly log?: (msg: string, err?: unknown) => void;
  /** Coalescing delay before recomputing what is wanted after a change (default 20 ms). */
  readonly delayMs?: number;
}

interface PolicyState {
  object: KubeObject;
  readonly uid: string;
  readonly generation: number;
  readonly spec: BindingPolicySpec;
}

const rv = (o: KubeObject): number => Number(o.metadata.resourceVersion ?? 0);
const nowTime = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function parseKey(key: string): ObjectId {
  const [group = '', resource = '', namespace = '', ...rest] = key.split('/');
  return { group, resource, namespace, name: rest.join('/') };
}

export class UpsyncController {
  readonly #wds: ServedSpace;
  readonly #wdsName: string;
  readonly #workName: string;
  readonly #its: ItsPort;
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #delayMs: number;
  readonly #abort = new AbortController();
  readonly #policies = new Map<string, PolicyState>();
  readonly #clusters = new Map<string, Labels>();
  /** cluster → this WDS's upsync work there. */
  readonly #works = new Map<string, KubeObject>();
  readonly #reportCache = new Map<string, { rv: number; report: ClusterReport }>();
  #requests = new Map<string, ClusterRequest>();
  #wanted = new Map<string, WantedObject>();
  /** Asked clusters whose report is not complete: what they own is kept. */
  #partial = new Set<string>();
  /** WDS objects carrying the upsynced-from annotation: key → cluster. */
  readonly #copies = new Map<string, string>();
  readonly #conflicts = new Map<string, Problem>();
  readonly #errors = new Map<string, Problem>();
  /**
   * Per copy, what we last wrote and the resourceVersion it got: when the WDS object is still at
   * that version and the report unchanged, it is ours even if WDS defaulting made it differ, so
   * such a difference never turns into a write loop.
   */
  readonly #written = new Map<string, { rv: string; cluster: string; content: string }>();
  readonly #workQueue: WorkQueue;
  readonly #objectQueue: WorkQueue;
  readonly #policyQueue: WorkQueue;
  #recomputeTimer: NodeJS.Timeout | undefined;
  #policyTimer: NodeJS.Timeout | undefined;
  /** The watch of the whole WDS, running only while upsync is in use (asked, or copies exist). */
  #wdsFollow: AbortController | undefined;
  #started = false;

  constructor(wds: ServedSpace, its: ItsPort, options: UpsyncControllerOptions = {}) {
    this.#wds = wds;
    this.#wdsName = wds.name!;
    this.#workName = upsyncWorkName(this.#wdsName);
    this.#its = its;
    this.#log = options.log ?? ((msg, err) => console.error(`[${this.#wdsName} upsync] ${msg}`, err ?? ''));
    this.#delayMs = options.delayMs ?? 20;
    const onError = (key: string, err: unknown): void => {
      if (!isStatusError(err) || err.status.code >= 500) this.#log(`reconcile ${key}`, err);
    };
    this.#workQueue = new WorkQueue((c) => this.#reconcileWork(c), { concurrency: 8, onError });
    this.#objectQueue = new WorkQueue((k) => this.#reconcileObject(k), { concurrency: 16, onError });
    this.#policyQueue = new WorkQueue((p) => this.#reconcilePolicy(p), { concurrency: 2, onError });
  }

  async start(): Promise<void> {
    const signal = this.#abort.signal;
    await this.#its.followClusters(
      {
        sync: (items) => {
          this.#clusters.clear();
          for (const c of items) this.#clusters.set(c.metadata.name!, c.metadata.labels ?? {});
          this.#changed();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#clusters.delete(e.object.metadata.name!);
          else this.#clusters.set(e.object.metadata.name!, e.object.metadata.labels ?? {});
          this.#changed();
        },
      },
      signal,
    );
    await this.#its.followWorks(
      this.#wdsName,
      {
        sync: (items) => {
          this.#works.clear();
          for (const w of items) this.#noteWork(w, false);
          this.#changed();
        },
        // The downsync works of this WDS come here too, and change often: only ours count.
        event: (e) => {
          if (this.#noteWork(e.object, e.type === 'DELETED')) this.#changed();
        },
      },
      signal,
    );
    const policies = this.#wds.catalog.byResource(CONTROL_GROUP, 'bindingpolicies');
    if (policies === undefined) throw new Error(`${this.#wdsName} does not serve bindingpolicies`);
    await runInformer(
      this.#wds.store(policies),
      '',
      {
        sync: (items) => {
          const names = new Set(items.map((p) => p.metadata.name!));
          for (const n of [...this.#policies.keys()]) if (!names.has(n)) this.#policies.delete(n);
          for (const p of items) this.#notePolicy(p);
          this.#changed();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#policies.delete(e.object.metadata.name!);
          else if (!this.#notePolicy(e.object)) return;
          this.#changed();
        },
      },
      signal,
      this.#log,
    );
    // Copies left by an earlier run are found even when nothing asks for upsync any more.
    const revision = await this.#loadWds();
    this.#started = true;
    this.#recompute();
    this.#ensureWdsFollow(revision);
  }

  stop(): void {
    this.#abort.abort();
    this.#wdsFollow?.abort();
    this.#workQueue.stop();
    this.#objectQueue.stop();
    this.#policyQueue.stop();
    if (this.#recomputeTimer !== undefined) clearTimeout(this.#recomputeTimer);
    if (this.#policyTimer !== undefined) clearTimeout(this.#policyTimer);
  }

  /** Records this WDS's upsync work of a cluster (other works are the engine's); whether it was one. */
  #noteWork(work: KubeObject, deleted: boolean): boolean {
    if (!isUpsyncWork(work) || work.metadata.name !== this.#workName) return false;
    const cluster = work.metadata.namespace!;
    const have = this.#works.get(cluster);
    if (have !== undefined && rv(have) > rv(work)) return false;
    if (deleted) this.#works.delete(cluster);
    else this.#works.set(cluster, work);
    return true;
  }

  /** Whether the policy's spec (what upsync acts on) changed; its status is kept for comparisons either way. */
  #notePolicy(object: KubeObject): boolean {
    const name = object.metadata.name!;
    const old = this.#policies.get(name);
    const uid = object.metadata.uid!;
    const generation = object.metadata.generation ?? 1;
    if (old !== undefined && old.uid === uid && old.generation === generation) {
      old.object = object;
      return false;
    }
    this.#policies.set(name, { object, uid, generation, spec: (object['spec'] ?? {}) as BindingPolicySpec });
    return true;
  }

  #changed(): void {
    if (!this.#started || this.#recomputeTimer !== undefined) return;
    this.#recomputeTimer = setTimeout(() => {
      this.#recomputeTimer = undefined;
      this.#recompute();
    }, this.#delayMs).unref();
  }

  // ---- what is wanted ----

  #report(cluster: string): ClusterReport {
    const work = this.#works.get(cluster);
    if (work === undefined) return { objects: [], complete: false };
    const cached = this.#reportCache.get(cluster);
    if (cached !== undefined && cached.rv === rv(work)) return cached.report;
    const report = readReport(work);
    this.#reportCache.set(cluster, { rv: rv(work), report });
    return report;
  }

  #recompute(): void {
    if (this.#abort.signal.aborted) return;
    const requests = upsyncRequests(
      [...this.#policies].map(([name, p]) => ({ name, spec: p.spec })),
      [...this.#clusters].map(([name, labels]) => ({ name, labels })),
    );
    const reports = new Map<string, ClusterReport>();
    const partial = new Set<string>();
    for (const cluster of requests.keys()) {
      const r = this.#report(cluster);
      reports.set(cluster, r);
      if (!r.complete) partial.add(cluster);
    }
    for (const c of [...this.#reportCache.keys()]) if (!this.#works.has(c)) this.#reportCache.delete(c);
    const wanted = chooseOwners(reports, requests);
    const partialChanged = partial.size !== this.#partial.size || [...partial].some((c) => !this.#partial.has(c));
    const changedKeys = new Set<string>();
    for (const k of new Set([...this.#wanted.keys(), ...wanted.keys()])) if (!wantedEqual(this.#wanted.get(k), wanted.get(k))) changedKeys.add(k);
    // Copies whose fate hangs on a cluster's completeness or request: re-decide them all.
    if (partialChanged || !sameRequests(this.#requests, requests)) for (const k of this.#copies.keys()) changedKeys.add(k);
    this.#requests = requests;
    this.#wanted = wanted;
    this.#partial = partial;
    for (const c of new Set([...requests.keys(), ...this.#works.keys()])) this.#workQueue.add(c);
    for (const k of changedKeys) this.#objectQueue.add(k);
    this.#schedulePolicies();
    this.#ensureWdsFollow();
  }

  // ---- the WDS ----

  async #loadWds(): Promise<number> {
    const { items, revision } = await this.#wds.objects.listAll();
    const before = new Map(this.#copies);
    this.#copies.clear();
    for (const { def, metadata } of items) {
      const from = metadata.annotations?.[UPSYNCED_FROM_ANNOTATION];
      if (from !== undefined) this.#copies.set(keyOf(def, { metadata }), from);
    }
    if (this.#started) {
      for (const k of new Set([...before.keys(), ...this.#copies.keys()])) if (before.get(k) !== this.#copies.get(k)) this.#objectQueue.add(k);
      for (const k of this.#wanted.keys()) this.#objectQueue.add(k);
    }
    return revision;
  }

  /** Runs the WDS watch while upsync is in use, so a WDS that never uses it pays nothing. */
  #ensureWdsFollow(fromRevision?: number): void {
    const needed = this.#requests.size > 0 || this.#copies.size > 0;
    if (!needed) {
      this.#wdsFollow?.abort();
      this.#wdsFollow = undefined;
      return;
    }
    if (this.#wdsFollow !== undefined || this.#abort.signal.aborted) return;
    const ac = new AbortController();
    this.#wdsFollow = ac;
    void this.#followWds(ac.signal, fromRevision);
  }

  async #followWds(signal: AbortSignal, fromRevision: number | undefined): Promise<void> {
    let revision = fromRevision;
    while (!signal.aborted && !this.#abort.signal.aborted) {
      try {
        // Started later than the initial list: what changed meanwhile is found by listing again.
        revision ??= await this.#loadWds();
        for await (const events of this.#wds.objects.watchAll(revision, signal)) {
          for (const e of events) {
            revision = e.revision;
            this.#noteWdsEvent(e);
          }
        }
        if (signal.aborted) return;
      } catch (err) {
        if (signal.aborted || this.#abort.signal.aborted) return;
        this.#log('watch of the WDS ended; relisting', err);
        revision = undefined;
        await new Promise((r) => setTimeout(r, 200).unref());
      }
    }
  }

  #noteWdsEvent(e: SpaceEvent): void {
    const { def, metadata } = e;
    if (def.group === CONTROL_GROUP) return;
    const key = keyOf(def, { metadata });
    const had = this.#copies.get(key);
    const from = e.type === 'DELETED' ? undefined : metadata.annotations?.[UPSYNCED_FROM_ANNOTATION];
    if (from !== undefined) this.#copies.set(key, from);
    else this.#copies.delete(key);
    if (had !== undefined || from !== undefined || this.#wanted.has(key)) this.#objectQueue.add(key);
    // A namespace that arrives unblocks the copies waiting for it.
    if (def.group === '' && def.plural === 'namespaces' && e.type !== 'DELETED') {
      for (const [k, p] of this.#errors) if (p.id.namespace === metadata.name) this.#objectQueue.add(k);
    }
  }

  // ---- works ----

  async #reconcileWork(cluster: string): Promise<void> {
    const request = this.#requests.get(cluster);
    const have = this.#works.get(cluster);
    if (request === undefined) {
      if (have !== undefined && have.metadata.deletionTimestamp === undefined) await this.#its.deleteWork(cluster, this.#workName);
      return;
    }
    const want = desiredUpsyncWork(this.#wdsName, cluster, request.clauses);
    if (have === undefined) {
      try {
        this.#noteWork(await this.#its.createWork(want), false);
      } catch (err) {
        // Already there: the follow shows it shortly, and the next pass compares.
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
      return;
    }
    const next = updatedUpsyncWork(have, want);
    if (next !== undefined) this.#noteWork(await this.#its.updateWork(next), false);
  }

  // ---- objects ----

  async #reconcileObject(key: string): Promise<void> {
    if (this.#abort.signal.aborted) return;
    const wanted = this.#wanted.get(key);
    const id = wanted?.id ?? parseKey(key);
    const fail = (message: string): void => this.#setProblem(this.#errors, key, wanted, message);
    const def = this.#wds.catalog.byResource(id.group, id.resource);
    if (def === undefined || !upsyncable(id.group) || def.namespaced !== (id.namespace !== '')) {
      if (wanted !== undefined) fail(`${describeId(id)}: ${def === undefined ? 'the WDS does not serve this resource' : !upsyncable(id.group) ? 'this group is never upsynced' : 'the scope differs in the WDS'}`);
      else this.#setProblem(this.#errors, key, undefined, undefined);
      this.#setProblem(this.#conflicts, key, undefined, undefined);
      return;
    }
    const version = wanted?.reported.version ?? def.version;
    if (!def.versions.includes(version)) {
      fail(`${describeId(id)}: the WDS does not serve version ${version}`);
      return;
    }
    const store = this.#wds.store(def);
    const cur = await getOrUndefined(store, id.namespace, id.name);
    // Being deleted: its DELETED event brings us back.
    if (cur?.metadata.deletionTimestamp !== undefined) return;
    const decision = decideObject({
      wanted,
      current: cur === undefined ? undefined : { upsyncedFrom: cur.metadata.annotations?.[UPSYNCED_FROM_ANNOTATION], object: toServedVersion(def, cur, version) },
      partial: this.#partial,
    });
    this.#setProblem(this.#conflicts, key, decision.conflict === undefined ? undefined : wanted, decision.conflict?.message);
    const action = decision.action;
    if (action.action === 'update') {
      const w = this.#written.get(key);
      if (w !== undefined && w.rv === cur!.metadata.resourceVersion && w.cluster === action.cluster && w.content === JSON.stringify(action.reported.object)) {
        this.#setProblem(this.#errors, key, undefined, undefined);
        return;
      }
    }
    try {
      switch (action.action) {
        case 'none':
          break;
        case 'delete':
          try {
            // Preconditions: a copy someone just claimed (annotation removed) or replaced is not ours to delete.
            await store.delete(id.namespace, id.name, { preconditions: { uid: cur!.metadata.uid!, resourceVersion: cur!.metadata.resourceVersion! } });
          } catch (err) {
            if (!isStatusError(err, 'NotFound')) throw err;
          }
          this.#written.delete(key);
          break;
        case 'create': {
          if (def.namespaced && !(await this.#namespaceExists(id.namespace))) {
            fail(`${describeId(id)}: namespace ${id.namespace} does not exist in the WDS (or is being deleted)`);
            return;
          }
          const body = toStoredVersion(def, copyOf(action.reported, action.cluster), version);
          const created = await store.create(id.namespace, body, { manager: MANAGER });
          this.#noteWritten(key, action, await this.#writeStatus(store, def, created, body));
          break;
        }
        case 'update': {
          const body = toStoredVersion(def, copyOf(action.reported, action.cluster), version);
          const updated = await store.guaranteedUpdate(
            id.namespace,
            id.name,
            (c) => {
              // Only the copy we decided on, and only while it still is a copy (rule 2).
              if (c.metadata.uid !== cur!.metadata.uid || c.metadata.annotations?.[UPSYNCED_FROM_ANNOTATION] === undefined) return c;
              const next: KubeObject = {
                ...body,
                metadata: { ...c.metadata, labels: body.metadata.labels ?? {}, annotations: body.metadata.annotations ?? {} },
              };
              if (def.subresources.status === true) {
                if (c['status'] === undefined) delete next['status'];
                else next['status'] = c['status'];
              }
              return next;
            },
            { manager: MANAGER },
          );
          if (updated.metadata.uid === cur!.metadata.uid) this.#noteWritten(key, action, await this.#writeStatus(store, def, updated, body));
          break;
        }
      }
      this.#setProblem(this.#errors, key, undefined, undefined);
    } catch (err) {
      if (isStatusError(err, 'NotFound') || isStatusError(err, 'AlreadyExists') || isStatusError(err, 'Conflict')) throw err; // races: retried
      fail(`${describeId(id)}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
  }

  #noteWritten(key: string, action: { cluster: string; reported: { object: KubeObject } }, written: KubeObject): void {
    this.#written.set(key, { rv: written.metadata.resourceVersion!, cluster: action.cluster, content: JSON.stringify(action.reported.object) });
  }

  /** The reported `.status` goes through the status subresource, which create and update ignore. Answers the object as last written. */
  async #writeStatus(store: GenericStore, def: ResourceDefinition, written: KubeObject, body: KubeObject): Promise<KubeObject> {
    if (def.subresources.status !== true || body['status'] === undefined || jsonEqual(written['status'], body['status'])) return written;
    return store.guaranteedUpdate(
      written.metadata.namespace ?? '',
      written.metadata.name!,
      (c) => (c.metadata.uid !== written.metadata.uid || jsonEqual(c['status'], body['status']) ? c : { ...c, status: body['status'] }),
      { subresource: 'status', manager: MANAGER },
    );
  }

  async #namespaceExists(name: string): Promise<boolean> {
    const def = this.#wds.catalog.byResource('', 'namespaces') ?? namespaceDef;
    const ns = await getOrUndefined(this.#wds.store(def), '', name);
    return ns !== undefined && ns.metadata.deletionTimestamp === undefined;
  }

  #setProblem(map: Map<string, Problem>, key: string, wanted: WantedObject | undefined, message: string | undefined): void {
    const before = map.get(key);
    if (message === undefined || wanted === undefined) {
      if (before === undefined) return;
      map.delete(key);
    } else {
      const problem: Problem = { id: wanted.id, labels: wanted.reported.object.metadata.labels, clusters: wanted.contenders, message };
      if (before !== undefined && before.message === message && before.clusters.join() === problem.clusters.join()) return;
      map.set(key, problem);
    }
    this.#schedulePolicies();
  }

  // ---- policy conditions ----

  #schedulePolicies(): void {
    if (this.#policyTimer !== undefined || this.#abort.signal.aborted) return;
    this.#policyTimer = setTimeout(() => {
      this.#policyTimer = undefined;
      // Policies with upsync clauses, and those still carrying our conditions (to remove them).
      for (const [name, p] of this.#policies) {
        const conditions = (p.object['status'] as { conditions?: { type: string }[] } | undefined)?.conditions ?? [];
        if ((p.spec.upsync ?? []).length > 0 || conditions.some((c) => OUR_CONDITIONS.includes(c.type))) this.#policyQueue.add(name);
      }
    }, 100).unref();
  }

  /** Our conditions for a policy; undefined when it has no upsync clauses (then ours are removed). */
  #wantedConditions(name: string, spec: BindingPolicySpec): Omit<PolicyCondition, 'lastTransitionTime'>[] | undefined {
    if ((spec.upsync ?? []).length === 0) return undefined;
    const mine = (m: Map<string, Problem>): string[] => [...m.values()].filter((p) => policiesConcerned(p, this.#requests).includes(name)).map((p) => p.message);
    const conflicts = mine(this.#conflicts);
    const errors = mine(this.#errors);
    return [
      conflicts.length > 0
        ? { type: UPSYNC_CONFLICT_CONDITION, status: 'True', reason: 'ConflictsFound', message: `Upsync conflicts: ${summarize(conflicts)}` }
        : { type: UPSYNC_CONFLICT_CONDITION, status: 'False', reason: 'NoConflicts', message: 'No upsync conflicts' },
      errors.length > 0
        ? { type: UPSYNC_SYNCED_CONDITION, status: 'False', reason: 'WriteFailed', message: `Upsync failures: ${summarize(errors)}` }
        : { type: UPSYNC_SYNCED_CONDITION, status: 'True', reason: 'Synced', message: 'Every reported object is in the WDS or accounted for as a conflict' },
    ];
  }

  async #reconcilePolicy(name: string): Promise<void> {
    const p = this.#policies.get(name);
    if (p === undefined) return;
    const wanted = this.#wantedConditions(name, p.spec);
    const now = nowTime();
    const have = ((p.object['status'] as { conditions?: PolicyCondition[] } | undefined)?.conditions ?? []) as PolicyCondition[];
    if (jsonEqual(withConditions(have, wanted, OUR_CONDITIONS, now), have)) return;
    const def = this.#wds.catalog.byResource(CONTROL_GROUP, 'bindingpolicies')!;
    try {
      const updated = await this.#wds.store(def).guaranteedUpdate(
        '',
        name,
        (cur) => {
          if (cur.metadata.uid !== p.uid) return cur;
          const status = (cur['status'] ?? {}) as { observedGeneration?: number; conditions?: PolicyCondition[] };
          const conditions = withConditions(status.conditions ?? [], wanted, OUR_CONDITIONS, now);
          if (jsonEqual(conditions, status.conditions ?? [])) return cur;
          // observedGeneration (required) and errors are the engine's: kept as they are.
          return { ...cur, status: { ...status, observedGeneration: status.observedGeneration ?? 0, conditions } };
        },
        { subresource: 'status', manager: MANAGER },
      );
      if (this.#policies.get(name)?.uid === updated.metadata.uid) this.#policies.get(name)!.object = updated;
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
}

function keyOf(def: ResourceDefinition, object: KubeObject): string {
  return idKey({ group: def.group, resource: def.plural, namespace: object.metadata.namespace ?? '', name: object.metadata.name! });
}

async function getOrUndefined(store: GenericStore, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await store.get(namespace, name);
  } catch (err) {
    if (isStatusError(err, 'NotFound')) return undefined;
    throw err;
  }
}

function sameRequests(a: ReadonlyMap<string, ClusterRequest>, b: ReadonlyMap<string, ClusterRequest>): boolean {
  if (a.size !== b.size) return false;
  for (const [c, r] of a) {
    const o = b.get(c);
    if (o === undefined || JSON.stringify(o.clauses) !== JSON.stringify(r.clauses) || [...o.byPolicy.keys()].join() !== [...r.byPolicy.keys()].join()) return false;
  }
  return true;
}
