/**
 * The request, response and connection a handler gets when the front thread owns the socket:
 * the parts of node's IncomingMessage, ServerResponse and TLSSocket the server uses, with the
 * same behaviour, backed by operations sent to the front thread (protocol.ts). The request is a
 * Readable that already holds its whole body; the response is a Writable whose writes complete
 * when the front thread has handed them to the socket, so streamed answers keep their
 * backpressure; a whole answer written with end() alone leaves as one operation.
 */
import { X509Certificate } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { distinctHeaders, flatHeaders, joinedHeaders, type IncomingHeaders } from './headers.js';
import type { ConnectionInfo, MainOp } from './protocol.js';

const EMPTY = Buffer.alloc(0);

/** Where the facades' operations go (front.ts). */
export interface FrontLink {
  /** `transfer`: a buffer the operation moves to the front thread instead of copying. */
  send(op: MainOp, transfer?: ArrayBuffer): void;
}

export class FrontConnection extends EventEmitter {
  readonly encrypted = true;
  readonly authorized: boolean;
  readonly servername: string | false;
  readonly remoteAddress: string | undefined;
  destroyed = false;
  readonly #id: number;
  readonly #link: FrontLink;
  readonly #der: Uint8Array | undefined;
  #peer: X509Certificate | undefined;
  #full = false;

  constructor(id: number, info: ConnectionInfo, link: FrontLink) {
    super();
    this.#id = id;
    this.#link = link;
    this.authorized = info.authorized;
    this.servername = info.servername;
    this.remoteAddress = info.remoteAddress;
    this.#der = info.peerCertificate;
  }

  getPeerX509Certificate(): X509Certificate | undefined {
    if (this.#der === undefined) return undefined;
    return (this.#peer ??= new X509Certificate(this.#der));
  }

  /** The subject as node's getPeerCertificate() gives it: repeated attributes as lists. */
  getPeerCertificate(): { subject?: Record<string, string | string[]> } {
    const cert = this.getPeerX509Certificate();
    if (cert === undefined) return {};
    const subject: Record<string, string | string[]> = {};
    for (const line of cert.subject.split('\n')) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1);
      const seen = subject[key];
      subject[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return { subject };
  }

  /** The front thread owns the socket's timeouts (node's server defaults). */
  setTimeout(): this {
    return this;
  }

  get writableNeedDrain(): boolean {
    return this.#full;
  }

  /** Bytes straight onto the connection (after the response's head has been sent). */
  write(bytes: Uint8Array): boolean {
    if (!this.destroyed) this.#link.send(['raw', this.#id, bytes]);
    return !this.#full;
  }

  /** The front thread's socket buffer went over its mark, or drained. */
  pressure(full: boolean): void {
    this.#full = full;
    if (!full) this.emit('drain');
  }

  closed(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

export class FrontRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly rawHeaders: readonly string[];
  readonly socket: FrontConnection;
  complete: boolean;
  aborted = false;
  #body: Buffer | undefined;
  #taken = false;
  #headers: IncomingHeaders | undefined;
  #distinct: Record<string, string[]> | undefined;
  #closed = false;

  constructor(method: string, url: string, httpVersion: string, rawHeaders: readonly string[], body: Uint8Array | undefined, truncated: boolean, socket: FrontConnection) {
    super({ autoDestroy: false, emitClose: false });
    this.method = method;
    this.url = url;
    this.httpVersion = httpVersion;
    this.rawHeaders = rawHeaders;
    this.socket = socket;
    this.complete = !truncated;
    this.#body = body === undefined || body.length === 0 ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  }

  /** The body goes into the stream only for a reader of the stream (takeBody() is the fast way). */
  override _read(): void {
    const body = this.#body;
    this.#body = undefined;
    if (body !== undefined && !this.#taken) this.push(body);
    this.push(null);
  }

  /**
   * The whole body at once, for a reader that wants all of it (server/body.ts): no stream events.
   * Undefined once the stream has been read.
   */
  takeBody(): Buffer | undefined {
    if (this.#taken || this.readableDidRead) return undefined;
    this.#taken = true;
    const body = this.#body ?? EMPTY;
    this.#body = undefined;
    return body;
  }

  get headers(): IncomingHeaders {
    return (this.#headers ??= joinedHeaders(this.rawHeaders));
  }

  get headersDistinct(): Record<string, string[]> {
    return (this.#distinct ??= distinctHeaders(this.rawHeaders));
  }

  /** Once: the answer is done, or the client went away (`aborted`). */
  closeOnce(aborted: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (aborted) this.aborted = true;
    this.emit('close');
  }
}

type HeaderValue = number | string | readonly string[];

export class FrontResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  sendDate = true;
  readonly req: FrontRequest;
  readonly socket: FrontConnection;
  readonly #id: number;
  readonly #link: FrontLink;
  readonly #headers = new Map<string, { name: string; value: HeaderValue }>();
  /** writeHead() was called: node counts the headers as sent from then on. */
  #headDecided = false;
  /** The head went to the front thread. */
  #headSent = false;
  /** The whole answer went in one operation: nothing left for _final. */
  #responded = false;
  /** Callbacks of writes the front thread has not yet handed to the socket, oldest first. */
  readonly #unwritten: ((err?: Error | null) => void)[] = [];
  /** Lent chunks not yet handed back, oldest first (the front thread writes in order). */
  readonly #lent: ((buffer: Uint8Array | undefined) => void)[] = [];
  #gone = false;

  constructor(id: number, req: FrontRequest, link: FrontLink) {
    super({ decodeStrings: false });
    this.#id = id;
    this.req = req;
    this.socket = req.socket;
    this.#link = link;
    this.once('close', () => {
      this.#releaseLent();
      req.closeOnce(this.#gone);
    });
  }

  get headersSent(): boolean {
    return this.#headDecided || this.#headSent;
  }

  /** Refused as node refuses them (a bad name or value throws here, on the caller's thread). */
  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw headersSentError('set');
    validateHeaderName(name);
    validateHeaderValue(name, value as string);
    this.#headers.set(name.toLowerCase(), { name, value });
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#headers.get(name.toLowerCase())?.value;
  }

  getHeaders(): Record<string, HeaderValue> {
    const out: Record<string, HeaderValue> = Object.create(null) as Record<string, HeaderValue>;
    for (const [key, { value }] of this.#headers) out[key] = value;
    return out;
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError('remove');
    this.#headers.delete(name.toLowerCase());
  }

  writeHead(status: number, reasonOrHeaders?: string | Record<string, HeaderValue> | readonly string[], headers?: Record<string, HeaderValue> | readonly string[]): this {
    if (this.headersSent) throw headersSentError('write');
    this.statusCode = status;
    let more = headers;
    if (typeof reasonOrHeaders === 'string') this.statusMessage = reasonOrHeaders;
    else more = reasonOrHeaders;
    if (Array.isArray(more)) {
      for (let i = 0; i + 1 < more.length; i += 2) this.setHeader(more[i] as string, more[i + 1] as string);
    } else if (more !== undefined) {
      for (const [k, v] of Object.entries(more)) if (v !== undefined) this.setHeader(k, v);
    }
    this.#headDecided = true;
    return this;
  }

  flushHeaders(): void {
    this.#sendHead();
  }

  #sendHead(): void {
    if (this.#headSent) return;
    const headers = this.#flat();
    this.#headSent = true;
    this.#headDecided = true;
    this.#link.send(['head', this.#id, this.statusCode, headers]);
  }

  /** The head as it goes out; a status node would refuse is refused here, as node's writeHead does. */
  #flat(): string[] {
    if (!Number.isInteger(this.statusCode) || this.statusCode < 100 || this.statusCode > 999) {
      const err = new RangeError(`Invalid status code: ${this.statusCode}`) as RangeError & { code: string };
      err.code = 'ERR_HTTP_INVALID_STATUS_CODE';
      throw err;
    }
    return flatHeaders(this.#headers);
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.#gone) return callback(new Error('the connection closed before the response ended'));
    this.#sendHead();
    this.#unwritten.push(callback);
    this.#link.send(['write', this.#id, chunk]);
  }

  /**
   * Writes `chunk` by moving its whole ArrayBuffer to the front thread, which moves it back once
   * the socket has taken the chunk: resolves to a view of the whole buffer, or undefined if it
   * will not come back (the response ended first). The buffer must be one of its own (not from
   * node's pool) and is unusable here until then. Ordered with write() and end() as they are
   * called, but outside the stream's own accounting: the caller waits for the buffer instead.
   */
  lend(chunk: Uint8Array): Promise<Uint8Array | undefined> {
    if (this.#gone || this.destroyed || this.writableEnded) return Promise.resolve(undefined);
    this.#sendHead();
    return new Promise((resolve) => {
      this.#lent.push(resolve);
      this.#link.send(['lend', this.#id, chunk], chunk.buffer as ArrayBuffer);
    });
  }

  /** The front thread handed back the oldest lent buffer. */
  returned(buffer: ArrayBuffer): void {
    this.#lent.shift()?.(new Uint8Array(buffer));
  }

  #releaseLent(): void {
    for (const resolve of this.#lent.splice(0)) resolve(undefined);
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (!this.#responded && !this.#gone) {
      this.#sendHead();
      this.#link.send(['end', this.#id]);
    }
    callback();
  }

  /** A whole answer written by end() alone leaves as one operation; anything else streams. */
  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (!this.#headSent && !this.#responded && !this.#gone && this.writableLength === 0 && !this.writableEnded && typeof chunk !== 'function') {
      const headers = this.#flat(); // first: it throws for a status node would refuse
      this.#responded = true;
      this.#headDecided = true;
      const body = chunk === undefined || chunk === null ? undefined : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : (chunk as Uint8Array);
      this.#link.send(['respond', this.#id, this.statusCode, headers, body]);
      return super.end(typeof encoding === 'function' ? encoding : callback);
    }
    return super.end(chunk as never, encoding as never, callback as never);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.#gone && !this.writableFinished) this.#link.send(['destroy', this.#id]);
    for (const cb of this.#unwritten.splice(0)) cb(err ?? new Error('the response was destroyed'));
    this.#releaseLent();
    callback(err);
  }

  /** The front thread handed `count` more writes to the socket. */
  written(count: number): void {
    for (let i = 0; i < count; i++) this.#unwritten.shift()?.();
  }

  /** The client went away before the answer ended. */
  aborted(): void {
    this.#gone = true;
    this.req.closeOnce(true);
    this.destroy();
  }
}

function headersSentError(what: string): Error {
  const err = new Error(`Cannot ${what} headers after they are sent to the client`) as Error & { code: string };
  err.code = 'ERR_HTTP_HEADERS_SENT';
  return err;
}
