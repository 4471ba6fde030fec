/**
 * Server-side apply with real kubectl: create, re-apply, a conflict with a second field manager
 * (non-zero exit naming the field), --force-conflicts, and managedFields as kubectl shows them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeResult, kubectl, kubectlVersions } from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const deployment = (ns: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa
  namespace: ${ns}
  labels: {app: ssa}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ssa}}
  template:
    metadata: {labels: {app: ssa}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`;

describe('e2e: kubectl apply --server-side', function () {
  // SSA as kubectl uses it today: the newest pinned kubectl and 1.35 (the oldest, 1.27, is left out).
  const all = kubectlVersions();
  const versions = all.length > 1 ? all.slice(1) : all;
  let server: ServerProcess;
  let files: string;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
    files = await mkdtemp(join(tmpdir(), 'kubectl-ssa-'));
  });

  after(async function () {
    await server?.dispose();
    if (files !== undefined) await rm(files, { recursive: true, force: true });
  });

  for (const v of versions) {
    it(`kubectl ${v.version}: create, conflict, force, managedFields`, async function () {
      const ns = `ssa-${v.version.replace('.', '-')}`;
      const run = (args: string[]) => kubectl(v.path, server.kubeconfig('wds1'), args);
      const ok = async (args: string[]) => {
        const r = await run(args);
        assert.equal(r.code, 0, describeResult(args, r));
        return r;
      };
      await ok(['create', 'namespace', ns]);
      const file = join(files, `${ns}.yaml`);
      await writeFile(file, deployment(ns, 2));
      assert.match((await ok(['apply', '--server-side', '-f', file])).stdout, /serverside-applied/);
      await ok(['apply', '--server-side', '-f', file]);

      const shown = await ok(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={.metadata.managedFields[*].manager}/{.metadata.managedFields[*].operation}']);
      assert.equal(shown.stdout, 'kubectl/Apply');

      await writeFile(file, deployment(ns, 3));
      const conflict = await run(['apply', '--server-side', '--field-manager=other', '-f', file]);
      assert.notEqual(conflict.code, 0, describeResult(['apply (conflict)'], conflict));
      assert.match(conflict.stderr, /conflict with "kubectl".*\.spec\.replicas/);

      await ok(['apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', file]);
      assert.equal((await ok(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={.spec.replicas}'])).stdout, '3');
      const managers = (await ok(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={.metadata.managedFields[*].manager}'])).stdout;
      assert.deepEqual(managers.split(' ').sort(), ['kubectl', 'other']);

      // Status applies keep their own manager, with subresource status.
      const status = join(files, `${ns}-status.yaml`);
      await writeFile(status, `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ssa, namespace: ${ns}}\nstatus: {replicas: 3}\n`);
      await ok(['apply', '--server-side', '--subresource=status', '--field-manager=status-writer', '-f', status]);
      const entries = (await ok(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={range .metadata.managedFields[*]}{.manager}/{.subresource};{end}'])).stdout;
      assert.ok(entries.split(';').includes('status-writer/status'), entries);
      assert.equal((await ok(['get', 'deploy', 'ssa', '-n', ns, '-o', 'jsonpath={.status.replicas}'])).stdout, '3');

      // A field only one manager owns goes when that manager stops applying it.
      const cm = join(files, `${ns}-cm.yaml`);
      const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: ${ns}\ndata:\n${data}`;
      await writeFile(cm, configMap('  a: "1"\n  b: "2"\n'));
      await ok(['apply', '--server-side', '-f', cm]);
      await writeFile(cm, configMap('  a: "1"\n'));
      const diff = await run(['diff', '--server-side', '-f', cm]);
      assert.equal(diff.code, 1, describeResult(['diff --server-side'], diff));
      assert.match(diff.stdout, /-\s+b: "2"/);
      await ok(['apply', '--server-side', '-f', cm]);
      assert.equal((await ok(['get', 'cm', 'owned', '-n', ns, '-o', 'jsonpath={.data}'])).stdout, '{"a":"1"}');
      assert.equal((await run(['diff', '--server-side', '-f', cm])).code, 0);

      // An object first applied client-side is taken over by a server-side apply.
      const csa = join(files, `${ns}-csa.yaml`);
      await writeFile(csa, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: upgraded\n  namespace: ${ns}\ndata:\n  x: "1"\n`);
      await ok(['apply', '-f', csa]);
      assert.equal(
        (await ok(['get', 'cm', 'upgraded', '-n', ns, '-o', 'jsonpath={.metadata.managedFields[*].manager}'])).stdout,
        'kubectl-client-side-apply',
      );
      await ok(['apply', '--server-side', '-f', csa]);
      const after = (await ok(['get', 'cm', 'upgraded', '-n', ns, '-o', 'jsonpath={.metadata.managedFields[*].manager}'])).stdout;
      assert.ok(after.split(' ').includes('kubectl'), after);
      assert.ok(!after.split(' ').includes('kubectl-client-side-apply'), after);
    });
  }
});
