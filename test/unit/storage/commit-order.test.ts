/**
 * Commit groups reach LevelDB in revision order. Two groups are in flight at once (the next is
 * evaluated while the previous is written); if both batches were handed to LevelDB together they
 * would run on different threadpool threads and could apply in either order, leaving an older
 * group's value of a hot key, or its revision record, on top of a newer one's. Reopening the
 * store shows what is on disk.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLevelBackend } from '../../../storage/leveldb/open.js';

describe('LevelDB commit order', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'commit-order-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the newest value of a key written by every group, and the newest revision, on disk', async () => {
    const path = join(dir, 'db');
    // Durable (fsynced) batches take long enough for the next group's batch to be ready meanwhile.
    let backend = await openLevelBackend(path);
    // Writers that submit again as soon as they hear back keep a group waiting while another is
    // written; each writes the hot key and one of its own.
    const writers = 32;
    const perWriter = 60;
    let last = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let n = 0; n < perWriter; n++) {
          const r = await backend.txn({
            compare: [],
            success: [
              { type: 'put', key: '/hot', value: Buffer.from(`${w}-${n}`) },
              { type: 'put', key: `/own/${w}`, value: Buffer.alloc(4096, n) },
            ],
          });
          last = Math.max(last, r.revision);
        }
      }),
    );
    const newest = await backend.get('/hot');
    assert.equal(newest?.modRevision, last);
    await backend.close();

    backend = await openLevelBackend(path);
    try {
      assert.equal(backend.currentRevision(), last, 'the recorded revision is the newest committed one');
      const reread = await backend.get('/hot');
      assert.equal(reread?.modRevision, last, 'the stored value of the hot key is the newest one');
      assert.equal(Buffer.from(reread!.value).toString('utf8'), Buffer.from(newest!.value).toString('utf8'));
    } finally {
      await backend.close();
    }
  });
});
