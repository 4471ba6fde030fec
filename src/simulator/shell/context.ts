/**
 * What the per-kind sync functions get from the simulator: the cached view of the space, the
 * clock, and writes that report their revision back (so the next sync waits until the cache
 * has seen them, which is what keeps a sync from creating the same pods twice).
 */
import type { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { Obj } from '../model/objects.js';
import type { ResolvedOptions } from '../options.js';
import type { Cached, SimCache } from './cache.js';
import type { EventRecorder } from './recorder.js';

export interface SimContext {
  readonly cache: SimCache;
  readonly options: ResolvedOptions;
  /** The fake node's address. */
  readonly hostIP: string;
  now(): Date;
  /** The space's definition of `group/plural`. */
  def(kind: string): ResourceDefinition | undefined;
  /** The space's definition of a kind in a group (what a REST mapper finds through discovery), custom resources included. */
  defOfKind(group: string, kind: string): ResourceDefinition | undefined;
  /** Reads an object of a kind the cache does not hold; undefined when there is none. */
  get(def: ResourceDefinition, namespace: string, name: string): Promise<KubeObject | undefined>;
  /**
   * Creates; undefined when the name is taken or the namespace refuses new objects (the caller
   * retries later). When the server refuses the object itself (admission: a quota, a missing
   * service account; or validation), `refused` gets the error, as the controllers' pod control
   * reports it (a namespace being terminated is not such a refusal).
   */
  create(def: ResourceDefinition, obj: KubeObject, refused?: (err: StatusError) => void): Promise<KubeObject | undefined>;
  /**
   * Read-modify-write of spec or metadata (or, given `subresource`, of what that subresource
   * writes, e.g. pods/binding); `mutate` returns undefined to leave the object be.
   */
  update(def: ResourceDefinition, cached: KubeObject, mutate: (cur: KubeObject) => KubeObject | undefined, subresource?: string): Promise<void>;
  /** Writes status through the status subresource, unless `compute` gives what is stored already. */
  writeStatus(def: ResourceDefinition, cached: KubeObject, compute: (cur: KubeObject) => Obj | undefined): Promise<void>;
  /** Deletes this very object (by uid); gone already is fine. */
  /** Deletes the object (this uid only); `gracePeriodSeconds: 0` is the kubelet finishing a graceful deletion. */
  remove(def: ResourceDefinition, obj: KubeObject, options?: { readonly gracePeriodSeconds?: number; readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' }): Promise<void>;
  /** Syncs `key` again at `atMs` (ms since the epoch). */
  later(key: string, atMs: number): void;
  /** The object or one of its controlling ancestors carries the failure annotation. */
  failing(obj: KubeObject): boolean;
  /** How long the simulator has known the object (ms). */
  ageMs(obj: KubeObject): number;
  /** Records the core/v1 Events the simulated components emit (in the background; never throws). */
  readonly events: EventRecorder;
}

export type SyncFunction = (ctx: SimContext, cached: Cached, key: string) => Promise<void>;

/** The objects of `kind` that `owner` controls. */
export const childrenOf = (ctx: SimContext, owner: KubeObject, kind: string): KubeObject[] =>
  ctx.cache.children(owner.metadata.uid ?? '', kind).map((c) => c.object);
