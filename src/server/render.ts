/**
 * Response bodies for resource requests: the object or list itself, a meta.k8s.io Table built
 * from the definition's printer columns, or PartialObjectMetadata(List).
 */
import { badRequest } from '../api/errors.js';
import type { KubeList, KubeObject } from '../api/object.js';
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

export function tableOf(def: Pick<ResourceDefinition, 'columns'>, items: KubeObject[], listMeta: KubeList['metadata'], version: string, include: IncludeObject): object {
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
      if (include === 'Object') row.object = obj;
      else if (include === 'Metadata') row.object = partial(obj, version);
      return row;
    }),
  };
}

/** Objects are stored once and served in whichever version the request named. */
function inVersion(obj: KubeObject, apiVersion: string | undefined): KubeObject {
  return apiVersion === undefined || obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
}

export function renderObject(
  def: ResourceDefinition,
  input: KubeObject,
  rendering: Rendering,
  include: IncludeObject,
  apiVersion?: string,
): object {
  const obj = inVersion(input, apiVersion);
  switch (rendering.as) {
    case 'object':
      return obj;
    case 'Table':
      return tableOf(def, [obj], { resourceVersion: obj.metadata.resourceVersion ?? '' }, rendering.version, include);
    default:
      return partial(obj, rendering.version);
  }
}

export function renderList(
  def: ResourceDefinition,
  input: KubeList,
  rendering: Rendering,
  include: IncludeObject,
  apiVersion?: string,
): object {
  const list =
    apiVersion === undefined || input.apiVersion === apiVersion
      ? input
      : { ...input, apiVersion, items: input.items.map((o) => inVersion(o, apiVersion)) };
  switch (rendering.as) {
    case 'object':
      return list;
    case 'Table':
      return tableOf(def, list.items, list.metadata, rendering.version, include);
    default:
      return {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${rendering.version}`,
        metadata: list.metadata,
        items: list.items.map((o) => partial(o, rendering.version)),
      };
  }
}
