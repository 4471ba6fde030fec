/**
 * Response compression over TLS, as kube-apiserver's APIResponseCompression: answers of 128 KiB
 * or more to a client whose Accept-Encoding has a `gzip` token are gzipped (streamed lists, lists
 * rendered whole, documents), smaller answers and watches are not, and the inflated bytes are
 * exactly what an uncompressed answer carries.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { startInProcess, type HttpResult, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/wds1';
const NS = 'zipped';
const PATH = `${SPACE}/api/v1/namespaces/${NS}/configmaps`;
const COUNT = 100;
/** The ConfigMaps plus the namespace's kube-root-ca.crt. */
const LISTED = COUNT + 1;
const GZIP = { 'Accept-Encoding': 'gzip' };

// Both HTTP fronts: node's HTTPS server in the front thread (the default) and on the main thread.
for (const httpFront of ['thread', 'inline'] as const) {
  describe(`response compression (gzip) over TLS (HTTP front: ${httpFront})`, function () {
    let h: InProcessServer;

    before(async () => {
      h = await startInProcess({ httpFront });
      const ns = await h.request('POST', `${SPACE}/api/v1/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
      assert.equal(ns.status, 201, JSON.stringify(ns.body));
      const payload = 'x'.repeat(2048);
      for (let i = 0; i < COUNT; i++) {
        const r = await h.request('POST', PATH, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, labels: { all: 'yes' } }, data: { payload } } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
    });

    after(async () => {
      await h?.stop();
    });

    async function get(path: string, headers: Record<string, string>): Promise<HttpResult> {
      const r = await h.request('GET', path, { headers });
      assert.equal(r.status, 200, `GET ${path}: ${r.status}`);
      return r;
    }

    const inflated = (r: HttpResult): unknown => JSON.parse(gunzipSync(r.raw).toString('utf8'));

    it('gzips a large streamed list for a client that takes gzip, and the content is the plain answer', async () => {
      const plain = await get(PATH, {});
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(plain.raw.length >= 128 * 1024, `list of ${plain.raw.length} bytes`);
      const zipped = await get(PATH, GZIP);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.match(String(zipped.headers['vary']), /Accept-Encoding/);
      assert.ok(zipped.raw.length < plain.raw.length / 4, `${zipped.raw.length} gzipped bytes for ${plain.raw.length}`);
      assert.deepEqual(inflated(zipped), plain.body);
    });

    it('gzips a large list rendered whole (label selector, Table) and answers the same content', async () => {
      const selected = `${PATH}?labelSelector=all%3Dyes`;
      const plain = await get(selected, {});
      const zipped = await get(selected, GZIP);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.equal(Number(zipped.headers['content-length']), zipped.raw.length);
      assert.deepEqual(inflated(zipped), plain.body);
      const table = await get(PATH, { ...GZIP, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      // A Table of 100 rows without objects stays under the threshold: sent as it is.
      assert.equal(table.headers['content-encoding'], undefined);
      assert.equal((table.body as { rows: unknown[] }).rows.length, LISTED);
    });

    it('a client that reads a large list slowly gets all of it, as a fast reader does', async () => {
      const plain = await get(PATH, {});
      const kc = h.kubeConfig('wds1');
      const decode = (b64: string | undefined): string => Buffer.from(b64 ?? '', 'base64').toString('utf8');
      const url = new URL(PATH, h.url);
      const res = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = httpsRequest({
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          ca: decode(kc.getCurrentCluster()?.caData),
          cert: decode(kc.getCurrentUser()?.certData),
          key: decode(kc.getCurrentUser()?.keyData),
        });
        req.once('response', resolve);
        req.once('error', reject);
        req.end();
      });
      assert.equal(res.statusCode, 200);
      // Unread, the answer fills the socket buffers and the server must hold the rest back.
      res.pause();
      await new Promise((r) => setTimeout(r, 300));
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString('utf8')), plain.body);
    });

    it('sends small answers, tokens with parameters and watches uncompressed', async () => {
      const one = await get(`${PATH}/cm-1`, GZIP);
      assert.equal(one.headers['content-encoding'], undefined);
      assert.equal((one.body as { metadata: { name: string } }).metadata.name, 'cm-1');
      // kube matches the bare token only.
      const weighted = await get(PATH, { 'Accept-Encoding': 'gzip;q=1.0' });
      assert.equal(weighted.headers['content-encoding'], undefined);
      const listed = await get(PATH, { 'Accept-Encoding': 'deflate, gzip, br' });
      assert.equal(listed.headers['content-encoding'], 'gzip');
      const watch = await h.watchFrames(`${PATH}?watch=true&resourceVersion=0&timeoutSeconds=1`, () => false, { headers: GZIP });
      assert.equal(watch.status, 200);
      assert.equal(watch.headers['content-encoding'], undefined);
      assert.equal(watch.frames.length, LISTED);
    });

    it('gzips a large OpenAPI v3 document', async () => {
      const plain = await get(`${SPACE}/openapi/v3/api/v1`, {});
      const zipped = await get(`${SPACE}/openapi/v3/api/v1`, GZIP);
      assert.equal(zipped.headers['content-encoding'], 'gzip');
      assert.match(String(zipped.headers['vary']), /^Accept, Accept-Encoding$/);
      assert.deepEqual(inflated(zipped), plain.body);
    });
  });
}
