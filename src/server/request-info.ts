/**
 * URL → what the request is about, after apiserver's RequestInfoFactory: API group, version,
 * namespace, resource, name, subresource and verb. Pure; the dispatcher acts on it.
 */
import { badRequest } from '../api/errors.js';
import { queryFlag } from './query-flag.js';

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  readonly kind: 'resource';
  readonly group: string;
  readonly version: string;
  readonly namespace: string;
  readonly resource: string;
  readonly name: string;
  readonly subresource: string;
  readonly verb: RequestVerb;
  /** What follows the subresource in the path (`pods/p/proxy/<subpath>`); only the proxy subresources take one. */
  readonly subpath?: string;
}

export type DiscoveryRequest =
  | { readonly kind: 'api' }
  | { readonly kind: 'apis' }
  | { readonly kind: 'group'; readonly group: string }
  | { readonly kind: 'groupVersion'; readonly group: string; readonly version: string };

export type RequestInfo = ResourceRequest | DiscoveryRequest | { readonly kind: 'nonResource'; readonly path: string };

/** Subresources of a namespace that keep the namespace as the object name. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(unescapeSegment);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (parts.length === 2) return { kind: 'group', group: parts[1]! };
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { kind: 'nonResource', path };
  }
  if (rest.length === 0) return { kind: 'groupVersion', group, version };

  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1]!;
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]!)) rest = rest.slice(2);
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  // As kube's RequestInfoFactory, the subresource is the one segment after the name; the rest is a subpath.
  const subresource = rest[2] ?? '';
  if (resource === 'namespaces' && name !== '') namespace = '';
  const info: ResourceRequest = { kind: 'resource', group, version, namespace, resource, name, subresource, verb: verbOf(method, name, query) };
  return rest.length > 3 ? { ...info, subpath: rest.slice(3).join('/') } : info;
}

/** A path segment with its %XX escapes decoded (most have none, and decoding is not free). */
function unescapeSegment(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    // Go's URL parsing refuses the request outright (400) on an invalid escape.
    throw badRequest(`invalid URL escape in path segment ${JSON.stringify(segment)}`);
  }
}

function verbOf(method: string, name: string, query: URLSearchParams): RequestVerb {
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name === '' ? 'deletecollection' : 'delete';
    default: {
      if (queryFlag(query, 'watch') === true) return 'watch';
      return name === '' ? 'list' : 'get';
    }
  }
}
