/**
 * One Event storage behind both Event APIs, as in kube-apiserver: what either API writes, the
 * other reads, lists, watches and deletes, each in its own shape.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const CORE = '/clusters/wds1/api/v1/namespaces/default/events';
const V1 = '/clusters/wds1/apis/events.k8s.io/v1/namespaces/default/events';

const v1Event = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name },
  eventTime: '2026-01-01T00:00:00.000000Z',
  regarding: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'default' },
  note: 'from the new API',
  reason: 'Scaled',
  type: 'Warning',
  action: 'Scale',
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
  ...extra,
});

const coreEvent = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name },
  involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'p1', namespace: 'default' },
  message: 'from the core API',
  reason: 'Pulled',
  type: 'Normal',
  source: { component: 'kubelet', host: 'n1' },
  count: 2,
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:05:00Z',
});

describe('core and events.k8s.io Events share one storage', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('serves an events.k8s.io Event through the core API, in the core shape, and back', async () => {
    const created = await h.request('POST', V1, { body: v1Event('new-1') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.apiVersion, 'events.k8s.io/v1');
    assert.equal(created.body.note, 'from the new API');
    const core = await h.request('GET', `${CORE}/new-1`);
    assert.equal(core.status, 200);
    assert.equal(core.body.apiVersion, 'v1');
    assert.equal(core.body.message, 'from the new API');
    assert.equal(core.body.involvedObject.name, 'web');
    assert.equal(core.body.reportingComponent, 'example.com/ctl');
    assert.equal(core.body.note, undefined);
    assert.equal(core.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    assert.equal(core.body.metadata.uid, created.body.metadata.uid);
  });

  it('serves a core Event through events.k8s.io with the deprecated fields', async () => {
    assert.equal((await h.request('POST', CORE, { body: coreEvent('old-1') })).status, 201);
    const v1 = await h.request('GET', `${V1}/old-1`);
    assert.equal(v1.status, 200, JSON.stringify(v1.body));
    assert.equal(v1.body.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1.body.note, 'from the core API');
    assert.deepEqual(v1.body.deprecatedSource, { component: 'kubelet', host: 'n1' });
    assert.equal(v1.body.deprecatedCount, 2);
    assert.equal(v1.body.regarding.name, 'p1');
    assert.equal(v1.body.message, undefined);
  });

  it('lists, prints and selects the same Events through both APIs', async () => {
    const core = await h.request('GET', CORE);
    const v1 = await h.request('GET', V1);
    const names = (l: any) => l.items.map((i: any) => i.metadata.name).sort();
    assert.deepEqual(names(core.body), ['new-1', 'old-1']);
    assert.deepEqual(names(v1.body), ['new-1', 'old-1']);
    assert.ok(v1.body.items.every((i: any) => i.apiVersion === 'events.k8s.io/v1' && 'note' in i));
    const table = await h.request('GET', V1, { headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' } });
    assert.equal(table.status, 200);
    const object = table.body.columnDefinitions.findIndex((c: any) => c.name === 'Object');
    assert.deepEqual(table.body.rows.map((r: any) => r.cells[object]).sort(), ['deployment/web', 'pod/p1']);
    const selected = await h.request('GET', `${V1}?fieldSelector=${encodeURIComponent('regarding.kind=Pod')}`);
    assert.equal(selected.status, 200, JSON.stringify(selected.body));
    assert.deepEqual(names(selected.body), ['old-1']);
    const coreSelected = await h.request('GET', `${CORE}?fieldSelector=${encodeURIComponent('involvedObject.kind=Deployment,type=Warning')}`);
    assert.deepEqual(names(coreSelected.body), ['new-1']);
    const unsupported = await h.request('GET', `${V1}?fieldSelector=involvedObject.kind%3DPod`);
    assert.equal(unsupported.status, 400);
    assert.equal(unsupported.body.reason, 'BadRequest');
  });

  it('delivers a write through one API to watchers of the other', async () => {
    const list = await h.request('GET', V1);
    const w = await h.openWatch(`${V1}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`);
    try {
      assert.equal((await h.request('POST', CORE, { body: coreEvent('old-2') })).status, 201);
      assert.equal((await h.request('DELETE', `${CORE}/new-1`)).status, 200);
      const frames = await w.waitFor((f) => f.length >= 2);
      assert.deepEqual(frames.map((f) => [f.type, f.object.metadata.name]), [['ADDED', 'old-2'], ['DELETED', 'new-1']]);
      assert.equal(frames[0]!.object.apiVersion, 'events.k8s.io/v1');
      assert.equal(frames[0]!.object.note, 'from the core API');
    } finally {
      w.close();
    }
    assert.equal((await h.request('GET', `${V1}/new-1`)).status, 404);
  });

  it('keeps the stricter events.k8s.io checks for writes through that API only', async () => {
    const { eventTime: _t, ...noTime } = v1Event('bad-1');
    const r = await h.request('POST', V1, { body: noTime });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'Invalid');
    assert.ok(r.body.details.causes.some((c: any) => c.field === 'eventTime'));
    assert.equal(r.body.details.group, 'events.k8s.io');
    // The core API takes a legacy Event without eventTime.
    assert.equal((await h.request('POST', CORE, { body: coreEvent('old-3') })).status, 201);
  });

  it('lets updates through events.k8s.io change only the series, keeping what only the core shape holds', async () => {
    const got = await h.request('GET', `${V1}/old-3`);
    const edited = await h.request('PUT', `${V1}/old-3`, { body: { ...got.body, note: 'edited' } });
    assert.equal(edited.status, 422, JSON.stringify(edited.body));
    assert.equal(edited.body.reason, 'Invalid');
    assert.deepEqual(edited.body.details.causes.map((c: any) => c.field), ['message']);
    const series = await h.request('PUT', `${V1}/old-3`, { body: { ...got.body, series: { count: 2, lastObservedTime: '2026-01-01T00:06:00.000000Z' } } });
    assert.equal(series.status, 200, JSON.stringify(series.body));
    const core = await h.request('GET', `${CORE}/old-3`);
    assert.equal(core.body.series.count, 2);
    assert.equal(core.body.count, 2);
    assert.deepEqual(core.body.source, { component: 'kubelet', host: 'n1' });
    const coreEdit = await h.request('PUT', `${CORE}/old-3`, { body: { ...core.body, message: 'edited through core' } });
    assert.equal(coreEdit.status, 200, 'the core API keeps its legacy update rules');
  });
});
