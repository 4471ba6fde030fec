import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { pods } from '../../../src/registry/builtin/core-pods.js';
import { configmaps } from '../../../src/registry/builtin/core.js';
import { replicasets } from '../../../src/registry/builtin/apps.js';
import { SimCache } from '../../../src/simulator/shell/cache.js';
import { pod, replicaSet } from './fixtures.js';

const ownedBy = (p: KubeObject, uid: string, namespace = 'default'): KubeObject => ({
  ...p,
  metadata: { ...p.metadata, namespace, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] },
});

describe('simulator cache', () => {
  it('simulates workload kinds only', () => {
    assert.equal(SimCache.simulates(pods), true);
    assert.equal(SimCache.simulates(configmaps), false);
  });

  it('indexes objects by controller and by kind and namespace', () => {
    const cache = new SimCache();
    const rs = replicaSet({ name: 'web-abc', replicas: 2 });
    cache.upsert(replicasets, rs);
    cache.upsert(pods, ownedBy(pod('a', 'ready'), 'web-abc-uid'));
    cache.upsert(pods, ownedBy(pod('b', 'ready'), 'web-abc-uid', 'other'));
    cache.upsert(pods, pod('bare', 'ready'));
    assert.deepEqual(cache.children('web-abc-uid', '/pods').map((c) => c.object.metadata.name).sort(), ['a', 'b']);
    assert.deepEqual(cache.children('web-abc-uid', 'apps/replicasets'), []);
    assert.equal(cache.ofKind('/pods').length, 3);
    assert.deepEqual(cache.ofKind('/pods', 'other').map((c) => c.object.metadata.name), ['b']);
    assert.equal(cache.byUid('web-abc-uid')?.object, rs);
  });

  it('forgets a deleted object, but not a newer one of the same name', () => {
    const cache = new SimCache();
    const first = ownedBy(pod('a', 'ready'), 'rs-1');
    cache.upsert(pods, first);
    const second = { ...first, metadata: { ...first.metadata, uid: 'a-2' } };
    cache.upsert(pods, second);
    cache.remove(pods, first);
    assert.equal(cache.byUid('a-2')?.object, second);
    assert.equal(cache.byUid('a-uid'), undefined);
    cache.remove(pods, second);
    assert.deepEqual([cache.ofKind('/pods').length, cache.children('rs-1').length], [0, 0]);
  });
});
