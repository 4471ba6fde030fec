import assert from 'node:assert/strict';
import { shardOwner } from '../../../src/kubestellar/engine/shard-owner.js';

describe('shardOwner (rendezvous hashing)', () => {
  const clusters = Array.from({ length: 1000 }, (_, i) => `cluster-${i}`);

  it('answers undefined for a cluster registered nowhere, and the only shard when there is one', () => {
    assert.equal(shardOwner('c1', []), undefined);
    assert.equal(shardOwner('c1', ['its1']), 'its1');
  });

  it('does not depend on the order shards are listed in', () => {
    for (const c of clusters.slice(0, 100)) assert.equal(shardOwner(c, ['a', 'b', 'c']), shardOwner(c, ['c', 'a', 'b']));
  });

  it('spreads clusters over shards roughly evenly', () => {
    const counts = new Map<string, number>();
    for (const c of clusters) {
      const s = shardOwner(c, ['a', 'b', 'c'])!;
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    for (const s of ['a', 'b', 'c']) assert.ok((counts.get(s) ?? 0) > 250, `shard ${s} got ${counts.get(s)}`);
  });

  it('moves only the clusters the new shard takes when one is added, and only the removed shard\'s when one goes', () => {
    for (const c of clusters) {
      const before = shardOwner(c, ['a', 'b', 'c'])!;
      const added = shardOwner(c, ['a', 'b', 'c', 'd'])!;
      assert.ok(added === before || added === 'd', `${c} moved from ${before} to ${added}`);
      const removed = shardOwner(c, ['a', 'c'])!;
      if (before !== 'b') assert.equal(removed, before, `${c} moved although its shard stayed`);
    }
  });
});
