import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { distinctHeaders, flatHeaders, joinedHeaders } from '../../../src/server/front/headers.js';

/** What node's own HTTP server makes of a request carrying these header lines. */
async function nodeParse(lines: readonly string[]): Promise<Pick<IncomingMessage, 'headers' | 'headersDistinct' | 'rawHeaders'>> {
  let seen: Pick<IncomingMessage, 'headers' | 'headersDistinct' | 'rawHeaders'> | undefined;
  const server = createServer((req, res) => {
    seen = { headers: req.headers, headersDistinct: req.headersDistinct, rawHeaders: req.rawHeaders };
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((ok, fail) => {
      const socket = connect(port, '127.0.0.1', () => socket.end(`GET / HTTP/1.1\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`));
      socket.on('data', () => undefined);
      socket.on('close', () => ok());
      socket.on('error', fail);
    });
  } finally {
    server.close();
  }
  return seen!;
}

describe('front thread request headers', () => {
  const cases: [string, string[]][] = [
    ['plain', ['Host: a', 'Accept: application/json', 'User-Agent: kubectl/v1.35.0']],
    ['repeated list fields join with a comma', ['Host: a', 'Accept: application/json', 'accept: application/yaml', 'Warning: 1', 'WARNING: 2']],
    ['fields allowed once keep the first', ['Host: a', 'Host: b', 'Content-Type: application/json', 'content-type: text/plain', 'Authorization: Bearer x', 'Authorization: Bearer y', 'User-Agent: one', 'User-Agent: two']],
    ['cookies join with a semicolon, set-cookie stays a list', ['Host: a', 'Cookie: a=1', 'Cookie: b=2', 'Set-Cookie: x=1', 'Set-Cookie: y=2']],
    ['impersonation headers', ['Host: a', 'Impersonate-User: jane', 'Impersonate-Group: g1', 'Impersonate-Group: g2', 'Impersonate-Extra-Scopes: view', 'impersonate-extra-scopes: edit']],
    ['empty value', ['Host: a', 'X-Empty:', 'X-Empty: later']],
  ];
  for (const [name, lines] of cases) {
    it(`${name}: as node's IncomingMessage`, async () => {
      const node = await nodeParse(lines);
      assert.deepEqual({ ...joinedHeaders(node.rawHeaders) }, { ...node.headers });
      assert.deepEqual({ ...distinctHeaders(node.rawHeaders) }, { ...node.headersDistinct });
    });
  }

  it('flattens outgoing headers, a list value as repeated lines', () => {
    const headers = new Map<string, { name: string; value: number | string | readonly string[] }>([
      ['content-type', { name: 'Content-Type', value: 'application/json' }],
      ['content-length', { name: 'Content-Length', value: 12 }],
      ['warning', { name: 'Warning', value: ['299 - "a"', '299 - "b"'] }],
    ]);
    assert.deepEqual(flatHeaders(headers), ['Content-Type', 'application/json', 'Content-Length', '12', 'Warning', '299 - "a"', 'Warning', '299 - "b"']);
  });
});
