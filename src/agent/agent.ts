/**
 * The work agent (ARCHITECTURE §6): what OCM's klusterlet does for KubeStellar, through two
 * kubeconfigs and nothing else. It registers its ManagedCluster and renews a Lease on the hub,
 * follows the ManifestWorks in its cluster namespace, applies their manifests to the WEC as
 * their update strategy says, and reports conditions and each object's status back.
 *
 * What it applied is recorded the OCM way, in the WEC: one AppliedManifestWork per work, owning
 * every object the work put there. The WEC's garbage collector then deletes an object when its
 * last work lets go of it (two works carrying one object keep it), never what the agent did not
 * apply, and a restarted agent finds its state where it left it.
 */
import { CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { ListWatch } from '../kube-client/list-watch.js';
import type { KubeObject } from '../api/object.js';
import { appliedManifestWorkCrd } from '../kubestellar/apis/ocm.js';
import { WorkQueue } from '../kubestellar/engine/work-queue.js';
import { MANIFESTWORK_FINALIZER, WORK_GROUP } from '../kubestellar/well-known.js';
import { Discovery, getJson, isConflict, isNotFound, plain, statusOf, withKeepAlive, type ResourceInfo } from '../kube-client/kube.js';
import {
  appliedWorkName,
  hasOwner,
  hubHash,
  objectHash,
  OBJECT_HASH_ANNOTATION,
  ownerRefTo,
  removedResources,
  strategyFor,
  withOwner,
  workStatus,
  type AppliedResource,
  type ManifestConfig,
  type ManifestResult,
} from './plan.js';
import { registerCluster, renewLease, waitForClusterNamespace } from './registration.js';
import { isUpsyncWork } from '../kubestellar/upsync/decide.js';
import { UpsyncReporter } from './upsync.js';

export interface AgentOptions {
  readonly hubKubeConfig: KubeConfig;
  readonly wecKubeConfig: KubeConfig;
  readonly clusterName: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Announced on the ManagedCluster and the Lease (default 60). */
  readonly leaseDurationSeconds?: number;
  /** How often the Lease is renewed (default 10 s). */
  readonly renewIntervalMs?: number;
  readonly log?: (msg: string, err?: unknown) => void;
  /** Upsync: bound on the objects reported per work (default 1 MiB) and coalescing delay (default 200 ms). */
  readonly upsyncMaxBytes?: number;
  readonly upsyncDebounceMs?: number;
  /** Aborting it while the agent is still starting (e.g. the hub is gone) stops it. */
  readonly signal?: AbortSignal;
}

export interface RunningAgent {
  stop(): Promise<void>;
}

const WORKS = { group: WORK_GROUP, version: 'v1', plural: 'manifestworks' };
const APPLIED = { group: WORK_GROUP, version: 'v1', plural: 'appliedmanifestworks' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface AppliedWork extends KubeObject {
  spec?: { hubHash?: string; agentID?: string; manifestWorkName?: string };
  status?: { appliedResources?: AppliedResource[] };
}

export async function runAgent(options: AgentOptions): Promise<RunningAgent> {
  const agent = new WorkAgent(options);
  // Starting retries until the hub and the WEC answer: without this it could outlive its server.
  const onAbort = (): void => void agent.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (options.signal?.aborted) throw new Error('agent stopped before it started');
    await agent.start();
  } catch (err) {
    await agent.stop();
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return agent;
}

/** Some manifests of a work could not be applied; its status says which, and it is retried. */
class ManifestsFailed extends Error {}

class WorkAgent implements RunningAgent {
  readonly #o: AgentOptions;
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #hubCustom: CustomObjectsApi;
  readonly #wec: KubernetesObjectApi;
  readonly #wecCustom: CustomObjectsApi;
  readonly #discovery: Discovery;
  readonly #hash: string;
  readonly #abort = new AbortController();
  readonly #queue: WorkQueue;
  readonly #works = new Map<string, KubeObject>();
  /** WEC object (apiVersion/kind/ns/name) → names of the works that carry it, for status. */
  readonly #holders = new Map<string, Set<string>>();
  readonly #informers = new Map<string, ListWatch>();
  /** Upsync works are reported on, never applied. */
  readonly #upsync: UpsyncReporter;
  #workInformer: ListWatch | undefined;
  #leaseTimer: NodeJS.Timeout | undefined;

  constructor(options: AgentOptions) {
    const o: AgentOptions = { ...options, hubKubeConfig: withKeepAlive(options.hubKubeConfig), wecKubeConfig: withKeepAlive(options.wecKubeConfig) };
    this.#o = o;
    this.#log = o.log ?? ((msg, err) => console.error(`${new Date().toISOString()} [agent ${o.clusterName}] ${msg}`, err ?? ''));
    this.#hubCustom = o.hubKubeConfig.makeApiClient(CustomObjectsApi);
    this.#wec = KubernetesObjectApi.makeApiClient(o.wecKubeConfig);
    this.#wecCustom = o.wecKubeConfig.makeApiClient(CustomObjectsApi);
    this.#discovery = new Discovery(o.wecKubeConfig);
    this.#hash = hubHash(o.hubKubeConfig.getCurrentCluster()?.server ?? '');
    this.#upsync = new UpsyncReporter({
      wecKubeConfig: o.wecKubeConfig,
      hubCustom: this.#hubCustom,
      clusterName: o.clusterName,
      log: this.#log,
      ...(o.upsyncMaxBytes !== undefined && { maxBytes: o.upsyncMaxBytes }),
      ...(o.upsyncDebounceMs !== undefined && { debounceMs: o.upsyncDebounceMs }),
    });
    this.#queue = new WorkQueue((name) => this.#reconcile(name), {
      concurrency: 8,
      baseDelayMs: 100,
      maxDelayMs: 5000,
      onError: (name, err) => {
        if (err instanceof ManifestsFailed) return; // reported in the work's status
        const code = statusOf(err);
        if (code !== 409) this.#log(`work ${name}: ${code ?? (err as Error).message}`, code === undefined ? '' : (err as { body?: unknown }).body);
      },
    });
  }

  async start(): Promise<void> {
    const o = this.#o;
    const lease = o.leaseDurationSeconds ?? 60;
    // The hub or the WEC may not answer yet (both restart too): keep trying until they do.
    await this.#retry('registering with the hub', async () => {
      await registerCluster(o.hubKubeConfig, o.clusterName, { ...o.labels }, lease);
      await waitForClusterNamespace(o.hubKubeConfig, o.clusterName, this.#abort.signal);
      await renewLease(o.hubKubeConfig, o.clusterName, `${o.clusterName}-agent`, lease);
    });
    this.#leaseTimer = setInterval(() => {
      renewLease(o.hubKubeConfig, o.clusterName, `${o.clusterName}-agent`, lease).catch((err: unknown) => this.#log('renewing the lease failed', err));
    }, o.renewIntervalMs ?? 10_000);
    // Not unref'd: the heartbeat is what keeps an agent process alive while the hub is away.
    await this.#retry('installing the AppliedManifestWork CRD', () => this.#ensureAppliedCrd());

    const informer = new ListWatch(
      o.hubKubeConfig,
      `/apis/${WORK_GROUP}/v1/namespaces/${o.clusterName}/manifestworks`,
      () => this.#hubCustom.listNamespacedCustomObject({ ...WORKS, namespace: o.clusterName }) as never,
      {
        add: (w) => this.#noteWork(w),
        update: (w) => this.#noteWork(w),
        delete: (w) => {
          this.#upsync.forget(w.metadata.name!);
          if (isUpsyncWork(w)) return;
          this.#works.delete(w.metadata.name!);
          this.#queue.add(w.metadata.name!);
        },
      },
    );
    this.#workInformer = informer;
    informer.start();
    await informer.synced;
    await this.#retry('finding orphaned AppliedManifestWorks', () => this.#evictOrphans());
  }

  #noteWork(w: KubeObject): void {
    if (isUpsyncWork(w)) {
      // Nothing to apply; what an earlier, ordinary work of that name applied is released.
      if (this.#works.delete(w.metadata.name!)) this.#queue.add(w.metadata.name!);
      if (w.metadata.deletionTimestamp === undefined) this.#upsync.note(w);
      else this.#upsync.forget(w.metadata.name!);
      return;
    }
    this.#upsync.forget(w.metadata.name!);
    this.#works.set(w.metadata.name!, w);
    this.#queue.add(w.metadata.name!);
  }

  async #retry(what: string, fn: () => Promise<void>): Promise<void> {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5000)) {
      if (this.#abort.signal.aborted) throw new Error('agent stopped');
      try {
        return await fn();
      } catch (err) {
        this.#log(`${what} failed; retrying in ${delay} ms`, statusOf(err) ?? (err as Error).message);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    this.#queue.stop();
    this.#upsync.stop();
    if (this.#leaseTimer !== undefined) clearInterval(this.#leaseTimer);
    this.#workInformer?.stop();
    for (const i of this.#informers.values()) i.stop();
  }

  async #ensureAppliedCrd(): Promise<void> {
    const crd = appliedManifestWorkCrd as unknown as KubernetesObject;
    try {
      await this.#wec.create(crd);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    for (let i = 0; i < 200; i++) {
      const info = await this.#discovery.resourceFor(`${WORK_GROUP}/v1`, 'AppliedManifestWork');
      if (info !== undefined) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the AppliedManifestWork CRD was not served in the WEC');
  }

  /** AppliedManifestWorks of ours whose work left the hub while the agent was away. */
  async #evictOrphans(): Promise<void> {
    const list = (await this.#wecCustom.listClusterCustomObject(APPLIED)) as { items: AppliedWork[] };
    for (const a of list.items) {
      if (a.spec?.hubHash !== this.#hash || a.spec.agentID !== this.#o.clusterName) continue;
      const work = a.spec.manifestWorkName ?? '';
      if (!this.#works.has(work)) this.#queue.add(work);
    }
  }

  // ---- one work ----

  async #reconcile(name: string): Promise<void> {
    if (this.#abort.signal.aborted) return;
    const appliedName = appliedWorkName(this.#hash, name);
    const work = this.#works.get(name);
    if (work === undefined) {
      await this.#deleteApplied(appliedName);
      return;
    }
    if (work.metadata.deletionTimestamp !== undefined) {
      await this.#deleteApplied(appliedName);
      await this.#setFinalizer(work, false);
      return;
    }
    if (!(work.metadata.finalizers ?? []).includes(MANIFESTWORK_FINALIZER)) await this.#setFinalizer(work, true);
    const applied = await this.#ensureApplied(appliedName, name);
    const spec = (work['spec'] ?? {}) as { workload?: { manifests?: KubeObject[] }; manifestConfigs?: ManifestConfig[] };
    const results: ManifestResult[] = [];
    const current: Omit<AppliedResource, 'uid' | 'version'>[] = [];
    const nowApplied: AppliedResource[] = [];
    for (const [ordinal, manifest] of (spec.workload?.manifests ?? []).entries()) {
      const r = await this.#applyManifest(ordinal, manifest, spec.manifestConfigs, applied, name);
      results.push(r.result);
      if (r.id !== undefined) current.push(r.id);
      if (r.applied !== undefined) nowApplied.push(r.applied);
    }
    for (const gone of removedResources(applied.status?.appliedResources ?? [], current)) await this.#release(gone, applied);
    if (JSON.stringify(applied.status?.appliedResources ?? []) !== JSON.stringify(nowApplied)) {
      await this.#wecCustom.patchClusterCustomObjectStatus({ ...APPLIED, name: appliedName, body: { status: { appliedResources: nowApplied } } }, merge);
    }
    const status = workStatus(work.metadata.generation ?? 1, results, work['status'] as Record<string, unknown> | undefined, new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'));
    if (JSON.stringify(status) !== JSON.stringify(work['status'])) {
      try {
        await this.#hubCustom.patchNamespacedCustomObjectStatus({ ...WORKS, namespace: this.#o.clusterName, name, body: { status } }, merge);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    // Like OCM, keep retrying what failed (say, a namespace that arrives in another work).
    const failed = results.filter((r) => !r.applied);
    if (failed.length > 0) throw new ManifestsFailed(failed.map((r) => r.failure?.message ?? r.name).join('; '));
  }

  async #setFinalizer(work: KubeObject, present: boolean): Promise<void> {
    const others = (work.metadata.finalizers ?? []).filter((f) => f !== MANIFESTWORK_FINALIZER);
    const finalizers = present ? [...others, MANIFESTWORK_FINALIZER] : others;
    try {
      // The resourceVersion makes this a compare-and-swap: another writer's finalizer is never lost.
      await this.#hubCustom.patchNamespacedCustomObject(
        { ...WORKS, namespace: this.#o.clusterName, name: work.metadata.name!, body: { metadata: { finalizers, resourceVersion: work.metadata.resourceVersion } } },
        merge,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #ensureApplied(appliedName: string, workName: string): Promise<AppliedWork> {
    try {
      return (await this.#wecCustom.getClusterCustomObject({ ...APPLIED, name: appliedName })) as AppliedWork;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return (await this.#wecCustom.createClusterCustomObject({
      ...APPLIED,
      body: {
        apiVersion: `${WORK_GROUP}/v1`,
        kind: 'AppliedManifestWork',
        metadata: { name: appliedName },
        spec: { hubHash: this.#hash, agentID: this.#o.clusterName, manifestWorkName: workName },
      },
    })) as AppliedWork;
  }

  /** Deleting the AppliedManifestWork lets the WEC's garbage collector remove what only it owned. */
  async #deleteApplied(appliedName: string): Promise<void> {
    try {
      await this.#wecCustom.deleteClusterCustomObject({ ...APPLIED, name: appliedName, propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #applyManifest(
    ordinal: number,
    manifest: KubeObject,
    configs: readonly ManifestConfig[] | undefined,
    applied: AppliedWork,
    workName: string,
  ): Promise<{ result: ManifestResult; id?: Omit<AppliedResource, 'uid' | 'version'>; applied?: AppliedResource }> {
    const apiVersion = manifest.apiVersion ?? '';
    const kind = manifest.kind ?? '';
    const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/', 2) as [string, string]) : ['', apiVersion];
    const name = manifest.metadata?.name ?? '';
    const base = { ordinal, group, version, kind, name };
    let info: ResourceInfo | undefined;
    try {
      info = await this.#discovery.resourceFor(apiVersion, kind);
    } catch (err) {
      return { result: { ...base, resource: '', namespace: manifest.metadata?.namespace ?? '', applied: false, exists: false, failure: { reason: 'DiscoveryFailed', message: String(err) } } };
    }
    if (info === undefined) {
      const message = `no resource of kind ${kind} in ${apiVersion}`;
      return { result: { ...base, resource: '', namespace: manifest.metadata?.namespace ?? '', applied: false, exists: false, failure: { reason: 'AppliedManifestFailed', message } } };
    }
    const namespace = info.namespaced ? (manifest.metadata?.namespace ?? 'default') : '';
    const id = { group, resource: info.resource, namespace, name };
    const strategy = strategyFor(configs, id);
    this.#follow(apiVersion, kind, namespace, name, workName);
    try {
      const result0 = await this.#applyWith(strategy, manifest, namespace, applied);
      const live = result0 === undefined ? undefined : plain(result0);
      const result: ManifestResult = { ...base, resource: info.resource, namespace, applied: true, exists: live !== undefined, ...(live?.['status'] !== undefined && { status: live['status'] }) };
      const ours = live !== undefined && hasOwner(live, applied.metadata.uid!);
      return { result, id, ...(ours && { applied: { ...id, version, uid: live.metadata.uid! } }) };
    } catch (err) {
      const conflict = isConflict(err) && strategy.type === 'ServerSideApply';
      const body = (err as { body?: unknown }).body;
      const message = typeof body === 'string' ? body.slice(0, 1000) : String(err);
      return { result: { ...base, resource: info.resource, namespace, applied: false, exists: false, failure: { reason: conflict ? 'ApplyConflict' : 'AppliedManifestFailed', message } }, id };
    }
  }

  async #applyWith(strategy: ReturnType<typeof strategyFor>, manifest: KubeObject, namespace: string, applied: AppliedWork): Promise<KubeObject | undefined> {
    const ref = ownerRefTo(applied.metadata.name!, applied.metadata.uid!);
    const desired: KubeObject = structuredClone(manifest);
    desired.metadata = { ...desired.metadata };
    // A manifest copied from a live object may carry its resourceVersion: creates refuse one.
    delete desired.metadata.resourceVersion;
    if (namespace !== '') desired.metadata.namespace = namespace;
    const live = await this.#read(desired);
    switch (strategy.type) {
      case 'ReadOnly':
        return live;
      case 'CreateOnly':
        if (live !== undefined) return live;
        desired.metadata.ownerReferences = withOwner(desired.metadata.ownerReferences, ref);
        return (await this.#wec.create(desired as KubernetesObject)) as KubeObject;
      case 'ServerSideApply':
        desired.metadata.ownerReferences = [ref];
        return (await this.#wec.patch(desired as KubernetesObject, undefined, undefined, strategy.fieldManager, strategy.force, PatchStrategy.ServerSideApply)) as KubeObject;
      case 'Update': {
        const hash = objectHash(manifest);
        desired.metadata.annotations = { ...desired.metadata.annotations, [OBJECT_HASH_ANNOTATION]: hash };
        if (live === undefined) {
          desired.metadata.ownerReferences = withOwner(desired.metadata.ownerReferences, ref);
          return (await this.#wec.create(desired as KubernetesObject)) as KubeObject;
        }
        if (live.metadata.annotations?.[OBJECT_HASH_ANNOTATION] === hash && hasOwner(live, ref.uid)) return live;
        desired.metadata.ownerReferences = withOwner(live.metadata.ownerReferences, ref);
        desired.metadata.resourceVersion = live.metadata.resourceVersion!;
        return (await this.#wec.replace(desired as KubernetesObject)) as KubeObject;
      }
    }
  }

  async #read(obj: KubeObject): Promise<KubeObject | undefined> {
    try {
      return (await this.#wec.read({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name!, ...(obj.metadata.namespace !== undefined && { namespace: obj.metadata.namespace }) } })) as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** An object the work no longer holds: our owner reference goes; with no owner left, so does the object. */
  async #release(r: AppliedResource, applied: AppliedWork): Promise<void> {
    const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
    const info = await this.#discoveryKind(apiVersion, r.resource);
    if (info === undefined) return;
    const live = await this.#read({ apiVersion, kind: info, metadata: { name: r.name, ...(r.namespace !== '' && { namespace: r.namespace }) } });
    if (live === undefined || live.metadata.uid !== r.uid) return;
    const owners = (live.metadata.ownerReferences ?? []).filter((o) => o.uid !== applied.metadata.uid);
    try {
      if (owners.length === 0) await this.#wec.delete(live as KubernetesObject);
      else await this.#wec.patch({ ...live, metadata: { ...live.metadata, ownerReferences: owners } } as KubernetesObject, undefined, undefined, 'work-agent', undefined, PatchStrategy.MergePatch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async #discoveryKind(apiVersion: string, resource: string): Promise<string | undefined> {
    // Discovery is by kind; find the kind whose resource this is.
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    const r = await getJson(this.#o.wecKubeConfig, group === '' ? `/api/${version}` : `/apis/${group}/${version}`);
    return (r.body?.resources as { name: string; kind: string }[] | undefined)?.find((x) => x.name === resource)?.kind;
  }

  // ---- status of applied objects ----

  /** Watches the kind of an applied object, so its status changes reach the hub promptly. */
  #follow(apiVersion: string, kind: string, namespace: string, name: string, workName: string): void {
    const key = `${apiVersion}/${kind}/${namespace}/${name}`;
    let holders = this.#holders.get(key);
    if (holders === undefined) this.#holders.set(key, (holders = new Set()));
    holders.add(workName);
    const kindKey = `${apiVersion}/${kind}`;
    if (this.#informers.has(kindKey)) return;
    void this.#startKindInformer(apiVersion, kind, kindKey);
  }

  async #startKindInformer(apiVersion: string, kind: string, kindKey: string): Promise<void> {
    const info = await this.#discovery.resourceFor(apiVersion, kind);
    if (info === undefined || this.#informers.has(kindKey)) return;
    const path = info.group === '' ? `/api/${info.version}/${info.resource}` : `/apis/${info.group}/${info.version}/${info.resource}`;
    const changed = (o: KubeObject): void => {
      const key = `${apiVersion}/${kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
      for (const w of this.#holders.get(key) ?? []) if (this.#works.has(w)) this.#queue.add(w);
    };
    const informer = new ListWatch(this.#o.wecKubeConfig, path, () => this.#wec.list(apiVersion, kind) as never, { add: changed, update: changed, delete: changed });
    this.#informers.set(kindKey, informer);
    informer.start();
  }
}

export { statusOf };
