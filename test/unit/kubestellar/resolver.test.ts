import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { Affected, Resolver, splitUnitKey, type WorkloadObject } from '../../../src/kubestellar/engine/resolver.js';
import type { BindingPolicySpec } from '../../../src/kubestellar/binding/match.js';
import { storedWorkload } from '../../../src/kubestellar/engine/wds-engine.js';
import { encodeObject } from '../../../src/registry/codec.js';
import type { ResourceDefinition } from '../../../src/registry/definition.js';

function workload(uid: string, o: { group?: string; resource?: string; namespace?: string; name: string; labels?: Record<string, string> }): WorkloadObject {
  const object: KubeObject = { apiVersion: 'v1', kind: 'X', metadata: { name: o.name, uid, ...(o.namespace ? { namespace: o.namespace } : {}), labels: o.labels ?? {}, resourceVersion: '1' } };
  return {
    facts: { group: o.group ?? '', version: 'v1', resource: o.resource ?? 'configmaps', namespace: o.namespace ?? '', name: o.name, labels: o.labels ?? {}, uid, resourceVersion: '1' },
    object,
    hasStatus: false,
  };
}
const ns = (uid: string, name: string, labels: Record<string, string>): WorkloadObject => workload(uid, { resource: 'namespaces', name, labels });
const policy = (name: string, spec: BindingPolicySpec, generation = 1) => ({ name, uid: `uid-${name}`, generation, spec });
const units = (a: Affected): string[] => [...a.units].map((k) => { const { policy: p, uid } = splitUnitKey(k); return `${p}:${uid}`; }).sort();

describe('Resolver', () => {
  const edge = [{ matchLabels: { zone: 'edge' } }];

  it('matches objects to a new policy and selects its clusters', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertCluster('c1', { zone: 'edge' }, setup);
    r.upsertCluster('c2', { zone: 'core' }, setup);
    r.upsertObject(workload('o1', { namespace: 'a', name: 'x', labels: { app: 'web' } }), setup);
    r.upsertObject(workload('o2', { namespace: 'a', name: 'y', labels: { app: 'db' } }), setup);
    const out = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ objectSelectors: [{ matchLabels: { app: 'web' } }] }] }), out);
    assert.deepEqual(units(out), ['p:o1']);
    assert.deepEqual(r.policy('p')!.destinations, ['c1']);
    assert.deepEqual([...out.policies], ['p']);
  });

  it('keeps a decoded object only while a policy selects it, and decodes the others again from their stored bytes', () => {
    const object: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a', uid: 'o1', labels: { app: 'web' }, resourceVersion: '7' }, data: { k: 'v' } };
    const def = { group: '', version: 'v1', plural: 'configmaps', subresources: {} } as unknown as ResourceDefinition;
    const w = storedWorkload(def, object.metadata, { value: encodeObject(object), revision: 7 });
    const r = new Resolver();
    r.upsertCluster('c1', { zone: 'edge' }, new Affected());
    r.upsertObject(w, new Affected());
    const decoded = w.object;
    assert.notEqual(decoded, object, 'let go while nothing selects it');
    assert.deepEqual(decoded, object);
    assert.notEqual(w.object, decoded, 'not kept either');

    const out = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ objectSelectors: [{ matchLabels: { app: 'web' } }] }] }), out);
    assert.deepEqual(units(out), ['p:o1']);
    const held = w.object;
    assert.deepEqual(held, object);
    assert.equal(w.object, held, 'kept while selected');

    r.deletePolicy('p', new Affected());
    assert.notEqual(w.object, w.object, 'let go again once nothing selects it');
  });

  it('re-evaluates only what a change touches', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertCluster('c1', { zone: 'edge' }, setup);
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ objectSelectors: [{ matchLabels: { app: 'web' } }] }] }), setup);
    r.upsertObject(workload('o1', { namespace: 'a', name: 'x', labels: { app: 'web' } }), setup);

    const unrelated = new Affected();
    r.upsertObject(workload('o2', { namespace: 'a', name: 'y', labels: { app: 'db' } }), unrelated);
    assert.deepEqual(units(unrelated), []);

    const relabel = new Affected();
    r.upsertObject(workload('o1', { namespace: 'a', name: 'x', labels: { app: 'other' } }), relabel);
    assert.deepEqual(units(relabel), ['p:o1']);
    assert.equal(r.modulation('p', 'o1'), undefined);

    const sameGeneration = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [] }), sameGeneration);
    assert.deepEqual(units(sameGeneration), [], 'a status-only write (same generation) re-evaluates nothing');
  });

  it('follows cluster labels: only policies whose destinations change', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ resources: ['configmaps'] }] }), setup);
    r.upsertPolicy(policy('q', { clusterSelectors: [{ matchLabels: { zone: 'core' } }], downsync: [{ resources: ['configmaps'] }] }), setup);
    r.upsertObject(workload('o1', { namespace: 'a', name: 'x' }), setup);
    const join = new Affected();
    r.upsertCluster('c1', { zone: 'edge' }, join);
    assert.deepEqual(units(join), ['p:o1']);
    assert.deepEqual([...join.policies], ['p']);
    const same = new Affected();
    r.upsertCluster('c1', { zone: 'edge' }, same);
    assert.deepEqual(units(same), []);
    const leave = new Affected();
    r.deleteCluster('c1', leave);
    assert.deepEqual(r.policy('p')!.destinations, []);
    assert.deepEqual(units(leave), ['p:o1']);
  });

  it('re-evaluates the objects of a namespace whose labels change (namespace selectors)', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertObject(ns('n1', 'shop', { team: 'a' }), setup);
    r.upsertObject(workload('o1', { namespace: 'shop', name: 'x' }), setup);
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ resources: ['configmaps'], namespaceSelectors: [{ matchLabels: { team: 'a' } }] }] }), setup);
    assert.ok(r.modulation('p', 'o1'));
    const out = new Affected();
    r.upsertObject(ns('n1', 'shop', { team: 'b' }), out);
    assert.deepEqual(units(out), ['p:o1']);
    assert.equal(r.modulation('p', 'o1'), undefined);
  });

  it('treats a recreated object (same name, new uid) as a new object, and drops the old one', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ resources: ['configmaps'] }] }), setup);
    r.upsertObject(workload('old', { namespace: 'a', name: 'x' }), setup);
    const out = new Affected();
    r.upsertObject(workload('new', { namespace: 'a', name: 'x' }), out);
    assert.deepEqual(units(out), ['p:new', 'p:old']);
    assert.equal(r.object('old'), undefined);
    assert.deepEqual([...r.policiesOf('new')], ['p']);
  });

  it('a deleted policy releases every object it held', () => {
    const r = new Resolver();
    const setup = new Affected();
    r.upsertPolicy(policy('p', { clusterSelectors: edge, downsync: [{ resources: ['configmaps'] }] }), setup);
    r.upsertObject(workload('o1', { namespace: 'a', name: 'x' }), setup);
    r.upsertObject(workload('o2', { namespace: 'b', name: 'y' }), setup);
    const out = new Affected();
    r.deletePolicy('p', out);
    assert.deepEqual(units(out), ['p:o1', 'p:o2']);
    assert.equal(r.selectedCount, 0);
  });
});
