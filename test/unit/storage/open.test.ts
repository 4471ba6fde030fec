import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStorageError, openBackend } from '../../../storage/index.js';

describe('openBackend', () => {
  it('opens memory:// and leveldb:// backends', async () => {
    const mem = await openBackend('memory://');
    assert.equal(mem.currentRevision(), 1);
    await mem.close();
    const dir = await mkdtemp(join(tmpdir(), 'ks-open-'));
    try {
      const lvl = await openBackend(`leveldb://${dir}`);
      assert.equal(lvl.currentRevision(), 1);
      await lvl.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const url of ['nonsense', 'postgres://x/y', 'leveldb://']) {
    it(`refuses ${url} with InvalidArgument`, async () => {
      await assert.rejects(openBackend(url), (e) => isStorageError(e, 'InvalidArgument'));
    });
  }
});
