/**
 * Child program of the storage crash test (test/integration/storage-crash.test.ts).
 *
 *   node --import <tsx> test/helpers/crash-writer.ts <dir> [workers]
 *
 * Opens `leveldb://<dir>` (durable: every commit is fsynced before it resolves) and runs concurrent
 * workers doing a mix of creates, compare-and-swap updates, multi-key transactions and deletes
 * until it is killed. Output, one JSON object per line on stdout:
 *
 *   {"opened": <revision at open>}                                   first, once
 *   {"rev": <revision>, "ops": [{"type":"put","key":k,"sha":h} | {"type":"delete","key":k}]}
 *
 * An ack line is printed only after its transaction resolved successfully and changed something;
 * `ops` lists exactly the changes it made (a delete of an absent key changes nothing and is left
 * out). Conflicts and other expected failures are not acknowledged.
 *
 * Ack order: transactions of one commit group resolve in the same tick, but their continuations
 * run in an order that depends on how many promise hops each call path has (a kv-ops helper adds
 * one). So acks are collected during a tick and written, sorted by revision, in one write at the
 * next macrotask; across ticks they are written in the order the store acknowledged them. The
 * test checks that the printed revisions are strictly increasing.
 *
 * Values are `<key>|<random hex>` padded with random bytes to 100 B – 8 KiB; `sha` is the first
 * 16 hex digits of the value's SHA-256 (see valueSha).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKey, deleteKey, isStorageError, openBackend, updateKey, type Backend, type Op } from '../../storage/index.js';

export interface AckOp {
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly sha?: string;
}

export interface AckLine {
  readonly rev: number;
  readonly ops: AckOp[];
}

/** Short content hash used in ack lines. */
export function valueSha(value: Uint8Array): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/** Keys shared by all workers and all runs: the targets of updates, deletes and multi-key txns. */
export const POOL_PREFIX = '/crash/pool/';
/** Keys created once each, never touched again. */
export const NEW_PREFIX = '/crash/new/';
const POOL_SIZE = 64;

function poolKey(): string {
  return `${POOL_PREFIX}${String(randomInt(POOL_SIZE)).padStart(3, '0')}`;
}

function makeValue(key: string): Uint8Array {
  // Log-uniform between 100 B and 8 KiB: mostly small, some large.
  const size = Math.round(100 * Math.pow(8192 / 100, Math.random()));
  const head = Buffer.from(`${key}|${randomBytes(8).toString('hex')}|`);
  const out = Buffer.alloc(Math.max(size, head.length));
  head.copy(out);
  randomBytes(out.length - head.length).copy(out, head.length);
  return out;
}

function isExpected(err: unknown): boolean {
  return isStorageError(err, 'Conflict') || isStorageError(err, 'KeyExists') || isStorageError(err, 'KeyNotFound');
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: crash-writer.ts <dir> [workers]');
  const workers = Number(process.argv[3] ?? 32);

  const backend = await openBackend(`leveldb://${dir}`);
  process.stdout.write(`${JSON.stringify({ opened: backend.currentRevision() })}\n`);

  let pending: AckLine[] = [];
  let lastPrinted = 0;
  const flush = (): void => {
    const lines = pending.sort((a, b) => a.rev - b.rev);
    pending = [];
    let out = '';
    for (const line of lines) {
      if (line.rev <= lastPrinted) {
        // Reported as a line of its own so the test fails loudly rather than guessing.
        out += `${JSON.stringify({ error: `acknowledged revision ${line.rev} after ${lastPrinted}` })}\n`;
      }
      lastPrinted = Math.max(lastPrinted, line.rev);
      out += `${JSON.stringify(line)}\n`;
    }
    process.stdout.write(out);
  };
  const ack = (rev: number, ops: AckOp[]): void => {
    if (pending.length === 0) setImmediate(flush);
    pending.push({ rev, ops });
  };
  const put = (key: string, value: Uint8Array): AckOp => ({ type: 'put', key, sha: valueSha(value) });

  let seq = 0;
  const steps: Array<(b: Backend) => Promise<void>> = [
    // Create a brand-new key.
    async (b) => {
      const key = `${NEW_PREFIX}${process.pid}-${seq++}`;
      const value = makeValue(key);
      ack(await createKey(b, key, value), [put(key, value)]);
    },
    // Compare-and-swap a pool key: read, then update at the modRevision read (or create it).
    async (b) => {
      const key = poolKey();
      const value = makeValue(key);
      const current = await b.get(key);
      const rev = current ? await updateKey(b, key, value, current.modRevision) : await createKey(b, key, value);
      ack(rev, [put(key, value)]);
    },
    // Multi-key: 2-4 distinct pool keys, puts and deletes, half of the time guarded by compares.
    async (b) => {
      const keys = new Set<string>();
      const n = 2 + randomInt(3);
      while (keys.size < n) keys.add(poolKey());
      const ops: Op[] = [...keys].map((key) =>
        Math.random() < 0.7 ? { type: 'put', key, value: makeValue(key) } : { type: 'delete', key },
      );
      let compare: { key: string; target: 'modRevision'; result: '='; value: number }[] = [];
      if (Math.random() < 0.5) {
        compare = await Promise.all(
          [...keys].map(async (key) => ({
            key,
            target: 'modRevision' as const,
            result: '=' as const,
            value: (await b.get(key))?.modRevision ?? 0,
          })),
        );
      }
      const r = await b.txn({ compare, success: ops });
      if (!r.succeeded) return;
      const changed: AckOp[] = [];
      for (const op of ops) {
        if (op.type === 'put') changed.push(put(op.key, op.value));
        else if (r.kvs.has(op.key)) changed.push({ type: 'delete', key: op.key });
      }
      if (changed.length > 0) ack(r.revision, changed);
    },
    // Delete a pool key, unconditionally or at the modRevision read.
    async (b) => {
      const key = poolKey();
      let expected: number | undefined;
      if (Math.random() < 0.5) {
        const current = await b.get(key);
        if (!current) return;
        expected = current.modRevision;
      }
      const { revision } = await deleteKey(b, key, expected);
      ack(revision, [{ type: 'delete', key }]);
    },
  ];
  // Weights: create, cas, multi, delete.
  const weights = [3, 4, 3, 1];
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = (): ((b: Backend) => Promise<void>) => {
    let x = randomInt(total);
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return steps[i]!;
    }
    return steps[0]!;
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      try {
        await pick()(backend);
      } catch (err) {
        if (!isExpected(err)) throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}

// Run only as a program, so the test can import the helpers above.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`crash-writer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
