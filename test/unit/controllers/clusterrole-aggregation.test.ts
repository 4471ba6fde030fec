import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { aggregationUpdates } from '../../../src/controllers/clusterrole-aggregation.js';
import { bootstrapClusterRoles } from '../../../src/auth/rbac/bootstrap.js';

const role = (name: string, labels: Record<string, string>, rules: unknown[], selector?: Record<string, string>): KubeObject => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels },
  ...(selector && { aggregationRule: { clusterRoleSelectors: [{ matchLabels: selector }] } }),
  rules,
});
const r = (resource: string, verbs = ['get']) => ({ verbs, apiGroups: [''], resources: [resource] });
const names = (m: Map<string, unknown[]>): Record<string, string[]> =>
  Object.fromEntries([...m].map(([k, rules]) => [k, (rules as { resources?: string[] }[]).map((x) => x.resources?.join(',') ?? '')]));

describe('clusterrole aggregation updates', () => {
  const cases: [string, KubeObject[], Record<string, string[]>][] = [
    ['an empty aggregating role gets its matches, sorted by role name', [role('agg', {}, [], { a: 'x' }), role('zz', { a: 'x' }, [r('pods')]), role('aa', { a: 'x' }, [r('secrets')])], { agg: ['secrets', 'pods'] }],
    ['one already up to date is not written', [role('agg', {}, [r('pods')], { a: 'x' }), role('p', { a: 'x' }, [r('pods')])], {}],
    ['duplicates across matches are written once', [role('agg', {}, [], { a: 'x' }), role('p', { a: 'x' }, [r('pods')]), role('q', { a: 'x' }, [r('pods'), r('secrets')])], { agg: ['pods', 'secrets'] }],
    ['stale rules go when nothing matches any more', [role('agg', {}, [r('pods')], { a: 'x' })], { agg: [] }],
    ['a role without aggregationRule is never written', [role('plain', {}, []), role('p', { a: 'x' }, [r('pods')])], {}],
    [
      'nested aggregation reaches its fixed point in one pass',
      [role('outer', {}, [], { o: 'y' }), role('inner', { o: 'y' }, [], { i: 'y' }), role('leaf', { i: 'y' }, [r('pods')])],
      { outer: ['pods'], inner: ['pods'] },
    ],
    ['the aggregating role does not select itself', [role('agg', { a: 'x' }, [], { a: 'x' }), role('p', { a: 'x' }, [r('pods')])], { agg: ['pods'] }],
  ];
  for (const [what, roles, want] of cases) it(what, () => assert.deepEqual(names(aggregationUpdates(roles)), want));

  it('the bootstrap admin, edit and view get the aggregate-to-* rules as bootstrapped', () => {
    const roles = bootstrapClusterRoles();
    const updates = aggregationUpdates(roles);
    assert.deepEqual([...updates.keys()].sort(), ['admin', 'edit', 'view']);
    const rulesOf = (name: string) => roles.find((o) => o.metadata.name === name)!['rules'] as unknown[];
    const view = updates.get('view')!;
    // view = kubestellar:aggregate-to-view then system:aggregate-to-view (name order), unchanged.
    assert.deepEqual(view, [...rulesOf('kubestellar:aggregate-to-view'), ...rulesOf('system:aggregate-to-view')]);
    const edit = updates.get('edit')!;
    assert.deepEqual(edit, [...rulesOf('kubestellar:aggregate-to-edit'), ...rulesOf('system:aggregate-to-edit'), ...view]);
    assert.deepEqual(updates.get('admin'), [...edit, ...rulesOf('system:aggregate-to-admin')]);
  });
});
