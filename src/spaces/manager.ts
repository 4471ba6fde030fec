/**
 * Keeps the set of served spaces equal to the Space objects of the root API: spaces found at
 * start are served at once, and a watch on the root adds and removes them as Spaces come and go.
 * A new space gets the namespaces every cluster has.
 */
import { randomInt } from 'node:crypto';
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { Backend } from '../../storage/index.js';
import { coordinationResources } from '../registry/builtin/coordination.js';
import { coreResources, namespaces, serviceDefinition } from '../registry/builtin/core.js';
import { builtinResources } from '../registry/builtin/index.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { spaces, type SpaceType } from '../registry/builtin/spaces.js';
import { CrdController } from '../controllers/crd-controller.js';
import { runInformer } from '../controllers/informer.js';
import { LifecycleController } from '../controllers/lifecycle-controller.js';
import { NamespaceDefaultsController } from '../controllers/namespace-defaults.js';
import { structuralSchemaOps } from '../registry/crd/schema-ops.js';
import { ServedSpace } from './served-space.js';
import { ServiceAllocationCache } from './service-allocations.js';

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffixName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/**
 * What each kind of space serves: a wds or a cluster the whole built-in API; an ITS the hub's
 * share of it (namespaces, configmaps, secrets, leases, ...), with the OCM kinds added as CRDs.
 */
function definitionsFor(type: SpaceType, services: ResourceDefinition): readonly ResourceDefinition[] {
  const all = type === 'its' ? [...coreResources, ...coordinationResources] : builtinResources;
  // Each space has its own Service allocator, so its Service definition is its own too.
  return all.map((d) => (d.group === '' && d.plural === 'services' ? services : d));
}

export class SpaceManager {
  readonly root: ServedSpace;
  readonly #backend: Backend;
  readonly #served = new Map<string, ServedSpace>();
  readonly #controllers = new Map<string, { stop(): void }[]>();
  readonly #abort = new AbortController();

  readonly #onServe: ((space: ServedSpace) => void) | undefined;
  readonly #caCert: string | undefined;

  /**
   * `onServe` runs for every space that starts being served (e.g. to write its kubeconfig);
   * `caCert` is published in every namespace as `kube-root-ca.crt`.
   */
  constructor(backend: Backend, options: { onServe?: (space: ServedSpace) => void; caCert?: string } = {}) {
    this.#backend = backend;
    this.#onServe = options.onServe;
    this.#caCert = options.caCert;
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
    for (const cs of this.#controllers.values()) for (const c of cs) c.stop();
    this.#controllers.clear();
    for (const s of this.#served.values()) s.stop();
  }

  get(name: string): ServedSpace | undefined {
    return this.#served.get(name);
  }

  names(): string[] {
    return [...this.#served.keys()];
  }

  /** Creates the Space if it does not exist yet; resolves once it is served. */
  async ensure(name: string, type: SpaceType, its?: string): Promise<ServedSpace> {
    const store = this.root.store(spaces);
    try {
      const spec: Record<string, string> = { type };
      if (its !== undefined) spec['its'] = its;
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
    const served = new ServedSpace({
      backend: this.#backend,
      name,
      type,
      definitions: definitionsFor(type, servicesDef),
      generateName: randomSuffixName,
    });
    this.#served.set(name, served);
    this.#onServe?.(served);
    const nsStore = served.store(namespaces);
    for (const ns of INITIAL_NAMESPACES) {
      try {
        await nsStore.create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
    }
    // Custom resources are served before anything acts on them.
    const crds = new CrdController(served, structuralSchemaOps);
    const lifecycle = new LifecycleController(served);
    const allocator = new AbortController();
    const controllers: { stop(): void }[] = [crds, lifecycle, { stop: () => allocator.abort() }];
    this.#controllers.set(name, controllers);
    await allocations.follow(served.store(servicesDef), allocator.signal);
    await crds.start();
    await lifecycle.start();
    if (this.#caCert !== undefined) {
      const defaults = new NamespaceDefaultsController(served, this.#caCert);
      controllers.push(defaults);
      await defaults.start();
    }
    if ((space['status'] as { url?: string } | undefined)?.url === undefined) {
      await this.root.store(spaces).guaranteedUpdate('', name, (cur) => {
        cur['status'] = { url: `/clusters/${name}`, conditions: [{ type: 'Ready', status: 'True', reason: 'Serving', lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), message: '' }] };
        return cur;
      }, { subresource: 'status' });
    }
  }

  #unserve(name: string): void {
    this.#served.get(name)?.stop();
    this.#served.delete(name);
    for (const c of this.#controllers.get(name) ?? []) c.stop();
    this.#controllers.delete(name);
  }
}
