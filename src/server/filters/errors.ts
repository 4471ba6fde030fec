/**
 * The only error renderer: whatever a handler throws leaves as a Kubernetes Status. Anything that
 * is not a StatusError is a bug, logged and answered as 500 InternalError.
 */
import { StatusError, toStatus } from '../../api/errors.js';
import { writeBody } from '../handlers/context.js';
import { answerPending } from '../answer-batch.js';
import type { Request, Response } from '../http.js';

export function renderError(err: unknown, req: Request, res: Response, log: (msg: string, err: unknown) => void): void {
  const status = toStatus(err);
  if (!(err instanceof StatusError)) log(`${req.method ?? ''} ${req.url ?? ''} failed`, err);
  if (answerPending(res)) return; // the answer was decided before this failure
  if (res.headersSent) {
    // Mid-stream (a watch or a streamed list): the status line is gone; end what was started.
    res.end();
    return;
  }
  if (status.code === 429 && status.details?.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  }
  writeBody(res, status.code, JSON.stringify(status));
}
