/**
 * The HTTP types the server layer works with: plain node:http requests and responses. No web
 * framework sits in between; routing is one parse of the path (request-info.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Request = IncomingMessage;
export type Response = ServerResponse;

/**
 * A response that can lend a large chunk's buffer to the thread that writes the socket instead
 * of copying it (front/facade.ts's FrontResponse can; node's own responses cannot).
 */
export interface LendingResponse {
  lend(chunk: Uint8Array): Promise<Uint8Array | undefined>;
}

export function canLend(res: object): res is LendingResponse {
  return typeof (res as Partial<LendingResponse>).lend === 'function';
}
