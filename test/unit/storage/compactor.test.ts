import assert from 'node:assert/strict';
import { createKey, isStorageError, openBackend, startCompactor, type Backend } from '../../../storage/index.js';

describe('compactor', () => {
  let backend: Backend;
  beforeEach(async () => {
    backend = await openBackend('memory://');
  });
  afterEach(() => backend.close());

  it('keeps the newest retainRevisions revisions and compacts the rest on each tick', async () => {
    let tick: (() => void) | undefined;
    const errors: unknown[] = [];
    const compactor = startCompactor(backend, {
      retainRevisions: 10,
      intervalMs: 1000,
      setInterval: (fn) => ((tick = fn), {}),
      clearInterval: () => (tick = undefined),
      onError: (e) => errors.push(e),
    });
    assert.equal(await compactor.runOnce(), undefined, 'nothing to do on a young store');
    for (let i = 0; i < 25; i++) await createKey(backend, `/k/${i}`, Buffer.from('v'));
    assert.equal(backend.currentRevision(), 26);
    tick!();
    assert.equal(await compactor.runOnce(), 16, 'joins the pass the tick started');
    assert.equal(backend.compactRevision(), 16);
    await assert.rejects(backend.get('/k/0', { revision: 15 }), (e) => isStorageError(e, 'Compacted'));
    assert.ok((await backend.get('/k/20', { revision: 22 })) !== undefined);
    assert.equal(await compactor.runOnce(), undefined, 'a second pass finds nothing to do');
    compactor.stop();
    assert.equal(tick, undefined);
    assert.deepEqual(errors, []);
  });

  it('drops history older than retainMs, cutting at the revision a pass saw that long ago', async () => {
    let clock = 0;
    const compactor = startCompactor(backend, {
      retainRevisions: 1_000_000,
      retainMs: 300_000,
      intervalMs: 60_000,
      now: () => clock,
      setInterval: () => ({}),
      clearInterval: () => undefined,
    });
    const write = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) await createKey(backend, `/t/${clock}/${i}`, Buffer.from('v'));
    };
    // Revision 1 at start; a minute's writes between passes.
    const seenAt: number[] = [];
    for (let minute = 1; minute <= 7; minute++) {
      await write(3);
      clock = minute * 60_000;
      const cut = await compactor.runOnce();
      seenAt.push(backend.currentRevision());
      if (minute < 5) assert.equal(cut, undefined, `minute ${minute}: nothing is five minutes old yet`);
    }
    // At minute 5 the start (revision 1) became five minutes old: nothing below it to drop. At
    // minute 6 the cut is what the first pass saw (minute 1), at minute 7 what the second saw.
    assert.equal(backend.compactRevision(), seenAt[1], 'history up to what was current five minutes ago is gone');
    await assert.rejects(backend.get('/t/0/0', { revision: 2 }), (e) => isStorageError(e, 'Compacted'));
    assert.ok((await backend.get(`/t/${6 * 60_000}/0`)) !== undefined);
  });
});
