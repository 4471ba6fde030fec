/**
 * Keeps the set of served spaces equal to the Space objects of the root API: spaces found at
 * start are served at once, and a watch on the root adds and removes them as Spaces come and go.
 * A new space gets the namespaces every cluster has.
 */
import { randomInt } from 'node:crypto';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { Backend } from '../../storage/index.js';
import { moveLegacyEvents } from '../registry/legacy-events.js';
import { coordinationResources } from '../registry/builtin/coordination.js';
import { coreResources, namespaces, serviceDefinition } from '../registry/builtin/core.js';
import { builtinResources } from '../registry/builtin/index.js';
import { componentstatuses, withControlPlane } from '../registry/builtin/component-status.js';
import { reviewResources } from '../registry/builtin/reviews.js';
import { bootstrapPriorityClasses } from '../registry/builtin/scheduling.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { spaces, type SpaceType } from '../registry/builtin/spaces.js';
import { CrdController } from '../controllers/crd-controller.js';
import { ClusterRoleAggregationController } from '../controllers/clusterrole-aggregation.js';
import { ApiServiceRegistrationController } from '../controllers/apiservice-registration.js';
import { ResourceQuotaController } from '../controllers/resource-quota-controller.js';
import { StorageProtectionController } from '../controllers/storage-protection-controller.js';
import { runInformer } from '../controllers/informer.js';
import { LifecycleController } from '../controllers/lifecycle-controller.js';
import { NamespaceDefaultsController } from '../controllers/namespace-defaults.js';
import { TokenController } from '../controllers/token-controller.js';
import type { ServiceAccountTokens } from '../auth/tokens/service-account-tokens.js';
import { structuralSchemaOps } from '../registry/crd/schema-ops.js';
import { ServedSpace } from './served-space.js';
import { ControllerGroup } from './controller-group.js';
import { ServiceAllocationCache } from './service-allocations.js';
import { RbacCache } from './rbac-cache.js';
import { EmbeddedIts } from '../kubestellar/engine/embedded-its.js';
import { ExternalIts } from '../kubestellar/engine/external-its.js';
import type { ItsPort } from '../kubestellar/engine/its-port.js';
import { ShardedIts } from '../kubestellar/engine/sharded-its.js';
import { KubeConfig } from '@kubernetes/client-node';
import { WdsEngine, type WdsEngineOptions } from '../kubestellar/engine/wds-engine.js';
import { UpsyncController } from '../kubestellar/upsync/upsync-controller.js';
import { KubernetesServiceController, type ApiserverAddress } from '../controllers/kubernetes-service.js';
import { HubController } from '../kubestellar/hub/hub-controller.js';
import { WorkloadSimulator, type SimulatorOptions } from '../simulator/index.js';
import { controlResources } from '../kubestellar/apis/control.js';
import { ocmResources } from '../kubestellar/apis/ocm.js';

interface SecretRef {
  readonly namespace: string;
  readonly name: string;
  readonly key?: string;
}

/** One ITS a WDS transports through (validated by the Space strategy). */
interface ShardSpec {
  readonly name?: string;
  readonly its?: string;
  readonly itsKubeconfigSecret?: SecretRef;
}

const shardName = (s: ShardSpec): string => s.name ?? s.its ?? `${s.itsKubeconfigSecret!.namespace}/${s.itsKubeconfigSecret!.name}`;

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffixName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/**
 * The review kinds where kube-apiserver's group priorities put them: authentication.k8s.io, then
 * authorization.k8s.io, right after events.k8s.io (so `/apis` and `kubectl api-versions` list the
 * groups in upstream's order); each group's resources alphabetically, as its discovery lists them.
 */
const REVIEWS_IN_ORDER: readonly ResourceDefinition[] = [...reviewResources].sort(
  (a, b) => (a.group === b.group ? a.plural.localeCompare(b.plural) : a.group.localeCompare(b.group)),
);
/**
 * In a WDS, `cs` stays KubeStellar's CombinedStatus (its CRD's short name, and what a WDS user
 * means by `kubectl get cs`); kube-apiserver would resolve it to the deprecated ComponentStatuses,
 * which a WDS still serves under their full name.
 */
const WDS_COMPONENT_STATUSES: ResourceDefinition = { ...componentstatuses, shortNames: [] };
const BUILTIN_WITH_REVIEWS: readonly ResourceDefinition[] = (() => {
  const at = builtinResources.findLastIndex((d) => d.group === 'events.k8s.io') + 1;
  return [...builtinResources.slice(0, at), ...REVIEWS_IN_ORDER, ...builtinResources.slice(at)];
})();

/**
 * What each kind of space serves: a cluster the whole built-in API; a wds that plus the
 * KubeStellar control API; an ITS the hub's share of it (namespaces, configmaps, secrets,
 * leases, ...) plus the OCM hub API. The KubeStellar and OCM kinds are built in, not CRDs.
 */
function definitionsFor(type: SpaceType, services: ResourceDefinition): readonly ResourceDefinition[] {
  const all =
    type === 'its'
      ? [...coreResources, ...REVIEWS_IN_ORDER, ...coordinationResources, ...ocmResources]
      : type === 'wds'
        ? [...BUILTIN_WITH_REVIEWS.map((d) => (d === componentstatuses ? WDS_COMPONENT_STATUSES : d)), ...controlResources]
        : BUILTIN_WITH_REVIEWS.map((d) => (d === componentstatuses ? withControlPlane : d));
  // Each space has its own Service allocator, so its Service definition is its own too.
  return all.map((d) => (d.group === '' && d.plural === 'services' ? services : d));
}

export class SpaceManager {
  readonly root: ServedSpace;
  readonly #backend: Backend;
  readonly #served = new Map<string, ServedSpace>();
  /** Per space: what every replica runs (caches, serving). */
  readonly #controllers = new Map<string, ControllerGroup>();
  /** Per space: what only the leader runs. */
  readonly #singletons = new Map<string, ControllerGroup>();
  readonly #spaceObjects = new Map<string, KubeObject>();
  #leading: boolean;
  readonly #abort = new AbortController();

  readonly #onServe: ((space: ServedSpace) => void) | undefined;
  readonly #onUnserve: ((name: string) => void) | undefined;
  readonly #caCert: string | undefined;
  readonly #engineOptions: WdsEngineOptions;
  readonly #simulatorOptions: SimulatorOptions;
  readonly #tokens: ServiceAccountTokens | undefined;
  /** Callers waiting for a space to be served (a WDS for its ITS). */
  readonly #servedWaiters = new Map<string, (() => void)[]>();
  readonly #engines = new Map<string, WdsEngine>();
  /** Where this server is reached, for the `kubernetes` Service's endpoints (known once it listens). */
  #apiserverAddress: ApiserverAddress | undefined;
  readonly #apiserverServices = new Map<string, KubernetesServiceController>();

  /**
   * `onServe` runs for every space that starts being served (e.g. to write its kubeconfig);
   * `caCert` is published in every namespace as `kube-root-ca.crt`.
   */
  constructor(
    backend: Backend,
    options: {
      onServe?: (space: ServedSpace) => void;
      onUnserve?: (name: string) => void;
      caCert?: string;
      engine?: WdsEngineOptions;
      simulator?: SimulatorOptions;
      tokens?: ServiceAccountTokens;
      /** Start as the leader (default); replicas on etcd start as followers and elect one. */
      leading?: boolean;
    } = {},
  ) {
    this.#backend = backend;
    this.#onServe = options.onServe;
    this.#onUnserve = options.onUnserve;
    this.#caCert = options.caCert;
    this.#engineOptions = options.engine ?? {};
    this.#simulatorOptions = options.simulator ?? {};
    this.#tokens = options.tokens;
    this.#leading = options.leading ?? true;
    this.root = new ServedSpace({ backend, name: undefined, type: 'root', definitions: [spaces], generateName: randomSuffixName });
  }

  /** Serves every stored Space, then follows changes. */
  async start(): Promise<void> {
    await runInformer(
      this.root.store(spaces),
      '',
      {
        sync: async (items) => {
          const names = new Set(items.map((s) => s.metadata.name!));
          for (const name of [...this.#served.keys()]) if (!names.has(name)) this.#unserve(name);
          for (const space of items) await this.#serve(space);
        },
        event: async (e) => {
          if (e.type === 'DELETED') this.#unserve(e.object.metadata.name!);
          else await this.#serve(e.object);
        },
      },
      this.#abort.signal,
    );
  }

  stop(): void {
    this.#abort.abort();
    for (const g of [...this.#controllers.values(), ...this.#singletons.values()]) g.stop();
    this.#controllers.clear();
    this.#singletons.clear();
    for (const s of this.#served.values()) s.stop();
  }

  get(name: string): ServedSpace | undefined {
    return this.#served.get(name);
  }

  /** The KubeStellar engine of a WDS, once it runs. */
  engine(name: string): WdsEngine | undefined {
    return this.#engines.get(name);
  }

  /** The Space object a served space was created from. */
  async spaceObject(name: string): Promise<KubeObject> {
    return this.root.store(spaces).get('', name);
  }

  #whenServed(name: string): Promise<ServedSpace> {
    const served = this.#served.get(name);
    if (served !== undefined) return Promise.resolve(served);
    return new Promise((resolve) => {
      const list = this.#servedWaiters.get(name) ?? [];
      list.push(() => resolve(this.#served.get(name)!));
      this.#servedWaiters.set(name, list);
    });
  }

  names(): string[] {
    return [...this.#served.keys()];
  }

  /** Creates the Space if it does not exist yet; resolves once it is served. */
  async ensure(
    name: string,
    type: SpaceType,
    its?: string,
    clusterLabels?: Record<string, string>,
    agent?: 'InProcess' | 'External',
  ): Promise<ServedSpace> {
    const store = this.root.store(spaces);
    try {
      const spec: Record<string, unknown> = { type };
      if (its !== undefined) spec['its'] = its;
      if (clusterLabels !== undefined) spec['clusterLabels'] = clusterLabels;
      if (agent !== undefined) spec['agent'] = agent;
      const created = await store.create('', { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name }, spec });
      await this.#serve(created);
    } catch (err) {
      if (!isStatusError(err, 'AlreadyExists')) throw err;
      await this.#serve(await store.get('', name));
    }
    return this.#served.get(name)!;
  }

  async #serve(space: KubeObject): Promise<void> {
    const name = space.metadata.name!;
    if (this.#served.has(name)) return;
    const type = (space['spec'] as { type: SpaceType }).type;
    const allocations = new ServiceAllocationCache();
    const servicesDef = serviceDefinition(allocations);
    const spaceSpec = space['spec'] as { its?: string; clusterLabels?: Record<string, string>; agent?: 'InProcess' | 'External' };
    const served = new ServedSpace({
      backend: this.#backend,
      name,
      type,
      ...(type === 'cluster' &&
        spaceSpec.its !== undefined && {
          wec: { its: spaceSpec.its, labels: spaceSpec.clusterLabels ?? {}, agent: spaceSpec.agent ?? 'InProcess' },
        }),
      definitions: definitionsFor(type, servicesDef),
      generateName: randomSuffixName,
    });
    // Set before any await: a second #serve of the same space returns at the check above.
    this.#served.set(name, served);
    this.#onServe?.(served);
    const moved = await moveLegacyEvents(this.#backend, name);
    if (moved > 0) console.error(`space ${name}: moved ${moved} events.k8s.io Events written by an earlier version into core Events' storage`);
    const nsStore = served.store(namespaces);
    for (const ns of INITIAL_NAMESPACES) {
      try {
        await nsStore.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
    }
    // The built-in PriorityClasses, wherever scheduling.k8s.io is served.
    const priorityClasses = served.catalog.byResource('scheduling.k8s.io', 'priorityclasses');
    if (priorityClasses !== undefined) {
      for (const pc of bootstrapPriorityClasses()) {
        try {
          await served.store(priorityClasses).create('', pc);
        } catch (err) {
          if (!isStatusError(err, 'AlreadyExists')) throw err;
        }
      }
    }
    // Caches and serving controllers run on every replica: requests are answered from them.
    // RBAC is followed before requests are authorized against it.
    // (An ITS serves no RBAC kinds: there only system:masters is allowed in.)
    const group = new ControllerGroup();
    this.#controllers.set(name, group);
    const rbac = group.add(new RbacCache(served));
    if (served.catalog.byResource('rbac.authorization.k8s.io', 'clusterroles') !== undefined) {
      await rbac.start();
      served.rbac = rbac;
    }
    // Custom resources are served before anything acts on them.
    const crds = group.add(new CrdController(served, structuralSchemaOps));
    const allocator = new AbortController();
    group.add({ stop: () => allocator.abort() });
    await allocations.follow(served.store(servicesDef), allocator.signal);
    await crds.start();
    this.#spaceObjects.set(name, space);
    if (this.#leading) await this.#startSingletons(name);
    for (const w of this.#servedWaiters.get(name)?.splice(0) ?? []) w();
    if ((space['status'] as { url?: string } | undefined)?.url === undefined) {
      await this.root.store(spaces).guaranteedUpdate('', name, (cur) => {
        if ((cur['status'] as { url?: string } | undefined)?.url !== undefined) return cur; // another replica did it
        cur['status'] = { url: `/clusters/${name}`, conditions: [{ type: 'Ready', status: 'True', reason: 'Serving', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), message: '' }] };
        return cur;
      }, { subresource: 'status' });
    }
  }

  /**
   * Whether this replica runs the controllers that must act once per installation (garbage
   * collection, namespace finalization, tokens, the hub, KubeStellar's engine, simulated WECs).
   * A single process always does; replicas sharing etcd follow a leader election.
   */
  setLeading(leading: boolean): void {
    if (leading === this.#leading) return;
    this.#leading = leading;
    if (leading) {
      for (const name of this.#served.keys()) void this.#startSingletons(name).catch((err: unknown) => console.error(`starting the controllers of ${name} failed`, err));
      return;
    }
    for (const g of this.#singletons.values()) g.stop();
    this.#singletons.clear();
    this.#engines.clear();
  }

  get leading(): boolean {
    return this.#leading;
  }

  /** The address the `kubernetes` Service of every space points at (an IP literal and port). */
  setApiserverAddress(address: ApiserverAddress): void {
    this.#apiserverAddress = address;
    for (const c of this.#apiserverServices.values()) void c.kick();
  }

  async #startSingletons(name: string): Promise<void> {
    const served = this.#served.get(name);
    const space = this.#spaceObjects.get(name);
    if (served === undefined || space === undefined || this.#singletons.has(name)) return;
    const group = new ControllerGroup();
    this.#singletons.set(name, group);
    const type = served.type as SpaceType;
    await group.add(new LifecycleController(served)).start();
    if (this.#tokens !== undefined && this.#caCert !== undefined && !group.stopped) {
      await group.add(new TokenController(served, this.#tokens, this.#caCert)).start();
    }
    if (this.#caCert !== undefined && !group.stopped) {
      await group.add(new NamespaceDefaultsController(served, this.#caCert)).start();
    }
    if (served.catalog.byResource('rbac.authorization.k8s.io', 'clusterroles') !== undefined && !group.stopped) {
      await group.add(new ClusterRoleAggregationController(served)).start();
    }
    if (!group.stopped) await group.add(new ApiServiceRegistrationController(served)).start();
    if (!group.stopped) await group.add(new ResourceQuotaController(served)).start();
    if (!group.stopped) await group.add(new StorageProtectionController(served)).start();
    if (!group.stopped) {
      const apiserverService = group.add(new KubernetesServiceController(served, () => this.#apiserverAddress));
      this.#apiserverServices.set(name, apiserverService);
      group.add({ stop: () => this.#apiserverServices.delete(name) });
      apiserverService.start();
    }
    const spec = space['spec'] as { its?: string; itsKubeconfigSecret?: SecretRef; shards?: ShardSpec[] };
    if (type === 'its' && !group.stopped) {
      await group
        .add(new HubController(served))
        .start()
        .catch((err: unknown) => console.error(`starting the hub of ${name} failed`, err));
    }
    if (type === 'wds') {
      const shards: ShardSpec[] = spec.shards ?? (spec.its !== undefined ? [{ its: spec.its }] : spec.itsKubeconfigSecret !== undefined ? [{ itsKubeconfigSecret: spec.itsKubeconfigSecret }] : []);
      if (shards.length > 0) void this.#startEngine(served, shards, shards.length > 1, group);
    }
    // A WEC behaves like a cluster: its workloads get pods and status (never in a WDS).
    if (served.wec !== undefined && !group.stopped) {
      await group.add(new WorkloadSimulator(served, this.#simulatorOptions)).start();
    }
  }

  /** Runs KubeStellar for a WDS once every ITS it transports through is reachable. */
  async #startEngine(wds: ServedSpace, shards: readonly ShardSpec[], sharded: boolean, controllers: ControllerGroup): Promise<void> {
    const ports = await Promise.all(shards.map((s) => this.#itsPort(wds, s, controllers)));
    if (ports.some((p) => p === undefined) || this.#served.get(wds.name!) !== wds || controllers.stopped) return;
    const port = (): ItsPort => (sharded ? new ShardedIts(ports.map((p, i) => ({ name: shardName(shards[i]!), port: p! }))) : ports[0]!);
    // A ShardedIts serves one follower of each kind: upsync gets its own over the same shards.
    await this.#runEngine(wds, port(), controllers, sharded ? port() : undefined);
  }

  /** An ITS space of this server once served, or an external hub once the Secret with its kubeconfig exists. */
  async #itsPort(wds: ServedSpace, shard: ShardSpec, controllers: ControllerGroup): Promise<ItsPort | undefined> {
    if (shard.its !== undefined) {
      const its = await this.#whenServed(shard.its);
      if (its.type !== 'its') {
        console.error(`${wds.name}: space ${shard.its} is not an ITS`);
        return undefined;
      }
      return new EmbeddedIts(its);
    }
    const ref = shard.itsKubeconfigSecret!;
    const secrets = wds.catalog.byResource('', 'secrets')!;
    for (let logged = false; this.#served.get(wds.name!) === wds && !controllers.stopped; ) {
      try {
        const secret = await wds.store(secrets).get(ref.namespace, ref.name);
        const data = (secret['data'] ?? {}) as Record<string, string>;
        const text = Buffer.from(data[ref.key ?? 'kubeconfig'] ?? '', 'base64').toString('utf8');
        const kc = new KubeConfig();
        kc.loadFromString(text);
        return new ExternalIts(kc);
      } catch (err) {
        if (!logged) console.error(`${wds.name}: waiting for the ITS kubeconfig in Secret ${ref.namespace}/${ref.name}`, isStatusError(err) ? err.message : err);
        logged = true;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    return undefined;
  }

  async #runEngine(wds: ServedSpace, its: ItsPort, controllers: ControllerGroup, upsyncIts: ItsPort = its): Promise<void> {
    const engine = controllers.add(new WdsEngine(wds, its, this.#engineOptions));
    // Known as soon as it exists: its idle() waits for it to finish loading.
    if (!controllers.stopped) this.#engines.set(wds.name!, engine);
    try {
      await engine.start();
      if (!controllers.stopped) await controllers.add(new UpsyncController(wds, upsyncIts)).start();
    } catch (err) {
      console.error(`starting KubeStellar for ${wds.name} failed`, err);
    }
  }

  #unserve(name: string): void {
    this.#engines.delete(name);
    if (this.#served.has(name)) this.#onUnserve?.(name);
    this.#served.get(name)?.stop();
    this.#served.delete(name);
    this.#spaceObjects.delete(name);
    this.#controllers.get(name)?.stop();
    this.#controllers.delete(name);
    this.#singletons.get(name)?.stop();
    this.#singletons.delete(name);
  }
}
