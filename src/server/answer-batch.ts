/**
 * Whole answers leave once per event-loop turn, together. A busy server handles the requests of
 * many connections in one I/O phase; written one by one, between handlers, every answer finds
 * the client asleep and pays a wake-up (on a VM, an interrupt to another core) in its write. Held
 * until the I/O phase ends and then written back to back, one wake-up serves the batch, and the
 * client sends its next requests in a batch too. On a 2-core host this nearly halved the CPU per
 * GET (bench/api.ts). An idle server answers in the same turn as before: the check phase runs
 * right after the I/O phase that produced the answer. Answers of 128 KiB or more to clients that
 * take gzip are compressed first, as kube-apiserver compresses them.
 */
import { compresses, gzipAnswer } from './compression.js';
import type { Response } from './http.js';

/**
 * A fresh map per turn, not one map cleared: clearing a long-lived map leaves its old table in
 * V8's old generation, still pointing at the turn's responses and bodies, and young objects an
 * old one points at survive every young collection until the next full one (docs/gc-retention.md).
 */
let pending = new Map<Response, Buffer>();
/** Answers being gzipped (on the thread pool): decided, queued once compressed. */
const compressing = new Set<Response>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  // Answers queued while flushing (none today: end() runs no handler code) wait for the next turn.
  const batch = pending;
  pending = new Map();
  for (const [res, body] of batch) res.end(body);
}

/**
 * Ends `res` with `body` at the end of this event-loop turn; other headers must be set already.
 * A second answer to the same request is a bug, refused as node refuses headers sent twice.
 */
export function endThisTurn(res: Response, code: number, contentType: string, body: Buffer): void {
  if (answerPending(res) || res.headersSent) throw new Error(`a second answer (${code}) to a request already answered`);
  res.statusCode = code;
  res.setHeader('Content-Type', contentType);
  if (compresses(res.req, body.length)) {
    // A large answer is gzipped first (compression.ts) and leaves with the turn that finishes it.
    compressing.add(res);
    gzipAnswer(res, body, (bytes) => {
      compressing.delete(res);
      queue(res, bytes);
    });
    return;
  }
  queue(res, body);
}

function queue(res: Response, body: Buffer): void {
  res.setHeader('Content-Length', body.length);
  pending.set(res, body);
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}

/** Whether an answer for `res` is decided but not yet written. */
export function answerPending(res: Response): boolean {
  return pending.has(res) || compressing.has(res);
}
