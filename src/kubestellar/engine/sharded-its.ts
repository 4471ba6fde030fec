/**
 * One WDS over several ITS shards (embedded spaces or external OCM hubs), presented to the engine
 * as a single ITS port:
 *   - the inventory is the union of the shards', each cluster owned by one shard (shardOwner);
 *   - a work is created in its cluster's owning shard, and updated or deleted where it is;
 *   - the engine sees only works in the owning shard of their cluster (or in any shard while the
 *     cluster is registered nowhere, so it can clean them up); a work left in a shard that no
 *     longer owns its cluster is deleted here, and the engine recreates it in the new owner;
 *   - a cluster's property ConfigMap is the one in its owning shard; copies elsewhere are ignored.
 */
import { notFound } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { FollowEvent, FollowHandlers, ItsPort } from './its-port.js';
import { shardOwner } from './shard-owner.js';

export interface Shard {
  readonly name: string;
  readonly port: ItsPort;
}

const workKey = (o: KubeObject): string => `${o.metadata.namespace}/${o.metadata.name}`;

export class ShardedIts implements ItsPort {
  readonly #shards: readonly Shard[];
  readonly #log: (msg: string, err?: unknown) => void;
  /** shard → cluster → ManagedCluster. */
  readonly #clusters = new Map<string, Map<string, KubeObject>>();
  /** shard → ns/name → work (this WDS's only). */
  readonly #works = new Map<string, Map<string, KubeObject>>();
  /** What the engine was last told about each work: ns/name → shard. */
  readonly #shown = new Map<string, string>();
  /** shard → cluster → property ConfigMap. */
  readonly #configMaps = new Map<string, Map<string, KubeObject>>();
  /** The property ConfigMap the engine was last told about, per cluster. */
  readonly #shownConfigMaps = new Map<string, KubeObject>();
  #clusterHandlers: FollowHandlers | undefined;
  #configMapHandlers: FollowHandlers | undefined;
  #workHandlers: FollowHandlers | undefined;

  constructor(shards: readonly Shard[], log: (msg: string, err?: unknown) => void = (m, e) => console.error(m, e ?? '')) {
    if (new Set(shards.map((s) => s.name)).size !== shards.length) throw new Error('shard names must be unique');
    this.#shards = shards;
    this.#log = log;
    for (const s of shards) {
      this.#clusters.set(s.name, new Map());
      this.#configMaps.set(s.name, new Map());
      this.#works.set(s.name, new Map());
    }
  }

  /** The shard that owns `cluster` now; undefined when no shard has it registered. */
  ownerOf(cluster: string): string | undefined {
    return shardOwner(
      cluster,
      this.#shards.filter((s) => this.#clusters.get(s.name)!.has(cluster)).map((s) => s.name),
    );
  }

  #merged(): KubeObject[] {
    const out = new Map<string, KubeObject>();
    for (const perShard of this.#clusters.values()) {
      for (const name of perShard.keys()) {
        if (out.has(name)) continue;
        out.set(name, this.#clusters.get(this.ownerOf(name)!)!.get(name)!);
      }
    }
    return [...out.values()];
  }

  async followClusters(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.#shards.map((shard) =>
        shard.port.followClusters(
          {
            sync: (items) => {
              const before = new Set(this.#clusters.get(shard.name)!.keys());
              this.#clusters.set(shard.name, new Map(items.map((c) => [c.metadata.name!, c])));
              const names = new Set([...before, ...items.map((i) => i.metadata.name!)]);
              if (this.#clusterHandlers !== undefined) {
                this.#clusterHandlers.sync(this.#merged());
                for (const c of names) this.#reconsiderWorksOf(c);
              }
              // Last: the engine may reconcile at once, and the works must be where they belong by then.
              for (const c of names) this.#reconsiderConfigMapOf(c);
            },
            event: (e) => this.#clusterEvent(shard.name, e),
          },
          signal,
        ),
      ),
    );
    this.#clusterHandlers = handlers;
    handlers.sync(this.#merged());
  }

  #clusterEvent(shard: string, e: FollowEvent): void {
    const name = e.object.metadata.name!;
    const ownerBefore = this.ownerOf(name);
    if (e.type === 'DELETED') this.#clusters.get(shard)!.delete(name);
    else this.#clusters.get(shard)!.set(name, e.object);
    const owner = this.ownerOf(name);
    const h = this.#clusterHandlers;
    if (h !== undefined) {
      // The works move first: the engine may reconcile as soon as it hears of the cluster, and
      // must not update a copy in the shard that just lost it (its answer would resurrect it).
      if (owner !== ownerBefore) this.#reconsiderWorksOf(name);
      if (owner === undefined) {
        if (ownerBefore !== undefined) h.event({ type: 'DELETED', object: e.object });
      } else if (owner === shard || owner !== ownerBefore) {
        h.event({ type: ownerBefore === undefined ? 'ADDED' : 'MODIFIED', object: this.#clusters.get(owner)!.get(name)! });
      }
    }
    // Last: the engine may reconcile at once, and the works must be where they belong by then.
    if (owner !== ownerBefore) this.#reconsiderConfigMapOf(name);
  }

  /** Meaningful alongside followClusters on this port: ownership comes from the inventory it follows. */
  async followPropertyConfigMaps(handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.#shards.map((shard) =>
        shard.port.followPropertyConfigMaps(
          {
            sync: (items) => {
              const before = [...this.#configMaps.get(shard.name)!.keys()];
              this.#configMaps.set(shard.name, new Map(items.map((c) => [c.metadata.name!, c])));
              for (const c of new Set([...before, ...items.map((i) => i.metadata.name!)])) this.#reconsiderConfigMapOf(c);
            },
            event: (e) => {
              const mine = this.#configMaps.get(shard.name)!;
              if (e.type === 'DELETED') mine.delete(e.object.metadata.name!);
              else mine.set(e.object.metadata.name!, e.object);
              this.#reconsiderConfigMapOf(e.object.metadata.name!);
            },
          },
          signal,
        ),
      ),
    );
    this.#configMapHandlers = handlers;
    this.#shownConfigMaps.clear();
    for (const name of new Set([...this.#configMaps.values()].flatMap((m) => [...m.keys()]))) {
      const cm = this.#ownedConfigMap(name);
      if (cm !== undefined) this.#shownConfigMaps.set(name, cm);
    }
    handlers.sync([...this.#shownConfigMaps.values()]);
  }

  /** The property ConfigMap of `cluster` in the shard that owns it, if any. */
  #ownedConfigMap(cluster: string): KubeObject | undefined {
    const owner = this.ownerOf(cluster);
    return owner === undefined ? undefined : this.#configMaps.get(owner)!.get(cluster);
  }

  /** After a ConfigMap or the owner of its cluster changed: tell the engine what it now sees. */
  #reconsiderConfigMapOf(cluster: string): void {
    const h = this.#configMapHandlers;
    if (h === undefined) return;
    const want = this.#ownedConfigMap(cluster);
    const shown = this.#shownConfigMaps.get(cluster);
    if (want === shown) return;
    if (want === undefined) {
      this.#shownConfigMaps.delete(cluster);
      h.event({ type: 'DELETED', object: shown! });
    } else {
      this.#shownConfigMaps.set(cluster, want);
      h.event({ type: shown === undefined ? 'ADDED' : 'MODIFIED', object: want });
    }
  }

  async followWorks(wdsName: string, handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    await Promise.all(
      this.#shards.map((shard) =>
        shard.port.followWorks(
          wdsName,
          {
            sync: (items) => {
              const mine = this.#works.get(shard.name)!;
              const gone = [...mine.values()].filter((w) => !items.some((i) => workKey(i) === workKey(w)));
              this.#works.set(shard.name, new Map(items.map((w) => [workKey(w), w])));
              if (this.#workHandlers === undefined) return;
              for (const w of gone) this.#workEvent(shard.name, { type: 'DELETED', object: w });
              for (const w of items) this.#show(shard.name, w);
            },
            event: (e) => {
              const mine = this.#works.get(shard.name)!;
              if (e.type === 'DELETED') mine.delete(workKey(e.object));
              else mine.set(workKey(e.object), e.object);
              if (this.#workHandlers !== undefined) this.#workEvent(shard.name, e);
            },
          },
          signal,
        ),
      ),
    );
    this.#workHandlers = handlers;
    const visible: KubeObject[] = [];
    for (const shard of this.#shards) {
      for (const w of this.#works.get(shard.name)!.values()) {
        if (this.#visible(shard.name, w)) {
          visible.push(w);
          this.#shown.set(workKey(w), shard.name);
        } else this.#evict(shard.name, w);
      }
    }
    handlers.sync(visible);
  }

  /** Whether the engine should see this copy of a work. */
  #visible(shard: string, work: KubeObject): boolean {
    const owner = this.ownerOf(work.metadata.namespace!);
    return owner === undefined || owner === shard;
  }

  #workEvent(shard: string, e: FollowEvent): void {
    const key = workKey(e.object);
    if (e.type === 'DELETED') {
      if (this.#shown.get(key) === shard) {
        this.#shown.delete(key);
        this.#workHandlers!.event(e);
      }
      return;
    }
    this.#show(shard, e.object);
  }

  #show(shard: string, work: KubeObject): void {
    const key = workKey(work);
    if (!this.#visible(shard, work)) {
      if (this.#shown.get(key) === shard) {
        this.#shown.delete(key);
        this.#workHandlers!.event({ type: 'DELETED', object: work });
      }
      this.#evict(shard, work);
      return;
    }
    const type = this.#shown.has(key) ? 'MODIFIED' : 'ADDED';
    this.#shown.set(key, shard);
    this.#workHandlers!.event({ type, object: work });
  }

  /** After `cluster` changed owner: hide and remove copies in the old shard, show the new owner's. */
  #reconsiderWorksOf(cluster: string): void {
    if (this.#workHandlers === undefined) return;
    for (const shard of this.#shards) {
      for (const w of this.#works.get(shard.name)!.values()) if (w.metadata.namespace === cluster) this.#show(shard.name, w);
    }
  }

  #evict(shard: string, work: KubeObject): void {
    const port = this.#port(shard);
    port.deleteWork(work.metadata.namespace!, work.metadata.name!).catch((err: unknown) => this.#log(`removing ${workKey(work)} from shard ${shard}, which no longer owns the cluster`, err));
  }

  #port(shard: string): ItsPort {
    return this.#shards.find((s) => s.name === shard)!.port;
  }

  /** Where an existing work lives, else its cluster's owner. */
  #route(namespace: string, name: string): ItsPort {
    const shown = this.#shown.get(`${namespace}/${name}`);
    if (shown !== undefined) return this.#port(shown);
    const owner = this.ownerOf(namespace);
    if (owner === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
    return this.#port(owner);
  }

  createWork(work: KubeObject): Promise<KubeObject> {
    const owner = this.ownerOf(work.metadata.namespace!);
    if (owner === undefined) return Promise.reject(notFound({ group: '', resource: 'namespaces' }, work.metadata.namespace!));
    return this.#port(owner).createWork(work);
  }

  updateWork(work: KubeObject): Promise<KubeObject> {
    try {
      return this.#route(work.metadata.namespace!, work.metadata.name!).updateWork(work);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async deleteWork(namespace: string, name: string): Promise<void> {
    const shown = this.#shown.get(`${namespace}/${name}`);
    if (shown !== undefined) return this.#port(shown).deleteWork(namespace, name);
    // Unknown here: make sure no shard keeps it.
    await Promise.all(this.#shards.map((s) => s.port.deleteWork(namespace, name)));
  }
}
