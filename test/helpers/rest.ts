/**
 * Terse REST calls for integration tests against an in-process server: PATCH bodies are merge
 * patches, `ok` asserts a 2xx and answers the body, `get` answers the body or undefined.
 */
import assert from 'node:assert/strict';
import type { InProcessServer } from './in-process.js';

export interface Rest {
  req(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  ok(method: string, path: string, body?: unknown): Promise<any>;
  get(path: string): Promise<any>;
}

/** `server` is read at call time, so the helper can be made before the server starts. */
export function rest(server: () => InProcessServer): Rest {
  const req = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const headers = method === 'PATCH' ? { 'content-type': 'application/merge-patch+json' } : undefined;
    return server().request(method, path, body === undefined ? {} : { body, ...(headers && { headers }) });
  };
  return {
    req,
    async ok(method, path, body) {
      const r = await req(method, path, body);
      assert.ok(r.status < 300, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async get(path) {
      const r = await req('GET', path);
      return r.status === 200 ? r.body : undefined;
    },
  };
}
