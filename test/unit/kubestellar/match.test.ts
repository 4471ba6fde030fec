import assert from 'node:assert/strict';
import type { Labels } from '../../../src/api/label-selector.js';
import {
  isEmptySelector,
  matchClause,
  matchPolicy,
  modulationEqual,
  selectorMatches,
  type DownsyncClause,
  type Modulation,
  type ObjectFacts,
} from '../../../src/kubestellar/binding/match.js';

function facts(over: Partial<ObjectFacts> = {}): ObjectFacts {
  return { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'ns1', name: 'web', labels: { app: 'web' }, uid: 'u1', resourceVersion: '7', ...over };
}

const namespaces: Record<string, Labels> = { ns1: { env: 'prod', team: 'a' }, ns2: { env: 'dev' }, bare: {} };
const nsLabels = (ns: string): Labels | undefined => namespaces[ns];

const deployment = facts();
const configMap = facts({ group: '', resource: 'configmaps', name: 'cfg', labels: {} });
const namespaceObj = facts({ group: '', resource: 'namespaces', namespace: '', name: 'ns1', labels: { env: 'prod' } });
const clusterRole = facts({ group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespace: '', name: 'reader', labels: { app: 'web' } });

describe('matchClause (spec §2.3)', () => {
  const cases: [string, DownsyncClause, ObjectFacts, boolean][] = [
    // apiGroup: absent/null = any, "" = core only, otherwise exact
    ['no apiGroup matches any group', { resources: ['*'] }, deployment, true],
    ['null apiGroup matches any group', { apiGroup: null }, configMap, true],
    ['"" apiGroup matches the core group', { apiGroup: '' }, configMap, true],
    ['"" apiGroup does not match apps', { apiGroup: '' }, deployment, false],
    ['apps matches apps', { apiGroup: 'apps' }, deployment, true],
    ['apps does not match core', { apiGroup: 'apps' }, configMap, false],
    ['a group is not a group/version', { apiGroup: 'apps/v1' }, deployment, false],
    // resources
    ['empty resources = any', { resources: [] }, deployment, true],
    ['"*" resource = any', { resources: ['*'] }, clusterRole, true],
    ['listed resource', { resources: ['configmaps', 'deployments'] }, deployment, true],
    ['unlisted resource', { resources: ['configmaps'] }, deployment, false],
    ['resources are exact (no singular, no case folding)', { resources: ['Deployments', 'deployment'] }, deployment, false],
    // namespaces
    ['listed namespace', { namespaces: ['ns1'] }, deployment, true],
    ['unlisted namespace', { namespaces: ['ns2'] }, deployment, false],
    ['"*" namespace lets cluster-scoped through', { namespaces: ['*'] }, clusterRole, true],
    ['a named namespace stops cluster-scoped objects', { namespaces: ['ns1'] }, clusterRole, false],
    ['namespaces:[X] does not match the Namespace X itself', { namespaces: ['ns1'] }, namespaceObj, false],
    ['"" namespace entry matches cluster-scoped objects', { namespaces: [''] }, clusterRole, true],
    // objectNames
    ['listed name', { objectNames: ['web'] }, deployment, true],
    ['"*" name', { objectNames: ['*'] }, deployment, true],
    ['unlisted name', { objectNames: ['db'] }, deployment, false],
    // objectSelectors: ORed, {} matches all
    ['matching objectSelector', { objectSelectors: [{ matchLabels: { app: 'web' } }] }, deployment, true],
    ['objectSelectors are ORed', { objectSelectors: [{ matchLabels: { app: 'db' } }, { matchLabels: { app: 'web' } }] }, deployment, true],
    ['no objectSelector matches', { objectSelectors: [{ matchLabels: { app: 'db' } }] }, deployment, false],
    ['{} objectSelector matches unlabelled objects', { objectSelectors: [{}] }, configMap, true],
    ['matchLabels and matchExpressions are ANDed', { objectSelectors: [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'Exists' }] }] }, deployment, false],
    ['In expression', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }] }, deployment, true],
    ['NotIn matches an absent key', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }] }, configMap, true],
    ['DoesNotExist', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }] }, deployment, false],
    ['unconvertible selector (bad operator) matches nothing', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }] }, deployment, false],
    ['unconvertible selector (In without values) matches nothing', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }] }, deployment, false],
    ['unconvertible selector (bad label value) matches nothing', { objectSelectors: [{ matchLabels: { app: 'not valid!' } }] }, deployment, false],
    ['an unconvertible selector does not spoil a good one', { objectSelectors: [{ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, { matchLabels: { app: 'web' } }] }, deployment, true],
    // namespaceSelectors
    ['namespace labels match', { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] }, deployment, true],
    ['namespace labels do not match', { namespaceSelectors: [{ matchLabels: { env: 'dev' } }] }, deployment, false],
    ['namespaceSelectors are ORed', { namespaceSelectors: [{ matchLabels: { env: 'dev' } }, { matchLabels: { team: 'a' } }] }, deployment, true],
    ['missing Namespace fails', { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] }, facts({ namespace: 'ghost' }), false],
    ['missing Namespace fails even a NotIn selector', { namespaceSelectors: [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }] }] }, facts({ namespace: 'ghost' }), false],
    ['cluster-scoped objects fail a non-empty namespaceSelector', { namespaceSelectors: [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }] }, clusterRole, false],
    ['{} namespaceSelector waives the test for cluster-scoped objects', { namespaceSelectors: [{}] }, clusterRole, true],
    ['{} among others waives the test', { namespaceSelectors: [{ matchLabels: { env: 'nope' } }, {}] }, facts({ namespace: 'ghost' }), true],
    ['{matchLabels:{}, matchExpressions:[]} is the empty selector', { namespaceSelectors: [{ matchLabels: {}, matchExpressions: [] }] }, clusterRole, true],
    ['unlabelled Namespace matches DoesNotExist', { namespaceSelectors: [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }] }, facts({ namespace: 'bare' }), true],
    // AND across fields
    [
      'all six tests pass',
      { apiGroup: 'apps', resources: ['deployments'], namespaces: ['ns1'], objectNames: ['web'], objectSelectors: [{ matchLabels: { app: 'web' } }], namespaceSelectors: [{ matchLabels: { env: 'prod' } }] },
      deployment,
      true,
    ],
    [
      'one failing test fails the clause',
      { apiGroup: 'apps', resources: ['deployments'], namespaces: ['ns1'], objectNames: ['web'], objectSelectors: [{ matchLabels: { app: 'web' } }], namespaceSelectors: [{ matchLabels: { env: 'dev' } }] },
      deployment,
      false,
    ],
    ['a clause testing nothing matches everything', { createOnly: true }, clusterRole, true],
  ];
  for (const [name, clause, obj, want] of cases) {
    it(name, () => assert.equal(matchClause(clause, obj, nsLabels), want));
  }

  it('does not look up the Namespace when an earlier test already failed, nor when {} waives it', () => {
    const looked: string[] = [];
    const spy = (ns: string): Labels | undefined => (looked.push(ns), nsLabels(ns));
    matchClause({ resources: ['pods'], namespaceSelectors: [{ matchLabels: { env: 'prod' } }] }, deployment, spy);
    matchClause({ namespaceSelectors: [{}] }, deployment, spy);
    assert.deepEqual(looked, []);
    matchClause({ namespaceSelectors: [{ matchLabels: { env: 'prod' } }] }, deployment, spy);
    assert.deepEqual(looked, ['ns1']);
  });

  it('follows the lookup: a namespace label change changes the answer', () => {
    const labels: Record<string, Labels> = { ns1: { env: 'dev' } };
    const clause: DownsyncClause = { namespaceSelectors: [{ matchLabels: { env: 'prod' } }] };
    assert.equal(matchClause(clause, deployment, (ns) => labels[ns]), false);
    labels['ns1'] = { env: 'prod' };
    assert.equal(matchClause(clause, deployment, (ns) => labels[ns]), true);
  });
});

describe('matchPolicy', () => {
  const mod = (over: Partial<Modulation> = {}): Modulation => ({ createOnly: false, statusCollectors: [], wantSingletonReportedState: false, wantMultiWECReportedState: false, ...over });
  const cases: [string, DownsyncClause[] | undefined, ObjectFacts, Modulation | undefined][] = [
    ['no downsync matches nothing', undefined, deployment, undefined],
    ['empty downsync matches nothing', [], deployment, undefined],
    ['no clause matches', [{ apiGroup: '' }, { resources: ['pods'] }], deployment, undefined],
    ['one matching clause without modulation', [{ apiGroup: 'apps' }], deployment, mod()],
    ['modulation of the matching clause only', [{ apiGroup: 'apps', createOnly: true }, { apiGroup: '', wantSingletonReportedState: true }], deployment, mod({ createOnly: true })],
    [
      'modulations of all matching clauses are merged: booleans ORed, collectors unioned and sorted',
      [
        { apiGroup: 'apps', createOnly: false, statusCollectors: ['zeta', 'alpha'], wantSingletonReportedState: true },
        { resources: ['deployments'], createOnly: true, statusCollectors: ['alpha', 'mid'], wantMultiWECReportedState: true },
        { resources: ['pods'], statusCollectors: ['never'] },
      ],
      deployment,
      mod({ createOnly: true, statusCollectors: ['alpha', 'mid', 'zeta'], wantSingletonReportedState: true, wantMultiWECReportedState: true }),
    ],
    ['false never clears a true', [{ createOnly: true }, { createOnly: false }], deployment, mod({ createOnly: true })],
    ['null modulation fields count as false/empty', [{ createOnly: null, statusCollectors: null, wantSingletonReportedState: null }], deployment, mod()],
  ];
  for (const [name, downsync, obj, want] of cases) {
    it(name, () => assert.deepEqual(matchPolicy(downsync === undefined ? {} : { downsync }, obj, nsLabels), want));
  }

  it('looks the Namespace up once per policy test', () => {
    let lookups = 0;
    const spy = (ns: string): Labels | undefined => (lookups++, nsLabels(ns));
    const sel = [{ matchLabels: { env: 'prod' } }];
    matchPolicy({ downsync: [{ namespaceSelectors: sel }, { namespaceSelectors: sel, createOnly: true }, { namespaceSelectors: [{ matchLabels: { team: 'a' } }] }] }, deployment, spy);
    assert.equal(lookups, 1);
  });

  it('modulations serialise identically when equal', () => {
    const a = matchPolicy({ downsync: [{ statusCollectors: ['b', 'a'] }, { statusCollectors: ['a'] }] }, deployment, nsLabels);
    const b = matchPolicy({ downsync: [{ statusCollectors: ['a', 'b'] }] }, deployment, nsLabels);
    assert.ok(a !== undefined && b !== undefined);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.ok(modulationEqual(a, b));
    assert.ok(!modulationEqual(a, { ...b, createOnly: true }));
    assert.ok(!modulationEqual(a, { ...b, statusCollectors: ['a'] }));
  });
});

describe('selector helpers', () => {
  it('a null list entry is the empty selector (Go zero value)', () => {
    assert.equal(selectorMatches(null, { a: 'b' }), true);
    assert.equal(isEmptySelector(null), true);
  });
  it('something that is not a selector matches nothing and is not empty', () => {
    assert.equal(selectorMatches('app=web' as never, { app: 'web' }), false);
    assert.equal(isEmptySelector([] as never), false);
    assert.equal(selectorMatches({ matchLabels: 'app=web' } as never, { app: 'web' }), false);
  });
  it('isEmptySelector', () => {
    assert.equal(isEmptySelector({}), true);
    assert.equal(isEmptySelector({ matchLabels: null, matchExpressions: null }), true);
    assert.equal(isEmptySelector({ matchLabels: { a: 'b' } }), false);
    assert.equal(isEmptySelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }), false);
  });
  it('the same selector object answers consistently (conversion is cached per selector)', () => {
    const sel = { matchLabels: { app: 'web' } };
    for (let i = 0; i < 3; i++) {
      assert.equal(selectorMatches(sel, { app: 'web' }), true);
      assert.equal(selectorMatches(sel, { app: 'db' }), false);
    }
  });
});
