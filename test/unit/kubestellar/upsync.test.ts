/**
 * Upsync decisions (src/kubestellar/upsync/decide.ts), as tables: clause matching and canonical
 * form, what each cluster is asked, the upsync work, reading reports, who owns a reported
 * object, and what happens to the WDS object of one key.
 */
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import type { ClusterLabels } from '../../../src/kubestellar/binding/clusters.js';
import type { UpsyncClause } from '../../../src/kubestellar/binding/match.js';
import { Affected, Resolver, type WorkloadObject } from '../../../src/kubestellar/engine/resolver.js';
import { workloadOf } from '../../../src/kubestellar/engine/wds-engine.js';
import { configmaps as configMapDef } from '../../../src/registry/builtin/core-config.js';
import {
  canonicalClauses,
  chooseOwners,
  clauseMatches,
  clauseResources,
  cleanForUpsync,
  copyOf,
  decideObject,
  desiredUpsyncWork,
  idKey,
  parseClauses,
  policiesConcerned,
  readReport,
  summarize,
  updatedUpsyncWork,
  upsyncRequests,
  withConditions,
  type ClusterReport,
  type ObjectDecision,
  type ObjectFacts,
  type ReportedObject,
  type WantedObject,
} from '../../../src/kubestellar/upsync/decide.js';

const cm = (namespace: string, name: string, labels?: Record<string, string>): ObjectFacts => ({ group: '', resource: 'configmaps', namespace, name, labels });

describe('upsync decisions (src/kubestellar/upsync/decide.ts)', () => {
  describe('clause matching', () => {
    const base: UpsyncClause = { apiGroup: '', resources: ['configmaps'] };
    const CASES: [string, UpsyncClause, ObjectFacts, boolean][] = [
      ['group and resource', base, cm('a', 'x'), true],
      ['another group', { ...base, apiGroup: 'apps' }, cm('a', 'x'), false],
      ['another resource', { ...base, resources: ['secrets'] }, cm('a', 'x'), false],
      ['one of several resources', { ...base, resources: ['secrets', 'configmaps'] }, cm('a', 'x'), true],
      ['namespace listed', { ...base, namespaces: ['a', 'b'] }, cm('b', 'x'), true],
      ['namespace not listed', { ...base, namespaces: ['a'] }, cm('b', 'x'), false],
      ['namespaces "*"', { ...base, namespaces: ['*'] }, cm('b', 'x'), true],
      ['empty namespaces', { ...base, namespaces: [] }, cm('b', 'x'), true],
      ['cluster-scoped vs a namespace list', { apiGroup: '', resources: ['namespaces'], namespaces: ['a'] }, { group: '', resource: 'namespaces', namespace: '', name: 'a', labels: {} }, false],
      ['cluster-scoped vs "*"', { apiGroup: '', resources: ['namespaces'], namespaces: ['*'] }, { group: '', resource: 'namespaces', namespace: '', name: 'a', labels: {} }, true],
      ['name listed', { ...base, names: ['x'] }, cm('a', 'x'), true],
      ['name not listed', { ...base, names: ['y'] }, cm('a', 'x'), false],
      ['names "*"', { ...base, names: ['y', '*'] }, cm('a', 'x'), true],
      ['selector matches', { ...base, objectSelectors: [{ matchLabels: { app: 'r' } }] }, cm('a', 'x', { app: 'r' }), true],
      ['selector does not match', { ...base, objectSelectors: [{ matchLabels: { app: 'r' } }] }, cm('a', 'x', { app: 's' }), false],
      ['one of two selectors', { ...base, objectSelectors: [{ matchLabels: { app: 'r' } }, { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }] }, cm('a', 'x', { tier: '1' }), true],
      ['no labels vs a selector', { ...base, objectSelectors: [{ matchLabels: { app: 'r' } }] }, cm('a', 'x'), false],
      ['empty selector', { ...base, objectSelectors: [{}] }, cm('a', 'x'), true],
      ['all tests ANDed', { ...base, namespaces: ['a'], names: ['x'], objectSelectors: [{ matchLabels: { app: 'r' } }] }, cm('a', 'x', { app: 'r' }), true],
      ['all tests ANDed, one fails', { ...base, namespaces: ['a'], names: ['x'], objectSelectors: [{ matchLabels: { app: 'r' } }] }, cm('a', 'y', { app: 'r' }), false],
    ];
    for (const [what, clause, obj, want] of CASES) it(`${what} → ${want}`, () => assert.equal(clauseMatches(clause, obj), want));

    it('canonical form: sorted, distinct, tests accepting everything dropped, equal meaning equal JSON', () => {
      const a: UpsyncClause = { apiGroup: '', resources: ['secrets', 'configmaps', 'secrets'], namespaces: ['b', 'a'], names: ['*', 'x'], objectSelectors: [{ matchLabels: { a: '1' } }] };
      const b: UpsyncClause = { apiGroup: '', resources: ['configmaps', 'secrets'], namespaces: ['a', 'b'], objectSelectors: [{ matchLabels: { a: '1' } }, { matchLabels: { a: '1' } }] };
      assert.deepEqual(canonicalClauses([a]), [{ apiGroup: '', resources: ['configmaps', 'secrets'], namespaces: ['a', 'b'], objectSelectors: [{ matchLabels: { a: '1' } }] }]);
      assert.deepEqual(canonicalClauses([a, b]), canonicalClauses([b]));
      assert.deepEqual(canonicalClauses([{ apiGroup: 'apps', resources: ['deployments'], namespaces: ['*'], objectSelectors: [{ matchLabels: { a: '1' } }, {}] }]), [
        { apiGroup: 'apps', resources: ['deployments'] },
      ]);
      const c = { apiGroup: 'apps', resources: ['deployments'] };
      assert.deepEqual(canonicalClauses([a, c]), canonicalClauses([c, a]));
    });

    it('resources named, and the annotation read back', () => {
      assert.deepEqual(clauseResources([{ apiGroup: 'apps', resources: ['deployments'] }, { apiGroup: '', resources: ['secrets', 'configmaps'] }]), ['/configmaps', '/secrets', 'apps/deployments']);
      assert.deepEqual(parseClauses('[{"apiGroup":"","resources":["configmaps"]}]'), [{ apiGroup: '', resources: ['configmaps'] }]);
      for (const bad of [undefined, '', 'nope', '{}', '[{"resources":["x"]}]', '[{"apiGroup":"","resources":"x"}]', '[{"apiGroup":"","resources":[],"names":[1]}]']) {
        assert.equal(parseClauses(bad), undefined, String(bad));
      }
    });
  });

  describe('requests and the upsync work', () => {
    const clusters: ClusterLabels[] = [
      { name: 'c2', labels: { edge: 'yes' } },
      { name: 'c1', labels: { edge: 'yes', zone: 'a' } },
      { name: 'c3', labels: {} },
    ];
    const cms: UpsyncClause = { apiGroup: '', resources: ['configmaps'] };
    const deps: UpsyncClause = { apiGroup: 'apps', resources: ['deployments'] };

    it('each cluster gets the union of the clauses of the policies selecting it', () => {
      const r = upsyncRequests(
        [
          { name: 'p1', spec: { clusterSelectors: [{ matchLabels: { edge: 'yes' } }], upsync: [cms] } },
          { name: 'p2', spec: { clusterSelectors: [{ matchLabels: { zone: 'a' } }], upsync: [deps, cms] } },
          { name: 'down-only', spec: { clusterSelectors: [{}], downsync: [{ resources: ['*'] }] } },
          { name: 'no-clusters', spec: { upsync: [deps] } },
        ],
        clusters,
      );
      assert.deepEqual([...r.keys()], ['c1', 'c2']);
      assert.deepEqual(r.get('c1')!.clauses, [cms, deps]);
      assert.deepEqual([...r.get('c1')!.byPolicy.keys()], ['p1', 'p2']);
      assert.deepEqual(r.get('c2')!.clauses, [cms]);
    });

    it('the work: named after the WDS, no manifests, no binding label, clauses in an annotation', () => {
      assert.deepEqual(desiredUpsyncWork('wds1', 'c1', [cms]), {
        apiVersion: 'work.open-cluster-management.io/v1',
        kind: 'ManifestWork',
        metadata: {
          name: 'upsync-wds1',
          namespace: 'c1',
          labels: { 'transport.kubestellar.io/originWdsName': 'wds1', 'control.kubestellar.io/upsync': 'true' },
          annotations: { 'control.kubestellar.io/upsync-clauses': '[{"apiGroup":"","resources":["configmaps"]}]' },
        },
        spec: { workload: { manifests: [] } },
      });
    });

    it('an existing work is rewritten only when the request changes; foreign labels and status kept', () => {
      const want = desiredUpsyncWork('wds1', 'c1', [cms]);
      const have: KubeObject = { ...structuredClone(want), metadata: { ...structuredClone(want.metadata), resourceVersion: '7', labels: { ...want.metadata.labels, extra: 'x' } }, status: { conditions: [] } };
      assert.equal(updatedUpsyncWork(have, want), undefined);
      const next = updatedUpsyncWork(have, desiredUpsyncWork('wds1', 'c1', [cms, deps]))!;
      assert.equal(next.metadata.resourceVersion, '7');
      assert.equal(next.metadata.labels!['extra'], 'x');
      assert.deepEqual(next['status'], { conditions: [] });
      assert.deepEqual(JSON.parse(next.metadata.annotations!['control.kubestellar.io/upsync-clauses']!), [cms, deps]);
    });
  });

  describe('reports', () => {
    const entry = (name: string, object: unknown, meta: Record<string, unknown> = {}): unknown => ({
      resourceMeta: { ordinal: 0, group: '', version: 'v1', kind: 'ConfigMap', resource: 'configmaps', namespace: 'r', name, ...meta },
      statusFeedback: { values: [{ name: 'object', fieldValue: { type: 'JsonRaw', jsonRaw: typeof object === 'string' ? object : JSON.stringify(object) } }] },
      conditions: [],
    });
    const work = (conditions: unknown[], manifests: unknown[]): KubeObject => ({ metadata: { name: 'upsync-wds1', namespace: 'c1' }, status: { conditions, resourceStatus: { manifests } } });
    const available = { type: 'Available', status: 'True', reason: 'UpsyncReported' };
    const degraded = { type: 'Degraded', status: 'True' };

    it('complete only when Available and not Degraded; no status is incomplete', () => {
      assert.deepEqual(readReport(undefined), { objects: [], complete: false });
      assert.deepEqual(readReport({ metadata: {} }), { objects: [], complete: false });
      assert.equal(readReport(work([available], [])).complete, true);
      assert.equal(readReport(work([available, degraded], [])).complete, false);
      assert.equal(readReport(work([{ type: 'Available', status: 'False' }], [])).complete, false);
      // What an OCM klusterlet, which ignores upsync, reports for a work without manifests.
      assert.equal(readReport(work([{ type: 'Applied', status: 'True', reason: 'AppliedManifestWorkComplete' }, { type: 'Available', status: 'True', reason: 'ResourcesAvailable' }], [])).complete, false);
    });

    it('entries are parsed and cleaned; malformed or mismatched ones are skipped', () => {
      const good = { metadata: { name: 'a', namespace: 'r', uid: 'u', resourceVersion: '3', labels: {} }, data: { k: 'v' } };
      const r = readReport(
        work([available], [
          entry('a', good),
          entry('b', 'not json'),
          entry('c', { metadata: { name: 'other', namespace: 'r' } }),
          { resourceMeta: { ordinal: 3, name: 'd' }, conditions: [] },
          entry('e', { metadata: { name: 'e' } }, { namespace: 'r' }),
        ]),
      );
      assert.deepEqual(r.objects, [
        {
          id: { group: '', resource: 'configmaps', namespace: 'r', name: 'a' },
          version: 'v1',
          kind: 'ConfigMap',
          object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'r' }, data: { k: 'v' } },
        },
      ]);
    });

    it('cleaning drops what the holding server sets, finalizers and the upsynced-from annotation', () => {
      const o: KubeObject = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'a',
          namespace: 'r',
          uid: 'u',
          resourceVersion: '1',
          generation: 2,
          creationTimestamp: 't',
          managedFields: [],
          ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'y' }],
          selfLink: '/x',
          finalizers: ['f'],
          deletionTimestamp: 't',
          deletionGracePeriodSeconds: 0,
          labels: { l: '1' },
          annotations: { 'control.kubestellar.io/upsynced-from': 'c1' },
        },
        data: {},
      };
      assert.deepEqual(cleanForUpsync(o), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'r', labels: { l: '1' } }, data: {} });
      assert.equal(o.metadata.uid, 'u', 'the input is not mutated');
      assert.deepEqual(copyOf({ id: { group: '', resource: 'configmaps', namespace: 'r', name: 'a' }, version: 'v1', kind: 'ConfigMap', object: cleanForUpsync(o) }, 'c2').metadata.annotations, {
        'control.kubestellar.io/upsynced-from': 'c2',
      });
    });
  });

  describe('ownership (conflict rule 1)', () => {
    const reported = (name: string, data: string, labels?: Record<string, string>): ReportedObject => ({
      id: { group: '', resource: 'configmaps', namespace: 'r', name },
      version: 'v1',
      kind: 'ConfigMap',
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'r', ...(labels && { labels }) }, data: { v: data } },
    });
    const report = (...objects: ReportedObject[]): ClusterReport => ({ objects, complete: true });
    const asked = (clauses: UpsyncClause[]) => ({ clauses, byPolicy: new Map([['p', clauses]]) });
    const all = [{ apiGroup: '', resources: ['configmaps'] }];

    it('the first cluster by name owns an object, whatever the order reports arrive in', () => {
      const requests = new Map([['c1', asked(all)], ['c2', asked(all)], ['c3', asked(all)]]);
      const orders: [string, ClusterReport][][] = [
        [['c3', report(reported('x', '3'))], ['c2', report(reported('x', '2'), reported('y', '2'))], ['c1', report()]],
        [['c1', report()], ['c2', report(reported('y', '2'), reported('x', '2'))], ['c3', report(reported('x', '3'))]],
      ];
      for (const order of orders) {
        const w = chooseOwners(new Map(order), requests);
        assert.deepEqual([...w.keys()].sort(), ['/configmaps/r/x', '/configmaps/r/y']);
        assert.equal(w.get('/configmaps/r/x')!.owner, 'c2');
        assert.deepEqual(w.get('/configmaps/r/x')!.contenders, ['c2', 'c3']);
        assert.deepEqual(w.get('/configmaps/r/x')!.reported.object['data'], { v: '2' });
        assert.deepEqual(w.get('/configmaps/r/y')!.contenders, ['c2']);
      }
    });

    it('only what the cluster is (still) asked for counts; control objects never', () => {
      const requests = new Map([
        ['c1', asked([{ apiGroup: '', resources: ['configmaps'], objectSelectors: [{ matchLabels: { up: 'yes' } }] }])],
        ['c2', asked(all)],
      ]);
      const policyObj: ReportedObject = { id: { group: 'control.kubestellar.io', resource: 'bindingpolicies', namespace: '', name: 'p' }, version: 'v1alpha1', kind: 'BindingPolicy', object: { metadata: { name: 'p' } } };
      const w = chooseOwners(
        new Map([
          ['c1', report(reported('x', '1'), reported('y', '1', { up: 'yes' }))],
          ['c2', report(reported('x', '2'))],
          ['c9', report(reported('z', '9'))],
          ['c2b', report(policyObj)],
        ]),
        new Map([...requests, ['c2b', asked([{ apiGroup: 'control.kubestellar.io', resources: ['bindingpolicies'] }])]]),
      );
      assert.equal(w.get('/configmaps/r/x')!.owner, 'c2', 'c1 reports x but its selector no longer asks for it');
      assert.equal(w.get('/configmaps/r/y')!.owner, 'c1');
      assert.equal(w.has('/configmaps/r/z'), false, 'c9 is not asked at all');
      assert.equal(w.size, 2);
    });
  });

  describe('one WDS object (rules 1 and 2, deletion)', () => {
    const obj = (data: string, from?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'r', uid: 'u', resourceVersion: '5', ...(from && { annotations: { 'control.kubestellar.io/upsynced-from': from } }) },
      data: { v: data },
    });
    const wanted = (owner: string, data: string, contenders = [owner]): WantedObject => ({
      id: { group: '', resource: 'configmaps', namespace: 'r', name: 'x' },
      owner,
      contenders,
      reported: { id: { group: '', resource: 'configmaps', namespace: 'r', name: 'x' }, version: 'v1', kind: 'ConfigMap', object: cleanForUpsync(obj(data)) },
    });
    const current = (data: string, from?: string) => ({ upsyncedFrom: from, object: obj(data, from) });
    const none = new Set<string>();
    const act = (d: ObjectDecision): string => (d.action.action === 'create' || d.action.action === 'update' ? `${d.action.action} from ${d.action.cluster}` : d.action.action);

    /** [case, wanted, current, partial clusters, action, conflict kind]. */
    const CASES: [string, WantedObject | undefined, ReturnType<typeof current> | undefined, Set<string>, string, string | undefined][] = [
      ['reported, absent from the WDS', wanted('c1', 'a'), undefined, none, 'create from c1', undefined],
      ['reported, the copy is current', wanted('c1', 'a'), current('a', 'c1'), none, 'none', undefined],
      ['reported, the copy is stale', wanted('c1', 'b'), current('a', 'c1'), none, 'update from c1', undefined],
      ['reported by two, absent', wanted('c1', 'a', ['c1', 'c2']), undefined, none, 'create from c1', 'clusters'],
      ['reported by two, copy current', wanted('c1', 'a', ['c1', 'c2']), current('a', 'c1'), none, 'none', 'clusters'],
      ['the owner changed (the old one stopped reporting)', wanted('c2', 'b'), current('a', 'c1'), none, 'update from c2', undefined],
      ['an earlier-sorting cluster now reports it', wanted('c1', 'a', ['c1', 'c2']), current('b', 'c2'), none, 'update from c1', 'clusters'],
      ['the copy\'s cluster is incomplete and sorts first: kept', wanted('c2', 'b'), current('a', 'c1'), new Set(['c1']), 'none', undefined],
      ['the copy\'s cluster is incomplete but sorts after the owner', wanted('c1', 'a'), current('b', 'c2'), new Set(['c2']), 'update from c1', undefined],
      ['no longer reported by anyone', undefined, current('a', 'c1'), none, 'delete', undefined],
      ['no longer reported, its cluster incomplete: kept', undefined, current('a', 'c1'), new Set(['c1']), 'none', undefined],
      ['nothing reported, nothing there', undefined, undefined, none, 'none', undefined],
      ['a user object, reported by a WEC: untouched', wanted('c1', 'a'), current('user'), none, 'none', 'wds-object'],
      ['a user object, reported by two: untouched', wanted('c1', 'a', ['c1', 'c2']), current('user'), none, 'none', 'wds-object'],
      ['a user object nobody reports: untouched, no conflict', undefined, current('user'), none, 'none', undefined],
    ];
    for (const [what, w, cur, partial, action, conflict] of CASES) {
      it(`${what} → ${action}${conflict ? ` (conflict: ${conflict})` : ''}`, () => {
        const d = decideObject({ wanted: w, current: cur, partial });
        assert.equal(act(d), action);
        assert.equal(d.conflict?.kind, conflict);
        if (d.conflict !== undefined) assert.deepEqual(d.conflict.clusters, w!.contenders);
      });
    }

    it('content differing only in server metadata or the annotation is the same', () => {
      const w = wanted('c1', 'a');
      const cur = { upsyncedFrom: 'c1', object: { ...obj('a', 'c1'), metadata: { ...obj('a', 'c1').metadata, managedFields: [{}], creationTimestamp: 'now', generation: 3 } } };
      assert.equal(act(decideObject({ wanted: w, current: cur, partial: none })), 'none');
    });

    it('the conflict message names the object, the clusters and the owner', () => {
      assert.equal(
        decideObject({ wanted: wanted('c1', 'a', ['c1', 'c2']), current: undefined, partial: none }).conflict!.message,
        "configmaps r/x is reported by c1, c2; the WDS holds c1's",
      );
      assert.match(decideObject({ wanted: wanted('c1', 'a'), current: current('user'), partial: none }).conflict!.message, /not created by upsync; it is left alone/);
    });
  });

  describe('reporting on policies', () => {
    it('a problem concerns the policies asking one of its clusters for its object', () => {
      const cms: UpsyncClause = { apiGroup: '', resources: ['configmaps'] };
      const named: UpsyncClause = { apiGroup: '', resources: ['configmaps'], names: ['other'] };
      const requests = new Map([
        ['c1', { clauses: [cms], byPolicy: new Map([['p1', [cms]], ['p3', [named]]]) }],
        ['c2', { clauses: [cms], byPolicy: new Map([['p2', [cms]]]) }],
        ['c3', { clauses: [cms], byPolicy: new Map([['p4', [cms]]]) }],
      ]);
      const problem = { id: { group: '', resource: 'configmaps', namespace: 'r', name: 'x' }, labels: undefined, clusters: ['c1', 'c2'], message: 'm' };
      assert.deepEqual(policiesConcerned(problem, requests), ['p1', 'p2']);
    });

    it('summaries are bounded: a count and the first five in sorted order', () => {
      assert.equal(summarize(['b', 'a']), '2 found: a; b');
      assert.equal(summarize(['g', 'f', 'e', 'd', 'c', 'b', 'a']), '7 found, first 5: a; b; c; d; e');
    });

    it('our conditions replace our conditions only; transition times move on flips', () => {
      const other = { type: 'Ready', status: 'True' as const, reason: 'R', message: '', lastTransitionTime: 't0' };
      const ours = { type: 'UpsyncConflict', status: 'False' as const, reason: 'NoConflicts', message: '', lastTransitionTime: 't1' };
      const types = ['UpsyncConflict'];
      assert.deepEqual(withConditions([other, ours], [{ type: 'UpsyncConflict', status: 'False', reason: 'NoConflicts', message: 'new text' }], types, 't2'), [
        other,
        { ...ours, message: 'new text' },
      ]);
      assert.deepEqual(withConditions([other, ours], [{ type: 'UpsyncConflict', status: 'True', reason: 'ConflictsFound', message: 'm' }], types, 't2'), [
        other,
        { type: 'UpsyncConflict', status: 'True', reason: 'ConflictsFound', message: 'm', lastTransitionTime: 't2' },
      ]);
      assert.deepEqual(withConditions([other, ours], undefined, types, 't2'), [other]);
    });

    it('conflict rule 3: the resolver never selects an upsynced copy, and forgets an object that becomes one', () => {
      const r = new Resolver();
      const setup = new Affected();
      r.upsertCluster('c1', { zone: 'edge' }, setup);
      r.upsertPolicy({ name: 'p', uid: 'uid-p', generation: 1, spec: { clusterSelectors: [{}], downsync: [{ resources: ['configmaps'] }] } }, setup);
      const obj = (uid: string, annotated: boolean): WorkloadObject =>
        workloadOf(configMapDef, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: uid, namespace: 'r', uid, ...(annotated && { annotations: { 'control.kubestellar.io/upsynced-from': 'c1' } }) } });
      r.upsertObject(obj('copy', true), setup);
      r.upsertObject(obj('user', false), setup);
      assert.deepEqual([...r.matchesOf('p').keys()], ['user']);
      const out = new Affected();
      r.upsertObject(obj('user', true), out);
      assert.deepEqual([...r.matchesOf('p').keys()], []);
      assert.ok(out.units.size === 1, 'its works are reconciled away');
    });

    it('keys', () => {
      assert.equal(idKey({ group: '', resource: 'namespaces', namespace: '', name: 'n' }), '/namespaces//n');
    });
  });
});
