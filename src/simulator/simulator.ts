/**
 * WorkloadSimulator: a KWOK-like stand-in for kube-controller-manager, the scheduler and the
 * kubelet in a simulated workload execution cluster. It follows every change in its space, and
 * syncs each touched object (and its controller and, when the failure annotation changes, its
 * descendants, and what shell/routing.ts relates to it) one at a time through the pure plans in
 * model/; the kubelet's node and lease are synced by fixed keys, whether or not they exist.
 * Before each sync it waits until its cache has seen its own earlier writes, so after a restart
 * or a burst of events it never acts on a view that misses pods it created. Errors are logged and retried, never thrown.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { SpaceEvent } from '../registry/space-stream.js';
import type { NodeAgent, ServedSpace } from '../spaces/served-space.js';
import { controllerRef, failureRequested } from './model/objects.js';
import { resolveOptions, type ResolvedOptions, type SimulatorOptions } from './options.js';
import { keyOf, kindKey, SimCache } from './shell/cache.js';
import { syncService } from './shell/claims-services.js';
import { syncDisruptionBudget } from './shell/disruption.js';
import { syncClaim, syncVolume } from './shell/volumes.js';
import { syncEndpoints } from './shell/endpoints.js';
import { leaseKey, nodeKey, syncLease, syncNode } from './shell/node.js';
import { relatedKeys } from './shell/routing.js';
import { syncDeployment, syncReplicaSet, syncReplicationController } from './shell/apps.js';
import type { SimContext, SyncFunction } from './shell/context.js';
import { spaceContext } from './shell/space-context.js';
import { syncJob, syncPod } from './shell/pods-jobs.js';
import { syncDaemonSet, syncStatefulSet } from './shell/sets.js';
import { syncCronJob } from './shell/cronjob.js';
import { syncAutoscaler } from './shell/autoscaler.js';
import { installDefaultStorageClass } from './shell/storage-class.js';

const SYNCS: Record<string, SyncFunction> = {
  'apps/deployments': syncDeployment,
  'apps/replicasets': syncReplicaSet,
  '/replicationcontrollers': syncReplicationController,
  'apps/statefulsets': syncStatefulSet,
  'apps/daemonsets': syncDaemonSet,
  'batch/jobs': syncJob,
  'batch/cronjobs': syncCronJob,
  'autoscaling/horizontalpodautoscalers': syncAutoscaler,
  '/pods': syncPod,
  '/persistentvolumeclaims': syncClaim,
  '/persistentvolumes': syncVolume,
  'policy/poddisruptionbudgets': syncDisruptionBudget,
  '/services': syncService,
  '/endpoints': syncEndpoints,
};

/** A sync that runs whether or not its object exists (the kubelet's node and lease). */
type StandingSync = (ctx: SimContext, key: string) => Promise<void>;

/** How long a sync waits for the cache to catch up with earlier writes before going ahead anyway. */
const CATCH_UP_MS = 3000;
const MAX_RETRY_MS = 30_000;

/** Spaces with a running simulator: two on one space would each create the pods. */
const running = new WeakSet<ServedSpace>();

/** What the simulated kubelet says of a container's log. */
const SILENT_KUBELET: NodeAgent = { containerLog: () => '' };

export class WorkloadSimulator {
  readonly #space: ServedSpace;
  readonly #options: ResolvedOptions;
  readonly #cache = new SimCache();
  readonly #abort = new AbortController();
  readonly #queue = new Set<string>();
  readonly #timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  readonly #failures = new Map<string, number>();
  readonly #firstSeen = new Map<string, number>();
  readonly #waiters: { revision: number; resolve: () => void }[] = [];
  readonly #context: SimContext;
  readonly #standing: ReadonlyMap<string, StandingSync>;
  readonly #standingKeys: readonly string[];
  #written = 0;
  #draining = false;
  #started = false;

  constructor(space: ServedSpace, options?: SimulatorOptions) {
    this.#space = space;
    this.#options = resolveOptions(space.name, options);
    this.#context = spaceContext(space, {
      cache: this.#cache,
      options: this.#options,
      stopped: () => this.#stopped,
      wrote: (obj) => this.#wrote(obj),
      later: (key, atMs) => this.#later(key, atMs),
      failing: (obj) => this.#failing(obj),
      ageMs: (obj) => Date.now() - (this.#firstSeen.get(obj.metadata.uid ?? '') ?? Date.now()),
    });
    this.#standing = new Map([
      [nodeKey(this.#context), syncNode],
      [leaseKey(this.#context), syncLease],
    ]);
    this.#standingKeys = [...this.#standing.keys()];
  }

  /** Lists the space and starts following it; resolves once the first list is in. */
  async start(): Promise<void> {
    if (this.#started) return;
    if (running.has(this.#space)) throw new Error(`a workload simulator already runs in space ${this.#space.name ?? '(root)'}`);
    running.add(this.#space);
    this.#started = true;
    // The simulated kubelet answers log requests for its node's pods: its containers print nothing.
    this.#space.kubelets.set(this.#options.nodeName, SILENT_KUBELET);
    try {
      const revision = await this.#relist();
      // No Node yet: the cluster is being created, when kind installs its default StorageClass.
      const creating = this.#options.defaultStorageClass && this.#cache.get(nodeKey(this.#context)) === undefined;
      void this.#follow(revision);
      if (creating) await installDefaultStorageClass(this.#space, this.#options.log);
    } catch (err) {
      this.stop();
      throw err;
    }
  }

  stop(): void {
    if (this.#abort.signal.aborted) return;
    this.#abort.abort();
    running.delete(this.#space);
    if (this.#space.kubelets.get(this.#options.nodeName) === SILENT_KUBELET) this.#space.kubelets.delete(this.#options.nodeName);
    for (const { timer } of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.clear();
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  get #stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  async #relist(): Promise<number> {
    const { items, revision } = await this.#space.objects.listAll();
    this.#cache.clear();
    const now = Date.now();
    const live = new Set<string>();
    for (const { def, object } of items) {
      if (!SimCache.simulates(def)) continue;
      this.#cache.upsert(def, object);
      const uid = object.metadata.uid ?? '';
      live.add(uid);
      if (!this.#firstSeen.has(uid)) this.#firstSeen.set(uid, now);
    }
    for (const uid of [...this.#firstSeen.keys()]) if (!live.has(uid)) this.#firstSeen.delete(uid);
    this.#advance(revision);
    for (const [key] of this.#cache.all()) this.#enqueue(key);
    for (const key of this.#standingKeys) this.#enqueue(key);
    return revision;
  }

  async #follow(afterRevision: number): Promise<void> {
    let revision = afterRevision;
    while (!this.#stopped) {
      try {
        for await (const events of this.#space.objects.watchAll(revision, this.#abort.signal)) {
          for (const e of events) {
            revision = e.revision;
            this.#apply(e);
          }
          this.#advance(revision);
        }
      } catch (err) {
        if (this.#stopped) return;
        this.#options.log('simulator watch ended; relisting', err);
      }
      // Ended or failed: events may have been missed, so start over from a fresh list.
      while (!this.#stopped) {
        try {
          revision = await this.#relist();
          break;
        } catch (err) {
          if (this.#stopped) return;
          this.#options.log('simulator relist failed; retrying', err);
          await new Promise((r) => setTimeout(r, this.#options.retryMs).unref());
        }
      }
    }
  }

  #apply(e: SpaceEvent): void {
    if (!SimCache.simulates(e.def)) return;
    const uid = e.object.metadata.uid ?? '';
    if (e.type === 'DELETED') {
      this.#cache.remove(e.def, e.object);
      this.#firstSeen.delete(uid);
      this.#failures.delete(keyOf(e.def, e.object));
    } else {
      this.#cache.upsert(e.def, e.object);
      if (!this.#firstSeen.has(uid)) this.#firstSeen.set(uid, Date.now());
    }
    if (e.type !== 'DELETED') this.#enqueue(keyOf(e.def, e.object));
    for (const key of relatedKeys(this.#cache, e, this.#standingKeys)) this.#enqueue(key);
    const owner = controllerRef(e.object);
    const ownerCached = owner && this.#cache.byUid(owner.uid);
    if (ownerCached) this.#enqueue(keyOf(ownerCached.def, ownerCached.object));
    // The failure annotation reaches pods through their owners: those below must look again.
    if (e.previous && failureRequested(e.previous) !== failureRequested(e.object)) this.#enqueueDescendants(uid, 0);
  }

  #enqueueDescendants(uid: string, depth: number): void {
    if (depth > 4) return;
    for (const c of this.#cache.children(uid)) {
      this.#enqueue(keyOf(c.def, c.object));
      this.#enqueueDescendants(c.object.metadata.uid ?? '', depth + 1);
    }
  }

  #advance(revision: number): void {
    if (revision > this.#cache.revision) this.#cache.revision = revision;
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (w.revision <= this.#cache.revision) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  /** Resolves once the cache holds every write made so far (or after CATCH_UP_MS regardless). */
  #caughtUp(): Promise<void> {
    const target = this.#written;
    if (this.#cache.revision >= target || this.#stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        resolve();
      }, CATCH_UP_MS);
      timer.unref();
      const waiter = {
        revision: target,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.#waiters.push(waiter);
    });
  }

  #enqueue(key: string): void {
    if (this.#stopped) return;
    this.#queue.add(key);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (!this.#stopped) {
        const key = this.#queue.values().next().value;
        if (key === undefined) return;
        this.#queue.delete(key);
        await this.#caughtUp();
        await this.#sync(key);
      }
    } catch (err) {
      // #sync handles its own errors; anything here is a bug, which must not take the server down.
      this.#options.log('simulator queue failed', err);
    } finally {
      this.#draining = false;
    }
  }

  async #sync(key: string): Promise<void> {
    const standing = this.#standing.get(key);
    const cached = this.#cache.get(key);
    const sync = cached && SYNCS[kindKey(cached.def)];
    if (this.#stopped || (standing === undefined && (cached === undefined || sync === undefined))) return;
    try {
      if (standing !== undefined) await standing(this.#context, key);
      else await sync!(this.#context, cached!, key);
      this.#failures.delete(key);
    } catch (err) {
      if (this.#stopped) return;
      const n = (this.#failures.get(key) ?? 0) + 1;
      this.#failures.set(key, n);
      // Refusals (a quota, a missing service account) are reported as Events and conditions by the sync itself.
      const expected = isStatusError(err, 'Conflict') || isStatusError(err, 'NotFound') || isStatusError(err, 'Forbidden');
      if (!expected && (n === 1 || n % 10 === 0)) this.#options.log(`simulator sync of ${key} failed (${n}); retrying`, err);
      this.#later(key, Date.now() + Math.min(this.#options.retryMs * 2 ** (n - 1), MAX_RETRY_MS));
    }
  }

  #later(key: string, atMs: number): void {
    if (this.#stopped) return;
    const existing = this.#timers.get(key);
    if (existing && existing.at <= atMs) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.#timers.delete(key);
      this.#enqueue(key);
    }, Math.max(0, atMs - Date.now()));
    timer.unref();
    this.#timers.set(key, { at: atMs, timer });
  }

  #wrote(obj: KubeObject | undefined): void {
    const rv = Number(obj?.metadata.resourceVersion);
    if (Number.isFinite(rv) && rv > this.#written) this.#written = rv;
  }

  #failing(obj: KubeObject): boolean {
    let cur: KubeObject | undefined = obj;
    for (let depth = 0; cur !== undefined && depth < 5; depth++) {
      if (failureRequested(cur)) return true;
      const ref = controllerRef(cur);
      cur = ref ? this.#cache.byUid(ref.uid)?.object : undefined;
    }
    return false;
  }
}
