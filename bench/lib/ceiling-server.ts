/**
 * The ceiling for API benchmarks: a bare `node:https` server, run as its own process
 * (`node --import tsx bench/lib/ceiling-server.ts --key F --cert F --ca F [--get-bytes N]
 * [--post-bytes N]`). It uses the same TLS setup as `kubestellar serve` (the key and certificate
 * given, client certificates requested), answers every GET with a fixed JSON body of about
 * `--get-bytes` and every other request, once its body has been read, with 201 and a fixed JSON
 * body of about `--post-bytes`. It prints `ready https://127.0.0.1:PORT` and exits on SIGTERM.
 *
 * For the watch fan-out ceiling: `GET /watch` opens a newline-delimited JSON stream, and
 * `POST /watch` answers 201 after writing `{"type":"ADDED","object":<the posted body>}` once to
 * every open stream (one shared buffer: the least a watch server can do).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    cert: { type: 'string' },
    ca: { type: 'string' },
    'get-bytes': { type: 'string', default: '2400' },
    'post-bytes': { type: 'string', default: '2400' },
  },
});
if (values.key === undefined || values.cert === undefined) throw new Error('--key and --cert are required');

/** A ConfigMap-shaped JSON document of about `size` bytes. */
function body(size: number): Buffer {
  const doc = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'ceiling',
      namespace: 'default',
      uid: '00000000-0000-0000-0000-000000000000',
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z',
    },
    data: { payload: '' },
  };
  const overhead = Buffer.byteLength(JSON.stringify(doc));
  doc.data.payload = 'x'.repeat(Math.max(0, size - overhead));
  return Buffer.from(JSON.stringify(doc));
}

const getBody = body(Number(values['get-bytes']));
const watchers = new Set<ServerResponse>();
const FRAME_HEAD = Buffer.from('{"type":"ADDED","object":');
const FRAME_TAIL = Buffer.from('}\n');
const postBody = body(Number(values['post-bytes']));

const server = createServer(
  {
    key: readFileSync(values.key),
    cert: readFileSync(values.cert),
    ...(values.ca !== undefined && { ca: [readFileSync(values.ca)] }),
    requestCert: true,
    rejectUnauthorized: false,
  },
  (req, res) => {
    if (req.url === '/watch' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      watchers.add(res);
      res.on('close', () => watchers.delete(res));
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': getBody.length });
      res.end(getBody);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const posted = Buffer.concat(chunks);
      if (req.url === '/watch') {
        const frame = Buffer.concat([FRAME_HEAD, posted, FRAME_TAIL]);
        for (const w of watchers) w.write(frame);
      }
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': postBody.length });
      res.end(postBody);
    });
  },
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`ready https://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
