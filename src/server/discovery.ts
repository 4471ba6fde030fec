/**
 * Discovery documents, derived from a space's catalogue: the legacy shapes (/api, /apis,
 * /api/v1, /apis/<g>/<v>) and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1), whose
 * Content-Type must echo the negotiated media type because client-go branches on the header.
 */
import { createHash } from 'node:crypto';
import type { ResourceCatalog } from '../registry/catalog.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { parseAccept } from './negotiate.js';

export type DiscoveryFormat = { readonly aggregated: false } | { readonly aggregated: true; readonly version: 'v2' | 'v2beta1' };

export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const r of parseAccept(accept)) {
    if (r.type !== 'application/json' && r.type !== '*/*' && r.type !== 'application/*') continue;
    const as = r.params.get('as');
    if (as === undefined) return { aggregated: false };
    const v = r.params.get('v');
    if (as === 'APIGroupDiscoveryList' && r.params.get('g') === 'apidiscovery.k8s.io' && (v === 'v2' || v === 'v2beta1')) {
      return { aggregated: true, version: v };
    }
  }
  return { aggregated: false };
}

export const aggregatedContentType = (version: string): string =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

export function legacyApiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: readonly string[]): object {
  const vs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function legacyApiGroupList(catalog: ResourceCatalog): object {
  const groups = catalog.groups().filter((g) => g.group !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupEntry(g.group, g.versions)) };
}

export function legacyApiGroup(catalog: ResourceCatalog, group: string): object | undefined {
  const g = catalog.groups().find((x) => x.group === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(g.group, g.versions) };
}

interface SubresourceEntry {
  readonly name: string;
  readonly verbs: readonly string[];
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

const GET_PATCH_UPDATE = ['get', 'patch', 'update'];

/** Every subresource a definition serves, by name, with its verbs and kind (in the served `version`). */
export function subresourcesOf(served: ResourceDefinition, version: string): SubresourceEntry[] {
  const d = served.forVersion?.(version) ?? served;
  const own = { group: d.group, version, kind: d.kind };
  const out: SubresourceEntry[] = [];
  if (d.subresources.approval) out.push({ name: 'approval', verbs: GET_PATCH_UPDATE, ...own });
  if (d.subresources.finalize) out.push({ name: 'finalize', verbs: ['update'], ...own });
  if (d.subresources.scale) out.push({ name: 'scale', verbs: GET_PATCH_UPDATE, group: 'autoscaling', version: 'v1', kind: 'Scale' });
  if (d.subresources.status) out.push({ name: 'status', verbs: GET_PATCH_UPDATE, ...own });
  for (const x of d.subresources.extra ?? []) out.push({ name: x.name, verbs: [...x.verbs].sort(), ...(x.kind ?? own) });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function apiResourceList(catalog: ResourceCatalog, group: string, version: string): object | undefined {
  const defs = catalog.resourcesOf(group, version);
  if (defs.length === 0) return undefined;
  const resources: object[] = [];
  for (const d of defs) {
    resources.push({
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: [...d.verbs].sort(),
      ...(d.shortNames.length > 0 && { shortNames: d.shortNames }),
      ...(d.categories.length > 0 && { categories: d.categories }),
      ...storageVersionHashOf(catalog, d),
    });
    // A subresource whose kind lives in another group or version names them (pods/eviction is policy/v1 Eviction).
    for (const sub of subresourcesOf(d, version)) {
      const foreign = sub.group !== d.group || sub.version !== version;
      resources.push({
        name: `${d.plural}/${sub.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(foreign && { group: sub.group, version: sub.version }),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

/**
 * The hash legacy discovery gives a persisted resource, from the group, version and kind it is
 * stored as (so events.k8s.io's Events and core's share one): the first 8 bytes of the SHA-256 of
 * `<group>/<version>/<kind>`, base64. Storage migrators compare it to notice a new storage version.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

function storageVersionHashOf(catalog: ResourceCatalog, d: ResourceDefinition): { storageVersionHash?: string } {
  if (d.computed !== undefined || d.action !== undefined) return {};
  const stored = d.storedAs === undefined ? d : catalog.byResource(d.storedAs.group, d.storedAs.plural);
  return stored === undefined ? {} : { storageVersionHash: storageVersionHash(stored.group, stored.version, stored.kind) };
}

function discoveryResource(d: ResourceDefinition, version: string): object {
  const subresources = subresourcesOf(d, version).map((sub) => ({
    subresource: sub.name,
    responseKind: { group: sub.group, version: sub.version, kind: sub.kind },
    verbs: sub.verbs,
  }));
  return {
    resource: d.plural,
    responseKind: { group: d.group, version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: [...d.verbs].sort(),
    ...(d.shortNames.length > 0 && { shortNames: d.shortNames }),
    ...(d.categories.length > 0 && { categories: d.categories }),
    ...(subresources.length > 0 && { subresources }),
  };
}

/** `/api` (core only) or `/apis` (every other group) as an APIGroupDiscoveryList. */
export function aggregatedDiscovery(catalog: ResourceCatalog, core: boolean, version: 'v2' | 'v2beta1'): object {
  const groups = catalog.groups().filter((g) => (g.group === '') === core);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: core ? {} : { name: g.group },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: catalog.resourcesOf(g.group, v).map((d) => discoveryResource(d, v)),
      })),
    })),
  };
}
