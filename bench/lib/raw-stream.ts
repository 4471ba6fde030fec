/**
 * A watch stream read straight off a TLS socket, for the watch fan-out load generator: the GET is
 * written by hand, the status line and headers are read, and the chunked body is decoded here and
 * handed on as it arrives.
 *
 * Why not node's HTTP client (load.ts openStream): receiving 1,000 streams in one process, its
 * response stream layers cost more per frame than the server spends sending it (about 27 µs
 * against 21 µs on a 2-core host), so the client was the slowest stage of the pipeline being timed
 * and its own queueing showed up as delivery latency, for the ceiling and the server alike.
 */
import { connect, type TLSSocket } from 'node:tls';
import { monotonicMs, streamLifecycle, type ClientConfig, type Stream } from './load.js';

const CRLF = 0x0a; // the LF of a CRLF
const HEAD_END = Buffer.from('\r\n\r\n');
const MAX_HEAD = 64 * 1024;

/**
 * Opens `GET path` on its own TLS connection and calls `onData` with each piece of the decoded
 * body and its arrival time (monotonicMs). A body that is not chunked is handed on as it comes.
 */
export function openRawStream(config: ClientConfig, path: string, onData: (bytes: Buffer, at: number) => void): Stream {
  const url = new URL(config.origin);
  const life = streamLifecycle();

  const socket: TLSSocket = connect({
    host: url.hostname,
    port: Number(url.port),
    ca: config.ca,
    ...(config.cert !== undefined && { cert: config.cert, key: config.key }),
  });
  socket.setNoDelay(true);
  socket.once('secureConnect', () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`);
  });

  let head: Buffer | undefined = Buffer.alloc(0);
  const body = chunkedDecoder(onData, () => socket.end());
  let chunked = false;
  socket.on('data', (data: Buffer) => {
    try {
      receive(data);
    } catch (err) {
      socket.destroy(err as Error);
    }
  });
  const receive = (data: Buffer): void => {
    const at = monotonicMs();
    if (head === undefined) {
      if (chunked) body(data, at);
      else onData(data, at);
      return;
    }
    head = Buffer.concat([head, data]);
    const end = head.indexOf(HEAD_END);
    if (end < 0) {
      if (head.length > MAX_HEAD) socket.destroy(new Error('response head too large'));
      return;
    }
    const lines = head.toString('latin1', 0, end).split('\r\n');
    const rest = head.subarray(end + HEAD_END.length);
    head = undefined;
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    chunked = lines.some((l) => /^transfer-encoding:\s*chunked\s*$/i.test(l));
    life.start(status);
    if (rest.length > 0) {
      if (chunked) body(rest, at);
      else onData(rest, at);
    }
  };
  socket.on('error', life.fail);
  socket.on('close', () => life.finish());

  return {
    started: life.started,
    ended: life.ended,
    close() {
      life.close();
      socket.destroy();
    },
  };
}

/**
 * Decodes an HTTP/1.1 chunked body fed in arbitrary pieces: each chunk's data goes to `onData`
 * (a chunk split across pieces arrives in several calls); the last chunk calls `onEnd`.
 */
export function chunkedDecoder(onData: (bytes: Buffer, at: number) => void, onEnd: () => void): (piece: Buffer, at: number) => void {
  /** Bytes of the current chunk still to come; -1 while reading a size line. */
  let left = -1;
  /** A size line split across pieces. */
  let line = '';
  /** CRLF bytes after a chunk's data still to skip. */
  let skip = 0;
  let ended = false;
  return (piece, at) => {
    let i = 0;
    while (i < piece.length && !ended) {
      if (skip > 0) {
        const n = Math.min(skip, piece.length - i);
        skip -= n;
        i += n;
      } else if (left < 0) {
        const lf = piece.indexOf(CRLF, i);
        if (lf < 0) {
          line += piece.toString('latin1', i);
          return;
        }
        line += piece.toString('latin1', i, lf);
        i = lf + 1;
        left = parseInt(line, 16); // extensions after ';' and the CR are ignored by parseInt
        line = '';
        if (!(left >= 0)) throw new Error('malformed chunk size');
        if (left === 0) {
          ended = true;
          onEnd();
        }
      } else {
        const n = Math.min(left, piece.length - i);
        onData(piece.subarray(i, i + n), at);
        left -= n;
        i += n;
        if (left === 0) {
          left = -1;
          skip = 2;
        }
      }
    }
  };
}
