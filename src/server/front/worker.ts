/**
 * The front thread: node's HTTPS server (TLS, HTTP/1.1 parsing and framing, keep-alive, the
 * client certificate) in a worker of its own, so that the main thread, which runs the API, spends
 * its time on requests rather than on sockets. A request goes to the main thread whole (its body
 * read, up to the limit and a byte); the answer comes back as operations on the response
 * (protocol.ts). Nothing here knows the API: it is node:https with a message port on one side.
 */
import { createServer, type Server } from 'node:https';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { parentPort, workerData } from 'node:worker_threads';
import { OpenResponses } from './open-responses.js';
import type { ConnectionInfo, FrontConfig, FrontOp, MainOp } from './protocol.js';

const config = workerData as FrontConfig;
const port = parentPort!;

// ---- the outbox: one message per turn, or per REQUESTS_PER_MESSAGE requests ----
/**
 * Keep-alive clients send their next requests together, as their answers arrive together: a turn
 * of this thread may read a hundred. Sent in one message at the end of the turn, the main thread
 * would wait for the last to be parsed before starting on the first; sent in messages of 16, it
 * starts on them while this thread reads the rest. Create bench (concurrency 100), with commit
 * groups of at most 64: creates/s 5,300-6,200 with one message per turn, 6,300-6,900 with these.
 */
const REQUESTS_PER_MESSAGE = 16;
let outbox: FrontOp[] = [];
let transfers: ArrayBuffer[] = [];
let queuedRequests = 0;
let scheduled = false;
function send(op: FrontOp, transfer?: ArrayBuffer): void {
  outbox.push(op);
  if (transfer !== undefined) transfers.push(transfer);
  if (op[0] === 'request' && ++queuedRequests >= REQUESTS_PER_MESSAGE) flush();
  else schedule();
}
function schedule(): void {
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
}
function flush(): void {
  scheduled = false;
  queuedRequests = 0;
  flushWritten();
  const ops = outbox;
  const list = transfers;
  outbox = [];
  transfers = [];
  if (ops.length > 0) port.postMessage(ops, list);
}

// ---- connections ----
let lastConnection = 0;
const connectionIds = new WeakMap<Socket, number>();
const sockets = new Map<number, TLSSocket>();
const pressured = new Set<number>();

function connectionOf(socket: TLSSocket): number {
  let conn = connectionIds.get(socket);
  if (conn !== undefined) return conn;
  conn = ++lastConnection;
  connectionIds.set(socket, conn);
  sockets.set(conn, socket);
  const id = conn;
  socket.once('close', () => {
    sockets.delete(id);
    pressured.delete(id);
    send(['closed', id]);
  });
  send(['connection', conn, connectionInfo(socket)]);
  return conn;
}

function connectionInfo(socket: TLSSocket): ConnectionInfo {
  const peer = socket.getPeerCertificate?.(false) as { raw?: Buffer } | undefined;
  return {
    authorized: socket.authorized === true,
    ...(peer?.raw !== undefined && { peerCertificate: new Uint8Array(peer.raw) }),
    servername: typeof socket.servername === 'string' ? socket.servername : false,
    ...(socket.remoteAddress !== undefined && { remoteAddress: socket.remoteAddress }),
  };
}

// ---- requests and their responses ----
let lastRequest = 0;
const responses = new OpenResponses<ServerResponse>();
/** The connection of each response still open (operations on it keep their order with its frames). */
const responseConnections = new Map<number, number>();
/** Body writes handed to the socket this turn, by response: acknowledged together. */
const written = new Map<number, number>();

function flushWritten(): void {
  for (const [id, count] of written) outbox.push(['written', id, count]);
  written.clear();
}

function noteWritten(id: number): void {
  written.set(id, (written.get(id) ?? 0) + 1);
  schedule();
}

/** The response, no longer tracked: the main thread is done with it. */
function takeResponse(id: number): ServerResponse | undefined {
  return responses.take(id);
}

const server: Server = createServer(
  { key: config.key, cert: config.cert, ca: [...config.ca], requestCert: true, rejectUnauthorized: false },
  (req, res) => {
    const id = ++lastRequest;
    const conn = connectionOf(req.socket as TLSSocket);
    responses.set(id, res);
    responseConnections.set(id, conn);
    res.once('close', () => {
      responseConnections.delete(id);
      // Gone before the main thread ended it: the client went away (or the socket failed).
      if (responses.take(id) !== undefined) send(['aborted', id]);
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let posted = false;
    const post = (truncated: boolean): void => {
      posted = true;
      let body: Uint8Array | undefined;
      // Past the limit, the limit and a byte: enough for the main thread to refuse it.
      const length = truncated ? Math.min(size, config.maxBodyBytes + 1) : size;
      if (length > 0) {
        // An exact buffer of its own, moved rather than copied (a pooled one would copy its whole slab).
        body = new Uint8Array(length);
        let at = 0;
        for (const c of chunks) {
          if (at === length) break;
          const part = c.length <= length - at ? c : c.subarray(0, length - at);
          body.set(part, at);
          at += part.length;
        }
      }
      send(['request', id, conn, req.method ?? 'GET', req.url ?? '/', req.httpVersion, req.rawHeaders, body, truncated], body?.buffer as ArrayBuffer | undefined);
    };
    req.on('data', (c: Buffer) => {
      if (posted) return; // past the limit: drained and dropped
      size += c.length;
      chunks.push(c);
      if (size > config.maxBodyBytes) post(true);
    });
    req.on('end', () => {
      if (!posted) post(false);
    });
  },
);
server.keepAliveTimeout = config.keepAliveTimeoutMs;

/** One operation; one that fails (a bug) ends its response or connection, not the thread. */
function apply(op: MainOp): void {
  try {
    applyOne(op);
  } catch (err) {
    console.error(`front thread: ${op[0]} failed`, err);
    if (op[0] === 'raw') sockets.get(op[1])?.destroy();
    else if (op[0] !== 'shutdown') takeResponse(op[1])?.destroy();
  }
}

function applyOne(op: MainOp): void {
  switch (op[0]) {
    case 'respond': {
      const [, id, status, headers, body] = op;
      const res = takeResponse(id);
      if (res === undefined) return;
      res.writeHead(status, headers as string[]);
      res.end(body);
      return;
    }
    case 'head': {
      const [, id, status, headers] = op;
      const res = responses.get(id);
      if (res === undefined) return;
      res.writeHead(status, headers as string[]);
      res.flushHeaders();
      return;
    }
    case 'write': {
      const [, id, chunk] = op;
      const res = responses.get(id);
      if (res === undefined) return;
      res.write(chunk, () => noteWritten(id));
      return;
    }
    case 'lend': {
      const [, id, chunk] = op;
      const res = responses.get(id);
      if (res === undefined) return; // gone: the main thread stops waiting for it when told so
      res.write(chunk, (err) => {
        // Taken by the socket: nothing here refers to the chunk any more.
        if (err == null) send(['returned', id, chunk.buffer as ArrayBuffer], chunk.buffer as ArrayBuffer);
      });
      return;
    }
    case 'end':
      takeResponse(op[1])?.end();
      return;
    case 'raw': {
      const [, conn, bytes] = op;
      const socket = sockets.get(conn);
      if (socket === undefined || socket.destroyed) return;
      if (!socket.write(bytes) && !pressured.has(conn)) {
        pressured.add(conn);
        send(['pressure', conn, true]);
        socket.once('drain', () => {
          if (pressured.delete(conn)) send(['pressure', conn, false]);
        });
      }
      return;
    }
    case 'destroy':
      takeResponse(op[1])?.destroy();
      return;
    case 'shutdown':
      server.closeAllConnections();
      server.close(() => {
        flush();
        port.close();
      });
      return;
  }
}

// ---- applying the main thread's operations ----
/**
 * Watch frames for a thousand streams arrive together and take the thread tens of milliseconds to
 * write; meanwhile a request on another connection would wait, and so would its answer. So frames
 * are written for at most SLICE_MS at a time, a turn apart (incoming requests are read between),
 * and every other operation goes first unless its connection still has frames waiting: order
 * holds per connection, which is all HTTP needs. The slice is a time, not a count of frames:
 * every turn given up delays the rest of the fan-out (with 64-frame slices, 16 turns for 1,000
 * watchers, the bench's delivery p99 was 48-62 ms; with whole fan-outs, 40-47 ms), so there are
 * as few as the bound allows.
 */
const SLICE_MS = 16;
/** Operations deferred, oldest first from `head`. */
let waiting: MainOp[] = [];
let head = 0;
/** Operations waiting, by connection. */
const waitingOn = new Map<number, number>();
let draining = false;

function connectionOfOp(op: MainOp): number | undefined {
  return op[0] === 'raw' ? op[1] : op[0] === 'shutdown' ? undefined : responseConnections.get(op[1]);
}

function receive(ops: MainOp[]): void {
  const until = performance.now() + SLICE_MS;
  for (const op of ops) {
    const conn = connectionOfOp(op);
    const behind = conn !== undefined && waitingOn.has(conn);
    if (!behind && (op[0] !== 'raw' || performance.now() < until) && (op[0] !== 'shutdown' || head === waiting.length)) {
      apply(op);
      continue;
    }
    waiting.push(op);
    if (conn !== undefined) waitingOn.set(conn, (waitingOn.get(conn) ?? 0) + 1);
  }
  if (head < waiting.length && !draining) {
    draining = true;
    setImmediate(drainWaiting);
  }
}

function drainWaiting(): void {
  const until = performance.now() + SLICE_MS;
  while (head < waiting.length && (waiting[head]![0] !== 'raw' || performance.now() < until)) {
    const op = waiting[head++]!;
    const conn = connectionOfOp(op);
    if (conn !== undefined) {
      const left = waitingOn.get(conn)! - 1;
      if (left === 0) waitingOn.delete(conn);
      else waitingOn.set(conn, left);
    }
    apply(op);
  }
  if (head < waiting.length) {
    setImmediate(drainWaiting);
    return;
  }
  waiting = [];
  head = 0;
  draining = false;
}

port.on('message', receive);

server.once('error', (err) => {
  throw err;
});
server.listen(config.port, config.host, () => {
  const a = server.address() as AddressInfo;
  send(['listening', a.port, a.address, a.family]);
});
