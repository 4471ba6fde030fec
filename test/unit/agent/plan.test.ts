import assert from 'node:assert/strict';
import {
  appliedWorkName,
  hasOwner,
  hubHash,
  objectHash,
  ownerRefTo,
  removedResources,
  strategyFor,
  withOwner,
  workStatus,
  type ManifestResult,
} from '../../../src/agent/plan.js';

const id = { group: 'apps', resource: 'deployments', namespace: 'ns', name: 'web' };

describe('work agent decisions', () => {
  describe('strategyFor', () => {
    const table: { name: string; configs: any[] | undefined; want: { type: string; force: boolean; fieldManager: string } }[] = [
      { name: 'no configs: Update', configs: undefined, want: { type: 'Update', force: false, fieldManager: 'work-agent' } },
      {
        name: 'CreateOnly for this object',
        configs: [{ resourceIdentifier: { ...id }, updateStrategy: { type: 'CreateOnly' } }],
        want: { type: 'CreateOnly', force: false, fieldManager: 'work-agent' },
      },
      {
        name: 'a config for another object does not apply',
        configs: [{ resourceIdentifier: { ...id, name: 'other' }, updateStrategy: { type: 'CreateOnly' } }],
        want: { type: 'Update', force: false, fieldManager: 'work-agent' },
      },
      {
        name: 'ServerSideApply with force and a manager',
        configs: [{ resourceIdentifier: { ...id }, updateStrategy: { type: 'ServerSideApply', serverSideApply: { force: true, fieldManager: 'work-agent-x' } } }],
        want: { type: 'ServerSideApply', force: true, fieldManager: 'work-agent-x' },
      },
      {
        name: 'an identifier of another resource does not apply',
        configs: [{ resourceIdentifier: { resource: 'namespaces', name: 'ns' }, updateStrategy: { type: 'ReadOnly' } }],
        want: { type: 'Update', force: false, fieldManager: 'work-agent' },
      },
    ];
    for (const t of table) it(t.name, () => assert.deepEqual(strategyFor(t.configs, id), t.want));
    it('matches a cluster-scoped identifier', () => {
      assert.equal(strategyFor([{ resourceIdentifier: { resource: 'namespaces', name: 'ns' }, updateStrategy: { type: 'ReadOnly' } }], { group: '', resource: 'namespaces', namespace: '', name: 'ns' }).type, 'ReadOnly');
    });
  });

  it('names AppliedManifestWorks after the hub and the work', () => {
    const h = hubHash('https://127.0.0.1:6443/clusters/its1');
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.notEqual(h, hubHash('https://127.0.0.1:6443/clusters/its2'));
    assert.equal(appliedWorkName(h, 'w'), `${h}-w`);
  });

  it('hashes manifests stably and by content', () => {
    const m = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } };
    assert.equal(objectHash(m), objectHash(structuredClone(m)));
    assert.notEqual(objectHash(m), objectHash({ ...m, data: { k: 'w' } }));
  });

  it('adds its owner reference once and keeps the others', () => {
    const ref = ownerRefTo('amw', 'u1');
    const other = { apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u0' };
    const refs = withOwner(withOwner([other], ref), ref);
    assert.deepEqual(refs, [other, ref]);
    assert.ok(hasOwner({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', ownerReferences: refs } }, 'u1'));
    assert.equal(ref.kind, 'AppliedManifestWork');
  });

  it('finds the applied resources a work no longer holds, by identity', () => {
    const applied = [
      { group: '', version: 'v1', resource: 'configmaps', namespace: 'n', name: 'a', uid: '1' },
      { group: '', version: 'v1', resource: 'configmaps', namespace: 'n', name: 'b', uid: '2' },
    ];
    assert.deepEqual(removedResources(applied, [{ group: '', resource: 'configmaps', namespace: 'n', name: 'a' }]), [applied[1]]);
    assert.deepEqual(removedResources(applied, []), applied);
  });

  describe('workStatus', () => {
    const ok: ManifestResult = { ordinal: 0, group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespace: 'n', name: 'web', applied: true, exists: true, status: { readyReplicas: 2 } };
    it('reports Applied and Available with the whole status as JsonRaw feedback', () => {
      const s = workStatus(3, [ok], undefined, 'T1') as any;
      assert.deepEqual(s.conditions.map((c: any) => [c.type, c.status, c.reason, c.observedGeneration]), [
        ['Applied', 'True', 'AppliedManifestWorkComplete', 3],
        ['Available', 'True', 'ResourcesAvailable', 3],
      ]);
      const m = s.resourceStatus.manifests[0];
      assert.deepEqual(m.resourceMeta, { ordinal: 0, group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', name: 'web', namespace: 'n' });
      assert.deepEqual(m.statusFeedback, { values: [{ name: 'status', fieldValue: { type: 'JsonRaw', jsonRaw: '{"readyReplicas":2}' } }] });
    });
    it('reports a failed manifest with its reason', () => {
      const failed: ManifestResult = { ...ok, applied: false, exists: false, failure: { reason: 'ApplyConflict', message: 'conflict' }, status: undefined } as ManifestResult;
      const s = workStatus(1, [failed], undefined, 'T1') as any;
      assert.equal(s.conditions[0].status, 'False');
      assert.equal(s.resourceStatus.manifests[0].conditions[0].reason, 'ApplyConflict');
      assert.equal(s.resourceStatus.manifests[0].statusFeedback, undefined);
    });
    it('keeps transition times while statuses stay, so an unchanged work is not rewritten', () => {
      const first = workStatus(1, [ok], undefined, 'T1');
      const again = workStatus(1, [ok], first, 'T2');
      assert.deepEqual(again, first);
      const flipped = workStatus(1, [{ ...ok, exists: false }], first, 'T3') as any;
      assert.equal(flipped.conditions[1].lastTransitionTime, 'T3');
      assert.equal(flipped.conditions[0].lastTransitionTime, 'T1');
    });
  });
});
