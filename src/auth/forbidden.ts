/**
 * The 403 kube-apiserver renders when authorization denies a request (responsewriters.Forbidden):
 *   pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"
 *   nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope
 *   forbidden: User "u" cannot get path "/foo"
 * followed by `: <reason>` when the authorizer gave one. `&`, `<`, `>` in the user-controlled
 * part are HTML-escaped, as upstream does.
 */
import { StatusError, forbidden } from '../api/errors.js';
import type { RequestAttributes } from './attributes.js';

const sanitize = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Go's %q for the strings kube quotes (JSON escaping agrees for everything but exotic runes). */
const q = (s: string): string => JSON.stringify(s);

/** The `User "u" cannot ...` sentence. */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const who = `User ${q(attrs.user.name)} cannot ${attrs.verb}`;
  if (!attrs.resourceRequest) return `${who} path ${q(attrs.path)}`;
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const scope = attrs.namespace === '' ? 'at the cluster scope' : `in the namespace ${q(attrs.namespace)}`;
  return `${who} resource ${q(resource)} in API group ${q(attrs.apiGroup)} ${scope}`;
}

/**
 * The Forbidden StatusError for a denied request. details: {name, group, kind: resource}
 * (the resource without subresource); non-resource requests have empty details.
 */
export function forbiddenError(attrs: RequestAttributes, reason = ''): StatusError {
  const msg = sanitize(forbiddenMessage(attrs));
  const why = reason === '' ? msg : `${msg}: ${reason}`;
  if (!attrs.resourceRequest || (attrs.resource === '' && attrs.apiGroup === '')) return new StatusError(403, 'Forbidden', `forbidden: ${why}`, {});
  return forbidden({ group: attrs.apiGroup, resource: attrs.resource }, attrs.name, why);
}
