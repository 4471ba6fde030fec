/**
 * `npm run bench -- propagation [--quick]`: how fast a write to a WDS travels.
 *
 *   - latency from a WDS write's acknowledgement to its ManifestWork being visible in the ITS,
 *     and to the object existing in a WEC, with 100 BindingPolicies and 10 (then 100) WECs,
 *     each WEC a simulated cluster space with its own work agent;
 *   - the time for one policy change to fan out to 1,000 clusters (ManifestWorks written).
 *
 * Baselines measured in the same run: the server's own write→watch latency for the same writes
 * (a ConfigMap's watch event in the WDS: propagation can be no faster), and for the fan-out the
 * time a client needs to create 1,000 objects itself at concurrency 100.
 *
 * The server is a child process; this process writes, and watches the ITS and every WEC. Writes
 * carry a `benchId` data key, found in watch frames with a byte scanner.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Agent } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { builtCli, SERVER_NODE_OPTIONS } from './lib/server-entry.js';
import { spawnServer, type ServerChild } from './lib/child.js';
import { fieldScanner, keepAliveAgent, kubeconfigClient, openStream, send, type ClientConfig, type Stream } from './lib/load.js';
import { Reporter } from './lib/report.js';
import { Samples, percentile } from './lib/stats.js';

const POLICIES = 100;
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o));

interface Client {
  readonly config: ClientConfig;
  readonly agent: Agent;
}

async function call(c: Client, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<any> {
  const r = await send(c.config, c.agent, { method, path, ...(body !== undefined && { body: json(body) }), ...(contentType && { headers: { 'content-type': contentType } }) }, true);
  if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.body?.toString('utf8').slice(0, 300)}`);
  return r.body && r.body.length > 0 ? JSON.parse(r.body.toString('utf8')) : undefined;
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function run({ quick }: { quick: boolean }): Promise<void> {
  const rep = new Reporter('propagation');
  const wecCounts = quick ? [10] : [10, 100];
  const fanOut = quick ? 200 : 1000;
  const writes = quick ? 100 : 400;
  const writeRate = 50; // per second
  rep.note(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-propagation-'));
  let server: ServerChild | undefined;
  const streams: Stream[] = [];
  const agents: Agent[] = [];
  try {
    server = await spawnServer(process.execPath, [...SERVER_NODE_OPTIONS, builtCli(), 'serve', '--port', '0', '--data-dir', dir], { cwd: repoRoot });
    const rootConfig = await kubeconfigClient(join(dir, 'kubeconfigs', 'admin.kubeconfig'));
    const root: Client = { config: rootConfig, agent: keepAliveAgent(rootConfig, 100) };
    agents.push(root.agent);
    const at = (space: string): string => `/clusters/${space}`;
    const space = (name: string, spec: unknown): Promise<unknown> =>
      call(root, 'POST', '/apis/spaces.kubestellar.io/v1alpha1/spaces', { apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name }, spec });
    await space('its1', { type: 'its' });
    await space('wds1', { type: 'wds', its: 'its1' });
    await until('wds1 served', async () => (await send(root.config, root.agent, { method: 'GET', path: `${at('wds1')}/apis/control.kubestellar.io/v1alpha1/bindingpolicies` })).status === 200, 30_000);
    const wds = `${at('wds1')}`;
    const its = `${at('its1')}`;
    const policyBody = (name: string, clusterSelector: Record<string, string>, objectSelector: Record<string, string>, extra: object = {}): unknown => ({
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name },
      spec: { clusterSelectors: [{ matchLabels: clusterSelector }], downsync: [{ objectSelectors: [{ matchLabels: objectSelector }], ...extra }] },
    });

    // One namespace for the writes, sent to every WEC.
    await call(root, 'POST', `${wds}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench', labels: { bench: 'ns' } } });
    await call(root, 'POST', `${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies`, policyBody('bench-namespace', { bench: 'wec' }, { bench: 'ns' }));
    // 100 policies; policy i sends objects labelled policy=p<i> to the WEC in slot i mod N.
    for (let i = 0; i < POLICIES; i++) {
      await call(root, 'POST', `${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies`, policyBody(`p${i}`, { slot: `s${i}` }, { policy: `p${i}` }));
    }

    let wecsMade = 0;
    let seq = 0;
    for (const wecs of wecCounts) {
      const t0 = performance.now();
      for (; wecsMade < wecs; wecsMade++) {
        await space(`wec${wecsMade}`, { type: 'cluster', its: 'its1', clusterLabels: { bench: 'wec', name: `wec${wecsMade}` } });
      }
      for (let j = 0; j < wecs; j++) {
        await until(`wec${j} registered`, async () => (await send(root.config, root.agent, { method: 'GET', path: `${its}/apis/cluster.open-cluster-management.io/v1/managedclusters/wec${j}` })).status === 200, 60_000);
      }
      // Re-target policies: policy i goes to the WEC named wec(i mod N).
      for (let i = 0; i < POLICIES; i++) {
        await call(root, 'PATCH', `${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies/p${i}`, { spec: { clusterSelectors: [{ matchLabels: { name: `wec${i % wecs}` } }] } }, 'application/merge-patch+json');
      }
      for (let j = 0; j < wecs; j++) {
        await until(`namespace bench in wec${j}`, async () => (await send(root.config, root.agent, { method: 'GET', path: `${at(`wec${j}`)}/api/v1/namespaces/bench` })).status === 200, 60_000);
      }
      // Earlier writes move to their new clusters first: measure on a quiet system.
      const expectedWorks = seq + wecs;
      await until(`${expectedWorks} works settled`, async () => {
        const list = await call(root, 'GET', `${its}/apis/work.open-cluster-management.io/v1/manifestworks?labelSelector=transport.kubestellar.io%2ForiginWdsName%3Dwds1`);
        return list.items.length === expectedWorks && list.items.every((w: any) => (w.status?.conditions ?? []).some((c: any) => c.type === 'Applied' && c.status === 'True'));
      }, 120_000);
      rep.note(`${wecs} WECs ready in ${Math.round(performance.now() - t0)} ms`);

      // Watch the WDS (baseline), the ITS works and every WEC's ConfigMaps.
      const acked = new Map<string, number>();
      const wdsSeen = new Samples();
      const workSeen = new Samples();
      const wecSeen = new Samples();
      const firstWork = new Set<string>();
      const firstWec = new Set<string>();
      const firstWds = new Set<string>();
      const pending: { id: string; at: number; into: Samples; seen: Set<string> }[] = [];
      const phase = `w${wecs}-`;
      const note = (into: Samples, seen: Set<string>) => (id: string, t: number) => {
        if (!id.startsWith(phase) || seen.has(id)) return;
        seen.add(id);
        const a = acked.get(id);
        if (a === undefined) pending.push({ id, at: t, into, seen });
        else into.push(Math.max(0, t - a));
      };
      const watchAgent = keepAliveAgent(root.config, wecs + 4);
      agents.push(watchAgent);
      const open = (path: string, onId: (id: string, t: number) => void): void => {
        streams.push(openStream(root.config, watchAgent, path, fieldScanner('benchId', onId)));
      };
      const rv = (await call(root, 'GET', `${wds}/api/v1/namespaces/bench/configmaps?limit=1`)).metadata.resourceVersion;
      open(`${wds}/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${rv}`, note(wdsSeen, firstWds));
      const itsRv = (await call(root, 'GET', `${its}/apis/work.open-cluster-management.io/v1/manifestworks?limit=1`)).metadata.resourceVersion;
      open(`${its}/apis/work.open-cluster-management.io/v1/manifestworks?watch=true&resourceVersion=${itsRv}`, note(workSeen, firstWork));
      for (let j = 0; j < wecs; j++) open(`${at(`wec${j}`)}/api/v1/namespaces/bench/configmaps?watch=true`, note(wecSeen, firstWec));
      await sleep(500);

      // Paced writes, each for one policy in turn.
      const writer: Client = { config: root.config, agent: keepAliveAgent(root.config, 20) };
      agents.push(writer.agent);
      const started = performance.now();
      const inflight: Promise<void>[] = [];
      for (let n = 0; n < writes; n++) {
        const due = started + (n * 1000) / writeRate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const id = `w${wecs}-${seq++}`;
        const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, labels: { policy: `p${n % POLICIES}` } }, data: { benchId: id, payload: randomBytes(512).toString('base64') } };
        inflight.push(
          call(writer, 'POST', `${wds}/api/v1/namespaces/bench/configmaps`, body).then(() => {
            const t = performance.now();
            acked.set(id, t);
            for (let i = pending.length - 1; i >= 0; i--) {
              const p = pending[i]!;
              if (p.id === id) {
                p.into.push(Math.max(0, p.at - t));
                pending.splice(i, 1);
              }
            }
          }),
        );
      }
      await Promise.all(inflight);
      await until('every write in its WEC', async () => firstWec.size >= writes && firstWork.size >= writes, 60_000).catch((err: unknown) => rep.note(String(err)));
      for (const s of streams.splice(0)) s.close();
      const p = (s: Samples, q: number): number => percentile(s, q);
      rep.figure(`to_manifestwork_p50_${wecs}wecs`, p(workSeen, 50), 'ms');
      rep.figure(`to_manifestwork_p99_${wecs}wecs`, p(workSeen, 99), 'ms');
      rep.figure(`to_wec_p50_${wecs}wecs`, p(wecSeen, 50), 'ms');
      rep.figure(`to_wec_p99_${wecs}wecs`, p(wecSeen, 99), 'ms');
      rep.baseline(`wds_watch_p99_${wecs}wecs`, p(wdsSeen, 99), 'ms', 'wds-own-watch');
      rep.figure(`delivered_${wecs}wecs`, firstWec.size, 'objects');
      rep.ratio(`to_manifestwork_p99_over_wds_watch_p99_${wecs}wecs`, p(workSeen, 99) / Math.max(p(wdsSeen, 99), 0.001));
      rep.target({ figure: `to_manifestwork_p99_${wecs}wecs`, op: '<=', value: 25, unit: 'ms' });
      rep.target({ figure: `to_wec_p99_${wecs}wecs`, op: '<=', value: 250, unit: 'ms' });
    }

    // --- fan-out: one policy change to many clusters ---
    const t0 = performance.now();
    const mcs = Array.from({ length: fanOut }, (_, i) => i);
    const pool = async (fn: (i: number) => Promise<void>): Promise<void> => {
      let next = 0;
      await Promise.all(Array.from({ length: 50 }, async () => {
        while (next < mcs.length) await fn(mcs[next++]!);
      }));
    };
    await pool((i) =>
      call(root, 'POST', `${its}/apis/cluster.open-cluster-management.io/v1/managedclusters`, {
        apiVersion: 'cluster.open-cluster-management.io/v1',
        kind: 'ManagedCluster',
        metadata: { name: `fan${i}`, labels: { fan: 'out' } },
        spec: { hubAcceptsClient: true },
      }).then(() => undefined),
    );
    await until('cluster namespaces', async () => (await send(root.config, root.agent, { method: 'GET', path: `${its}/api/v1/namespaces/fan${fanOut - 1}` })).status === 200, 60_000);
    rep.note(`${fanOut} ManagedClusters and their namespaces in ${Math.round(performance.now() - t0)} ms`);
    await call(root, 'POST', `${wds}/api/v1/namespaces/bench/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fan', labels: { fan: 'yes' } }, data: { benchId: 'fan' } });
    await call(root, 'POST', `${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies`, policyBody('fan', { fan: 'not-yet' }, { fan: 'yes' }));
    await sleep(500);
    let works = 0;
    let lastAt = 0;
    const itsRv = (await call(root, 'GET', `${its}/apis/work.open-cluster-management.io/v1/manifestworks?limit=1`)).metadata.resourceVersion;
    const fanAgent = keepAliveAgent(root.config, 2);
    agents.push(fanAgent);
    const seenFan = new Set<string>();
    const s = openStream(root.config, fanAgent, `${its}/apis/work.open-cluster-management.io/v1/manifestworks?watch=true&resourceVersion=${itsRv}`, fieldScanner('namespace', (ns, t) => {
      if (!ns.startsWith('fan') || seenFan.has(ns)) return;
      seenFan.add(ns);
      works++;
      lastAt = t;
    }));
    streams.push(s);
    await s.started;
    const change = performance.now();
    await call(root, 'PATCH', `${wds}/apis/control.kubestellar.io/v1alpha1/bindingpolicies/fan`, { spec: { clusterSelectors: [{ matchLabels: { fan: 'out' } }] } }, 'application/merge-patch+json');
    await until(`${fanOut} works`, async () => works >= fanOut, 120_000).catch((err: unknown) => rep.note(String(err)));
    rep.figure(`fanout_${fanOut}_clusters`, lastAt - change, 'ms');
    rep.target({ figure: `fanout_${fanOut}_clusters`, op: '<=', value: 2000, unit: 'ms' });

    // Baseline: a client creating as many objects itself, at concurrency 50.
    const b0 = performance.now();
    await pool((i) => call(root, 'POST', `${wds}/api/v1/namespaces/bench/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `direct-${i}` }, data: { a: 'b' } }).then(() => undefined));
    rep.baseline(`fanout_${fanOut}_clusters`, performance.now() - b0, 'ms', 'client-creates-same-count');
    rep.ratio(`fanout_over_client_creates`, (lastAt - change) / (performance.now() - b0));
    rep.note(`KubeStellar's transport writes to the ITS at 5 requests/s: ${fanOut} works would take ${fanOut / 5} s`);
  } finally {
    for (const s of streams) s.close();
    for (const a of agents) a.destroy();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    rep.note(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    rep.finish();
  }
}
