/**
 * The main thread's end of the front thread (worker.ts): starts it, turns its requests into the
 * request/response facades (facade.ts) handed to the API's handler, and sends the handlers'
 * answers back, one message per turn.
 *
 * Why a thread: node's TLS and HTTP machinery is a fifth to a quarter of the CPU a small write
 * costs, and on the main thread it competes with the API itself; in a thread of its own it runs
 * on another core. What crosses is the request (headers and whole body, moved, not copied) and
 * the answer's operations.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FrontConnection, FrontRequest, FrontResponse, type FrontLink } from './facade.js';
import { OpenResponses } from './open-responses.js';
import type { FrontConfig, FrontOp, MainOp } from './protocol.js';

export type FrontHandler = (req: FrontRequest, res: FrontResponse) => void;

export interface FrontServer {
  readonly port: number;
  readonly address: string;
  readonly family: string;
  /** Closes every connection and stops the thread. */
  close(): Promise<void>;
}

/**
 * worker.ts beside this file: as built (.js), or run from source under tsx, whose loader a
 * worker thread of node 20 does not inherit, so the thread registers it before loading the file.
 */
function spawnWorker(config: FrontConfig): Worker {
  const self = import.meta.url;
  if (!self.endsWith('.ts')) return new Worker(new URL('./worker.js', self), { workerData: config });
  // tsx's ESM entry (its package's "import" export): a require() resolution would give the CommonJS one.
  const manifest = createRequire(self).resolve('tsx/package.json');
  const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api']!.import.default;
  const tsx = pathToFileURL(join(dirname(manifest), exported)).href;
  const source = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./worker.ts', self).href)}); });`;
  return new Worker(source, { eval: true, workerData: config });
}

/**
 * Operations queued in one turn past which they are sent at once rather than at the turn's end.
 * With 1,000 watchers the bench's delivery p99 was 41-81 ms sending each fan-out whole, 37-47 ms
 * in messages of 256 frames and 37-40 ms in messages of 128.
 */
const FLUSH_AT = 128;

/**
 * `lost` is called if the thread ends without being closed (a bug in it): nothing is served
 * any more, and the caller decides what a server without its socket does.
 */
export function startFront(config: FrontConfig, handler: FrontHandler, log: (msg: string, err?: unknown) => void, lost: (err?: unknown) => void): Promise<FrontServer> {
  const worker = spawnWorker(config);
  const connections = new Map<number, FrontConnection>();
  const responses = new OpenResponses<FrontResponse>();

  let outbox: MainOp[] = [];
  let transfers: ArrayBuffer[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    const ops = outbox;
    const list = transfers;
    outbox = [];
    transfers = [];
    if (ops.length > 0) worker.postMessage(ops, list);
  };
  const link: FrontLink = {
    send(op, transfer) {
      outbox.push(op);
      if (transfer !== undefined) transfers.push(transfer);
      // A commit's fan-out to a thousand watchers takes the handler thread milliseconds to
      // queue: the front thread starts writing the first frames while the rest are queued.
      if (outbox.length >= FLUSH_AT) flush();
      else if (!scheduled) {
        scheduled = true;
        // After the synchronous work in progress: a turn's answers (answer-batch.ts) and a
        // commit's watch frames leave in one message.
        queueMicrotask(flush);
      }
    },
  };

  return new Promise<FrontServer>((resolve, reject) => {
    let listening = false;
    let closing = false;
    let failure: unknown;
    let exited: (() => void) | undefined;
    const stopped = new Promise<void>((ok) => (exited = ok));
    const apply = (op: FrontOp): void => {
      switch (op[0]) {
        case 'request': {
          const [, id, conn, method, url, httpVersion, rawHeaders, body, truncated] = op;
          const socket = connections.get(conn);
          if (socket === undefined) return;
          const req = new FrontRequest(method, url, httpVersion, rawHeaders, body, truncated, socket);
          const res = new FrontResponse(id, req, link);
          responses.set(id, res);
          res.once('close', () => responses.take(id));
          handler(req, res);
          return;
        }
        case 'written':
          responses.get(op[1])?.written(op[2]);
          return;
        case 'returned':
          responses.get(op[1])?.returned(op[2]);
          return;
        case 'aborted':
          responses.get(op[1])?.aborted();
          return;
        case 'pressure':
          connections.get(op[1])?.pressure(op[2]);
          return;
        case 'connection':
          connections.set(op[1], new FrontConnection(op[1], op[2], link));
          return;
        case 'closed': {
          const conn = connections.get(op[1]);
          connections.delete(op[1]);
          conn?.closed();
          return;
        }
        case 'listening': {
          listening = true;
          const [, port, address, family] = op;
          resolve({
            port,
            address,
            family,
            close: async () => {
              closing = true;
              link.send(['shutdown']);
              await stopped;
            },
          });
          return;
        }
      }
    };
    worker.on('message', (ops: FrontOp[]) => {
      for (const op of ops) {
        try {
          apply(op);
        } catch (err) {
          log(`front thread: ${op[0]} failed`, err);
        }
      }
    });
    worker.once('error', (err) => {
      failure = err;
      if (!listening) reject(err);
    });
    worker.once('exit', (code) => {
      for (const res of responses.values()) res.aborted();
      for (const conn of connections.values()) conn.closed();
      exited?.();
      if (listening && !closing) {
        log(`the HTTPS front thread ended (exit code ${code})`, failure);
        lost(failure);
      }
    });
  });
}
