/**
 * The aggregated path (ARCHITECTURE §2): a small TLS proxy plays the hosting cluster's
 * kube-aggregator. It authenticates the user itself, then forwards to kubestellar serve with its
 * front-proxy client certificate and the user in X-Remote-User/X-Remote-Group. kubectl, pointed
 * at /apis/spaces.kubestellar.io/v1alpha1/clusters/wds1 on the proxy, applies, gets and watches
 * as that user, and RBAC in the space sees that user; the same headers without the proxy's
 * certificate are ignored.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { parse as parseYaml, stringify } from 'yaml';
import { describeResult, kubectl, kubectlWatch, pinnedKubectls } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

interface Pem {
  cert: string;
  key: string;
}

function certificate(cn: string, issuer?: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }, ca = false): Pem & { obj: forge.pki.Certificate; priv: forge.pki.rsa.PrivateKey } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `0${Math.floor(Math.random() * 1e9).toString(16)}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ shortName: 'CN', value: cn }]);
  cert.setIssuer((issuer?.cert.subject.attributes ?? [{ shortName: 'CN', value: cn }]) as forge.pki.CertificateField[]);
  cert.setExtensions(
    ca
      ? [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, digitalSignature: true }]
      : [{ name: 'extKeyUsage', clientAuth: true, serverAuth: true }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  );
  cert.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: forge.pki.privateKeyToPem(keys.privateKey), obj: cert, priv: keys.privateKey };
}

describe('aggregated mode behind a front proxy', function () {
  this.timeout(300_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let server: ServerProcess;
  let proxy: Server;
  let proxyKubeconfig: string;
  let serverCa: string;
  const frontCa = certificate('front-proxy-ca', undefined, true);
  const proxyClient = certificate('front-proxy-client', { cert: frontCa.obj, key: frontCa.priv });
  const proxyServing = certificate('aggregator', undefined);

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aggregated-'));
    await writeFile(join(dir, 'front-proxy-ca.crt'), frontCa.cert);
    server = await startServer({ demo: true, extraArgs: ['--requestheader-client-ca-file', join(dir, 'front-proxy-ca.crt'), '--requestheader-allowed-names', 'front-proxy-client'] });
    const kc = parseYaml(await readFile(server.kubeconfig('wds1'), 'utf8')) as any;
    serverCa = Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const upstream = new URL(server.url);
    // The "aggregator": every caller is alice of group dev (its own authentication is not the point here).
    proxy = createServer({ cert: proxyServing.cert, key: proxyServing.key }, (req, res) => {
      const headers = { ...req.headers };
      for (const h of Object.keys(headers)) if (h.startsWith('x-remote-') || h === 'authorization') delete headers[h];
      headers['x-remote-user'] = 'alice';
      headers['x-remote-group'] = 'dev';
      headers.host = upstream.host;
      const out = request(
        { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, ca: serverCa, cert: proxyClient.cert, key: proxyClient.key },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on('error', () => res.destroy());
      req.pipe(out);
    });
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', () => ok()));
    const port = (proxy.address() as AddressInfo).port;
    kc.clusters[0].cluster = { server: `https://127.0.0.1:${port}/apis/spaces.kubestellar.io/v1alpha1/clusters/wds1`, 'insecure-skip-tls-verify': true };
    // A credential for the proxy (kubectl would prompt without one); the proxy vouches upstream.
    kc.users[0].user = { token: 'session-with-the-aggregator' };
    proxyKubeconfig = join(dir, 'through-proxy.kubeconfig');
    await writeFile(proxyKubeconfig, stringify(kc));
    const grant = await kubectl(binary, server.kubeconfig('wds1'), ['-n', 'default', 'create', 'rolebinding', 'alice-edit', '--clusterrole=edit', '--user=alice']);
    assert.equal(grant.code, 0, describeResult(['create', 'rolebinding'], grant));
  });
  after(async () => {
    proxy?.close();
    proxy?.closeAllConnections();
    await server?.dispose();
  });

  it('applies, gets and watches through the proxy as the forwarded user', async () => {
    const k = (args: readonly string[], stdin?: string) => kubectl(binary, proxyKubeconfig, args, stdin === undefined ? {} : { stdin });
    const watch = kubectlWatch(binary, proxyKubeconfig, ['-n', 'default', 'get', 'configmaps', '-w', '-o', 'json', '--output-watch-events'], { timeoutMs: 60_000 });
    await watch.waitFor((events) => events.length >= 1);
    const applied = await k(['-n', 'default', 'apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: via-proxy}\ndata: {a: "1"}\n');
    assert.equal(applied.code, 0, describeResult(['apply'], applied));
    await watch.waitFor((events) => events.some((e) => (e.object as any)?.metadata?.name === 'via-proxy'));
    await watch.stop();
    const got = await k(['-n', 'default', 'get', 'configmap', 'via-proxy', '-o', 'jsonpath={.data.a}']);
    assert.equal(got.stdout, '1');
    // RBAC sees alice: edit in default only.
    const denied = await k(['-n', 'kube-system', 'get', 'secrets']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /User "alice" cannot list resource "secrets" in API group "" in the namespace "kube-system"/);
    const who = await k(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.stdout, 'alice');
  });

  it('answers the aggregator discovery check on the group version', async () => {
    const r = await new Promise<number>((ok, fail) => {
      const req = request(`${server.url}/apis/spaces.kubestellar.io/v1alpha1`, { ca: serverCa, cert: proxyClient.cert, key: proxyClient.key, headers: { 'x-remote-user': 'system:kube-aggregator' } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      req.end();
    });
    assert.equal(r, 200);
  });

  it('ignores the headers on a connection without the proxy certificate', async () => {
    const r = await new Promise<{ status: number; body: any }>((ok, fail) => {
      const req = request(`${server.url}/apis/spaces.kubestellar.io/v1alpha1/clusters/wds1/api/v1/namespaces`, { ca: serverCa, headers: { 'x-remote-user': 'kubestellar-admin', 'x-remote-group': 'system:masters', accept: 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', fail);
      req.end();
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'Unauthorized');
  });
});
