/**
 * Real kubectl against `kubestellar serve --demo`: what kube's WDS controllers and bootstrap leave
 * for users to see — aggregated ClusterRoles with their rules (get -o yaml, describe), an
 * administrator's `auth can-i --list`, the built-in PriorityClasses, the local APIServices, the root
 * CA ConfigMap and default ServiceAccount coming back after deletion, and Deployment rollouts in a
 * workload cluster (revision annotations, rollout status/history/undo), and an HPA there whose
 * target is a custom resource with a scale subresource.
 */
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { describeResult, kubectl, kubectlVersions, type KubectlResult } from '../helpers/kubectl.js';
import { WIDGET_CRD } from '../helpers/scalable-crd.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

describe('e2e: cluster controllers and bootstrap objects', function () {
  const versions = kubectlVersions();
  let server: ServerProcess;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
  });
  after(async () => server?.dispose());

  for (const binary of versions) {
    describe(`kubectl ${binary.version}`, function () {
      const run = (args: string[]): Promise<KubectlResult> => kubectl(binary.path, server.kubeconfig('wds1'), args);
      const ok = async (args: string[]): Promise<KubectlResult> => {
        const r = await run(args);
        assert.equal(r.code, 0, describeResult(args, r));
        return r;
      };
      const eventually = async (args: string[], test: (r: KubectlResult) => boolean): Promise<KubectlResult> => {
        let last: KubectlResult | undefined;
        for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
          last = await run(args);
          if (test(last)) return last;
        }
        assert.fail(`never as expected: ${describeResult(args, last!)}`);
      };
      const ns = `ctl-${binary.version.replace('.', '-')}`;

      it('get clusterrole view -o yaml shows the aggregated rules', async () => {
        const r = await eventually(['get', 'clusterrole', 'view', '-o', 'yaml'], (x) => x.code === 0 && ((parseYaml(x.stdout) as { rules?: unknown[] }).rules ?? []).length > 0);
        const rules = (parseYaml(r.stdout) as { rules: { resources?: string[]; verbs: string[] }[] }).rules;
        assert.ok(rules.some((x) => x.resources?.includes('configmaps') && x.verbs.includes('watch')));
      });

      it('describe clusterrole admin lists its rules', async () => {
        const r = await ok(['describe', 'clusterrole', 'admin']);
        assert.match(r.stdout, /^\s*rolebindings\.rbac\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create delete deletecollection get list patch update watch\]$/m);
        const secrets = r.stdout.split('\n').find((l) => /^\s*secrets\s/.test(l)) ?? '';
        for (const verb of ['get', 'list', 'watch', 'create', 'update', 'delete']) assert.match(secrets, new RegExp(`[[ ]${verb}[ \\]]`), r.stdout);
        assert.match(r.stdout, /^\s*deployments\.apps\s+\[\]\s+\[\]/m);
      });

      it('auth can-i --list as an administrator: the wildcards and what every authenticated user holds', async () => {
        const r = await ok(['auth', 'can-i', '--list']);
        const lines = r.stdout.split('\n');
        assert.ok(lines.some((l) => /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/.test(l)), r.stdout);
        assert.ok(lines.some((l) => /^\s+\[\*\]\s+\[\]\s+\[\*\]$/.test(l)), r.stdout);
        assert.ok(lines.some((l) => /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/.test(l)), r.stdout);
        assert.ok(lines.some((l) => /^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/.test(l)), r.stdout);
        assert.ok(lines.some((l) => /^\s+\[\/api\/\*\]\s+\[\]\s+\[get\]$/.test(l)), r.stdout);
        assert.ok(lines.some((l) => /^\s+\[\/version\]\s+\[\]\s+\[get\]$/.test(l)), r.stdout);
      });

      it('get priorityclasses shows the built-in classes', async () => {
        const r = await ok(['get', 'priorityclasses', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.value}{"\\n"}{end}']);
        assert.deepEqual(r.stdout.trim().split('\n').sort(), ['system-cluster-critical=2000000000', 'system-node-critical=2000001000']);
      });

      it('get apiservices lists every served group-version as Local and Available', async () => {
        const r = await ok(['get', 'apiservices']);
        const rows = new Map(r.stdout.trim().split('\n').slice(1).map((l) => { const [name, ...rest] = l.trim().split(/\s+/); return [name!, rest.slice(0, 2).join(' ')]; }));
        for (const name of ['v1.', 'v1.apps', 'v2.autoscaling', 'v1.rbac.authorization.k8s.io', 'v1alpha1.control.kubestellar.io']) {
          assert.equal(rows.get(name), 'Local True', `${name}: ${r.stdout}`);
        }
        const apps = parseYaml((await ok(['get', 'apiservice', 'v1.apps', '-o', 'yaml'])).stdout) as { spec: Record<string, unknown> };
        assert.deepEqual(apps.spec, { group: 'apps', groupPriorityMinimum: 17800, version: 'v1', versionPriority: 15 });
      });

      it('rollouts in a workload cluster: revisions on the Deployment, rollout status --revision, history and undo', async () => {
        const wec = (args: string[]): Promise<KubectlResult> => kubectl(binary.path, server.kubeconfig('cluster1'), args);
        const wecOk = async (args: string[]): Promise<KubectlResult> => {
          const r = await wec(args);
          assert.equal(r.code, 0, describeResult(args, r));
          return r;
        };
        const rns = `${ns}-rollout`;
        const revision = async (): Promise<string> =>
          (await wecOk(['get', 'deploy', 'web', '-n', rns, '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'])).stdout;
        await wecOk(['create', 'namespace', rns]);
        await wecOk(['create', 'deployment', 'web', '--image=nginx:1.0', '-n', rns]);
        await wecOk(['rollout', 'status', 'deploy/web', '-n', rns, '--timeout=60s']);
        assert.equal(await revision(), '1');
        await wecOk(['set', 'image', 'deploy/web', 'nginx=nginx:1.1', '-n', rns]);
        const done = await wecOk(['rollout', 'status', 'deploy/web', '-n', rns, '--revision=2', '--timeout=60s']);
        assert.match(done.stdout, /successfully rolled out/);
        assert.equal(await revision(), '2');
        const history = (await wecOk(['rollout', 'history', 'deploy/web', '-n', rns])).stdout;
        assert.deepEqual(history.trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]), ['1', '2']);
        await wecOk(['rollout', 'undo', 'deploy/web', '-n', rns]);
        await wecOk(['rollout', 'status', 'deploy/web', '-n', rns, '--revision=3', '--timeout=60s']);
        assert.equal(await revision(), '3');
        const image = (await wecOk(['get', 'deploy', 'web', '-n', rns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
        assert.equal(image, 'nginx:1.0');
      });

      it('autoscale a custom resource with a scale subresource in a workload cluster: the HPA reads its scale', async function () {
        // The first HPA sync comes one period (15 s) after the HPA is seen.
        this.timeout(90_000);
        const wec = (args: string[], stdin?: string): Promise<KubectlResult> => kubectl(binary.path, server.kubeconfig('cluster1'), args, stdin === undefined ? {} : { stdin });
        const wecOk = async (args: string[], stdin?: string): Promise<KubectlResult> => {
          const r = await wec(args, stdin);
          assert.equal(r.code, 0, describeResult(args, r));
          return r;
        };
        const hns = `${ns}-hpa`;
        await wecOk(['apply', '-f', '-'], JSON.stringify(WIDGET_CRD));
        await wecOk(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s']);
        await wecOk(['create', 'namespace', hns]);
        await wecOk(['apply', '-n', hns, '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'ssa' }, spec: { replicas: 2 } }));
        await wecOk(['autoscale', 'widget', 'ssa', '-n', hns, '--min=1', '--max=3', '--cpu-percent=50']);
        const conditions = async (): Promise<Record<string, string>> => {
          const r = await wec(['get', 'hpa', 'ssa', '-n', hns, '-o', 'json']);
          if (r.code !== 0) return {};
          const hpa = JSON.parse(r.stdout) as { status?: { conditions?: { type: string; status: string; reason: string }[] } };
          return Object.fromEntries((hpa.status?.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
        };
        const until = async (want: Record<string, string>): Promise<void> => {
          let last: Record<string, string> = {};
          for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
            last = await conditions();
            if (Object.entries(want).every(([k, v]) => last[k] === v)) return;
          }
          assert.fail(`HPA conditions ${JSON.stringify(last)}, wanted ${JSON.stringify(want)}`);
        };
        // The widget's status has no selector yet: the scale is read, but there is nothing to select pods by.
        await until({ AbleToScale: 'True/SucceededGetScale', ScalingActive: 'False/InvalidSelector' });
        const events = JSON.parse((await wecOk(['get', 'events', '-n', hns, '--field-selector', 'involvedObject.name=ssa,involvedObject.kind=HorizontalPodAutoscaler', '-o', 'json'])).stdout) as {
          items: { reason: string }[];
        };
        assert.ok(events.items.some((e) => e.reason === 'SelectorRequired'), JSON.stringify(events.items.map((e) => e.reason)));
        assert.ok(!events.items.some((e) => e.reason === 'FailedGetScale'), JSON.stringify(events.items.map((e) => e.reason)));
        // (With a selector it goes on to the metrics: test/integration/simulator-workloads.test.ts, on a shorter sync period.)
      });

      it('pods get the ServiceAccount token volume; an unknown account is refused', async () => {
        const pns = `${ns}-pods`;
        await ok(['create', 'namespace', pns]);
        await ok(['run', 'p', '--image=nginx', '-n', pns]);
        const pod = parseYaml((await ok(['get', 'pod', 'p', '-n', pns, '-o', 'yaml'])).stdout) as {
          spec: { serviceAccountName: string; volumes: { name: string; projected?: { sources: object[] } }[]; containers: { volumeMounts: { name: string; mountPath: string; readOnly: boolean }[] }[] };
        };
        assert.equal(pod.spec.serviceAccountName, 'default');
        const volume = pod.spec.volumes.find((v) => v.name.startsWith('kube-api-access-'));
        assert.ok(volume?.projected?.sources.length === 3, JSON.stringify(pod.spec.volumes));
        assert.deepEqual(pod.spec.containers[0]!.volumeMounts, [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: volume!.name, readOnly: true }]);
        const args = ['run', 'q', '--image=nginx', '-n', pns, '--overrides={"spec":{"serviceAccountName":"ghost"}}'];
        const refused = await run(args);
        assert.notEqual(refused.code, 0, describeResult(args, refused));
        assert.match(refused.stderr, /Forbidden.*error looking up service account .*\/ghost: serviceaccount "ghost" not found/);
      });

      it('LimitRanges default what a pod leaves out and bound what it asks for', async () => {
        const lns = `${ns}-limits`;
        await ok(['create', 'namespace', lns]);
        const limitRange = JSON.stringify({
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'defaults', namespace: lns },
          spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] },
        });
        const created = await kubectl(binary.path, server.kubeconfig('wds1'), ['apply', '-f', '-'], { stdin: limitRange });
        assert.equal(created.code, 0, describeResult(['apply'], created));
        await ok(['run', 'small', '--image=nginx', '-n', lns]);
        const pod = parseYaml((await ok(['get', 'pod', 'small', '-n', lns, '-o', 'yaml'])).stdout) as {
          metadata: { annotations: Record<string, string> };
          spec: { containers: { resources: unknown }[] };
        };
        assert.deepEqual(pod.spec.containers[0]!.resources, { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
        assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container small; cpu, memory limit for container small');
        const args = ['run', 'big', '--image=nginx', '-n', lns, '--overrides={"spec":{"containers":[{"name":"big","image":"nginx","resources":{"limits":{"cpu":"2"}}}]}}'];
        const refused = await run(args);
        assert.notEqual(refused.code, 0, describeResult(args, refused));
        assert.match(refused.stderr, /Forbidden.*maximum cpu usage per Container is 1, but limit is 2/);
      });

      it('create quota: describe shows the usage, a create beyond it is refused, a delete frees room', async () => {
        const qns = `${ns}-quota`;
        await ok(['create', 'namespace', qns]);
        await eventually(['get', 'configmap', 'kube-root-ca.crt', '-n', qns], (x) => x.code === 0);
        await ok(['create', 'quota', 'small', '-n', qns, '--hard=count/configmaps=2,pods=5']);
        const described = await eventually(['describe', 'quota', 'small', '-n', qns], (x) => /count\/configmaps\s+1\s+2/.test(x.stdout));
        assert.match(described.stdout, /pods\s+0\s+5/);
        await ok(['create', 'configmap', 'one', '-n', qns]);
        const args = ['create', 'configmap', 'two', '-n', qns];
        const refused = await run(args);
        assert.notEqual(refused.code, 0, describeResult(args, refused));
        assert.match(refused.stderr, /forbidden: exceeded quota: small, requested: count\/configmaps=1, used: count\/configmaps=2, limited: count\/configmaps=2/);
        await ok(['delete', 'configmap', 'one', '-n', qns]);
        await ok(['create', 'configmap', 'two', '-n', qns]);
      });

      it('a deleted kube-root-ca.crt and default ServiceAccount come back', async () => {
        await ok(['create', 'namespace', ns]);
        await eventually(['get', 'configmap', 'kube-root-ca.crt', '-n', ns], (x) => x.code === 0);
        await eventually(['get', 'serviceaccount', 'default', '-n', ns], (x) => x.code === 0);
        await ok(['delete', 'configmap', 'kube-root-ca.crt', '-n', ns]);
        await ok(['delete', 'serviceaccount', 'default', '-n', ns]);
        await eventually(['get', 'configmap', 'kube-root-ca.crt', '-n', ns], (x) => x.code === 0);
        await eventually(['get', 'serviceaccount', 'default', '-n', ns], (x) => x.code === 0);
      });
    });
  }
});
