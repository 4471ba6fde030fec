/**
 * The API server issue's e2e acceptance list: real kubectl against the real `kubestellar serve
 * --demo`, `wds1` space, for every kubectl of kubectlVersions() (oldest and newest pinned, and
 * 1.35 from .tools/). One server is shared; each version works in its own namespace and its own
 * CRD group.
 *
 * Covered: api-resources for the workload kinds; `apply -f` of one multi-document file
 * (test/fixtures/e2e/workloads/app.yaml) with client-side validation, a CRD (crd.yaml) then its
 * custom resource (widget.yaml) after `wait --for=condition=Established`; `get` in every output
 * format with server-side Table columns; `get -w`; re-apply of an edited file (app-v2.yaml) and
 * `diff`; strategic/merge/json `patch`; `explain`; `scale` and `--subresource=scale`; the `create`
 * generators (protobuf bodies on 1.32+); `label`/`annotate`; delete propagation (background,
 * orphan, foreground) on an owner with a dependent; namespace deletion (plain, and held in
 * Terminating by a finalizer); CRD deletion.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  describeResult,
  kubectl,
  kubectlHome,
  kubectlVersions,
  kubectlWatch,
  parseTable,
  type KubectlBinary,
  type KubectlResult,
  type WatchEvent,
} from '../helpers/kubectl.js';
import { REPO_ROOT, startServer, type ServerProcess } from '../helpers/server-process.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'workloads');
const SPACE = 'wds1';

type Json = Record<string, unknown>;

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  ownerReferences?: { uid?: string; name?: string }[];
}

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
}

function meta(object: Json): Meta {
  return (object['metadata'] ?? {}) as Meta;
}

function containersOf(deployment: Json): Container[] {
  const spec = deployment['spec'] as { template?: { spec?: { containers?: Container[] } } } | undefined;
  return spec?.template?.spec?.containers ?? [];
}

function container(deployment: Json, name: string): Container {
  const found = containersOf(deployment).find((c) => c.name === name);
  assert.ok(found, `container ${name} missing: ${JSON.stringify(containersOf(deployment))}`);
  return found;
}

/** The header cells of a kubectl table (split on runs of 2+ spaces, so `LAST SCHEDULE` stays whole). */
function headerOf(stdout: string): string[] {
  const first = stdout.split('\n').find((l) => l.trim() !== '') ?? '';
  return first.trim().split(/\s{2,}/);
}

function sleep(ms: number): Promise<void> {
  return new Promise((ok) => setTimeout(ok, ms));
}

/** Polls `check` (which throws while not yet true) until it passes or `timeoutMs` runs out. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(stepMs);
  }
}

/** 10.96.0.0/12, kube-apiserver's default --service-cluster-ip-range. */
function inServiceCidr(ip: string): boolean {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  return parts[0] === 10 && parts[1]! >= 96 && parts[1]! <= 111;
}

type Run = (args: string[], options?: { stdin?: string; timeoutMs?: number }) => Promise<KubectlResult>;

function assertFails(args: string[], r: KubectlResult, reason: RegExp): void {
  assert.notEqual(r.code, 0, describeResult(args, r));
  assert.match(r.stderr, reason, describeResult(args, r));
}

function eventTypes(events: readonly WatchEvent[]): string {
  return events.map((e) => e.type ?? '?').join(' ');
}

interface TextWatch {
  /** Resolves with the output lines once `predicate` holds; rejects on timeout or when kubectl exits first. */
  waitFor(predicate: (lines: readonly string[]) => boolean, timeoutMs: number): Promise<string[]>;
  /** SIGKILLs kubectl (by PID) and waits for it to exit. */
  stop(): Promise<void>;
}

/** `kubectl ...args` left running (a `get -w` printing a table), its stdout collected line by line. */
function textWatch(binary: string, kubeconfig: string, args: readonly string[]): TextWatch {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: kubectlHome() };
  delete env['KUBECONFIG'];
  const child = spawn(binary, ['--kubeconfig', kubeconfig, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const closed = new Promise<void>((ok) =>
    child.once('close', () => {
      exited = true;
      ok();
    }),
  );
  const lines = (): string[] => stdout.split('\n').filter((l) => l.trim() !== '');
  return {
    async waitFor(predicate, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (predicate(lines())) return lines();
        if (exited || Date.now() > deadline) {
          throw new Error(`kubectl ${args.join(' ')}: condition not met (exited: ${exited})\n--- stdout:\n${stdout}--- stderr:\n${stderr}`);
        }
        await sleep(50);
      }
    },
    async stop() {
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      await closed;
    },
  };
}

describe('e2e: kubectl workloads (API server acceptance list)', function () {
  const versions = kubectlVersions();
  let server: ServerProcess;
  let files: string;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
    files = await mkdtemp(join(tmpdir(), 'kubectl-workloads-'));
  });

  after(async function () {
    await server?.dispose();
    if (files !== undefined) await rm(files, { recursive: true, force: true });
  });

  for (const binary of versions) {
    describeVersion(binary);
  }

  function describeVersion(binary: KubectlBinary): void {
    describe(`kubectl ${binary.version}`, function () {
      const tag = binary.version.replace('.', '-');
      const ns = `wl-${tag}`;
      const group = `wl${tag}.e2e.example.com`;
      const widgets = `widgets.${group}`;
      const minor = Number(binary.version.split('.')[1]);

      const run: Run = (args, options = {}) => kubectl(binary.path, server.kubeconfig(SPACE), args, options);
      const ok: Run = async (args, options) => {
        const r = await run(args, options);
        assert.equal(r.code, 0, describeResult(args, r));
        return r;
      };
      const json = async (args: string[]): Promise<Json> => JSON.parse((await ok([...args, '-o', 'json'])).stdout) as Json;
      const jsonpath = async (args: string[], path: string): Promise<string> =>
        (await ok([...args, '-o', `jsonpath=${path}`])).stdout;
      /** Resolves once `get <kind> <name>` answers NotFound. */
      const gone = (kind: string, name: string, namespace?: string, timeoutMs = 5_000): Promise<void> =>
        eventually(async () => {
          const args = ['get', kind, name, ...(namespace === undefined ? [] : ['-n', namespace])];
          const r = await run(args);
          assert.ok(r.code !== 0 && /NotFound/.test(r.stderr), `still there: ${describeResult(args, r)}`);
        }, timeoutMs);

      /** A fixture with __NS__ and __GROUP__ filled in, written to the suite's temp dir. */
      async function fixture(name: string, namespace = ns): Promise<string> {
        const text = (await readFile(join(FIXTURES, name), 'utf8'))
          .replaceAll('__NS__', namespace)
          .replaceAll('__GROUP__', group);
        const path = join(files, `${tag}-${namespace}-${name}`);
        await writeFile(path, text);
        return path;
      }

      it('api-resources lists the workload kinds with short names, group/version and scope', async function () {
        const rows = parseTable((await ok(['api-resources'])).stdout);
        const byName = new Map(rows.map((r) => [r['NAME'], r]));
        const expected: [string, string, string, string, string][] = [
          ['deployments', 'deploy', 'apps/v1', 'true', 'Deployment'],
          ['services', 'svc', 'v1', 'true', 'Service'],
          ['jobs', '', 'batch/v1', 'true', 'Job'],
          ['cronjobs', 'cj', 'batch/v1', 'true', 'CronJob'],
          ['customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition'],
          ['leases', '', 'coordination.k8s.io/v1', 'true', 'Lease'],
          ['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress'],
          ['roles', '', 'rbac.authorization.k8s.io/v1', 'true', 'Role'],
          ['clusterroles', '', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole'],
          ['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler'],
          ['poddisruptionbudgets', 'pdb', 'policy/v1', 'true', 'PodDisruptionBudget'],
          ['endpointslices', '', 'discovery.k8s.io/v1', 'true', 'EndpointSlice'],
        ];
        for (const [name, short, apiVersion, namespaced, kind] of expected) {
          const row = byName.get(name);
          assert.ok(row, `${name} missing from api-resources`);
          assert.deepEqual(
            [row['SHORTNAMES'], row['APIVERSION'], row['NAMESPACED'], row['KIND']],
            [short, apiVersion, namespaced, kind],
            name,
          );
        }
        const wide = parseTable((await ok(['api-resources', '-o', 'wide'])).stdout);
        for (const [name] of expected) {
          const verbs = (wide.find((r) => r['NAME'] === name)?.['VERBS'] ?? '').split(',');
          for (const verb of ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']) {
            assert.ok(verbs.includes(verb), `${name} lacks verb ${verb}: ${verbs.join(',')}`);
          }
        }
        const namespaced = (await ok(['api-resources', '--namespaced=false', '-o', 'name'])).stdout.split('\n');
        assert.ok(namespaced.includes('customresourcedefinitions.apiextensions.k8s.io'));
        assert.ok(namespaced.includes('clusterroles.rbac.authorization.k8s.io'));
        assert.ok(!namespaced.includes('deployments.apps'));
      });

      it('apply -f of one multi-document file (client-side validation) creates every object', async function () {
        const r = await ok(['apply', '-f', await fixture('app.yaml')]);
        const lines = r.stdout.trim().split('\n');
        assert.deepEqual(lines, [
          `namespace/${ns} created`,
          'deployment.apps/web created',
          'service/web created',
          'configmap/web-config created',
          'secret/web-secret created',
        ]);
        assert.equal(await jsonpath(['get', 'ns', ns], '{.status.phase}'), 'Active');
        const names = (await ok(['get', 'deploy,svc,cm,secret', '-n', ns, '-o', 'name'])).stdout.split('\n');
        for (const n of ['deployment.apps/web', 'service/web', 'configmap/web-config', 'secret/web-secret']) {
          assert.ok(names.includes(n), `${n} not in ${names.join(' ')}`);
        }
      });

      it('apply a CRD, wait for Established, then apply a custom resource of it', async function () {
        const crd = await ok(['apply', '-f', await fixture('crd.yaml')]);
        assert.match(crd.stdout, new RegExp(`customresourcedefinition.apiextensions.k8s.io/${widgets} created`));
        const wait = await ok(['wait', '--for=condition=Established', `crd/${widgets}`, '--timeout=20s']);
        assert.match(wait.stdout, /condition met/);
        const cr = await ok(['apply', '-f', await fixture('widget.yaml')]);
        assert.match(cr.stdout, new RegExp(`^widget.${group.replaceAll('.', '\\.')}/gizmo created$`, 'm'));
        const got = await json(['get', widgets, 'gizmo', '-n', ns]);
        assert.deepEqual(got['spec'], { size: 3, color: 'blue' });
      });

      it('get Tables: deployment, service, secret, configmap and the custom resource columns', async function () {
        const deploy = await ok(['get', 'deploy', '-n', ns]);
        assert.deepEqual(headerOf(deploy.stdout), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
        const d = parseTable(deploy.stdout);
        assert.equal(d.length, 1, deploy.stdout);
        assert.equal(d[0]!['NAME'], 'web');
        assert.equal(d[0]!['READY'], '0/1');

        const svc = await ok(['get', 'svc', 'web', '-n', ns]);
        assert.deepEqual(headerOf(svc.stdout), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
        const s = parseTable(svc.stdout)[0]!;
        assert.equal(s['TYPE'], 'ClusterIP');
        assert.ok(inServiceCidr(s['CLUSTER-IP'] ?? ''), `cluster IP ${s['CLUSTER-IP']} not in 10.96.0.0/12`);
        assert.equal(s['EXTERNAL-IP'], '<none>');
        assert.equal(s['PORT(S)'], '80/TCP');
        assert.equal(await jsonpath(['get', 'svc', 'web', '-n', ns], '{.spec.clusterIP}'), s['CLUSTER-IP']);

        const secret = await ok(['get', 'secret', 'web-secret', '-n', ns]);
        assert.deepEqual(headerOf(secret.stdout), ['NAME', 'TYPE', 'DATA', 'AGE']);
        assert.deepEqual(
          [parseTable(secret.stdout)[0]!['TYPE'], parseTable(secret.stdout)[0]!['DATA']],
          ['Opaque', '1'],
        );

        const cm = await ok(['get', 'cm', 'web-config', '-n', ns]);
        assert.deepEqual(headerOf(cm.stdout), ['NAME', 'DATA', 'AGE']);
        assert.equal(parseTable(cm.stdout)[0]!['DATA'], '2');

        const cr = await ok(['get', widgets, '-n', ns]);
        assert.deepEqual(headerOf(cr.stdout), ['NAME', 'SIZE', 'COLOR', 'AGE']);
        const w = parseTable(cr.stdout)[0]!;
        assert.deepEqual([w['NAME'], w['SIZE'], w['COLOR']], ['gizmo', '3', 'blue']);
      });

      it('get -o yaml, -o json (item and list) and -o wide', async function () {
        const yaml = parseYaml((await ok(['get', 'deploy', 'web', '-n', ns, '-o', 'yaml'])).stdout) as Json;
        assert.equal(yaml['kind'], 'Deployment');
        assert.equal(yaml['apiVersion'], 'apps/v1');
        assert.equal(meta(yaml).namespace, ns);
        assert.deepEqual(meta(yaml).labels, { app: 'web', tier: 'frontend' });
        assert.deepEqual(
          containersOf(yaml).map((c) => [c.name, c.image]),
          [
            ['web', 'nginx:1.25'],
            ['sidecar', 'busybox:1.36'],
          ],
        );

        const secret = await json(['get', 'secret', 'web-secret', '-n', ns]);
        assert.deepEqual(secret['data'], { password: Buffer.from('s3cret').toString('base64') });
        assert.equal(secret['stringData'], undefined);

        const list = await json(['get', 'deploy,svc,cm,secret', '-n', ns, '-l', 'app=web']);
        assert.equal(list['kind'], 'List');
        const items = (list['items'] ?? []) as Json[];
        assert.deepEqual(
          items.map((i) => `${String(i['kind'])}/${meta(i).name}`),
          ['Deployment/web', 'Service/web', 'ConfigMap/web-config', 'Secret/web-secret'],
        );

        const wide = await ok(['get', 'deploy', '-n', ns, '-o', 'wide']);
        assert.deepEqual(headerOf(wide.stdout), [
          'NAME',
          'READY',
          'UP-TO-DATE',
          'AVAILABLE',
          'AGE',
          'CONTAINERS',
          'IMAGES',
          'SELECTOR',
        ]);
        const row = parseTable(wide.stdout)[0]!;
        assert.deepEqual(
          [row['CONTAINERS'], row['IMAGES'], row['SELECTOR']],
          ['web,sidecar', 'nginx:1.25,busybox:1.36', 'app=web'],
        );

        const svcWide = await ok(['get', 'svc', 'web', '-n', ns, '-o', 'wide']);
        assert.deepEqual(headerOf(svcWide.stdout), [
          'NAME',
          'TYPE',
          'CLUSTER-IP',
          'EXTERNAL-IP',
          'PORT(S)',
          'AGE',
          'SELECTOR',
        ]);
      });

      it('get -A, -l, --field-selector and --show-labels', async function () {
        const all = parseTable((await ok(['get', 'deploy', '-A'])).stdout);
        assert.ok(
          all.some((r) => r['NAMESPACE'] === ns && r['NAME'] === 'web' && r['READY'] === '0/1'),
          JSON.stringify(all),
        );

        const byLabel = (await ok(['get', 'deploy', '-n', ns, '-l', 'tier=frontend', '-o', 'name'])).stdout;
        assert.equal(byLabel, 'deployment.apps/web\n');
        const noMatch = await ok(['get', 'deploy', '-n', ns, '-l', 'tier=backend']);
        assert.equal(noMatch.stdout, '');
        assert.match(noMatch.stderr, /No resources found/);
        const setBased = (await ok(['get', 'cm,secret', '-n', ns, '-l', 'app in (web,other),!missing', '-o', 'name']))
          .stdout;
        assert.equal(setBased, 'configmap/web-config\nsecret/web-secret\n');

        const byField = (
          await ok(['get', 'cm', '-n', ns, '--field-selector', 'metadata.name=web-config', '-o', 'name'])
        ).stdout;
        assert.equal(byField, 'configmap/web-config\n');
        const allNs = parseTable((await ok(['get', 'svc', '-A', '--field-selector', `metadata.namespace=${ns}`])).stdout);
        assert.deepEqual(
          allNs.map((r) => [r['NAMESPACE'], r['NAME']]),
          [[ns, 'web']],
        );

        const labels = parseTable((await ok(['get', 'deploy', 'web', '-n', ns, '--show-labels'])).stdout);
        assert.equal(labels[0]!['LABELS'], 'app=web,tier=frontend');
      });

      it('get deploy -w (JSON and Table) sees ADDED, MODIFIED (after a change) and DELETED', async function () {
        const selector = ['deploy', '-n', ns, '--field-selector', 'metadata.name=watched', '-w', '--output-watch-events'];
        const watch = kubectlWatch(binary.path, server.kubeconfig(SPACE), ['get', ...selector, '-o', 'json'], {
          until: (events) => events.some((e) => e.type === 'DELETED'),
          timeoutMs: 20_000,
        });
        // Without -o, kubectl watches with the Table Accept header and prints one row per event.
        const table = textWatch(binary.path, server.kubeconfig(SPACE), ['get', ...selector]);
        try {
          await ok(['create', 'deployment', 'watched', '-n', ns, '--image=nginx']);
          await watch.waitFor((e) => e.some((x) => x.type === 'ADDED'), 10_000);
          await ok(['label', 'deploy', 'watched', '-n', ns, 'stage=two']);
          await watch.waitFor(
            (e) => e.some((x) => x.type === 'MODIFIED' && meta(x.object).labels?.['stage'] === 'two'),
            10_000,
          );
          await ok(['delete', 'deploy', 'watched', '-n', ns]);
          const result = await watch.done;
          assert.ok(result.satisfied, `no DELETED event: ${eventTypes(result.events)} ${result.stderr}`);
          // kube-apiserver (no controllers running) sends exactly these three.
          assert.equal(eventTypes(result.events), 'ADDED MODIFIED DELETED');
          for (const e of result.events) {
            assert.equal(e.object['kind'], 'Deployment');
            assert.equal(meta(e.object).name, 'watched');
          }
          const rvs = result.events.map((e) => Number((e.object['metadata'] as Json)['resourceVersion']));
          assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `resourceVersions not increasing: ${rvs.join(' ')}`);

          const lines = await table.waitFor((l) => l.some((x) => /^DELETED\s/.test(x)), 10_000);
          assert.deepEqual(headerOf(lines[0] ?? ''), ['EVENT', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
          assert.deepEqual(
            lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 3)),
            [
              ['ADDED', 'watched', '0/1'],
              ['MODIFIED', 'watched', '0/1'],
              ['DELETED', 'watched', '0/1'],
            ],
          );
        } finally {
          await watch.stop();
          await table.stop();
        }
      });

            it('apply of the edited file: image changed by container name, a label and an env var removed; diff exits 1 then 0', async function () {
        const original = await fixture('app.yaml');
        const edited = await fixture('app-v2.yaml');
        const same = await run(['diff', '-f', original]);
        assert.equal(same.code, 0, describeResult(['diff', '-f', original], same));
        assert.equal(same.stdout, '');

        const changed = await run(['diff', '-f', edited]);
        assert.equal(changed.code, 1, describeResult(['diff', '-f', edited], changed));
        assert.match(changed.stdout, /^-\s+image: nginx:1\.25$/m);
        assert.match(changed.stdout, /^\+\s+image: nginx:1\.27$/m);
        assert.match(changed.stdout, /^-\s+tier: frontend$/m);

        const applied = await ok(['apply', '-f', edited]);
        assert.match(applied.stdout, /^deployment\.apps\/web configured$/m);
        assert.match(applied.stdout, new RegExp(`^namespace/${ns} unchanged$`, 'm'));
        assert.match(applied.stdout, /^service\/web unchanged$/m);
        assert.match(applied.stdout, /^configmap\/web-config unchanged$/m);

        const live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.deepEqual(meta(live).labels, { app: 'web' });
        assert.deepEqual(
          containersOf(live).map((c) => c.name),
          ['sidecar', 'web'],
          'containers follow the order of the applied file ($setElementOrder)',
        );
        assert.equal(container(live, 'web').image, 'nginx:1.27');
        assert.deepEqual(container(live, 'web').env, [{ name: 'MODE', value: 'production' }]);
        assert.equal(container(live, 'sidecar').image, 'busybox:1.36');
        const lastApplied = meta(live).annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
        assert.match(lastApplied, /nginx:1\.27/);

        const after = await run(['diff', '-f', edited]);
        assert.equal(after.code, 0, describeResult(['diff', '-f', edited], after));
        assert.equal(after.stdout, '');

        // A new object: diff does a dry-run create (exit 1), which must persist nothing.
        const fresh = join(files, `${tag}-fresh.yaml`);
        await writeFile(fresh, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: ${ns}\ndata:\n  k: v\n`);
        const create = await run(['diff', '-f', fresh]);
        assert.equal(create.code, 1, describeResult(['diff', '-f', fresh], create));
        assert.match(create.stdout, /^\+\s+name: fresh$/m);
        assert.match(create.stdout, /^\+\s+uid: /m);
        const get = ['get', 'cm', 'fresh', '-n', ns];
        assertFails(get, await run(get), /NotFound/);
      });

      it('patch a Deployment: strategic (containers merged by name), merge and json', async function () {
        const smp = '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}}}';
        assert.match((await ok(['patch', 'deploy', 'web', '-n', ns, '-p', smp])).stdout, /deployment.apps\/web patched/);
        let live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.deepEqual(
          containersOf(live).map((c) => [c.name, c.image]),
          [
            ['sidecar', 'busybox:1.37'],
            ['web', 'nginx:1.27'],
          ],
        );

        const merge = '{"metadata":{"annotations":{"patched-by":"merge"}},"spec":{"minReadySeconds":5}}';
        await ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', merge]);
        live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.equal(meta(live).annotations?.['patched-by'], 'merge');
        assert.equal((live['spec'] as Json)['minReadySeconds'], 5);
        assert.equal(containersOf(live).length, 2);

        const jsonPatch = JSON.stringify([
          { op: 'test', path: '/metadata/name', value: 'web' },
          { op: 'replace', path: '/spec/minReadySeconds', value: 7 },
          { op: 'add', path: '/metadata/labels/patched', value: 'json' },
          { op: 'remove', path: '/metadata/annotations/patched-by' },
        ]);
        await ok(['patch', 'deploy', 'web', '-n', ns, '--type=json', '-p', jsonPatch]);
        live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.equal((live['spec'] as Json)['minReadySeconds'], 7);
        assert.equal(meta(live).labels?.['patched'], 'json');
        assert.equal(meta(live).annotations?.['patched-by'], undefined);

        // A merge patch replaces lists wholesale, unlike the strategic one.
        const saved = containersOf(live);
        const mergeList = '{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"nginx:1.28"}]}}}}';
        await ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', mergeList]);
        live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.deepEqual(
          containersOf(live).map((c) => [c.name, c.image]),
          [['only', 'nginx:1.28']],
        );
        // Put the containers back (again wholesale) for the following tests.
        const restore = JSON.stringify({ spec: { template: { spec: { containers: saved } } } });
        await ok(['patch', 'deploy', 'web', '-n', ns, '--type=merge', '-p', restore]);
        live = await json(['get', 'deploy', 'web', '-n', ns]);
        assert.deepEqual(
          containersOf(live).map((c) => [c.name, c.image]),
          [
            ['sidecar', 'busybox:1.37'],
            ['web', 'nginx:1.27'],
          ],
        );
      });

      it('explain deployment.spec.template.spec.containers', async function () {
        const r = await ok(['explain', 'deployment.spec.template.spec.containers']);
        assert.match(r.stdout, /KIND:\s+Deployment/);
        assert.match(r.stdout, /^\s+image\s+<string>/m);
      });

      it('scale deploy --replicas=3, then get -o jsonpath and --subresource=scale', async function () {
        const r = await ok(['scale', 'deploy/web', '-n', ns, '--replicas=3']);
        assert.match(r.stdout, /deployment.apps\/web scaled/);
        assert.equal(await jsonpath(['get', 'deploy', 'web', '-n', ns], '{.spec.replicas}'), '3');

        // `get --subresource` is beta (on by default) from 1.27 and GA in 1.33.
        if (minor < 27) return;
        const scale = await json(['get', 'deploy', 'web', '-n', ns, '--subresource=scale']);
        assert.equal(scale['kind'], 'Scale');
        assert.equal(scale['apiVersion'], 'autoscaling/v1');
        assert.equal(meta(scale).name, 'web');
        assert.equal(meta(scale).namespace, ns);
        assert.deepEqual(scale['spec'], { replicas: 3 });
        assert.equal((scale['status'] as Json | undefined)?.['selector'], 'app=web');
      });

      it('get --subresource=scale prints the Scale Table (NAME DESIRED AVAILABLE AGE)', async function () {
        if (minor < 27) this.skip();
        // kube-apiserver's table convertor for autoscaling Scale (pkg/printers/internalversion printScale).
        const table = await ok(['get', 'deploy', 'web', '-n', ns, '--subresource=scale']);
        assert.deepEqual(headerOf(table.stdout), ['NAME', 'DESIRED', 'AVAILABLE', 'AGE'], table.stdout);
        assert.equal(parseTable(table.stdout)[0]?.['DESIRED'], '3', table.stdout);
      });

      it('autoscale deploy: one HPA readable as autoscaling/v1 and v2, TARGETS in the table', async function () {
        // kubectl before 1.23 or so creates through autoscaling/v1, newer ones through v2 (1.33 in protobuf).
        const r = await ok(['autoscale', 'deploy/web', '-n', ns, '--cpu-percent=50', '--min=1', '--max=4']);
        assert.match(r.stdout, /horizontalpodautoscaler.autoscaling\/web autoscaled/);
        const v2 = await json(['get', 'horizontalpodautoscalers.v2.autoscaling', 'web', '-n', ns]);
        assert.equal(v2['apiVersion'], 'autoscaling/v2');
        assert.deepEqual((v2['spec'] as Json)['metrics'], [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
        const v1 = await json(['get', 'horizontalpodautoscalers.v1.autoscaling', 'web', '-n', ns]);
        assert.equal(v1['apiVersion'], 'autoscaling/v1');
        assert.equal((v1['spec'] as Json)['targetCPUUtilizationPercentage'], 50);
        assert.equal((v1['spec'] as Json)['maxReplicas'], 4);
        const table = await ok(['get', 'hpa', 'web', '-n', ns]);
        const row = parseTable(table.stdout)[0];
        assert.equal(row?.['REFERENCE'], 'Deployment/web', table.stdout);
        assert.match(row?.['TARGETS'] ?? '', /<unknown>\/50%/, table.stdout);
        assert.equal(row?.['MINPODS'], '1');
        assert.equal(row?.['MAXPODS'], '4');
        await ok(['delete', 'hpa', 'web', '-n', ns]);
      });

      it('create namespace|configmap|secret generic|deployment|serviceaccount|job|cronjob, then get each', async function () {
        const made = `${ns}-made`;
        assert.match((await ok(['create', 'namespace', made])).stdout, new RegExp(`namespace/${made} created`));
        const creates: [string[], string][] = [
          [['create', 'configmap', 'cfg', '--from-literal=a=1', '--from-literal=b=2'], 'configmap/cfg created'],
          [['create', 'secret', 'generic', 'sec', '--from-literal=password=pw'], 'secret/sec created'],
          [['create', 'deployment', 'dep', '--image=nginx'], 'deployment.apps/dep created'],
          [['create', 'serviceaccount', 'robot'], 'serviceaccount/robot created'],
          [['create', 'job', 'once', '--image=busybox'], 'job.batch/once created'],
          [['create', 'cronjob', 'often', '--image=busybox', '--schedule=*/5 * * * *'], 'cronjob.batch/often created'],
        ];
        for (const [args, out] of creates) {
          const r = await ok([...args, '-n', made]);
          assert.equal(r.stdout.trim(), out);
        }

        assert.equal(parseTable((await ok(['get', 'ns', made])).stdout)[0]?.['STATUS'], 'Active');
        const cfg = await json(['get', 'cm', 'cfg', '-n', made]);
        assert.deepEqual(cfg['data'], { a: '1', b: '2' });
        const sec = await json(['get', 'secret', 'sec', '-n', made]);
        assert.equal(sec['type'], 'Opaque');
        assert.deepEqual(sec['data'], { password: Buffer.from('pw').toString('base64') });
        const dep = await json(['get', 'deploy', 'dep', '-n', made]);
        assert.deepEqual(
          containersOf(dep).map((c) => c.image),
          ['nginx'],
        );
        assert.deepEqual(meta(dep).labels, { app: 'dep' });
        assert.equal(parseTable((await ok(['get', 'sa', 'robot', '-n', made])).stdout)[0]?.['NAME'], 'robot');
        const job = await ok(['get', 'job', 'once', '-n', made]);
        assert.equal(parseTable(job.stdout)[0]?.['NAME'], 'once');
        assert.equal(
          await jsonpath(['get', 'job', 'once', '-n', made], '{.spec.template.spec.containers[0].image}'),
          'busybox',
        );
        const cj = await ok(['get', 'cj', 'often', '-n', made]);
        assert.ok(headerOf(cj.stdout).includes('SCHEDULE'), cj.stdout);
        assert.match(cj.stdout, /^often\s+\*\/5 \* \* \* \*\s/m);
        assert.equal(await jsonpath(['get', 'cj', 'often', '-n', made], '{.spec.schedule}'), '*/5 * * * *');

        const dup = ['create', 'configmap', 'cfg', '-n', made];
        assertFails(dup, await run(dup), /AlreadyExists|already exists/);
      });

      it('label and annotate: add, refuse without --overwrite, --overwrite, remove with key-', async function () {
        const target = ['cm', 'web-config', '-n', ns];
        assert.match((await ok(['label', ...target, 'color=red'])).stdout, /configmap\/web-config labeled/);
        const noOverwrite = ['label', ...target, 'color=blue'];
        assertFails(noOverwrite, await run(noOverwrite), /already has a value \(red\), and --overwrite is false/);
        await ok(['label', ...target, 'color=blue', '--overwrite']);
        assert.equal(meta(await json(['get', ...target])).labels?.['color'], 'blue');
        assert.match((await ok(['label', ...target, 'color-'])).stdout, /configmap\/web-config unlabeled/);
        assert.deepEqual(meta(await json(['get', ...target])).labels, { app: 'web' });

        await ok(['annotate', ...target, 'note=one']);
        const noOverwriteA = ['annotate', ...target, 'note=two'];
        // 1.27 words it "'note' already has a value (one), and --overwrite is false"; later versions
        // "--overwrite is false but found the following declared annotation(s): 'note' already has a value (one)".
        const refused = await run(noOverwriteA);
        assertFails(noOverwriteA, refused, /--overwrite is false/);
        assertFails(noOverwriteA, refused, /'note' already has a value \(one\)/);
        await ok(['annotate', ...target, 'note=two', '--overwrite']);
        assert.equal(meta(await json(['get', ...target])).annotations?.['note'], 'two');
        await ok(['annotate', ...target, 'note-']);
        const annotations = meta(await json(['get', ...target])).annotations ?? {};
        assert.equal(annotations['note'], undefined);
        assert.ok('kubectl.kubernetes.io/last-applied-configuration' in annotations, 'last-applied annotation kept');

        // Removing the only label / annotation leaves no empty map behind: kube-apiserver serializes
        // ObjectMeta.labels and .annotations with omitempty.
        await ok(['create', 'configmap', 'bare', '--from-literal=a=1', '-n', ns]);
        await ok(['label', 'cm', 'bare', '-n', ns, 'only=one']);
        await ok(['annotate', 'cm', 'bare', '-n', ns, 'only=one']);
        await ok(['label', 'cm', 'bare', '-n', ns, 'only-']);
        await ok(['annotate', 'cm', 'bare', '-n', ns, 'only-']);
        const bare = meta(await json(['get', 'cm', 'bare', '-n', ns]));
        assert.equal(bare.labels, undefined, `labels left as ${JSON.stringify(bare.labels)}`);
        assert.equal(bare.annotations, undefined, `annotations left as ${JSON.stringify(bare.annotations)}`);
      });

      describe('delete propagation on an owner with a dependent', function () {
        const pns = `${ns}-gc`;

        before(async function () {
          await ok(['create', 'namespace', pns]);
        });

        /** ConfigMap `owner-<suffix>` and Secret `dep-<suffix>` owned by it; returns the owner's uid. */
        async function ownerAndDependent(suffix: string, finalizers?: string[]): Promise<string> {
          await ok(['create', 'configmap', `owner-${suffix}`, '--from-literal=a=1', '-n', pns]);
          const uid = await jsonpath(['get', 'cm', `owner-${suffix}`, '-n', pns], '{.metadata.uid}');
          assert.match(uid, /^[0-9a-f-]{36}$/);
          const dependent = {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: `dep-${suffix}`,
              namespace: pns,
              ...(finalizers !== undefined && { finalizers }),
              ownerReferences: [
                { apiVersion: 'v1', kind: 'ConfigMap', name: `owner-${suffix}`, uid, blockOwnerDeletion: true },
              ],
            },
            stringData: { k: 'v' },
          };
          await ok(['create', '-f', '-'], { stdin: JSON.stringify(dependent) });
          const refs = meta(await json(['get', 'secret', `dep-${suffix}`, '-n', pns])).ownerReferences ?? [];
          assert.deepEqual(
            refs.map((r) => r.uid),
            [uid],
          );
          return uid;
        }

        it('--cascade=background: the dependent is gone within a few seconds', async function () {
          await ownerAndDependent('bg');
          const r = await ok(['delete', 'cm', 'owner-bg', '-n', pns, '--cascade=background']);
          assert.match(r.stdout, /configmap "owner-bg" deleted/);
          await gone('cm', 'owner-bg', pns);
          await gone('secret', 'dep-bg', pns);
        });

        it('--cascade=orphan: the dependent stays and loses its ownerReferences', async function () {
          await ownerAndDependent('orphan');
          const r = await ok(['delete', 'cm', 'owner-orphan', '-n', pns, '--cascade=orphan']);
          assert.match(r.stdout, /configmap "owner-orphan" deleted/);
          await gone('cm', 'owner-orphan', pns);
          await eventually(async () => {
            const dep = await json(['get', 'secret', 'dep-orphan', '-n', pns]);
            assert.equal(meta(dep).ownerReferences?.length ?? 0, 0, JSON.stringify(meta(dep)));
          });
          await sleep(1_000);
          const dep = await json(['get', 'secret', 'dep-orphan', '-n', pns]);
          assert.equal(meta(dep).deletionTimestamp, undefined);
          assert.deepEqual(dep['data'], { k: Buffer.from('v').toString('base64') });
        });

        it('--cascade=foreground: both go; the owner only after its dependent', async function () {
          // Plain: kubectl waits for the owner; afterwards both are gone.
          await ownerAndDependent('fg');
          const r = await ok(['delete', 'cm', 'owner-fg', '-n', pns, '--cascade=foreground']);
          assert.match(r.stdout, /configmap "owner-fg" deleted/);
          await gone('cm', 'owner-fg', pns);
          await gone('secret', 'dep-fg', pns);

          // Ordering: a finalizer holds the dependent, so the owner must stay (foregroundDeletion).
          await ownerAndDependent('held', ['example.com/hold']);
          await ok(['delete', 'cm', 'owner-held', '-n', pns, '--cascade=foreground', '--wait=false']);
          const dep = await eventually(async () => {
            const d = await json(['get', 'secret', 'dep-held', '-n', pns]);
            assert.ok(meta(d).deletionTimestamp, `dependent not being deleted: ${JSON.stringify(meta(d))}`);
            return d;
          });
          assert.deepEqual(meta(dep).finalizers, ['example.com/hold']);
          await sleep(300);
          const owner = await json(['get', 'cm', 'owner-held', '-n', pns]);
          assert.ok(meta(owner).deletionTimestamp, `owner has no deletionTimestamp: ${JSON.stringify(meta(owner))}`);
          assert.ok(
            meta(owner).finalizers?.includes('foregroundDeletion'),
            `owner lacks the foregroundDeletion finalizer: ${JSON.stringify(meta(owner))}`,
          );

          await ok(['patch', 'secret', 'dep-held', '-n', pns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
          await gone('secret', 'dep-held', pns);
          await gone('cm', 'owner-held', pns);
        });
      });

      describe('namespace deletion', function () {
        /** A namespace holding a Deployment, a ConfigMap, a Secret and a Widget. */
        async function populated(name: string): Promise<void> {
          await ok(['create', 'namespace', name]);
          await ok(['create', 'deployment', 'd', '--image=nginx', '-n', name]);
          await ok(['create', 'configmap', 'c', '--from-literal=a=1', '-n', name]);
          await ok(['create', 'secret', 'generic', 's', '--from-literal=a=1', '-n', name]);
          await ok(['apply', '-f', await fixture('widget.yaml', name)]);
          const names = (await ok(['get', `deploy,cm,secret,${widgets}`, '-n', name, '-o', 'name'])).stdout;
          for (const n of ['deployment.apps/d', 'configmap/c', 'secret/s', `widget.${group}/gizmo`]) {
            assert.ok(names.split('\n').includes(n), `${n} not in ${names}`);
          }
        }

        it('delete ns (waits) removes everything inside', async function () {
          const doomed = `${ns}-doomed`;
          await populated(doomed);
          const r = await ok(['delete', 'ns', doomed], { timeoutMs: 30_000 });
          assert.match(r.stdout, new RegExp(`namespace "${doomed}" deleted`));
          const get = ['get', 'ns', doomed];
          assertFails(get, await run(get), new RegExp(`NotFound.*namespaces "${doomed}" not found`));
          for (const kind of ['deploy', 'cm', 'secret', widgets]) {
            const list = await ok(['get', kind, '-A', '-o', 'name', '--field-selector', `metadata.namespace=${doomed}`]);
            assert.equal(list.stdout, '', `${kind} left in ${doomed}`);
          }
          // The name can be used again, and the new namespace starts empty (but for the
          // kube-root-ca.crt ConfigMap every namespace gets).
          await ok(['create', 'namespace', doomed]);
          const left = (await ok(['get', `deploy,cm,secret,${widgets}`, '-n', doomed, '-o', 'name'])).stdout;
          assert.deepEqual(left.split('\n').filter((l) => l !== '' && l !== 'configmap/kube-root-ca.crt'), []);
        });

        it('a finalizer keeps it Terminating; creates are Forbidden; removing the finalizer lets it go', async function () {
          const held = `${ns}-held`;
          await populated(held);
          await ok(['create', 'configmap', 'hold', '--from-literal=a=1', '-n', held]);
          await ok(['patch', 'cm', 'hold', '-n', held, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);

          // `kubectl delete ns` (with --wait, the default) only returns once the namespace is gone.
          const deleting = run(['delete', 'ns', held], { timeoutMs: 40_000 });
          try {
            await eventually(async () => {
              assert.equal(await jsonpath(['get', 'ns', held], '{.status.phase}'), 'Terminating');
            });
            assert.ok(await jsonpath(['get', 'ns', held], '{.metadata.deletionTimestamp}'));
            assert.equal(parseTable((await ok(['get', 'ns', held])).stdout)[0]?.['STATUS'], 'Terminating');
            // Everything without a finalizer goes; the held ConfigMap stays, being deleted.
            await eventually(async () => {
              const names = (await ok(['get', `deploy,cm,secret,${widgets}`, '-n', held, '-o', 'name'])).stdout;
              assert.equal(names, 'configmap/hold\n');
            });
            assert.ok(await jsonpath(['get', 'cm', 'hold', '-n', held], '{.metadata.deletionTimestamp}'));

            const create = ['create', 'configmap', 'late', '--from-literal=a=1', '-n', held];
            assertFails(
              create,
              await run(create),
              new RegExp(`forbidden: unable to create new content in namespace ${held} because it is being terminated`),
            );
            const apply = ['apply', '-f', await fixture('widget.yaml', held)];
            assertFails(apply, await run(apply), /forbidden|Forbidden/);
            assert.equal(await jsonpath(['get', 'ns', held], '{.status.phase}'), 'Terminating');
          } finally {
            await run(['patch', 'cm', 'hold', '-n', held, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
          }
          const r = await deleting;
          assert.equal(r.code, 0, describeResult(['delete', 'ns', held], r));
          assert.match(r.stdout, new RegExp(`namespace "${held}" deleted`));
          const get = ['get', 'ns', held];
          assertFails(get, await run(get), /NotFound/);
        });
      });

      // A describe of its own: mocha runs a suite's own tests before its nested suites, and the
      // namespace tests above still need the CRD.
      describe('CRD deletion', function () {
        it('removes its custom resources and its resource type', async function () {
          assert.equal((await ok(['get', widgets, '-n', ns, '-o', 'name'])).stdout, `widget.${group}/gizmo\n`);
          const r = await ok(['delete', 'crd', widgets], { timeoutMs: 30_000 });
          assert.match(r.stdout, new RegExp(`customresourcedefinition.apiextensions.k8s.io "${widgets}" deleted`));
          await gone('crd', widgets);

          const get = ['get', widgets, '-n', ns];
          const after = await run(get);
          assert.equal(after.code, 1, describeResult(get, after));
          // kubectl names the resource by its plural only.
          assert.match(after.stderr, /the server doesn't have a resource type "widgets"/);

          // Defining it again does not bring the old objects back.
          await ok(['apply', '-f', await fixture('crd.yaml')]);
          await ok(['wait', '--for=condition=Established', `crd/${widgets}`, '--timeout=20s']);
          const list = await ok(['get', widgets, '-A', '-o', 'name']);
          assert.equal(list.stdout, '');
          await ok(['delete', 'crd', widgets]);
        });
      });
    });
  }
});
