import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/kubestellar/engine/work-queue.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('coalesces a key added while it waits', async () => {
    const runs: string[] = [];
    const q = new WorkQueue(async (k) => void runs.push(k), { concurrency: 1 });
    q.add('a');
    q.add('b');
    q.add('b');
    await q.idle();
    assert.deepEqual(runs, ['a', 'b']);
  });

  it('never runs one key twice at once, and runs it again if added meanwhile', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const q = new WorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        runs++;
        await tick(5);
        running--;
      },
      { concurrency: 8 },
    );
    q.add('k');
    await tick(1);
    q.add('k');
    q.add('k');
    await q.idle();
    assert.equal(maxRunning, 1);
    assert.equal(runs, 2);
  });

  it('bounds concurrency across keys', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await tick(2);
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 20; i++) q.add(String(i));
    await q.idle();
    assert.equal(maxRunning, 3);
  });

  it('retries a failing key with backoff until it succeeds', async () => {
    let attempts = 0;
    const errors: string[] = [];
    const q = new WorkQueue(
      async () => {
        attempts++;
        if (attempts < 3) throw new Error('not yet');
      },
      { baseDelayMs: 1, onError: (k) => errors.push(k) },
    );
    q.add('x');
    for (let i = 0; i < 100 && attempts < 3; i++) await tick(5);
    assert.equal(attempts, 3);
    assert.deepEqual(errors, ['x', 'x']);
    q.stop();
  });

  it('does nothing after stop', async () => {
    let runs = 0;
    const q = new WorkQueue(async () => void runs++);
    q.stop();
    q.add('a');
    await tick(2);
    assert.equal(runs, 0);
  });
});
