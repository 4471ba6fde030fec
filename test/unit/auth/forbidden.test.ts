import assert from 'node:assert/strict';
import { nonResourceAttributes, resourceAttributes, type ResourceAttributesInput } from '../../../src/auth/attributes.js';
import { forbiddenError, forbiddenMessage } from '../../../src/auth/forbidden.js';
import { makeUser } from '../../../src/auth/user.js';

const jane = makeUser('jane');

describe('forbiddenError: resource requests', () => {
  const cases: [string, ResourceAttributesInput, string, string, object][] = [
    [
      'namespaced get',
      { verb: 'get', resource: 'pods', namespace: 'default', name: 'web' },
      '',
      'pods "web" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "default"',
      { name: 'web', kind: 'pods' },
    ],
    [
      'namespaced list (no name)',
      { verb: 'list', group: 'apps', resource: 'deployments', namespace: 'team' },
      '',
      'deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" in the namespace "team"',
      { group: 'apps', kind: 'deployments' },
    ],
    [
      'cluster scope',
      { verb: 'list', resource: 'nodes' },
      '',
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
      { kind: 'nodes' },
    ],
    [
      'cluster-scoped named, non-core',
      { verb: 'delete', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'admin' },
      '',
      'clusterroles.rbac.authorization.k8s.io "admin" is forbidden: User "jane" cannot delete resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope',
      { name: 'admin', group: 'rbac.authorization.k8s.io', kind: 'clusterroles' },
    ],
    [
      'subresource',
      { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'ns', name: 'p' },
      '',
      'pods "p" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "ns"',
      { name: 'p', kind: 'pods' },
    ],
    [
      'with an authorizer reason',
      { verb: 'get', resource: 'pods', namespace: 'ns', name: 'p' },
      'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
      'pods "p" is forbidden: User "jane" cannot get resource "pods" in API group "" in the namespace "ns": RBAC: clusterrole.rbac.authorization.k8s.io "x" not found',
      { name: 'p', kind: 'pods' },
    ],
    [
      'impersonation of a user',
      { verb: 'impersonate', resource: 'users', name: 'admin' },
      '',
      'users "admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope',
      { name: 'admin', kind: 'users' },
    ],
    [
      'impersonation of an extra',
      { verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: 'scopes', name: 'view' },
      '',
      'userextras.authentication.k8s.io "view" is forbidden: User "jane" cannot impersonate resource "userextras/scopes" in API group "authentication.k8s.io" at the cluster scope',
      { name: 'view', group: 'authentication.k8s.io', kind: 'userextras' },
    ],
  ];
  for (const [title, a, reason, message, details] of cases) {
    it(title, () => {
      const err = forbiddenError(resourceAttributes(jane, a), reason);
      assert.equal(err.code, 403);
      assert.equal(err.reason, 'Forbidden');
      assert.equal(err.message, message);
      assert.deepEqual(err.status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 });
    });
  }
});

describe('forbiddenError: non-resource requests', () => {
  it('path wording with empty details', () => {
    const err = forbiddenError(nonResourceAttributes(makeUser('system:anonymous'), 'get', '/'));
    assert.deepEqual(err.status, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'forbidden: User "system:anonymous" cannot get path "/"',
      reason: 'Forbidden',
      details: {},
      code: 403,
    });
  });
  it('other verbs', () => {
    assert.equal(forbiddenMessage(nonResourceAttributes(jane, 'post', '/foo')), 'User "jane" cannot post path "/foo"');
  });
});

describe('forbiddenError: escaping', () => {
  it('quotes as Go %q and HTML-escapes the sentence', () => {
    const err = forbiddenError(resourceAttributes(makeUser('a"<b>&'), { verb: 'get', resource: 'pods', namespace: 'n', name: 'x' }));
    assert.equal(err.message, 'pods "x" is forbidden: User "a\\"&lt;b&gt;&amp;" cannot get resource "pods" in API group "" in the namespace "n"');
  });
});
