/**
 * The properties each destination's templates are expanded with (spec §5), kept current from the
 * ITS: the whole ManagedClusters (labels and annotations) and the ConfigMaps of namespace
 * `customization-properties`, each named after its cluster. Every change answers which clusters'
 * properties really changed (propertiesEqual), so that the engine rewrites the works of
 * customized objects only when their expansion may differ, and never for a status heartbeat.
 */
import type { KubeObject } from '../../api/object.js';
import { clusterPropertiesOf, propertiesEqual, type ClusterProperties } from '../customize/index.js';
import type { FollowEvent } from './its-port.js';

export class ClusterPropertyIndex {
  readonly #clusters = new Map<string, KubeObject>();
  readonly #configMaps = new Map<string, KubeObject>();
  /** Computed maps, dropped on every change of their sources. */
  readonly #cache = new Map<string, ClusterProperties>();

  /** The properties of `cluster` now: at least `clusterName`, even for a cluster not in the inventory. */
  of(cluster: string): ClusterProperties {
    let props = this.#cache.get(cluster);
    if (props === undefined) {
      props = clusterPropertiesOf(cluster, this.#clusters.get(cluster), this.#configMaps.get(cluster));
      // Only clusters with a source are remembered, so asking about others does not grow the cache.
      if (this.#clusters.has(cluster) || this.#configMaps.has(cluster)) this.#cache.set(cluster, props);
    }
    return props;
  }

  /** A relist of the ManagedClusters; answers the clusters whose properties changed. */
  syncClusters(items: readonly KubeObject[]): string[] {
    return this.#sync(this.#clusters, items);
  }

  /** Whether the event changed the properties of its cluster. */
  clusterEvent(e: FollowEvent): boolean {
    return this.#set(this.#clusters, e.object.metadata.name!, e.type === 'DELETED' ? undefined : e.object);
  }

  syncConfigMaps(items: readonly KubeObject[]): string[] {
    return this.#sync(this.#configMaps, items);
  }

  configMapEvent(e: FollowEvent): boolean {
    return this.#set(this.#configMaps, e.object.metadata.name!, e.type === 'DELETED' ? undefined : e.object);
  }

  #sync(sources: Map<string, KubeObject>, items: readonly KubeObject[]): string[] {
    const next = new Map(items.map((o) => [o.metadata.name!, o]));
    const changed: string[] = [];
    for (const name of new Set([...sources.keys(), ...next.keys()])) if (this.#set(sources, name, next.get(name))) changed.push(name);
    return changed;
  }

  #set(sources: Map<string, KubeObject>, name: string, object: KubeObject | undefined): boolean {
    const before = this.of(name);
    if (object === undefined) sources.delete(name);
    else sources.set(name, object);
    this.#cache.delete(name);
    return !propertiesEqual(before, this.of(name));
  }
}
