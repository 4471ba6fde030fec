import assert from 'node:assert/strict';
import { OpenResponses } from '../../../src/server/front/open-responses.js';

describe('OpenResponses', () => {
  it('finds an open response by id until it is taken, and takes it once', () => {
    const open = new OpenResponses<{ name: string }>();
    const a = { name: 'a' };
    const b = { name: 'b' };
    open.set(1, a);
    open.set(2, b);
    assert.equal(open.size, 2);
    assert.equal(open.get(1), a);
    assert.equal(open.take(1), a);
    assert.equal(open.take(1), undefined, 'a second take finds nothing');
    assert.equal(open.get(1), undefined);
    assert.equal(open.get(3), undefined);
    assert.deepEqual(open.values(), [b]);
    assert.equal(open.size, 1);
  });

  it('replaces the response of a reused id', () => {
    const open = new OpenResponses<{ name: string }>();
    open.set(7, { name: 'old' });
    open.set(7, { name: 'new' });
    assert.equal(open.size, 1);
    assert.deepEqual(open.take(7), { name: 'new' });
  });

  it('lists the open responses as a list of its own, so each may be taken while going through it', () => {
    const open = new OpenResponses<{ id: number }>();
    for (let id = 1; id <= 5; id++) open.set(id, { id });
    const seen: number[] = [];
    for (const r of open.values()) {
      seen.push(r.id);
      open.take(r.id);
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(open.size, 0);
    assert.deepEqual(open.values(), []);
  });

  it('keeps its entries apart under churn far beyond the table sizes it passes through', () => {
    const open = new OpenResponses<{ id: number }>();
    const live = new Set<number>();
    for (let id = 1; id <= 20_000; id++) {
      open.set(id, { id });
      live.add(id);
      // About a hundred open at once, finishing out of order.
      if (live.size > 100) {
        const done = [...live][(id * 7919) % live.size]!;
        assert.equal(open.take(done)?.id, done);
        live.delete(done);
      }
    }
    assert.equal(open.size, live.size);
    for (const id of live) assert.equal(open.get(id)?.id, id);
  });
});
