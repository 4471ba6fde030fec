/**
 * An HTTPS load generator for benchmarks, on `node:https` keep-alive agents (loopback only).
 *
 * - `closedLoop()`: `concurrency` workers, each sending its next request as soon as the previous
 *   answer has been read to the last byte, until a duration or a request count is reached. Every
 *   answer is timed; non-2xx answers and transport errors are counted by status, never dropped.
 * - `openStream()`: one long-lived GET (a watch) on its own socket, handing each received chunk
 *   to a callback with its arrival time.
 * - `kubeconfigClient()`: the server URL and TLS material of a kubeconfig with inline
 *   (base64) credentials, as `kubestellar serve` writes them.
 */
import { readFile } from 'node:fs/promises';
import { Agent, request as httpsRequest, type AgentOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';
import { Samples } from './stats.js';

/** Where to connect and with which TLS material (PEM). */
export interface ClientConfig {
  /** Origin, e.g. `https://127.0.0.1:6443`. */
  readonly origin: string;
  /** Path prefix of the kubeconfig's server URL, e.g. `/clusters/wds1` ('' for none). */
  readonly prefix: string;
  readonly ca: string;
  readonly cert?: string;
  readonly key?: string;
}

export interface Req {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute path (the prefix is not added). */
  readonly path: string;
  readonly body?: Buffer;
  readonly headers?: Record<string, string>;
}

export interface Reply {
  readonly status: number;
  /** Response body bytes received. */
  readonly bytes: number;
  /** The body, when `keepBody` was asked for (else at most its first 512 bytes for non-2xx). */
  readonly body: Buffer | undefined;
  /** ms from sending to the last byte. */
  readonly latencyMs: number;
}

/** Reads a kubeconfig with inline credentials (its current context's cluster and user). */
export async function kubeconfigClient(path: string): Promise<ClientConfig> {
  const doc = parseYaml(await readFile(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
    users?: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
  };
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
  const cluster = doc.clusters?.find((c) => c.name === ctx?.context.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === ctx?.context.user)?.user;
  if (cluster === undefined || cluster['certificate-authority-data'] === undefined) {
    throw new Error(`${path}: no cluster with certificate-authority-data`);
  }
  const url = new URL(cluster.server);
  const b64 = (s: string | undefined): string | undefined => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));
  const cert = b64(user?.['client-certificate-data']);
  const key = b64(user?.['client-key-data']);
  return {
    origin: url.origin,
    prefix: url.pathname.replace(/\/+$/, ''),
    ca: b64(cluster['certificate-authority-data'])!,
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
  };
}

/** A keep-alive agent for `config` with up to `sockets` connections. Call `destroy()` when done. */
export function keepAliveAgent(config: ClientConfig, sockets: number, extra: AgentOptions = {}): Agent {
  return new Agent({
    keepAlive: true,
    maxSockets: sockets,
    maxFreeSockets: sockets,
    maxTotalSockets: sockets,
    scheduling: 'lifo',
    ca: config.ca,
    ...(config.cert !== undefined && { cert: config.cert }),
    ...(config.key !== undefined && { key: config.key }),
    ...extra,
  });
}

/** Sends one request and reads the answer to the last byte. Rejects only on transport errors. */
export function send(config: ClientConfig, agent: Agent, req: Req, keepBody = false): Promise<Reply> {
  const url = new URL(req.path, config.origin);
  return new Promise<Reply>((ok, fail) => {
    const t0 = performance.now();
    const headers: Record<string, string | number> = { accept: 'application/json', ...req.headers };
    if (req.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = req.body.length;
    }
    const r = httpsRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: req.method, agent, headers },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const keep = keepBody || status < 200 || status > 299;
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (keep && (keepBody || bytes - chunk.length < 512)) chunks.push(chunk);
        });
        res.on('end', () => {
          const latencyMs = performance.now() - t0;
          let body: Buffer | undefined;
          if (keep) {
            body = Buffer.concat(chunks);
            if (!keepBody) body = body.subarray(0, 512);
          }
          ok({ status, bytes, body, latencyMs });
        });
        res.on('error', fail);
      },
    );
    r.on('error', fail);
    r.end(req.body);
  });
}

export interface LoadSpec {
  readonly concurrency: number;
  /** Stop starting requests after this long. */
  readonly durationMs: number;
  /** Stop starting requests after this many (across all workers). */
  readonly maxRequests?: number;
  /** The i-th request (0-based, across all workers). */
  readonly next: (i: number) => Req;
  /** Called for every 2xx answer with the index of its request. */
  readonly onSuccess?: (i: number, reply: Reply) => void;
}

export interface LoadResult {
  /** Requests answered 2xx. */
  readonly ok: number;
  /** Non-2xx answers plus transport errors. */
  readonly errors: number;
  /** Answers by status code; transport errors under "error". */
  readonly statuses: Readonly<Record<string, number>>;
  /** Latency (send to last byte, ms) of every 2xx answer. */
  readonly latency: Samples;
  /** Latency of the non-2xx answers. */
  readonly errorLatency: Samples;
  /** From the start to the last answer. */
  readonly elapsedMs: number;
  readonly bytesIn: number;
  /** The first failure: status and the start of its body, or the transport error. */
  readonly firstError: string | undefined;
  /** CPU seconds an external load generator (wrk) used, when it reports them. */
  readonly generatorCpuSeconds?: number;
}

/** Runs closed-loop load (see the module comment). */
export async function closedLoop(config: ClientConfig, agent: Agent, spec: LoadSpec): Promise<LoadResult> {
  const latency = new Samples();
  const errorLatency = new Samples();
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let bytesIn = 0;
  let firstError: string | undefined;
  let issued = 0;
  const max = spec.maxRequests ?? Number.POSITIVE_INFINITY;
  const start = performance.now();
  const deadline = start + spec.durationMs;
  let lastEnd = start;
  const worker = async (): Promise<void> => {
    while (issued < max && performance.now() < deadline) {
      const i = issued++;
      try {
        const reply = await send(config, agent, spec.next(i));
        const key = String(reply.status);
        statuses[key] = (statuses[key] ?? 0) + 1;
        bytesIn += reply.bytes;
        if (reply.status >= 200 && reply.status <= 299) {
          ok++;
          latency.push(reply.latencyMs);
          spec.onSuccess?.(i, reply);
        } else {
          errors++;
          errorLatency.push(reply.latencyMs);
          firstError ??= `HTTP ${reply.status}: ${reply.body?.toString('utf8').slice(0, 300) ?? ''}`;
        }
      } catch (err) {
        errors++;
        statuses['error'] = (statuses['error'] ?? 0) + 1;
        firstError ??= `transport: ${(err as Error).message}`;
      }
      lastEnd = performance.now();
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, () => worker()));
  return { ok, errors, statuses, latency, errorLatency, elapsedMs: lastEnd - start, bytesIn, firstError };
}

export interface Stream {
  /** Resolves with the status once the response headers arrived (the server started the stream). */
  readonly started: Promise<number>;
  /** Resolves when the stream ended or failed, with whether that was before `close()`. */
  readonly ended: Promise<{ early: boolean; error: string | undefined }>;
  close(): void;
}

/**
 * Milliseconds on the host's monotonic clock (CLOCK_MONOTONIC), which every process on the host
 * shares: a timestamp taken in one process can be subtracted from one taken in another.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Opens a long-lived GET with `agent` (give it enough sockets: one per stream) and hands every
 * received chunk to `onChunk` with its arrival time (monotonicMs()).
 */
export function openStream(config: ClientConfig, agent: Agent, path: string, onChunk: (chunk: Buffer, at: number) => void): Stream {
  const url = new URL(path, config.origin);
  const life = streamLifecycle();
  const r = httpsRequest(
    { hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'GET', agent, headers: { accept: 'application/json' } },
    (res) => {
      life.start(res.statusCode ?? 0);
      res.on('data', (chunk: Buffer) => onChunk(chunk, monotonicMs()));
      res.on('end', () => life.finish());
      res.on('error', life.fail);
      res.on('close', () => life.finish());
    },
  );
  r.on('error', life.fail);
  r.end();
  return {
    started: life.started,
    ended: life.ended,
    close() {
      life.close();
      r.destroy();
    },
  };
}

/** A Stream's promises and what settles them, for the functions that open streams. */
export function streamLifecycle(): Pick<Stream, 'started' | 'ended'> & {
  start(status: number): void;
  /** The stream ended (an error after close() is not one). */
  finish(error?: string): void;
  fail(err: Error): void;
  close(): void;
} {
  let closed = false;
  let done = false;
  let startedOk!: (status: number) => void;
  let startedFail!: (err: Error) => void;
  const started = new Promise<number>((ok, fail) => {
    startedOk = ok;
    startedFail = fail;
  });
  started.catch(() => undefined);
  let endedOk!: (v: { early: boolean; error: string | undefined }) => void;
  const ended = new Promise<{ early: boolean; error: string | undefined }>((ok) => (endedOk = ok));
  const finish = (error?: string): void => {
    if (done) return;
    done = true;
    endedOk({ early: !closed, error });
    startedFail(new Error(error ?? 'stream ended before it started'));
  };
  return {
    started,
    ended,
    start: startedOk,
    finish,
    fail: (err) => finish(closed ? undefined : err.message),
    close: () => {
      closed = true;
    },
  };
}

/**
 * Finds `"<field>":"<value>"` occurrences in a byte stream split into arbitrary chunks, calling
 * `onValue(value, at)` once per occurrence. Cheaper than parsing every frame as JSON.
 */
export function fieldScanner(field: string, onValue: (value: string, at: number) => void): (chunk: Buffer, at: number) => void {
  const marker = Buffer.from(`"${field}":"`, 'latin1');
  let carry: Buffer | undefined;
  return (chunk, at) => {
    const buf = carry === undefined ? chunk : Buffer.concat([carry, chunk]);
    carry = undefined;
    let pos = 0;
    for (;;) {
      const i = buf.indexOf(marker, pos);
      if (i < 0) {
        // A marker may straddle the chunk boundary: keep what could be its start.
        const from = Math.max(pos, buf.length - marker.length + 1);
        if (from < buf.length) carry = Buffer.from(buf.subarray(from));
        return;
      }
      const start = i + marker.length;
      const end = buf.indexOf(0x22, start);
      if (end < 0) {
        carry = Buffer.from(buf.subarray(i));
        return;
      }
      onValue(buf.toString('latin1', start, end), at);
      pos = end + 1;
    }
  };
}

/** Several runs' results as one: counts and samples added up, elapsed times summed. */
export function mergeResults(results: readonly LoadResult[]): LoadResult {
  const latency = new Samples();
  const errorLatency = new Samples();
  const statuses: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let elapsedMs = 0;
  let bytesIn = 0;
  let firstError: string | undefined;
  let generatorCpuSeconds: number | undefined;
  for (const r of results) {
    for (const v of r.latency.values()) latency.push(v);
    for (const v of r.errorLatency.values()) errorLatency.push(v);
    for (const [k, n] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
    ok += r.ok;
    errors += r.errors;
    elapsedMs += r.elapsedMs;
    bytesIn += r.bytesIn;
    firstError ??= r.firstError;
    if (r.generatorCpuSeconds !== undefined) generatorCpuSeconds = (generatorCpuSeconds ?? 0) + r.generatorCpuSeconds;
  }
  return { ok, errors, statuses, latency, errorLatency, elapsedMs, bytesIn, firstError, ...(generatorCpuSeconds === undefined ? {} : { generatorCpuSeconds }) };
}
