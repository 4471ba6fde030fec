/**
 * kube-aggregator's autoregistration, per space: every group-version the space serves has a local
 * APIService (`<version>.<group>`, `v1.` for the core group, no `service`), so `kubectl get
 * apiservices` lists them as a cluster does, Available through the strategy's Local condition.
 *
 * Built-in group-versions carry the priorities kube-apiserver registers them with and the label
 * `kube-aggregator.kubernetes.io/automanaged: onstart`; every other served group-version (custom
 * resources, and KubeStellar's and OCM's kinds, which are CRDs in a KubeStellar install) gets
 * what the CRD registration controller gives a CRD: priorities 1000/100 and `automanaged: "true"`.
 * The aggregator's own group has no entry. Automanaged entries whose spec was edited are put
 * back, deleted ones recreated; an `onstart` entry for a group-version no longer served is removed
 * at start, a `"true"` one as soon as its group-version goes. APIServices without the label
 * (a chart's metrics-server) are never touched.
 */
import { isStatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { FieldManager } from '../registry/apply-schema.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { runInformer } from './informer.js';
import { serialRun } from './serial-run.js';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';
const GROUP = 'apiregistration.k8s.io';
const MANAGER: FieldManager = { name: 'kube-apiserver', apiVersion: `${GROUP}/v1` };

interface Priority {
  readonly group: number;
  readonly version: number;
}

/** kube-apiserver's priorities for its own group-versions (the aggregator's apiVersionPriorities). */
const BUILTIN_PRIORITIES: ReadonlyMap<string, Priority> = new Map(
  (
    [
      ['v1', 18000, 1],
      ['apps/v1', 17800, 15],
      ['events.k8s.io/v1', 17750, 15],
      ['authentication.k8s.io/v1', 17700, 15],
      ['authorization.k8s.io/v1', 17600, 15],
      ['autoscaling/v1', 17500, 15],
      ['autoscaling/v2', 17500, 30],
      ['batch/v1', 17400, 15],
      ['certificates.k8s.io/v1', 17300, 15],
      ['networking.k8s.io/v1', 17200, 15],
      ['policy/v1', 17100, 15],
      ['rbac.authorization.k8s.io/v1', 17000, 15],
      ['storage.k8s.io/v1', 16800, 15],
      ['apiextensions.k8s.io/v1', 16700, 15],
      ['admissionregistration.k8s.io/v1', 16700, 15],
      ['scheduling.k8s.io/v1', 16600, 15],
      ['coordination.k8s.io/v1', 16500, 15],
      ['node.k8s.io/v1', 16300, 15],
      ['discovery.k8s.io/v1', 16200, 15],
      ['flowcontrol.apiserver.k8s.io/v1', 16100, 21],
      ['resource.k8s.io/v1', 15900, 15],
    ] as const
  ).map(([gv, group, version]) => [gv, { group, version }]),
);

/** What the CRD registration controller gives every CRD group-version. */
const CRD_PRIORITY: Priority = { group: 1000, version: 100 };

export interface GroupVersions {
  readonly group: string;
  readonly versions: readonly string[];
}

/** A local APIService the space should have. */
export interface WantedApiService {
  readonly name: string;
  readonly spec: { readonly group: string; readonly version: string; readonly groupPriorityMinimum: number; readonly versionPriority: number };
  readonly automanaged: 'onstart' | 'true';
}

/** The local APIServices for the served group-versions (pure). */
export function wantedApiServices(served: readonly GroupVersions[]): WantedApiService[] {
  const out: WantedApiService[] = [];
  for (const { group, versions } of served) {
    if (group === GROUP) continue;
    for (const version of versions) {
      const builtin = BUILTIN_PRIORITIES.get(group === '' ? version : `${group}/${version}`);
      const priority = builtin ?? CRD_PRIORITY;
      out.push({
        name: `${version}.${group}`,
        spec: { group, version, groupPriorityMinimum: priority.group, versionPriority: priority.version },
        automanaged: builtin !== undefined ? 'onstart' : 'true',
      });
    }
  }
  return out;
}

export interface RegistrationChanges {
  readonly create: WantedApiService[];
  /** Automanaged entries whose spec or label differs from what is wanted. */
  readonly update: WantedApiService[];
  readonly delete: string[];
}

/**
 * The writes that bring the stored APIServices to the wanted ones (pure). Only automanaged
 * entries are updated or deleted; `onstart` ones that are no longer wanted only on the first sync.
 */
export function registrationChanges(wanted: readonly WantedApiService[], stored: readonly KubeObject[], firstSync: boolean): RegistrationChanges {
  const byName = new Map(stored.map((o) => [o.metadata.name!, o]));
  const wantedNames = new Set(wanted.map((w) => w.name));
  const create: WantedApiService[] = [];
  const update: WantedApiService[] = [];
  for (const w of wanted) {
    const existing = byName.get(w.name);
    if (existing === undefined) create.push(w);
    else if (existing.metadata.deletionTimestamp === undefined && automanagedOf(existing) !== undefined && !matches(existing, w)) update.push(w);
  }
  const del: string[] = [];
  for (const o of stored) {
    const mode = automanagedOf(o);
    if (wantedNames.has(o.metadata.name!) || mode === undefined || o.metadata.deletionTimestamp !== undefined) continue;
    if (mode === 'true' || firstSync) del.push(o.metadata.name!);
  }
  return { create, update, delete: del };
}

function automanagedOf(o: KubeObject): string | undefined {
  const v = o.metadata.labels?.[AUTOMANAGED_LABEL];
  return v === 'onstart' || v === 'true' ? v : undefined;
}

function matches(o: KubeObject, w: WantedApiService): boolean {
  const spec = (o['spec'] ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(spec), ...Object.keys(w.spec)]);
  return automanagedOf(o) === w.automanaged && [...keys].every((k) => spec[k] === (w.spec as Record<string, unknown>)[k]);
}

export class ApiServiceRegistrationController {
  readonly #space: ServedSpace;
  readonly #abort = new AbortController();
  readonly #stored = new Map<string, KubeObject>();
  #stopCatalog: (() => void) | undefined;
  #synced = false;
  /** One reconcile at a time; changes during one bring another after it. */
  readonly #kick: () => void;

  constructor(space: ServedSpace, options: { log?: (msg: string, err?: unknown) => void; retryMs?: number } = {}) {
    this.#space = space;
    const log = options.log ?? ((msg, err) => console.error(msg, err));
    this.#kick = serialRun(() => this.#reconcile(), {
      signal: this.#abort.signal,
      retryMs: options.retryMs ?? 1000,
      onError: (err) => log('registering local APIServices failed; retrying', err),
    });
  }

  async start(): Promise<void> {
    const def = this.#space.catalog.byResource(GROUP, 'apiservices');
    if (def === undefined) return;
    await runInformer(
      this.#space.store(def),
      '',
      {
        sync: (items) => {
          this.#stored.clear();
          for (const o of items) this.#stored.set(o.metadata.name!, o);
          this.#kick();
        },
        event: (e) => {
          if (e.type === 'DELETED') this.#stored.delete(e.object.metadata.name!);
          else this.#stored.set(e.object.metadata.name!, e.object);
          this.#kick();
        },
      },
      this.#abort.signal,
    );
    if (!this.#abort.signal.aborted) this.#stopCatalog = this.#space.catalog.onChange(() => this.#kick());
  }

  stop(): void {
    this.#abort.abort();
    this.#stopCatalog?.();
  }

  async #reconcile(): Promise<void> {
    const def = this.#space.catalog.byResource(GROUP, 'apiservices');
    if (def === undefined || this.#abort.signal.aborted) return;
    const store = this.#space.store(def);
    const changes = registrationChanges(wantedApiServices(this.#space.catalog.groups()), [...this.#stored.values()], !this.#synced);
    for (const w of changes.create) {
      const obj: KubeObject = { apiVersion: `${GROUP}/v1`, kind: 'APIService', metadata: { name: w.name, labels: { [AUTOMANAGED_LABEL]: w.automanaged } }, spec: { ...w.spec } };
      await ignore(store.create('', obj, { manager: MANAGER }), 'AlreadyExists');
    }
    for (const w of changes.update) {
      const put = store.guaranteedUpdate('', w.name, (cur) => {
        cur.metadata.labels = { ...cur.metadata.labels, [AUTOMANAGED_LABEL]: w.automanaged };
        cur['spec'] = { ...w.spec };
        return cur;
      }, { manager: MANAGER });
      await ignore(put, 'NotFound');
    }
    for (const name of changes.delete) await ignore(store.delete('', name, {}), 'NotFound');
    this.#synced = true;
  }
}

/** Awaits a write, treating one expected race (someone else got there first) as done. */
async function ignore(write: Promise<unknown>, reason: 'AlreadyExists' | 'NotFound'): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!isStatusError(err, reason)) throw err;
  }
}
