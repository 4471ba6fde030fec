import assert from 'node:assert/strict';
import { openBackend, type Backend } from '../../../storage/index.js';
import { pods } from '../../../src/registry/builtin/core.js';
import { podGracePeriod } from '../../../src/registry/builtin/core-pods.js';
import { deletionCompleted, GenericStore } from '../../../src/registry/store.js';
import type { KubeObject } from '../../../src/api/object.js';

const pod = (name: string, spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'x' }], ...spec },
  status,
});

describe('graceful deletion of pods', () => {
  const CASES: [string, KubeObject, number | undefined, number][] = [
    ['unscheduled: at once', pod('a'), undefined, 0],
    ['scheduled: its terminationGracePeriodSeconds', pod('a', { nodeName: 'n', terminationGracePeriodSeconds: 30 }), undefined, 30],
    ['scheduled, asked for 5', pod('a', { nodeName: 'n', terminationGracePeriodSeconds: 30 }), 5, 5],
    ['finished: at once', pod('a', { nodeName: 'n', terminationGracePeriodSeconds: 30 }, { phase: 'Succeeded' }), undefined, 0],
    ['negative: 1 s', pod('a', { nodeName: 'n' }), -3, 1],
  ];
  for (const [name, p, requested, want] of CASES) it(`grace period: ${name}`, () => assert.equal(podGracePeriod(p, requested), want));

  let backend: Backend;
  let store: GenericStore;
  let now = Date.parse('2026-01-01T00:00:00Z');
  before(async () => {
    backend = await openBackend('memory://');
    store = new GenericStore(pods, { backend, space: 'c1', gracefulDeletion: true, now: () => new Date(now) });
  });
  after(async () => backend.close());

  it('marks, keeps a longer ask, shortens a shorter one, and removes at 0', async () => {
    await store.create('default', pod('p', { nodeName: 'n', terminationGracePeriodSeconds: 30 }));
    const marked = await store.delete('default', 'p');
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(marked.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
    assert.equal(deletionCompleted(pods, marked), false);
    now += 1000;
    const kept = await store.delete('default', 'p', { gracePeriodSeconds: 60 });
    assert.equal(kept.metadata.deletionTimestamp, '2026-01-01T00:00:30Z');
    const shortened = await store.delete('default', 'p', { gracePeriodSeconds: 5 });
    assert.deepEqual([shortened.metadata.deletionGracePeriodSeconds, shortened.metadata.deletionTimestamp], [5, '2026-01-01T00:00:06Z']);
    const removed = await store.delete('default', 'p', { gracePeriodSeconds: 0 });
    assert.equal(removed.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(deletionCompleted(pods, removed), true);
    await assert.rejects(store.get('default', 'p'), (e: { reason?: string }) => e.reason === 'NotFound');
  });

  it('a space without a kubelet removes at once', async () => {
    const plain = new GenericStore(pods, { backend, space: 'w1' });
    await plain.create('default', pod('q', { nodeName: 'n' }));
    assert.equal(deletionCompleted(pods, await plain.delete('default', 'q')), true);
    await assert.rejects(plain.get('default', 'q'));
  });
});
