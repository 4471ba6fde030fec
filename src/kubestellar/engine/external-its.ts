/**
 * The ITS port over an external OCM hub (or any ITS reachable by kubeconfig): ManagedClusters
 * and this WDS's ManifestWorks followed with list+watch, works written with
 * @kubernetes/client-node. Failures become Status errors, so the engine treats both ITS kinds alike.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../../api/object.js';
import { withKeepAlive } from '../../kube-client/kube.js';
import { ListWatch } from '../../kube-client/list-watch.js';
import { translated } from '../../kube-client/status-errors.js';
import { isStatusError } from '../../api/errors.js';
import { CLUSTER_GROUP, CUSTOMIZATION_PROPERTIES_NAMESPACE, WDS_NAME_LABEL, WORK_GROUP } from '../well-known.js';
import type { FollowHandlers, ItsPort } from './its-port.js';

const WORKS = { group: WORK_GROUP, version: 'v1', plural: 'manifestworks' };
const CLUSTERS = { group: CLUSTER_GROUP, version: 'v1', plural: 'managedclusters' };

export class ExternalIts implements ItsPort {
  readonly #kc: KubeConfig;
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.#kc = withKeepAlive(kc);
    this.#custom = this.#kc.makeApiClient(CustomObjectsApi);
    this.#core = this.#kc.makeApiClient(CoreV1Api);
  }

  async followClusters(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    await this.#follow(`/apis/${CLUSTER_GROUP}/v1/managedclusters`, () => this.#custom.listClusterCustomObject(CLUSTERS) as never, handlers, signal);
  }

  async followPropertyConfigMaps(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    const namespace = CUSTOMIZATION_PROPERTIES_NAMESPACE;
    await this.#follow(`/api/v1/namespaces/${namespace}/configmaps`, () => this.#core.listNamespacedConfigMap({ namespace }) as never, handlers, signal);
  }

  async followWorks(wdsName: string, handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    const selector = `${WDS_NAME_LABEL}=${wdsName}`;
    await this.#follow(
      `/apis/${WORK_GROUP}/v1/manifestworks`,
      () => this.#custom.listCustomObjectForAllNamespaces({ ...WORKS, labelSelector: selector }) as never,
      handlers,
      signal,
      { labelSelector: selector },
    );
  }

  async #follow(path: string, list: () => Promise<never>, handlers: FollowHandlers, signal: AbortSignal, query: Record<string, string> = {}): Promise<void> {
    const lw = new ListWatch(
      this.#kc,
      path,
      list,
      {
        add: (object) => handlers.event({ type: 'ADDED', object }),
        update: (object) => handlers.event({ type: 'MODIFIED', object }),
        delete: (object) => handlers.event({ type: 'DELETED', object }),
      },
      query,
    );
    signal.addEventListener('abort', () => lw.stop(), { once: true });
    lw.start();
    await lw.synced;
  }

  createWork(work: KubeObject): Promise<KubeObject> {
    return translated(() => this.#custom.createNamespacedCustomObject({ ...WORKS, namespace: work.metadata.namespace!, body: work }) as Promise<KubeObject>);
  }

  updateWork(work: KubeObject): Promise<KubeObject> {
    return translated(
      () => this.#custom.replaceNamespacedCustomObject({ ...WORKS, namespace: work.metadata.namespace!, name: work.metadata.name!, body: work }) as Promise<KubeObject>,
    );
  }

  async deleteWork(namespace: string, name: string): Promise<void> {
    try {
      await translated(() => this.#custom.deleteNamespacedCustomObject({ ...WORKS, namespace, name }));
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
}
