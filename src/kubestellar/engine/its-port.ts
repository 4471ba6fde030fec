/**
 * What the engine of a WDS needs from its ITS: the ManagedCluster inventory, the clusters'
 * customization properties, its own ManifestWorks, and writes of ManifestWorks. The embedded
 * ITS answers in process; an external OCM hub would answer through its kubeconfig. Errors are
 * Kubernetes StatusErrors either way.
 */
import type { KubeObject } from '../../api/object.js';

export type FollowEvent = { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: KubeObject };

export interface FollowHandlers {
  /** The full current set, at start and after every relist. */
  sync(items: readonly KubeObject[]): void;
  event(e: FollowEvent): void;
}

export interface ItsPort {
  /** Resolves after the first sync; follows until `signal` aborts. */
  followClusters(handlers: FollowHandlers, signal: AbortSignal): Promise<void>;
  /**
   * The ConfigMaps of namespace `customization-properties`, each named after the cluster whose
   * template properties it holds (spec §5). Resolves after the first sync; follows until `signal` aborts.
   */
  followPropertyConfigMaps(handlers: FollowHandlers, signal: AbortSignal): Promise<void>;
  /** ManifestWorks labelled with this WDS's name, in every cluster namespace. */
  followWorks(wdsName: string, handlers: FollowHandlers, signal: AbortSignal): Promise<void>;
  createWork(work: KubeObject): Promise<KubeObject>;
  /** Replaces a work; `work.metadata.resourceVersion` is the precondition. */
  updateWork(work: KubeObject): Promise<KubeObject>;
  deleteWork(namespace: string, name: string): Promise<void>;
}
