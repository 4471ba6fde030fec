/**
 * Child processes for benchmarks: a server started as its own Node process (so the load generator
 * and the server do not share an event loop, and the server's memory can be sampled), ready once
 * it prints `ready https://HOST:PORT` on stdout; and a resident-set sampler that polls
 * `/proc/<pid>/status` from a worker thread so the main thread's work does not delay it.
 *
 * Children are stopped by PID (SIGTERM, then SIGKILL); any still running when this process exits
 * are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

export interface ServerChild {
  /** The URL from the `ready` line. */
  readonly url: string;
  readonly pid: number;
  /** Everything the child wrote to stderr so far (bounded). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. Safe to repeat. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How long to wait for the ready line (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** A file that gets a copy of everything the child writes to stdout and stderr (e.g. --trace-gc). */
  readonly outputFile?: string;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

/** Spawns `command args` and waits for a `ready <url>` line on its stdout. */
export async function spawnServer(command: string, args: readonly string[], opts: SpawnOptions = {}): Promise<ServerChild> {
  installExitHook();
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  if (opts.outputFile !== undefined) {
    const copy = createWriteStream(opts.outputFile, { flags: 'a' });
    child.stdout!.pipe(copy, { end: false });
    child.stderr!.pipe(copy, { end: false });
    child.once('exit', () => setImmediate(() => copy.end()));
  }
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (err.length < 64 * 1024) err += s;
  });
  const exited = new Promise<void>((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) ok();
    else child.once('exit', () => ok());
  });
  void exited.then(() => live.delete(child));

  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => done(new Error(`no ready line within ${opts.readyTimeoutMs ?? 60_000} ms`)), opts.readyTimeoutMs ?? 60_000);
    const onData = (s: string): void => {
      out += s;
      const m = /^ready (https?:\/\/\S+)\s*$/m.exec(out);
      if (m) done(undefined, m[1]!);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      done(new Error(`exited (code ${code}, signal ${signal}) before ready`));
    const onError = (e: Error): void => done(e);
    function done(e: Error | undefined, u?: string): void {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (e) fail(new Error(`${command} ${args.join(' ')}: ${e.message}\n${err.slice(-4000)}`));
      else ok(u!);
    }
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  }).catch(async (e: unknown) => {
    if (child.pid !== undefined) killQuietly(child.pid, 'SIGKILL');
    await exited;
    throw e;
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  child.stdout!.resume();

  const pid = child.pid!;
  let stopping: Promise<void> | undefined;
  return {
    url,
    pid,
    stderr: () => err,
    stop(graceMs = 5_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          killQuietly(pid, 'SIGTERM');
          const timer = setTimeout(() => killQuietly(pid, 'SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** VmRSS of `pid` in bytes, or NaN if it cannot be read (no /proc, process gone). */
export function rssBytes(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export interface RssSampler {
  /** Stops sampling; resolves to the peak VmRSS seen (bytes) and the number of samples. */
  stop(): Promise<{ peak: number; samples: number }>;
}

/**
 * Polls VmRSS of `pid` every `intervalMs` on a worker thread, keeping the peak. The first sample
 * is taken before this returns.
 */
export async function sampleRss(pid: number, intervalMs = 5): Promise<RssSampler> {
  // [0] stop flag, [1] samples; peak in a Float64 view (bytes exceed int32).
  const shared = new SharedArrayBuffer(16 + 8);
  const flags = new Int32Array(shared, 0, 4);
  const peak = new Float64Array(shared, 16, 1);
  const source = `
    const { workerData, parentPort } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const flags = new Int32Array(workerData.shared, 0, 4);
    const peak = new Float64Array(workerData.shared, 16, 1);
    const read = () => {
      try {
        const m = /^VmRSS:\\s+(\\d+)\\s+kB/m.exec(readFileSync('/proc/' + workerData.pid + '/status', 'utf8'));
        if (m) { const v = Number(m[1]) * 1024; if (v > peak[0]) peak[0] = v; Atomics.add(flags, 1, 1); }
      } catch {}
    };
    read();
    parentPort.postMessage('started');
    while (Atomics.load(flags, 0) === 0) {
      Atomics.wait(flags, 0, 0, workerData.intervalMs);
      read();
    }
  `;
  const worker = new Worker(source, { eval: true, workerData: { shared, pid, intervalMs } });
  const ended = new Promise<void>((ok, fail) => {
    worker.once('exit', () => ok());
    worker.once('error', fail);
  });
  await new Promise<void>((ok, fail) => {
    worker.once('message', () => ok());
    worker.once('error', fail);
  });
  return {
    async stop() {
      Atomics.store(flags, 0, 1);
      Atomics.notify(flags, 0);
      await ended;
      return { peak: peak[0]!, samples: Atomics.load(flags, 1) };
    },
  };
}

/** CPU time (user + system, seconds) `pid` has used, from /proc/<pid>/stat; NaN if unreadable. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Linux's USER_HZ, fixed at 100 on every architecture Node supports. */
const CLOCK_TICKS = 100;

export interface CpuUse {
  /** Percent of one core used by the child over the window. */
  readonly child: number;
  /** Percent of one core used by this process over the window. */
  readonly self: number;
  /** CPU seconds the child used. */
  readonly childSeconds: number;
  readonly wallMs: number;
}

export interface CpuWindow {
  /** CPU use since the window opened. */
  stop(): CpuUse;
}

/** Starts measuring the CPU use of `pid` and of this process. */
export function cpuWindow(pid: number): CpuWindow {
  const t0 = performance.now();
  const c0 = cpuSeconds(pid);
  const s0 = process.cpuUsage();
  return {
    stop() {
      const wall = (performance.now() - t0) / 1000;
      const s = process.cpuUsage(s0);
      const childSeconds = cpuSeconds(pid) - c0;
      return {
        child: (childSeconds / wall) * 100,
        self: ((s.user + s.system) / 1e6 / wall) * 100,
        childSeconds,
        wallMs: wall * 1000,
      };
    },
  };
}
