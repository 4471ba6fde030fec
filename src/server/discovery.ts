/**
 * Discovery documents, derived from a space's catalogue: the legacy shapes (/api, /apis,
 * /api/v1, /apis/<g>/<v>) and aggregated discovery (apidiscovery.k8s.io v2 and v2beta1), whose
 * Content-Type must echo the negotiated media type because client-go branches on the header.
 */
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
    });
    if (d.subresources.approval) {
      resources.push({ name: `${d.plural}/approval`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    }
    if (d.subresources.status) {
      resources.push({ name: `${d.plural}/status`, singularName: '', namespaced: d.namespaced, kind: d.kind, verbs: ['get', 'patch', 'update'] });
    }
    if (d.subresources.scale) {
      resources.push({ name: `${d.plural}/scale`, singularName: '', namespaced: d.namespaced, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
}

function discoveryResource(d: ResourceDefinition, version: string): object {
  const subresources: object[] = [];
  if (d.subresources.approval) {
    subresources.push({ subresource: 'approval', responseKind: { group: d.group, version, kind: d.kind }, verbs: ['get', 'patch', 'update'] });
  }
  if (d.subresources.scale) {
    subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] });
  }
  if (d.subresources.status) {
    subresources.push({ subresource: 'status', responseKind: { group: d.group, version, kind: d.kind }, verbs: ['get', 'patch', 'update'] });
  }
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
