/**
 * authorizer.Attributes: what the authorizer is asked about. Resource requests carry the kube
 * verb (get, list, watch, create, update, patch, delete, deletecollection, or a special verb such
 * as impersonate, bind, escalate, use); non-resource requests carry the lowercased HTTP method and
 * the path as the space sees it (`/healthz`, `/api`, never `/clusters/<space>/...`).
 */
import { parseFieldSelector, requiredFieldValue } from '../api/field-selector.js';
import { isPathSegmentName } from '../api/names.js';
import type { RequestInfo } from '../server/request-info.js';
import type { UserInfo } from './user.js';

export interface RequestAttributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly resourceRequest: boolean;
  readonly namespace: string;
  readonly apiGroup: string;
  /** Informational only: RBAC never looks at it. */
  readonly apiVersion?: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
  readonly path: string;
}

export interface ResourceAttributesInput {
  readonly verb: string;
  readonly group?: string;
  readonly version?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export function resourceAttributes(user: UserInfo, a: ResourceAttributesInput): RequestAttributes {
  return {
    user,
    verb: a.verb,
    resourceRequest: true,
    namespace: a.namespace ?? '',
    apiGroup: a.group ?? '',
    ...(a.version !== undefined && { apiVersion: a.version }),
    resource: a.resource,
    subresource: a.subresource ?? '',
    name: a.name ?? '',
    path: '',
  };
}

export function nonResourceAttributes(user: UserInfo, verb: string, path: string): RequestAttributes {
  return { user, verb, resourceRequest: false, namespace: '', apiGroup: '', resource: '', subresource: '', name: '', path };
}

/**
 * The attributes of an HTTP request, from parseRequestInfo's result. Discovery paths are
 * non-resource requests (verb = lowercased method), as upstream. Lists and watches with a
 * `metadata.name=` field selector are attributed to that name, like RequestInfoFactory, so that
 * `resourceNames` rules allow `kubectl wait` / `rollout status` style requests.
 */
export function requestAttributes(user: UserInfo, info: RequestInfo, method: string, path: string, query: URLSearchParams): RequestAttributes {
  if (info.kind !== 'resource') return nonResourceAttributes(user, method.toLowerCase(), path);
  let name = info.name;
  if (name === '' && (info.verb === 'list' || info.verb === 'watch')) name = nameFromFieldSelector(query.get('fieldSelector'));
  return resourceAttributes(user, { ...info, name });
}

function nameFromFieldSelector(selector: string | null): string {
  if (selector === null || selector === '') return '';
  try {
    const name = requiredFieldValue(parseFieldSelector(selector), 'metadata.name');
    return name !== undefined && isPathSegmentName(name).length === 0 ? name : '';
  } catch {
    return ''; // a bad selector is the handler's 400, not the authorizer's concern
  }
}
