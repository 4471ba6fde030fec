/**
 * Crash test of the durable LevelDB store (acceptance criterion of the storage issue).
 *
 * A child process (test/helpers/crash-writer.ts) runs concurrent transactions against one
 * directory and prints every acknowledged one; it is SIGKILLed at a random moment, the store is
 * reopened here and every acknowledged write must be there, at its revision, in the values and in
 * the log. Repeated CRASH_CYCLES times (default 20) on the same directory. Delays come from a
 * seeded PRNG: CRASH_SEED=<n> replays a run's schedule (the writer's own choices stay random).
 *
 * Also: a damaged log is refused with Corrupt, and malformed input is refused without touching
 * the store.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Level } from 'level';
import { encodeRevision } from '../../storage/engine/codec.js';
import { layoutOf, type RootLevel } from '../../storage/engine/layout.js';
import {
  createKey,
  deleteKey,
  isStorageError,
  openBackend,
  updateKey,
  type Backend,
  type StorageErrorCode,
  type Txn,
  type WatchEvent,
} from '../../storage/index.js';
import { NEW_PREFIX, POOL_PREFIX, valueSha, type AckLine, type AckOp } from '../helpers/crash-writer.js';
import { prng } from '../helpers/prng.js';

const WRITER = fileURLToPath(new URL('../helpers/crash-writer.ts', import.meta.url));
/** tsx's loader, resolved from this repository so the child works from a fresh clone. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const CYCLES = Number(process.env.CRASH_CYCLES ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? randomBytes(4).readUInt32BE(0));
/** Acks to wait for before the kill timer starts. */
const MIN_ACKS = 5;
const KILL_DELAY_MS: readonly [number, number] = [50, 400];
/** A writer that has not acknowledged MIN_ACKS writes by then is broken. */
const START_TIMEOUT_MS = 30_000;


interface CycleRun {
  readonly opened: number;
  readonly acks: AckLine[];
  readonly lines: number;
  readonly tornBytes: number;
}

/** Runs the writer on `dir` until it has acked MIN_ACKS writes, waits `delayMs`, then SIGKILLs it. */
function runWriter(dir: string, delayMs: number): Promise<CycleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, WRITER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let newlines = 0;
    let killTimer: NodeJS.Timeout | undefined;
    let killed = false;
    const kill = (): void => {
      killed = true;
      child.kill('SIGKILL');
    };
    const startTimer = setTimeout(kill, START_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (killTimer !== undefined) return;
      for (const c of chunk) if (c === '\n') newlines++;
      // The first line is {"opened":...}.
      if (newlines > MIN_ACKS) {
        clearTimeout(startTimer);
        killTimer = setTimeout(kill, delayMs);
      }
    });
    child.stderr.on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(startTimer);
      clearTimeout(killTimer);
      if (!killed || signal !== 'SIGKILL') {
        reject(new Error(`writer ended by itself (code ${code}, signal ${signal}) or never got going:\n${err}`));
        return;
      }
      if (killTimer === undefined) {
        reject(new Error(`writer acknowledged fewer than ${MIN_ACKS} writes in ${START_TIMEOUT_MS} ms:\n${err}`));
        return;
      }
      // Everything after the last newline is a torn line: the kill landed mid-write.
      const cut = out.lastIndexOf('\n');
      const lines = out.slice(0, cut + 1).split('\n').slice(0, -1);
      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      const first = parsed.shift();
      if (first === undefined || typeof first['opened'] !== 'number') {
        reject(new Error(`writer's first line is not {"opened": n}: ${lines[0]}`));
        return;
      }
      const errors = parsed.filter((p) => 'error' in p);
      if (errors.length > 0) {
        reject(new Error(`writer reported: ${JSON.stringify(errors)}`));
        return;
      }
      resolve({ opened: first['opened'], acks: parsed as unknown as AckLine[], lines: lines.length, tornBytes: out.length - cut - 1 });
    });
  });
}

/** A txn's changes as comparable strings. */
function opSignature(op: AckOp): string {
  return op.type === 'put' ? `put ${op.key} ${op.sha}` : `delete ${op.key}`;
}
function eventSignature(e: WatchEvent): string {
  return e.type === 'put' ? `put ${e.kv.key} ${valueSha(e.kv.value)}` : `delete ${e.kv.key}`;
}
const sorted = (xs: string[]): string[] => [...xs].sort();

/**
 * Each acked op, read back at its revision. A few reads run at once: a read at an old revision
 * walks the log forward in LevelDB's thread pool, so this roughly halves the wall time.
 */
async function verifyReads(backend: Backend, acks: readonly AckLine[]): Promise<void> {
  const jobs = acks.flatMap(({ rev, ops }) => ops.map((op) => ({ rev, op })));
  let next = 0;
  const reader = async (): Promise<void> => {
    while (next < jobs.length) {
      const { rev, op } = jobs[next++]!;
      const kv = await backend.get(op.key, { revision: rev });
      if (op.type === 'put') {
        assert.ok(kv, `put of ${op.key} at revision ${rev} is missing`);
        assert.equal(kv.key, op.key);
        assert.equal(kv.modRevision, rev, `${op.key} at revision ${rev} has modRevision ${kv.modRevision}`);
        assert.equal(valueSha(kv.value), op.sha, `${op.key} at revision ${rev} has another value`);
        assert.ok(Buffer.from(kv.value).toString('latin1').startsWith(`${op.key}|`), `${op.key}: value does not start with its key`);
      } else {
        assert.equal(kv, undefined, `delete of ${op.key} at revision ${rev} is not visible`);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, reader));
}

interface ModelKv {
  readonly sha: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}
type Model = Map<string, ModelKv>;

/**
 * Reads the whole log from `from` to the current revision through a watch, checks that every
 * revision is there exactly once, that each event is consistent with the one before it for the same
 * key, and that each acked txn is exactly the events of its revision. With `from` = 2 it replays
 * the store from empty and returns the state, plus the state at each of `snapshotsAt`.
 */
async function verifyHistory(
  backend: Backend,
  from: number,
  acks: readonly AckLine[],
  model: Model | undefined,
  snapshotsAt: ReadonlySet<number> = new Set(),
): Promise<Map<number, Model>> {
  const current = backend.currentRevision();
  const byRev = new Map<number, AckLine>();
  for (const a of acks) byRev.set(a.rev, a);
  const snapshots = new Map<number, Model>();
  if (from > current) {
    assert.equal(acks.length, 0);
    return snapshots;
  }
  let expected = from;
  let group: WatchEvent[] = [];
  const finish = (): void => {
    const rev = expected;
    assert.ok(group.length > 0, `revision ${rev} has no events`);
    const ack = byRev.get(rev);
    if (ack) {
      assert.deepEqual(sorted(group.map(eventSignature)), sorted(ack.ops.map(opSignature)), `log at revision ${rev}`);
      byRev.delete(rev);
    }
    if (model) {
      for (const e of group) {
        const key = e.kv.key;
        const before = model.get(key);
        if (before) {
          assert.ok(e.prevKv, `${key} at ${rev}: no prevKv though it existed`);
          assert.equal(e.prevKv.modRevision, before.modRevision, `${key} at ${rev}: prevKv.modRevision`);
          assert.equal(e.prevKv.createRevision, before.createRevision, `${key} at ${rev}: prevKv.createRevision`);
          assert.equal(e.prevKv.version, before.version, `${key} at ${rev}: prevKv.version`);
          assert.equal(valueSha(e.prevKv.value), before.sha, `${key} at ${rev}: prevKv.value`);
        } else {
          assert.equal(e.prevKv, undefined, `${key} at ${rev}: prevKv though it did not exist`);
          assert.equal(e.type, 'put', `${key} at ${rev}: delete of an absent key`);
        }
        if (e.type === 'put') {
          const next: ModelKv = {
            sha: valueSha(e.kv.value),
            createRevision: before ? before.createRevision : rev,
            modRevision: rev,
            version: before ? before.version + 1 : 1,
          };
          assert.equal(e.kv.createRevision, next.createRevision, `${key} at ${rev}: createRevision`);
          assert.equal(e.kv.version, next.version, `${key} at ${rev}: version`);
          model.set(key, next);
        } else {
          model.delete(key);
        }
      }
      if (snapshotsAt.has(rev)) snapshots.set(rev, new Map(model));
    }
    group = [];
    expected++;
  };
  const ac = new AbortController();
  const guard = setTimeout(() => ac.abort(), 60_000);
  try {
    const watch = backend.watch('', { startRevision: from, signal: ac.signal });
    outer: for await (const batch of watch) {
      for (const e of batch) {
        const rev = e.kv.modRevision;
        assert.ok(rev >= expected, `watch went back from ${expected} to ${rev}`);
        while (rev > expected) finish(); // asserts the skipped revision is not silently empty
        group.push(e);
      }
      // Nothing writes here: history ends at the current revision.
      if (group.length > 0 && expected === current) {
        finish();
        break outer;
      }
    }
  } finally {
    clearTimeout(guard);
  }
  assert.equal(expected, current + 1, `history ended at ${expected - 1}, store is at ${current}`);
  assert.deepEqual([...byRev.keys()], [], 'acked revisions missing from the log');
  return snapshots;
}

/** The whole keyspace at `revision` through range, against a replayed model. */
async function verifyRange(backend: Backend, revision: number | undefined, model: Model): Promise<void> {
  const r = await backend.range('/crash/', revision === undefined ? {} : { revision });
  const got = r.kvs.map((kv) => `${kv.key} ${valueSha(kv.value)} ${kv.createRevision} ${kv.modRevision} ${kv.version}`);
  const want = [...model]
    .map(([k, m]) => `${k} ${m.sha} ${m.createRevision} ${m.modRevision} ${m.version}`)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.equal(got.length, want.length, `range at ${revision ?? 'current'}: key count`);
  assert.deepEqual(got, want, `range at ${revision ?? 'current'}`);
}

async function expectCode(p: Promise<unknown>, code: StorageErrorCode, what: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isStorageError(e), `${what}: not a StorageError: ${String(e)}`);
    assert.equal(e.code, code, `${what}: code ${e.code} (${e.message})`);
    return true;
  });
}

describe('storage crash test (leveldb, SIGKILL)', function () {
  this.timeout(115_000);
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ks-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged write across ${CYCLES} SIGKILLs (CRASH_SEED=${SEED})`, async () => {
    const random = prng(SEED);
    console.log(`      crash test: CRASH_SEED=${SEED} CRASH_CYCLES=${CYCLES} dir=${dir}`);
    const all: AckLine[] = [];
    let revisionAtOpen = 1;
    const started = Date.now();
    let writerMs = 0;
    let verifyMs = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const delay = Math.round(KILL_DELAY_MS[0] + random() * (KILL_DELAY_MS[1] - KILL_DELAY_MS[0]));
      const t0 = Date.now();
      const run = await runWriter(dir, delay);
      const t1 = Date.now();
      const label = `cycle ${cycle} (CRASH_SEED=${SEED}, kill after ${delay} ms)`;

      assert.equal(run.opened, revisionAtOpen, `${label}: the writer opened at another revision than the store was left at`);
      assert.ok(run.acks.length >= MIN_ACKS, `${label}: only ${run.acks.length} acks`);
      let last = run.opened;
      for (const a of run.acks) {
        assert.ok(Number.isSafeInteger(a.rev) && a.rev > last, `${label}: ack at revision ${a.rev} after ${last}`);
        assert.ok(a.ops.length >= 1 && a.ops.length <= 4, `${label}: ack at ${a.rev} has ${a.ops.length} ops`);
        last = a.rev;
      }

      let backend: Backend;
      try {
        backend = await openBackend(`leveldb://${dir}`);
      } catch (err) {
        assert.fail(`${label}: the store does not open after the crash: ${String(err)}`);
      }
      try {
        const current = backend.currentRevision();
        assert.ok(current >= last, `${label}: store at revision ${current}, but ${last} was acknowledged`);
        await verifyReads(backend, run.acks);
        await verifyHistory(backend, run.opened + 1, run.acks, undefined);
        revisionAtOpen = current;
        console.log(
          `      ${label}: ${run.acks.length} acks, revisions ${run.opened + 1}..${last}, store at ${current}` +
            `${run.tornBytes > 0 ? `, torn line of ${run.tornBytes} B` : ''}; writer ${t1 - t0} ms, verify ${Date.now() - t1} ms`,
        );
      } finally {
        await backend.close();
      }
      all.push(...run.acks);
      writerMs += t1 - t0;
      verifyMs += Date.now() - t1;
    }

    // Everything again, from the start: reads at each acked revision, and a replay of the whole
    // log (revisions 2..current, each event consistent with the previous one of its key),
    // checked against range at the current revision and at a few earlier ones.
    const t2 = Date.now();
    const backend = await openBackend(`leveldb://${dir}`);
    try {
      assert.equal(backend.currentRevision(), revisionAtOpen);
      await verifyReads(backend, all);
      const picks = new Set<number>();
      for (let i = 0; i < 5; i++) picks.add(2 + Math.floor(random() * (revisionAtOpen - 1)));
      const model: Model = new Map();
      const snapshots = await verifyHistory(backend, 2, all, model, picks);
      await verifyRange(backend, undefined, model);
      for (const [rev, snapshot] of snapshots) await verifyRange(backend, rev, snapshot);
      const pool = [...model.keys()].filter((k) => k.startsWith(POOL_PREFIX)).length;
      const created = [...model.keys()].filter((k) => k.startsWith(NEW_PREFIX)).length;
      console.log(
        `      all ${CYCLES} cycles: ${all.length} acks, store at ${revisionAtOpen} (${pool} pool keys, ${created} created keys live);` +
          ` writers ${writerMs} ms, per-cycle checks ${verifyMs} ms, final check ${Date.now() - t2} ms, total ${Date.now() - started} ms`,
      );
    } finally {
      await backend.close();
    }
  });
});

describe('storage refuses damage and bad input', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  /** A fresh store with revisions 2..21 (puts, updates and a delete), closed. */
  async function seeded(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'ks-damage-'));
    dirs.push(d);
    const b = await openBackend(`leveldb://${d}`);
    try {
      for (let i = 0; i < 15; i++) await createKey(b, `/d/k${i}`, Buffer.from(`value ${i} `.repeat(20)));
      for (let i = 0; i < 4; i++) await updateKey(b, `/d/k${i}`, Buffer.from(`updated ${i}`), 2 + i);
      await deleteKey(b, '/d/k14');
      assert.equal(b.currentRevision(), 21);
    } finally {
      await b.close();
    }
    return d;
  }

  /** Changes the log sublevel directly, through the engine's own layout (names and encodings). */
  async function tamper(d: string, f: (log: ReturnType<typeof layoutOf>['log']) => Promise<void>): Promise<void> {
    const db = new Level<Buffer, Buffer>(d, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
      await f(layoutOf(db as unknown as RootLevel).log);
    } finally {
      await db.close();
    }
  }

  const damages: [string, (log: ReturnType<typeof layoutOf>['log']) => Promise<void>][] = [
    ['a log entry overwritten with garbage', (log) => log.put(encodeRevision(12), randomBytes(64))],
    [
      'a log entry with one bit flipped',
      async (log) => {
        const v = (await log.get(encodeRevision(9)))!;
        const copy = Buffer.from(v);
        copy[copy.length >> 1]! ^= 0x10;
        await log.put(encodeRevision(9), copy);
      },
    ],
    [
      'a truncated log entry',
      async (log) => {
        const v = (await log.get(encodeRevision(20)))!;
        await log.put(encodeRevision(20), v.subarray(0, v.length - 3));
      },
    ],
    ['an empty log entry', (log) => log.put(encodeRevision(5), Buffer.alloc(0))],
    ['the newest log entry deleted', (log) => log.del(encodeRevision(21))],
    ['a log entry in the middle deleted', (log) => log.del(encodeRevision(15))],
    ['a log entry beyond the recorded revision', (log) => log.put(encodeRevision(22), Buffer.alloc(16))],
  ];
  for (const [what, damage] of damages) {
    it(`refuses to open with ${what}: Corrupt`, async () => {
      const d = await seeded();
      await tamper(d, damage);
      await expectCode(openBackend(`leveldb://${d}`), 'Corrupt', what);
    });
  }

  it('refuses malformed input with InvalidArgument or TooLarge, and stays readable at the same revision', async () => {
    const d = await seeded();
    const b = await openBackend(`leveldb://${d}`);
    try {
      const before = b.currentRevision();
      const ok = Buffer.from('fine');
      const bad = (x: unknown): Txn => x as Txn;
      const cases: [string, StorageErrorCode, () => Promise<unknown>][] = [
        ['numeric key', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'put', key: 42, value: ok }] }))],
        ['null key', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'delete', key: null }] }))],
        ['object key', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'put', key: { k: 1 }, value: ok }] }))],
        ['empty key', 'InvalidArgument', () => b.txn({ compare: [], success: [{ type: 'put', key: '', value: ok }] })],
        ['empty key in a compare', 'InvalidArgument', () => b.txn({ compare: [{ key: '', target: 'version', result: '=', value: 0 }], success: [] })],
        ['empty key through createKey', 'InvalidArgument', () => createKey(b, '', ok)],
        ['string value', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'put', key: '/d/s', value: 'text' }] }))],
        ['string value through updateKey', 'InvalidArgument', () => updateKey(b, '/d/k5', 'text' as unknown as Uint8Array, 6)],
        ['missing value', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'put', key: '/d/s' }] }))],
        ['array value', 'InvalidArgument', () => b.txn(bad({ compare: [], success: [{ type: 'put', key: '/d/s', value: [1, 2] }] }))],
        [
          'valid put followed by a string value',
          'InvalidArgument',
          () =>
            b.txn(
              bad({
                compare: [],
                success: [
                  { type: 'put', key: '/d/k0', value: ok },
                  { type: 'put', key: '/d/s', value: 'text' },
                ],
              }),
            ),
        ],
        ['value of 3 MiB + 1', 'TooLarge', () => b.txn({ compare: [], success: [{ type: 'put', key: '/d/big', value: new Uint8Array(3 * 1024 * 1024 + 1) }] })],
        [
          'valid put followed by a value of 4 MiB',
          'TooLarge',
          () =>
            b.txn({
              compare: [],
              success: [
                { type: 'put', key: '/d/k1', value: ok },
                { type: 'put', key: '/d/big', value: new Uint8Array(4 * 1024 * 1024) },
              ],
            }),
        ],
        ['numeric key in get', 'InvalidArgument', () => b.get(7 as unknown as string)],
        ['empty key in get', 'InvalidArgument', () => b.get('')],
      ];
      const snapshot = await b.range('/d/');
      for (const [what, code, call] of cases) {
        await expectCode(call(), code, what);
        assert.equal(b.currentRevision(), before, `${what}: the revision moved`);
      }
      assert.deepEqual(await b.range('/d/'), snapshot, 'the data changed');
      assert.equal(await b.get('/d/s'), undefined);
      assert.equal(await b.get('/d/big'), undefined);
      assert.equal(Buffer.from((await b.get('/d/k0'))!.value).toString(), 'updated 0');
      // Still writable, and a value of exactly the limit is accepted.
      const rev = await createKey(b, '/d/limit', new Uint8Array(3 * 1024 * 1024));
      assert.equal(rev, before + 1);
    } finally {
      await b.close();
    }
    const again = await openBackend(`leveldb://${d}`);
    try {
      assert.equal(again.currentRevision(), 22);
      assert.equal((await again.get('/d/limit'))?.value.byteLength, 3 * 1024 * 1024);
    } finally {
      await again.close();
    }
  });
});
