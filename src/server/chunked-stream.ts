/**
 * The body of a long-lived streamed response (a watch) written as HTTP/1.1 chunks straight to
 * the connection. A watch event reaches every watcher with the same bytes, so the chunk is framed
 * once per event (frame()) and each watcher's write is one socket write; node's own chunked
 * writer would frame it again for every watcher (size line, data, CRLF) and defer each write to a
 * tick of its own. The response's headers go first (flushHeaders), then only these writes, then
 * end(), whose terminating chunk node writes as usual. An HTTP/1.0 client gets no chunking: its
 * body goes through the response and the connection's close ends it.
 */
import type { Request, Response } from './http.js';

const CRLF = Buffer.from('\r\n');

/** `data` as one HTTP/1.1 chunk: its size in hex, CRLF, the data, CRLF. */
export function frame(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF]);
}

export class ChunkedStream {
  readonly #res: Response;
  /** Whether chunks are written to the socket by us (HTTP/1.1), or through the response. */
  readonly framed: boolean;

  /** Sends the status and headers (set on `res` already) now; the body follows in write(). */
  constructor(req: Request, res: Response) {
    this.#res = res;
    // A pipelined request's response has no socket until the ones before it are done: node buffers it.
    this.framed = req.httpVersion === '1.1' && res.socket !== null && res.socket === req.socket;
    // Explicit, so node frames nothing itself and still ends the body with the last chunk.
    if (this.framed) res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();
  }

  /** `data` as this stream writes it (a chunk, if framed): what writePrepared() takes, shareable by every stream of the same kind. */
  prepare(data: Buffer): Buffer {
    return this.framed ? frame(data) : data;
  }

  /** Writes what prepare() made. */
  writePrepared(data: Buffer): void {
    if (this.framed) this.#res.socket?.write(data);
    else this.#res.write(data);
  }

  write(data: Buffer): void {
    this.writePrepared(this.prepare(data));
  }

  /** Whether the client is behind: writes are buffered until 'drain'. */
  get needsDrain(): boolean {
    return this.framed ? this.#res.socket?.writableNeedDrain === true : this.#res.writableNeedDrain;
  }

  onDrain(listener: () => void): void {
    if (this.framed) this.#res.socket?.on('drain', listener);
    else this.#res.on('drain', listener);
  }

  offDrain(listener: () => void): void {
    if (this.framed) this.#res.socket?.off('drain', listener);
    else this.#res.off('drain', listener);
  }

  /** Ends the body: node writes the terminating chunk of a framed stream. */
  end(): void {
    this.#res.end();
  }
}
