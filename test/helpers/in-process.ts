/**
 * The server in this process, over a real TLS socket, for integration tests (test/integration/).
 *
 *   const h = await startInProcess();                 // LevelDB in a fresh temp dir, demo spaces
 *   const r = await h.request('GET', '/clusters/cluster1/api/v1/namespaces');
 *   const kc = h.kubeConfig('cluster1');              // client-node KubeConfig for the space
 *   const w = await h.openWatch('/clusters/cluster1/api/v1/configmaps?watch=true');
 *   await w.waitFor((frames) => frames.length >= 2); w.close();
 *   await h.restart();                                // same data dir and port
 *   await h.stop();                                   // stop the server, remove the temp dir
 *
 * Every request presents the admin client certificate and trusts the CA of a space kubeconfig
 * (`<kubeconfigDir>/<space>.kubeconfig`, read with client-node's KubeConfig), so the whole
 * path is exercised: TLS, Express, handlers, registry, storage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage, ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { serve, type RunningServer, type ServeOptions } from '../../src/main.js';

export interface InProcessOptions {
  /** `leveldb` (default: `leveldb://<dataDir>/db`) or `memory` (`memory://`). */
  readonly storage?: 'leveldb' | 'memory';
  /** Create the demo spaces its1, wds1, cluster1, cluster2 (default true). */
  readonly demo?: boolean;
  /** Passed through to serve(). */
  readonly retainRevisions?: number;
  readonly bookmarkIntervalMs?: number;
  /** Whose kubeconfig supplies the client certificate and CA (default `admin`, the root API). */
  readonly credentialsFrom?: string;
  /** Where TLS and HTTP run (serve()'s httpFront; default its own, the front thread). */
  readonly httpFront?: 'thread' | 'inline';
}

export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** The raw body. */
  readonly raw: Buffer;
  /** The body parsed as JSON when it is JSON, else the text. */
  readonly body: any;
}

export interface RequestOptions {
  /** An object is sent as JSON (Content-Type application/json unless given); a string or Buffer as is. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send the body with chunked transfer encoding, without Content-Length. */
  readonly chunked?: boolean;
}

export interface WatchFrame {
  readonly type: string;
  readonly object: any;
}

export interface OpenWatch {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Frames received so far, in order. */
  readonly frames: WatchFrame[];
  /** For a non-200 answer: the body (a Status). */
  readonly errorBody: unknown;
  /** Resolves when the server ends the stream (or it is closed); `true` when the server ended it cleanly. */
  readonly ended: Promise<boolean>;
  /** Whether the stream has ended. */
  readonly done: boolean;
  /** Resolves with the frames once `until(frames)` holds; rejects on timeout or if the stream ends first. */
  waitFor(until: (frames: readonly WatchFrame[]) => boolean, timeoutMs?: number): Promise<WatchFrame[]>;
  close(): void;
}

export interface WatchFramesResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly frames: WatchFrame[];
  readonly errorBody: unknown;
  /** How reading stopped: `until` held, the server ended the stream, or the time ran out. */
  readonly endedBy: 'until' | 'end' | 'timeout';
}

export interface InProcessServer {
  /** The running server; replaced by restart(). */
  readonly server: RunningServer;
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** A client-node KubeConfig whose server is the space URL (`admin` for the root API). */
  kubeConfig(space?: string): KubeConfig;
  /** Opens a watch; resolves once the response headers have arrived. */
  openWatch(path: string, options?: { headers?: Record<string, string> }): Promise<OpenWatch>;
  /** Reads NDJSON frames until `until(frame, frames)` holds, the stream ends, or `timeoutMs` (default 10 s). */
  watchFrames(
    path: string,
    until: (frame: WatchFrame, frames: readonly WatchFrame[]) => boolean,
    options?: { headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<WatchFramesResult>;
  /** Stops the server and serves the same data dir on the same port again. */
  restart(): Promise<void>;
  /** Stops the server (idempotent); the temp dir is removed. */
  stop(): Promise<void>;
}

interface Credentials {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

function credentialsOf(kc: KubeConfig): Credentials {
  const cluster = kc.getCurrentCluster();
  const user = kc.getCurrentUser();
  if (!cluster?.caData || !user?.certData || !user.keyData) throw new Error('kubeconfig lacks inline CA or client certificate');
  const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
  return { ca: decode(cluster.caData), cert: decode(user.certData), key: decode(user.keyData) };
}

function parseBody(raw: Buffer, headers: IncomingHttpHeaders): unknown {
  const text = raw.toString('utf8');
  if ((headers['content-type'] ?? '').includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * KUBESTELLAR_TEST_ETCD=etcd://127.0.0.1:2379 runs every in-process server that does not insist
 * on LevelDB over that etcd instead (each under a prefix of its own): the same tests, the other
 * backend.
 */
function etcdOverride(options: InProcessOptions, dataDir: string): string | undefined {
  const base = process.env['KUBESTELLAR_TEST_ETCD'];
  if (base === undefined || base === '' || options.storage === 'leveldb') return undefined;
  return `${base.replace(/\/+$/, '')}/${dataDir.split('/').pop()}/`;
}

export async function startInProcess(options: InProcessOptions = {}): Promise<InProcessServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'ks-inproc-'));
  const etcd = etcdOverride(options, dataDir);
  const serveOptions = (port: number): ServeOptions => ({
    dataDir,
    bindAddress: '127.0.0.1',
    port,
    demo: options.demo ?? true,
    ...(etcd !== undefined ? { storage: etcd, leaderElection: { leaseDurationMs: 3000 } } : options.storage === 'memory' && { storage: 'memory://' }),
    ...(options.retainRevisions !== undefined && { retainRevisions: options.retainRevisions }),
    ...(options.bookmarkIntervalMs !== undefined && { bookmarkIntervalMs: options.bookmarkIntervalMs }),
    ...(options.httpFront !== undefined && { httpFront: options.httpFront }),
  });
  /**
   * `serve` resolves once requests are answered; the demo WDS's engine starts right after (on
   * etcd, once this replica has won the election). Tests reach for it, so wait for it to exist.
   */
  const started = async (running: RunningServer): Promise<RunningServer> => {
    if (options.demo === false) return running;
    for (const deadline = Date.now() + 15_000; running.spaces.engine('wds1') === undefined; ) {
      if (Date.now() > deadline) throw new Error('the engine of wds1 did not start within 15 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return running;
  };
  let server: RunningServer;
  try {
    server = await started(await serve(serveOptions(0)));
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const port = Number(new URL(server.url).port);
  const kubeconfigPath = (space: string): string => join(server.kubeconfigDir, `${space}.kubeconfig`);
  const loadKc = (space: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath(space));
    return kc;
  };
  const creds = credentialsOf(loadKc(options.credentialsFrom ?? 'admin'));
  let agent = new Agent({ keepAlive: true, maxSockets: 16, ca: creds.ca, cert: creds.cert, key: creds.key });
  let stopped = false;
  const openRequests = new Set<ClientRequest>();

  const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer, chunked = false): ClientRequest => {
    const req = httpsRequest({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: { ...(body !== undefined && !chunked && { 'Content-Length': String(body.length) }), ...headers },
      agent,
      servername: 'localhost',
    });
    openRequests.add(req);
    req.on('close', () => openRequests.delete(req));
    if (body === undefined || !chunked) {
      req.end(body);
      return req;
    }
    // Chunked: 64 KiB writes with backpressure; a server that answers early may stop reading.
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length) {
        const piece = body.subarray(offset, offset + 65536);
        offset += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
    return req;
  };

  const request = (method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
    let body: Buffer | undefined;
    if (opts.body !== undefined) {
      if (Buffer.isBuffer(opts.body)) body = opts.body;
      else if (typeof opts.body === 'string') body = Buffer.from(opts.body, 'utf8');
      else body = Buffer.from(JSON.stringify(opts.body), 'utf8');
      if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    }
    return new Promise((resolve, reject) => {
      const req = send(method, path, headers, body, opts.chunked === true);
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body: parseBody(raw, res.headers) });
        });
      });
    });
  };

  const openWatch = (path: string, opts: { headers?: Record<string, string> } = {}): Promise<OpenWatch> =>
    new Promise((resolve, reject) => {
      const req = send('GET', path, { Accept: 'application/json', ...opts.headers });
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const frames: WatchFrame[] = [];
        const listeners = new Set<() => void>();
        let buffered = '';
        let done = false;
        let cleanEnd = false;
        let errorBody: unknown;
        let endResolve!: (clean: boolean) => void;
        const ended = new Promise<boolean>((r) => (endResolve = r));
        const notify = (): void => {
          for (const l of [...listeners]) l();
        };
        const finish = (clean: boolean): void => {
          if (done) return;
          done = true;
          cleanEnd = clean;
          endResolve(cleanEnd);
          notify();
        };
        const status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          if (status !== 200) return;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line.trim() === '') continue;
            // A frame that is not one JSON object on one line is a server bug: fail loudly.
            frames.push(JSON.parse(line) as WatchFrame);
          }
          notify();
        });
        res.on('end', () => {
          if (status !== 200) errorBody = parseBody(Buffer.from(buffered, 'utf8'), res.headers);
          else if (buffered.trim() !== '') frames.push(JSON.parse(buffered) as WatchFrame);
          finish(true);
        });
        res.on('error', () => finish(false));
        res.on('aborted', () => finish(false));
        res.on('close', () => finish(false));
        const handle: OpenWatch = {
          status,
          headers: res.headers,
          frames,
          get errorBody() {
            return errorBody;
          },
          ended,
          get done() {
            return done;
          },
          waitFor(until, timeoutMs = 10_000) {
            return new Promise((ok, fail) => {
              const check = (): void => {
                if (until(frames)) {
                  cleanup();
                  ok(frames);
                } else if (done) {
                  cleanup();
                  fail(new Error(`watch ended before the condition held; frames: ${JSON.stringify(frames.map((f) => f.type))}`));
                }
              };
              const timer = setTimeout(() => {
                cleanup();
                fail(new Error(`timed out after ${timeoutMs} ms; frames: ${JSON.stringify(frames.map((f) => f.type))}`));
              }, timeoutMs);
              const cleanup = (): void => {
                clearTimeout(timer);
                listeners.delete(check);
              };
              listeners.add(check);
              check();
            });
          },
          close() {
            req.destroy();
            finish(false);
          },
        };
        if (status !== 200) {
          void ended.then(() => resolve(handle));
        } else {
          resolve(handle);
        }
      });
    });

  const watchFrames: InProcessServer['watchFrames'] = async (path, until, opts = {}) => {
    const w = await openWatch(path, opts.headers ? { headers: opts.headers } : {});
    if (w.status !== 200) return { status: w.status, headers: w.headers, frames: [], errorBody: w.errorBody, endedBy: 'end' };
    let seen = 0;
    let hit = -1;
    const holds = (frames: readonly WatchFrame[]): boolean => {
      for (; seen < frames.length; seen++) {
        if (until(frames[seen]!, frames.slice(0, seen + 1))) {
          hit = seen;
          return true;
        }
      }
      return false;
    };
    let endedBy: WatchFramesResult['endedBy'];
    try {
      await w.waitFor(holds, opts.timeoutMs ?? 10_000);
      endedBy = 'until';
    } catch {
      endedBy = w.done ? 'end' : 'timeout';
    }
    w.close();
    const frames = hit >= 0 ? w.frames.slice(0, hit + 1) : [...w.frames];
    return { status: w.status, headers: w.headers, frames, errorBody: undefined, endedBy };
  };

  const closeClients = (): void => {
    for (const r of openRequests) r.destroy();
    openRequests.clear();
    agent.destroy();
  };

  const handle: InProcessServer = {
    get server() {
      return server;
    },
    get url() {
      return server.url;
    },
    port,
    dataDir,
    request,
    kubeConfig: (space = 'admin') => loadKc(space),
    openWatch,
    watchFrames,
    async restart() {
      await server.stop();
      closeClients();
      agent = new Agent({ keepAlive: true, maxSockets: 16, ca: creds.ca, cert: creds.cert, key: creds.key });
      // The listening socket of the old server is closed; the same port is free again.
      server = await started(await serve(serveOptions(port)));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      closeClients();
      try {
        await server.stop();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
  return handle;
}
