/**
 * Shared fixtures for the apply tests: schemas of real built-in kinds, the Widget test CRD of
 * spec §4, and a tiny in-memory "server" that chains writes the way the PATCH pipeline does
 * (each write sees the previous result and its managedFields; the clock ticks one second a write).
 */
import assert from 'node:assert/strict';
import { builtinDefinitions, resourceDefinitionName } from '../../../../openapi/index.js';
import { StatusError } from '../../../../src/api/errors.js';
import {
  apply,
  schemaFromOpenApiV2,
  schemaFromStructural,
  update,
  type ApplySchema,
  type KubeObject,
  type ManagedFieldsEntry,
  type OpenApiDefinitions,
  type OpenApiSchema,
} from '../../../../src/api/apply/index.js';
import { applyMergePatch } from '../../../../src/api/patch/merge-patch.js';
import { applyJsonPatch } from '../../../../src/api/patch/json-patch.js';

const defs = builtinDefinitions({ descriptions: false }).definitions as OpenApiDefinitions;
const cache = new Map<string, ApplySchema>();

/** Schema of a built-in kind, e.g. `builtin('apps', 'v1', 'Deployment')`. */
export function builtin(group: string, version: string, kind: string): ApplySchema {
  const name = resourceDefinitionName({ group, version, kind });
  let s = cache.get(name);
  if (s === undefined) cache.set(name, (s = schemaFromOpenApiV2(defs, name)));
  return s;
}

const str: OpenApiSchema = { type: 'string' };
/** The Widget CRD of spec §4 (group example.com, version v1). */
export const WIDGET_SCHEMA: OpenApiSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        items: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            properties: { name: str, image: str, env: { type: 'object', additionalProperties: str } },
          },
        },
        tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: str },
        args: { type: 'array', items: str },
        selector: { type: 'object', additionalProperties: str, 'x-kubernetes-map-type': 'atomic' },
        params: { type: 'object', additionalProperties: str },
      },
    },
    status: {
      type: 'object',
      properties: {
        conditions: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['type'],
          items: { type: 'object', properties: { type: str, status: str, reason: str } },
        },
      },
    },
  },
};

export const kinds = {
  ConfigMap: { schema: () => builtin('', 'v1', 'ConfigMap'), apiVersion: 'v1', kind: 'ConfigMap', name: 'c', status: false },
  Pod: { schema: () => builtin('', 'v1', 'Pod'), apiVersion: 'v1', kind: 'Pod', name: 'p', status: true },
  Service: { schema: () => builtin('', 'v1', 'Service'), apiVersion: 'v1', kind: 'Service', name: 's', status: true },
  Deployment: { schema: () => builtin('apps', 'v1', 'Deployment'), apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', status: true },
  Widget: { schema: () => schemaFromStructural(WIDGET_SCHEMA), apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', status: true },
} as const;

export type KindName = keyof typeof kinds;

export interface WriteOpts {
  readonly force?: boolean;
  readonly subresource?: string;
}

/** A chain of writes against one object. */
export class Server {
  readonly kind: (typeof kinds)[KindName];
  obj: KubeObject | undefined;
  #clock = Date.UTC(2025, 0, 1, 0, 0, 0);

  constructor(kind: KindName, live?: KubeObject) {
    this.kind = kinds[kind];
    if (live !== undefined) this.obj = this.complete(live);
  }

  /** apiVersion, kind, name and namespace filled in, as the vectors imply. */
  complete(o: KubeObject): KubeObject {
    const meta = (o.metadata ?? {}) as KubeObject;
    return { apiVersion: this.kind.apiVersion, kind: this.kind.kind, ...o, metadata: { name: this.kind.name, namespace: 'ns', ...meta } };
  }

  get mf(): ManagedFieldsEntry[] | undefined {
    return (this.obj?.metadata as KubeObject | undefined)?.managedFields as ManagedFieldsEntry[] | undefined;
  }

  #now(): Date {
    this.#clock += 1000;
    return new Date(this.#clock);
  }

  #reset(subresource: string | undefined): string[][] {
    if (subresource === 'status') return [['spec']];
    return this.kind.status ? [['status']] : [];
  }

  /** Server-side apply; returns the StatusError instead of throwing it on conflict. */
  ap(config: KubeObject, manager: string, opts: WriteOpts = {}): StatusError | undefined {
    const r = apply({
      live: this.obj,
      config: this.complete(config),
      manager,
      force: opts.force ?? false,
      schema: this.kind.schema(),
      now: this.#now(),
      apiVersion: this.kind.apiVersion,
      ...(opts.subresource !== undefined && { subresource: opts.subresource }),
      resetFields: this.#reset(opts.subresource),
    });
    if (!r.ok) return r.error;
    this.obj = r.object;
    return undefined;
  }

  /** A PUT/POST of a whole object (its managedFields, if any, are the request's). */
  put(obj: KubeObject, manager: string, opts: WriteOpts = {}): void {
    const r = update({
      live: this.obj,
      updated: this.complete(obj),
      manager,
      schema: this.kind.schema(),
      now: this.#now(),
      apiVersion: this.kind.apiVersion,
      ...(opts.subresource !== undefined && { subresource: opts.subresource }),
      resetFields: this.#reset(opts.subresource),
    });
    this.obj = r.object;
  }

  mp(patch: KubeObject, manager: string, opts: WriteOpts = {}): void {
    this.put(applyMergePatch(this.obj ?? {}, patch) as KubeObject, manager, opts);
  }

  jp(ops: unknown[], manager: string): void {
    this.put(applyJsonPatch(this.obj ?? {}, ops) as KubeObject, manager);
  }

  /** The object without apiVersion/kind/metadata bookkeeping, for comparisons. */
  body(): KubeObject {
    const { apiVersion: _a, kind: _k, metadata, ...rest } = this.obj ?? {};
    const { name: _n, namespace: _ns, managedFields: _m, ...meta } = (metadata ?? {}) as KubeObject;
    return Object.keys(meta).length > 0 ? { metadata: meta, ...rest } : rest;
  }
}

/** managedFields reduced to what the vectors state: manager, op, apiVersion, fields, subresource. */
export function shortMf(mf: readonly ManagedFieldsEntry[] | undefined): unknown[] | undefined {
  return mf?.map((e) => ({
    manager: e.manager,
    op: e.operation,
    v: e.apiVersion,
    f: e.fieldsV1,
    ...(e.subresource !== undefined && { subresource: e.subresource }),
  }));
}

export function assertConflict(err: StatusError | undefined, fields: readonly string[]): StatusError {
  assert.ok(err instanceof StatusError, 'expected a conflict');
  assert.equal(err.code, 409);
  assert.equal(err.reason, 'Conflict');
  assert.deepEqual(
    err.status.details?.causes?.map((c) => [c.reason, c.field]),
    fields.map((f) => ['FieldManagerConflict', f]),
  );
  return err;
}

export { StatusError };
