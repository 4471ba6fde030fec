/**
 * The one place where etcd and gRPC failures become StorageError codes. etcd3 turns gRPC
 * statuses into typed errors but keeps the message (`11 OUT_OF_RANGE: etcdserver: mvcc: ...`),
 * and etcd's own errors are only distinguishable by that message, so both are matched here.
 */
import { ClientClosedError } from 'etcd3';
import { StorageError, type StorageErrorCode } from '../errors.js';

/** etcd server messages (etcdserver/api/v3rpc/rpctypes) and the code each one means here. */
const MESSAGES: readonly [string, StorageErrorCode][] = [
  ['required revision has been compacted', 'Compacted'],
  ['required revision is a future revision', 'FutureRevision'],
  ['request is too large', 'TooLarge'],
  ['too many operations in txn request', 'TooLarge'],
  // gRPC's own size limits, on either side of the connection.
  ['message larger than max', 'TooLarge'],
  ['duplicate key given in txn request', 'InvalidArgument'],
  ['key is not provided', 'InvalidArgument'],
  ['corrupt cluster', 'Corrupt'],
  // Everything else etcd can say (no leader, timeouts, no space, auth) means it cannot serve now.
];

/** gRPC DATA_LOSS: unrecoverable loss or corruption. */
const DATA_LOSS = 15;

export function etcdErrorCode(err: unknown): StorageErrorCode {
  if (err instanceof StorageError) return err.code;
  const message = messageOf(err);
  for (const [needle, code] of MESSAGES) if (message.includes(needle)) return code;
  if (message.startsWith(`${DATA_LOSS} DATA_LOSS`)) return 'Corrupt';
  return 'Unavailable';
}

/**
 * The StorageError for a failed etcd call. Compacted and FutureRevision need the revisions the
 * backend tracks; it passes them in (etcd's message does not carry them).
 */
export function toStorageError(
  err: unknown,
  what: string,
  revisions: { requested?: number; compactRevision?: number; currentRevision?: number } = {},
): StorageError {
  if (err instanceof StorageError) return err;
  const code = etcdErrorCode(err);
  const message = err instanceof ClientClosedError ? 'etcd client is closed' : messageOf(err);
  switch (code) {
    case 'Compacted':
      return new StorageError(
        code,
        `${what}: required revision ${revisions.requested ?? '?'} has been compacted (compact revision ${revisions.compactRevision ?? '?'})`,
        { cause: err, ...(revisions.compactRevision !== undefined && { revision: revisions.compactRevision }) },
      );
    case 'FutureRevision':
      return new StorageError(
        code,
        `${what}: required revision ${revisions.requested ?? '?'} is a future revision (current ${revisions.currentRevision ?? '?'})`,
        { cause: err, ...(revisions.currentRevision !== undefined && { revision: revisions.currentRevision }) },
      );
    case 'Unavailable':
      return new StorageError(code, `${what}: etcd is unavailable: ${message}`, { cause: err });
    default:
      return new StorageError(code, `${what}: ${message}`, { cause: err });
  }
}

/**
 * Whether a failed call certainly never reached etcd, so that even a write may be sent again.
 * A timeout or a dropped connection mid-call is not such proof: the write may have been applied.
 */
export function neverSent(err: unknown): boolean {
  const message = messageOf(err);
  return (
    message.includes('No connection established') ||
    message.includes('ECONNREFUSED') ||
    message.includes('Name resolution failed') ||
    // The per-host circuit breaker refused to call out at all.
    (err as { isBrokenCircuitError?: unknown } | null)?.isBrokenCircuitError === true
  );
}

/** Whether an idempotent call (a read, a watch) is worth retrying, perhaps on another member. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ClientClosedError) return false;
  if (err instanceof StorageError) return err.code === 'Unavailable';
  if (neverSent(err)) return true;
  const message = messageOf(err);
  return (
    // Covers etcd's "no leader", "leader changed" and "request timed out" too.
    message.startsWith('14 UNAVAILABLE') ||
    // What a connection torn down under a stream looks like (RST_STREAM, GOAWAY, server shutdown).
    message.startsWith('13 INTERNAL') ||
    message.startsWith('1 CANCELLED')
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
