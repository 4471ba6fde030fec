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
});
