/**
 * The path and query of a request target. WHATWG URL parsing (dot segments, percent-encoding,
 * `//host` forms) is the reference; a target made only of unreserved path characters, with no
 * dot segment and no fragment, parses to itself, so it is split directly (one `new URL` costs
 * about as much as the rest of routing a GET).
 */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_\-.:~/]*$/;
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

export interface RequestTarget {
  readonly path: string;
  readonly query: URLSearchParams;
}

export function parseRequestTarget(raw: string | undefined): RequestTarget {
  const target = raw ?? '/';
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const search = q < 0 ? '' : target.slice(q + 1);
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path) && !search.includes('#')) return { path, query: new URLSearchParams(search) };
  const url = new URL(target, 'http://x');
  return { path: url.pathname, query: url.searchParams };
}
