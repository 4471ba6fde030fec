/**
 * Pods a (simulated) kubelet runs are deleted gracefully, as kube-apiserver and the kubelet do:
 * the DELETE marks them (deletionTimestamp at the end of the grace period,
 * deletionGracePeriodSeconds), watchers see them Terminating, and the kubelet removes them once
 * their containers stopped. gracePeriodSeconds=0 removes at once, as do unscheduled or finished
 * pods, and pods in a space no kubelet serves.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const pods = (space: string): string => `/clusters/${space}/api/v1/namespaces/default/pods`;
const pod = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
});

describe('graceful pod deletion', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const until = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) if (await probe()) return;
    assert.fail(`timed out waiting for ${what}`);
  };
  const running = async (space: string, name: string): Promise<any> => {
    let body: any;
    await until(`${name} to run`, async () => {
      body = (await h.request('GET', `${pods(space)}/${name}`)).body;
      return body?.status?.phase === 'Running';
    });
    return body;
  };

  it('marks a running pod Terminating for its grace period, then the kubelet removes it', async () => {
    assert.equal((await h.request('POST', pods('cluster1'), { body: pod('graceful', { terminationGracePeriodSeconds: 20 }) })).status, 201);
    const live = await running('cluster1', 'graceful');
    const w = await h.openWatch(`${pods('cluster1')}?watch=true&fieldSelector=metadata.name%3Dgraceful&resourceVersion=${live.metadata.resourceVersion}`);
    const before = Date.now();
    const del = await h.request('DELETE', `${pods('cluster1')}/graceful`);
    assert.equal(del.status, 200);
    assert.equal(del.body.kind, 'Pod');
    assert.equal(del.body.metadata.deletionGracePeriodSeconds, 20);
    const deadline = Date.parse(del.body.metadata.deletionTimestamp);
    assert.ok(deadline >= before + 18_000 && deadline <= Date.now() + 21_000, del.body.metadata.deletionTimestamp);
    // The kubelet finishes well before the deadline (its containers heed SIGTERM at once).
    const frames = await w.waitFor((f) => f.some((x) => x.type === 'DELETED'), 10_000);
    w.close();
    assert.deepEqual(
      frames.map((f) => f.type).filter((t, i, all) => t !== all[i - 1]),
      ['MODIFIED', 'DELETED'],
    );
    assert.equal((await h.request('GET', `${pods('cluster1')}/graceful`)).status, 404);
  });

  it('removes at once with gracePeriodSeconds=0, and in a space without a kubelet', async () => {
    assert.equal((await h.request('POST', pods('cluster1'), { body: pod('forced') })).status, 201);
    await running('cluster1', 'forced');
    const forced = await h.request('DELETE', `${pods('cluster1')}/forced?gracePeriodSeconds=0`);
    assert.equal(forced.status, 200);
    assert.equal((await h.request('GET', `${pods('cluster1')}/forced`)).status, 404);

    assert.equal((await h.request('POST', pods('wds1'), { body: pod('bound', { nodeName: 'n1' }) })).status, 201);
    assert.equal((await h.request('DELETE', `${pods('wds1')}/bound`)).status, 200);
    assert.equal((await h.request('GET', `${pods('wds1')}/bound`)).status, 404);
  });
});
