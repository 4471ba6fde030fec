/**
 * The only error renderer: whatever a handler throws leaves as a Kubernetes Status. Anything that
 * is not a StatusError is a bug, logged and answered as 500 InternalError.
 */
import type { ErrorRequestHandler } from 'express';
import { StatusError, toStatus } from '../../api/errors.js';
import { writeBody } from '../handlers/context.js';

export function statusErrors(log: (msg: string, err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    // Express's own body/parse errors carry an HTTP status; turn them into the matching Status.
    const status = toStatus(err);
    if (!(err instanceof StatusError)) log(`${req.method} ${req.originalUrl} failed`, err);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (status.code === 429 && status.details?.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
    }
    writeBody(res, status.code, JSON.stringify(status));
  };
}
