import assert from 'node:assert/strict';
import { openBackend, type Backend } from '../../../storage/index.js';
import { events, eventsConversion, eventsV1 } from '../../../src/registry/builtin/events.js';
import { decodeKv, encodeObject } from '../../../src/registry/codec.js';
import { moveLegacyEvents } from '../../../src/registry/legacy-events.js';
import { objectKey } from '../../../src/registry/keys.js';
import { servesStoredBytes } from '../../../src/registry/conversion.js';
import type { KubeObject } from '../../../src/api/object.js';

const v1Event = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name, namespace: 'default' },
  eventTime: '2026-01-01T00:00:00.000000Z',
  regarding: { kind: 'Deployment', name: 'web', namespace: 'default' },
  note: 'scaled up',
  reason: 'Scaled',
  type: 'Warning',
  action: 'Scale',
  reportingController: 'example.com/ctl',
  reportingInstance: 'ctl-1',
  ...extra,
});

describe('events.k8s.io Events in core Events storage', () => {
  it('store under the core key, so both APIs address the same object', () => {
    assert.equal(objectKey('wds1', eventsV1, 'default', 'e1'), objectKey('wds1', events, 'default', 'e1'));
    assert.equal(servesStoredBytes(eventsV1, 'v1'), false, 'stored bytes are core-shaped');
    assert.equal(servesStoredBytes(events, 'v1'), true);
  });

  const renames: [string, string, unknown][] = [
    ['regarding', 'involvedObject', { kind: 'Pod', name: 'p' }],
    ['note', 'message', 'hello'],
    ['deprecatedSource', 'source', { component: 'kubelet', host: 'n1' }],
    ['deprecatedFirstTimestamp', 'firstTimestamp', '2026-01-01T00:00:00Z'],
    ['deprecatedLastTimestamp', 'lastTimestamp', '2026-01-01T00:01:00Z'],
    ['deprecatedCount', 'count', 3],
    ['reportingController', 'reportingComponent', 'example.com/ctl'],
  ];
  for (const [v1Name, coreName, value] of renames) {
    it(`maps ${v1Name} to core ${coreName} and back`, () => {
      const stored = eventsConversion.toStored({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e' }, [v1Name]: value }, 'v1');
      assert.equal(stored.apiVersion, 'v1');
      assert.deepEqual(stored[coreName], value);
      assert.equal(v1Name in stored, false);
      const served = eventsConversion.fromStored(stored, 'v1');
      assert.equal(served.apiVersion, 'events.k8s.io/v1');
      assert.deepEqual(served[v1Name], value);
      assert.equal(coreName in served, false);
    });
  }

  it('keeps the fields both APIs share and does not touch its input', () => {
    const input = v1Event('e', { series: { count: 2, lastObservedTime: '2026-01-01T00:00:01.000000Z' }, related: { kind: 'Pod', name: 'x' } });
    const copy = structuredClone(input);
    const stored = eventsConversion.toStored(input, 'v1');
    assert.deepEqual(input, copy);
    for (const f of ['eventTime', 'reason', 'type', 'action', 'reportingInstance', 'series', 'related']) assert.deepEqual(stored[f], input[f], f);
    assert.deepEqual(eventsConversion.fromStored(stored, 'v1'), input);
  });

  it('selects events.k8s.io fields off the stored core object', () => {
    const fields = eventsV1.strategy.selectableFields!(eventsConversion.toStored(v1Event('e'), 'v1'));
    assert.equal(fields['regarding.name'], 'web');
    assert.equal(fields['regarding.kind'], 'Deployment');
    assert.equal(fields['reportingController'], 'example.com/ctl');
    assert.equal(fields['type'], 'Warning');
    assert.equal(fields['involvedObject.name'], undefined);
  });

  it('checks creates through events.k8s.io strictly, naming the internal fields as upstream does', () => {
    const ok = eventsConversion.toStored(v1Event('ok'), 'v1');
    assert.deepEqual([...eventsV1.strategy.validate(ok), ...eventsV1.strategy.validateCreate!(ok)], []);
    const bad = eventsConversion.toStored(v1Event('bad', { deprecatedCount: 2, series: { count: 1 } }), 'v1');
    delete bad['eventTime'];
    const fields = eventsV1.strategy.validateCreate!(bad).map((e) => e.field).sort();
    assert.deepEqual(fields, ['count', 'eventTime', 'series.count', 'series.lastObservedTime']);
    assert.equal(events.strategy.validateCreate, undefined, 'the core API takes legacy Events');
  });

  it('lets an update through events.k8s.io change the series only', () => {
    const old = eventsConversion.toStored(v1Event('e'), 'v1');
    const series = { ...old, series: { count: 2, lastObservedTime: '2026-01-01T00:00:05.000000Z' } };
    assert.deepEqual(eventsV1.strategy.validateUpdate(series, old), []);
    const note = { ...old, message: 'changed', reportingComponent: 'other' };
    assert.deepEqual(eventsV1.strategy.validateUpdate(note, old).map((e) => e.field), ['message', 'reportingController']);
    assert.deepEqual(events.strategy.validateUpdate(note, old), [], 'the core API keeps legacy update rules');
  });
});

describe('moveLegacyEvents', () => {
  let backend: Backend;
  beforeEach(async () => (backend = await openBackend('memory://')));
  afterEach(() => backend.close());
  const legacyKey = (name: string) => `/spaces/wds1/registry/events.k8s.io/events/default/${name}`;
  const coreKey = (name: string) => `/spaces/wds1/registry/core/events/default/${name}`;
  const put = (key: string, obj: KubeObject) => backend.txn({ compare: [], success: [{ type: 'put', key, value: encodeObject(obj) }] });

  it('moves Events an earlier version stored under their own prefix, converted, and keeps an existing core Event', async () => {
    for (let i = 0; i < 3; i++) await put(legacyKey(`e${i}`), v1Event(`e${i}`));
    await put(coreKey('e1'), { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, message: 'the core one' });
    await put('/spaces/wds2/registry/events.k8s.io/events/default/other', v1Event('other'));
    assert.equal(await moveLegacyEvents(backend, 'wds1'), 2);
    assert.equal((await backend.range('/spaces/wds1/registry/events.k8s.io/')).kvs.length, 0);
    const moved = decodeKv((await backend.get(coreKey('e0')))!);
    assert.equal(moved.apiVersion, 'v1');
    assert.equal(moved['message'], 'scaled up');
    assert.deepEqual(moved['involvedObject'], { kind: 'Deployment', name: 'web', namespace: 'default' });
    assert.equal(decodeKv((await backend.get(coreKey('e1')))!)['message'], 'the core one');
    assert.ok(await backend.get('/spaces/wds2/registry/events.k8s.io/events/default/other'), 'another space is left alone');
    assert.equal(await moveLegacyEvents(backend, 'wds1'), 0, 'a second pass finds nothing');
  });
});
