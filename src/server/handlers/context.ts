/**
 * What every resource handler gets: the resolved space, definition and store, the parsed
 * request, and Express's request and response.
 */
import type { Request, Response } from 'express';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { GenericStore } from '../../registry/store.js';
import type { ServedSpace } from '../../spaces/served-space.js';
import type { ResourceRequest } from '../request-info.js';

export interface ResourceContext {
  readonly space: ServedSpace;
  readonly def: ResourceDefinition;
  readonly store: GenericStore;
  readonly info: ResourceRequest;
  /** `group/version` of the URL: what objects are served as. */
  readonly apiVersion: string;
  readonly query: URLSearchParams;
  readonly req: Request;
  readonly res: Response;
  readonly options: HandlerOptions;
}

export interface HandlerOptions {
  /** How often an idle watch that allows bookmarks gets one. */
  readonly bookmarkIntervalMs: number;
  /** Default watch length when the client gives no timeoutSeconds (kube: 30-60 min). */
  readonly defaultWatchSeconds: () => number;
}

export function sendJson(res: Response, code: number, body: unknown): void {
  res.status(code).type('application/json').send(JSON.stringify(body));
}

/** `dryRun=All` is the only value kube accepts; anything else is a 400. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  if (values.length === 0) return false;
  return values.every((v) => v === 'All');
}
