/**
 * The three transaction shapes an API server sends (kine recognises exactly these): create if
 * absent, update if unchanged since a modRevision, delete if unchanged. They turn a failed
 * comparison into the matching StorageError, carrying the current value.
 */
import { StorageError } from './errors.js';
import type { Backend, KeyValue } from './types.js';

/** Creates `key`; throws KeyExists (with the current value) if it exists. Resolves to the new revision. */
export async function createKey(backend: Backend, key: string, value: Uint8Array): Promise<number> {
  const r = await backend.txn({
    compare: [{ key, target: 'modRevision', result: '=', value: 0 }],
    success: [{ type: 'put', key, value }],
  });
  if (!r.succeeded) {
    const current = r.kvs.get(key);
    throw new StorageError('KeyExists', `key ${JSON.stringify(key)} already exists`, { key, ...(current && { current }) });
  }
  return r.revision;
}

/**
 * Replaces `key` if its modRevision is still `expected`. Throws KeyNotFound if it is gone, or
 * Conflict with the current value if it changed. Resolves to the new revision.
 */
export async function updateKey(backend: Backend, key: string, value: Uint8Array, expected: number): Promise<number> {
  const r = await backend.txn({
    compare: [{ key, target: 'modRevision', result: '=', value: expected }],
    success: [{ type: 'put', key, value }],
  });
  if (!r.succeeded) throw mismatch(key, r.kvs.get(key));
  return r.revision;
}

/**
 * Deletes `key`, if `expected` is given only while its modRevision is still that. Throws
 * KeyNotFound or Conflict. Resolves to the deleted value and the deleting revision.
 */
export async function deleteKey(
  backend: Backend,
  key: string,
  expected?: number,
): Promise<{ revision: number; deleted: KeyValue }> {
  const r = await backend.txn({
    compare: [{ key, target: 'modRevision', result: expected === undefined ? '>' : '=', value: expected ?? 0 }],
    success: [{ type: 'delete', key }],
  });
  const deleted = r.kvs.get(key);
  if (!r.succeeded || deleted === undefined) throw mismatch(key, r.kvs.get(key));
  return { revision: r.revision, deleted };
}

function mismatch(key: string, current: KeyValue | undefined): StorageError {
  return current === undefined
    ? new StorageError('KeyNotFound', `key ${JSON.stringify(key)} not found`, { key })
    : new StorageError('Conflict', `key ${JSON.stringify(key)} was modified (now at revision ${current.modRevision})`, {
        key,
        current,
        revision: current.modRevision,
      });
}
