import assert from 'node:assert/strict';
import { rbacSnapshot } from '../../../src/auth/rbac/authorizer.js';
import {
  bindingEscalationError,
  breakdownRule,
  compactRules,
  compactString,
  covers,
  escalationMessage,
  isOnlyMutatingGCFields,
  roleEscalationError,
} from '../../../src/auth/rbac/escalation.js';
import type { PolicyRule } from '../../../src/auth/rbac/types.js';
import { makeUser } from '../../../src/auth/user.js';

const R = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  ...(resourceNames && { resourceNames }),
});
const URL_RULE = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

describe('covers', () => {
  const cases: [string, PolicyRule[], PolicyRule[], boolean][] = [
    ['identical', [R(['get'], [''], ['pods'])], [R(['get'], [''], ['pods'])], true],
    ['subset of verbs', [R(['get', 'list'], [''], ['pods'])], [R(['get'], [''], ['pods'])], true],
    ['superset of verbs', [R(['get'], [''], ['pods'])], [R(['get', 'list'], [''], ['pods'])], false],
    ['split across owner rules', [R(['get'], [''], ['pods']), R(['list'], [''], ['pods'])], [R(['get', 'list'], [''], ['pods'])], true],
    ['owner verb * covers anything', [R(['*'], [''], ['pods'])], [R(['escalate', 'bind', 'get'], [''], ['pods'])], true],
    ['requested verb * needs owner *', [R(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'], [''], ['pods'])], [R(['*'], [''], ['pods'])], false],
    ['requested verb * with owner *', [R(['*'], [''], ['pods'])], [R(['*'], [''], ['pods'])], true],
    ['owner group * covers any group', [R(['get'], ['*'], ['deployments'])], [R(['get'], ['apps', 'extensions'], ['deployments'])], true],
    ['requested group * needs owner *', [R(['get'], ['', 'apps'], ['pods'])], [R(['get'], ['*'], ['pods'])], false],
    ['other group', [R(['get'], ['apps'], ['pods'])], [R(['get'], [''], ['pods'])], false],
    ['owner resource * covers subresources', [R(['get'], [''], ['*'])], [R(['get'], [''], ['pods/log', 'secrets'])], true],
    ['requested resource * needs owner *', [R(['get'], [''], ['pods', 'secrets'])], [R(['get'], [''], ['*'])], false],
    ['owner */sub covers x/sub', [R(['update'], [''], ['*/status'])], [R(['update'], [''], ['pods/status', 'services/status'])], true],
    ['owner */sub does not cover x', [R(['update'], [''], ['*/status'])], [R(['update'], [''], ['pods'])], false],
    ['owner parent does not cover sub', [R(['get'], [''], ['pods'])], [R(['get'], [''], ['pods/log'])], false],
    ['owner without names covers named', [R(['get'], [''], ['secrets'])], [R(['get'], [''], ['secrets'], ['a', 'b'])], true],
    ['owner names cover the same names', [R(['get'], [''], ['secrets'], ['a', 'b'])], [R(['get'], [''], ['secrets'], ['a'])], true],
    ['owner names do not cover others', [R(['get'], [''], ['secrets'], ['a'])], [R(['get'], [''], ['secrets'], ['b'])], false],
    ['owner names do not cover unnamed', [R(['get'], [''], ['secrets'], ['a'])], [R(['get'], [''], ['secrets'])], false],
    ['names spread over owner rules', [R(['get'], [''], ['secrets'], ['a']), R(['get'], [''], ['secrets'], ['b'])], [R(['get'], [''], ['secrets'], ['a', 'b'])], true],
    ['owner names * is literal', [R(['get'], [''], ['secrets'], ['*'])], [R(['get'], [''], ['secrets'], ['a'])], false],
    ['non-resource exact', [URL_RULE(['get'], ['/healthz'])], [URL_RULE(['get'], ['/healthz'])], true],
    ['non-resource prefix', [URL_RULE(['get'], ['/apis/*'])], [URL_RULE(['get'], ['/apis/apps', '/apis/*'])], true],
    ['non-resource prefix does not cover parent', [URL_RULE(['get'], ['/apis/*'])], [URL_RULE(['get'], ['/apis'])], false],
    ['non-resource *', [URL_RULE(['*'], ['*'])], [URL_RULE(['get', 'post'], ['/anything'])], true],
    ['resource rules do not cover URLs', [R(['*'], ['*'], ['*'])], [URL_RULE(['get'], ['/healthz'])], false],
    ['URL rules do not cover resources', [URL_RULE(['*'], ['*'])], [R(['get'], [''], ['pods'])], false],
    ['cluster-admin covers everything', [R(['*'], ['*'], ['*']), URL_RULE(['*'], ['*'])], [R(['*'], ['*'], ['*']), URL_RULE(['*'], ['*']), R(['get'], ['x'], ['y/z'], ['n'])], true],
    ['nothing requested', [], [], true],
    ['rule without resources requests nothing', [], [{ verbs: ['get'], apiGroups: [''] }], true],
    ['no owner rules', [], [R(['get'], [''], ['pods'])], false],
  ];
  for (const [title, owner, requested, want] of cases) it(title, () => assert.equal(covers(owner, requested).covered, want));

  it('reports the atomic rules not covered', () => {
    assert.deepEqual(covers([R(['get'], [''], ['pods'])], [R(['get', 'list'], [''], ['pods', 'secrets'])]).missing, [
      R(['list'], [''], ['pods']),
      R(['get'], [''], ['secrets']),
      R(['list'], [''], ['secrets']),
    ]);
  });
});

describe('breakdownRule / compactRules / compactString', () => {
  it('breaks a rule down per group, resource, verb and name', () => {
    assert.equal(breakdownRule(R(['get', 'list'], ['', 'apps'], ['a', 'b'], ['x', 'y', 'z'])).length, 24);
    assert.deepEqual(breakdownRule({ verbs: ['get', 'post'], nonResourceURLs: ['/a'] }), [URL_RULE(['get'], ['/a']), URL_RULE(['post'], ['/a'])]);
  });
  it('compacts simple rules by group and resource', () => {
    assert.deepEqual(compactRules([R(['get'], [''], ['pods']), R(['list'], [''], ['pods']), R(['get'], [''], ['pods'], ['a']), URL_RULE(['get'], ['/x'])]), [
      URL_RULE(['get'], ['/x']),
      R(['get', 'list'], [''], ['pods']),
      R(['get'], [''], ['pods'], ['a']),
    ]);
  });
  it('prints rules as Go does', () => {
    assert.equal(compactString(R(['get', 'list'], [''], ['pods'])), '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}');
    assert.equal(compactString(R(['get'], ['apps'], ['deployments'], ['web'])), '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["web"], Verbs:["get"]}');
    assert.equal(compactString(URL_RULE(['get'], ['/healthz'])), '{NonResourceURLs:["/healthz"], Verbs:["get"]}');
  });
});

const rb = (ns: string, name: string, kind: string, roleName: string, user: string) => ({
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind, name: roleName },
  subjects: [{ kind: 'User', name: user }],
});
const crb = (name: string, roleName: string, user: string) => ({
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: [{ kind: 'User', name: user }],
});

describe('escalation checks', () => {
  const data = rbacSnapshot({
    roles: [
      { metadata: { namespace: 'team', name: 'pods-rw' }, rules: [R(['get', 'list', 'create'], [''], ['pods'])] },
      { metadata: { namespace: 'team', name: 'role-admin' }, rules: [R(['*'], ['rbac.authorization.k8s.io'], ['roles', 'rolebindings'])] },
    ],
    clusterRoles: [
      { metadata: { name: 'pods-read' }, rules: [R(['get'], [''], ['pods'])] },
      { metadata: { name: 'secrets-read' }, rules: [R(['get'], [''], ['secrets'])] },
      { metadata: { name: 'escalator' }, rules: [R(['escalate'], ['rbac.authorization.k8s.io'], ['roles', 'clusterroles'])] },
      { metadata: { name: 'binder' }, rules: [R(['bind'], ['rbac.authorization.k8s.io'], ['clusterroles'], ['secrets-read'])] },
      { metadata: { name: 'admin-like' }, rules: [R(['*'], ['*'], ['*']), URL_RULE(['*'], ['*'])] },
    ],
    roleBindings: [
      rb('team', 'alice-pods', 'Role', 'pods-rw', 'alice'),
      rb('team', 'rita-rbac', 'Role', 'role-admin', 'rita'),
      rb('team', 'bob-escalate', 'ClusterRole', 'escalator', 'bob'),
      rb('team', 'carol-bind', 'ClusterRole', 'binder', 'carol'),
    ],
    clusterRoleBindings: [crb('dave-root', 'admin-like', 'dave'), crb('erin-pods', 'pods-read', 'erin')],
  });
  const alice = makeUser('alice', ['dev']);
  const role = (name: string, rules: PolicyRule[], extra: object = {}) => ({ metadata: { name, namespace: 'team' }, rules, ...extra });

  it('allows a role within the user’s rules', () => {
    assert.equal(roleEscalationError('roles', { user: alice, verb: 'create', namespace: 'team', obj: role('r', [R(['get'], [''], ['pods'])]) }, data), undefined);
  });

  it('refuses a role beyond them, with upstream’s message', () => {
    const err = roleEscalationError('roles', { user: alice, verb: 'create', namespace: 'team', obj: role('r', [R(['get', 'delete'], [''], ['pods', 'secrets'])]) }, data);
    assert.equal(err?.code, 403);
    assert.equal(err?.reason, 'Forbidden');
    assert.equal(
      err?.message,
      'roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["dev"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}\n' +
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete"]}',
    );
    assert.deepEqual(err?.status.details, { name: 'r', group: 'rbac.authorization.k8s.io', kind: 'roles' });
  });

  it('checks owner rules in the role’s namespace only', () => {
    assert.notEqual(roleEscalationError('roles', { user: alice, verb: 'create', namespace: 'prod', obj: role('r', [R(['get'], [''], ['pods'])]) }, data), undefined);
  });

  it('the escalate verb allows anything', () => {
    const bob = makeUser('bob');
    assert.equal(roleEscalationError('roles', { user: bob, verb: 'create', namespace: 'team', obj: role('r', [R(['*'], ['*'], ['*'])]) }, data), undefined);
    assert.notEqual(roleEscalationError('roles', { user: bob, verb: 'create', namespace: 'prod', obj: role('r', [R(['*'], ['*'], ['*'])]) }, data), undefined);
  });

  it('a `*` verb on roles includes escalate and bind', () => {
    const rita = makeUser('rita');
    assert.equal(roleEscalationError('roles', { user: rita, verb: 'create', namespace: 'team', obj: role('r', [R(['*'], ['*'], ['*'])]) }, data), undefined);
    assert.equal(bindingEscalationError('rolebindings', { user: rita, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'Role', 'pods-rw', 'zed') }, data), undefined);
    // ...but only on the resources it names: binding a ClusterRole needs bind on clusterroles.
    assert.notEqual(bindingEscalationError('rolebindings', { user: rita, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'ClusterRole', 'secrets-read', 'zed') }, data), undefined);
  });

  it('system:masters skips the check', () => {
    const root = makeUser('root', ['system:masters']);
    assert.equal(roleEscalationError('clusterroles', { user: root, verb: 'create', namespace: '', obj: { metadata: { name: 'x' }, rules: [R(['*'], ['*'], ['*'])] } }, data), undefined);
  });

  it('create, update and patch are checked; other verbs are not', () => {
    const obj = role('r', [R(['*'], ['*'], ['*'])]);
    for (const verb of ['create', 'update', 'patch']) assert.notEqual(roleEscalationError('roles', { user: makeUser('nobody'), verb, namespace: 'team', obj }, data), undefined, verb);
    assert.equal(roleEscalationError('roles', { user: makeUser('nobody'), verb: 'delete', namespace: 'team', obj }, data), undefined);
  });

  it('escalate limited by resourceNames applies to updates of that role, never to creates', () => {
    const d = rbacSnapshot({
      roles: [{ metadata: { namespace: 'team', name: 'esc-one' }, rules: [R(['escalate'], ['rbac.authorization.k8s.io'], ['roles'], ['r'])] }],
      roleBindings: [rb('team', 'b', 'Role', 'esc-one', 'nina')],
    });
    const obj = role('r', [R(['*'], ['*'], ['*'])]);
    assert.equal(roleEscalationError('roles', { user: makeUser('nina'), verb: 'update', namespace: 'team', obj, oldObj: role('r', []) }, d), undefined);
    assert.notEqual(roleEscalationError('roles', { user: makeUser('nina'), verb: 'create', namespace: 'team', obj }, d), undefined);
  });

  it('an update touching only GC fields is allowed', () => {
    const old = role('r', [R(['*'], ['*'], ['*'])]);
    const updated = { ...old, metadata: { ...old.metadata, finalizers: ['x'], ownerReferences: [{ uid: '1' }] } };
    assert.equal(isOnlyMutatingGCFields(updated, old), true);
    assert.equal(roleEscalationError('roles', { user: makeUser('nobody'), verb: 'update', namespace: 'team', obj: updated, oldObj: old }, data), undefined);
    const labelled = { ...old, metadata: { ...old.metadata, labels: { a: 'b' } } };
    assert.notEqual(roleEscalationError('roles', { user: makeUser('nobody'), verb: 'update', namespace: 'team', obj: labelled, oldObj: old }, data), undefined);
  });

  it('an aggregationRule needs full authority', () => {
    const agg = { metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'b' } }] }, rules: [] };
    const erin = makeUser('erin');
    assert.equal(
      roleEscalationError('clusterroles', { user: erin, verb: 'create', namespace: '', obj: agg }, data)?.message,
      'clusterroles.rbac.authorization.k8s.io "agg" is forbidden: must have cluster-admin privileges to use the aggregationRule',
    );
    assert.equal(roleEscalationError('clusterroles', { user: makeUser('dave'), verb: 'create', namespace: '', obj: agg }, data), undefined);
    // Removing an aggregationRule needs it too.
    assert.notEqual(
      roleEscalationError('clusterroles', { user: erin, verb: 'update', namespace: '', obj: { metadata: { name: 'agg' }, rules: [] }, oldObj: agg }, data),
      undefined,
    );
  });

  it('binding a role the user holds entirely is allowed', () => {
    assert.equal(bindingEscalationError('rolebindings', { user: alice, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'Role', 'pods-rw', 'zed') }, data), undefined);
    assert.equal(bindingEscalationError('rolebindings', { user: alice, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'ClusterRole', 'pods-read', 'zed') }, data), undefined);
  });

  it('binding a role beyond the user is refused', () => {
    const err = bindingEscalationError('rolebindings', { user: alice, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'ClusterRole', 'secrets-read', 'zed') }, data);
    assert.equal(err?.code, 403);
    assert.match(err?.message ?? '', /^rolebindings\.rbac\.authorization\.k8s\.io "x" is forbidden: user "alice" \(groups=\["dev"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}$/);
  });

  it('the bind verb on that role name allows it, in that namespace', () => {
    const carol = makeUser('carol');
    assert.equal(bindingEscalationError('rolebindings', { user: carol, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'ClusterRole', 'secrets-read', 'zed') }, data), undefined);
    assert.notEqual(bindingEscalationError('rolebindings', { user: carol, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'ClusterRole', 'pods-read', 'zed') }, data), undefined);
    assert.notEqual(bindingEscalationError('clusterrolebindings', { user: carol, verb: 'create', namespace: '', obj: crb('x', 'secrets-read', 'zed') }, data), undefined);
  });

  it('a ClusterRoleBinding is checked against cluster-wide rules', () => {
    assert.equal(bindingEscalationError('clusterrolebindings', { user: makeUser('erin'), verb: 'create', namespace: '', obj: crb('x', 'pods-read', 'zed') }, data), undefined);
    assert.notEqual(bindingEscalationError('clusterrolebindings', { user: alice, verb: 'create', namespace: '', obj: crb('x', 'pods-read', 'zed') }, data), undefined);
  });

  it('binding a missing role is a 404', () => {
    const err = bindingEscalationError('rolebindings', { user: alice, verb: 'create', namespace: 'team', obj: rb('team', 'x', 'Role', 'nope', 'zed') }, data);
    assert.equal(err?.code, 404);
    assert.equal(err?.message, 'roles.rbac.authorization.k8s.io "nope" not found');
  });

  it('escalationMessage appends resolution errors', () => {
    const d = rbacSnapshot({ clusterRoleBindings: [crb('b', 'missing', 'u')] });
    assert.equal(
      escalationMessage(makeUser('u'), '', [R(['get'], [''], ['pods'])], d),
      'user "u" (groups=[]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["pods"], Verbs:["get"]}; resolution errors: [clusterrole.rbac.authorization.k8s.io "missing" not found]',
    );
  });
});
