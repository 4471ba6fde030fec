/**
 * `npm run bench -- storage [--quick]`: the LevelDB backend's durable create throughput and
 * latency at concurrency 1 and 64 and watch fan-out latency with 1,000 watchers; on etcd 3.4
 * (when an `etcd` binary is on PATH) the same create figures with the bare etcd3 client as the
 * baseline, and all figures again through the project's etcd backend, side by side.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { createKey, openBackend, type Backend, type Watch } from '../storage/index.js';
import { startEtcd } from './lib/etcd.js';
import { Reporter } from './lib/report.js';
import { Samples, ratio, summarize, throughput } from './lib/stats.js';

const VALUE_SIZE = 2048;
const CONCURRENCIES = [1, 64] as const;
const WATCHERS = 1000;
const WATCH_TXN_RATE = 100;

/** Creates `key` with `value`, failing if it exists. */
type CreateFn = (key: string, value: Uint8Array) => Promise<void>;

interface LoadResult {
  readonly ops: number;
  readonly elapsedMs: number;
  readonly latency: Samples;
  /** Distinct event-loop turns in which creates completed: commit groups, for a group-committing store. */
  readonly completionTurns: number;
}

const values = Array.from({ length: 256 }, () => randomBytes(VALUE_SIZE));
const valueAt = (n: number): Buffer => values[n % values.length]!;

export async function run({ quick }: { quick: boolean }): Promise<void> {
  const createMs = quick ? 2_000 : 10_000;
  const warmupMs = quick ? 250 : 1_000;
  const watchMs = quick ? 3_000 : 10_000;
  const rep = new Reporter('storage');
  rep.note(`mode=${quick ? 'quick' : 'full'} value=${VALUE_SIZE}B create=${createMs}ms/concurrency watch=${watchMs}ms`);

  const dir = await mkdtemp(join(tmpdir(), 'bench-storage-'));
  try {
    const backend = await openBackend(`leveldb://${join(dir, 'db')}`);
    try {
      await backendFigures(rep, '', backend, createMs, warmupMs, watchMs);
    } finally {
      await backend.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  await etcdFigures(rep, createMs, warmupMs, watchMs);
  const f = rep.figures;
  const b = rep.baselines;
  if (Object.keys(b).length > 0) {
    for (const c of CONCURRENCIES) {
      rep.ratio(`create_c${c}_throughput_leveldb_over_etcd`, ratio(f[`create_c${c}_throughput`], b[`create_c${c}_throughput`]));
    }
    for (const c of CONCURRENCIES) {
      rep.ratio(`create_c${c}_p99_etcd_over_leveldb`, ratio(b[`create_c${c}_p99`], f[`create_c${c}_p99`]));
    }
  }
  // The two backends of the storage port side by side (the etcd one over the same etcd).
  if (f['etcd_backend_create_c64_throughput'] !== undefined) {
    for (const c of CONCURRENCIES) {
      rep.ratio(`create_c${c}_throughput_leveldb_over_etcd_backend`, ratio(f[`create_c${c}_throughput`], f[`etcd_backend_create_c${c}_throughput`]));
      rep.ratio(`create_c${c}_p99_etcd_backend_over_leveldb`, ratio(f[`etcd_backend_create_c${c}_p99`], f[`create_c${c}_p99`]));
      // What the port costs over raw etcd: ours through storage/etcd vs the bare etcd3 client.
      rep.ratio(`create_c${c}_throughput_etcd_backend_over_raw_etcd`, ratio(f[`etcd_backend_create_c${c}_throughput`], b[`create_c${c}_throughput`]));
    }
    rep.ratio('watch_p99_etcd_backend_over_leveldb', ratio(f['etcd_backend_watch_write_to_delivery_p99'], f['watch_write_to_delivery_p99']));
  }

  rep.target({ figure: 'create_c64_throughput', op: '>=', value: 15_000, unit: 'ops/s' });
  rep.target({ figure: 'create_c64_throughput_leveldb_over_etcd', op: '>=', value: 3, unit: 'x' });
  rep.target({ figure: 'watch_write_to_delivery_p99', op: '<=', value: 50, unit: 'ms' });
  rep.target({ figure: 'watch_delivery_rate', op: '>=', value: WATCHERS * WATCH_TXN_RATE, unit: 'deliveries/s' });
  rep.finish();
}

/** Create and watch figures of one backend of the storage port; `prefix` names them apart. */
async function backendFigures(rep: Reporter, prefix: string, backend: Backend, createMs: number, warmupMs: number, watchMs: number): Promise<void> {
  const create: CreateFn = async (key, value) => {
    await createKey(backend, key, value);
  };
  for (const c of CONCURRENCIES) {
    await createLoad(`/registry/warmup/c${c}/`, c, warmupMs, create);
    const r = await createLoad(`/registry/bench/c${c}/`, c, createMs, create);
    const s = summarize(r.latency);
    rep.figure(`${prefix}create_c${c}_throughput`, throughput(r.ops, r.elapsedMs), 'ops/s');
    rep.figure(`${prefix}create_c${c}_p50`, s.p50, 'ms');
    rep.figure(`${prefix}create_c${c}_p99`, s.p99, 'ms');
    if (prefix === '') rep.figure(`create_c${c}_ops_per_commit`, r.ops / Math.max(1, r.completionTurns), 'ops');
  }
  await watchBench(backend, rep, watchMs, prefix);
}

/**
 * `concurrency` workers each create fresh keys back to back until `durationMs` has passed,
 * timing every create. Throughput counts every completed create over the time until the last
 * worker finished its last one.
 */
async function createLoad(prefix: string, concurrency: number, durationMs: number, create: CreateFn): Promise<LoadResult> {
  const latency = new Samples();
  let ops = 0;
  let completionTurns = 0;
  let turnOpen = false;
  const start = performance.now();
  const deadline = start + durationMs;
  const worker = async (w: number): Promise<void> => {
    for (let n = 0; performance.now() < deadline; n++) {
      const t0 = performance.now();
      await create(`${prefix}w${w}-${n}`, valueAt(w * 7919 + n));
      latency.push(performance.now() - t0);
      ops++;
      if (!turnOpen) {
        // Completions of one commit group all resume in the same macrotask.
        turnOpen = true;
        completionTurns++;
        setImmediate(() => (turnOpen = false));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { ops, elapsedMs: performance.now() - start, latency, completionTurns };
}

/**
 * 1,000 watchers on one prefix; one writer creates keys under it at a fixed schedule of
 * WATCH_TXN_RATE txns/s (open loop: a late tick fires at once, it does not wait for the previous
 * commit). Latency is from the writer calling txn (so it includes the durable commit) to a
 * watcher receiving the event.
 */
async function watchBench(backend: Backend, rep: Reporter, durationMs: number, name = ''): Promise<void> {
  const prefix = '/registry/watchbench/';
  const sentAt = new Map<string, number>();
  const latency = new Samples();
  const commitLatency = new Samples();
  let delivered = 0;
  let lastDeliveryAt = 0;
  let watcherErrors = 0;
  let firstError: unknown;

  const watches: Watch[] = [];
  const consumers: Promise<void>[] = [];
  for (let i = 0; i < WATCHERS; i++) {
    const watch = backend.watch(prefix);
    watches.push(watch);
    consumers.push(
      (async () => {
        try {
          for await (const batch of watch) {
            const now = performance.now();
            for (const e of batch) {
              const t = sentAt.get(e.kv.key);
              if (t === undefined) continue;
              latency.push(now - t);
              delivered++;
            }
            lastDeliveryAt = now;
          }
        } catch (err) {
          watcherErrors++;
          firstError ??= err;
        }
      })(),
    );
  }

  let committed = 0;
  let writeErrors = 0;
  const inflight = new Set<Promise<void>>();
  const interval = 1000 / WATCH_TXN_RATE;
  const txns = Math.floor(durationMs / interval);
  const start = performance.now();
  for (let i = 0; i < txns; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const key = `${prefix}k${i}`;
    const t0 = performance.now();
    sentAt.set(key, t0);
    const p = createKey(backend, key, valueAt(i)).then(
      () => {
        commitLatency.push(performance.now() - t0);
        committed++;
      },
      (err: unknown) => {
        writeErrors++;
        firstError ??= err;
      },
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  await Promise.all(inflight);
  const scheduleEnd = start + txns * interval;

  // Let the watchers drain, bounded.
  const expected = committed * WATCHERS;
  const drainDeadline = performance.now() + 5_000;
  while (delivered < expected && watcherErrors === 0 && performance.now() < drainDeadline) await sleep(10);
  for (const w of watches) w.close();
  await Promise.all(consumers);

  const s = summarize(latency);
  const c = summarize(commitLatency);
  const windowMs = Math.max(scheduleEnd, lastDeliveryAt) - start;
  rep.figure(`${name}watch_write_to_delivery_p50`, s.p50, 'ms');
  rep.figure(`${name}watch_write_to_delivery_p99`, s.p99, 'ms');
  rep.figure(`${name}watch_delivery_rate`, throughput(delivered, windowMs), 'deliveries/s');
  rep.figure(`${name}watch_writer_rate`, throughput(committed, windowMs), 'txns/s');
  rep.figure(`${name}watch_writer_commit_p99`, c.p99, 'ms');
  rep.figure(`${name}watch_missed_deliveries`, expected - delivered, 'deliveries');
  if (watcherErrors > 0 || writeErrors > 0) {
    rep.note(`${name}watch: ${watcherErrors} watcher error(s), ${writeErrors} write error(s); first: ${String((firstError as Error)?.message ?? firstError)}`);
  }
}

/**
 * On one etcd 3.4: the create figures of the bare etcd3 client with kube-apiserver's
 * create-if-absent transaction (the baseline), then the etcd backend of the storage port
 * (figures prefixed `etcd_backend_`), so LevelDB and etcd stand side by side in one run.
 */
async function etcdFigures(rep: Reporter, createMs: number, warmupMs: number, watchMs: number): Promise<void> {
  let etcd;
  try {
    etcd = await startEtcd();
  } catch (err) {
    rep.note(`etcd baseline skipped: ${(err as Error).message.split('\n')[0]}`);
    return;
  }
  if (etcd === undefined) {
    rep.note('etcd baseline skipped: no etcd binary on PATH');
    return;
  }
  const client = new Etcd3({ hosts: etcd.endpoint });
  try {
    const create: CreateFn = async (key, value) => {
      const r = await client
        .if(key, 'Mod', '==', 0)
        .then(client.put(key).value(Buffer.from(value.buffer, value.byteOffset, value.byteLength)))
        .commit();
      if (!r.succeeded) throw new Error(`etcd: key ${key} already exists`);
    };
    for (const c of CONCURRENCIES) {
      await createLoad(`/registry/warmup/c${c}/`, c, warmupMs, create);
      const r = await createLoad(`/registry/bench/c${c}/`, c, createMs, create);
      const s = summarize(r.latency);
      rep.baseline(`create_c${c}_throughput`, throughput(r.ops, r.elapsedMs), 'ops/s', 'etcd');
      rep.baseline(`create_c${c}_p50`, s.p50, 'ms', 'etcd');
      rep.baseline(`create_c${c}_p99`, s.p99, 'ms', 'etcd');
    }
    client.close();
    const backend = await openBackend(`${etcd.endpoint.replace('http://', 'etcd://')}/bench-backend/`);
    try {
      await backendFigures(rep, 'etcd_backend_', backend, createMs, warmupMs, watchMs);
    } finally {
      await backend.close();
    }
  } finally {
    client.close();
    await etcd.stop();
  }
}
