/**
 * Query parameters of list and watch: selectors, limit, continue, resourceVersion.
 */
import { badRequest } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { ListOptions } from '../../registry/store.js';

/** Continue tokens: base64 JSON of the list revision and the last key returned. */
export function toContinueToken(next: { key: string; revision: number }): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: next.revision, start: next.key })).toString('base64url');
}

export function fromContinueToken(token: string): { key: string; revision: number } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { key: parsed.start, revision: parsed.rv };
  } catch {
    // fall through
  }
  throw badRequest('continue key is not valid: invalid continue token');
}

export function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid resource version "${value}"`);
  return Number(value);
}

/** Equality-only label selectors until the full parser lands: `a=b,c!=d,e`. */
export function simpleLabelPredicate(selector: string | null): ((o: KubeObject) => boolean) | undefined {
  if (selector === null || selector.trim() === '') return undefined;
  const reqs = selector.split(',').map((r) => r.trim());
  return (o) => {
    const labels = o.metadata.labels ?? {};
    return reqs.every((r) => {
      const ne = r.indexOf('!=');
      if (ne > 0) return labels[r.slice(0, ne).trim()] !== r.slice(ne + 2).trim();
      const eq = r.indexOf('=');
      if (eq > 0) return labels[r.slice(0, eq).trim()] === r.slice(eq + 1).replace(/^=/, '').trim();
      if (r.startsWith('!')) return !(r.slice(1) in labels);
      return r in labels;
    });
  };
}

export function listOptionsOf(_def: ResourceDefinition, query: URLSearchParams): ListOptions {
  const limitRaw = query.get('limit');
  const limit = limitRaw === null || limitRaw === '' ? 0 : Number(limitRaw);
  if (!Number.isSafeInteger(limit) || limit < 0) throw badRequest(`invalid limit "${limitRaw ?? ''}"`);
  const token = query.get('continue');
  const predicate = simpleLabelPredicate(query.get('labelSelector'));
  const revision = query.get('resourceVersionMatch') === 'Exact' ? parseResourceVersion(query.get('resourceVersion')) : undefined;
  parseResourceVersion(query.get('resourceVersion'));
  return {
    ...(limit > 0 && { limit }),
    ...(token && { continueFrom: fromContinueToken(token) }),
    ...(predicate && { predicate }),
    ...(revision !== undefined && { revision }),
  };
}
