import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { buildKubeconfig, writeKubeconfig } from '../../../src/kubeconfig/build-kubeconfig.js';
import { parseKubeconfig, readKubeconfig } from '../../../src/kubeconfig/parse-kubeconfig.js';
import { ensurePki, type Pki } from '../../../src/pki/ensure-pki.js';
import type { ClientIdentity } from '../../../src/pki/client-identity.js';

const run = promisify(execFile);

interface Seen {
  path: string;
  authorized: boolean;
  commonName: unknown;
  identity: ClientIdentity | undefined;
}

describe('kubeconfig', function () {
  this.timeout(60000);
  let root: string;
  let pki: Pki;
  let server: Server;
  let port: number;
  const seen: Seen[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kubeconfig-test-'));
    pki = await ensurePki(join(root, 'data'), { hosts: [] });
    server = createServer(
      { key: pki.servingKey, cert: pki.servingCert, ca: [pki.caCert], requestCert: true, rejectUnauthorized: false },
      (req, res) => {
        const socket = req.socket as TLSSocket;
        const peer = socket.getPeerCertificate();
        seen.push({
          path: req.url ?? '',
          authorized: socket.authorized,
          commonName: peer.subject?.CN,
          identity: peer.raw === undefined ? undefined : pki.verifyClientCert(peer.raw),
        });
        const body = tinyApi(new URL(req.url ?? '/', 'https://x').pathname);
        res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  const adminKubeconfig = (): string =>
    buildKubeconfig({
      server: `https://127.0.0.1:${port}/clusters/wds1`,
      clusterName: 'wds1',
      userName: 'wds1-admin',
      contextName: 'wds1',
      caCert: pki.caCert,
      clientCert: pki.adminClientCert,
      clientKey: pki.adminClientKey,
    });

  it('builds a v1 Config with inline base64 credentials', () => {
    const doc = parse(adminKubeconfig());
    assert.equal(doc.apiVersion, 'v1');
    assert.equal(doc.kind, 'Config');
    assert.equal(doc['current-context'], 'wds1');
    assert.deepEqual(doc.contexts, [{ name: 'wds1', context: { cluster: 'wds1', user: 'wds1-admin' } }]);
    assert.equal(Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), pki.caCert);
    assert.equal(Buffer.from(doc.users[0].user['client-key-data'], 'base64').toString(), pki.adminClientKey);
  });

  it('round-trips through parseKubeconfig', () => {
    const parsed = parseKubeconfig(adminKubeconfig());
    assert.equal(parsed.server, `https://127.0.0.1:${port}/clusters/wds1`);
    assert.equal(parsed.caCert, pki.caCert);
    assert.equal(parsed.clientCert, pki.adminClientCert);
    assert.equal(parsed.clientKey, pki.adminClientKey);
    assert.equal(parsed.token, undefined);

    const withToken = buildKubeconfig({ server: 'https://h:1/clusters/its1', clusterName: 'c', userName: 'u', contextName: 'x', caCert: pki.caCert, token: 'abc.def', namespace: 'ns1' });
    assert.deepEqual(parseKubeconfig(withToken), {
      contextName: 'x', clusterName: 'c', userName: 'u', namespace: 'ns1', server: 'https://h:1/clusters/its1',
      caCert: pki.caCert, insecureSkipTlsVerify: false, token: 'abc.def',
    });
  });

  it('rejects incomplete options and broken kubeconfigs', () => {
    const base = { server: 'https://h:1/clusters/a', clusterName: 'c', userName: 'u', contextName: 'x', caCert: pki.caCert };
    assert.throws(() => buildKubeconfig(base), /client certificate or a token/);
    assert.throws(() => buildKubeconfig({ ...base, clientCert: pki.adminClientCert }), /clientKey/);
    assert.throws(() => buildKubeconfig({ ...base, token: 't', server: 'nope' }), /not a URL/);
    assert.throws(() => parseKubeconfig('apiVersion: v1\nkind: Config\n'), /no current-context/);
    assert.throws(() => parseKubeconfig(adminKubeconfig(), { context: 'other' }), /no context named "other"/);
  });

  it('resolves file references relative to the kubeconfig', async () => {
    await writeFile(join(root, 'ca.crt'), pki.caCert);
    await writeFile(join(root, 'token'), 'file-token\n');
    const path = join(root, 'refs.kubeconfig');
    await writeFile(path, [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{name: k, cluster: {server: "https://h:2/clusters/x", certificate-authority: ca.crt}}]',
      'users: [{name: u, user: {tokenFile: token}}]',
      'contexts: [{name: c, context: {cluster: k, user: u}}]',
    ].join('\n'));
    const parsed = await readKubeconfig(path);
    assert.equal(parsed.caCert, pki.caCert);
    assert.equal(parsed.token, 'file-token');
  });

  it('writes kubeconfigs with mode 0600', async () => {
    const path = join(root, 'out', 'wds1.kubeconfig');
    await writeKubeconfig(path, adminKubeconfig());
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await readFile(path, 'utf8'), adminKubeconfig());
    await writeKubeconfig(path, 'replaced');
    assert.equal(await readFile(path, 'utf8'), 'replaced');
  });

  it('lets @kubernetes/client-node reach the space with the admin certificate', async () => {
    seen.length = 0;
    const kc = new KubeConfig();
    kc.loadFromString(adminKubeconfig());
    const list = await kc.makeApiClient(CoreV1Api).listNamespace();
    assert.deepEqual(list.items.map((ns) => ns.metadata?.name), ['default']);
    const request = seen.find((s) => s.path.startsWith('/clusters/wds1/api/v1/namespaces'));
    assert.ok(request, `saw ${JSON.stringify(seen.map((s) => s.path))}`);
    assert.equal(request.authorized, true);
    assert.equal(request.commonName, 'kubestellar-admin');
    assert.deepEqual(request.identity, { user: 'kubestellar-admin', groups: ['system:masters'] });
  });

  it('lets kubectl reach the space with the admin certificate', async function () {
    const kubectl = await which('kubectl');
    if (kubectl === undefined) this.skip();
    // The dispatcher on PATH, plus the oldest and newest pinned binaries beside it when present.
    const pinnedDir = dirname(await realpath(kubectl));
    const binaries = [kubectl];
    for (const name of ['kubectl.1.27', 'kubectl.1.33']) {
      if (await isExecutable(join(pinnedDir, name))) binaries.push(join(pinnedDir, name));
    }
    const path = join(root, 'kubectl.kubeconfig');
    await writeKubeconfig(path, adminKubeconfig());
    for (const binary of binaries) {
      seen.length = 0;
      const { stdout } = await run(binary, ['--kubeconfig', path, 'get', 'namespaces', '-o', 'name'], {
        env: { ...process.env, HOME: join(root, 'home'), KUBECONFIG: '' },
        timeout: 30000,
      });
      assert.equal(stdout.trim(), 'namespace/default', binary);
      const request = seen.find((s) => s.path.startsWith('/clusters/wds1/api/v1/namespaces'));
      assert.ok(request, `${binary} sent ${JSON.stringify(seen.map((s) => s.path))}`);
      assert.equal(request.commonName, 'kubestellar-admin');
      assert.ok(seen.every((s) => s.authorized && s.path.startsWith('/clusters/wds1/')), binary);
    }
  });
});

/** Just enough of the API for `kubectl get namespaces` and `listNamespace` under /clusters/wds1. */
function tinyApi(path: string): unknown {
  const prefix = '/clusters/wds1';
  if (!path.startsWith(`${prefix}/`)) return undefined;
  switch (path.slice(prefix.length)) {
    case '/version':
      return { major: '1', minor: '33', gitVersion: 'v1.33.1', gitCommit: '', gitTreeState: 'clean', buildDate: '', goVersion: '', compiler: 'gc', platform: 'linux/amd64' };
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
    case '/api/v1':
      return {
        kind: 'APIResourceList', apiVersion: 'v1', groupVersion: 'v1',
        resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['get', 'list'], shortNames: ['ns'] }],
      };
    case '/api/v1/namespaces':
      return {
        kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' },
        items: [{ metadata: { name: 'default', uid: 'u1', resourceVersion: '1' }, spec: {}, status: { phase: 'Active' } }],
      };
    default:
      return undefined;
  }
}

async function which(cmd: string): Promise<string | undefined> {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    if (dir !== '' && (await isExecutable(join(dir, cmd)))) return join(dir, cmd);
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return info.isFile() && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
