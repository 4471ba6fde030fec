/**
 * `argocd cluster add` reproduced step by step with kubectl 1.33 (protobuf bodies) against a WDS,
 * then Argo CD's use of the result: with only the token, list every listable resource, watch,
 * read /openapi/v2, apply with --dry-run=server and for real, prune with Foreground propagation.
 * A second account bound to `view` is refused writes, and `kubectl auth can-i` tells both apart.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { eventually } from '../helpers/eventually.js';
import { describeResult, kubectl, kubectlWatch, pinnedKubectls } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

describe('Argo CD cluster registration with kubectl', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let server: ServerProcess;
  let dir: string;
  const admin = (args: readonly string[], stdin?: string) => kubectl(binary, server.kubeconfig('wds1'), args, stdin === undefined ? {} : { stdin });
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const r = await admin(args, stdin);
    assert.equal(r.code, 0, describeResult(args, r));
    return r.stdout;
  };

  /** A kubeconfig for wds1 that carries only this bearer token (no client certificate). */
  const tokenKubeconfig = async (name: string, token: string): Promise<string> => {
    const kc = parseYaml(await readFile(server.kubeconfig('wds1'), 'utf8')) as any;
    kc.users = [{ name, user: { token } }];
    kc.contexts[0].context.user = name;
    const path = join(dir, `${name}.kubeconfig`);
    await writeFile(path, stringify(kc));
    return path;
  };
  const tokenOf = async (secret: string): Promise<string> =>
    eventually(`the token of ${secret}`, async () => {
      const r = await admin(['-n', 'kube-system', 'get', 'secret', secret, '-o', 'jsonpath={.data.token}']);
      return r.code === 0 && r.stdout !== '' ? Buffer.from(r.stdout, 'base64').toString() : undefined;
    }, 5000, 100);

  before(async () => {
    server = await startServer({ demo: true });
    dir = await mkdtemp(join(tmpdir(), 'argocd-'));
  });
  after(async () => server?.dispose());

  it('registers, then works with only the token, as Argo CD does', async () => {
    // What argocd cluster add creates (pkg/util/clusterauth): account, role, binding, token Secret.
    await ok(['-n', 'kube-system', 'create', 'serviceaccount', 'argocd-manager']);
    await ok(['create', 'clusterrole', 'argocd-manager-role', '--verb=*', '--resource=*.*']);
    await ok(['create', 'clusterrole', 'argocd-manager-role-urls', '--verb=*', '--non-resource-url=*']);
    await ok(['create', 'clusterrolebinding', 'argocd-manager-role-binding', '--clusterrole=argocd-manager-role', '--serviceaccount=kube-system:argocd-manager']);
    await ok(['create', 'clusterrolebinding', 'argocd-manager-urls-binding', '--clusterrole=argocd-manager-role-urls', '--serviceaccount=kube-system:argocd-manager']);
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: argocd-manager-long-lived-token\n  namespace: kube-system\n  annotations:\n    kubernetes.io/service-account.name: argocd-manager\ntype: kubernetes.io/service-account-token\n');
    const token = await tokenOf('argocd-manager-long-lived-token');
    const argo = await tokenKubeconfig('argocd', token);
    const as = (args: readonly string[], stdin?: string) => kubectl(binary, argo, args, stdin === undefined ? {} : { stdin });

    // Argo CD's cache lists and watches every listable resource.
    const resources = (await as(['api-resources', '--verbs=list', '-o', 'name'])).stdout.trim().split('\n');
    assert.ok(resources.includes('deployments.apps') && resources.includes('bindingpolicies.control.kubestellar.io'), resources.join(' '));
    const listed = await as(['get', resources.join(','), '-A', '-o', 'name']);
    assert.equal(listed.code, 0, listed.stderr.slice(0, 2000));
    const watch = kubectlWatch(binary, argo, ['-n', 'default', 'get', 'configmaps', '-w', '-o', 'json', '--output-watch-events'], { timeoutMs: 20_000 });
    await watch.waitFor((events) => events.length >= 1);
    await ok(['-n', 'default', 'create', 'configmap', 'seen-by-argo']);
    await watch.waitFor((events) => events.some((e) => (e.object as any)?.metadata?.name === 'seen-by-argo'));
    await watch.stop();
    // `get --raw` takes the path as is (no server path prefix), so it names the space's path.
    const openapi = await as(['get', '--raw', '/clusters/wds1/openapi/v2']);
    assert.equal(openapi.code, 0, openapi.stderr.slice(0, 1000));
    assert.ok(JSON.parse(openapi.stdout).swagger === '2.0');

    // Sync: a server-side dry run, the apply, then a prune in the foreground.
    const app = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: guestbook\n  namespace: default\n  labels: {app.kubernetes.io/instance: guestbook}\ndata: {a: "1"}\n';
    assert.equal((await as(['apply', '--dry-run=server', '-f', '-'], app)).code, 0);
    assert.notEqual((await admin(['-n', 'default', 'get', 'configmap', 'guestbook'])).code, 0);
    assert.equal((await as(['apply', '-f', '-'], app)).code, 0);
    assert.equal((await as(['-n', 'default', 'delete', 'configmap', 'guestbook', '--cascade=foreground'])).code, 0);
    assert.notEqual((await admin(['-n', 'default', 'get', 'configmap', 'guestbook'])).code, 0);

    // A viewer: reads, but every write is refused.
    await ok(['-n', 'kube-system', 'create', 'serviceaccount', 'viewer']);
    await ok(['create', 'clusterrolebinding', 'viewer', '--clusterrole=view', '--serviceaccount=kube-system:viewer']);
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: viewer-token\n  namespace: kube-system\n  annotations:\n    kubernetes.io/service-account.name: viewer\ntype: kubernetes.io/service-account-token\n');
    const viewer = await tokenKubeconfig('viewer', await tokenOf('viewer-token'));
    const vw = (args: readonly string[], stdin?: string) => kubectl(binary, viewer, args, stdin === undefined ? {} : { stdin });
    assert.equal((await vw(['-n', 'default', 'get', 'configmaps'])).code, 0);
    const refused = await vw(['apply', '-f', '-'], app);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /forbidden: User "system:serviceaccount:kube-system:viewer" cannot (create|patch|get) resource "configmaps"/);
    assert.equal((await as(['auth', 'can-i', 'create', 'deployments', '-n', 'default'])).stdout.trim(), 'yes');
    const no = await vw(['auth', 'can-i', 'create', 'deployments', '-n', 'default']);
    assert.equal(no.stdout.trim(), 'no');
    assert.equal((await vw(['auth', 'can-i', 'list', 'deployments', '-n', 'default'])).stdout.trim(), 'yes');
    // kubectl create token (a TokenRequest, protobuf on 1.33) gives a working token too.
    const created = await ok(['-n', 'kube-system', 'create', 'token', 'argocd-manager', '--duration=1h']);
    const fresh = await tokenKubeconfig('fresh', created.trim());
    assert.equal((await kubectl(binary, fresh, ['get', 'namespaces'])).code, 0);
    // Tokens and Secret values never reach the server's log, whatever happened above.
    await ok(['-n', 'default', 'create', 'secret', 'generic', 'db-password', '--from-literal=password=s3cr3t-value-for-the-log-check']);
    const bad = await admin(['-n', 'default', 'create', 'secret', 'generic', 'db-password', '--from-literal=password=s3cr3t-value-for-the-log-check']);
    assert.notEqual(bad.code, 0);
    const log = server.stderr();
    for (const secret of [token, created.trim(), 's3cr3t-value-for-the-log-check', Buffer.from('s3cr3t-value-for-the-log-check').toString('base64')]) {
      assert.ok(!log.includes(secret), 'a secret value appears in the server log');
    }
    // Without any credential: 401.
    const anonymous = await tokenKubeconfig('anonymous', 'not-a-token');
    const r = await kubectl(binary, anonymous, ['get', 'namespaces']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
  });
});
