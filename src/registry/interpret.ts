/**
 * The one place where storage errors become Kubernetes Status errors, naming the resource and
 * object involved (apiserver's storage/errors Interpret*Error).
 */
import {
  alreadyExists,
  conflict,
  internalError,
  notFound,
  resourceExpired,
  serviceUnavailable,
  storageReadError,
  timeout,
  tooLarge,
  type GroupResource,
  StatusError,
} from '../api/errors.js';
import { isStorageError } from '../../storage/index.js';

export function interpretStorageError(err: unknown, gr: GroupResource, name: string): StatusError {
  if (err instanceof StatusError) return err;
  if (!isStorageError(err)) return internalError(err);
  switch (err.code) {
    case 'KeyExists':
      return alreadyExists(gr, name);
    case 'KeyNotFound':
      return notFound(gr, name);
    case 'Conflict':
      return conflict(gr, name);
    case 'Compacted':
      return resourceExpired('requested', err.revision ?? 0);
    case 'FutureRevision':
      return timeout(`Too large resource version: requested revision is newer than the current ${err.revision ?? ''}`, 1);
    case 'TooLarge':
      return tooLarge(err.message);
    case 'Corrupt':
      return storageReadError(gr, name, err.message);
    case 'Unavailable':
      return serviceUnavailable(err.message);
    default:
      return internalError(err);
  }
}
