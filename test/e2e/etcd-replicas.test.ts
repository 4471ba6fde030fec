/**
 * Several `kubestellar serve` replicas on one etcd (issue: scale out on etcd). Real etcd, real
 * server processes sharing one PKI directory, real kubectl writing round-robin through them, and
 * a @kubernetes/client-node informer watching one of them.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, makeInformer, CoreV1Api, type V1ConfigMap, type ListWatch } from '@kubernetes/client-node';
import { startEtcd, type EtcdServer } from '../../bench/lib/etcd.js';
import { describeResult, kubectl, pinnedKubectls, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> => poll(what, probe, timeoutMs, 100);
const LEASE = ['--leader-elect-lease-duration', '3s'];

describe('replicas on one etcd', function () {
  this.timeout(600_000);
  const binary = pinnedKubectls().at(-1)?.path ?? 'kubectl';
  let etcd: EtcdServer | undefined;
  let dataDir = '';
  let replicas: ServerProcess[] = [];

  before(async function () {
    etcd = await startEtcd();
    if (etcd === undefined) {
      if (process.env['CI'] !== undefined) throw new Error('no etcd binary on PATH: .ci/run installs etcd-server');
      this.skip();
    }
    dataDir = await mkdtemp(join(tmpdir(), 'ks-replicas-'));
    const storage = ['--storage', `${etcd.endpoint.replace('http://', 'etcd://')}/e2e/`];
    // The first replica makes the PKI and the demo spaces; the others share both.
    replicas.push(await startServer({ dataDir, replica: 'r0', demo: true, extraArgs: [...storage, ...LEASE] }));
    replicas.push(...(await Promise.all(['r1', 'r2'].map((replica) => startServer({ dataDir, replica, extraArgs: [...storage, ...LEASE] })))));
  });

  after(async () => {
    for (const r of replicas) await r.dispose();
    replicas = [];
    await etcd?.stop();
    if (dataDir !== '' && process.env['KUBESTELLAR_E2E_KEEP'] !== '1') await rm(dataDir, { recursive: true, force: true });
    else if (dataDir !== '') console.error(`kept ${dataDir}`);
  });

  const k = (r: ServerProcess, space: string, args: readonly string[], stdin?: string): Promise<KubectlResult> =>
    kubectl(binary, r.kubeconfig(space), args, stdin === undefined ? {} : { stdin });
  const ok = async (r: ServerProcess, space: string, args: readonly string[], stdin?: string): Promise<string> => {
    const res = await k(r, space, args, stdin);
    assert.equal(res.code, 0, describeResult(args, res));
    return res.stdout;
  };
  const leaderOf = (): ServerProcess | undefined =>
    replicas.filter((r) => r.pid !== undefined).find((r) => {
      const log = r.stderr();
      return log.lastIndexOf('now runs the controllers') > log.lastIndexOf('stopped running the controllers');
    });

  it('serves a space created through one replica from every replica within a second', async () => {
    await ok(replicas[1]!, 'admin', ['create', '-f', '-'], JSON.stringify({ apiVersion: 'spaces.kubestellar.io/v1alpha1', kind: 'Space', metadata: { name: 'scale' }, spec: { type: 'cluster' } }));
    const created = Date.now();
    const servedAfter = await Promise.all(
      replicas.map(async (r) => {
        await eventually(`replica ${r.url} serves space scale`, async () => existsSync(r.kubeconfig('scale')) && (await k(r, 'scale', ['get', 'namespace', 'default'])).code === 0, 30_000);
        return Date.now() - created;
      }),
    );
    // kubectl itself takes a good part of that second; the target is the replicas', not ours.
    assert.ok(Math.max(...servedAfter) < 3000, `served after ${servedAfter.join(', ')} ms`);
  });

  it('serves a CRD created through one replica from every replica within a second', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
      },
    };
    await ok(replicas[2]!, 'scale', ['create', '-f', '-'], JSON.stringify(crd));
    const created = Date.now();
    const servedAfter = await Promise.all(
      replicas.map(async (r, i) => {
        const widget = JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `w${i}`, namespace: 'default' }, spec: { size: i } });
        await eventually(`replica ${r.url} serves widgets`, async () => (await k(r, 'scale', ['create', '-f', '-'], widget)).code === 0, 30_000);
        return Date.now() - created;
      }),
    );
    assert.ok(Math.max(...servedAfter) < 3000, `served after ${servedAfter.join(', ')} ms`);
    for (const r of replicas) assert.equal((await ok(r, 'scale', ['get', 'widgets', '-o', 'name'])).trim().split('\n').length, 3);
  });

  it('agrees on objects and resourceVersions, and an informer on one replica sees every write through all three once, in order', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(replicas[0]!.kubeconfig('scale'));
    const api = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/default/configmaps', () => api.listNamespacedConfigMap({ namespace: 'default' })) as ListWatch<V1ConfigMap>;
    const seen: { verb: string; name: string; rv: string }[] = [];
    for (const verb of ['add', 'update', 'delete'] as const) {
      informer.on(verb, (o: V1ConfigMap) => {
        if (o.metadata?.name?.startsWith('rr-')) seen.push({ verb, name: o.metadata.name, rv: o.metadata.resourceVersion ?? '' });
      });
    }
    await informer.start();
    try {
      const written: { verb: string; name: string; rv: string }[] = [];
      const N = 24;
      for (let i = 0; i < N; i++) {
        const r = replicas[i % 3]!;
        const out = JSON.parse(await ok(r, 'scale', ['create', 'configmap', `rr-${i}`, `--from-literal=v=${i}`, '-o', 'json'])) as V1ConfigMap;
        written.push({ verb: 'add', name: `rr-${i}`, rv: out.metadata!.resourceVersion! });
      }
      for (let i = 0; i < N; i += 2) {
        const r = replicas[(i + 1) % 3]!;
        // (`kubectl label -o json` prints the object as it was before the patch: patch prints the server's answer.)
        const out = JSON.parse(await ok(r, 'scale', ['patch', 'configmap', `rr-${i}`, '--type=merge', '-p', '{"metadata":{"labels":{"round":"2"}}}', '-o', 'json'])) as V1ConfigMap;
        written.push({ verb: 'update', name: `rr-${i}`, rv: out.metadata!.resourceVersion! });
      }
      const deleted: string[] = [];
      for (let i = 0; i < N; i += 3) {
        await ok(replicas[(i + 2) % 3]!, 'scale', ['delete', 'configmap', `rr-${i}`]);
        deleted.push(`rr-${i}`);
      }

      // Every replica lists the same objects with the same resourceVersions.
      const lists = await Promise.all(
        replicas.map(async (r) => {
          const items = (JSON.parse(await ok(r, 'scale', ['get', 'configmaps', '-o', 'json'])) as { items: V1ConfigMap[] }).items;
          return items.filter((o) => o.metadata!.name!.startsWith('rr-')).map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`);
        }),
      );
      assert.equal(lists[0]!.length, N - deleted.length);
      assert.deepEqual(lists[1], lists[0]);
      assert.deepEqual(lists[2], lists[0]);

      await eventually('the informer to see every delete', async () => seen.filter((e) => e.verb === 'delete').length >= deleted.length || undefined, 30_000);
      // Once each, in the order they were written (adds and updates carry the RVs kubectl got back).
      const nonDeletes = seen.filter((e) => e.verb !== 'delete');
      assert.deepEqual(nonDeletes, written);
      assert.deepEqual(seen.filter((e) => e.verb === 'delete').map((e) => e.name), deleted);
      const rvs = seen.map((e) => Number(e.rv));
      assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'events arrive in resourceVersion order');
      assert.equal(new Set(rvs).size, rvs.length, 'no event twice');
      // The cache ends equal to a fresh list.
      const cache = informer.list('default').filter((o) => o.metadata!.name!.startsWith('rr-')).map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`);
      assert.deepEqual(cache.sort(), [...lists[0]!].sort());
    } finally {
      await informer.stop();
    }
  });

  it('propagates a workload to both WECs with writes spread over the replicas, and keeps going when the leader is SIGKILLed', async () => {
    const wds = 'wds1';
    const [a, b, c] = replicas as [ServerProcess, ServerProcess, ServerProcess];
    // The namespace travels with the workload (the policy selects it too).
    await ok(a, wds, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'nginx', labels: { app: 'nginx' } } }));
    await ok(
      b,
      wds,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'control.kubestellar.io/v1alpha1',
        kind: 'BindingPolicy',
        metadata: { name: 'nginx' },
        spec: { clusterSelectors: [{ matchLabels: { 'location-group': 'edge' } }], downsync: [{ objectSelectors: [{ matchLabels: { app: 'nginx' } }] }] },
      }),
    );
    const deployment = (name: string, replicasWanted: number): string =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'nginx', labels: { app: 'nginx' } },
        spec: {
          replicas: replicasWanted,
          selector: { matchLabels: { run: name } },
          template: { metadata: { labels: { run: name } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } },
        },
      });
    await ok(c, wds, ['apply', '-f', '-'], deployment('web', 1));

    const wecDeployments = async (via: ServerProcess, cluster: string): Promise<Map<string, number>> => {
      const res = await k(via, cluster, ['-n', 'nginx', 'get', 'deployments', '-o', 'json']);
      if (res.code !== 0) return new Map();
      return new Map((JSON.parse(res.stdout) as { items: { metadata: { name: string }; spec: { replicas: number } }[] }).items.map((d) => [d.metadata.name, d.spec.replicas]));
    };
    const expectWecs = async (via: ServerProcess, want: Record<string, number>): Promise<void> => {
      for (const cluster of ['cluster1', 'cluster2']) {
        await eventually(`${cluster} to hold ${JSON.stringify(want)}`, async () => {
          const have = await wecDeployments(via, cluster);
          return JSON.stringify(Object.fromEntries([...have].sort())) === JSON.stringify(want) || undefined;
        });
      }
    };
    await expectWecs(a, { web: 1 });

    const leader = leaderOf();
    assert.ok(leader !== undefined, 'one replica leads');
    await leader.kill9();
    const survivors = replicas.filter((r) => r !== leader);
    // Writes go on through the survivors while a new leader takes over (lease 3 s).
    await ok(survivors[0]!, wds, ['patch', 'deployment', '-n', 'nginx', 'web', '--type=merge', '-p', '{"spec":{"replicas":2}}']);
    await ok(survivors[1]!, wds, ['apply', '-f', '-'], deployment('api', 1));
    await expectWecs(survivors[1]!, { api: 1, web: 2 });
    await eventually('a new leader', async () => leaderOf() !== undefined && leaderOf() !== leader);

    // Exactly one ManifestWork per object and cluster: no duplicates from the hand-over.
    for (const cluster of ['cluster1', 'cluster2']) {
      const works = (JSON.parse(await ok(survivors[0]!, 'its1', ['-n', cluster, 'get', 'manifestworks', '-o', 'json'])) as { items: { spec: { workload: { manifests: { kind: string; metadata: { name: string } }[] } } }[] }).items;
      const deployments = works.flatMap((w) => w.spec.workload.manifests).filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name).sort();
      assert.deepEqual(deployments, ['api', 'web']);
    }
    // The WDS object's own status still comes back (status return runs on the new leader).
    await ok(survivors[0]!, wds, ['-n', 'nginx', 'get', 'deployment', 'web']);
  });
});
