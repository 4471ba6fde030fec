import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ChunkedStream, frame } from '../../../src/server/chunked-stream.js';

/** The raw bytes a server sends for one request line, until it closes or `until` is seen. */
function rawExchange(port: number, request: string, until?: string): Promise<string> {
  return new Promise((ok, fail) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let got = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => {
      got += c;
      if (until !== undefined && got.includes(until)) {
        socket.destroy();
        ok(got);
      }
    });
    socket.on('end', () => ok(got));
    socket.on('error', fail);
  });
}

describe('chunked streams written straight to the connection', () => {
  it('frames data as one HTTP/1.1 chunk: hex size, CRLF, data, CRLF', () => {
    assert.equal(frame(Buffer.from('hello world\n')).toString('latin1'), 'c\r\nhello world\n\r\n');
    assert.equal(frame(Buffer.alloc(0)).toString('latin1'), '0\r\n\r\n');
    assert.equal(frame(Buffer.alloc(4096, 'x')).subarray(0, 6).toString('latin1'), '1000\r\n');
  });

  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      const out = new ChunkedStream(req, res);
      const shared = out.framed ? frame(Buffer.from('{"a":1}\n')) : Buffer.from('{"a":1}\n');
      out.writePrepared(shared);
      out.write(Buffer.from('{"b":2}\n'));
      out.end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((ok) => server.close(() => ok())));

  it('HTTP/1.1: chunks in order, then the terminating chunk, and the connection stays usable', async () => {
    const two = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    const got = await rawExchange(port, two + two, '0\r\n\r\nHTTP/1.1 200 OK');
    const first = got.slice(0, got.indexOf('HTTP/1.1', 1));
    assert.match(first, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(first, /\r\nTransfer-Encoding: chunked\r\n/i);
    assert.ok(first.endsWith('\r\n\r\n8\r\n{"a":1}\n\r\n8\r\n{"b":2}\n\r\n0\r\n\r\n'), JSON.stringify(first));
  });

  it('HTTP/1.0: the body unframed, ended by closing the connection', async () => {
    const got = await rawExchange(port, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(got, /^HTTP\/1\.1 200 OK\r\n/);
    assert.doesNotMatch(got, /Transfer-Encoding/i);
    assert.ok(got.endsWith('\r\n\r\n{"a":1}\n{"b":2}\n'), JSON.stringify(got));
  });
});
