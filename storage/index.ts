/**
 * The storage surface that src/ may import. Nothing in storage/ imports from src/.
 */
export type {
  Backend,
  Compare,
  EventType,
  GetOptions,
  KeyValue,
  Op,
  RangeOptions,
  RangeResult,
  Txn,
  TxnResult,
  Watch,
  WatchControl,
  WatchEvent,
  WatchListener,
  WatchOptions,
} from './types.js';
export { listenToWatch } from './watch-listen.js';
export { StorageError, isStorageError, type StorageErrorCode } from './errors.js';
export { openBackend, type OpenOptions } from './open.js';
export { startCompactor, type Compactor, type CompactorOptions } from './compactor.js';
export { compareKeys } from './keys.js';
export { DEFAULT_LIMITS, type Limits } from './validate.js';
export { createKey, updateKey, deleteKey } from './kv-ops.js';
