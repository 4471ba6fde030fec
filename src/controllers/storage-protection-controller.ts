/**
 * kube-controller-manager's pvc-protection and pv-protection controllers: follow claims, volumes
 * and pods, and take the protection finalizer off a deleting claim once no pod uses it, and off a
 * deleting volume once it is not Bound (decisions in spaces/storage-protection.ts). A pod that goes
 * away or finishes looks at the deleting claims of its namespace again.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { claimReleasable, PV_PROTECTION, PVC_PROTECTION, volumeReleasable } from '../spaces/storage-protection.js';
import { runInformer } from './informer.js';

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class StorageProtectionController {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;
  /** Pods by namespace, then by name. */
  readonly #pods = new Map<string, Map<string, KubeObject>>();
  /** Claims and volumes being deleted that still carry the finalizer. */
  readonly #deletingClaims = new Map<string, KubeObject>();

  constructor(space: ServedSpace, log?: (msg: string, err?: unknown) => void) {
    this.#space = space;
    this.#log = log ?? ((msg, err) => console.error(msg, err));
  }

  async start(): Promise<void> {
    const pods = this.#space.catalog.byResource('', 'pods');
    const claims = this.#space.catalog.byResource('', 'persistentvolumeclaims');
    const volumes = this.#space.catalog.byResource('', 'persistentvolumes');
    const signal = this.#abort.signal;
    if (pods !== undefined && claims !== undefined) {
      await runInformer(
        this.#space.store(pods),
        '',
        {
          sync: (items) => {
            this.#pods.clear();
            for (const p of items) this.#podSeen(p);
            this.#recheckClaims();
          },
          event: (e) => {
            if (e.type === 'DELETED') this.#pods.get(e.object.metadata.namespace ?? '')?.delete(e.object.metadata.name ?? '');
            else this.#podSeen(e.object);
            this.#recheckClaims(e.object.metadata.namespace ?? '');
          },
        },
        signal,
      );
      await runInformer(
        this.#space.store(claims),
        '',
        {
          sync: (items) => {
            this.#deletingClaims.clear();
            for (const c of items) this.#claimSeen(claims, c);
          },
          event: (e) => {
            if (e.type === 'DELETED') this.#deletingClaims.delete(keyOf(e.object));
            else this.#claimSeen(claims, e.object);
          },
        },
        signal,
      );
    }
    if (volumes !== undefined) {
      await runInformer(
        this.#space.store(volumes),
        '',
        {
          sync: (items) => {
            for (const v of items) if (volumeReleasable(v)) void this.#release(volumes, v, PV_PROTECTION);
          },
          event: (e) => {
            if (e.type !== 'DELETED' && volumeReleasable(e.object)) void this.#release(volumes, e.object, PV_PROTECTION);
          },
        },
        signal,
      );
    }
  }

  stop(): void {
    this.#abort.abort();
  }

  #podSeen(pod: KubeObject): void {
    const ns = pod.metadata.namespace ?? '';
    let byName = this.#pods.get(ns);
    if (byName === undefined) this.#pods.set(ns, (byName = new Map()));
    byName.set(pod.metadata.name ?? '', pod);
  }

  #claimSeen(def: ResourceDefinition, claim: KubeObject): void {
    const deleting = claim.metadata.deletionTimestamp !== undefined && (claim.metadata.finalizers ?? []).includes(PVC_PROTECTION);
    if (!deleting) {
      this.#deletingClaims.delete(keyOf(claim));
      return;
    }
    this.#deletingClaims.set(keyOf(claim), claim);
    this.#checkClaim(def, claim);
  }

  /** The deleting claims (of one namespace, or all) looked at again after their pods changed. */
  #recheckClaims(namespace?: string): void {
    const def = this.#space.catalog.byResource('', 'persistentvolumeclaims');
    if (def === undefined) return;
    for (const claim of this.#deletingClaims.values()) {
      if (namespace === undefined || claim.metadata.namespace === namespace) this.#checkClaim(def, claim);
    }
  }

  #checkClaim(def: ResourceDefinition, claim: KubeObject): void {
    const pods = this.#pods.get(claim.metadata.namespace ?? '')?.values() ?? [];
    if (claimReleasable(claim, pods)) void this.#release(def, claim, PVC_PROTECTION);
  }

  /** Takes the finalizer off the stored object (if it is still the one being deleted). */
  async #release(def: ResourceDefinition, obj: KubeObject, finalizer: string): Promise<void> {
    if (this.#abort.signal.aborted) return;
    try {
      await this.#space.store(def).guaranteedUpdate(
        obj.metadata.namespace ?? '',
        obj.metadata.name ?? '',
        (cur) => {
          if (cur.metadata.uid !== obj.metadata.uid || !(cur.metadata.finalizers ?? []).includes(finalizer)) return cur;
          const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== finalizer);
          if (rest.length > 0) cur.metadata.finalizers = rest;
          else delete cur.metadata.finalizers;
          return cur;
        },
        { manager: { name: 'kube-controller-manager', apiVersion: 'v1' } },
      );
    } catch (err) {
      if (!isStatusError(err, 'NotFound') && !this.#abort.signal.aborted) this.#log(`releasing ${finalizer} of ${keyOf(obj)} failed`, err);
    }
  }
}
