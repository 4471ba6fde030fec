/**
 * The front thread on its own, over a real TLS socket: what a handler sees of a request (headers
 * as node joins them, the body whole, the client certificate), what the client gets back, and
 * that what node would refuse is refused on the handler's thread.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../../../src/pki/ensure-pki.js';
import type { LendingResponse } from '../../../src/server/http.js';
import { startFront, type FrontHandler, type FrontServer } from '../../../src/server/front/front.js';

describe('front thread', function () {
  this.timeout(30_000);
  let dir: string;
  let pki: Pki;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'front-'));
    pki = await ensurePki(dir, { hosts: ['127.0.0.1'] });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const start = (handler: FrontHandler, lost: (err?: unknown) => void = () => undefined): Promise<FrontServer> =>
    startFront(
      { key: pki.servingKey, cert: pki.servingCert, ca: [pki.caCert], port: 0, host: '127.0.0.1', keepAliveTimeoutMs: 5_000, maxBodyBytes: 1024 },
      handler,
      () => undefined,
      lost,
    );

  const send = (front: FrontServer, method: string, body: string, headers: Record<string, string | string[]> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: front.port, method, path: '/x?y=1', ca: pki.caCert, cert: pki.adminClientCert, key: pki.adminClientKey, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('lends large chunks to the front thread and gets each buffer back, the bytes in order with ordinary writes', async () => {
    const returned: (number | undefined)[] = [];
    let late: Uint8Array | undefined | 'pending' = 'pending';
    const front = await start((_req, res) => {
      void (async () => {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'text/plain');
        res.write('<');
        for (const letter of ['a', 'b', 'c']) {
          const buf = Buffer.allocUnsafeSlow(300_000);
          buf.fill(letter, 0, 200_000);
          const back = await (res as unknown as LendingResponse).lend(buf.subarray(0, 200_000));
          assert.equal(buf.byteLength, 0, 'moved away while lent');
          returned.push(back?.byteLength);
        }
        res.end('>');
        late = await (res as unknown as LendingResponse).lend(Buffer.allocUnsafeSlow(10));
      })();
    });
    try {
      const r = await send(front, 'GET', '');
      assert.equal(r.status, 200);
      assert.equal(r.body, `<${'a'.repeat(200_000)}${'b'.repeat(200_000)}${'c'.repeat(200_000)}>`);
      assert.deepEqual(returned, [300_000, 300_000, 300_000], 'each whole buffer comes back');
      assert.equal(late, undefined, 'nothing is lent once the answer has ended');
    } finally {
      await front.close();
    }
  });

  it('hands the handler the request whole and sends its answer back', async () => {
    const seen: Record<string, unknown>[] = [];
    const front = await start((req, res) => {
      const body = req.takeBody();
      seen.push({
        method: req.method,
        url: req.url,
        accept: req.headers['accept'],
        body: body?.toString('utf8'),
        complete: req.complete,
        cn: req.socket.getPeerCertificate().subject?.['CN'],
        authorized: req.socket.authorized,
      });
      res.statusCode = 201;
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Warning', ['299 - "one"', '299 - "two"']);
      res.end('{"ok":true}');
    });
    try {
      const r = await send(front, 'POST', 'hello', { Accept: ['application/json', 'text/plain'] });
      assert.equal(r.status, 201);
      assert.equal(r.body, '{"ok":true}');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['warning'], '299 - "one", 299 - "two"');
      assert.deepEqual(seen, [{ method: 'POST', url: '/x?y=1', accept: 'application/json, text/plain', body: 'hello', complete: true, cn: 'kubestellar-admin', authorized: true }]);
      // Past the limit the handler gets the limit and a byte, and knows the body is not complete.
      seen.length = 0;
      await send(front, 'POST', 'x'.repeat(5000));
      assert.equal((seen[0]!['body'] as string).length, 1025);
      assert.equal(seen[0]!['complete'], false);
    } finally {
      await front.close();
    }
  });

  it('refuses a bad status or header on the handler\'s thread, as node does, and goes on serving', async () => {
    const thrown: string[] = [];
    const front = await start((req, res) => {
      const attempt = (f: () => void): void => {
        try {
          f();
        } catch (err) {
          thrown.push((err as { code?: string }).code ?? String(err));
        }
      };
      attempt(() => res.setHeader('X-Bad', 'a\nb'));
      attempt(() => res.setHeader('Bad Name', 'v'));
      res.statusCode = 99;
      attempt(() => res.end());
      res.statusCode = 200;
      res.end(req.url);
    });
    try {
      const r = await send(front, 'GET', '');
      assert.deepEqual(thrown, ['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_HTTP_INVALID_STATUS_CODE']);
      assert.equal(r.status, 200);
      assert.equal(r.body, '/x?y=1');
    } finally {
      await front.close();
    }
  });
});
