/**
 * Real kubectl binaries for end-to-end tests.
 *
 * - Pinned binaries sit beside the real file of the `kubectl` dispatcher on PATH
 *   (`kubectl.1.27` ... `kubectl.1.33`, see /work/shared/TOOLS.md); we call them directly, so the
 *   dispatcher's version probing and its cache never get in the way.
 * - kubectl 1.35 (and helm 3/4) come from `.tools/`, fetched by `scripts/fetch-tools.sh`.
 *
 * Every run uses HOME (and so `~/.kube/cache`) in a temp dir of this test process: discovery is
 * never served from another run's cache. `E2E_KUBECTL=all` makes kubectlVersions() list every
 * pinned minor instead of the oldest and the newest.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { REPO_ROOT } from './server-process.js';

export interface KubectlBinary {
  /** `1.27`, `1.33`, `1.35`. */
  readonly version: string;
  readonly path: string;
}

export interface KubectlResult {
  /** Exit code; -1 if it was killed (timeout) or could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface KubectlOptions {
  readonly stdin?: string;
  /** Default 30 s; then SIGKILL and code -1. */
  readonly timeoutMs?: number;
  /** Extra environment variables (HOME and KUBECONFIG are always set by this helper). */
  readonly env?: Readonly<Record<string, string>>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A tool under `.tools/`, e.g. toolPath('helm4/kubectl/kubectl'); undefined if not fetched. */
export function toolPath(relative: string): string | undefined {
  const path = join(REPO_ROOT, '.tools', relative);
  return isExecutable(path) ? path : undefined;
}

export const helm3Path = (): string | undefined => toolPath('helm3/helm/helm');
export const helm4Path = (): string | undefined => toolPath('helm4/helm/helm');

function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function minorOf(version: string): number {
  return Number(version.split('.')[1]);
}

/** Every pinned kubectl beside the dispatcher, oldest first. */
export function pinnedKubectls(): KubectlBinary[] {
  const dispatcher = which('kubectl');
  if (dispatcher === undefined) return [];
  const dir = dirname(realpathSync(dispatcher));
  const found: KubectlBinary[] = [];
  for (const name of readdirSync(dir)) {
    const match = /^kubectl\.(1\.\d+)$/.exec(name);
    if (match !== null && isExecutable(join(dir, name))) found.push({ version: match[1]!, path: join(dir, name) });
  }
  return found.sort((a, b) => minorOf(a.version) - minorOf(b.version));
}

/** kubectl 1.35 from `.tools/helm4/kubectl/kubectl`, if fetched. */
export function kubectl135(): KubectlBinary | undefined {
  const path = toolPath('helm4/kubectl/kubectl');
  return path === undefined ? undefined : { version: '1.35', path };
}

/** The versions e2e suites run against: oldest and newest pinned (or all of them), and 1.35 if present. */
export function kubectlVersions(): KubectlBinary[] {
  const pinned = pinnedKubectls();
  const chosen =
    process.env['E2E_KUBECTL'] === 'all' || pinned.length <= 2 ? pinned : [pinned[0]!, pinned[pinned.length - 1]!];
  const latest = kubectl135();
  return latest === undefined ? chosen : [...chosen, latest];
}

let home: string | undefined;

/** The HOME of every kubectl this process runs (removed at exit). */
export function kubectlHome(): string {
  if (home === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
    home = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return home;
}

function kubectlEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: kubectlHome(), ...extra };
  delete env['KUBECONFIG'];
  delete env['KUBECTL_EXTERNAL_DIFF'];
  return env;
}

/** Runs `binary --kubeconfig K ...args`. Never throws on a non-zero exit; returns the code. */
export function kubectl(
  binary: string,
  kubeconfig: string,
  args: readonly string[],
  options: KubectlOptions = {},
): Promise<KubectlResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((ok) => {
    const child = spawn(binary, ['--kubeconfig', kubeconfig, ...args], {
      env: kubectlEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => undefined); // kubectl may exit before reading stdin
    child.stdin.end(options.stdin ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      ok({ code: -1, stdout, stderr: `${stderr}${err.message}\n`, timedOut });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      ok({
        code: code ?? -1,
        stdout,
        stderr: timedOut ? `${stderr}(killed after ${timeoutMs} ms)\n` : stderr,
        timedOut,
      });
    });
  });
}

/** One event of `kubectl get -w -o json --output-watch-events` (type undefined without the flag). */
export interface WatchEvent {
  readonly type: string | undefined;
  readonly object: Record<string, unknown>;
}

export interface WatchResult {
  readonly events: readonly WatchEvent[];
  /** True if it ended because `until` held; false on timeout, stop() or kubectl exiting. */
  readonly satisfied: boolean;
  readonly code: number | null;
  readonly stderr: string;
}

export interface KubectlWatch {
  readonly pid: number | undefined;
  /** Events so far. */
  readonly events: readonly WatchEvent[];
  /** Resolves with the events once `predicate` holds; rejects on timeout or when kubectl exits first. */
  waitFor(predicate: (events: readonly WatchEvent[]) => boolean, timeoutMs?: number): Promise<readonly WatchEvent[]>;
  /** Resolves when `until` held, the timeout passed, kubectl exited or stop() was called; kubectl is then gone. */
  readonly done: Promise<WatchResult>;
  stop(): Promise<WatchResult>;
}

export interface KubectlWatchOptions {
  /** Stop as soon as this holds (checked after every event). */
  readonly until?: (events: readonly WatchEvent[]) => boolean;
  /** Overall bound (default 30 s). */
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Splits a stream of concatenated JSON documents (kubectl prints pretty-printed objects one after
 * another) into parsed values.
 */
export class JsonStreamSplitter {
  private buffer = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private start = -1;
  private scanned = 0;

  push(chunk: string): unknown[] {
    this.buffer += chunk;
    const out: unknown[] = [];
    for (let i = this.scanned; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') {
        if (this.depth === 0) this.start = i;
        this.depth++;
      } else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          out.push(JSON.parse(this.buffer.slice(this.start, i + 1)));
          this.buffer = this.buffer.slice(i + 1);
          i = -1;
          this.start = -1;
        }
      }
    }
    this.scanned = this.buffer.length;
    if (this.depth === 0 && !this.inString) {
      this.buffer = '';
      this.scanned = 0;
    }
    return out;
  }
}

function toEvent(value: unknown): WatchEvent | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const object = record['object'];
  if (typeof record['type'] === 'string' && typeof object === 'object' && object !== null && !Array.isArray(object)) {
    return { type: record['type'], object: object as Record<string, unknown> };
  }
  return { type: undefined, object: record };
}

/**
 * Starts `binary --kubeconfig K ...args` (args should contain `get ... -w -o json`, usually with
 * `--output-watch-events`) and collects its events until `until` holds or the timeout passes,
 * then kills it by PID.
 */
export function kubectlWatch(
  binary: string,
  kubeconfig: string,
  args: readonly string[],
  options: KubectlWatchOptions = {},
): KubectlWatch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const child = spawn(binary, ['--kubeconfig', kubeconfig, ...args], {
    env: kubectlEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: WatchEvent[] = [];
  const splitter = new JsonStreamSplitter();
  const waiters = new Set<() => void>();
  let stderr = '';
  let satisfied = false;
  let finished = false;
  let exitCode: number | null = null;

  let resolveDone!: (r: WatchResult) => void;
  const done = new Promise<WatchResult>((ok) => (resolveDone = ok));
  const exitedPromise = new Promise<void>((ok) =>
    child.once('close', (code) => {
      exitCode = code;
      ok();
    }),
  );

  const finish = async (): Promise<WatchResult> => {
    if (!finished) {
      finished = true;
      clearTimeout(timer);
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await exitedPromise;
      for (const w of waiters) w();
      resolveDone({ events: [...events], satisfied, code: exitCode, stderr });
    }
    return done;
  };

  const timer = setTimeout(() => void finish(), timeoutMs);
  child.once('error', (err) => {
    stderr += `${err.message}\n`;
    void finish();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    let values: unknown[];
    try {
      values = splitter.push(chunk);
    } catch (err) {
      stderr += `kubectlWatch: unparsable output: ${String(err)}\n`;
      void finish();
      return;
    }
    for (const v of values) {
      const event = toEvent(v);
      if (event !== undefined) events.push(event);
    }
    for (const w of waiters) w();
    if (!finished && options.until?.(events) === true) {
      satisfied = true;
      void finish();
    }
  });
  void exitedPromise.then(() => finish());

  return {
    get pid() {
      return child.exitCode === null && child.signalCode === null ? child.pid : undefined;
    },
    events,
    done,
    stop: finish,
    waitFor(predicate, waitMs = timeoutMs) {
      return new Promise((ok, fail) => {
        const check = (): void => {
          if (predicate(events)) {
            cleanup();
            ok([...events]);
          } else if (finished) {
            cleanup();
            fail(new Error(`kubectl watch ended (code ${exitCode}) before the condition held; events: ${summary(events)}; stderr: ${stderr}`));
          }
        };
        const t = setTimeout(() => {
          cleanup();
          fail(new Error(`kubectl watch: condition not met within ${waitMs} ms; events: ${summary(events)}; stderr: ${stderr}`));
        }, waitMs);
        const cleanup = (): void => {
          clearTimeout(t);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

function summary(events: readonly WatchEvent[]): string {
  return `[${events
    .map((e) => {
      const meta = e.object['metadata'] as Record<string, unknown> | undefined;
      return `${e.type ?? '?'} ${String(meta?.['name'])}@${String(meta?.['resourceVersion'])}`;
    })
    .join(', ')}]`;
}

/**
 * Parses kubectl's human-readable table (`get`, `api-resources`): one record per row, keyed by the
 * header names, cells cut at the header columns' offsets (empty cells are '').
 */
export function parseTable(stdout: string): Record<string, string>[] {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined) return [];
  const columns: { name: string; start: number }[] = [];
  for (const m of header.matchAll(/\S+/g)) columns.push({ name: m[0], start: m.index });
  return lines.slice(1).map((line) => {
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      const end = columns[i + 1]?.start ?? line.length;
      row[c.name] = line.slice(c.start, i + 1 < columns.length ? end : undefined).trim();
    });
    return row;
  });
}

/** A one-line description of a result, for assertion messages. */
export function describeResult(args: readonly string[], r: KubectlResult): string {
  return `kubectl ${args.join(' ')} -> exit ${r.code}\n--- stdout:\n${r.stdout}--- stderr:\n${r.stderr}`;
}
