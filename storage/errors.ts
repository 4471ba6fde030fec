/**
 * Storage errors: neutral words, no HTTP status, no Kubernetes reasons. The registry translates
 * them exactly once into Status errors.
 */
import type { KeyValue } from './types.js';

export type StorageErrorCode =
  /** A create found the key already present. */
  | 'KeyExists'
  /** An update or delete found no such key. */
  | 'KeyNotFound'
  /** A compare-and-swap saw another modRevision; `current` holds what is there now. */
  | 'Conflict'
  /** The revision asked for is below the compact revision; `revision` holds the compact revision. */
  | 'Compacted'
  /** The revision asked for is above the current revision; `revision` holds the current one. */
  | 'FutureRevision'
  /** Malformed input: wrong types, empty or oversized keys, duplicate keys in one transaction. */
  | 'InvalidArgument'
  /** A value or transaction larger than the store accepts. */
  | 'TooLarge'
  /** A watcher fell too far behind and was ended; `revision` is the last one it was sent. */
  | 'WatcherTooSlow'
  /** Stored data failed its integrity check. */
  | 'Corrupt'
  /** The store cannot serve (failed write, closed, not reachable). */
  | 'Unavailable';

export interface StorageErrorDetails {
  readonly key?: string;
  readonly revision?: number;
  readonly current?: KeyValue;
  readonly cause?: unknown;
}

export class StorageError extends Error {
  readonly code: StorageErrorCode;
  readonly key: string | undefined;
  readonly revision: number | undefined;
  readonly current: KeyValue | undefined;

  constructor(code: StorageErrorCode, message: string, details: StorageErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StorageError';
    this.code = code;
    this.key = details.key;
    this.revision = details.revision;
    this.current = details.current;
  }
}

export function isStorageError(err: unknown, code?: StorageErrorCode): err is StorageError {
  return err instanceof StorageError && (code === undefined || err.code === code);
}

export const compacted = (requested: number, compactRevision: number): StorageError =>
  new StorageError(
    'Compacted',
    `required revision ${requested} has been compacted (compact revision ${compactRevision})`,
    { revision: compactRevision },
  );

export const futureRevision = (requested: number, current: number): StorageError =>
  new StorageError('FutureRevision', `required revision ${requested} is a future revision (current ${current})`, {
    revision: current,
  });

export const invalidArgument = (message: string, key?: string): StorageError =>
  new StorageError('InvalidArgument', message, key === undefined ? {} : { key });
