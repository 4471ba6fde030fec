/**
 * Response compression as kube-apiserver's APIResponseCompression (on by default) does it: an
 * answer of at least 128 KiB to a request whose Accept-Encoding has a `gzip` token goes out
 * gzipped at level 1 (the fastest), with `Content-Encoding: gzip` and `Vary: Accept-Encoding`;
 * smaller answers and watch streams go as they are. kubectl, client-go and client-node ask for
 * gzip and inflate transparently, so a LIST over a real network moves a fraction of its bytes.
 * Compression runs on libuv's thread pool, not on the event loop.
 */
import { createGzip, gzip, type Gzip } from 'node:zlib';
import type { Request, Response } from './http.js';

/** kube's threshold: below it, compressing costs more than it saves. */
export const GZIP_THRESHOLD_BYTES = 128 * 1024;
const GZIP_LEVEL = 1;

/**
 * Whether Accept-Encoding asks for gzip. As kube reads the header: comma-separated tokens, one of
 * them exactly `gzip` once trimmed (a token with parameters, such as `gzip;q=0.5`, does not count).
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value === '') return false;
  return value.split(',').some((token) => token.trim() === 'gzip');
}

/** Whether an answer of `size` bytes to `req` is to be gzipped. */
export function compresses(req: Request | undefined, size: number): boolean {
  return size >= GZIP_THRESHOLD_BYTES && acceptsGzip(req?.headers['accept-encoding']);
}

/** Marks `res` as gzipped: the encoding, and that caches must key on Accept-Encoding. */
function markGzipped(res: Response): void {
  res.setHeader('Content-Encoding', 'gzip');
  const vary = res.getHeader('Vary');
  res.setHeader('Vary', vary === undefined || vary === '' ? 'Accept-Encoding' : `${String(vary)}, Accept-Encoding`);
}

/** A whole answer gzipped off the event loop; its headers are set when it is ready. */
export function gzipAnswer(res: Response, body: Buffer, done: (bytes: Buffer) => void): void {
  gzip(body, { level: GZIP_LEVEL }, (err, zipped) => {
    if (err !== null) {
      done(body); // zlib failing on a buffer is a bug; the answer still goes out, uncompressed
      return;
    }
    markGzipped(res);
    done(zipped);
  });
}

/**
 * A streamed answer's body gzipped on its way to `res` (headers set, not yet sent): write to the
 * returned stream and end it to end the answer. A client gone away tears it down.
 */
export function gzipStream(res: Response): Gzip {
  markGzipped(res);
  const zipped = createGzip({ level: GZIP_LEVEL });
  zipped.pipe(res);
  res.once('close', () => zipped.destroy());
  return zipped;
}
