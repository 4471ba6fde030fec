/**
 * Response bodies for resource requests: the object or list itself, a meta.k8s.io Table built
 * from the definition's printer columns, or PartialObjectMetadata(List).
 */
import { badRequest } from '../api/errors.js';
import type { KubeList, KubeObject } from '../api/object.js';
import { toServedVersion, versionOf } from '../registry/conversion.js';
import type { ResourceDefinition } from '../registry/definition.js';
import type { Rendering } from './negotiate.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '') return 'Metadata';
  if (value === 'None' || value === 'Metadata' || value === 'Object') return value;
  throw badRequest(`includeObject: unsupported value "${value}"`);
}

function partial(obj: KubeObject, version: string): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/**
 * Cells come from the objects as given (the stored version, which the columns are written for);
 * `served` turns an object into the requested version for rows that embed it whole.
 */
export function tableOf(
  def: Pick<ResourceDefinition, 'columns'>,
  items: KubeObject[],
  listMeta: KubeList['metadata'],
  version: string,
  include: IncludeObject,
  served: (obj: KubeObject) => KubeObject = (obj) => obj,
): object {
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta,
    columnDefinitions: def.columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description ?? '',
      priority: c.priority,
    })),
    rows: items.map((obj) => {
      const row: { cells: unknown[]; object?: KubeObject } = { cells: def.columns.map((c) => c.cell(obj) ?? null) };
      if (include === 'Object') row.object = served(obj);
      else if (include === 'Metadata') row.object = partial(obj, version);
      return row;
    }),
  };
}

/**
 * Objects are stored once and served in whichever version the request named: converted for kinds
 * with conversion, else relabelled. Metadata-only renderings take the stored object's metadata,
 * as upstream takes them from its internal object.
 */
function servedIn(def: ResourceDefinition, apiVersion: string | undefined): (obj: KubeObject) => KubeObject {
  if (apiVersion === undefined) return (obj) => obj;
  const version = versionOf(apiVersion);
  return (obj) => toServedVersion(def, obj, version);
}

/** `input` is a stored object; `apiVersion` the group/version of the request. */
export function renderObject(
  def: ResourceDefinition,
  input: KubeObject,
  rendering: Rendering,
  include: IncludeObject,
  apiVersion?: string,
): object {
  const served = servedIn(def, apiVersion);
  switch (rendering.as) {
    case 'object':
      return served(input);
    case 'Table':
      return tableOf(def, [input], { resourceVersion: input.metadata.resourceVersion ?? '' }, rendering.version, include, served);
    default:
      return partial(input, rendering.version);
  }
}

export function renderList(
  def: ResourceDefinition,
  input: KubeList,
  rendering: Rendering,
  include: IncludeObject,
  apiVersion?: string,
): object {
  const served = servedIn(def, apiVersion);
  switch (rendering.as) {
    case 'object':
      return apiVersion === undefined || (input.apiVersion === apiVersion && def.conversion === undefined)
        ? input
        : { ...input, apiVersion, items: input.items.map(served) };
    case 'Table':
      return tableOf(def, input.items, input.metadata, rendering.version, include, served);
    default:
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${rendering.version}`,
        metadata: input.metadata,
        items: input.items.map((o) => partial(o, rendering.version)),
      };
  }
}
