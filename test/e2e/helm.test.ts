/**
 * helm 3.18 and helm 4 (server-side apply by default) against a space: install of a chart with a
 * CRD in crds/, a Deployment, Service, ConfigMap, Secret, ServiceAccount, Role, RoleBinding, a
 * custom resource and a pre-install hook Job; list, status, get manifest; upgrade (a changed image
 * and a removed ConfigMap key), rollback and uninstall, each step checked with kubectl. The space
 * is the WEC cluster1, whose simulator runs the hook Job to completion, as helm waits for it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeResult, kubectl, kubectlHome, kubectlVersions, toolPath, type KubectlResult } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const CHART = fileURLToPath(new URL('../fixtures/charts/tiny', import.meta.url));

function run(binary: string, args: readonly string[], timeoutMs = 60_000): Promise<KubectlResult> {
  return new Promise((ok) => {
    const child = spawn(binary, args, { env: { ...process.env, HOME: kubectlHome() }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code: code ?? -1, stdout, stderr, timedOut });
    });
  });
}

const helms = [
  { name: 'helm 3.18', path: toolPath('helm3/helm/helm') },
  { name: 'helm 4', path: toolPath('helm4/helm/helm') },
];

describe('e2e: helm', function () {
  const kubectlBin = kubectlVersions().at(-1);
  let server: ServerProcess;

  before(async function () {
    if (kubectlBin === undefined || helms.every((h) => h.path === undefined)) this.skip();
    server = await startServer({ demo: true });
  });

  after(async function () {
    await server?.dispose();
  });

  for (const helm of helms) {
    it(`${helm.name}: install, upgrade, rollback, uninstall`, async function () {
      if (helm.path === undefined) this.skip();
      const kc = server.kubeconfig('cluster1');
      const ns = helm.name.replace(/[^a-z0-9]+/g, '-');
      const release = `r${ns.replace(/-/g, '')}`;
      const h = async (args: string[]): Promise<KubectlResult> => {
        const r = await run(helm.path!, [...args, '--kubeconfig', kc, '--namespace', ns]);
        assert.equal(r.code, 0, describeResult([helm.name, ...args], r));
        return r;
      };
      const k = async (args: string[]): Promise<string> => {
        const r = await kubectl(kubectlBin!.path, kc, [...args, '-n', ns]);
        assert.equal(r.code, 0, describeResult(args, r));
        return r.stdout;
      };
      const names = async (): Promise<string[]> =>
        (await k(['get', 'deploy,svc,cm,secret,gadgets,sa,role,rolebinding', '-o', 'name']))
          .split('\n')
          .filter((l) => l !== '' && !l.endsWith('kube-root-ca.crt') && l !== 'serviceaccount/default');

      await h(['install', release, CHART, '--create-namespace']);
      assert.deepEqual((await names()).sort(), [
        `configmap/${release}-settings`,
        `deployment.apps/${release}-web`,
        `gadget.tiny.example.com/${release}-gadget`,
        `role.rbac.authorization.k8s.io/${release}-reader`,
        `rolebinding.rbac.authorization.k8s.io/${release}-reader`,
        `secret/${release}-secret`,
        `secret/sh.helm.release.v1.${release}.v1`,
        `service/${release}-web`,
        `serviceaccount/${release}-runner`,
      ]);
      // Cluster-scoped webhook configurations are stored (never called), with upstream's defaults.
      const hooks = async (): Promise<string[]> =>
        (await k(['get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations', '-o', 'name'])).split('\n').filter((l) => l.includes(`/${release}-`));
      assert.deepEqual((await hooks()).sort(), [
        `mutatingwebhookconfiguration.admissionregistration.k8s.io/${release}-mutate`,
        `validatingwebhookconfiguration.admissionregistration.k8s.io/${release}-validate`,
      ]);
      assert.equal(await k(['get', 'mutatingwebhookconfiguration', `${release}-mutate`, '-o', 'jsonpath={.webhooks[0].failurePolicy}/{.webhooks[0].clientConfig.service.port}/{.webhooks[0].reinvocationPolicy}']), 'Fail/443/Never');
      assert.equal(await k(['get', 'validatingwebhookconfiguration', `${release}-validate`, '-o', 'jsonpath={.webhooks[0].failurePolicy}']), 'Ignore');
      // The hook ran to completion before the release's objects were created.
      assert.equal(await k(['get', 'job', `${release}-prepare`, '-o', 'jsonpath={.status.conditions[?(@.type=="Complete")].status}']), 'True');
      assert.match(await k(['get', 'secret', `${release}-secret`, '-o', 'jsonpath={.data.token}']), /^czNjcjN0$/);
      assert.match((await h(['list'])).stdout, new RegExp(`${release}\\s+${ns}\\s+1\\s+.*deployed`));
      assert.match((await h(['status', release])).stdout, /STATUS: deployed/);
      assert.match((await h(['get', 'manifest', release])).stdout, /kind: Deployment/);

      await h(['upgrade', release, CHART, '--set', 'image=nginx:1.27', '--set', 'settings.farewell=null']);
      assert.equal(await k(['get', 'deploy', `${release}-web`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.27');
      assert.equal(await k(['get', 'cm', `${release}-settings`, '-o', 'jsonpath={.data}']), '{"greeting":"hello"}');

      await h(['rollback', release, '1']);
      assert.equal(await k(['get', 'deploy', `${release}-web`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'nginx:1.25');
      assert.equal(await k(['get', 'cm', `${release}-settings`, '-o', 'jsonpath={.data.farewell}']), 'bye');
      assert.match((await h(['history', release])).stdout, /3\s+.*deployed/);

      await h(['uninstall', release]);
      assert.deepEqual(await names(), []);
      assert.deepEqual(await hooks(), []);
    });
  }
});
