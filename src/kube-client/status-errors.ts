/**
 * A client-node failure as the Kubernetes Status error the server would have raised itself, so
 * code that talks to an external cluster handles errors exactly as code that talks in process.
 */
import { StatusError, type StatusReason } from '../api/errors.js';

export function asStatusError(err: unknown): unknown {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'number') return err;
  const raw = (err as { body?: unknown }).body;
  let body: { message?: string; reason?: string; details?: object } = {};
  try {
    body = (typeof raw === 'string' ? JSON.parse(raw) : raw ?? {}) as typeof body;
  } catch {
    // not a Status
  }
  return new StatusError(code, (body.reason ?? 'Unknown') as StatusReason, body.message ?? String(raw ?? err), body.details as never);
}

/** Runs `fn`, rethrowing client-node failures as StatusErrors. */
export async function translated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asStatusError(err);
  }
}
