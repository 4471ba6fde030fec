/**
 * Starts a throwaway single-member etcd on loopback for benchmarks and tests.
 *
 * `startEtcd()` resolves to undefined when there is no `etcd` binary on PATH, so callers can skip
 * what needs it. Otherwise it picks two free loopback ports, runs etcd on a fresh temporary data
 * directory (its output goes to `etcd.log` there), waits until it reports healthy, and hands back
 * the client endpoint and a `stop()` that ends the child by PID (SIGTERM, then SIGKILL) and
 * removes the directory. Children still running when this process exits are killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants, closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  /** The child's PID. */
  readonly pid: number;
  /** Where etcd's stdout and stderr go (in the temporary directory that stop() removes). */
  readonly logFile: string;
  /** Stops etcd and removes its temporary directory. Safe to call more than once. */
  stop(): Promise<void>;
}

export interface EtcdOptions {
  /** The binary; default: `etcd` looked up on PATH. */
  readonly binary?: string;
  /** How long to wait for etcd to become healthy (default 15 s). */
  readonly readyTimeoutMs?: number;
  /** How long to wait after SIGTERM before SIGKILL (default 5 s). */
  readonly stopTimeoutMs?: number;
  /** Extra command-line flags. */
  readonly extraArgs?: readonly string[];
}

/** Children not yet stopped, killed synchronously if the process exits first. */
const live = new Map<number, { child: ChildProcess; dir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllSync();
      // Restore the default disposition and die of the same signal.
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function killAllSync(): void {
  for (const [pid, { dir }] of live) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  live.clear();
}

/** Absolute path of `name` on PATH, or undefined. */
export async function findOnPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A loopback TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close((err) => (err ? reject(err) : port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export async function startEtcd(options: EtcdOptions = {}): Promise<EtcdServer | undefined> {
  const binary = options.binary ?? (await findOnPath('etcd'));
  if (binary === undefined) return undefined;

  const clientPort = await freePort();
  let peerPort = await freePort();
  while (peerPort === clientPort) peerPort = await freePort();
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;

  const dir = await mkdtemp(join(tmpdir(), 'etcd-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'etcd.log');
  const args = [
    '--name', 'default',
    '--data-dir', dataDir,
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `default=${peerUrl}`,
    ...(options.extraArgs ?? []),
  ];

  installExitHook();
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (pid !== undefined) live.delete(pid);
      const running = (): boolean => child.exitCode === null && child.signalCode === null && pid !== undefined;
      if (running()) {
        try {
          process.kill(pid!, 'SIGTERM');
        } catch {
          // raced with its exit
        }
        const timer = (ms: number): Promise<'timeout'> =>
          new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
        if ((await Promise.race([exited, timer(options.stopTimeoutMs ?? 5000)])) === 'timeout' && running()) {
          try {
            process.kill(pid!, 'SIGKILL');
          } catch {
            // raced with its exit
          }
          await Promise.race([exited, timer(5000)]);
        }
      }
      await rm(dir, { recursive: true, force: true });
    })());

  if (pid === undefined) {
    const err = await spawnError;
    await stop();
    throw new Error(`cannot start ${binary}: ${err.message}`);
  }
  live.set(pid, { child, dir });

  try {
    await waitHealthy(clientUrl, options.readyTimeoutMs ?? 15_000, exited);
  } catch (err) {
    const log = tail(logFile);
    await stop();
    throw new Error(`etcd did not become ready: ${(err as Error).message}${log ? `\n--- etcd.log (tail) ---\n${log}` : ''}`);
  }
  return { endpoint: clientUrl, pid, logFile, stop };
}

/** Polls `/health` until etcd says it is healthy, the child exits, or time runs out. */
async function waitHealthy(clientUrl: string, timeoutMs: number, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error('etcd exited during startup');
    try {
      const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: unknown };
      if (res.ok && String(body.health) === 'true') return;
      last = `health ${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not healthy after ${timeoutMs} ms (${last})`);
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
