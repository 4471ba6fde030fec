/**
 * Nothing is served to a client that cannot prove who it is: without a client certificate signed
 * by the server's CA, every request gets 401 Unauthorized, except health and version, which kube
 * answers to anyone. (Tokens and RBAC come with the identity issue.)
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

function get(url: string, ca: string, extra: { cert?: string; key?: string } = {}): Promise<{ status: number; body: any }> {
  return new Promise((ok, fail) => {
    const r = request(url, { ca, ...extra, headers: { accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // text
        }
        ok({ status: res.statusCode ?? 0, body });
      });
    });
    r.on('error', fail);
    r.end();
  });
}

describe('authentication', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  let ca: string;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    const kc = new KubeConfig();
    kc.loadFromString(await readFile(join(h.server.kubeconfigDir, 'wds1.kubeconfig'), 'utf8'));
    ca = Buffer.from(kc.getCurrentCluster()!.caData!, 'base64').toString('utf8');
  });
  after(async () => h?.stop());

  for (const path of ['/clusters/wds1/api/v1/namespaces', '/clusters/wds1/api', '/clusters/wds1/openapi/v2', '/apis/spaces.kubestellar.io/v1alpha1/spaces', '/metrics', '/apis/spaces.kubestellar.io/v1alpha1/clusters/wds1/api/v1/pods']) {
    it(`refuses ${path} without a client certificate: 401 Unauthorized`, async () => {
      const r = await get(`${h.url}${path}`, ca);
      assert.equal(r.status, 401);
      assert.equal(r.body.kind, 'Status');
      assert.equal(r.body.reason, 'Unauthorized');
      assert.equal(r.body.code, 401);
    });
  }

  for (const path of ['/healthz', '/livez', '/readyz/ping', '/version', '/clusters/wds1/version', '/clusters/wds1/healthz']) {
    it(`answers ${path} to anyone`, async () => {
      assert.equal((await get(`${h.url}${path}`, ca)).status, 200);
    });
  }

  it('refuses a self-signed client certificate', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // A certificate the server's CA never signed: node:tls presents it, the server rejects it.
    const forge = await import('node-forge');
    const key = forge.default.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
    const cert = forge.default.pki.createCertificate();
    cert.publicKey = forge.default.pki.setRsaPublicKey(key.n, key.e);
    cert.serialNumber = '01';
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 3_600_000);
    const subject = [{ shortName: 'CN', value: 'mallory' }, { shortName: 'O', value: 'system:masters' }];
    cert.setSubject(subject);
    cert.setIssuer(subject);
    cert.sign(key, forge.default.md.sha256.create());
    const r = await get(`${h.url}/clusters/wds1/api/v1/namespaces`, ca, { cert: forge.default.pki.certificateToPem(cert), key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() });
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'Unauthorized');
  });

  it('serves the admin client certificate', async () => {
    assert.equal((await h.request('GET', '/clusters/wds1/api/v1/namespaces')).status, 200);
  });
});
