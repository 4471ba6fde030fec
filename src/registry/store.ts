/**
 * GenericStore: get, list, create, update, delete and watch for any resource definition in one
 * space. It fills system metadata, runs the strategy, maps objects to keys and storage errors to
 * Status errors; the HTTP layer only parses requests and renders results.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  resourceExpired,
  timeout,
  fieldErrors,
  invalid,
  isStatusError,
  notFound,
  type FieldError,
  type GroupResource,
} from '../api/errors.js';
import { rfc3339, type KubeList, type KubeObject } from '../api/object.js';
import { continueExpired, type ReadPoint } from '../api/resource-version.js';
import {
  createKey,
  deleteKey,
  isStorageError,
  listenToWatch,
  updateKey,
  type Backend,
  type KeyValue,
  type RangeResult,
  type Watch,
  type WatchControl,
  type WatchEvent,
} from '../../storage/index.js';
import { cloneJson } from '../api/patch/json-value.js';
import { decodeKv, decodeShared, encodeObject, encodeWritten, jsonWithRevision, jsonWithRevisionParts } from './codec.js';
import { apiVersionOf, type ResourceDefinition } from './definition.js';
import { interpretStorageError } from './interpret.js';
import { listPrefix, objectKey } from './keys.js';
import { managedFieldsAfterUpdate, type FieldManager } from './apply-schema.js';
import { approvalUpdate, finalizersUpdate, statusUpdate } from './strategy.js';

export interface StoreDeps {
  readonly backend: Backend;
  /** The space, or undefined for the root API. */
  readonly space: string | undefined;
  readonly now?: () => Date;
  /** Checks the namespace a new object goes into (exists, not terminating); throws a StatusError. */
  readonly admitNamespace?: (namespace: string, gr: GroupResource, name: string) => Promise<void>;
  /** Validation of metadata and schema shared by all kinds; returns every problem. */
  readonly validateCommon?: (def: ResourceDefinition, obj: KubeObject, old?: KubeObject) => FieldError[];
  /** Random suffixes for generateName. */
  readonly generateName?: (prefix: string) => string;
  /**
   * Admission that reads other objects (kube's Priority plugin): sees the object as sent, before
   * the kind's prepareForCreate/prepareForUpdate, may change it, and throws a StatusError to
   * refuse. Not called for subresource writes.
   */
  readonly admitWrite?: (operation: 'create' | 'update', obj: KubeObject, old?: KubeObject) => Promise<void>;
  /** Validating admission of the same kind: sees the object as it will be stored, after validation. */
  readonly validateWrite?: (operation: 'create' | 'update', obj: KubeObject, old?: KubeObject, dryRun?: boolean) => Promise<void>;
  /** Told after each committed write (not dry runs), e.g. so a cache of these objects reloads. */
  readonly afterWrite?: () => void;
  /**
   * Whether deletes follow the kind's grace period (strategy.gracePeriod): set where something
   * finishes graceful deletions (a kubelet); elsewhere objects go at once, as nothing would.
   */
  readonly gracefulDeletion?: boolean;
}

export interface WriteOptions {
  readonly dryRun?: boolean;
  /**
   * `status`: only the object's status changes; `finalize`: only spec.finalizers; `approval` (a
   * CertificateSigningRequest's): only status.conditions. Everything else is kept from the stored
   * object. Any other name is one of the definition's `subresources.extra` with an update
   * strategy (pods/ephemeralcontainers, pods/resize, pods/binding).
   */
  readonly subresource?: string;
  /** Record this write in managedFields under this manager (client writes; apply records its own). */
  readonly manager?: FieldManager;
  /** Admission on the object as it will be stored (after defaulting and validation); throws (or rejects) to refuse. */
  readonly admit?: (obj: KubeObject, old?: KubeObject) => void | Promise<void>;
  /**
   * Mutating admission of the request (webhooks), after the built-in plugins and before the kind's
   * prepare and validation: returns the object to go on with; throws (or rejects) to refuse.
   */
  readonly mutate?: (obj: KubeObject, old?: KubeObject) => Promise<KubeObject | undefined> | undefined;
}

export interface ListOptions {
  readonly predicate?: (obj: KubeObject) => boolean;
  readonly limit?: number;
  /** Which state to read (default: the latest). */
  readonly read?: ReadPoint;
  /** Resume at this key (inclusive), relative to the listed prefix; from a continue token. */
  readonly continueKey?: string;
}

export interface ListResult {
  readonly list: KubeList;
  /** Set when more remain: where the next page starts (relative key) and the list revision. */
  readonly next?: { readonly key: string; readonly revision: number };
  /** With `next`, for a list without a selector: how many objects remain (ListMeta.remainingItemCount). */
  readonly remaining?: number;
}

export interface DeleteOptions extends WriteOptions {
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  /** The deprecated orphanDependents was given as false: a deferred deletion is then answered 202. */
  readonly orphanDependentsFalse?: boolean;
  /** Admission of the deletion, given the stored object (after preconditions); throws (or rejects) to refuse. */
  readonly admitDelete?: (old: KubeObject) => void | Promise<void>;
  /** DeleteOptions.gracePeriodSeconds: undefined for the kind's default. */
  readonly gracePeriodSeconds?: number;
}

/**
 * Whether a delete removed the object (what it returned has no deletion pending) rather than
 * marking it for finalizers or a grace period to finish.
 */
export function deletionCompleted(def: ResourceDefinition, obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp === undefined) return true;
  if ((obj.metadata.deletionGracePeriodSeconds ?? 0) > 0) return false;
  return (obj.metadata.finalizers ?? []).length === 0 && def.strategy.heldForDeletion?.(obj) !== true;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ObjectEvent {
  readonly type: WatchEventType;
  /** Shared with every other watcher of the same change: read-only. */
  readonly object: KubeObject;
  readonly revision: number;
  /** Identifies the stored change, so renderings of it can be cached across watchers. */
  readonly source: object;
}

/** A page of a streamed list: objects as JSON bytes with their resourceVersion. */
export interface JsonPage {
  readonly revision: number;
  /** Each object as the pieces of its JSON, to be written in order. */
  readonly items: readonly (readonly Buffer[])[];
  /** On the last page of a limited list: where the next one starts. */
  readonly next?: { readonly key: string; readonly revision: number };
  /** With `next`: how many objects come after this page (ListMeta.remainingItemCount). */
  readonly remaining?: number;
}

/** What watchEach returns: resume after a pause, close, and (when caught up) how far the watch got. */
export type { WatchControl };

/** The consumer of watchEach: return false from next() to pause until the control's resume(). */
export interface ObjectEventListener {
  /** The array and its events may be shared with other watchers: read-only. */
  next(events: readonly ObjectEvent[]): boolean;
  /** Once: no argument when closed, aborted or cut off as too slow; else the Status error. */
  end(error?: unknown): void;
}

export interface StoreWatchOptions {
  readonly predicate?: (obj: KubeObject) => boolean;
  /** Only objects of this name: told by their keys, so nothing else is decoded. */
  readonly name?: string;
  /** Events after this revision. */
  readonly afterRevision: number;
  readonly signal?: AbortSignal;
}

const MAX_UPDATE_RETRIES = 16;

/** Internal: a lost compare-and-swap, carrying the Conflict to report if retries run out. */
class CasLost extends Error {
  constructor(conflict: unknown) {
    super('compare-and-swap lost', { cause: conflict });
  }
}

export class GenericStore {
  readonly def: ResourceDefinition;
  readonly gr: GroupResource;
  readonly #deps: StoreDeps;

  constructor(def: ResourceDefinition, deps: StoreDeps) {
    this.def = def;
    this.gr = { group: def.group, resource: def.plural };
    this.#deps = deps;
  }

  private get backend(): Backend {
    return this.#deps.backend;
  }

  /** The newest resourceVersion of the whole store. */
  currentRevision(): number {
    return this.#deps.backend.currentRevision();
  }

  async get(namespace: string, name: string): Promise<KubeObject> {
    const kv = await this.#read(namespace, name);
    if (kv === undefined) throw notFound(this.gr, name);
    return decodeKv(kv);
  }

  /** The object as response bytes, without decoding it. */
  async getJson(namespace: string, name: string): Promise<Buffer> {
    const kv = await this.#read(namespace, name);
    if (kv === undefined) throw notFound(this.gr, name);
    return jsonWithRevision(kv.value, kv.modRevision);
  }

  /**
   * An unfiltered list as response bytes, page by page at one revision, so a LIST of any size is
   * written out with memory for one page at a time. With `limit`, exactly one page.
   */
  async *scanJson(namespace: string, options: Omit<ListOptions, 'predicate'> = {}, pageSize = 500): AsyncGenerator<JsonPage> {
    const prefix = listPrefix(this.#deps.space, this.def, namespace);
    const limit = options.limit ?? 0;
    let revision = this.#revisionFor(options.read ?? { kind: 'latest' });
    let fromKey = options.continueKey === undefined ? undefined : prefix + options.continueKey;
    for (;;) {
      const want = limit > 0 ? limit : pageSize;
      let r: RangeResult;
      try {
        r = await this.backend.range(prefix, { revision, limit: want, ...(fromKey && { fromKey }), ...(limit > 0 && { count: true }) });
      } catch (err) {
        throw this.#listError(err, options.continueKey);
      }
      revision = r.revision;
      const items = r.kvs.map((kv) => jsonWithRevisionParts(kv.value, kv.modRevision));
      const last = r.kvs[r.kvs.length - 1];
      if (limit > 0) {
        yield r.more && last
          ? { revision, items, next: { key: `${last.key}\0`.slice(prefix.length), revision }, ...remainingOf(r) }
          : { revision, items };
        return;
      }
      yield { revision, items };
      if (!r.more || !last) return;
      fromKey = `${last.key}\0`;
    }
  }

  #listError(err: unknown, continueKey: string | undefined): unknown {
    // etcd3's interpretListError: a list (not a watch) at a compacted revision.
    if (isStorageError(err, 'Compacted')) return continueKey !== undefined ? continueExpired(continueKey) : expired('The resourceVersion for the provided list is too old.');
    return isStorageError(err) ? interpretStorageError(err, this.gr, '') : err;
  }

  async list(namespace: string, options: ListOptions = {}): Promise<ListResult> {
    const prefix = listPrefix(this.#deps.space, this.def, namespace);
    const limit = options.limit ?? 0;
    const predicate = options.predicate;
    const items: KubeObject[] = [];
    let revision = this.#revisionFor(options.read ?? { kind: 'latest' });
    let fromKey = options.continueKey === undefined ? undefined : prefix + options.continueKey;
    let lastKey: string | undefined;
    // With a selector, pages are refilled until the limit is met or the keys run out (as the apiserver does).
    for (;;) {
      const want = limit > 0 ? limit - items.length : 0;
      // Without a selector, a page tells how many objects remain (as etcd3 storage counts them).
      const count = want > 0 && predicate === undefined;
      let r: RangeResult;
      try {
        r = await this.backend.range(prefix, { revision, ...(want && { limit: want }), ...(fromKey && { fromKey }), ...(count && { count: true }) });
      } catch (err) {
        throw this.#listError(err, options.continueKey);
      }
      revision = r.revision;
      for (const kv of r.kvs) {
        lastKey = kv.key;
        const obj = decodeKv(kv);
        if (!predicate || predicate(obj)) items.push(obj);
      }
      if (!r.more) return { list: this.#listOf(items, r.revision) };
      fromKey = `${lastKey}\0`;
      if (limit > 0 && items.length >= limit) {
        return { list: this.#listOf(items, r.revision), next: { key: fromKey.slice(prefix.length), revision: r.revision }, ...(count && remainingOf(r)) };
      }
    }
  }

  /**
   * Waits up to `maxWaitMs` for the store to reach `revision` (another replica may be ahead),
   * then gives up with the 504 clients relist on.
   */
  async waitForRevision(revision: number, maxWaitMs = 3000): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    while (this.backend.currentRevision() < revision) {
      if (Date.now() >= deadline) throw tooLargeResourceVersion(revision, this.backend.currentRevision());
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The revision a read point resolves to; a revision the store has not reached yet is a 504. */
  #revisionFor(read: ReadPoint): number {
    const current = this.backend.currentRevision();
    switch (read.kind) {
      case 'latest':
      case 'any':
        return current;
      case 'exact':
        if (read.revision > current) throw tooLargeResourceVersion(read.revision, current);
        return read.revision;
      case 'notOlderThan':
        if (read.revision > current) throw tooLargeResourceVersion(read.revision, current);
        return current;
    }
  }

  async create(namespace: string, input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const obj = cloneJson(input);
    this.#checkNamespace(namespace, obj);
    let meta = obj.metadata;
    if (!meta.name && meta.generateName && this.#deps.generateName) meta.name = this.#deps.generateName(meta.generateName);
    if (this.#deps.admitWrite !== undefined) await this.#deps.admitWrite('create', obj);
    const mutated = options.mutate?.(obj);
    if (mutated !== undefined) meta = replaceContent(obj, await mutated).metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.#now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (this.def.strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    this.def.strategy.prepareForCreate(obj);
    dropEmptyMetadata(meta);
    this.#validate(obj, [
      ...(this.#deps.validateCommon?.(this.def, obj) ?? []),
      ...this.def.strategy.validate(obj),
      ...(this.def.strategy.validateCreate?.(obj) ?? []),
    ]);
    const admitted = options.admit?.(obj);
    if (admitted !== undefined) await admitted;
    if (this.#deps.validateWrite !== undefined) await this.#deps.validateWrite('create', obj, undefined, options.dryRun === true);
    if (this.def.namespaced) await this.#deps.admitNamespace?.(namespace, this.gr, meta.name!);
    if (options.manager) {
      const managed = managedFieldsAfterUpdate(this.def, undefined, obj, options.manager, this.#now());
      if (managed !== undefined) obj.metadata.managedFields = managed;
      dropEmptyMetadata(meta);
    }
    if (options.dryRun) {
      // A dry run still meets storage's own check (kube's dry-run storage reads the key).
      if ((await this.#read(namespace, meta.name!)) !== undefined) throw alreadyExists(this.gr, meta.name!);
      return obj;
    }
    const key = objectKey(this.#deps.space, this.def, namespace, meta.name!);
    const revision = await this.#call(() => createKey(this.backend, key, encodeWritten(obj)), meta.name!);
    this.#deps.afterWrite?.();
    meta.resourceVersion = String(revision);
    return obj;
  }

  /** PUT: replaces the object, guarded by its resourceVersion when given. */
  async update(namespace: string, name: string, input: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const obj = cloneJson(input);
    this.#checkNamespace(namespace, obj);
    if (obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(obj.metadata.name ?? '')}) does not match the name on the URL (${name})`);
    }
    const kv = await this.#read(namespace, name);
    if (kv === undefined) throw notFound(this.gr, name);
    const old = decodeKv(kv);
    // A uid in the body is a precondition (kube's defaultUpdatedObjectInfo): the object must still be that one.
    const uid = obj.metadata.uid;
    if (uid !== undefined && uid !== '' && uid !== old.metadata.uid) {
      throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${old.metadata.uid ?? ''}`);
    }
    const rv = obj.metadata.resourceVersion;
    if (rv === undefined || rv === '') {
      if (!this.def.strategy.allowUnconditionalUpdate) {
        this.#validate(obj, [fieldErrors.invalid('metadata.resourceVersion', 0, 'must be specified for an update')]);
      }
    } else if (rv !== old.metadata.resourceVersion) {
      throw conflict(this.gr, name);
    }
    return this.#replace(kv, old, obj, options);
  }

  /**
   * Read-modify-write with retries on conflict: `mutate` gets a private copy of the current object
   * and returns the desired one (patch, status updates, finalizers).
   */
  async guaranteedUpdate(
    namespace: string,
    name: string,
    mutate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options: WriteOptions = {},
  ): Promise<KubeObject> {
    for (let attempt = 0; ; attempt++) {
      const kv = await this.#read(namespace, name);
      if (kv === undefined) throw notFound(this.gr, name);
      const old = decodeKv(kv);
      const next = await mutate(cloneJson(old));
      // A resourceVersion the caller put in the object is a precondition; the one copied from
      // the read is not, and a lost race on it is retried against a fresh read.
      const rv = next.metadata.resourceVersion;
      if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(this.gr, name);
      try {
        return await this.#replace(kv, old, next, options);
      } catch (err) {
        if (attempt < MAX_UPDATE_RETRIES && isStatusConflict(err)) continue;
        throw err;
      }
    }
  }

  async delete(namespace: string, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    // Like kube's GuaranteedUpdate: a concurrent write between the read and the compare-and-swap
    // means read again and retry (preconditions are checked against each fresh read), not 409.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#deleteOnce(namespace, name, options);
      } catch (err) {
        if (!(err instanceof CasLost) || attempt >= MAX_UPDATE_RETRIES) throw err instanceof CasLost ? (err.cause as Error) : err;
      }
    }
  }

  async #deleteOnce(namespace: string, name: string, options: DeleteOptions): Promise<KubeObject> {
    const kv = await this.#read(namespace, name);
    if (kv === undefined) throw notFound(this.gr, name);
    const obj = decodeKv(kv);
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== obj.metadata.uid) {
      throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(
        this.gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion ?? ''}`,
      );
    }
    if (options.admitDelete !== undefined) {
      const admitted = options.admitDelete(obj);
      if (admitted !== undefined) await admitted;
    }
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
    if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    const grace = this.#deps.gracefulDeletion === true ? this.def.strategy.gracePeriod?.(obj, options.gracePeriodSeconds) : undefined;
    if (grace !== undefined) {
      // kube's BeforeDelete: a pod a kubelet runs gets its grace period; one under way may only be shortened.
      const pending = obj.metadata.deletionTimestamp === undefined ? undefined : (obj.metadata.deletionGracePeriodSeconds ?? 0);
      if ((pending === undefined && grace > 0) || (pending !== undefined && pending > 0)) {
        if (pending !== undefined && grace >= pending) return obj;
        const next = cloneJson(obj);
        next.metadata.deletionTimestamp = rfc3339(new Date(this.#now().getTime() + grace * 1000));
        next.metadata.deletionGracePeriodSeconds = grace;
        if (finalizers.length > 0) next.metadata.finalizers = finalizers;
        if (grace > 0 || finalizers.length > 0) {
          if (options.dryRun) return next;
          const revision = await this.#cas(() => updateKey(this.backend, kv.key, encodeObject(next), kv.modRevision), name);
          this.#deps.afterWrite?.();
          next.metadata.resourceVersion = String(revision);
          return next;
        }
        // Shortened to nothing: removed now, answered with its final deletion fields.
        obj.metadata = next.metadata;
      }
    }
    if (finalizers.length > 0 || this.def.strategy.heldForDeletion?.(obj)) {
      // Graceful: mark for deletion; whoever owns the finalizers removes them, and the last removal deletes.
      if (obj.metadata.deletionTimestamp !== undefined && isDeepStrictEqual(finalizers, obj.metadata.finalizers ?? [])) return obj;
      const next = cloneJson(obj);
      next.metadata.deletionTimestamp ??= rfc3339(this.#now());
      next.metadata.deletionGracePeriodSeconds ??= 0;
      if (finalizers.length > 0) next.metadata.finalizers = finalizers;
      this.def.strategy.markDeleting?.(next);
      if (options.dryRun) return next;
      const revision = await this.#cas(() => updateKey(this.backend, kv.key, encodeObject(next), kv.modRevision), name);
      this.#deps.afterWrite?.();
      next.metadata.resourceVersion = String(revision);
      return next;
    }
    if (options.dryRun) return obj;
    const { revision } = await this.#cas(() => deleteKey(this.backend, kv.key, kv.modRevision), name);
    this.#deps.afterWrite?.();
    obj.metadata.resourceVersion = String(revision);
    return obj;
  }

  /** A compare-and-swap whose loss (someone wrote in between) the caller retries. */
  async #cas<T>(fn: () => Promise<T>, name: string): Promise<T> {
    try {
      return await this.#call(fn, name);
    } catch (err) {
      if (isStatusError(err, 'Conflict')) throw new CasLost(err);
      throw err;
    }
  }

  /**
   * Events after `afterRevision`, mapped through the predicate as the apiserver's watch cache does:
   * an object that stops matching is reported DELETED, one that starts matching ADDED.
   */
  async *watch(namespace: string, options: StoreWatchOptions): AsyncGenerator<ObjectEvent[]> {
    const watch = this.#openWatch(namespace, options);
    const pass = options.predicate ?? (() => true);
    try {
      for await (const batch of watch) {
        const out = objectEvents(options.name === undefined ? batch : ofName(batch, options.name), pass);
        if (out.length > 0) yield out;
      }
    } catch (err) {
      const failure = this.#watchFailure(err, options.afterRevision);
      if (failure !== undefined) throw failure;
    } finally {
      watch.close();
    }
  }

  /**
   * watch() pushed instead of iterated: each live batch reaches `listener.next` synchronously as
   * the store commits it (what a watch handler serving many clients wants); `end` is called once,
   * with the error watch() would have thrown, if any.
   */
  watchEach(namespace: string, options: StoreWatchOptions, listener: ObjectEventListener): WatchControl {
    const { predicate, name } = options;
    return listenToWatch(this.#openWatch(namespace, options), {
      next: (all) => {
        const batch = name === undefined ? all : ofName(all, name);
        const out = predicate === undefined && batch === all ? sharedObjectEvents(batch) : objectEvents(batch, predicate ?? everything);
        return out.length === 0 || listener.next(out);
      },
      end: (err) => listener.end(err === undefined ? undefined : this.#watchFailure(err, options.afterRevision)),
    });
  }

  #openWatch(namespace: string, options: StoreWatchOptions): Watch {
    return this.backend.watch(listPrefix(this.#deps.space, this.def, namespace), {
      startRevision: options.afterRevision + 1,
      ...(options.signal && { signal: options.signal }),
    });
  }

  /**
   * What a failed watch means to its client. A watcher that fell behind just ends (undefined): the
   * client re-watches from the last resourceVersion it saw, or relists if that is gone by then (the
   * apiserver's cacher does the same).
   */
  #watchFailure(err: unknown, afterRevision: number): unknown {
    if (isStorageError(err, 'WatcherTooSlow')) return undefined;
    if (isStorageError(err, 'Compacted')) return resourceExpired(afterRevision, Math.max((err.revision ?? 1) - 1, 0));
    return interpretStorageError(err, this.gr, '');
  }

  /** The shared tail of update and guaranteedUpdate: system fields, strategy, no-op detection, CAS write. */
  async #replace(kv: KeyValue, old: KubeObject, input: KubeObject, options: WriteOptions): Promise<KubeObject> {
    const statusOnly = options.subresource === 'status' && this.def.subresources.status === true;
    const finalizeOnly = options.subresource === 'finalize' && this.def.subresources.finalize === true;
    const approvalOnly = options.subresource === 'approval' && this.def.subresources.approval === true;
    const extra = subresourceWriter(this.def, options.subresource);
    const subresourceOnly = statusOnly || finalizeOnly || approvalOnly || extra !== undefined;
    const obj = statusOnly
      ? statusUpdate(input, old)
      : finalizeOnly
        ? finalizersUpdate(input, old)
        : approvalOnly
          ? approvalUpdate(input, old)
          : extra !== undefined
            ? extra.update!(input, old)
            : input;
    if (statusOnly) this.def.strategy.prepareForStatusUpdate?.(obj, old);
    let meta = obj.metadata;
    const name = old.metadata.name!;
    // A patch that sets another uid is refused as kube's metadata update validation does.
    if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== old.metadata.uid) {
      this.#validate(obj, [fieldErrors.invalid('metadata.uid', meta.uid, 'field is immutable')]);
    }
    meta.name = name;
    if (this.def.namespaced) meta.namespace = old.metadata.namespace!;
    meta.uid = old.metadata.uid!;
    meta.creationTimestamp = old.metadata.creationTimestamp!;
    if (old.metadata.deletionTimestamp !== undefined) meta.deletionTimestamp = old.metadata.deletionTimestamp;
    else delete meta.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    else delete meta.deletionGracePeriodSeconds;
    meta.resourceVersion = old.metadata.resourceVersion!;
    if (!subresourceOnly && this.#deps.admitWrite !== undefined) await this.#deps.admitWrite('update', obj, old);
    const mutated = options.mutate?.(obj, old);
    if (mutated !== undefined) meta = replaceContent(obj, await mutated).metadata;
    if (!subresourceOnly) this.def.strategy.prepareForUpdate(obj, old);
    dropEmptyMetadata(meta);
    if (subresourceOnly) {
      if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
    } else if (this.def.strategy.tracksGeneration) {
      const gen = old.metadata.generation ?? 1;
      meta.generation = isDeepStrictEqual(withoutMetaAndStatus(obj), withoutMetaAndStatus(old)) ? gen : gen + 1;
    } else if (old.metadata.generation !== undefined) {
      meta.generation = old.metadata.generation;
    } else {
      delete meta.generation;
    }
    this.#validate(obj, [
      ...(this.#deps.validateCommon?.(this.def, obj, old) ?? []),
      ...this.def.strategy.validate(obj),
      ...(extra?.validateUpdate ?? this.def.strategy.validateUpdate)(obj, old),
    ]);
    const admitted = options.admit?.(obj, old);
    if (admitted !== undefined) await admitted;
    if (!subresourceOnly && this.#deps.validateWrite !== undefined) await this.#deps.validateWrite('update', obj, old, options.dryRun === true);
    if (options.manager) {
      const managed = managedFieldsAfterUpdate(this.def, old, obj, options.manager, this.#now());
      if (managed !== undefined) obj.metadata.managedFields = managed;
      dropEmptyMetadata(meta);
    }
    if (isDeepStrictEqual(obj, old) || options.dryRun) return obj;
    // The last finalizer removed from an object being deleted completes the deletion.
    if (meta.deletionTimestamp !== undefined && (meta.finalizers ?? []).length === 0 && !this.def.strategy.heldForDeletion?.(obj)) {
      const { revision } = await this.#call(() => deleteKey(this.backend, kv.key, kv.modRevision), name);
      this.#deps.afterWrite?.();
      meta.resourceVersion = String(revision);
      return obj;
    }
    const revision = await this.#call(() => updateKey(this.backend, kv.key, encodeWritten(obj), kv.modRevision), name);
    this.#deps.afterWrite?.();
    meta.resourceVersion = String(revision);
    return obj;
  }

  #read(namespace: string, name: string): Promise<KeyValue | undefined> {
    return this.#call(() => this.backend.get(objectKey(this.#deps.space, this.def, namespace, name)), name);
  }

  #checkNamespace(namespace: string, obj: KubeObject): void {
    if (!this.def.namespaced) {
      delete obj.metadata.namespace;
      return;
    }
    const inBody = obj.metadata.namespace;
    if (inBody !== undefined && inBody !== '' && inBody !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }

  #validate(obj: KubeObject, errors: FieldError[]): void {
    if (errors.length > 0) throw invalid({ group: this.def.group, kind: this.def.kind }, obj.metadata.name ?? '', errors);
  }

  #listOf(items: KubeObject[], revision: number): KubeList {
    return {
      apiVersion: apiVersionOf(this.def.group, this.def.version),
      kind: this.def.listKind,
      metadata: { resourceVersion: String(revision) },
      items,
    };
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  async #call<T>(fn: () => Promise<T>, name: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw isStorageError(err) ? interpretStorageError(err, this.gr, name) : err;
    }
  }
}

/** kube's 504 for a resourceVersion newer than anything stored, with the cause clients check. */
function tooLargeResourceVersion(requested: number, current: number) {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`, 1);
  err.status.details!.causes = [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }];
  return err;
}

/** ObjectMeta's maps and lists are omitempty: an emptied one is dropped, as kube's encoder drops it. */
/**
 * Puts what mutating admission returned in place of `target`'s content (callers hold `target`);
 * an answer without metadata keeps an empty one, for validation to report.
 */
function replaceContent(target: KubeObject, source: KubeObject | undefined): KubeObject {
  if (source === undefined || source === target) return target;
  for (const k of Object.keys(target)) delete (target as Record<string, unknown>)[k];
  Object.assign(target, source);
  if (typeof target.metadata !== 'object' || target.metadata === null) target.metadata = {};
  return target;
}

/** What a counted range leaves for later pages: its count (from where it started) less what it returned. */
function remainingOf(r: RangeResult): { remaining?: number } {
  return r.count === undefined ? {} : { remaining: Math.max(0, r.count - r.kvs.length) };
}

function dropEmptyMetadata(meta: KubeObject['metadata']): void {
  for (const field of ['labels', 'annotations'] as const) {
    const v = meta[field];
    if (v !== undefined && (v === null || Object.keys(v).length === 0)) delete meta[field];
  }
  for (const field of ['finalizers', 'ownerReferences', 'managedFields'] as const) {
    const v = meta[field];
    if (v !== undefined && (v === null || v.length === 0)) delete meta[field];
  }
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

function isStatusConflict(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { reason?: string }).reason === 'Conflict';
}

/** Object events of a batch without a predicate, mapped once for every watcher handed the same batch. */
const unfiltered = new WeakMap<readonly WatchEvent[], ObjectEvent[]>();
const everything = (): boolean => true;

function sharedObjectEvents(batch: readonly WatchEvent[]): ObjectEvent[] {
  let out = unfiltered.get(batch);
  if (out === undefined) unfiltered.set(batch, (out = objectEvents(batch, everything)));
  return out;
}

/** The events of objects named `name` (a name is the last segment of its key). */
function ofName(batch: readonly WatchEvent[], name: string): readonly WatchEvent[] {
  const suffix = `/${name}`;
  return batch.filter((e) => e.kv.key.endsWith(suffix));
}

/** Storage events as object events through a predicate (the watch cache's rules); `source` keys shared renderings. */
export function objectEvents(batch: readonly WatchEvent[], pass: (obj: KubeObject) => boolean): ObjectEvent[] {
  const out: ObjectEvent[] = [];
  for (const e of batch) {
    const revision = e.kv.modRevision;
    const prev = e.prevKv && decodeShared(e.prevKv, revision);
    if (e.type === 'delete') {
      if (prev && pass(prev)) out.push({ type: 'DELETED', object: prev, revision, source: e.prevKv! });
      continue;
    }
    const cur = decodeShared(e.kv);
    const now = pass(cur);
    const before = prev !== undefined && pass(prev);
    if (now) out.push({ type: before ? 'MODIFIED' : 'ADDED', object: cur, revision, source: e.kv });
    else if (before) out.push({ type: 'DELETED', object: prev, revision, source: e.prevKv! });
  }
  return out;
}

/** The definition's extra subresource of this name that writes the object (has an update strategy). */
function subresourceWriter(def: ResourceDefinition, name: string | undefined) {
  if (name === undefined) return undefined;
  return def.subresources.extra?.find((s) => s.name === name && s.update !== undefined);
}
