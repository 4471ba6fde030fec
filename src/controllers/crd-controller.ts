/**
 * Serves custom resources: follows the space's CustomResourceDefinitions, adds each one's
 * resource to the catalogue (so discovery, routing and OpenAPI pick it up at once), reports
 * NamesAccepted and Established, and on deletion removes every custom resource before letting
 * the CRD go (the `customresourcecleanup.apiextensions.k8s.io` finalizer).
 */
import { isStatusError } from '../api/errors.js';
import { rfc3339, type KubeObject } from '../api/object.js';
import { definitionFromCrd, type CrdSpec, type SchemaOps } from '../registry/crd/from-crd.js';
import { decideNames, type NamingDecision } from '../registry/crd/naming.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';

export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const CRD_GROUP = 'apiextensions.k8s.io';
const CRD_PLURAL = 'customresourcedefinitions';

export class CrdController {
  readonly #space: ServedSpace;
  readonly #ops: (group: string, kind: string) => SchemaOps;
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;
  /**
   * CRD name → the definition it serves. A CRD whose spec did not change (a status or metadata
   * update) keeps its definition (same `builtFrom`), so its watches and caches go on, as upstream.
   */
  readonly #served = new Map<string, ResourceDefinition>();
  /** Every CRD as last seen: the names other CRDs of a group hold. */
  readonly #crds = new Map<string, KubeObject>();

  constructor(space: ServedSpace, ops: (group: string, kind: string) => SchemaOps, log?: (msg: string, err?: unknown) => void) {
    this.#space = space;
    this.#ops = ops;
    this.#log = log ?? ((msg, err) => console.error(msg, err));
  }

  #crdDef(): ResourceDefinition | undefined {
    return this.#space.catalog.byResource(CRD_GROUP, CRD_PLURAL);
  }

  /** Serves every stored CRD before returning, then follows changes. */
  async start(): Promise<void> {
    const def = this.#crdDef();
    if (def === undefined) return;
    await runInformer(
      this.#space.store(def),
      '',
      {
        sync: async (items) => {
          const names = new Set(items.map((c) => c.metadata.name!));
          for (const name of [...this.#served.keys()]) if (!names.has(name)) this.#unserve(name);
          this.#crds.clear();
          for (const crd of items) this.#crds.set(crd.metadata.name!, crd);
          for (const crd of items) await this.#reconcile(crd);
        },
        event: async (e) => {
          const name = e.object.metadata.name!;
          if (e.type === 'DELETED') {
            this.#crds.delete(name);
            this.#unserve(name);
          } else {
            this.#crds.set(name, e.object);
            await this.#reconcile(e.object);
          }
          await this.#reconsiderRefused(e.object);
        },
      },
      this.#abort.signal,
      this.#log,
    );
  }

  stop(): void {
    this.#abort.abort();
  }

  #unserve(name: string): void {
    const def = this.#served.get(name);
    if (def === undefined) return;
    this.#served.delete(name);
    this.#space.catalog.remove(def.group, def.plural);
  }

  async #reconcile(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    try {
      const terminating = crd.metadata.deletionTimestamp !== undefined;
      const naming = decideNames(crd, [...this.#crds.values()]);
      // Served under the names it was given: a requested name another CRD holds is not served.
      const requested = crd['spec'] as CrdSpec;
      const spec: CrdSpec = naming.namesAccepted.status === 'True' ? requested : { ...requested, names: { ...requested.names, ...naming.acceptedNames } };
      if (!terminating && naming.namesAccepted.status !== 'True' && naming.established !== undefined) {
        // Never established and a name is taken: nothing is served until the names are free.
        this.#unserve(name);
        await this.#reportNames(crd, naming);
        return;
      }
      const served = definitionFromCrd(spec, this.#ops(spec.group, spec.names.kind), { terminating });
      // A built-in resource wins over a CRD of the same name, as kube-apiserver's own handlers
      // come before apiextensions' (installing OCM's CRDs in an ITS changes nothing).
      const def = served !== undefined && this.#shadowed(served) ? undefined : served;
      if (terminating) {
        await this.#cleanUp(crd, def, served !== undefined && def === undefined);
        return;
      }
      if (served !== undefined && def === undefined) {
        await this.#ensureFinalizer(crd);
        await this.#reportNames(crd, naming);
        return;
      }
      if (def === undefined) {
        this.#unserve(name);
        return;
      }
      const current = this.#served.get(name);
      // A terminating definition (one refusing creates) is never kept for a live CRD.
      if (current === undefined || current.builtFrom !== def.builtFrom || current.createRefusal !== undefined || this.#space.catalog.byResource(def.group, def.plural) !== current) {
        this.#served.set(name, def);
        this.#space.catalog.add(def);
      }
      await this.#ensureFinalizer(crd);
      await this.#reportNames(crd, naming);
    } catch (err) {
      if (!isStatusError(err, 'NotFound') && !isStatusError(err, 'Conflict')) this.#log(`reconciling CRD ${name} failed`, err);
    }
  }

  #shadowed(def: ResourceDefinition): boolean {
    const existing = this.#space.catalog.byResource(def.group, def.plural);
    return existing !== undefined && ![...this.#served.values()].some((d) => d.group === existing.group && d.plural === existing.plural);
  }

  async #ensureFinalizer(crd: KubeObject): Promise<void> {
    if ((crd.metadata.finalizers ?? []).includes(CRD_CLEANUP_FINALIZER)) return;
    await this.#space.store(this.#crdDef()!).guaranteedUpdate('', crd.metadata.name!, (cur) => {
      const f = cur.metadata.finalizers ?? [];
      if (!f.includes(CRD_CLEANUP_FINALIZER)) cur.metadata.finalizers = [...f, CRD_CLEANUP_FINALIZER];
      return cur;
    });
  }

  /** Writes the accepted names and the NamesAccepted/Established conditions (no write when they already say so). */
  async #reportNames(crd: KubeObject, naming: NamingDecision): Promise<void> {
    const storage = (crd['spec'] as CrdSpec).versions.find((v) => v.storage)?.name;
    await this.#space.store(this.#crdDef()!).guaranteedUpdate(
      '',
      crd.metadata.name!,
      (cur) => {
        const st = (cur['status'] ?? {}) as { conditions?: Record<string, unknown>[]; storedVersions?: string[] };
        let conditions = withCondition(st.conditions ?? [], naming.namesAccepted);
        if (naming.established !== undefined) conditions = withCondition(conditions, naming.established);
        cur['status'] = {
          ...st,
          acceptedNames: naming.acceptedNames,
          conditions,
          storedVersions: [...new Set([...(st.storedVersions ?? []), ...(storage !== undefined ? [storage] : [])])],
        };
        return cur;
      },
      { subresource: 'status' },
    );
  }

  /** A CRD changed or went: others of its group whose names were refused may have them now. */
  async #reconsiderRefused(changed: KubeObject): Promise<void> {
    const group = (changed['spec'] as CrdSpec | undefined)?.group;
    for (const crd of [...this.#crds.values()]) {
      if (crd.metadata.name === changed.metadata.name || (crd['spec'] as CrdSpec).group !== group) continue;
      const conditions = ((crd['status'] as { conditions?: Record<string, unknown>[] } | undefined)?.conditions ?? []);
      if (conditions.some((c) => c['type'] === 'NamesAccepted' && c['status'] === 'False')) await this.#reconcile(crd);
    }
  }

  /**
   * Deletes every custom resource of a CRD being deleted, then releases the CRD. Meanwhile its
   * resources stay served, creates refused, and the Terminating condition tells how it goes.
   */
  async #cleanUp(crd: KubeObject, def: ResourceDefinition | undefined, overlapping: boolean): Promise<void> {
    const name = crd.metadata.name!;
    if (def !== undefined) {
      this.#served.set(name, def);
      this.#space.catalog.add(def);
      await this.#setTerminating(name, 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress');
      const store = this.#space.store(def);
      const { list } = await store.list('');
      const failures: string[] = [];
      for (const cr of list.items) {
        try {
          await store.delete(cr.metadata.namespace ?? '', cr.metadata.name!, {});
        } catch (err) {
          if (!isStatusError(err, 'NotFound')) failures.push(err instanceof Error ? err.message : String(err));
        }
      }
      if (failures.length > 0) {
        await this.#setTerminating(name, 'True', 'InstanceDeletionFailed', `could not issue all deletes: [${failures.join(', ')}]`);
        setTimeout(() => void this.#retry(name), 1000).unref();
        return;
      }
      // Objects with their own finalizers hold the CRD until they are gone (kube does the same).
      if ((await store.list('', { limit: 1 })).list.items.length > 0) {
        setTimeout(() => void this.#retry(name), 1000).unref();
        return;
      }
      await this.#setTerminating(name, 'False', 'InstanceDeletionCompleted', 'removed all instances');
    } else if (overlapping) {
      await this.#setTerminating(name, 'False', 'OverlappingBuiltInResource', 'instances overlap with built-in resources in storage');
    } else {
      await this.#setTerminating(name, 'False', 'NeverEstablished', 'resource was never established');
    }
    this.#unserve(name);
    await this.#space.store(this.#crdDef()!).guaranteedUpdate('', name, (cur) => {
      const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== CRD_CLEANUP_FINALIZER);
      if (rest.length > 0) cur.metadata.finalizers = rest;
      else delete cur.metadata.finalizers;
      return cur;
    });
  }

  /** Sets the CRD's Terminating condition (no write when it already says so). */
  async #setTerminating(name: string, status: 'True' | 'False', reason: string, message: string): Promise<void> {
    await this.#space.store(this.#crdDef()!).guaranteedUpdate(
      '',
      name,
      (cur) => {
        const st = (cur['status'] ?? {}) as { conditions?: Record<string, unknown>[] };
        cur['status'] = { ...st, conditions: withCondition(st.conditions ?? [], { type: 'Terminating', status, reason, message }) };
        return cur;
      },
      { subresource: 'status' },
    );
  }

  async #retry(name: string): Promise<void> {
    if (this.#abort.signal.aborted) return;
    try {
      await this.#reconcile(await this.#space.store(this.#crdDef()!).get('', name));
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) this.#log(`retrying CRD ${name} failed`, err);
    }
  }
}

/** `conditions` with `cond` set by type; the transition time changes only when the status does. */
export function withCondition(
  conditions: readonly Record<string, unknown>[],
  cond: { type: string; status: string; reason: string; message: string },
): Record<string, unknown>[] {
  const old = conditions.find((c) => c['type'] === cond.type);
  if (old !== undefined && old['status'] === cond.status && old['reason'] === cond.reason && old['message'] === cond.message) return [...conditions];
  const lastTransitionTime = old !== undefined && old['status'] === cond.status ? old['lastTransitionTime'] : rfc3339(new Date());
  const next = { ...cond, lastTransitionTime };
  return old === undefined ? [...conditions, next] : conditions.map((c) => (c === old ? next : c));
}
