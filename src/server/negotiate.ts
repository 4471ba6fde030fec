/**
 * Accept negotiation for object responses. Clients list alternatives in order; the first we can
 * produce wins, plain JSON is the usual fallback, and 406 only when nothing listed fits.
 */
import { notAcceptable } from '../api/errors.js';

export type Rendering =
  | { readonly as: 'object' }
  | { readonly as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'; readonly version: 'v1' | 'v1beta1' };

export interface MediaRange {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: new Map() }];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    return {
      type: (type ?? '').toLowerCase(),
      params: new Map(params.filter((p) => p.includes('=')).map((p) => [p.slice(0, p.indexOf('=')).trim(), p.slice(p.indexOf('=') + 1).trim()])),
    };
  });
}

const JSONISH = new Set(['application/json', 'application/*', '*/*']);
const ACCEPTED = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/** How to render a resource response; `list` says whether the endpoint returns a collection. */
export function negotiateRendering(accept: string | undefined, list: boolean): Rendering {
  for (const range of parseAccept(accept)) {
    if (!JSONISH.has(range.type)) continue;
    const as = range.params.get('as');
    if (as === undefined) return { as: 'object' };
    if (range.params.get('g') !== 'meta.k8s.io') continue;
    const version = range.params.get('v');
    if (version !== 'v1' && version !== 'v1beta1') continue;
    if (as === 'Table') return { as, version };
    if (as === 'PartialObjectMetadata' && !list) return { as, version };
    if (as === 'PartialObjectMetadataList' && list) return { as, version };
  }
  throw notAcceptable(ACCEPTED);
}
