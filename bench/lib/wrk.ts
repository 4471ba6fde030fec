/**
 * wrk (Debian's `wrk` package) as the load generator for the throughput figures. It is written in
 * C with its own event loop, so it drives 100 keep-alive HTTPS connections with a fraction of the
 * CPU a Node.js client needs: on a 2-core host a Node client saturates its core below what even a
 * bare `node:https` server answers, and the figures would be the client's, not the server's.
 *
 * Each run gets a generated Lua script: it makes every request (GETs of paths picked at random
 * from a file, or POSTs of bodies with a fresh name each) and, when wrk is done, prints one line
 * `WRKJSON {...}` with the counts and the whole latency histogram, from which the samples are
 * rebuilt. wrk cannot present a client certificate: the requests carry a bearer token.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { LoadResult } from './load.js';
import { Samples } from './stats.js';

/** The wrk binary on PATH, if any. */
export function findWrk(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, 'wrk');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

/** What each request is. */
export type WrkRequests =
  | { readonly kind: 'get'; readonly paths: readonly string[] }
  /** POSTs of `head + prefix + <thread>-<n> + tail`: a fresh name per request. */
  | { readonly kind: 'post'; readonly path: string; readonly head: string; readonly tail: string; readonly namePrefix: string };

export interface WrkSpec {
  /** Origin, e.g. `https://127.0.0.1:6443`. */
  readonly origin: string;
  readonly connections: number;
  readonly threads: number;
  readonly durationMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly requests: WrkRequests;
}

/** A Lua long string that cannot be closed early by its content. */
function luaString(s: string): string {
  let eq = '=';
  while (s.includes(`]${eq}]`)) eq += '=';
  return `[${eq}[${s}]${eq}]`;
}

function script(spec: WrkSpec, pathsFile: string | undefined): string {
  const r = spec.requests;
  const headers = Object.entries(spec.headers)
    .map(([k, v]) => `wrk.headers[ ${luaString(k)} ] = ${luaString(v)}`)
    .join('\n');
  return `${headers}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local paths = nil
function init(args)
  math.randomseed(tid * 7919)
  ${pathsFile === undefined ? '' : `paths = {}
  for line in io.lines(${luaString(pathsFile)}) do paths[#paths + 1] = line end`}
end
function request()
  ${
    r.kind === 'get'
      ? 'return wrk.format("GET", paths[math.random(#paths)])'
      : `n = n + 1
  return wrk.format("POST", ${luaString(r.path)}, nil, ${luaString(r.head)} .. ${luaString(r.namePrefix)} .. tid .. "-" .. n .. ${luaString(r.tail)})`
  }
end
function done(summary, latency, requests)
  local parts = {}
  for i = 1, #latency do
    local v, c = latency(i)
    parts[#parts + 1] = string.format("[%d,%d]", v, c)
  end
  local e = summary.errors
  -- wrk's own CPU time so far (utime + stime, in clock ticks): fields 14 and 15 of /proc/self/stat.
  local ticks = -1
  local f = io.open("/proc/self/stat", "r")
  if f then
    local rest = f:read("*a"):match("%) (.*)")
    f:close()
    local fields = {}
    for w in rest:gmatch("%S+") do fields[#fields + 1] = w end
    ticks = tonumber(fields[12]) + tonumber(fields[13])
  end
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"cpuTicks":%d,"latencyUs":[%s]}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, ticks, table.concat(parts, ",")))
end
`;
}

interface WrkJson {
  requests: number;
  durationUs: number;
  bytes: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  /** wrk's CPU time in clock ticks (USER_HZ, 100 on Linux), or -1 when /proc was unreadable. */
  cpuTicks: number;
  latencyUs: [number, number][];
}

/** Linux reports process CPU time in USER_HZ ticks, 100 per second on every mainstream architecture. */
const USER_HZ = 100;

/** Runs wrk once and returns its figures in the shape of the Node load generator's. */
export async function runWrk(wrk: string, spec: WrkSpec): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-wrk-'));
  try {
    let pathsFile: string | undefined;
    if (spec.requests.kind === 'get') {
      pathsFile = join(dir, 'paths.txt');
      await writeFile(pathsFile, spec.requests.paths.join('\n') + '\n');
    }
    const scriptFile = join(dir, 'load.lua');
    await writeFile(scriptFile, script(spec, pathsFile));
    const seconds = Math.max(1, Math.round(spec.durationMs / 1000));
    const args = ['-t', String(spec.threads), '-c', String(spec.connections), '-d', `${seconds}s`, '--timeout', '10s', '-s', scriptFile, spec.origin + '/'];
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((ok, fail) => {
      const child = spawn(wrk, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
      child.on('error', fail);
      child.on('close', (c) => ok({ stdout: out, stderr: err, code: c }));
    });
    const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
    if (code !== 0 || line === undefined) throw new Error(`wrk exited ${code}: ${(stderr || stdout).slice(0, 500)}`);
    const j = JSON.parse(line.slice('WRKJSON '.length)) as WrkJson;
    const latency = new Samples();
    for (const [us, count] of j.latencyUs) for (let i = 0; i < count; i++) latency.push(us / 1000);
    const transport = j.connect + j.read + j.write + j.timeout;
    const errors = j.status + transport;
    const statuses: Record<string, number> = { '2xx/3xx': j.requests - j.status };
    if (j.status > 0) statuses['4xx/5xx'] = j.status;
    if (transport > 0) statuses['error'] = transport;
    return {
      ok: j.requests - j.status,
      errors,
      statuses,
      // wrk's histogram holds every answer; errors are rare enough not to skew it.
      latency,
      errorLatency: new Samples(),
      elapsedMs: j.durationUs / 1000,
      bytesIn: j.bytes,
      ...(j.cpuTicks >= 0 ? { generatorCpuSeconds: j.cpuTicks / USER_HZ } : {}),
      firstError: errors > 0 ? `wrk: ${j.status} non-2xx/3xx, ${j.connect} connect, ${j.read} read, ${j.write} write, ${j.timeout} timeout errors` : undefined,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
