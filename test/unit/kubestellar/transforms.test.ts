import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { TransformRules } from '../../../src/kubestellar/engine/transforms.js';

function ct(name: string, remove: string[], opts: { group?: string; resource?: string; generation?: number; uid?: string; status?: unknown } = {}): KubeObject {
  return {
    apiVersion: 'control.kubestellar.io/v1alpha1',
    kind: 'CustomTransform',
    metadata: { name, uid: opts.uid ?? `uid-${name}`, generation: opts.generation ?? 1 },
    spec: { apiGroup: opts.group ?? 'apps', resource: opts.resource ?? 'deployments', remove },
    ...(opts.status !== undefined && { status: opts.status }),
  };
}

const sources = (r: TransformRules, group = 'apps', resource = 'deployments'): string[] => r.rulesFor(group, resource).map((p) => p.source);
const DEPLOYMENTS = { group: 'apps', resource: 'deployments' };
const WARNING = (names: string): string => `multiple CustomTransform objects specify the same GroupResource; their names are [${names}]`;

describe('TransformRules: CustomTransforms per (apiGroup, resource)', () => {
  it('collects every transform of a resource, in name order, and nothing of other resources', () => {
    const r = new TransformRules();
    assert.deepEqual(r.upsert(ct('b', ['$.b'])), { resources: [DEPLOYMENTS], transforms: ['b'] });
    assert.deepEqual(r.upsert(ct('a', ['$.a', '$..bad'])), { resources: [DEPLOYMENTS], transforms: ['b', 'a'] });
    r.upsert(ct('c', ['$.data'], { group: '', resource: 'configmaps' }));
    assert.deepEqual(sources(r), ['$.a', '$.b']);
    assert.deepEqual(sources(r, '', 'configmaps'), ['$.data']);
    assert.deepEqual(sources(r, 'apps', 'statefulsets'), []);
  });

  it('answers the status each should show: errors for bad paths, a shared warning for siblings', () => {
    const r = new TransformRules();
    r.upsert(ct('b', ['$.b'], { generation: 4 }));
    assert.deepEqual(r.desiredStatus('b')?.status, { observedGeneration: 4 });
    r.upsert(ct('a', ['$.a', '$']));
    assert.deepEqual(r.desiredStatus('a')?.status, { observedGeneration: 1, errors: ['Invalid spec.remove[1]: it identifies the whole object'], warnings: [WARNING('a b')] });
    assert.deepEqual(r.desiredStatus('b')?.status, { observedGeneration: 4, warnings: [WARNING('a b')] });
    assert.equal(r.desiredStatus('nope'), undefined);
  });

  it('a status write or metadata change touches no resource, only that status', () => {
    const r = new TransformRules();
    r.upsert(ct('a', ['$.a']));
    assert.deepEqual(r.upsert(ct('a', ['$.a'], { status: { observedGeneration: 1 } })), { resources: [], transforms: ['a'] });
    assert.deepEqual(r.desiredStatus('a')?.current, { observedGeneration: 1 });
  });

  it('changing the paths touches the resource and its siblings', () => {
    const r = new TransformRules();
    r.upsert(ct('a', ['$.a']));
    r.upsert(ct('b', ['$.b']));
    assert.deepEqual(r.upsert(ct('a', ['$.x'], { generation: 2 })), { resources: [DEPLOYMENTS], transforms: ['b', 'a'] });
    assert.deepEqual(sources(r), ['$.x', '$.b']);
  });

  it('moving to another resource touches both, and the warning follows', () => {
    const r = new TransformRules();
    r.upsert(ct('a', ['$.a']));
    r.upsert(ct('b', ['$.b']));
    const change = r.upsert(ct('a', ['$.a'], { group: '', resource: 'services', generation: 2 }));
    assert.deepEqual(change.resources, [DEPLOYMENTS, { group: '', resource: 'services' }]);
    assert.deepEqual(change.transforms.sort(), ['a', 'b']);
    assert.deepEqual(sources(r), ['$.b']);
    assert.deepEqual(sources(r, '', 'services'), ['$.a']);
    assert.equal(r.desiredStatus('b')?.status.warnings, undefined);
  });

  it('deleting drops the paths and tells the siblings; a recreated object is a change', () => {
    const r = new TransformRules();
    r.upsert(ct('a', ['$.a']));
    r.upsert(ct('b', ['$.b']));
    assert.deepEqual(r.delete('a'), { resources: [DEPLOYMENTS], transforms: ['b'] });
    assert.deepEqual(r.delete('a'), { resources: [], transforms: [] });
    assert.deepEqual(sources(r), ['$.b']);
    assert.deepEqual(r.upsert(ct('b', ['$.b'], { uid: 'new' })).resources, [DEPLOYMENTS]);
    assert.equal(r.desiredStatus('b')?.uid, 'new');
    assert.deepEqual([...r.names()], ['b']);
  });
});
