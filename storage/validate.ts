/**
 * Input checks shared by every backend, so that malformed requests fail the same way everywhere
 * and never reach the store.
 */
import { StorageError, invalidArgument } from './errors.js';
import type { Txn } from './types.js';

export interface Limits {
  /** Largest key, in UTF-8 bytes. */
  readonly maxKeyBytes: number;
  /** Largest single value. etcd's default request limit is 1.5 MiB. */
  readonly maxValueBytes: number;
  /** Most operations in one transaction (etcd: 128 by default; we allow more for fan-out). */
  readonly maxTxnOps: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxKeyBytes: 4096,
  maxValueBytes: 3 * 1024 * 1024,
  maxTxnOps: 10_000,
};

const TARGETS = new Set(['modRevision', 'createRevision', 'version']);
const RESULTS = new Set(['=', '!=', '<', '>']);

export function checkKey(key: unknown, limits: Limits): asserts key is string {
  if (typeof key !== 'string') throw invalidArgument(`key must be a string, got ${typeof key}`);
  if (key.length === 0) throw invalidArgument('key must not be empty');
  if (key.length > limits.maxKeyBytes / 3 && Buffer.byteLength(key) > limits.maxKeyBytes) {
    throw new StorageError('TooLarge', `key is longer than ${limits.maxKeyBytes} bytes`);
  }
  // Lone surrogates would not survive the UTF-8 round trip through the store.
  if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    throw invalidArgument('key is not well-formed Unicode', key);
  }
}

export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw invalidArgument(`prefix must be a string, got ${typeof prefix}`);
}

export function checkRevision(name: string, revision: unknown): void {
  if (revision === undefined) return;
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw invalidArgument(`${name} must be a non-negative integer`);
  }
}

/** Throws InvalidArgument or TooLarge for anything a backend must not be asked to store. */
export function checkTxn(txn: Txn, limits: Limits): void {
  if (txn === null || typeof txn !== 'object') throw invalidArgument('transaction must be an object');
  const { compare, success } = txn;
  if (!Array.isArray(compare) || !Array.isArray(success)) {
    throw invalidArgument('transaction needs compare and success arrays');
  }
  if (success.length > limits.maxTxnOps) {
    throw new StorageError('TooLarge', `transaction has ${success.length} operations; at most ${limits.maxTxnOps}`);
  }
  for (const c of compare) {
    if (c === null || typeof c !== 'object') throw invalidArgument('compare entries must be objects');
    checkKey(c.key, limits);
    if (!TARGETS.has(c.target)) throw invalidArgument(`unknown compare target ${String(c.target)}`, c.key);
    if (!RESULTS.has(c.result)) throw invalidArgument(`unknown compare result ${String(c.result)}`, c.key);
    if (typeof c.value !== 'number' || !Number.isSafeInteger(c.value)) {
      throw invalidArgument('compare value must be an integer', c.key);
    }
  }
  const seen = new Set<string>();
  for (const op of success) {
    if (op === null || typeof op !== 'object') throw invalidArgument('operations must be objects');
    checkKey(op.key, limits);
    if (seen.has(op.key)) throw invalidArgument('duplicate key given in one transaction', op.key);
    seen.add(op.key);
    if (op.type === 'put') {
      if (!(op.value instanceof Uint8Array)) throw invalidArgument('value must be a Uint8Array', op.key);
      if (op.value.byteLength > limits.maxValueBytes) {
        throw new StorageError('TooLarge', `value of ${op.value.byteLength} bytes exceeds ${limits.maxValueBytes}`, {
          key: op.key,
        });
      }
    } else if (op.type !== 'delete') {
      throw invalidArgument(`unknown operation type ${String((op as { type: unknown }).type)}`, op.key);
    }
  }
}
