import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerPending, endThisTurn } from '../../../src/server/answer-batch.js';
import type { Response } from '../../../src/server/http.js';

function get(port: number): Promise<{ status: number; type: string | undefined; length: string | undefined; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, type: res.headers['content-type'], length: res.headers['content-length'], body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('answers written once per event-loop turn', () => {
  let server: Server;
  let port: number;
  let handler: (res: Response) => void;

  before(async () => {
    server = createServer((_req, res) => handler(res));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  it('holds the answer until the turn ends, then writes status, headers and body', async () => {
    const seen: boolean[] = [];
    handler = (res) => {
      endThisTurn(res, 201, 'application/json', Buffer.from('{"a":1}'));
      seen.push(answerPending(res), res.headersSent);
      setImmediate(() => seen.push(answerPending(res)));
    };
    const r = await get(port);
    assert.deepEqual(r, { status: 201, type: 'application/json', length: '7', body: '{"a":1}' });
    assert.deepEqual(seen, [true, false, false]);
  });

  it('refuses a second answer to the same request and keeps the first', async () => {
    let second: unknown;
    handler = (res) => {
      endThisTurn(res, 200, 'text/plain', Buffer.from('first'));
      try {
        endThisTurn(res, 500, 'application/json', Buffer.from('{}'));
      } catch (err) {
        second = err;
      }
    };
    const r = await get(port);
    assert.equal(r.status, 200);
    assert.equal(r.body, 'first');
    assert.ok(second instanceof Error);
  });

  it('answers every request of a burst', async () => {
    let n = 0;
    handler = (res) => endThisTurn(res, 200, 'text/plain', Buffer.from(String(n++)));
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(port)));
    assert.deepEqual(answers.map((a) => a.body).sort((a, b) => Number(a) - Number(b)), Array.from({ length: 50 }, (_, i) => String(i)));
  });
});
