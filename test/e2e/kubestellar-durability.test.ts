/**
 * Durability and resiliency of propagation (ARCHITECTURE §4 contract 1): while a writer keeps
 * changing a WDS, the server is killed with SIGKILL and restarted several times, and so is each
 * work agent (their own processes). Afterwards every WEC holds exactly what the policies select,
 * and the ManifestWorks equal what a fresh evaluation of the WDS computes: nothing missing,
 * nothing extra, nothing stale.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KubeConfig, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { startAgent, type AgentProcess } from '../helpers/agent-process.js';
import { REPO_ROOT, startServer, type ServerProcess } from '../helpers/server-process.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CYCLES = Number(process.env['DURABILITY_CYCLES'] ?? 4);
const WECS = [
  { name: 'c1', labels: { 'location-group': 'edge', name: 'c1' } },
  { name: 'c2', labels: { 'location-group': 'edge', name: 'c2' } },
];

function cli(dataDir: string, args: readonly string[]): Promise<number> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, ['--import', TSX, join(REPO_ROOT, 'src', 'cli.ts'), ...args, '--data-dir', dataDir], { cwd: REPO_ROOT, stdio: 'ignore' });
    child.once('exit', (code) => ok(code ?? -1));
  });
}

function client(path: string): { core: CoreV1Api; custom: CustomObjectsApi } {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return { core: kc.makeApiClient(CoreV1Api), custom: kc.makeApiClient(CustomObjectsApi) };
}

describe('propagation survives SIGKILL of the server and the agents', function () {
  this.timeout(600_000);
  let server: ServerProcess;
  const agents: AgentProcess[] = [];

  before(async () => {
    server = await startServer({ stickyPort: true });
    assert.equal(await cli(server.dataDir, ['create', 'its', 'its1']), 0);
    assert.equal(await cli(server.dataDir, ['create', 'wds', 'wds1', '--its', 'its1']), 0);
    for (const w of WECS) {
      assert.equal(await cli(server.dataDir, ['create', 'wec', w.name, '--its', 'its1', '--external-agent']), 0);
      agents.push(
        await startAgent({
          hubKubeconfig: server.kubeconfig('its1'),
          wecKubeconfig: server.kubeconfig(w.name),
          clusterName: w.name,
          labels: w.labels,
          logPath: join(server.dataDir, `agent-${w.name}.log`),
        }),
      );
    }
    const wds = client(server.kubeconfig('wds1'));
    await wds.core.createNamespace({ body: { metadata: { name: 'd', labels: { app: 'd' } } } });
    const policy = (name: string, cluster: Record<string, string>, objects: Record<string, string>): unknown => ({
      apiVersion: 'control.kubestellar.io/v1alpha1',
      kind: 'BindingPolicy',
      metadata: { name },
      spec: { clusterSelectors: [{ matchLabels: cluster }], downsync: [{ objectSelectors: [{ matchLabels: objects }] }] },
    });
    const coords = { group: 'control.kubestellar.io', version: 'v1alpha1', plural: 'bindingpolicies' };
    await wds.custom.createClusterCustomObject({ ...coords, body: policy('edge', { 'location-group': 'edge' }, { app: 'd' }) });
    await wds.custom.createClusterCustomObject({ ...coords, body: policy('one', { name: 'c1' }, { tier: 'one' }) });
  });

  after(async () => {
    if (process.env['DURABILITY_LEAVE_RUNNING'] === '1') return; // for a post-mortem
    for (const a of agents) await a.stop();
    await server?.dispose();
  });

  it(`converges after ${CYCLES} kill -9 cycles under writes`, async () => {
    let n = 0;
    let acknowledged = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      // A writer creating, relabelling and deleting ConfigMaps, until the server dies under it.
      let stop = false;
      const writer = (async () => {
        const { core } = client(server.kubeconfig('wds1'));
        while (!stop) {
          const i = n++;
          try {
            const r = i % 7;
            if (r === 3 && i > 10) await core.deleteNamespacedConfigMap({ name: `cm-${i - 10}`, namespace: 'd' });
            else if (r === 5 && i > 5) {
              await core.patchNamespacedConfigMap({ name: `cm-${i - 5}`, namespace: 'd', body: [{ op: 'replace', path: '/metadata/labels', value: { app: 'd', ...(i % 2 === 0 ? { tier: 'one' } : {}) } }] });
            } else {
              await core.createNamespacedConfigMap({ namespace: 'd', body: { metadata: { name: `cm-${i}`, labels: { app: i % 3 === 0 ? 'other' : 'd', ...(i % 4 === 0 ? { tier: 'one' } : {}) } }, data: { n: String(i) } } });
            }
            acknowledged++;
          } catch {
            // Not found, conflict, or the server is down: the end state is read back from the WDS.
            await new Promise((r) => setTimeout(r, 20));
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 1200 + cycle * 300));
      await server.kill9();
      if (cycle % 2 === 0) await agents[0]!.kill9();
      else await agents[1]!.kill9();
      stop = true;
      await writer;
      await server.restart();
      for (const a of agents) if (a.pid === undefined || cycle % 2 === agents.indexOf(a)) await a.restart();
    }
    assert.ok(acknowledged > 20, `only ${acknowledged} writes were acknowledged`);

    // Expected: a fresh evaluation of what the WDS holds now.
    const wds = client(server.kubeconfig('wds1'));
    const its = client(server.kubeconfig('its1'));
    const expected = async (): Promise<Map<string, Map<string, Record<string, string> | undefined>>> => {
      const cms = (await wds.core.listNamespacedConfigMap({ namespace: 'd' })).items.filter((c) => c.metadata?.name?.startsWith('cm-'));
      const out = new Map<string, Map<string, Record<string, string> | undefined>>();
      for (const w of WECS) out.set(w.name, new Map());
      for (const c of cms) {
        const labels = c.metadata?.labels ?? {};
        if (labels['app'] === 'd') for (const w of WECS) out.get(w.name)!.set(c.metadata!.name!, c.data);
        if (labels['tier'] === 'one') out.get('c1')!.set(c.metadata!.name!, c.data);
      }
      return out;
    };
    const observed = async (): Promise<{ wec: Map<string, Map<string, Record<string, string> | undefined>>; works: Map<string, Map<string, Record<string, string> | undefined>>; duplicates: number }> => {
      const wec = new Map<string, Map<string, Record<string, string> | undefined>>();
      const works = new Map<string, Map<string, Record<string, string> | undefined>>();
      let duplicates = 0;
      for (const w of WECS) {
        const inWec = (await client(server.kubeconfig(w.name)).core.listNamespacedConfigMap({ namespace: 'd' })).items.filter((c) => c.metadata?.name?.startsWith('cm-'));
        wec.set(w.name, new Map(inWec.map((c) => [c.metadata!.name!, c.data])));
        const list = (await its.custom.listNamespacedCustomObject({ group: 'work.open-cluster-management.io', version: 'v1', plural: 'manifestworks', namespace: w.name })) as { items: any[] };
        const m = new Map<string, Record<string, string> | undefined>();
        for (const work of list.items) {
          const manifest = work.spec.workload.manifests[0];
          if (manifest.kind !== 'ConfigMap') continue;
          // Overlapping policies may each carry an object: one work per (policy, object, cluster).
          const key = `${manifest.metadata.name}`;
          const policy = work.metadata.labels['transport.kubestellar.io/originOwnerReferenceBindingKey'];
          if (m.has(`${policy}/${key}`)) duplicates++;
          m.set(`${policy}/${key}`, manifest.data);
        }
        works.set(w.name, new Map([...m].map(([k, v]) => [k.split('/')[1]!, v])));
      }
      return { wec, works, duplicates };
    };
    const flatten = (m: Map<string, Map<string, unknown>>): unknown => Object.fromEntries([...m].map(([c, inner]) => [c, Object.fromEntries([...inner].sort(([a], [b]) => a.localeCompare(b)))]));
    const deadline = Date.now() + 90_000;
    for (;;) {
      const want = flatten(await expected());
      const got = await observed();
      const same = JSON.stringify(flatten(got.wec)) === JSON.stringify(want) && JSON.stringify(flatten(got.works)) === JSON.stringify(want) && got.duplicates === 0;
      if (same) break;
      if (Date.now() > deadline) {
        // Say why before failing: the works of what each WEC lacks, as the hub sees them.
        const wantMap = await expected();
        for (const w of WECS) {
          const missing = [...wantMap.get(w.name)!.keys()].filter((k) => !got.wec.get(w.name)!.has(k));
          const extra = [...got.wec.get(w.name)!.keys()].filter((k) => !wantMap.get(w.name)!.has(k));
          const list = (await its.custom.listNamespacedCustomObject({ group: 'work.open-cluster-management.io', version: 'v1', plural: 'manifestworks', namespace: w.name })) as { items: any[] };
          for (const name of missing.slice(0, 3)) {
            const work = list.items.find((x) => x.spec.workload.manifests[0].metadata.name === name);
            console.error(`${w.name} lacks ${name}: work ${work?.metadata.name} rv ${work?.metadata.resourceVersion} status ${JSON.stringify(work?.status?.conditions)} ${JSON.stringify(work?.status?.resourceStatus?.manifests?.[0]?.conditions)}`);
          }
          console.error(`${w.name}: ${missing.length} missing, ${extra.length} extra (${extra.slice(0, 5).join(' ')})`);
        }
        assert.deepEqual({ wec: flatten(got.wec), works: flatten(got.works), duplicates: got.duplicates }, { wec: want, works: want, duplicates: 0 });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
