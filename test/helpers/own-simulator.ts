/**
 * For simulator integration tests: a `cluster` space created without an ITS (so the server runs
 * no simulator there) with the test's own WorkloadSimulator on shrunk timings, and terse calls
 * that keep the status and body (`get` asserts 200, `maybe` answers undefined otherwise,
 * `create` asserts 201).
 */
import assert from 'node:assert/strict';
import { WorkloadSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { eventually } from './eventually.js';
import type { InProcessServer } from './in-process.js';

type Obj = Record<string, any>;

export interface SpaceCalls {
  request(method: string, path: string, body?: Obj, headers?: Record<string, string>): Promise<{ status: number; body: Obj }>;
  get(path: string): Promise<Obj>;
  maybe(path: string): Promise<Obj | undefined>;
  create(path: string, body: Obj): Promise<Obj>;
}

/** `server` is read at call time, so the calls can be made before the server starts. */
export function spaceCalls(server: () => InProcessServer): SpaceCalls {
  const request: SpaceCalls['request'] = async (method, path, body, headers) => {
    const r = await server().request(method, path, { ...(body !== undefined && { body: headers ? JSON.stringify(body) : body }), ...(headers && { headers }) });
    return { status: r.status, body: r.body as Obj };
  };
  return {
    request,
    async get(path) {
      const r = await request('GET', path);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    },
    async maybe(path) {
      const r = await request('GET', path);
      return r.status === 200 ? r.body : undefined;
    },
    async create(path, body) {
      const r = await request('POST', path, body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    },
  };
}

/** Creates cluster space `space`, waits for its `default` namespace, and starts a simulator on it. */
export async function startOwnSimulator(h: InProcessServer, space: string, options: SimulatorOptions): Promise<WorkloadSimulator> {
  const calls = spaceCalls(() => h);
  await calls.create('/apis/spaces.kubestellar.io/v1alpha1/spaces', { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: space }, spec: { type: 'cluster' } });
  const served = await eventually('space served', async () => h.server.spaces.get(space), 20_000);
  await eventually('default namespace', async () => (await calls.maybe(`/clusters/${space}/api/v1/namespaces/default`)) !== undefined, 20_000);
  const sim = new WorkloadSimulator(served, options);
  await sim.start();
  return sim;
}
