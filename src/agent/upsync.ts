/**
 * The work agent's side of upsync (docs/upsync.md): an upsync work is never applied. Its clauses
 * say which WEC objects to report; the agent lists and watches each named resource, and writes
 * the selected objects into the work's status (upsync-report.ts), debounced, only on change,
 * and only once every resource has been listed — a partial first report would read as "these
 * objects are gone" on the WDS side. Watches are shared by every upsync work naming a resource.
 */
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../api/object.js';
import { jsonEqual } from '../api/patch/json-value.js';
import { getJson, isNotFound, statusOf } from '../kube-client/kube.js';
import { ListWatch } from '../kube-client/list-watch.js';
import type { UpsyncClause } from '../kubestellar/binding/match.js';
import { clauseResources, parseClauses } from '../kubestellar/upsync/decide.js';
import { UPSYNC_CLAUSES_ANNOTATION, WORK_GROUP } from '../kubestellar/well-known.js';
import { DEFAULT_UPSYNC_MAX_BYTES, upsyncWorkStatus, type ResolvedResource, type ResourceState } from './upsync-report.js';

const WORKS = { group: WORK_GROUP, version: 'v1', plural: 'manifestworks' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface UpsyncReporterOptions {
  readonly wecKubeConfig: KubeConfig;
  readonly hubCustom: CustomObjectsApi;
  readonly clusterName: string;
  /** Bound on the reported manifests' JSON (default 1 MiB). */
  readonly maxBytes?: number;
  /** Coalescing delay of status writes (default 200 ms). */
  readonly debounceMs?: number;
  /** How often a resource the WEC does not serve is looked up again (default 10 s). */
  readonly rediscoverMs?: number;
  readonly log: (msg: string, err?: unknown) => void;
}

interface WorkState {
  work: KubeObject;
  clauses: UpsyncClause[] | undefined;
  resources: string[];
  timer: NodeJS.Timeout | undefined;
  /** What we last wrote, and the resourceVersion the hub gave it: an older copy in the informer is not a change. */
  written: { status: unknown; rv: number } | undefined;
  failures: number;
  flushing: boolean;
  dirty: boolean;
}

interface ResourceWatch {
  state: 'resolving' | 'unknown' | 'ready';
  message: string;
  info: ResolvedResource | undefined;
  lw: ListWatch | undefined;
  synced: boolean;
  readonly objects: Map<string, KubeObject>;
  readonly users: Set<string>;
  retry: NodeJS.Timeout | undefined;
}

/**
 * `group/resource` → preferred version, kind and scope, through discovery (`/apis/<group>`, then
 * the group-version's resource list); undefined when the WEC does not serve it, or it cannot be
 * listed and watched.
 */
export async function resolveResource(kc: KubeConfig, group: string, resource: string): Promise<ResolvedResource | undefined> {
  let version = 'v1';
  if (group !== '') {
    const g = await getJson(kc, `/apis/${group}`);
    if (g.status === 404) return undefined;
    if (g.status !== 200) throw new Error(`discovery of ${group} answered ${g.status}`);
    const body = g.body as { preferredVersion?: { version?: string }; versions?: { version?: string }[] };
    const v = body.preferredVersion?.version ?? body.versions?.[0]?.version;
    if (v === undefined) return undefined;
    version = v;
  }
  const r = await getJson(kc, group === '' ? `/api/${version}` : `/apis/${group}/${version}`);
  if (r.status === 404) return undefined;
  if (r.status !== 200) throw new Error(`discovery of ${group === '' ? version : `${group}/${version}`} answered ${r.status}`);
  const res = (r.body as { resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[] }).resources?.find((x) => x.name === resource);
  if (res === undefined || !(res.verbs ?? []).includes('list') || !(res.verbs ?? []).includes('watch')) return undefined;
  return { group, resource, version, kind: res.kind, namespaced: res.namespaced };
}

export class UpsyncReporter {
  readonly #o: UpsyncReporterOptions;
  readonly #works = new Map<string, WorkState>();
  readonly #resources = new Map<string, ResourceWatch>();
  #stopped = false;

  constructor(options: UpsyncReporterOptions) {
    this.#o = options;
  }

  /** An upsync work appeared or changed. */
  note(work: KubeObject): void {
    if (this.#stopped) return;
    const name = work.metadata.name!;
    const clauses = parseClauses(work.metadata.annotations?.[UPSYNC_CLAUSES_ANNOTATION]);
    const resources = clauses === undefined ? [] : clauseResources(clauses);
    let st = this.#works.get(name);
    if (st === undefined) this.#works.set(name, (st = { work, clauses, resources: [], timer: undefined, written: undefined, failures: 0, flushing: false, dirty: false }));
    for (const gr of st.resources) if (!resources.includes(gr)) this.#release(gr, name);
    for (const gr of resources) this.#acquire(gr, name);
    st.work = work;
    st.clauses = clauses;
    st.resources = resources;
    this.#schedule(name);
  }

  /** The work is gone (or is no longer an upsync work). */
  forget(name: string): void {
    const st = this.#works.get(name);
    if (st === undefined) return;
    if (st.timer !== undefined) clearTimeout(st.timer);
    for (const gr of st.resources) this.#release(gr, name);
    this.#works.delete(name);
  }

  stop(): void {
    this.#stopped = true;
    for (const name of [...this.#works.keys()]) this.forget(name);
  }

  #acquire(gr: string, work: string): void {
    let w = this.#resources.get(gr);
    if (w === undefined) {
      w = { state: 'resolving', message: '', info: undefined, lw: undefined, synced: false, objects: new Map(), users: new Set(), retry: undefined };
      this.#resources.set(gr, w);
      void this.#resolve(gr, w);
    }
    w.users.add(work);
  }

  #release(gr: string, work: string): void {
    const w = this.#resources.get(gr);
    if (w === undefined) return;
    w.users.delete(work);
    if (w.users.size > 0) return;
    w.lw?.stop();
    if (w.retry !== undefined) clearTimeout(w.retry);
    this.#resources.delete(gr);
  }

  async #resolve(gr: string, w: ResourceWatch): Promise<void> {
    const slash = gr.indexOf('/');
    const group = gr.slice(0, slash);
    const resource = gr.slice(slash + 1);
    let info: ResolvedResource | undefined;
    let transient = false;
    try {
      info = await resolveResource(this.#o.wecKubeConfig, group, resource);
    } catch (err) {
      transient = true;
      w.message = err instanceof Error ? err.message : String(err);
    }
    if (this.#stopped || this.#resources.get(gr) !== w) return; // released meanwhile
    if (info === undefined) {
      // An unreachable WEC keeps the report waiting; a resource it does not serve is reported as skipped.
      if (!transient) {
        w.state = 'unknown';
        w.message = 'no such resource (or it cannot be listed and watched)';
        this.#scheduleUsers(w);
      }
      w.retry = setTimeout(() => {
        w.retry = undefined;
        void this.#resolve(gr, w);
      }, transient ? 1000 : (this.#o.rediscoverMs ?? 10_000)).unref();
      return;
    }
    w.state = 'ready';
    w.info = info;
    const path = group === '' ? `/api/${info.version}/${resource}` : `/apis/${group}/${info.version}/${resource}`;
    const key = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    const changed = (o: KubeObject): void => {
      w.objects.set(key(o), o);
      if (w.synced) this.#scheduleUsers(w);
    };
    w.lw = new ListWatch(
      this.#o.wecKubeConfig,
      path,
      async () => {
        const r = await getJson(this.#o.wecKubeConfig, path);
        if (r.status !== 200) throw Object.assign(new Error(`listing ${path} answered ${r.status}`), { code: r.status });
        return r.body as never;
      },
      {
        add: changed,
        update: changed,
        delete: (o) => {
          w.objects.delete(key(o));
          if (w.synced) this.#scheduleUsers(w);
        },
      },
    );
    w.lw.start();
    await w.lw.synced;
    if (this.#resources.get(gr) !== w) return;
    w.synced = true;
    this.#scheduleUsers(w);
  }

  #scheduleUsers(w: ResourceWatch): void {
    for (const name of w.users) this.#schedule(name);
  }

  #schedule(name: string, delayMs = this.#o.debounceMs ?? 200): void {
    const st = this.#works.get(name);
    if (st === undefined || st.timer !== undefined || this.#stopped) return;
    st.timer = setTimeout(() => {
      st.timer = undefined;
      void this.#flush(name);
    }, delayMs).unref();
  }

  async #flush(name: string): Promise<void> {
    const st = this.#works.get(name);
    if (st === undefined || this.#stopped) return;
    // One write at a time per work, so an older report never lands after a newer one.
    if (st.flushing) {
      st.dirty = true;
      return;
    }
    st.flushing = true;
    try {
      await this.#report(name, st);
    } finally {
      st.flushing = false;
      if (st.dirty) {
        st.dirty = false;
        this.#schedule(name);
      }
    }
  }

  async #report(name: string, st: WorkState): Promise<void> {
    const states = new Map<string, ResourceState>();
    for (const gr of st.resources) {
      const w = this.#resources.get(gr);
      // Not listed yet: wait (its sync schedules this work again).
      if (w === undefined || w.state === 'resolving' || (w.state === 'ready' && !w.synced)) return;
      states.set(gr, w.state === 'unknown' ? { state: 'unknown', message: w.message } : { state: 'ready', info: w.info!, objects: w.objects.values() });
    }
    const hubStatus = st.work['status'] as Record<string, unknown> | undefined;
    const hubRv = Number(st.work.metadata.resourceVersion ?? 0);
    const caughtUp = st.written === undefined || hubRv >= st.written.rv;
    const status = upsyncWorkStatus({
      clauses: st.clauses,
      resources: states,
      generation: st.work.metadata.generation ?? 1,
      maxBytes: this.#o.maxBytes ?? DEFAULT_UPSYNC_MAX_BYTES,
      previous: caughtUp ? hubStatus : (st.written!.status as Record<string, unknown>),
      now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    // Equal to what the hub has, or to what we wrote (the hub may render it differently): no write, so no loop.
    if (jsonEqual(status, hubStatus) || (st.written !== undefined && jsonEqual(status, st.written.status))) return;
    try {
      const updated = (await this.#o.hubCustom.patchNamespacedCustomObjectStatus(
        { ...WORKS, namespace: this.#o.clusterName, name, body: { status } },
        merge,
      )) as KubeObject;
      st.written = { status, rv: Number(updated.metadata?.resourceVersion ?? 0) };
      st.failures = 0;
    } catch (err) {
      if (isNotFound(err)) return;
      st.failures++;
      this.#o.log(`reporting upsync work ${name}: ${statusOf(err) ?? (err as Error).message}`);
      this.#schedule(name, Math.min(30_000, 200 * 2 ** Math.min(st.failures, 8)));
    }
  }
}
