/**
 * The cluster IPs and node ports a space's Services use, kept by an informer so the Service
 * strategy picks free ones (unique per space, as a cluster's allocator makes them). Two creates
 * racing for the same free value are possible in principle; picks start at a uid-derived offset,
 * so that needs two new Services hashing to the same free slot at the same moment.
 */
import type { KubeObject } from '../api/object.js';
import { runInformer } from '../controllers/informer.js';
import type { ServiceAllocations } from '../registry/builtin/service-alloc.js';
import type { GenericStore } from '../registry/store.js';

interface Uses {
  readonly ips: string[];
  readonly ports: number[];
}

function usesOf(svc: KubeObject): Uses {
  const spec = (svc['spec'] ?? {}) as { clusterIPs?: unknown; clusterIP?: unknown; ports?: unknown };
  const ips = (Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [spec.clusterIP]).filter(
    (ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None',
  );
  const ports = (Array.isArray(spec.ports) ? spec.ports : [])
    .map((p) => (p as { nodePort?: unknown }).nodePort)
    .filter((p): p is number => typeof p === 'number');
  return { ips, ports };
}

export class ServiceAllocationCache implements ServiceAllocations {
  readonly #byService = new Map<string, Uses>();
  #ips = new Set<string>();
  #ports = new Set<number>();

  clusterIPs(): ReadonlySet<string> {
    return this.#ips;
  }

  nodePorts(): ReadonlySet<number> {
    return this.#ports;
  }

  /** Fills the cache from the store and keeps it current until `signal` aborts. */
  follow(store: GenericStore, signal: AbortSignal): Promise<void> {
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    return runInformer(
      store,
      '',
      {
        sync: (items) => {
          this.#byService.clear();
          for (const svc of items) this.#byService.set(key(svc), usesOf(svc));
          this.#rebuild();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#byService.delete(key(e.object));
          else this.#byService.set(key(e.object), usesOf(e.object));
          this.#rebuild();
        },
      },
      signal,
    );
  }

  #rebuild(): void {
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (const u of this.#byService.values()) {
      for (const ip of u.ips) ips.add(ip);
      for (const p of u.ports) ports.add(p);
    }
    this.#ips = ips;
    this.#ports = ports;
  }
}
