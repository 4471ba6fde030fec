/**
 * Serves custom resources: follows the space's CustomResourceDefinitions, adds each one's
 * resource to the catalogue (so discovery, routing and OpenAPI pick it up at once), reports
 * NamesAccepted and Established, and on deletion removes every custom resource before letting
 * the CRD go (the `customresourcecleanup.apiextensions.k8s.io` finalizer).
 */
import { isStatusError } from '../api/errors.js';
import { rfc3339, type KubeObject } from '../api/object.js';
import { definitionFromCrd, type CrdSpec, type SchemaOps } from '../registry/crd/from-crd.js';
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
  /** CRD name → the definition it serves. */
  readonly #served = new Map<string, ResourceDefinition>();
  /**
   * CRD name → the spec its definition was built from: a CRD whose spec did not change (a status
   * or metadata update) keeps its definition, so its watches and caches go on, as upstream.
   */
  readonly #builtFrom = new Map<string, string>();

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
          for (const crd of items) await this.#reconcile(crd);
        },
        event: async (e) => {
          if (e.type === 'DELETED') this.#unserve(e.object.metadata.name!);
          else await this.#reconcile(e.object);
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
    this.#builtFrom.delete(name);
    this.#space.catalog.remove(def.group, def.plural);
  }

  async #reconcile(crd: KubeObject): Promise<void> {
    const name = crd.metadata.name!;
    try {
      const spec = crd['spec'] as CrdSpec;
      const terminating = crd.metadata.deletionTimestamp !== undefined;
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
        await this.#reportEstablished(crd);
        return;
      }
      if (def === undefined) {
        this.#unserve(name);
        return;
      }
      const builtFrom = JSON.stringify(spec);
      if (this.#builtFrom.get(name) !== builtFrom || this.#space.catalog.byResource(def.group, def.plural) !== this.#served.get(name)) {
        this.#served.set(name, def);
        this.#builtFrom.set(name, builtFrom);
        this.#space.catalog.add(def);
      }
      await this.#ensureFinalizer(crd);
      await this.#reportEstablished(crd);
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

  async #reportEstablished(crd: KubeObject): Promise<void> {
    const spec = crd['spec'] as CrdSpec;
    const status = (crd['status'] ?? {}) as { conditions?: { type: string; status: string }[] };
    const established = (status.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
    if (established) return;
    const now = rfc3339(new Date());
    const storage = spec.versions.find((v) => v.storage)?.name;
    await this.#space.store(this.#crdDef()!).guaranteedUpdate(
      '',
      crd.metadata.name!,
      (cur) => {
        cur['status'] = {
          acceptedNames: {
            plural: spec.names.plural,
            singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
            kind: spec.names.kind,
            listKind: spec.names.listKind ?? `${spec.names.kind}List`,
            ...(spec.names.shortNames && { shortNames: spec.names.shortNames }),
            ...(spec.names.categories && { categories: spec.names.categories }),
          },
          conditions: [
            { type: 'NamesAccepted', status: 'True', lastTransitionTime: now, reason: 'NoConflicts', message: 'no conflicts found' },
            { type: 'Established', status: 'True', lastTransitionTime: now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
          ],
          storedVersions: [...new Set([...(((cur['status'] as { storedVersions?: string[] } | undefined)?.storedVersions) ?? []), ...(storage ? [storage] : [])])],
        };
        return cur;
      },
      { subresource: 'status' },
    );
  }

  /**
   * Deletes every custom resource of a CRD being deleted, then releases the CRD. Meanwhile its
   * resources stay served, creates refused, and the Terminating condition tells how it goes.
   */
  async #cleanUp(crd: KubeObject, def: ResourceDefinition | undefined, overlapping: boolean): Promise<void> {
    const name = crd.metadata.name!;
    if (def !== undefined) {
      this.#served.set(name, def);
      this.#builtFrom.delete(name);
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
