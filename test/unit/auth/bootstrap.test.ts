import assert from 'node:assert/strict';
import { nonResourceAttributes, resourceAttributes, type ResourceAttributesInput } from '../../../src/auth/attributes.js';
import { authorize, rbacSnapshot } from '../../../src/auth/rbac/authorizer.js';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../src/auth/rbac/bootstrap.js';
import { anonymousUser, makeUser, type UserInfo } from '../../../src/auth/user.js';
import { selfSubjectRulesReview } from '../../../src/auth/reviews.js';

const roles = bootstrapClusterRoles();
const bindings = bootstrapClusterRoleBindings();
const byName = (name: string) => roles.find((r) => r.metadata.name === name);

const userBinding = (ns: string, role: string, user: string) => ({
  metadata: { name: `${user}-${role}`, namespace: ns },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
});
const data = rbacSnapshot({
  clusterRoles: roles,
  clusterRoleBindings: [
    ...bindings,
    { metadata: { name: 'ks-editor' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'ks' }] },
  ],
  roleBindings: [userBinding('team', 'view', 'viewer'), userBinding('team', 'edit', 'editor'), userBinding('team', 'admin', 'boss')],
});
const authed = (name: string): UserInfo => makeUser(name, ['system:authenticated']);
const can = (u: UserInfo, a: ResourceAttributesInput) => authorize(resourceAttributes(u, a), data, { privilegedGroups: [] }).allowed;
const canPath = (u: UserInfo, verb: string, path: string) => authorize(nonResourceAttributes(u, verb, path), data, { privilegedGroups: [] }).allowed;

describe('bootstrap policy objects', () => {
  it("a cluster space gets kube's roles alone, a WDS the KubeStellar parts too", () => {
    const names = (objs: { metadata: { name?: string } }[]) => objs.map((o) => o.metadata.name ?? '').filter((n) => n.startsWith('kubestellar:'));
    assert.deepEqual(names(bootstrapClusterRoles({ kubestellar: false })), []);
    assert.deepEqual(names(roles), ['kubestellar:aggregate-to-edit', 'kubestellar:aggregate-to-view']);
  });

  it('every object carries kube’s bootstrap label and autoupdate annotation', () => {
    for (const o of [...roles, ...bindings]) {
      assert.equal(o.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults', o.metadata.name);
      assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata.name);
      assert.equal(o.apiVersion, 'rbac.authorization.k8s.io/v1');
    }
  });
  it('has the expected roles and bindings', () => {
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:auth-delegator', 'system:service-account-issuer-discovery']) {
      assert.ok(byName(name), name);
    }
    assert.deepEqual(
      bindings.map((b) => [b.metadata.name, (b['subjects'] as { name: string }[]).map((s) => s.name)]),
      [
        ['cluster-admin', ['system:masters']],
        ['system:monitoring', ['system:monitoring']],
        ['system:discovery', ['system:authenticated']],
        ['system:basic-user', ['system:authenticated']],
        ['system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']],
        ['system:service-account-issuer-discovery', ['system:serviceaccounts']],
      ],
    );
  });
  it('admin/edit/view are aggregated and chained by labels', () => {
    assert.deepEqual(byName('admin')?.['aggregationRule'], { clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } }] });
    assert.equal(byName('edit')?.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
    assert.equal(byName('view')?.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
    assert.deepEqual(byName('view')?.['rules'], []);
  });
  it('rule lists are sorted, as kube stores them', () => {
    const rules = byName('system:aggregate-to-admin')?.['rules'] as { resources: string[]; verbs: string[] }[];
    assert.deepEqual(rules[1], {
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['rolebindings', 'roles'],
    });
  });
});

describe('bootstrap policy in effect', () => {
  const nonResource: [string, UserInfo, string, string, boolean][] = [
    ['authenticated: /version', authed('u'), 'get', '/version', true],
    ['authenticated: /api', authed('u'), 'get', '/api', true],
    ['authenticated: /apis/apps/v1', authed('u'), 'get', '/apis/apps/v1', true],
    ['authenticated: /openapi/v3', authed('u'), 'get', '/openapi/v3', true],
    ['authenticated: post /api', authed('u'), 'post', '/api', false],
    ['authenticated: /metrics', authed('u'), 'get', '/metrics', false],
    ['anonymous: /version', anonymousUser(), 'get', '/version', true],
    ['anonymous: /healthz', anonymousUser(), 'get', '/healthz', true],
    ['anonymous: /readyz', anonymousUser(), 'get', '/readyz', true],
    ['anonymous: /api', anonymousUser(), 'get', '/api', false],
    ['monitoring group: /metrics', makeUser('m', ['system:monitoring']), 'get', '/metrics', true],
    ['masters: anything', makeUser('root', ['system:masters']), 'delete', '/whatever', true],
  ];
  for (const [title, u, verb, path, want] of nonResource) it(title, () => assert.equal(canPath(u, verb, path), want));

  const viewer = authed('viewer');
  const editor = authed('editor');
  const boss = authed('boss');
  const ks = authed('ks');
  const resource: [string, UserInfo, ResourceAttributesInput, boolean][] = [
    ['basic user: selfsubjectaccessreviews', authed('u'), { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }, true],
    ['basic user: selfsubjectrulesreviews', authed('u'), { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews' }, true],
    ['basic user: selfsubjectreviews', authed('u'), { verb: 'create', group: 'authentication.k8s.io', resource: 'selfsubjectreviews' }, true],
    ['basic user: no pods', authed('u'), { verb: 'list', resource: 'pods', namespace: 'team' }, false],
    ['anonymous: no selfsubjectaccessreviews', anonymousUser(), { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }, false],
    ['view: list pods', viewer, { verb: 'list', resource: 'pods', namespace: 'team' }, true],
    ['view: pods/log', viewer, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'team', name: 'p' }, true],
    ['view: watch deployments', viewer, { verb: 'watch', group: 'apps', resource: 'deployments', namespace: 'team' }, true],
    ['view: get deployments/scale', viewer, { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team', name: 'd' }, true],
    ['view: jobs', viewer, { verb: 'list', group: 'batch', resource: 'jobs', namespace: 'team' }, true],
    ['view: endpointslices', viewer, { verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', namespace: 'team' }, true],
    ['view: events.k8s.io events', viewer, { verb: 'list', group: 'events.k8s.io', resource: 'events', namespace: 'team' }, true],
    ['view: this namespace', viewer, { verb: 'get', resource: 'namespaces', namespace: 'team', name: 'team' }, true],
    ['view: no secrets', viewer, { verb: 'get', resource: 'secrets', namespace: 'team', name: 's' }, false],
    ['view: no list secrets', viewer, { verb: 'list', resource: 'secrets', namespace: 'team' }, false],
    ['view: no create pods', viewer, { verb: 'create', resource: 'pods', namespace: 'team' }, false],
    ['view: no exec', viewer, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'team', name: 'p' }, false],
    ['view: no roles', viewer, { verb: 'list', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team' }, false],
    ['view: other namespace', viewer, { verb: 'list', resource: 'pods', namespace: 'prod' }, false],
    ['view: manifestworks', viewer, { verb: 'list', group: 'work.open-cluster-management.io', resource: 'manifestworks', namespace: 'team' }, true],
    ['edit: create pods', editor, { verb: 'create', resource: 'pods', namespace: 'team' }, true],
    ['edit: read secrets', editor, { verb: 'get', resource: 'secrets', namespace: 'team', name: 's' }, true],
    ['edit: write secrets', editor, { verb: 'update', resource: 'secrets', namespace: 'team', name: 's' }, true],
    ['edit: inherits view', editor, { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'team', name: 'p' }, true],
    ['edit: scale deployments', editor, { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team', name: 'd' }, true],
    ['edit: cronjobs', editor, { verb: 'delete', group: 'batch', resource: 'cronjobs', namespace: 'team', name: 'c' }, true],
    ['edit: leases', editor, { verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'team', name: 'l' }, true],
    ['edit: ingresses', editor, { verb: 'create', group: 'networking.k8s.io', resource: 'ingresses', namespace: 'team' }, true],
    ['edit: pdbs', editor, { verb: 'create', group: 'policy', resource: 'poddisruptionbudgets', namespace: 'team' }, true],
    ['edit: hpa', editor, { verb: 'create', group: 'autoscaling', resource: 'horizontalpodautoscalers', namespace: 'team' }, true],
    ['edit: impersonate service accounts', editor, { verb: 'impersonate', resource: 'serviceaccounts', namespace: 'team', name: 'sa' }, true],
    ['edit: serviceaccount tokens', editor, { verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'team', name: 'sa' }, true],
    ['edit: no deployment status', editor, { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'status', namespace: 'team', name: 'd' }, false],
    ['edit: no resourcequotas', editor, { verb: 'update', resource: 'resourcequotas', namespace: 'team', name: 'q' }, false],
    ['edit: no roles', editor, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team' }, false],
    ['edit: manifestworks', editor, { verb: 'create', group: 'work.open-cluster-management.io', resource: 'manifestworks', namespace: 'team' }, true],
    ['admin: roles', boss, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'team' }, true],
    ['admin: rolebindings', boss, { verb: 'delete', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'team', name: 'b' }, true],
    ['admin: localsubjectaccessreviews', boss, { verb: 'create', group: 'authorization.k8s.io', resource: 'localsubjectaccessreviews', namespace: 'team' }, true],
    ['admin: inherits edit', boss, { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'team' }, true],
    ['admin: inherits view', boss, { verb: 'list', resource: 'configmaps', namespace: 'team' }, true],
    ['admin: no clusterroles', boss, { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterroles' }, false],
    ['admin: no namespace delete', boss, { verb: 'delete', resource: 'namespaces', namespace: 'team', name: 'team' }, false],
    ['cluster edit: bindingpolicies', ks, { verb: 'create', group: 'control.kubestellar.io', resource: 'bindingpolicies' }, true],
    ['cluster edit: read bindings', ks, { verb: 'list', group: 'control.kubestellar.io', resource: 'bindings' }, true],
    ['cluster edit: no write bindings', ks, { verb: 'update', group: 'control.kubestellar.io', resource: 'bindings', name: 'b' }, false],
    ['cluster edit: read managedclusters', ks, { verb: 'list', group: 'cluster.open-cluster-management.io', resource: 'managedclusters' }, true],
    ['cluster edit: no write managedclusters', ks, { verb: 'update', group: 'cluster.open-cluster-management.io', resource: 'managedclusters', name: 'c' }, false],
    ['masters via binding: everything', makeUser('root', ['system:masters']), { verb: 'escalate', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'x' }, true],
    ['auth-delegator is not bound by default', authed('u'), { verb: 'create', group: 'authentication.k8s.io', resource: 'tokenreviews' }, false],
  ];
  for (const [title, u, a, want] of resource) it(title, () => assert.equal(can(u, a), want));
});

describe('SelfSubjectRulesReview over the bootstrap policy', () => {
  const policy = rbacSnapshot({ clusterRoles: roles, clusterRoleBindings: bindings });
  const rows = (s: ReturnType<typeof selfSubjectRulesReview>): string[] => [
    ...s.resourceRules.map((r) => `${r.resources!.join(',')}.${(r.apiGroups ?? []).join(',')} ${r.verbs.join(',')}`),
    ...s.nonResourceRules.map((r) => `${r.nonResourceURLs!.join(',')} ${r.verbs.join(',')}`),
  ];
  it('system:masters: the wildcards plus what system:authenticated holds', () => {
    const got = rows(selfSubjectRulesReview(makeUser('root', ['system:masters', 'system:authenticated']), 'default', policy));
    for (const want of ['*.* *', '* *', 'selfsubjectaccessreviews,selfsubjectrulesreviews.authorization.k8s.io create', 'selfsubjectreviews.authentication.k8s.io create']) {
      assert.ok(got.includes(want), `${want} in ${JSON.stringify(got)}`);
    }
    assert.ok(got.some((r) => r.startsWith('/api,/api/*,') && r.endsWith(' get')), 'discovery');
    assert.ok(got.includes('/healthz,/livez,/readyz,/version,/version/ get'), 'public-info-viewer');
  });
  it('system:masters without the cluster-admin binding still lists the wildcards', () => {
    const bare = rbacSnapshot({ clusterRoles: roles, clusterRoleBindings: bindings.filter((b) => b.metadata.name !== 'cluster-admin') });
    const got = rows(selfSubjectRulesReview(makeUser('root', ['system:masters', 'system:authenticated']), 'default', bare));
    assert.deepEqual([got.filter((r) => r === '*.* *').length, got.filter((r) => r === '* *').length], [1, 1]);
  });
  it('without RBAC (an ITS) only the wildcards', () => {
    assert.deepEqual(rows(selfSubjectRulesReview(makeUser('root', ['system:masters']), '', undefined)), ['*.* *', '* *']);
  });
});
