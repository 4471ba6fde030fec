/**
 * The status an agent writes on an upsync work (src/agent/upsync-report.ts): selection, order,
 * cleaning, the exclusion of what the agent applied itself, the size bound, unknown resources,
 * and stable transition times (so an unchanged WEC gives a byte-identical status, and no write).
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { upsyncWorkStatus, type ResolvedResource, type ResourceState, type UpsyncReportInput } from '../../../src/agent/upsync-report.js';

const CM: ResolvedResource = { group: '', resource: 'configmaps', version: 'v1', kind: 'ConfigMap', namespaced: true };
const DEP: ResolvedResource = { group: 'apps', resource: 'deployments', version: 'v1', kind: 'Deployment', namespaced: true };

const cm = (namespace: string, name: string, more: Partial<KubeObject['metadata']> = {}, data: Record<string, string> = { k: 'v' }): KubeObject => ({
  metadata: { name, namespace, uid: `uid-${name}`, resourceVersion: '9', creationTimestamp: '2024-01-01T00:00:00Z', managedFields: [{}], ...more },
  data,
});

const input = (over: Partial<UpsyncReportInput>): UpsyncReportInput => ({
  clauses: [{ apiGroup: '', resources: ['configmaps'] }],
  resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [] }]]),
  generation: 1,
  maxBytes: 1024 * 1024,
  previous: undefined,
  now: 't1',
  ...over,
});

type Status = { conditions: { type: string; status: string; reason: string; lastTransitionTime: string }[]; resourceStatus: { manifests: any[] } };
const run = (over: Partial<UpsyncReportInput>): Status => upsyncWorkStatus(input(over)) as unknown as Status;
const names = (s: Status): string[] => s.resourceStatus.manifests.map((m) => `${m.resourceMeta.namespace}/${m.resourceMeta.name}`);
const cond = (s: Status, type: string): { status: string; reason: string } => {
  const c = s.conditions.find((x) => x.type === type)!;
  return { status: c.status, reason: c.reason };
};

describe('upsync report (src/agent/upsync-report.ts)', () => {
  it('reports the selected objects, cleaned, ordered by group, resource, namespace and name', () => {
    const s = run({
      clauses: [{ apiGroup: '', resources: ['configmaps'], namespaces: ['a', 'b'] }, { apiGroup: 'apps', resources: ['deployments'] }],
      resources: new Map<string, ResourceState>([
        ['apps/deployments', { state: 'ready', info: DEP, objects: [{ metadata: { name: 'd', namespace: 'z' }, spec: {} }] }],
        ['/configmaps', { state: 'ready', info: CM, objects: [cm('b', 'x'), cm('a', 'y'), cm('c', 'skipped'), cm('a', 'x')] }],
      ]),
    });
    assert.deepEqual(names(s), ['a/x', 'a/y', 'b/x', 'z/d']);
    const first = s.resourceStatus.manifests[0];
    assert.deepEqual(first.resourceMeta, { ordinal: 0, group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespace: 'a', name: 'x' });
    assert.equal(first.statusFeedback.values[0].name, 'object');
    assert.equal(first.statusFeedback.values[0].fieldValue.type, 'JsonRaw');
    assert.deepEqual(JSON.parse(first.statusFeedback.values[0].fieldValue.jsonRaw), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' }, data: { k: 'v' } });
    assert.deepEqual(s.resourceStatus.manifests.map((m) => m.resourceMeta.ordinal), [0, 1, 2, 3]);
    assert.equal(JSON.parse(s.resourceStatus.manifests[3].statusFeedback.values[0].fieldValue.jsonRaw).apiVersion, 'apps/v1');
    assert.deepEqual(cond(s, 'Applied'), { status: 'True', reason: 'UpsyncWatching' });
    assert.deepEqual(cond(s, 'Available'), { status: 'True', reason: 'UpsyncReported' });
    assert.deepEqual(cond(s, 'Degraded'), { status: 'False', reason: 'UpsyncComplete' });
  });

  it('an object matched by two clauses is reported once; selectors and names filter', () => {
    const s = run({
      clauses: [
        { apiGroup: '', resources: ['configmaps'], names: ['x', 'y'] },
        { apiGroup: '', resources: ['configmaps'], objectSelectors: [{ matchLabels: { up: 'yes' } }] },
      ],
      resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [cm('a', 'x', { labels: { up: 'yes' } }), cm('a', 'z', { labels: { up: 'yes' } }), cm('a', 'w')] }]]),
    });
    assert.deepEqual(names(s), ['a/x', 'a/z']);
  });

  it('objects the agent applied for a downsync work are never reported', () => {
    const applied = cm('a', 'down', { ownerReferences: [{ apiVersion: 'work.open-cluster-management.io/v1', kind: 'AppliedManifestWork', name: 'h-w', uid: 'u' }] });
    const owned = cm('a', 'owned', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u2' }] });
    const s = run({ resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [applied, owned] }]]) });
    assert.deepEqual(names(s), ['a/owned']);
    assert.equal(JSON.parse(s.resourceStatus.manifests[0].statusFeedback.values[0].fieldValue.jsonRaw).metadata.ownerReferences, undefined);
  });

  it('over the size bound: a deterministic prefix, Degraded UpsyncTooLarge', () => {
    const objects = Array.from({ length: 20 }, (_, i) => cm('a', `o${String(i).padStart(2, '0')}`, {}, { blob: 'x'.repeat(200) }));
    const full = run({ resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects }]]) });
    const entrySize = JSON.stringify(full.resourceStatus.manifests[0]).length + 1;
    const maxBytes = 2 + entrySize * 5 + 10;
    const a = run({ maxBytes, resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects }]]) });
    const b = run({ maxBytes, resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [...objects].reverse() }]]) });
    assert.deepEqual(names(a), ['a/o00', 'a/o01', 'a/o02', 'a/o03', 'a/o04']);
    assert.deepEqual(a, b, 'independent of the order the WEC lists them in');
    assert.ok(JSON.stringify(a.resourceStatus.manifests).length <= maxBytes);
    assert.deepEqual(cond(a, 'Degraded'), { status: 'True', reason: 'UpsyncTooLarge' });
  });

  it('a resource the WEC does not serve is skipped with Applied False; the rest is reported', () => {
    const s = run({
      clauses: [{ apiGroup: '', resources: ['configmaps'] }, { apiGroup: 'example.com', resources: ['widgets'] }],
      resources: new Map<string, ResourceState>([
        ['/configmaps', { state: 'ready', info: CM, objects: [cm('a', 'x')] }],
        ['example.com/widgets', { state: 'unknown', message: 'no such resource' }],
      ]),
    });
    assert.deepEqual(names(s), ['a/x']);
    assert.deepEqual(cond(s, 'Applied'), { status: 'False', reason: 'UpsyncResourceUnknown' });
    assert.deepEqual(cond(s, 'Available'), { status: 'True', reason: 'UpsyncReported' });
  });

  it('unreadable clauses report nothing, and not as Available', () => {
    const s = run({ clauses: undefined, resources: new Map() });
    assert.deepEqual(names(s), []);
    assert.deepEqual(cond(s, 'Applied'), { status: 'False', reason: 'UpsyncInvalidClauses' });
    assert.deepEqual(cond(s, 'Available'), { status: 'False', reason: 'UpsyncInvalidClauses' });
  });

  it('an unchanged WEC gives the same status later; transition times move only on flips', () => {
    const resources = new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [cm('a', 'x')] }]]);
    const first = upsyncWorkStatus(input({ resources, now: 't1' }));
    const again = upsyncWorkStatus(input({ resources, previous: first, now: 't2' }));
    assert.deepEqual(again, first);
    const more = upsyncWorkStatus(input({ resources: new Map<string, ResourceState>([['/configmaps', { state: 'ready', info: CM, objects: [cm('a', 'x'), cm('a', 'y')] }]]), previous: first, now: 't3' })) as unknown as Status;
    assert.deepEqual(more.resourceStatus.manifests.map((m) => m.conditions[0].lastTransitionTime), ['t1', 't3']);
    assert.ok(more.conditions.every((c) => c.lastTransitionTime === 't1'));
  });
});
