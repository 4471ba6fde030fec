/**
 * What the front thread (TLS and HTTP/1.1, front/worker.ts) and the main thread (everything
 * else, front/front.ts) say to each other. Each side sends one message per event-loop turn: an
 * array of operations in the order they happened, so a response's head, body and end, and a
 * watch's frames, arrive in order; a buffer written to a thousand watch streams in one turn is
 * one object in that message and is copied once.
 */

/** How the front thread is started (worker data). */
export interface FrontConfig {
  readonly key: string;
  readonly cert: string;
  readonly ca: readonly string[];
  readonly port: number;
  readonly host: string;
  readonly keepAliveTimeoutMs: number;
  /** Bodies are read up to this many bytes, plus one so that the main thread sees they are over. */
  readonly maxBodyBytes: number;
}

/** A connection as the main thread needs it: who is at the other end, fixed by the handshake. */
export interface ConnectionInfo {
  readonly authorized: boolean;
  /** The client certificate (DER), when one was presented. */
  readonly peerCertificate?: Uint8Array;
  readonly servername: string | false;
  readonly remoteAddress?: string;
}

/** Front → main. */
export type FrontOp =
  /** The port the server listens on (once, first). */
  | readonly ['listening', port: number, address: string, family: string]
  | readonly ['connection', conn: number, info: ConnectionInfo]
  /** A whole request: its body read (up to the limit plus one byte), `truncated` when there was more. */
  | readonly ['request', id: number, conn: number, method: string, url: string, httpVersion: string, rawHeaders: readonly string[], body: Uint8Array | undefined, truncated: boolean]
  /** The response's connection went away before its end. */
  | readonly ['aborted', id: number]
  /** Body writes of the response up to this many have been handed to the socket. */
  | readonly ['written', id: number, count: number]
  /** A lent chunk's buffer, handed back (moved) once the socket has taken the chunk. */
  | readonly ['returned', id: number, buffer: ArrayBuffer]
  /** The connection's socket buffer is over its mark (true) or drained (false). */
  | readonly ['pressure', conn: number, full: boolean]
  | readonly ['closed', conn: number];

/** A flat header list: name, value, name, value (a repeated name is a repeated header). */
export type FlatHeaders = readonly string[];

/** Main → front. */
export type MainOp =
  /** A whole response, in one write (the common case). */
  | readonly ['respond', id: number, status: number, headers: FlatHeaders, body: Uint8Array | string | undefined]
  /** The status and headers now; body writes follow. */
  | readonly ['head', id: number, status: number, headers: FlatHeaders]
  /** One body write; the front answers 'written' once it is handed to the socket. */
  | readonly ['write', id: number, chunk: Uint8Array | string]
  /**
   * One body write whose buffer is moved rather than copied, and moved back ('returned') once
   * the socket has taken it: a large streamed answer then goes through two buffers in all,
   * instead of leaving a copy of every chunk in this thread until its next collection.
   */
  | readonly ['lend', id: number, chunk: Uint8Array]
  | readonly ['end', id: number]
  /** Bytes straight onto the connection (a watch's own chunk framing, after 'head'). */
  | readonly ['raw', conn: number, bytes: Uint8Array]
  | readonly ['destroy', id: number]
  | readonly ['shutdown'];
