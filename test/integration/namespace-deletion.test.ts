/**
 * Deleting a namespace, as the namespace controller reports it: Terminating with the conditions
 * that say what is left and which finalizers hold it, then gone once the last finalizer goes.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const NS = '/clusters/cluster1/api/v1/namespaces';

describe('namespace deletion', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
      const v = await probe();
      if (v !== undefined) return v;
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('reports the content and finalizers that hold a Terminating namespace, and finishes when they go', async () => {
    assert.equal((await h.request('POST', NS, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'held' } } })).status, 201);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', finalizers: ['example.com/hold'] } };
    assert.equal((await h.request('POST', `${NS}/held/configmaps`, { body: cm })).status, 201);
    // Marked for deletion, not gone: kube answers 200 with the Terminating namespace.
    const marked = await h.request('DELETE', `${NS}/held`);
    assert.equal(marked.status, 200);
    assert.equal(marked.body.kind, 'Namespace');
    assert.equal(marked.body.status.phase, 'Terminating');
    assert.equal(typeof marked.body.metadata.deletionTimestamp, 'string');

    // New content is refused, named after what was refused (NamespaceLifecycle), with the cause.
    const late = await h.request('POST', `${NS}/held/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } } });
    assert.equal(late.status, 403);
    assert.equal(late.body.reason, 'Forbidden');
    assert.deepEqual([late.body.details.name, late.body.details.kind], ['late', 'configmaps']);
    assert.equal(late.body.details.causes[0].reason, 'NamespaceTerminating');

    type Condition = { type: string; status: string; reason: string; lastTransitionTime?: string };
    const conditions = await until('the finalizer to be reported', async () => {
      const ns = await h.request('GET', `${NS}/held`);
      const cs = (ns.body.status?.conditions ?? []) as Condition[];
      return cs.some((c) => c.type === 'NamespaceFinalizersRemaining' && c.status === 'True') ? { phase: ns.body.status.phase, cs } : undefined;
    });
    assert.equal(conditions.phase, 'Terminating');
    const byType = Object.fromEntries(conditions.cs.map((c) => [c.type, c]));
    assert.equal(byType['NamespaceContentRemaining']?.status, 'True');
    assert.equal(byType['NamespaceContentRemaining']?.reason, 'SomeResourcesRemain');
    assert.equal(byType['NamespaceFinalizersRemaining']?.reason, 'SomeFinalizersRemain');
    assert.equal(byType['NamespaceDeletionContentFailure']?.status, 'False');
    assert.ok(conditions.cs.every((c) => typeof c.lastTransitionTime === 'string'));
    // Counted after the deletions, as upstream recounts: only the held ConfigMap is left (not the
    // kube-root-ca.crt or default ServiceAccount that went), in upstream's `resource.group` form.
    await until('the count of what remains', async () => {
      const ns = await h.request('GET', `${NS}/held`);
      const c = ((ns.body.status?.conditions ?? []) as (Condition & { message: string })[]).find((x) => x.type === 'NamespaceContentRemaining');
      return c?.message === 'Some resources are remaining: configmaps. has 1 resource instances' ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    const settled = ((await h.request('GET', `${NS}/held`)).body.status.conditions as (Condition & { message: string })[]).find((x) => x.type === 'NamespaceContentRemaining');
    assert.equal(settled?.message, 'Some resources are remaining: configmaps. has 1 resource instances');

    const patch = await h.request('PATCH', `${NS}/held/configmaps/pinned`, {
      body: { metadata: { finalizers: null } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(patch.status, 200, JSON.stringify(patch.body));
    await until('the namespace to be gone', async () => ((await h.request('GET', `${NS}/held`)).status === 404 ? true : undefined));
  });
});
