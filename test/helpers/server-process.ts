/**
 * The real `kubestellar serve` as a child process, for end-to-end tests (test/e2e/).
 *
 *   const server = await startServer({ demo: true });
 *   server.kubeconfig('wds1')        // <dataDir>/kubeconfigs/wds1.kubeconfig ('admin' for the root API)
 *   await server.kill9(); await server.restart();
 *   await server.dispose();          // stop, and remove the data dir if this helper made it
 *
 * Runs `node --import tsx src/cli.ts serve --port 0 --bind-address 127.0.0.1 --data-dir DIR ...`
 * from the repository root (no build step), waits for its `ready https://ADDR:PORT` line, and
 * appends the child's stderr to `<dataDir>/server.stderr.log` (quoted in every startup error).
 * Children are stopped by PID only: SIGTERM, then SIGKILL after a grace period. Any child still
 * running when this process exits is SIGKILLed, and data dirs this helper created are removed
 * (unless KUBESTELLAR_E2E_KEEP=1).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file is test/helpers/server-process.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'src', 'cli.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface StartServerOptions {
  /** Pass `--demo` (spaces its1, wds1, cluster1, cluster2). */
  readonly demo?: boolean;
  /** Serve this directory; default a fresh temp dir, removed by dispose() and at exit. */
  readonly dataDir?: string;
  /** More arguments after `serve ...`, e.g. ['--storage', 'memory://']. */
  readonly extraArgs?: readonly string[];
  /** Bound on the wait for the `ready` line (default 30 s). */
  readonly readyTimeoutMs?: number;
  /** Restarts reuse the port the first run got, so clients (work agents) find the server again. */
  readonly stickyPort?: boolean;
  /** Bound on SIGTERM before SIGKILL in stop() (default 10 s). */
  readonly stopTimeoutMs?: number;
  /**
   * One of several replicas sharing `dataDir` (its PKI) and a store: its kubeconfigs (which name
   * its own address) and its stderr log get files of their own.
   */
  readonly replica?: string;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** `https://127.0.0.1:PORT` of the current run (a restart gets a new port). */
  readonly url: string;
  readonly dataDir: string;
  readonly kubeconfigDir: string;
  /** PID of the current child, undefined once it has exited. */
  readonly pid: number | undefined;
  /** Where the child's stderr goes (appended across restarts). */
  readonly stderrPath: string;
  /** Path of a space's kubeconfig; `admin` (or no argument) for the root API. */
  kubeconfig(space?: string): string;
  /** SIGTERM, then SIGKILL after stopTimeoutMs; resolves with how it ended. */
  stop(): Promise<ExitInfo>;
  /** SIGKILL, no chance to flush or close anything. */
  kill9(): Promise<ExitInfo>;
  /** Stops the child if it runs, then starts it again on the same data dir and waits for ready. */
  restart(): Promise<void>;
  /** stop(), then remove the data dir if startServer made it (unless KUBESTELLAR_E2E_KEEP=1). */
  dispose(): Promise<void>;
  /** The child's stderr so far. */
  stderr(): string;
}

const live = new Set<ChildProcess>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;

function keepData(): boolean {
  return process.env['KUBESTELLAR_E2E_KEEP'] === '1';
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    if (!keepData()) for (const dir of ownedDirs) rmSync(dir, { recursive: true, force: true });
  });
}

function readTail(path: string, max = 8192): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.length > max ? `...${text.slice(-max)}` : text;
  } catch {
    return '';
  }
}

function exited(child: ChildProcess): ExitInfo | undefined {
  return child.exitCode !== null || child.signalCode !== null
    ? { code: child.exitCode, signal: child.signalCode }
    : undefined;
}

function waitExit(child: ChildProcess): Promise<ExitInfo> {
  const done = exited(child);
  if (done !== undefined) return Promise.resolve(done);
  return new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<undefined>((ok) => {
      timer = setTimeout(() => ok(undefined), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function signal(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || exited(child) !== undefined) return;
  try {
    process.kill(child.pid, sig);
  } catch {
    // exited in between
  }
}

export async function startServer(options: StartServerOptions = {}): Promise<ServerProcess> {
  installExitHook();
  let dataDir: string;
  let owned = false;
  if (options.dataDir !== undefined) {
    dataDir = resolve(options.dataDir);
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'kubestellar-e2e-'));
    owned = true;
    ownedDirs.add(dataDir);
  }
  const replica = options.replica;
  const kubeconfigDir = join(dataDir, replica === undefined ? 'kubeconfigs' : `kubeconfigs-${replica}`);
  const stderrPath = join(dataDir, replica === undefined ? 'server.stderr.log' : `server-${replica}.stderr.log`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const args = [
    '--import',
    TSX,
    CLI,
    'serve',
    '--port',
    '0',
    '--bind-address',
    '127.0.0.1',
    '--data-dir',
    dataDir,
    ...(options.demo === true ? ['--demo'] : []),
    ...(replica === undefined ? [] : ['--kubeconfig-dir', kubeconfigDir]),
    ...(options.extraArgs ?? []),
    // KUBESTELLAR_TEST_ETCD=etcd://H:P runs servers that name no storage over that etcd (a prefix each).
    ...(process.env['KUBESTELLAR_TEST_ETCD'] && !(options.extraArgs ?? []).includes('--storage')
      ? ['--storage', `${process.env['KUBESTELLAR_TEST_ETCD'].replace(/\/+$/, '')}/${dataDir.split('/').pop()}/`]
      : []),
  ];

  let child: ChildProcess | undefined;
  let url = '';

  const launch = async (): Promise<void> => {
    const fd = openSync(stderrPath, 'a');
    let proc: ChildProcess;
    try {
      writeSync(fd, `--- ${new Date().toISOString()} start: node ${args.slice(2).join(' ')}\n`);
      proc = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', fd] });
    } finally {
      closeSync(fd);
    }
    child = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    const stdout = proc.stdout!;
    stdout.setEncoding('utf8');
    url = await new Promise<string>((ok, fail) => {
      let buffer = '';
      let settled = false;
      const finish = (err: Error | undefined, value = ''): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        proc.off('exit', onExit);
        proc.off('error', onError);
        if (err === undefined) ok(value);
        else fail(err);
      };
      const describe = (what: string): Error =>
        new Error(`kubestellar serve ${what} (data dir ${dataDir})\n--- stderr (${stderrPath}):\n${readTail(stderrPath)}`);
      const onExit = (code: number | null, sig: NodeJS.Signals | null): void =>
        finish(describe(`exited before ready (code ${code}, signal ${sig})`));
      const onError = (err: Error): void => finish(describe(`could not start: ${err.message}`));
      const timer = setTimeout(() => {
        signal(proc, 'SIGKILL');
        finish(describe(`printed no ready line within ${readyTimeoutMs} ms`));
      }, readyTimeoutMs);
      proc.once('exit', onExit);
      proc.once('error', onError);
      // Keep draining stdout after ready so the child never blocks on a full pipe.
      stdout.on('data', (chunk: string) => {
        if (settled) return;
        buffer += chunk;
        const match = /^ready (https:\/\/\S+)\s*$/m.exec(buffer);
        if (match !== null) finish(undefined, match[1]!);
      });
    });
    if (options.stickyPort === true) args[args.indexOf('--port') + 1] = new URL(url).port;
  };

  const stop = async (): Promise<ExitInfo> => {
    const proc = child;
    if (proc === undefined) return { code: null, signal: null };
    signal(proc, 'SIGTERM');
    const info = await withTimeout(waitExit(proc), stopTimeoutMs);
    if (info !== undefined) return info;
    signal(proc, 'SIGKILL');
    return waitExit(proc);
  };

  const kill9 = async (): Promise<ExitInfo> => {
    const proc = child;
    if (proc === undefined) return { code: null, signal: null };
    signal(proc, 'SIGKILL');
    return waitExit(proc);
  };

  await launch();

  return {
    get url() {
      return url;
    },
    dataDir,
    kubeconfigDir,
    get pid() {
      return child !== undefined && exited(child) === undefined ? child.pid : undefined;
    },
    stderrPath,
    kubeconfig(space = 'admin') {
      return join(kubeconfigDir, `${space}.kubeconfig`);
    },
    stop,
    kill9,
    async restart() {
      await stop();
      await launch();
    },
    async dispose() {
      await stop();
      if (owned && !keepData()) {
        rmSync(dataDir, { recursive: true, force: true });
        ownedDirs.delete(dataDir);
      }
    },
    stderr() {
      return readTail(stderrPath, Number.MAX_SAFE_INTEGER);
    },
  };
}
