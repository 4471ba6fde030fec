import assert from 'node:assert/strict';
import { serialRun } from '../../../src/controllers/serial-run.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('serialRun', function () {
  it('runs one pass at a time, and one more after kicks that came during it', async function () {
    const abort = new AbortController();
    let active = 0;
    let most = 0;
    let passes = 0;
    const kick = serialRun(
      async () => {
        active++;
        most = Math.max(most, active);
        passes++;
        await tick(5);
        active--;
      },
      { signal: abort.signal },
    );
    kick();
    kick();
    kick();
    kick();
    await tick(40);
    assert.equal(most, 1);
    assert.equal(passes, 2, 'the kicks during the first pass bring exactly one more');
    abort.abort();
    kick();
    await tick(10);
    assert.equal(passes, 2, 'nothing runs once stopped');
  });

  it('retries a failed pass after retryMs, reporting what was thrown', async function () {
    const abort = new AbortController();
    const errors: unknown[] = [];
    let passes = 0;
    const kick = serialRun(
      async () => {
        passes++;
        if (passes === 1) throw new Error('boom');
        return passes !== 2; // the second fails quietly, the third succeeds
      },
      { signal: abort.signal, retryMs: 5, onError: (e) => errors.push(e) },
    );
    kick();
    await tick(60);
    assert.equal(passes, 3);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['boom']);
    abort.abort();
  });

  it('without retryMs, a failed pass waits for the next kick', async function () {
    const abort = new AbortController();
    let passes = 0;
    const kick = serialRun(
      async () => {
        passes++;
        throw new Error('x');
      },
      { signal: abort.signal },
    );
    kick();
    await tick(20);
    assert.equal(passes, 1);
    kick();
    await tick(5);
    assert.equal(passes, 2);
    abort.abort();
  });
});
