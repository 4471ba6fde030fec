/**
 * The hub side of an embedded ITS: a namespace per accepted ManagedCluster (its mailbox for
 * ManifestWorks and the agent's lease), the `customization-properties` namespace, and the
 * cluster conditions OCM's registration controller keeps (accepted, joined, available).
 */
import { isStatusError } from '../../api/errors.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import { runInformer } from '../../controllers/informer.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import { CLUSTER_GROUP, CLUSTER_LEASE_NAME, CUSTOMIZATION_PROPERTIES_NAMESPACE } from '../well-known.js';
import { mergeConditions, wantedClusterConditions, type Condition } from './cluster-conditions.js';

const MANAGER = { name: 'registration-controller', apiVersion: 'cluster.open-cluster-management.io/v1' };

export class HubController {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #clusters = new Map<string, KubeObject>();
  readonly #renewals = new Map<string, Date>();
  #timer: NodeJS.Timeout | undefined;

  constructor(space: ServedSpace) {
    this.#space = space;
  }

  #store(group: string, plural: string): GenericStore {
    const def: ResourceDefinition | undefined = this.#space.catalog.all().find((d) => d.group === group && d.plural === plural);
    if (def === undefined) throw new Error(`${plural}.${group} is not served in ${this.#space.name}`);
    return this.#space.store(def);
  }

  async start(): Promise<void> {
    await this.#ensureNamespace(CUSTOMIZATION_PROPERTIES_NAMESPACE);
    const signal = this.#abort.signal;
    await runInformer(
      this.#store('coordination.k8s.io', 'leases'),
      '',
      {
        sync: (items) => {
          this.#renewals.clear();
          for (const l of items) this.#noteLease(l);
        },
        event: (e) => {
          if (e.type === 'DELETED') {
            if (e.object.metadata.name === CLUSTER_LEASE_NAME) this.#renewals.delete(e.object.metadata.namespace!);
          } else this.#noteLease(e.object);
        },
      },
      signal,
    );
    await runInformer(
      this.#store(CLUSTER_GROUP, 'managedclusters'),
      '',
      {
        sync: (items) => {
          this.#clusters.clear();
          for (const c of items) {
            this.#clusters.set(c.metadata.name!, c);
            void this.#reconcile(c.metadata.name!);
          }
        },
        event: (e) => {
          const name = e.object.metadata.name!;
          if (e.type === 'DELETED') this.#clusters.delete(name);
          else {
            this.#clusters.set(name, e.object);
            void this.#reconcile(name);
          }
        },
      },
      signal,
    );
    // Availability decays without events: look again now and then.
    this.#timer = setInterval(() => {
      for (const name of this.#clusters.keys()) void this.#reconcile(name);
    }, 10_000).unref();
  }

  stop(): void {
    this.#abort.abort();
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  #noteLease(lease: KubeObject): void {
    if (lease.metadata.name !== CLUSTER_LEASE_NAME) return;
    const renew = (lease['spec'] as { renewTime?: string } | undefined)?.renewTime;
    if (renew === undefined) return;
    const ns = lease.metadata.namespace!;
    const had = this.#renewals.has(ns);
    this.#renewals.set(ns, new Date(renew));
    if (!had) void this.#reconcile(ns);
  }

  async #reconcile(name: string): Promise<void> {
    try {
      const cluster = this.#clusters.get(name);
      if (cluster === undefined) return;
      const spec = (cluster['spec'] ?? {}) as { hubAcceptsClient?: boolean; leaseDurationSeconds?: number };
      const accepted = spec.hubAcceptsClient === true;
      if (accepted) await this.#ensureNamespace(name);
      const now = new Date();
      const wanted = wantedClusterConditions({
        accepted,
        renewTime: this.#renewals.get(name),
        leaseDurationSeconds: spec.leaseDurationSeconds || 60,
        now,
      });
      const current = ((cluster['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
      const merged = mergeConditions(current, wanted, rfc3339(now));
      if (JSON.stringify(merged) === JSON.stringify(current)) return;
      await this.#store(CLUSTER_GROUP, 'managedclusters').guaranteedUpdate(
        '',
        name,
        (cur) => {
          const curConditions = ((cur['status'] as { conditions?: Condition[] } | undefined)?.conditions ?? []) as Condition[];
          return { ...cur, status: { ...(cur['status'] as object | undefined), conditions: mergeConditions(curConditions, wanted, rfc3339(now)) } };
        },
        { subresource: 'status', manager: MANAGER },
      );
    } catch (err) {
      if (!this.#abort.signal.aborted && !isStatusError(err, 'NotFound')) console.error(`hub: reconciling cluster ${name} failed`, err);
    }
  }

  async #ensureNamespace(name: string): Promise<void> {
    try {
      await this.#store('', 'namespaces').create('', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { manager: MANAGER });
    } catch (err) {
      if (!isStatusError(err, 'AlreadyExists')) throw err;
    }
  }
}
