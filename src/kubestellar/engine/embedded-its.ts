/**
 * The ITS port over an ITS space served by this process: reads and writes go straight to the
 * space's stores (same storage, no HTTP), and follows are in-process informers.
 */
import { isStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { runInformer } from '../../controllers/informer.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import { CLUSTER_GROUP, CUSTOMIZATION_PROPERTIES_NAMESPACE, WDS_NAME_LABEL, WORK_GROUP } from '../well-known.js';
import type { FollowHandlers, ItsPort } from './its-port.js';

const TRANSPORT_MANAGER = { name: 'transport-controller', apiVersion: 'work.open-cluster-management.io/v1' };

export class EmbeddedIts implements ItsPort {
  readonly #space: ServedSpace;

  constructor(space: ServedSpace) {
    this.#space = space;
  }

  #store(group: string, plural: string): GenericStore {
    const def: ResourceDefinition | undefined = this.#space.catalog.all().find((d) => d.group === group && d.plural === plural);
    if (def === undefined) throw new Error(`space ${this.#space.name} does not serve ${plural}.${group}`);
    return this.#space.store(def);
  }

  get #works(): GenericStore {
    return this.#store(WORK_GROUP, 'manifestworks');
  }

  followClusters(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    return runInformer(this.#store(CLUSTER_GROUP, 'managedclusters'), '', { sync: (items) => handlers.sync(items), event: (e) => handlers.event(e) }, signal);
  }

  followPropertyConfigMaps(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    return runInformer(this.#store('', 'configmaps'), CUSTOMIZATION_PROPERTIES_NAMESPACE, { sync: (items) => handlers.sync(items), event: (e) => handlers.event(e) }, signal);
  }

  followWorks(wdsName: string, handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    const ours = (o: KubeObject): boolean => o.metadata.labels?.[WDS_NAME_LABEL] === wdsName;
    return runInformer(
      this.#works,
      '',
      {
        sync: (items) => handlers.sync(items.filter(ours)),
        // A work whose label changed away from this WDS is gone as far as it is concerned.
        event: (e) => (ours(e.object) ? handlers.event(e) : handlers.event({ type: 'DELETED', object: e.object })),
      },
      signal,
    );
  }

  createWork(work: KubeObject): Promise<KubeObject> {
    return this.#works.create(work.metadata.namespace!, work, { manager: TRANSPORT_MANAGER });
  }

  updateWork(work: KubeObject): Promise<KubeObject> {
    return this.#works.update(work.metadata.namespace!, work.metadata.name!, work, { manager: TRANSPORT_MANAGER });
  }

  async deleteWork(namespace: string, name: string): Promise<void> {
    try {
      await this.#works.delete(namespace, name);
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
}
