/**
 * The `kubernetes` Service in `default`, which kube-apiserver itself keeps in every cluster: a
 * ClusterIP Service on the first address of the service range (port 443, named `https`), and
 * the Endpoints and EndpointSlice (both named `kubernetes`) that point at the API server. Created
 * when missing, put back when deleted, and its endpoints moved when the server's address changes
 * (checked every 10 s, as upstream's reconciler). The Service's spec is otherwise the user's.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ServedSpace } from '../spaces/served-space.js';

export const KUBERNETES_SERVICE = 'kubernetes';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const NAMESPACE = 'default';
const RESYNC_MS = 10_000;

/** Where clients reach the API server: an IPv4 or IPv6 literal and its port. */
export interface ApiserverAddress {
  readonly ip: string;
  readonly port: number;
}

export function kubernetesService(port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: KUBERNETES_SERVICE_IP,
      clusterIPs: [KUBERNETES_SERVICE_IP],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }],
      sessionAffinity: 'None',
    },
  };
}

export function kubernetesEndpoints(address: ApiserverAddress): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address.ip }], ports: [{ name: 'https', port: address.port, protocol: 'TCP' }] }],
  };
}

export function kubernetesEndpointSlice(address: ApiserverAddress): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: KUBERNETES_SERVICE, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': KUBERNETES_SERVICE } },
    addressType: address.ip.includes(':') ? 'IPv6' : 'IPv4',
    endpoints: [{ addresses: [address.ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port: address.port, protocol: 'TCP' }],
  };
}

/** The fields of an endpoints object this controller owns, to compare the stored one with. */
const ENDPOINT_FIELDS = ['subsets', 'addressType', 'endpoints', 'ports'] as const;

/** Whether a stored Endpoints/EndpointSlice already says what `desired` says. */
export function endpointsCurrent(stored: KubeObject, desired: KubeObject): boolean {
  return ENDPOINT_FIELDS.every((f) => JSON.stringify(stored[f] ?? null) === JSON.stringify(desired[f] ?? null));
}

export class KubernetesServiceController {
  readonly #space: ServedSpace;
  readonly #address: () => ApiserverAddress | undefined;
  readonly #log: (msg: string, err?: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(space: ServedSpace, address: () => ApiserverAddress | undefined, log?: (msg: string, err?: unknown) => void) {
    this.#space = space;
    this.#address = address;
    this.#log = log ?? ((msg, err) => console.error(msg, err));
  }

  start(): void {
    this.kick();
    this.#timer = setInterval(() => this.kick(), RESYNC_MS);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  /** Reconciles now (one pass at a time); resolves when that pass is done. */
  kick(): Promise<void> {
    this.#running ??= this.#reconcile()
      .catch((err: unknown) => this.#log(`space ${this.#space.name ?? ''}: keeping the kubernetes Service failed`, err))
      .finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #reconcile(): Promise<void> {
    const address = this.#address();
    const services = this.#space.catalog.byResource('', 'services');
    if (this.#stopped || address === undefined || services === undefined) return;
    await this.#ensure(services, kubernetesService(address.port), () => true);
    const endpoints = this.#space.catalog.byResource('', 'endpoints');
    if (endpoints !== undefined) await this.#ensure(endpoints, kubernetesEndpoints(address), endpointsCurrent);
    const slices = this.#space.catalog.byResource('discovery.k8s.io', 'endpointslices');
    if (slices !== undefined) await this.#ensure(slices, kubernetesEndpointSlice(address), endpointsCurrent);
  }

  /** Creates `desired` when missing; rewrites the owned fields when `current(stored, desired)` says they moved. */
  async #ensure(def: ResourceDefinition, desired: KubeObject, current: (stored: KubeObject, desired: KubeObject) => boolean): Promise<void> {
    const store = this.#space.store(def);
    let stored: KubeObject | undefined;
    try {
      stored = await store.get(NAMESPACE, KUBERNETES_SERVICE);
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
    if (stored === undefined) {
      try {
        await store.create(NAMESPACE, desired);
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
      return;
    }
    if (current(stored, desired)) return;
    await store.guaranteedUpdate(NAMESPACE, KUBERNETES_SERVICE, (cur) => {
      for (const f of ENDPOINT_FIELDS) {
        if (desired[f] === undefined) delete cur[f];
        else cur[f] = desired[f];
      }
      return cur;
    });
  }
}
