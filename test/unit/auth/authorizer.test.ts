import assert from 'node:assert/strict';
import { nonResourceAttributes, resourceAttributes, type ResourceAttributesInput } from '../../../src/auth/attributes.js';
import { aggregateClusterRoles, authorize, rbacSnapshot, rulesFor, subjectMatches, type RbacObjects } from '../../../src/auth/rbac/authorizer.js';
import { toClusterRole, type PolicyRule, type Subject } from '../../../src/auth/rbac/types.js';
import { makeUser, serviceAccountUser, type UserInfo } from '../../../src/auth/user.js';

const R = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames && { resourceNames }),
});
const role = (ns: string, name: string, rules: PolicyRule[]) => ({ metadata: { namespace: ns, name }, rules });
const clusterRole = (name: string, rules: PolicyRule[], labels?: Record<string, string>, selectors?: object[]) => ({
  metadata: { name, ...(labels && { labels }) },
  rules,
  ...(selectors && { aggregationRule: { clusterRoleSelectors: selectors } }),
});
const binding = (ns: string | undefined, name: string, kind: string, roleName: string, subjects: Subject[]) => ({
  metadata: { name, ...(ns !== undefined && { namespace: ns }) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects,
});
const U = (name: string): Subject => ({ kind: 'User', name, apiGroup: 'rbac.authorization.k8s.io' });
const G = (name: string): Subject => ({ kind: 'Group', name, apiGroup: 'rbac.authorization.k8s.io' });
const SA = (name: string, namespace?: string): Subject => ({ kind: 'ServiceAccount', name, ...(namespace !== undefined && { namespace }) });

const alice = makeUser('alice', ['dev', 'system:authenticated']);
const bob = makeUser('bob', ['system:authenticated']);
const builder = serviceAccountUser('ci', 'builder');
const can = (user: UserInfo, data: ReturnType<typeof rbacSnapshot>, a: ResourceAttributesInput) => authorize(resourceAttributes(user, a), data).allowed;

describe('subjectMatches', () => {
  const cases: [string, UserInfo, Subject, string, boolean][] = [
    ['user by name', alice, U('alice'), '', true],
    ['user other name', alice, U('bob'), '', false],
    ['user name is not a group', alice, U('dev'), '', false],
    ['group', alice, G('dev'), '', true],
    ['group missing', bob, G('dev'), '', false],
    ['system:authenticated group', bob, G('system:authenticated'), '', true],
    ['SA with namespace', builder, SA('builder', 'ci'), '', true],
    ['SA other namespace', builder, SA('builder', 'prod'), 'ci', false],
    ['SA without namespace in a RoleBinding: the binding namespace', builder, SA('builder'), 'ci', true],
    ['SA without namespace in another namespace', builder, SA('builder'), 'prod', false],
    ['SA without namespace in a ClusterRoleBinding: nobody', builder, SA('builder'), '', false],
    ['SA subject is not a user subject', makeUser('builder'), SA('builder', 'ci'), '', false],
    ['SA groups', builder, G('system:serviceaccounts:ci'), '', true],
    ['user subject with the SA username', builder, U('system:serviceaccount:ci:builder'), '', true],
    ['unknown kind', alice, { kind: 'Robot', name: 'alice' }, '', false],
  ];
  for (const [title, user, subject, ns, want] of cases) it(title, () => assert.equal(subjectMatches(user, subject, ns), want));
});

describe('authorize', () => {
  const objects: RbacObjects = {
    roles: [role('team', 'pod-reader', [R(['get', 'list'], [''], ['pods'])]), role('team', 'cm-one', [R(['get', 'update'], [''], ['configmaps'], ['app-config'])])],
    clusterRoles: [
      clusterRole('secret-reader', [R(['get'], [''], ['secrets'])]),
      clusterRole('node-lister', [R(['list'], [''], ['nodes'])]),
      clusterRole('health', [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] }]),
    ],
    roleBindings: [
      binding('team', 'alice-pods', 'Role', 'pod-reader', [U('alice')]),
      binding('team', 'alice-cm', 'Role', 'cm-one', [U('alice')]),
      binding('team', 'dev-secrets', 'ClusterRole', 'secret-reader', [G('dev')]),
      binding('ci', 'builder-pods', 'ClusterRole', 'secret-reader', [SA('builder')]),
      binding('team', 'dangling', 'Role', 'does-not-exist', [U('bob')]),
      binding('other', 'other-ns', 'Role', 'pod-reader', [U('alice')]),
    ],
    clusterRoleBindings: [
      binding(undefined, 'lister', 'ClusterRole', 'node-lister', [U('bob'), G('dev')]),
      binding(undefined, 'health', 'ClusterRole', 'health', [G('system:authenticated')]),
      binding(undefined, 'broken', 'ClusterRole', 'missing-role', [U('bob')]),
      binding(undefined, 'sa-no-ns', 'ClusterRole', 'secret-reader', [SA('builder')]),
    ],
  };
  const data = rbacSnapshot(objects);

  const cases: [string, UserInfo, ResourceAttributesInput, boolean][] = [
    ['role in namespace', alice, { verb: 'list', resource: 'pods', namespace: 'team' }, true],
    ['role verb missing', alice, { verb: 'delete', resource: 'pods', namespace: 'team', name: 'p' }, false],
    ['role only in its namespace', alice, { verb: 'list', resource: 'pods', namespace: 'prod' }, false],
    ['role binding does not grant cluster scope', alice, { verb: 'list', resource: 'pods' }, false],
    ['rolebinding to clusterrole: namespaced', alice, { verb: 'get', resource: 'secrets', namespace: 'team', name: 's' }, true],
    ['rolebinding to clusterrole: not other namespaces', alice, { verb: 'get', resource: 'secrets', namespace: 'prod', name: 's' }, false],
    ['resourceNames allow', alice, { verb: 'update', resource: 'configmaps', namespace: 'team', name: 'app-config' }, true],
    ['resourceNames deny', alice, { verb: 'update', resource: 'configmaps', namespace: 'team', name: 'other' }, false],
    ['clusterrolebinding applies everywhere', bob, { verb: 'list', resource: 'nodes' }, true],
    ['clusterrolebinding applies in namespaces too', bob, { verb: 'list', resource: 'nodes', namespace: 'team' }, true],
    ['clusterrolebinding group', alice, { verb: 'list', resource: 'nodes' }, true],
    ['SA subject defaulted to binding namespace', builder, { verb: 'get', resource: 'secrets', namespace: 'ci', name: 'x' }, true],
    ['SA subject without namespace in CRB matches nobody', builder, { verb: 'get', resource: 'secrets', namespace: 'prod', name: 'x' }, false],
    ['nobody', makeUser('eve'), { verb: 'get', resource: 'pods', namespace: 'team' }, false],
  ];
  for (const [title, user, a, want] of cases) it(title, () => assert.equal(can(user, data, a), want));

  it('non-resource rules', () => {
    assert.equal(authorize(nonResourceAttributes(bob, 'get', '/healthz'), data).allowed, true);
    assert.equal(authorize(nonResourceAttributes(bob, 'get', '/apis/apps'), data).allowed, true);
    assert.equal(authorize(nonResourceAttributes(bob, 'post', '/healthz'), data).allowed, false);
    assert.equal(authorize(nonResourceAttributes(makeUser('x'), 'get', '/healthz'), data).allowed, false);
  });

  it('reasons name the binding that allowed', () => {
    assert.deepEqual(authorize(resourceAttributes(alice, { verb: 'list', resource: 'pods', namespace: 'team' }), data), {
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "alice-pods/team" of Role "pod-reader" to User "alice"',
    });
    assert.equal(
      authorize(resourceAttributes(alice, { verb: 'list', resource: 'nodes' }), data).reason,
      'RBAC: allowed by ClusterRoleBinding "lister" of ClusterRole "node-lister" to Group "dev"',
    );
    assert.equal(
      authorize(resourceAttributes(builder, { verb: 'get', resource: 'secrets', namespace: 'ci', name: 'x' }), data).reason,
      'RBAC: allowed by RoleBinding "builder-pods/ci" of ClusterRole "secret-reader" to ServiceAccount "builder/ci"',
    );
  });

  it('denials report resolution errors, deduplicated', () => {
    assert.deepEqual(authorize(resourceAttributes(bob, { verb: 'get', resource: 'pods', namespace: 'team', name: 'p' }), data), {
      allowed: false,
      reason: 'RBAC: [clusterrole.rbac.authorization.k8s.io "missing-role" not found, role.rbac.authorization.k8s.io "does-not-exist" not found]',
    });
    assert.deepEqual(authorize(resourceAttributes(bob, { verb: 'get', resource: 'pods' }), data), {
      allowed: false,
      reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "missing-role" not found',
    });
    assert.deepEqual(authorize(resourceAttributes(makeUser('eve'), { verb: 'get', resource: 'pods' }), data), { allowed: false, reason: '' });
  });

  it('a missing role does not stop evaluation', () => {
    assert.equal(can(bob, data, { verb: 'list', resource: 'nodes' }), true);
  });

  it('system:masters is allowed without bindings unless privileged groups are off', () => {
    const root = makeUser('root', ['system:masters']);
    const empty = rbacSnapshot({});
    assert.deepEqual(authorize(resourceAttributes(root, { verb: 'delete', resource: 'nodes', name: 'n' }), empty), { allowed: true, reason: '' });
    assert.equal(authorize(resourceAttributes(root, { verb: 'delete', resource: 'nodes', name: 'n' }), empty, { privilegedGroups: [] }).allowed, false);
  });

  it('unsupported roleRef kinds are errors', () => {
    const d = rbacSnapshot({ clusterRoleBindings: [binding(undefined, 'x', 'Thing', 'y', [U('u')])] });
    assert.equal(authorize(resourceAttributes(makeUser('u'), { verb: 'get', resource: 'pods' }), d).reason, 'RBAC: unsupported role reference kind: "Thing"');
  });

  it('tolerates malformed stored objects', () => {
    const d = rbacSnapshot({
      clusterRoles: [{ metadata: { name: 'weird' }, rules: [{ verbs: 'get', apiGroups: [''], resources: ['pods'] }, null, 7] }, 'junk'],
      clusterRoleBindings: [{ metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'weird' }, subjects: [null, { kind: 'User', name: 'u' }] }],
    });
    assert.equal(can(makeUser('u'), d, { verb: 'get', resource: 'pods' }), false);
  });
});

describe('aggregateClusterRoles', () => {
  const read = R(['get'], [''], ['pods']);
  const write = R(['create'], [''], ['pods']);
  const sel = (key: string) => ({ matchLabels: { [key]: 'true' } });

  it('collects rules from matching roles, sorted by name, without duplicates', () => {
    const roles = [
      clusterRole('agg', [R(['stale'], [''], ['x'])], undefined, [sel('a')]),
      clusterRole('z-part', [write, read], { a: 'true' }),
      clusterRole('b-part', [read], { a: 'true' }),
      clusterRole('unrelated', [R(['*'], ['*'], ['*'])], { a: 'false' }),
    ].map(toClusterRole);
    assert.deepEqual(aggregateClusterRoles(roles), new Map([['agg', [read, write]]]));
  });

  it('treats a missing list and an empty one as equal when deduplicating', () => {
    const roles = [
      clusterRole('agg', [], undefined, [sel('a')]),
      clusterRole('p1', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [] }], { a: 'true' }),
      clusterRole('p2', [read], { a: 'true' }),
    ].map(toClusterRole);
    assert.equal(aggregateClusterRoles(roles).get('agg')?.length, 1);
  });

  it('several selectors are ORed, in selector order', () => {
    const roles = [
      clusterRole('agg', [], undefined, [sel('b'), sel('a')]),
      clusterRole('pa', [read], { a: 'true' }),
      clusterRole('pb', [write], { b: 'true' }),
    ].map(toClusterRole);
    assert.deepEqual(aggregateClusterRoles(roles).get('agg'), [write, read]);
  });

  it('matchExpressions work', () => {
    const roles = [
      clusterRole('agg', [], undefined, [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] }]),
      clusterRole('p', [read], { tier: 'y' }),
      clusterRole('q', [write], { tier: 'z' }),
    ].map(toClusterRole);
    assert.deepEqual(aggregateClusterRoles(roles).get('agg'), [read]);
  });

  it('is transitive (admin ⊇ edit ⊇ view) and skips itself', () => {
    const roles = [
      clusterRole('admin', [], undefined, [sel('to-admin')]),
      clusterRole('edit', [], { 'to-admin': 'true' }, [sel('to-edit')]),
      clusterRole('view', [], { 'to-edit': 'true' }, [sel('to-view')]),
      clusterRole('view-part', [read], { 'to-view': 'true' }),
      clusterRole('edit-part', [write], { 'to-edit': 'true' }),
      clusterRole('self', [R(['x'], [''], ['y'])], { self: 'true' }, [sel('self')]),
    ].map(toClusterRole);
    const agg = aggregateClusterRoles(roles);
    assert.deepEqual(agg.get('view'), [read]);
    assert.deepEqual(agg.get('edit'), [write, read]);
    assert.deepEqual(agg.get('admin'), [write, read]);
    assert.deepEqual(agg.get('self'), []);
  });

  it('survives cycles', () => {
    const roles = [
      clusterRole('a', [read], { x: 'true' }, [sel('y')]),
      clusterRole('b', [write], { y: 'true' }, [sel('x')]),
    ].map(toClusterRole);
    const agg = aggregateClusterRoles(roles);
    assert.ok(agg.has('a') && agg.has('b'));
  });

  it('an empty selector list aggregates nothing; an empty selector matches all', () => {
    const roles = [clusterRole('none', [read], undefined, []), clusterRole('all', [], undefined, [{}]), clusterRole('p', [write])].map(toClusterRole);
    const agg = aggregateClusterRoles(roles);
    assert.deepEqual(agg.get('none'), []);
    // `none` is itself aggregated (to nothing), so only `p` contributes.
    assert.deepEqual(agg.get('all'), [write]);
  });

  it('an invalid selector keeps the stored rules', () => {
    const roles = [clusterRole('bad', [read], undefined, [{ matchExpressions: [{ key: 'k', operator: 'Bogus' }] }]), clusterRole('p', [write])].map(toClusterRole);
    assert.deepEqual(aggregateClusterRoles(roles).get('bad'), [read]);
  });

  it('the snapshot authorizes through aggregated roles', () => {
    const data = rbacSnapshot({
      clusterRoles: [clusterRole('agg', [], undefined, [sel('a')]), clusterRole('part', [read], { a: 'true' })],
      roleBindings: [binding('ns', 'b', 'ClusterRole', 'agg', [U('u')])],
    });
    assert.equal(can(makeUser('u'), data, { verb: 'get', resource: 'pods', namespace: 'ns', name: 'p' }), true);
    const raw = rbacSnapshot(
      { clusterRoles: [clusterRole('agg', [], undefined, [sel('a')]), clusterRole('part', [read], { a: 'true' })], roleBindings: [binding('ns', 'b', 'ClusterRole', 'agg', [U('u')])] },
      { aggregate: false },
    );
    assert.equal(can(makeUser('u'), raw, { verb: 'get', resource: 'pods', namespace: 'ns', name: 'p' }), false);
  });
});

describe('rulesFor', () => {
  const data = rbacSnapshot({
    roles: [role('ns', 'r', [R(['get'], [''], ['configmaps'], ['one']), { verbs: ['get'], apiGroups: ['x'] }])],
    clusterRoles: [clusterRole('c', [R(['list'], ['apps'], ['deployments']), { verbs: ['get'], nonResourceURLs: ['/healthz'] }])],
    roleBindings: [binding('ns', 'rb', 'Role', 'r', [U('u')]), binding('ns', 'rb2', 'Role', 'gone', [U('u')])],
    clusterRoleBindings: [binding(undefined, 'crb', 'ClusterRole', 'c', [G('g')])],
  });
  const u = makeUser('u', ['g']);

  it('lists cluster-wide then namespace rules, split by kind', () => {
    assert.deepEqual(rulesFor(u, 'ns', data), {
      resourceRules: [
        { verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] },
        { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['one'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
      evaluationError: 'role.rbac.authorization.k8s.io "gone" not found',
    });
  });

  it('only cluster-wide rules in another namespace', () => {
    assert.deepEqual(rulesFor(u, 'other', data), {
      resourceRules: [{ verbs: ['list'], apiGroups: ['apps'], resources: ['deployments'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    });
  });

  it('nothing for a stranger', () => {
    assert.deepEqual(rulesFor(makeUser('x'), 'ns', data), { resourceRules: [], nonResourceRules: [], incomplete: false });
  });
});
