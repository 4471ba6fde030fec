import assert from 'node:assert/strict';
import { StatusError } from '../../../src/api/errors.js';
import type { RequestAttributes } from '../../../src/auth/attributes.js';
import { impersonate, impersonationHeaderNames, impersonationPlan, mayImpersonate } from '../../../src/auth/impersonation.js';
import { authorize, rbacSnapshot } from '../../../src/auth/rbac/authorizer.js';
import { makeUser } from '../../../src/auth/user.js';

const admin = makeUser('admin', ['ops', 'system:authenticated']);
/** Each check as `verb group/resource[/sub] ns/name`. */
const show = (a: RequestAttributes) =>
  `${a.verb} ${a.apiGroup}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} ${a.namespace}/${a.name}`;

describe('impersonationPlan', () => {
  it('nothing to impersonate', () => assert.equal(impersonationPlan({ accept: '*/*' }, admin), undefined));

  it('a user, as kubectl --as', () => {
    const plan = impersonationPlan({ 'impersonate-user': ['jane'] }, admin);
    assert.deepEqual(plan?.checks.map(show), ['impersonate /users /jane']);
    assert.deepEqual(plan?.user, { name: 'jane', groups: ['system:authenticated'], extra: {} });
    assert.equal(plan?.checks[0]?.user, admin);
  });

  it('user, groups, uid and extras (kubectl --as --as-group --as-uid)', () => {
    const plan = impersonationPlan(
      {
        'Impersonate-User': 'jane',
        'Impersonate-Group': ['devs', 'ops'],
        'Impersonate-Uid': 'u1',
        'Impersonate-Extra-Scopes': ['view', 'edit'],
        'impersonate-extra-example.com%2Fteam': ['blue'],
      },
      admin,
    );
    assert.deepEqual(plan?.checks.map(show), [
      'impersonate /users /jane',
      'impersonate /groups /devs',
      'impersonate /groups /ops',
      'impersonate authentication.k8s.io/userextras/scopes /view',
      'impersonate authentication.k8s.io/userextras/scopes /edit',
      'impersonate authentication.k8s.io/userextras/example.com/team /blue',
      'impersonate authentication.k8s.io/uids /u1',
    ]);
    assert.deepEqual(plan?.user, {
      name: 'jane',
      uid: 'u1',
      groups: ['devs', 'ops', 'system:authenticated'],
      extra: { scopes: ['view', 'edit'], 'example.com/team': ['blue'] },
    });
  });

  it('a service account gets its groups and a serviceaccounts check', () => {
    const plan = impersonationPlan({ 'impersonate-user': ['system:serviceaccount:argocd:app-sa'] }, admin);
    assert.deepEqual(plan?.checks.map(show), ['impersonate /serviceaccounts argocd/app-sa']);
    assert.deepEqual(plan?.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated']);
  });

  it('explicit groups replace a service account’s groups', () => {
    const plan = impersonationPlan({ 'impersonate-user': ['system:serviceaccount:argocd:app-sa'], 'impersonate-group': ['x'] }, admin);
    assert.deepEqual(plan?.user.groups, ['x', 'system:authenticated']);
  });

  it('a malformed service account name is an ordinary user', () => {
    const plan = impersonationPlan({ 'impersonate-user': ['system:serviceaccount:Bad:x'] }, admin);
    assert.deepEqual(plan?.checks.map(show), ['impersonate /users /system:serviceaccount:Bad:x']);
  });

  const groupCases: [string, string, string[], string[]][] = [
    ['explicit system:authenticated is kept once', 'jane', ['system:authenticated'], ['system:authenticated']],
    ['system:unauthenticated suppresses system:authenticated', 'jane', ['system:unauthenticated'], ['system:unauthenticated']],
    ['anonymous gets system:unauthenticated', 'system:anonymous', [], ['system:unauthenticated']],
    ['anonymous keeps an explicit system:unauthenticated once', 'system:anonymous', ['system:unauthenticated'], ['system:unauthenticated']],
  ];
  for (const [title, user, groups, want] of groupCases) {
    it(title, () => {
      const headers = { 'impersonate-user': [user], ...(groups.length > 0 && { 'impersonate-group': groups }) };
      assert.deepEqual(impersonationPlan(headers, admin)?.user.groups, want);
    });
  }

  const orphanCases: [string, Record<string, string[]>, string][] = [
    ['groups', { 'impersonate-group': ['devs'] }, 'Internal error occurred: requested [{Group  devs    }] without impersonating a user'],
    ['uid', { 'impersonate-uid': ['u1'] }, 'Internal error occurred: requested [{UID  u1  authentication.k8s.io/v1  }] without impersonating a user'],
    ['extra', { 'impersonate-extra-k': ['v'] }, 'Internal error occurred: requested [{UserExtra  v  authentication.k8s.io/v1  k}] without impersonating a user'],
  ];
  for (const [title, headers, message] of orphanCases) {
    it(`${title} without a user is a 500`, () => {
      assert.throws(() => impersonationPlan(headers, admin), (err: unknown) => err instanceof StatusError && err.code === 500 && err.message === message);
    });
  }

  it('lists the headers to drop', () => {
    assert.deepEqual(impersonationHeaderNames({ 'Impersonate-User': 'a', 'impersonate-extra-x': ['1'], accept: 'x' }), ['impersonate-user', 'impersonate-extra-x']);
  });
});

describe('impersonate', () => {
  const data = rbacSnapshot({
    clusterRoles: [
      { metadata: { name: 'imp-jane' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['jane'] }] },
      { metadata: { name: 'imp-groups' }, rules: [{ verbs: ['impersonate'], apiGroups: [''], resources: ['groups'] }] },
    ],
    clusterRoleBindings: [
      { metadata: { name: 'a' }, roleRef: { kind: 'ClusterRole', name: 'imp-jane' }, subjects: [{ kind: 'User', name: 'bob' }] },
      { metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'imp-groups' }, subjects: [{ kind: 'User', name: 'bob' }] },
    ],
  });
  const authz = (a: RequestAttributes) => authorize(a, data);
  const bob = makeUser('bob', ['system:authenticated']);

  it('returns the requestor when nothing is impersonated', () => assert.equal(impersonate({}, bob, authz), bob));
  it('switches user when every check passes', () => {
    assert.deepEqual(impersonate({ 'impersonate-user': ['jane'], 'impersonate-group': ['g'] }, bob, authz), { name: 'jane', groups: ['g', 'system:authenticated'], extra: {} });
  });
  it('a denied check is a 403 worded from that check', () => {
    assert.throws(
      () => impersonate({ 'impersonate-user': ['root'] }, bob, authz),
      (err: unknown) =>
        err instanceof StatusError &&
        err.code === 403 &&
        err.message === 'users "root" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    assert.throws(
      () => impersonate({ 'impersonate-user': ['system:serviceaccount:kube-system:argocd-manager'] }, bob, authz),
      (err: unknown) =>
        err instanceof StatusError &&
        err.message === 'serviceaccounts "argocd-manager" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"',
    );
    assert.throws(
      () => impersonate({ 'impersonate-user': ['jane'], 'impersonate-uid': ['u1'] }, bob, authz),
      (err: unknown) => err instanceof StatusError && err.message.startsWith('uids.authentication.k8s.io "u1" is forbidden: User "bob" cannot impersonate resource "uids"'),
    );
  });
});

describe('mayImpersonate', () => {
  const cases: [string, string[], boolean][] = [
    ['no headers', [], false],
    ['ordinary headers', ['Host', 'x', 'Accept', 'application/json', 'Authorization', 'Bearer t'], false],
    ['Impersonate-User as kubectl sends it', ['Accept', '*/*', 'Impersonate-User', 'jane'], true],
    ['lower-case group', ['impersonate-group', 'ops'], true],
    ['mixed-case extra', ['IMPERSONATE-Extra-scopes', 'view'], true],
    ['uid', ['Impersonate-Uid', '1234'], true],
    ['a header merely containing the word', ['X-Impersonate-User', 'jane'], false],
    ['the name as a value is not a header', ['X-Note', 'Impersonate-User'], false],
  ];
  for (const [name, raw, want] of cases) it(name, () => assert.equal(mayImpersonate(raw), want));

  it('agrees with impersonationPlan on whether there is anything to do', () => {
    for (const [, raw] of cases) {
      const bag: Record<string, string[]> = {};
      for (let i = 0; i < raw.length; i += 2) (bag[raw[i]!.toLowerCase()] ??= []).push(raw[i + 1]!);
      let planned: boolean;
      try {
        planned = impersonationPlan(bag, admin) !== undefined;
      } catch {
        planned = true; // groups without a user: refused, which still needs the slow path
      }
      if (planned) assert.equal(mayImpersonate(raw), true, JSON.stringify(raw));
    }
  });
});
