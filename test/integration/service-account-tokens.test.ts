/**
 * ServiceAccount tokens as Argo CD's `cluster add` uses them: a token Secret filled in by the
 * token controller, a TokenRequest, both accepted as bearer tokens in their own space only, with
 * the account's RBAC; refused once the Secret goes, for another audience, or in another space.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ServiceAccountTokens } from '../../src/auth/tokens/service-account-tokens.js';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

describe('ServiceAccount tokens', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let ca: string;
  const bearer = (token: string, path: string): Promise<{ status: number; body: any }> =>
    new Promise((ok, fail) => {
      const r = request(`${h.url}${path}`, { ca, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text.startsWith('{') ? JSON.parse(text) : text }));
      });
      r.on('error', fail);
      r.end();
    });

  before(async () => {
    h = await startInProcess();
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(join(h.server.kubeconfigDir, 'wds1.kubeconfig'), 'utf8'));
    ca = Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString('utf8');
    const post = async (path: string, body: unknown): Promise<any> => {
      const r = await h.request('POST', path, { body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    await post('/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'argocd-manager' } });
    await post('/clusters/wds1/api/v1/namespaces/kube-system/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: { name: 'argocd-manager-token', annotations: { 'kubernetes.io/service-account.name': 'argocd-manager' } },
    });
  });
  after(async () => h?.stop());

  let legacy = '';

  it('fills the token Secret within a second', async () => {
    const t0 = Date.now();
    const secret = await eventually('data.token', async () => {
      const r = await h.request('GET', '/clusters/wds1/api/v1/namespaces/kube-system/secrets/argocd-manager-token');
      return r.body.data?.token !== undefined ? r.body : undefined;
    }, 5000, 20);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
    assert.equal(Buffer.from(secret.data.namespace, 'base64').toString(), 'kube-system');
    assert.match(Buffer.from(secret.data['ca.crt'], 'base64').toString(), /BEGIN CERTIFICATE/);
    assert.ok(secret.metadata.annotations['kubernetes.io/service-account.uid']);
    legacy = Buffer.from(secret.data.token, 'base64').toString();
  });

  it('authenticates the account in its space, authorizes it by RBAC, and nowhere else', async () => {
    const denied = await bearer(legacy, '/clusters/wds1/api/v1/namespaces');
    assert.equal(denied.status, 403);
    assert.match(denied.body.message, /User "system:serviceaccount:kube-system:argocd-manager" cannot list resource "namespaces"/);
    const binding = await h.request('POST', '/clusters/wds1/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'argocd-manager-role-binding' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'argocd-manager', namespace: 'kube-system' }],
      },
    });
    assert.equal(binding.status, 201);
    await eventually('the binding to take', async () => (await bearer(legacy, '/clusters/wds1/api/v1/namespaces')).status === 200, 5000, 20);
    assert.equal((await bearer(legacy, '/clusters/wds1/openapi/v2')).status, 200);
    assert.equal((await bearer(legacy, '/clusters/wds1/openapi/v3')).status, 200);
    const other = await bearer(legacy, '/clusters/cluster1/api/v1/namespaces');
    assert.equal(other.status, 401);
    assert.equal(other.body.reason, 'Unauthorized');
    assert.equal((await bearer(`${legacy}x`, '/clusters/wds1/api/v1/namespaces')).status, 401);
  });

  it('issues TokenRequests, refusing short ones, and checks their audience', async () => {
    const short = await h.request('POST', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/argocd-manager/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 60 } },
    });
    assert.equal(short.status, 422, JSON.stringify(short.body));
    assert.equal(short.body.reason, 'Invalid');
    assert.equal(short.body.details.group, 'authentication.k8s.io');
    assert.equal(short.body.details.kind, 'TokenRequest');
    assert.deepEqual(
      short.body.details.causes.map((c: { field: string; reason: string }) => [c.field, c.reason]),
      [['spec.expirationSeconds', 'FieldValueInvalid']],
    );
    const tr = await h.request('POST', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/argocd-manager/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
    });
    assert.equal(tr.status, 201, JSON.stringify(tr.body));
    assert.equal(tr.body.kind, 'TokenRequest');
    assert.deepEqual(tr.body.metadata, { name: 'argocd-manager', namespace: 'kube-system', creationTimestamp: null }, 'never stored: no creation time');
    assert.ok(Date.parse(tr.body.status.expirationTimestamp) > Date.now() + 3000_000);
    assert.equal((await bearer(tr.body.status.token, '/clusters/wds1/api/v1/namespaces')).status, 200);
    const foreign = await h.request('POST', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/argocd-manager/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'] } },
    });
    assert.equal((await bearer(foreign.body.status.token, '/clusters/wds1/api/v1/namespaces')).status, 401);
    const missing = await h.request('POST', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/nobody/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } });
    assert.equal(missing.status, 404);
  });

  it('binds tokens to a Pod (naming its node), a Secret or a Node, as TokenREST checks them', async () => {
    const S = '/clusters/wds1/api/v1';
    const token = (ref: Record<string, unknown>) =>
      h.request('POST', `${S}/namespaces/kube-system/serviceaccounts/argocd-manager/token`, { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { boundObjectRef: ref } } });
    const node = (await h.request('POST', `${S}/nodes`, { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } } })).body;
    const onNode = await token({ apiVersion: 'v1', kind: 'Node', name: 'n1' });
    assert.equal(onNode.status, 201, JSON.stringify(onNode.body));
    const claims = JSON.parse(Buffer.from(onNode.body.status.token.split('.')[1], 'base64url').toString('utf8'));
    assert.deepEqual(claims['kubernetes.io'].node, { name: 'n1', uid: node.metadata.uid });
    assert.equal((await bearer(onNode.body.status.token, '/clusters/wds1/api/v1/namespaces')).status, 200);

    assert.equal((await token({ apiVersion: 'v1', kind: 'Node', name: 'nowhere' })).status, 404);
    const other = await token({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' });
    assert.equal(other.status, 400);
    assert.equal(other.body.message, 'cannot bind token to object of type /v1, Kind=ConfigMap');
    const stale = await token({ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'not-its-uid' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.match(stale.body.message, /^Operation cannot be fulfilled on Node "n1": /);

    const pod = (name: string, serviceAccountName: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { serviceAccountName, nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
    });
    await h.request('POST', `${S}/namespaces/kube-system/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'someone-else' } } });
    assert.equal((await h.request('POST', `${S}/namespaces/kube-system/pods`, { body: pod('runner', 'argocd-manager') })).status, 201);
    assert.equal((await h.request('POST', `${S}/namespaces/kube-system/pods`, { body: pod('stranger', 'someone-else') })).status, 201);
    const onPod = await token({ apiVersion: 'v1', kind: 'Pod', name: 'runner' });
    assert.equal(onPod.status, 201, JSON.stringify(onPod.body));
    const podClaims = JSON.parse(Buffer.from(onPod.body.status.token.split('.')[1], 'base64url').toString('utf8'))['kubernetes.io'];
    assert.equal(podClaims.pod.name, 'runner');
    assert.deepEqual(podClaims.node, { name: 'n1', uid: node.metadata.uid });
    const wrongAccount = await token({ apiVersion: 'v1', kind: 'Pod', name: 'stranger' });
    assert.equal(wrongAccount.status, 400);
    // Deleting the node revokes the tokens bound to it.
    await h.request('DELETE', `${S}/nodes/n1`);
    assert.equal((await bearer(onNode.body.status.token, '/clusters/wds1/api/v1/namespaces')).status, 401);
  });

  it('serves issuer discovery to service accounts: the OpenID configuration and the key set that verifies their tokens', async () => {
    const tr = await h.request('POST', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/argocd-manager/token', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
    });
    const token = tr.body.status.token as string;
    const config = await bearer(token, '/clusters/wds1/.well-known/openid-configuration');
    assert.equal(config.status, 200, JSON.stringify(config.body));
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    assert.equal(config.body.issuer, claims.iss);
    assert.match(config.body.jwks_uri, /\/clusters\/wds1\/openid\/v1\/jwks$/);
    assert.deepEqual(config.body.id_token_signing_alg_values_supported, ['RS256']);
    const jwks = await bearer(token, '/clusters/wds1/openid/v1/jwks');
    assert.equal(jwks.status, 200);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    const key = (jwks.body.keys as { kid: string; kty: string; use: string }[]).find((k) => k.kid === header.kid);
    assert.deepEqual([key?.kty, key?.use], ['RSA', 'sig']);
  });

  it('answers TokenReviews, and refuses an expired token', async () => {
    const review = async (token: string): Promise<any> => {
      const r = await h.request('POST', '/clusters/wds1/apis/authentication.k8s.io/v1/tokenreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.status;
    };
    const good = await review(legacy);
    assert.equal(good.authenticated, true);
    assert.equal(good.user.username, 'system:serviceaccount:kube-system:argocd-manager');
    assert.ok(good.user.groups.includes('system:serviceaccounts:kube-system'));
    assert.equal((await review('not.a.token')).authenticated, false);
    // Signed with the server's own key, but two hours ago for ten minutes.
    const tokens = await ServiceAccountTokens.ensure(join(h.dataDir, 'pki'));
    const sa = (await h.request('GET', '/clusters/wds1/api/v1/namespaces/kube-system/serviceaccounts/argocd-manager')).body;
    const expired = tokens.sign('wds1', { namespace: 'kube-system', name: 'argocd-manager', uid: sa.metadata.uid }, { expirationSeconds: 600, now: new Date(Date.now() - 7_200_000) });
    assert.equal((await bearer(expired, '/clusters/wds1/api/v1/namespaces')).status, 401);
    assert.equal((await review(expired)).authenticated, false);
    const fresh = tokens.sign('wds1', { namespace: 'kube-system', name: 'argocd-manager', uid: sa.metadata.uid }, { expirationSeconds: 600, now: new Date() });
    assert.equal((await bearer(fresh, '/clusters/wds1/api/v1/namespaces')).status, 200);
  });

  it('a ServiceAccount cannot escalate: admin of a namespace may not bind cluster-admin there', async () => {
    const post = async (path: string, body: unknown): Promise<void> => {
      const r = await h.request('POST', path, { body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    };
    await post('/clusters/wds1/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns-admin' } });
    await post('/clusters/wds1/api/v1/namespaces/ns-admin/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'deployer' } });
    await post('/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/ns-admin/rolebindings', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'deployer-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ns-admin' }],
    });
    const tr = await h.request('POST', '/clusters/wds1/api/v1/namespaces/ns-admin/serviceaccounts/deployer/token', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} } });
    const token = tr.body.status.token as string;
    const bind = (role: string): Promise<{ status: number; body: any }> =>
      new Promise((ok, fail) => {
        const body = JSON.stringify({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: `self-${role}` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
          subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: 'ns-admin' }],
        });
        const r = request(`${h.url}/clusters/wds1/apis/rbac.authorization.k8s.io/v1/namespaces/ns-admin/rolebindings`, { method: 'POST', ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c));
          res.on('end', () => ok({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        r.on('error', fail);
        r.end(body);
      });
    await eventually('the admin binding to take', async () => (await bearer(token, '/clusters/wds1/api/v1/namespaces/ns-admin/secrets')).status === 200, 5000, 20);
    const up = await bind('cluster-admin');
    assert.equal(up.status, 403, JSON.stringify(up.body));
    assert.equal(up.body.reason, 'Forbidden');
    assert.match(up.body.message, /attempting to grant RBAC permissions not currently held/);
    assert.equal((await bind('edit')).status, 201);
  });

  it('revokes the legacy token with its Secret', async () => {
    assert.equal((await h.request('DELETE', '/clusters/wds1/api/v1/namespaces/kube-system/secrets/argocd-manager-token')).status, 200);
    assert.equal((await bearer(legacy, '/clusters/wds1/api/v1/namespaces')).status, 401);
  });
});
