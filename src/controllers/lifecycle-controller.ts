/**
 * Garbage collection and namespace cleanup for one space: follows every change in the space,
 * keeps the object index current, asks the lifecycle rules what to do about the objects a change
 * touches, and does it through the space's stores. Failed actions are retried after a pause;
 * conflicts and objects already gone are expected and ignored.
 */
import { isStatusError } from '../api/errors.js';
import { rfc3339, type KubeObject } from '../api/object.js';
import type { SpaceEvent } from '../registry/space-stream.js';
import type { ServedSpace } from '../spaces/served-space.js';
import { condition, type Condition } from '../agent/plan.js';
import { dependentActions, namespaceActions, ownerActions, type Action } from './lifecycle-rules.js';
import { isNamespace, ObjectIndex, toIndexed, type IndexedObject } from './object-index.js';

export interface LifecycleOptions {
  readonly log?: (msg: string, err?: unknown) => void;
  readonly retryMs?: number;
}

export class LifecycleController {
  readonly #space: ServedSpace;
  readonly #index = new ObjectIndex();
  readonly #abort = new AbortController();
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #retryMs: number;
  readonly #inFlight = new Set<string>();
  /** Namespaces whose conditions changed again while a report on them was being written. */
  readonly #reportAgain = new Set<string>();

  constructor(space: ServedSpace, options: LifecycleOptions = {}) {
    this.#space = space;
    this.#log = options.log ?? ((msg, err) => console.error(msg, err));
    this.#retryMs = options.retryMs ?? 1000;
  }

  /** Lists the space, acts on what it finds, then follows changes until stopped. */
  async start(): Promise<void> {
    const { items, revision } = await this.#space.objects.listAll();
    for (const item of items) this.#index.upsert(toIndexed(item));
    this.#act([...this.#index.all()]);
    void this.#follow(revision);
  }

  stop(): void {
    this.#abort.abort();
  }

  async #follow(afterRevision: number): Promise<void> {
    let revision = afterRevision;
    while (!this.#abort.signal.aborted) {
      try {
        for await (const events of this.#space.objects.watchAll(revision, this.#abort.signal)) {
          const touched = new Map<string, IndexedObject>();
          for (const e of events) {
            revision = e.revision;
            for (const o of this.#apply(e)) touched.set(o.uid, o);
          }
          this.#act([...touched.values()]);
        }
        return;
      } catch (err) {
        if (this.#abort.signal.aborted) return;
        // Fell behind or history compacted: start over from a fresh list.
        this.#log('lifecycle watch ended; relisting', err);
        const { items, revision: listed } = await this.#space.objects.listAll();
        for (const o of [...this.#index.all()]) this.#index.remove(o.uid);
        for (const item of items) this.#index.upsert(toIndexed(item));
        revision = listed;
        this.#act([...this.#index.all()]);
      }
    }
  }

  /** Updates the index and returns the objects whose rules may now say something new. */
  #apply(e: SpaceEvent): IndexedObject[] {
    const touched: IndexedObject[] = [];
    const uid = e.metadata.uid ?? '';
    const before = this.#index.get(uid);
    if (e.type === 'DELETED') this.#index.remove(uid);
    else this.#index.upsert(toIndexed(e));
    const now = this.#index.get(uid);
    if (now) touched.push(now);
    const subject = now ?? before;
    if (subject === undefined) return touched;
    // Its dependents (their owner changed or left), its owners before and after (one may wait for
    // it, or just have been let go by it), its namespace.
    touched.push(...this.#index.dependentsOf(uid));
    for (const owner of new Set([...subject.ownerUids, ...(before?.ownerUids ?? [])])) {
      const o = this.#index.get(owner);
      if (o) touched.push(o);
    }
    const ns = subject.namespace === '' ? undefined : this.#index.namespace(subject.namespace);
    if (ns) touched.push(ns);
    return touched;
  }

  #act(objects: IndexedObject[]): void {
    for (const o of objects) {
      const actions = [...dependentActions(this.#index, o), ...ownerActions(this.#index, o)];
      if (isNamespace(o)) actions.push(...namespaceActions(this.#index, o));
      for (const a of actions) this.#run(a);
    }
  }

  #run(action: Action): void {
    const key = `${action.kind}/${action.target.uid}/${'finalizer' in action ? action.finalizer : ''}`;
    if (this.#inFlight.has(key)) {
      // A report decided from an older index is being written: write the newer one after it
      // (the other actions are idempotent and their outcome brings the next decision).
      if (action.kind === 'namespaceConditions') this.#reportAgain.add(action.target.uid);
      return;
    }
    this.#inFlight.add(key);
    this.#perform(action)
      .catch((err: unknown) => {
        if (isStatusError(err, 'NotFound') || isStatusError(err, 'Conflict')) return;
        this.#log(`lifecycle ${action.kind} of ${action.target.def.plural}/${action.target.name} failed; retrying`, err);
        setTimeout(() => {
          const current = this.#index.get(action.target.uid);
          if (current && !this.#abort.signal.aborted) this.#act([current]);
        }, this.#retryMs).unref();
      })
      .finally(() => {
        this.#inFlight.delete(key);
        if (action.kind === 'namespaceConditions' && this.#reportAgain.delete(action.target.uid)) {
          const current = this.#index.get(action.target.uid);
          if (current && !this.#abort.signal.aborted) this.#act([current]);
        }
      });
  }

  async #perform(action: Action): Promise<void> {
    const t = action.target;
    const store = this.#space.store(t.def);
    const sameObject = (cur: KubeObject): boolean => cur.metadata.uid === t.uid;
    switch (action.kind) {
      case 'delete':
        await store.delete(t.namespace, t.name, { propagationPolicy: action.propagation, preconditions: { uid: t.uid } });
        return;
      case 'removeOwnerReferences':
        await store.guaranteedUpdate(t.namespace, t.name, (cur) => {
          if (!sameObject(cur)) return cur;
          const refs = (cur.metadata.ownerReferences ?? []).filter((r) => !action.ownerUids.includes(r.uid));
          if (refs.length > 0) cur.metadata.ownerReferences = refs;
          else delete cur.metadata.ownerReferences;
          return cur;
        });
        return;
      case 'removeFinalizer':
        await store.guaranteedUpdate(t.namespace, t.name, (cur) => {
          if (!sameObject(cur)) return cur;
          const rest = (cur.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
          if (rest.length > 0) cur.metadata.finalizers = rest;
          else delete cur.metadata.finalizers;
          return cur;
        });
        return;
      case 'namespaceConditions':
        await store.guaranteedUpdate(
          '',
          t.name,
          (cur) => {
            if (!sameObject(cur)) return cur;
            // Transition times move only with a condition's status, so an unchanged report is a
            // no-op write; condition types the controller does not report are kept.
            const status = (cur['status'] ?? {}) as { conditions?: Condition[] };
            const current = status.conditions ?? [];
            const now = rfc3339(new Date());
            const reported = new Set(action.conditions.map((c) => c.type));
            const written = action.conditions.map((c) => condition(current, c, now));
            cur['status'] = { ...status, conditions: [...current.filter((c) => !reported.has(c.type)), ...written] };
            return cur;
          },
          { subresource: 'status' },
        );
        return;
      case 'finalizeNamespace':
        await store.guaranteedUpdate(
          '',
          t.name,
          (cur) => {
            const spec = (cur['spec'] ?? {}) as { finalizers?: string[] };
            cur['spec'] = { ...spec, finalizers: (spec.finalizers ?? []).filter((f) => f !== 'kubernetes') };
            return cur;
          },
          { subresource: 'finalize' },
        );
        return;
    }
  }
}
