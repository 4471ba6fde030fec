/**
 * `npm run bench -- api [--quick]`: the API server over HTTPS with keep-alive, for 2 KiB
 * ConfigMaps in space wds1: durable create throughput and latency at concurrency 100, GET by name
 * at concurrency 100, LIST of 10,000 objects (time to last byte, and the server's peak RSS above
 * its level before the request), and watch delivery latency with 1,000 watchers while one writer
 * creates objects at a fixed rate. The same client and concurrency against a bare `node:https`
 * server (bench/lib/ceiling-server.ts) give the ceiling, measured in the same run; for watch, the
 * ceiling is that server writing one shared frame per create to every open stream.
 *
 * With an `etcd` binary on PATH, the same phases then run against a second server whose storage is
 * a throwaway etcd 3.4 (`--storage etcd://...`), figures prefixed `etcd_`, with LevelDB/etcd ratios.
 *
 * The server runs as users run it, built by `npm run build` (bench/lib/server-entry.ts); it and the
 * ceiling run as child processes. The create and GET loads come from wrk when
 * it is on PATH (bench/lib/wrk.ts; with a ServiceAccount token, as wrk has no client
 * certificates), else from this process (bench/lib/load.ts, with the admin client certificate);
 * LIST is driven from this process; the watch streams are held by BENCH_API_WATCH_CLIENTS
 * load-generator processes (bench/lib/watch-client.ts, default 1), apart from the writer, which
 * time each delivery on the host's shared monotonic clock against the writer's timestamp.
 * Environment knobs, for investigation:
 *   BENCH_API_PHASES=create,get,list,watch,etcd   run only these phases (get needs create; etcd
 *                                            repeats the others on a server over etcd 3.4)
 *   BENCH_API_CPU_PROF_DIR=/tmp/prof         run the server with --cpu-prof into that directory
 *   BENCH_API_NODE_ARGS=--perf-basic-prof    more node options for the server (e.g. for `perf record -p`)
 *   BENCH_API_SERVER_OUTPUT=/tmp/server.log  append the server's stdout and stderr to that file
 *   BENCH_API_WATCH_RATE=20                  creates/s during the watch run (default 20)
 *   BENCH_API_NO_WRK=1                       use this process as the load generator even with wrk
 *   BENCH_API_WATCH_CLIENTS=1                watch load-generator processes the streams are split over
 *
 * On a small host the figures depend on what else runs: the load average is printed before and
 * after, and each load figure comes with the server's and the client's CPU use.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startWatchClients } from './lib/watch-clients.js';
import { fileURLToPath } from 'node:url';
import { cpuWindow, rssBytes, sampleRss, spawnServer, type CpuUse, type ServerChild } from './lib/child.js';
import {
  closedLoop,
  fieldScanner,
  keepAliveAgent,
  kubeconfigClient,
  mergeResults,
  monotonicMs,
  send,
  type ClientConfig,
  type LoadResult,
  type LoadSpec,
  type Req,
  type Stream,
} from './lib/load.js';
import { Reporter } from './lib/report.js';
import { findWrk, runWrk } from './lib/wrk.js';
import { builtCli, SERVER_NODE_OPTIONS } from './lib/server-entry.js';
import { Samples, percentile, ratio, summarize, throughput } from './lib/stats.js';

const CONCURRENCY = 100;
const DATA_BYTES = 2048;
const LIST_OBJECTS = 10_000;
const LIST_REPS = 3;
const WATCHERS = 1000;
/**
 * Creates per second during the watch run: 1,000 watchers × 20 = 20,000 deliveries/s, about what
 * the load generators can receive on a 2-core host without becoming the bottleneck themselves
 * (at 100/s even the bare node:https ceiling shows a p99 of several hundred ms in the same run).
 * BENCH_API_WATCH_RATE=100 reproduces that stress figure.
 */
const WATCH_WRITE_RATE = Number(process.env['BENCH_API_WATCH_RATE'] ?? '') || 20;
const SENT_FIELD = 'benchSentAt';
/**
 * Watch load-generator processes the 1,000 streams are split over. One by default: on a 2-core
 * host, two clients and the server oversubscribe the cores, and in back-to-back runs the bare
 * ceiling's p99 went from about 100-290 ms with one client to 410-440 ms with two.
 */
const WATCH_CLIENTS = Number(process.env['BENCH_API_WATCH_CLIENTS'] ?? '') || 1;
const MiB = 1024 * 1024;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** 2 KiB of base64 text, a few variants so bodies are not all identical. */
const payloads = Array.from({ length: 16 }, () => randomBytes((DATA_BYTES * 3) / 4).toString('base64'));

function configMap(name: string, n: number, extra: Record<string, string> = {}): Buffer {
  const data = { ...extra, payload: payloads[n % payloads.length]!.slice(0, DATA_BYTES - JSON.stringify(extra).length + 2) };
  return Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data }));
}

export async function run({ quick }: { quick: boolean }): Promise<void> {
  const durationMs = quick ? 2_000 : 10_000;
  const warmupMs = quick ? 300 : 1_000;
  const watchMs = quick ? 2_000 : 10_000;
  /** How long deliveries may trail the last create before the rest count as missed. */
  const drainMs = quick ? 5_000 : 15_000;
  /** Create and GET alternate between our server and the ceiling in this many slices. */
  const rounds = quick ? 1 : 5;
  const phases = new Set((process.env['BENCH_API_PHASES'] ?? 'create,get,list,watch,etcd').split(',').map((s) => s.trim()));
  const profDir = process.env['BENCH_API_CPU_PROF_DIR'];
  const nodeArgs = (process.env['BENCH_API_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const serverOutput = process.env['BENCH_API_SERVER_OUTPUT'];
  const rep = new Reporter('api');
  const wrk = process.env['BENCH_API_NO_WRK'] ? undefined : findWrk();
  rep.note(
    `mode=${quick ? 'quick' : 'full'} concurrency=${CONCURRENCY} data=${DATA_BYTES}B load=${durationMs}ms/figure in ${rounds} slice(s) alternating with the ceiling (warmup ${warmupMs}ms) ` +
      `list=${LIST_OBJECTS}x${LIST_REPS} watchers=${WATCHERS} watch=${watchMs}ms@${WATCH_WRITE_RATE}/s phases=${[...phases].join(',')}` +
      (profDir ? ` cpu-prof=${profDir}` : ''),
  );

  rep.note(hostLoad());
  const dir = await mkdtemp(join(tmpdir(), 'bench-api-'));
  let server: ServerChild | undefined;
  let ceiling: ServerChild | undefined;
  const agents: Agent[] = [];
  try {
    const t0 = performance.now();
    server = await spawnServer(
      process.execPath,
      [
        ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
        ...SERVER_NODE_OPTIONS,
        ...nodeArgs,
        builtCli(),
        'serve',
        '--port',
        '0',
        '--data-dir',
        dir,
        '--demo',
      ],
      { cwd: repoRoot, outputFile: serverOutput },
    );
    const config = await kubeconfigClient(join(dir, 'kubeconfigs', 'wds1.kubeconfig'));
    rep.note(`server pid ${server.pid} at ${server.url} ready in ${Math.round(performance.now() - t0)} ms`);

    const pki = await findPki(dir);
    ceiling = await spawnServer(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'bench/lib/ceiling-server.ts'), '--key', pki.key, '--cert', pki.cert, '--ca', pki.ca],
      { cwd: repoRoot },
    );
    const ceilingConfig: ClientConfig = { ...config, origin: ceiling.url, prefix: '' };
    rep.note(`ceiling (bare node:https) pid ${ceiling.pid} at ${ceiling.url}`);

    const agent = keepAliveAgent(config, CONCURRENCY);
    const ceilingAgent = keepAliveAgent(ceilingConfig, CONCURRENCY);
    agents.push(agent, ceilingAgent);
    const cms = `${config.prefix}/api/v1/namespaces/default/configmaps`;

    const bearer = wrk === undefined ? undefined : await benchToken(config, agent);
    rep.note(`load generator for create and GET: ${wrk === undefined ? 'this process (node:https), client certificate' : `${wrk}, ServiceAccount token`}`);
    const ours = runners({ config, agent, pid: server.pid }, wrk, bearer);
    const theirs = runners({ config: ceilingConfig, agent: ceilingAgent, pid: ceiling.pid }, wrk, bearer);

    // --- creates ---
    if (phases.has('create') || phases.has('get')) {
      const [r, c] = await alternate(rounds, warmupMs, durationMs, [ours, ours.create(cms)], [theirs, theirs.create('/ceiling')]);
      reportLoad(rep, 'create', r);
      reportLoad(rep, 'create', c, 'ceiling');
    }

    // --- GET by name ---
    const created = phases.has('get') ? await names(config, agent, cms) : [];
    if (phases.has('get') && created.length > 0) {
      const paths = created.map((n) => `${cms}/${n}`);
      const [r, c] = await alternate(rounds, warmupMs, durationMs, [ours, ours.get(paths)], [theirs, theirs.get(['/ceiling'])]);
      reportLoad(rep, 'get', r);
      rep.note(`get: over ${created.length} ConfigMaps, ${Math.round(r.result.bytesIn / Math.max(1, r.result.ok + r.result.errors))} B/answer`);
      reportLoad(rep, 'get', c, 'ceiling');
    }
    ceilingAgent.destroy();

    const f = rep.figures;
    const b = rep.baselines;
    for (const op of ['create', 'get']) {
      if (f[`${op}_throughput`] !== undefined) {
        rep.ratio(`${op}_throughput_over_ceiling`, ratio(f[`${op}_throughput`], b[`${op}_throughput`]));
        rep.ratio(`${op}_p99_over_ceiling`, ratio(f[`${op}_p99`], b[`${op}_p99`]));
        rep.ratio(`${op}_server_cpu_per_op_over_ceiling`, ratio(f[`${op}_server_cpu_per_op`], b[`${op}_server_cpu_per_op`]));
      }
    }

    if (phases.has('list')) await listBench(rep, config, agent, server, quick);
    if (phases.has('watch')) {
      await watchBench(rep, await ourWatchTarget(config, server, agents), watchMs, drainMs, agents);
      const ceilingWatch = { config: ceilingConfig, pid: ceiling.pid, watchPath: '/watch', writePath: '/watch', peer: 'ceiling' };
      await watchBench(rep, ceilingWatch, watchMs, drainMs, agents);
      rep.ratio('watch_delivery_p99_over_ceiling', ratio(rep.figures['watch_delivery_p99'], rep.baselines['watch_delivery_p99']));
      rep.ratio(
        'watch_server_cpu_per_delivery_over_ceiling',
        ratio(rep.figures['watch_server_cpu_per_delivery'], rep.baselines['watch_server_cpu_per_delivery']),
      );
    }
    await ceiling.stop();
    ceiling = undefined;

    const log = server.stderr().split('\n').filter((l) => l.trim() !== '' && !/kubeconfig/.test(l));
    if (log.length > 0) rep.note(`server stderr (${log.length} lines), last: ${log.slice(-3).join(' | ').slice(0, 500)}`);
  } finally {
    for (const a of agents) a.destroy();
    if (ceiling) await ceiling.stop();
    if (server) await server.stop(profDir ? 30_000 : 5_000);
    await rm(dir, { recursive: true, force: true });
  }

  if (phases.has('etcd')) await etcdRun(rep, { durationMs, warmupMs, watchMs, drainMs, quick, phases, wrk });

  rep.note(hostLoad());
  rep.target({ figure: 'create_throughput', op: '>=', value: 5_000, unit: 'creates/s' });
  rep.target({ figure: 'create_p99', op: '<=', value: 50, unit: 'ms' });
  rep.target({ figure: 'get_throughput', op: '>=', value: 10_000, unit: 'gets/s' });
  rep.target({ figure: 'list_10k_time', op: '<=', value: 300, unit: 'ms' });
  rep.target({ figure: 'list_10k_extra_rss_over_response', op: '<=', value: 1.5, unit: 'x' });
  rep.target({ figure: 'watch_delivery_p99', op: '<=', value: 50, unit: 'ms' });
  rep.finish();
}

/** A run of load lasting about `ms` milliseconds. */
type Run = (ms: number) => Promise<LoadResult>;

/** A server under load: where to connect, with which agent, and its PID (for CPU accounting). */
interface Side {
  readonly config: ClientConfig;
  readonly agent: Agent;
  readonly pid: number;
}

/** The create and GET loads against one side, from wrk or from this process. */
interface Runners {
  readonly side: Side;
  /** The load comes from another process (wrk): this process's CPU use says nothing about it. */
  readonly external: boolean;
  /** POSTs of 2 KiB ConfigMaps, each with a fresh name, to `path`. */
  create(path: string): Run;
  /** GETs of paths picked at random from `paths`. */
  get(paths: readonly string[]): Run;
}

function runners(side: Side, wrk: string | undefined, bearer: string | undefined): Runners {
  let seq = 0;
  if (wrk === undefined || bearer === undefined) {
    return {
      side,
      external: false,
      create: (path) => (ms) =>
        closedLoop(side.config, side.agent, {
          concurrency: CONCURRENCY,
          durationMs: ms,
          next: () => {
            const n = seq++;
            return { method: 'POST', path, body: configMap(`cm-${n}`, n) };
          },
        }),
      get: (paths) => (ms) => {
        let x = 0x9e3779b9; // xorshift32 picks
        const next = (): Req => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          return { method: 'GET', path: paths[(x >>> 0) % paths.length]! };
        };
        return closedLoop(side.config, side.agent, { concurrency: CONCURRENCY, durationMs: ms, next });
      },
    };
  }
  const base = {
    origin: side.config.origin,
    connections: CONCURRENCY,
    threads: 1,
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json', 'Content-Type': 'application/json' },
  };
  // The body around the name: the same 2 KiB ConfigMap as the Node generator sends.
  const [head, tail] = configMap('\u0000', 0).toString('utf8').split('\\u0000') as [string, string];
  return {
    side,
    external: true,
    create: (path) => (ms) => runWrk(wrk, { ...base, durationMs: ms, requests: { kind: 'post', path, head, tail, namePrefix: `cm-${seq++}-` } }),
    get: (paths) => (ms) => runWrk(wrk, { ...base, durationMs: ms, requests: { kind: 'get', paths } }),
  };
}

/** The names of the ConfigMaps under `path` (one LIST of their metadata). */
async function names(config: ClientConfig, agent: Agent, path: string): Promise<string[]> {
  const accept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
  const r = await send(config, agent, { method: 'GET', path, headers: { accept } }, true);
  if (r.status !== 200) throw new Error(`listing ${path}: HTTP ${r.status} ${r.body?.toString('utf8').slice(0, 300)}`);
  return (JSON.parse(r.body!.toString('utf8')) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
}

/**
 * A bearer token with cluster-admin rights in the space, for wrk: ServiceAccount `bench-load` in
 * `default`, bound to cluster-admin, with a TokenRequest good for a few hours.
 */
async function benchToken(config: ClientConfig, agent: Agent): Promise<string> {
  const post = async (path: string, doc: unknown, ok: number[]): Promise<Buffer | undefined> => {
    const r = await send(config, agent, { method: 'POST', path: `${config.prefix}${path}`, body: Buffer.from(JSON.stringify(doc)) }, true);
    if (!ok.includes(r.status)) throw new Error(`POST ${path}: HTTP ${r.status} ${r.body?.toString('utf8').slice(0, 300)}`);
    return r.body;
  };
  await post('/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bench-load' } }, [201, 409]);
  await post(
    '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'bench-load' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'bench-load', namespace: 'default' }],
    },
    [201, 409],
  );
  const body = await post(
    '/api/v1/namespaces/default/serviceaccounts/bench-load/token',
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 4 * 3600 } },
    [200, 201],
  );
  return (JSON.parse(body!.toString('utf8')) as { status: { token: string } }).status.token;
}

interface Measured {
  readonly result: LoadResult;
  readonly cpu: CpuUse;
  /** Whether `cpu.self` is the load generator's. */
  readonly clientCpu: boolean;
}

/** One run of load on one side, with that server's and this process's CPU use over it. */
async function measure(r: Runners, run: Run, ms: number): Promise<Measured> {
  const cpu = cpuWindow(r.side.pid);
  const result = await run(ms);
  return { result, cpu: cpu.stop(), clientCpu: !r.external };
}

/**
 * A warm-up on each side, then `rounds` alternating slices (A, B, A, B, ...) of `totalMs / rounds`
 * each, merged per side: a busy spell on a shared host then hits both sides alike.
 */
async function alternate(rounds: number, warmupMs: number, totalMs: number, [a, runA]: [Runners, Run], [b, runB]: [Runners, Run]): Promise<[Measured, Measured]> {
  await runA(warmupMs);
  await runB(warmupMs);
  const as: Measured[] = [];
  const bs: Measured[] = [];
  for (let i = 0; i < rounds; i++) {
    as.push(await measure(a, runA, totalMs / rounds));
    bs.push(await measure(b, runB, totalMs / rounds));
  }
  return [merge(as), merge(bs)];
}

function merge(ms: readonly Measured[]): Measured {
  let childSeconds = 0;
  let selfSeconds = 0;
  let wallMs = 0;
  for (const m of ms) {
    childSeconds += m.cpu.childSeconds;
    selfSeconds += (m.cpu.self / 100) * (m.cpu.wallMs / 1000);
    wallMs += m.cpu.wallMs;
  }
  const wall = Math.max(1e-9, wallMs / 1000);
  return {
    result: mergeResults(ms.map((m) => m.result)),
    cpu: { child: (childSeconds / wall) * 100, self: (selfSeconds / wall) * 100, childSeconds, wallMs },
    clientCpu: ms.every((m) => m.clientCpu),
  };
}

function reportLoad(rep: Reporter, op: string, { result: r, cpu, clientCpu }: Measured, peer?: string, prefix = ''): void {
  const s = summarize(r.latency);
  const put = (name: string, value: number, unit: string): void => {
    if (peer === undefined) rep.figure(`${prefix}${op}_${name}`, value, unit);
    else rep.baseline(`${op}_${name}`, value, unit, peer);
  };
  put('throughput', throughput(r.ok, r.elapsedMs), `${op}s/s`);
  put('p50', s.p50, 'ms');
  put('p99', s.p99, 'ms');
  put('errors', r.errors, 'requests');
  put('server_cpu', cpu.child, '%');
  if (clientCpu) put('client_cpu', cpu.self, '%');
  // wrk's CPU per request: with the server's, what one request costs this host in all.
  if (r.generatorCpuSeconds !== undefined) put('client_cpu_per_op', (r.generatorCpuSeconds * 1e6) / Math.max(1, r.ok + r.errors), 'us');
  // Server CPU time per answered request: less sensitive than throughput to a busy host.
  put('server_cpu_per_op', (cpu.childSeconds * 1e6) / Math.max(1, r.ok + r.errors), 'us');
  if (clientCpu && cpu.self >= 90) {
    rep.note(`${peer ?? 'server'} ${op}: the client used ${Math.round(cpu.self)}% CPU (one core): this throughput is bounded by the load generator`);
  }
  if (r.errors > 0) {
    rep.note(`${peer ?? 'server'} ${op}: ${r.errors} failed of ${r.ok + r.errors}; by status ${JSON.stringify(r.statuses)}; first: ${r.firstError}`);
  }
}

/** The serving key and certificate `kubestellar serve` wrote, for the ceiling's identical TLS. */
async function findPki(dataDir: string): Promise<{ key: string; cert: string; ca: string }> {
  for (const d of [join(dataDir, 'pki', 'pki'), join(dataDir, 'pki')]) {
    try {
      await access(join(d, 'serving.key'));
      return { key: join(d, 'serving.key'), cert: join(d, 'serving.crt'), ca: join(d, 'ca.crt') };
    } catch {
      // next
    }
  }
  throw new Error(`no serving.key under ${dataDir}/pki`);
}

async function ensureNamespace(config: ClientConfig, agent: Agent, name: string): Promise<void> {
  const body = Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  const r = await send(config, agent, { method: 'POST', path: `${config.prefix}/api/v1/namespaces`, body });
  if (r.status !== 201 && r.status !== 409) throw new Error(`creating namespace ${name}: HTTP ${r.status} ${r.body?.toString('utf8')}`);
}

async function listBench(rep: Reporter, config: ClientConfig, agent: Agent, server: ServerChild, quick: boolean, prefix = ''): Promise<void> {
  const ns = 'bench-list';
  await ensureNamespace(config, agent, ns);
  const path = `${config.prefix}/api/v1/namespaces/${ns}/configmaps`;
  const fillStart = performance.now();
  const fill = await closedLoop(config, agent, {
    concurrency: CONCURRENCY,
    durationMs: 600_000,
    maxRequests: LIST_OBJECTS,
    next: (i) => ({ method: 'POST', path, body: configMap(`l-${i}`, i) }),
  });
  rep.note(`list: created ${fill.ok} ConfigMaps in ${ns} in ${Math.round(performance.now() - fillStart)} ms (${fill.errors} failed${fill.firstError ? `; first: ${fill.firstError}` : ''})`);

  const one = keepAliveAgent(config, 1);
  try {
    await send(config, one, { method: 'GET', path: `${path}?limit=1` });
    const times: number[] = [];
    const extras: number[] = [];
    let bytes = 0;
    let items = -1;
    for (let i = 0; i < LIST_REPS; i++) {
      await sleep(quick ? 300 : 1000);
      const before = rssBytes(server.pid);
      const sampler = await sampleRss(server.pid, 5);
      const reply = await send(config, one, { method: 'GET', path }, i === 0);
      const { peak, samples } = await sampler.stop();
      if (reply.status !== 200) throw new Error(`list: HTTP ${reply.status} ${reply.body?.toString('utf8')}`);
      if (i === 0) items = (JSON.parse(reply.body!.toString('utf8')) as { items: unknown[] }).items.length;
      times.push(reply.latencyMs);
      extras.push(Math.max(0, peak - before));
      bytes = reply.bytes;
      rep.note(
        `list rep ${i + 1}: ${reply.latencyMs.toFixed(1)} ms, ${reply.bytes} B, rss before ${(before / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB (${samples} samples)`,
      );
    }
    rep.figure(`${prefix}list_10k_items`, items, 'objects');
    rep.figure(`${prefix}list_10k_time`, percentile(times, 50), 'ms');
    rep.figure(`${prefix}list_10k_bytes`, bytes, 'bytes');
    // The worst repetition: a later LIST may reuse heap the first one grew.
    const extra = Math.max(...extras);
    rep.figure(`${prefix}list_10k_extra_rss`, extra / MiB, 'MiB');
    rep.figure(`${prefix}list_10k_extra_rss_over_response`, extra / bytes, 'x');
  } finally {
    one.destroy();
  }
}

/** Where a watch fan-out run connects: the watch URL path and the URL path the writer POSTs to. */
interface WatchTarget {
  readonly config: ClientConfig;
  readonly pid: number;
  readonly watchPath: string;
  readonly writePath: string;
  /** Baseline peer name, or undefined for our server. */
  readonly peer?: string;
}

/** Our server: a fresh namespace, watched from its current resourceVersion. */
async function ourWatchTarget(config: ClientConfig, server: ServerChild, agents: Agent[]): Promise<WatchTarget> {
  const ns = 'bench-watch';
  const setup = keepAliveAgent(config, 1);
  agents.push(setup);
  await ensureNamespace(config, setup, ns);
  const path = `${config.prefix}/api/v1/namespaces/${ns}/configmaps`;
  const head = await send(config, setup, { method: 'GET', path: `${path}?limit=1` }, true);
  if (head.status !== 200) throw new Error(`watch setup: HTTP ${head.status} ${head.body?.toString('utf8')}`);
  const rv = (JSON.parse(head.body!.toString('utf8')) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  setup.destroy();
  return { config, pid: server.pid, watchPath: `${path}?watch=1&resourceVersion=${rv}`, writePath: path };
}

/**
 * WATCHERS watch streams, each on its own connection; one writer creates objects at
 * WATCH_WRITE_RATE/s on a fixed schedule (open loop: a late tick fires at once, it does not wait
 * for the previous create). Each object carries the time its create was sent; latency is from
 * then to a watcher receiving the event, so it includes the durable commit.
 */
async function watchBench(rep: Reporter, target: WatchTarget, watchMs: number, drainMs: number, agents: Agent[], prefix = ''): Promise<void> {
  const { config, peer } = target;
  const put = (name: string, value: number, unit: string): void => {
    if (peer === undefined) rep.figure(`${prefix}watch_${name}`, value, unit);
    else rep.baseline(`watch_${name}`, value, unit, peer);
  };
  const who = peer ?? `${prefix}server`;
  const openStart = performance.now();
  const clients = await startWatchClients(WATCH_CLIENTS, config, target.watchPath, WATCHERS, SENT_FIELD);
  try {
    const statuses = clients.statuses;
    const notOk = statuses.filter((s) => s !== 200).length;
    rep.note(
      `${who} watch: ${WATCHERS - notOk} of ${WATCHERS} watches open in ${Math.round(performance.now() - openStart)} ms, over ${WATCH_CLIENTS} client process(es)`,
    );
    if (notOk > 0) rep.note(`${who} watch: statuses of failed opens: ${JSON.stringify(countBy(statuses.filter((s) => s !== 200)))}`);

    const writer = keepAliveAgent(config, 16);
    agents.push(writer);
    const commit = new Samples();
    let committed = 0;
    let writeErrors = 0;
    let firstWriteError: string | undefined;
    const inflight = new Set<Promise<void>>();
    const interval = 1000 / WATCH_WRITE_RATE;
    const writes = Math.floor(watchMs / interval);
    const cpu = cpuWindow(target.pid);
    const clientCpu0 = clients.cpuSeconds();
    const start = performance.now();
    const startMono = monotonicMs();
    for (let i = 0; i < writes; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      const body = configMap(`w-${i}`, i, { [SENT_FIELD]: monotonicMs().toFixed(3) });
      const p = send(config, writer, { method: 'POST', path: target.writePath, body }).then(
        (r) => {
          if (r.status === 201) {
            committed++;
            commit.push(r.latencyMs);
          } else {
            writeErrors++;
            firstWriteError ??= `HTTP ${r.status} ${r.body?.toString('utf8').slice(0, 300)}`;
          }
        },
        (err: unknown) => {
          writeErrors++;
          firstWriteError ??= (err as Error).message;
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
    }
    await Promise.all(inflight);
    const scheduleEnd = start + writes * interval;
    const expected = committed * (WATCHERS - notOk);
    // The clients cannot be asked how far they got without stopping them: give the last frames a
    // moment to arrive (each is due within milliseconds of its write), then a drain time, then stop.
    await sleep(250);
    const cpuUse = cpu.stop();
    const clientSeconds = clients.cpuSeconds() - clientCpu0;
    await sleep(Math.min(drainMs, 2_000));
    const { latencies, lastDeliveryAt, endedEarly } = await clients.stop();
    writer.destroy();

    const delivered = latencies.length;
    const latency = new Samples();
    for (const l of latencies) latency.push(l);
    const s = summarize(latency);
    const c = summarize(commit);
    const windowMs = Math.max(scheduleEnd - start, lastDeliveryAt - startMono);
    put('delivery_p50', s.p50, 'ms');
    put('delivery_p99', s.p99, 'ms');
    put('delivery_max', s.max, 'ms');
    put('delivery_rate', throughput(delivered, windowMs), 'deliveries/s');
    put('writer_rate', throughput(committed, scheduleEnd - start), 'creates/s');
    put('writer_create_p99', c.p99, 'ms');
    put('missed_deliveries', expected - delivered, 'deliveries');
    put('streams_ended_early', endedEarly, 'streams');
    put('server_cpu', cpuUse.child, '%');
    put('server_cpu_per_delivery', (cpuUse.childSeconds * 1e6) / Math.max(1, delivered), 'us');
    put('client_cpu', (clientSeconds / (cpuUse.wallMs / 1000)) * 100, '%');
    if (writeErrors > 0) rep.note(`${who} watch: ${writeErrors} write(s) failed; first: ${firstWriteError}`);
  } finally {
    clients.kill();
  }
}

/** CPUs and load average: the figures are only comparable on a host that was otherwise idle. */
function hostLoad(): string {
  const [one, five] = loadavg();
  return `host: ${availableParallelism()} CPUs, load average ${one!.toFixed(2)} (1 min) ${five!.toFixed(2)} (5 min)`;
}

function countBy(values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}

/**
 * The same phases against `kubestellar serve --storage etcd://...` on a throwaway etcd, figures
 * prefixed `etcd_`, then the LevelDB/etcd ratios of the headline figures.
 */
async function etcdRun(
  rep: Reporter,
  o: { durationMs: number; warmupMs: number; watchMs: number; drainMs: number; quick: boolean; phases: ReadonlySet<string>; wrk: string | undefined },
): Promise<void> {
  const { startEtcd } = await import('./lib/etcd.js');
  const etcd = await startEtcd({ extraArgs: ['--max-request-bytes', String(4 * MiB), '--max-txn-ops', '10000'] }).catch((err: unknown) => {
    rep.note(`etcd run skipped: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  });
  if (etcd === undefined) {
    rep.note('etcd run skipped: no etcd binary on PATH');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-api-etcd-'));
  const agents: Agent[] = [];
  let server: ServerChild | undefined;
  try {
    const t0 = performance.now();
    server = await spawnServer(
      process.execPath,
      [...SERVER_NODE_OPTIONS, builtCli(), 'serve', '--port', '0', '--data-dir', dir, '--demo', '--storage', `${etcd.endpoint.replace('http://', 'etcd://')}/bench/`],
      { cwd: repoRoot },
    );
    const config = await kubeconfigClient(join(dir, 'kubeconfigs', 'wds1.kubeconfig'));
    rep.note(`etcd server pid ${server.pid} at ${server.url} (etcd pid ${etcd.pid}) ready in ${Math.round(performance.now() - t0)} ms`);
    const agent = keepAliveAgent(config, CONCURRENCY);
    agents.push(agent);
    const cms = `${config.prefix}/api/v1/namespaces/default/configmaps`;
    const run = runners({ config, agent, pid: server.pid }, o.wrk, o.wrk === undefined ? undefined : await benchToken(config, agent));
    if (o.phases.has('create') || o.phases.has('get')) {
      const create = run.create(cms);
      await create(o.warmupMs);
      reportLoad(rep, 'create', await measure(run, create, o.durationMs), undefined, 'etcd_');
    }
    const created = o.phases.has('get') ? await names(config, agent, cms) : [];
    if (o.phases.has('get') && created.length > 0) {
      const get = run.get(created.map((n) => `${cms}/${n}`));
      await get(o.warmupMs);
      reportLoad(rep, 'get', await measure(run, get, o.durationMs), undefined, 'etcd_');
    }
    if (o.phases.has('list')) await listBench(rep, config, agent, server, o.quick, 'etcd_');
    if (o.phases.has('watch')) await watchBench(rep, await ourWatchTarget(config, server, agents), o.watchMs, o.drainMs, agents, 'etcd_');
    const log = server.stderr().split('\n').filter((l) => l.trim() !== '' && !/kubeconfig|leader election/.test(l));
    if (log.length > 0) rep.note(`etcd server stderr (${log.length} lines), last: ${log.slice(-3).join(' | ').slice(0, 500)}`);
  } finally {
    for (const a of agents) a.destroy();
    if (server) await server.stop(5_000);
    await etcd.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const f = rep.figures;
  const pair = (name: string, ours: string, unit: 'higher' | 'lower'): void => {
    if (f[ours] === undefined || f[`etcd_${ours}`] === undefined) return;
    // Named so that a value above 1 means LevelDB is ahead.
    if (unit === 'higher') rep.ratio(`${name}_leveldb_over_etcd`, ratio(f[ours], f[`etcd_${ours}`]));
    else rep.ratio(`${name}_etcd_over_leveldb`, ratio(f[`etcd_${ours}`], f[ours]));
  };
  pair('create_throughput', 'create_throughput', 'higher');
  pair('create_p99', 'create_p99', 'lower');
  pair('get_throughput', 'get_throughput', 'higher');
  pair('get_p99', 'get_p99', 'lower');
  pair('list_10k_time', 'list_10k_time', 'lower');
  pair('watch_delivery_p99', 'watch_delivery_p99', 'lower');
}
