/**
 * A CRD's structural schema as a published OpenAPI definition. kubectl builds its models from
 * every definition and gives up on the whole document over one it cannot read, so the schema is
 * cleaned as kube cleans CRD schemas for v2: no `nullable`, no `oneOf`/`anyOf`/`not`, no type
 * on int-or-string and preserve-unknown-fields nodes; plus the standard object fields and the
 * group-version-kind extension.
 */
import type { Schema } from '../../../openapi/index.js';

const DROPPED = new Set(['nullable', 'oneOf', 'anyOf', 'not', 'allOf', 'x-kubernetes-validations', 'default']);

function clean(node: unknown): Schema {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return {};
  const src = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    if (DROPPED.has(k)) continue;
    if (k === 'properties' && typeof v === 'object' && v !== null) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, child]) => [name, clean(child)]));
    } else if (k === 'items') {
      out[k] = Array.isArray(v) ? clean(v[0]) : clean(v);
    } else if (k === 'additionalProperties') {
      out[k] = typeof v === 'boolean' ? v : clean(v);
    } else {
      out[k] = v;
    }
  }
  if (src['x-kubernetes-int-or-string'] === true || src['x-kubernetes-preserve-unknown-fields'] === true) {
    if (src['properties'] === undefined) delete out['type'];
  }
  if (out['type'] === 'array' && out['items'] === undefined) out['items'] = {};
  return out as Schema;
}

export function publishedCrdSchema(schema: unknown, gvks: { group: string; version: string; kind: string }[]): Schema {
  const root = clean(schema);
  const properties = { ...(root.properties ?? {}) };
  properties['apiVersion'] ??= { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
  properties['kind'] ??= { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
  properties['metadata'] = { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
  return { ...root, type: 'object', properties, 'x-kubernetes-group-version-kind': gvks };
}
