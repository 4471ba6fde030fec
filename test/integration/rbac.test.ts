/**
 * RBAC in a space, as kube-apiserver authorizes: an authenticated user without bindings may only
 * discover; a RoleBinding to `view` lets them read (but not Secrets) in its namespace only; a
 * ClusterRoleBinding to `edit` lets them write everywhere; the root API is for system:masters.
 * Denials are 403 Forbidden Statuses in kube's wording.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ensurePki } from '../../src/pki/ensure-pki.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

interface Reply {
  status: number;
  body: any;
}

describe('RBAC authorization', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let as: (method: string, path: string, body?: unknown) => Promise<Reply>;
  let aliceTls: { ca: string; cert: string; key: string };

  before(async () => {
    h = await startInProcess();
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(join(h.server.kubeconfigDir, 'wds1.kubeconfig'), 'utf8'));
    const ca = Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString('utf8');
    const alice = (await ensurePki(h.dataDir, { hosts: ['127.0.0.1'] })).issueClientCert({ commonName: 'alice', organizations: ['dev'] });
    aliceTls = { ca, cert: alice.cert, key: alice.key };
    as = (method, path, body) =>
      new Promise((ok, fail) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const r = request(
          `${h.url}${path}`,
          { method, ca, cert: alice.cert, key: alice.key, headers: { accept: 'application/json', ...(data && { 'content-type': 'application/json' }) } },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (c: string) => (text += c));
            res.on('end', () => ok({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
          },
        );
        r.on('error', fail);
        r.end(data);
      });
  });
  after(async () => h?.stop());

  const forbidden = (r: Reply, message: string): void => {
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.reason, 'Forbidden');
    assert.equal(r.body.code, 403);
    assert.equal(r.body.message, message);
  };
  const grant = async (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, role: string, namespace?: string): Promise<void> => {
    const path = namespace === undefined ? '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/clusterrolebindings' : `/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`;
    const r = await h.request('POST', path, {
      body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }] },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  };
  /** The cache follows RBAC writes asynchronously: wait for a grant to take. */
  const until = async (probe: () => Promise<boolean>): Promise<void> => {
    for (let i = 0; !(await probe()); i++) {
      if (i > 200) assert.fail('the grant never took effect');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('the default cluster roles exist in every space', async () => {
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer']) {
      assert.equal((await h.request('GET', `/clusters/cluster1/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`)).status, 200, name);
    }
    const view = (await h.request('GET', '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/clusterroles/view')).body;
    assert.ok(view.aggregationRule.clusterRoleSelectors.length > 0);
  });

  it('an authenticated user without bindings may discover, nothing more', async () => {
    assert.equal((await as('GET', '/clusters/wds1/api')).status, 200);
    assert.equal((await as('GET', '/clusters/wds1/apis')).status, 200);
    forbidden(await as('GET', '/clusters/wds1/api/v1/namespaces/default/configmaps'), 'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"');
    forbidden(await as('GET', '/clusters/wds1/api/v1/namespaces'), 'namespaces is forbidden: User "alice" cannot list resource "namespaces" in API group "" at the cluster scope');
    forbidden(await as('GET', '/apis/spaces.kubestellar.io/v1alpha1/spaces'), 'spaces.spaces.kubestellar.io is forbidden: User "alice" cannot list resource "spaces" in API group "spaces.kubestellar.io" at the cluster scope');
  });

  it('view in one namespace reads there (not Secrets), and writes nothing', async () => {
    await grant('RoleBinding', 'alice-view', 'view', 'default');
    await until(async () => (await as('GET', '/clusters/wds1/api/v1/namespaces/default/configmaps')).status === 200);
    forbidden(await as('GET', '/clusters/wds1/api/v1/namespaces/default/secrets'), 'secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "default"');
    forbidden(await as('GET', '/clusters/wds1/api/v1/namespaces/kube-system/configmaps'), 'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "kube-system"');
    forbidden(
      await as('POST', '/clusters/wds1/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
      'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"',
    );
    // Watches are authorized like lists; another space knows nothing of this binding.
    assert.equal((await as('GET', '/clusters/wds1/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1')).status, 200);
    forbidden(await as('GET', '/clusters/cluster1/api/v1/namespaces/default/configmaps'), 'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"');
  });

  it('edit bound cluster-wide writes in every namespace, and BindingPolicies through the KubeStellar roles', async () => {
    await grant('ClusterRoleBinding', 'alice-edit', 'edit');
    await until(async () => (await as('POST', '/clusters/wds1/api/v1/namespaces/kube-public/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-alice' } })).status === 201);
    const policy = await as('POST', '/clusters/wds1/apis/control.kubestellar.io/v1alpha1/bindingpolicies', {
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name: 'by-alice' },
      spec: { downsync: [{ resources: ['configmaps'] }] },
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    forbidden(
      await as('POST', '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [] }),
      'roles.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "default"',
    );
  });

  it('refuses escalation: a namespace admin may grant what they hold, not more', async () => {
    assert.equal((await h.request('POST', '/clusters/wds1/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } })).status, 201);
    await grant('RoleBinding', 'alice-admin', 'admin', 'team');
    const binding = (name: string, role: string): unknown => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }],
    });
    const bindings = '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/team/rolebindings';
    await until(async () => (await as('POST', bindings, binding('bob-view', 'view'))).status === 201);
    const up = await as('POST', bindings, binding('bob-root', 'cluster-admin'));
    assert.equal(up.status, 403, JSON.stringify(up.body));
    assert.equal(up.body.reason, 'Forbidden');
    assert.match(up.body.message, /is attempting to grant RBAC permissions not currently held/);
    const role = await as('POST', '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/team/roles', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'everything' },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    assert.equal(role.status, 403);
    assert.equal(role.body.reason, 'Forbidden');
  });

  it('answers access and identity reviews for the asking user (kubectl auth can-i / whoami)', async () => {
    const ssar = (verb: string, resource: string, namespace: string): Promise<Reply> =>
      as('POST', '/clusters/wds1/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb, resource, namespace } },
      });
    const allowed = await ssar('list', 'configmaps', 'default');
    assert.equal(allowed.status, 201, JSON.stringify(allowed.body));
    assert.equal(allowed.body.kind, 'SelfSubjectAccessReview');
    assert.equal(allowed.body.status.allowed, true);
    assert.match(allowed.body.status.reason, /^RBAC: allowed by /);
    assert.equal((await ssar('create', 'roles', 'default')).body.status.allowed, false);
    const who = await as('POST', '/clusters/wds1/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    assert.equal(who.status, 201);
    assert.deepEqual(who.body.status.userInfo, { username: 'alice', groups: ['dev', 'system:authenticated'] });
    const rules = await as('POST', '/clusters/wds1/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } });
    assert.equal(rules.status, 201);
    assert.ok(rules.body.status.resourceRules.some((r: { resources?: string[]; verbs: string[] }) => r.resources?.includes('configmaps') && r.verbs.includes('list')));
    // Asking about someone else takes the right to (system:auth-delegator); alice has not got it.
    const sar = await as('POST', '/clusters/wds1/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team' } },
    });
    assert.equal(sar.status, 403);
    const admin = await h.request('POST', '/clusters/wds1/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'bob', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team' } } },
    });
    assert.equal(admin.status, 201);
    assert.equal(admin.body.status.allowed, true); // bob holds view in team (bound above)
  });

  it('impersonation: an administrator acts as alice; alice may not act as bob', async () => {
    const asAlice = await h.request('GET', '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/clusterroles', { headers: { 'Impersonate-User': 'alice', 'Impersonate-Group': 'dev' } });
    forbidden(asAlice, 'clusterroles.rbac.authorization.k8s.io is forbidden: User "alice" cannot list resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope');
    assert.equal((await h.request('GET', '/clusters/wds1/api/v1/namespaces/default/configmaps', { headers: { 'Impersonate-User': 'alice' } })).status, 200);
    forbidden(
      await new Promise<Reply>((ok, fail) => {
        // alice's own certificate, asking to be bob
        const r = request(`${h.url}/clusters/wds1/api/v1/namespaces/default/configmaps`, { ...aliceTls, headers: { 'Impersonate-User': 'bob', accept: 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () => ok({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        r.on('error', fail);
        r.end();
      }),
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
  });
});
