/**
 * The HTTP types the server layer works with: plain node:http requests and responses. No web
 * framework sits in between; routing is one parse of the path (request-info.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Request = IncomingMessage;
export type Response = ServerResponse;
