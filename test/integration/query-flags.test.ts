/**
 * Boolean query parameters spelled as other clients spell them (the Python client sends
 * `watch=True`): the server must read them as kube-apiserver does.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CMS = '/clusters/wds1/api/v1/namespaces/default/configmaps';

describe('boolean query parameters over HTTP', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('watch=True streams events, with bookmarks and initial events when asked as True', async () => {
    const list = await h.request('GET', CMS);
    const w = await h.openWatch(`${CMS}?watch=True&resourceVersion=${list.body.metadata.resourceVersion}`);
    try {
      assert.equal(w.status, 200);
      assert.equal((await h.request('POST', CMS, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'py-1' } } })).status, 201);
      const frames = await w.waitFor((f) => f.some((x) => x.type === 'ADDED' && x.object.metadata.name === 'py-1'));
      assert.ok(frames.length >= 1);
    } finally {
      w.close();
    }
    const initial = await h.watchFrames(`${CMS}?watch=1&sendInitialEvents=True&allowWatchBookmarks=TRUE&resourceVersionMatch=NotOlderThan`, (f) => f.type === 'BOOKMARK');
    assert.equal(initial.endedBy, 'until', 'the initial-events-end bookmark came');
    assert.ok(initial.frames.some((f) => f.type === 'ADDED' && f.object.metadata.name === 'py-1'));
    const plain = await h.request('GET', `${CMS}?watch=False`);
    assert.equal(plain.body.kind, 'ConfigMapList');
  });

  it('force=True takes over conflicting fields in a server-side apply', async () => {
    const apply = (manager: string, value: string, force: string) =>
      h.request('PATCH', `${CMS}/owned?fieldManager=${manager}${force}`, {
        headers: { 'Content-Type': 'application/apply-patch+yaml' },
        body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned' }, data: { k: value } }),
      });
    assert.equal((await apply('first', 'a', '')).status, 201);
    const conflict = await apply('second', 'b', '&force=false');
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.reason, 'Conflict');
    const forced = await apply('second', 'b', '&force=True');
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.equal(forced.body.data.k, 'b');
  });
});
