/**
 * A space reached by its TLS server name when the request path has no /clusters/<space> prefix
 * (what client-go's RequestURI and kubectl proxy send): the kubeconfig names the space, the
 * serving certificate covers the name, and the path prefix, when present, still wins.
 */
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { CoreV1Api } from '@kubernetes/client-node';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: any;
}

describe('spaces by TLS server name', function () {
  this.timeout(60_000);
  let h: InProcessServer;

  before(async function () {
    h = await startInProcess();
  });

  after(async function () {
    await h?.stop();
  });

  /** GET `path` presenting `servername`, with the admin credentials of the space kubeconfigs. */
  function get(path: string, servername: string): Promise<Answer> {
    const kc = h.kubeConfig('wds1');
    const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');
    const { port, hostname } = new URL(h.url);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          path,
          servername,
          ca: decode(kc.getCurrentCluster()?.caData),
          cert: decode(kc.getCurrentUser()?.certData),
          key: decode(kc.getCurrentUser()?.keyData),
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const contentType = res.headers['content-type'] ?? '';
            resolve({ status: res.statusCode!, contentType, body: contentType.includes('json') ? JSON.parse(text) : text });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('space kubeconfigs carry the space server name; the root kubeconfig none', function () {
    assert.equal(h.kubeConfig('wds1').getCurrentCluster()?.tlsServerName, 'wds1.spaces.kubestellar.internal');
    assert.equal(h.kubeConfig('cluster1').getCurrentCluster()?.tlsServerName, 'cluster1.spaces.kubestellar.internal');
    assert.equal(h.kubeConfig('admin').getCurrentCluster()?.tlsServerName, undefined);
  });

  it('client-node verifies the serving certificate against that name and reaches the space', async function () {
    const api = h.kubeConfig('its1').makeApiClient(CoreV1Api);
    const names = (await api.listNamespace()).items.map((n) => n.metadata?.name);
    assert.ok(names.includes('kube-system'), names.join(' '));
  });

  it('a path without the space prefix is served by the space the server name names', async function () {
    await h.request('POST', '/clusters/wds1/api/v1/namespaces/default/configmaps', {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-sni' }, data: { a: 'b' } },
    });
    const wds = await get('/api/v1/namespaces/default/configmaps/by-sni', 'wds1.spaces.kubestellar.internal');
    assert.equal(wds.status, 200);
    assert.equal(wds.body.data.a, 'b');
    const groups = (await get('/apis', 'wds1.spaces.kubestellar.internal')).body.groups.map((g: { name: string }) => g.name);
    assert.ok(groups.includes('apps') && !groups.includes('spaces.kubestellar.io'), groups.join(' '));

    // Another space does not have it; the explicit prefix still wins over the server name.
    const other = await get('/api/v1/namespaces/default/configmaps/by-sni', 'cluster1.spaces.kubestellar.internal');
    assert.equal(other.status, 404);
    assert.equal(other.body.reason, 'NotFound');
    const prefixed = await get('/clusters/wds1/api/v1/namespaces/default/configmaps/by-sni', 'cluster1.spaces.kubestellar.internal');
    assert.equal(prefixed.status, 200);
  });

  it('the host root stays the root API without a space name; a missing space is 404; /metrics is server-wide', async function () {
    const root = (await get('/apis', 'localhost')).body.groups.map((g: { name: string }) => g.name);
    assert.deepEqual(root, ['spaces.kubestellar.io']);
    const missing = await get('/api/v1/namespaces', 'no-such-space.spaces.kubestellar.internal');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.kind, 'Status');
    assert.equal(missing.body.reason, 'NotFound');
    const metrics = await get('/metrics', 'wds1.spaces.kubestellar.internal');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /apiserver_request_total/);
    const version = await get('/version', 'wds1.spaces.kubestellar.internal');
    assert.equal(version.status, 200);
    assert.equal(typeof version.body.gitVersion, 'string');
  });
});
