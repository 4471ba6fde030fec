/**
 * Real kubectl against the real `kubestellar serve --demo` (a child process on port 0, fresh data
 * dir): discovery, namespaces, ConfigMap create/get/list/watch/replace/label/patch/apply/delete,
 * errors, apply --prune with the default allowlist, cluster-scoped kinds (nodes, PVs, CSR
 * approval), the stored-only kinds (APIServices, RuntimeClasses, CSI, flow control, admission
 * policies, PodTemplates), the root Space API, space isolation, and durability across SIGKILL and restart.
 *
 * Runs for the oldest and newest pinned kubectl beside the dispatcher (all of them with
 * E2E_KUBECTL=all) and for kubectl 1.35 from .tools/ (scripts/fetch-tools.sh).
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
  kubectl135,
  kubectlHome,
  kubectlVersions,
  kubectlWatch,
  parseTable,
  type KubectlBinary,
  type KubectlResult,
  type WatchEvent,
} from '../helpers/kubectl.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';

const DEMO_SPACES = ['its1', 'wds1', 'cluster1', 'cluster2'];
const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

type Json = Record<string, unknown>;

interface Meta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function meta(object: Json): Meta {
  return (object['metadata'] ?? {}) as Meta;
}

function configMap(name: string, data: Record<string, string>, labels?: Record<string, string>): Json {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(labels !== undefined && { labels }) },
    data,
  };
}

/** Runs kubectl and asserts exit 0, with the whole output in the failure message. */
type Run = (space: string, args: string[], options?: { stdin?: string }) => Promise<KubectlResult>;

function runnerFor(server: () => ServerProcess, binary: KubectlBinary): { run: Run; ok: Run } {
  const run: Run = (space, args, options = {}) => kubectl(binary.path, server().kubeconfig(space), args, options);
  const ok: Run = async (space, args, options) => {
    const r = await run(space, args, options);
    assert.equal(r.code, 0, describeResult(args, r));
    return r;
  };
  return { run, ok };
}

function assertFails(args: string[], r: KubectlResult, reason: RegExp): void {
  assert.notEqual(r.code, 0, describeResult(args, r));
  assert.match(r.stderr, reason, describeResult(args, r));
}

function eventTypes(events: readonly WatchEvent[]): (string | undefined)[] {
  return events.map((e) => e.type);
}

describe('e2e: kubectl basics', function () {
  const versions = kubectlVersions();
  let server: ServerProcess;
  let files: string;

  before(async function () {
    if (versions.length === 0) this.skip();
    server = await startServer({ demo: true });
    files = await mkdtemp(join(tmpdir(), 'kubectl-e2e-files-'));
  });

  after(async function () {
    await server?.dispose();
    if (files !== undefined) await rm(files, { recursive: true, force: true });
  });

  /** Writes an object as JSON into the suite's temp dir and returns its path. */
  async function file(name: string, object: Json): Promise<string> {
    const path = join(files, name);
    await writeFile(path, JSON.stringify(object, null, 2));
    return path;
  }

  if (kubectl135() === undefined) {
    describe('kubectl 1.35', function () {
      before(function () {
        // .tools/helm4/kubectl/kubectl is missing: run scripts/fetch-tools.sh.
        this.skip();
      });
      it('runs the suite with kubectl 1.35 from .tools/');
    });
  }

  for (const binary of versions) {
    describe(`kubectl ${binary.version}`, function () {
      const { run, ok } = runnerFor(() => server, binary);
      const tag = binary.version.replace('.', '-');
      const ns = `e2e-${tag}`;

      before(async function () {
        await ok('wds1', ['create', 'namespace', ns]);
      });

      it('version', async function () {
        const r = await ok('wds1', ['version']);
        assert.match(r.stdout, /Server Version/);
      });

      it('api-resources lists the core kinds with their short names', async function () {
        const rows = parseTable((await ok('wds1', ['api-resources'])).stdout);
        // Core resources only (KubeStellar's bindings share a name with core/v1's).
        const byName = new Map(rows.filter((r) => r['APIVERSION'] === 'v1').map((r) => [r['NAME'], r]));
        const expected: [string, string, string, string][] = [
          ['bindings', '', 'true', 'Binding'],
          ['configmaps', 'cm', 'true', 'ConfigMap'],
          ['namespaces', 'ns', 'false', 'Namespace'],
          ['secrets', '', 'true', 'Secret'],
          ['serviceaccounts', 'sa', 'true', 'ServiceAccount'],
        ];
        for (const [name, short, namespaced, kind] of expected) {
          const row = byName.get(name);
          assert.ok(row, `${name} missing from api-resources:\n${rows.map((r) => r['NAME']).join(' ')}`);
          assert.equal(row['SHORTNAMES'], short, name);
          assert.equal(row['APIVERSION'], 'v1', name);
          assert.equal(row['NAMESPACED'], namespaced, name);
          assert.equal(row['KIND'], kind, name);
        }
      });

      it('get ns shows the standard namespaces as Active', async function () {
        const rows = parseTable((await ok('wds1', ['get', 'ns'])).stdout);
        for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ns]) {
          const row = rows.find((r) => r['NAME'] === name);
          assert.ok(row, `namespace ${name} not listed`);
          assert.equal(row['STATUS'], 'Active', name);
        }
      });

      it('create -f (JSON, --validate=false), then get -o json and -o yaml', async function () {
        const path = await file(`demo-${tag}.json`, configMap('demo', { greeting: 'hello' }, { app: 'demo' }));
        const created = await ok('wds1', ['create', '-f', path, '--validate=false', '-n', ns]);
        assert.match(created.stdout, /^configmap\/demo created$/m);

        const json = JSON.parse((await ok('wds1', ['get', 'cm', 'demo', '-n', ns, '-o', 'json'])).stdout) as Json;
        assert.equal(json['kind'], 'ConfigMap');
        assert.equal(json['apiVersion'], 'v1');
        assert.deepEqual(json['data'], { greeting: 'hello' });
        const m = meta(json);
        assert.equal(m.name, 'demo');
        assert.equal(m.namespace, ns);
        assert.deepEqual(m.labels, { app: 'demo' });
        assert.match(m.resourceVersion ?? '', /^\d+$/);
        assert.match(m.uid ?? '', UID);
        assert.match(m.creationTimestamp ?? '', TIMESTAMP);

        const yaml = parseYaml((await ok('wds1', ['get', 'cm', 'demo', '-n', ns, '-o', 'yaml'])).stdout) as Json;
        assert.deepEqual(yaml['data'], { greeting: 'hello' });
        assert.equal(meta(yaml).resourceVersion, m.resourceVersion);
        assert.equal(meta(yaml).uid, m.uid);
        assert.equal(meta(yaml).creationTimestamp, m.creationTimestamp);
      });

      it('create configmap --from-literal (protobuf body on kubectl >= 1.32)', async function () {
        await ok('wds1', ['create', 'configmap', 'literal', '--from-literal=k=v', '-n', ns]);
        const json = JSON.parse((await ok('wds1', ['get', 'cm', 'literal', '-n', ns, '-o', 'json'])).stdout) as Json;
        assert.deepEqual(json['data'], { k: 'v' });
      });

      it('get -l app=demo --show-labels selects by label', async function () {
        const rows = parseTable((await ok('wds1', ['get', 'cm', '-n', ns, '-l', 'app=demo', '--show-labels'])).stdout);
        assert.deepEqual(
          rows.map((r) => [r['NAME'], r['LABELS']]),
          [['demo', 'app=demo']],
        );
      });

      it('get -A lists across namespaces with a NAMESPACE column', async function () {
        const rows = parseTable((await ok('wds1', ['get', 'cm', '-A'])).stdout);
        assert.ok(
          rows.some((r) => r['NAMESPACE'] === ns && r['NAME'] === 'demo' && r['DATA'] === '1'),
          JSON.stringify(rows),
        );
        assert.ok(rows.some((r) => r['NAMESPACE'] === ns && r['NAME'] === 'literal'));
      });

      it('get -w sees ADDED, MODIFIED (replace -f) and DELETED, in order', async function () {
        const args = ['get', 'cm', '-n', ns, '-l', 'watch=e2e', '-w', '-o', 'json', '--output-watch-events'];
        const watch = kubectlWatch(binary.path, server.kubeconfig('wds1'), args, {
          until: (events) => events.some((e) => e.type === 'DELETED'),
          timeoutMs: 30_000,
        });
        try {
          const v1 = await file(`watched-${tag}-v1.json`, configMap('watched', { n: '1' }, { watch: 'e2e' }));
          const v2 = await file(`watched-${tag}-v2.json`, configMap('watched', { n: '2' }, { watch: 'e2e' }));
          await ok('wds1', ['create', '-f', v1, '--validate=false', '-n', ns]);
          await watch.waitFor((e) => e.length >= 1, 15_000);
          const replaced = await ok('wds1', ['replace', '-f', v2, '--validate=false', '-n', ns]);
          assert.match(replaced.stdout, /configmap\/watched replaced/);
          await watch.waitFor((e) => e.length >= 2, 15_000);
          await ok('wds1', ['delete', 'cm', 'watched', '-n', ns]);
          const result = await watch.done;
          assert.ok(result.satisfied, `watch ended without DELETED: ${result.stderr}`);
          assert.deepEqual(eventTypes(result.events), ['ADDED', 'MODIFIED', 'DELETED']);
          const [added, modified, deleted] = result.events.map((e) => e.object);
          assert.deepEqual(added!['data'], { n: '1' });
          assert.deepEqual(modified!['data'], { n: '2' });
          assert.equal(meta(deleted!).name, 'watched');
          const rvs = result.events.map((e) => Number(meta(e.object).resourceVersion));
          assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!, `resourceVersions not increasing: ${rvs.join(' ')}`);
        } finally {
          await watch.stop();
        }
      });

      it('label --overwrite, annotate and patch (strategic, merge, json)', async function () {
        await ok('wds1', ['label', 'cm', 'demo', '-n', ns, 'app=demo2', '--overwrite']);
        await ok('wds1', ['annotate', 'cm', 'demo', '-n', ns, 'note=hi']);
        await ok('wds1', ['patch', 'cm', 'demo', '-n', ns, '-p', '{"data":{"a":"1"}}']);
        await ok('wds1', ['patch', 'cm', 'demo', '-n', ns, '--type=merge', '-p', '{"data":{"b":"2"}}']);
        await ok('wds1', ['patch', 'cm', 'demo', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/data/greeting"}]']);
        const json = JSON.parse((await ok('wds1', ['get', 'cm', 'demo', '-n', ns, '-o', 'json'])).stdout) as Json;
        assert.deepEqual(json['data'], { a: '1', b: '2' });
        assert.equal(meta(json).labels?.['app'], 'demo2');
        assert.equal(meta(json).annotations?.['note'], 'hi');
      });

      it('apply -f (client-side validation): created, configured, unchanged', async function () {
        const path = join(files, `applied-${tag}.yaml`);
        await writeFile(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  x: "1"\n');
        assert.match((await ok('wds1', ['apply', '-f', path, '-n', ns])).stdout, /configmap\/applied created/);
        await writeFile(path, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  x: "2"\n');
        assert.match((await ok('wds1', ['apply', '-f', path, '-n', ns])).stdout, /configmap\/applied configured/);
        assert.match((await ok('wds1', ['apply', '-f', path, '-n', ns])).stdout, /configmap\/applied unchanged/);
        const json = JSON.parse((await ok('wds1', ['get', 'cm', 'applied', '-n', ns, '-o', 'json'])).stdout) as Json;
        assert.deepEqual(json['data'], { x: '2' });
      });

      it('apply --prune -l with the default allowlist prunes what left the directory, exit 0', async function () {
        // kubectl's default prune allowlist names core/v1 PersistentVolumes (and Endpoints, Jobs,
        // Ingresses, ...): every one must resolve through discovery or apply fails up front.
        const dir = await mkdtemp(join(files, `prune-${tag}-`));
        const set = `p-${tag}`;
        const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    set: ${set}\ndata:\n  k: v\n`;
        await writeFile(join(dir, 'a.yaml'), cm('prune-a'));
        await writeFile(join(dir, 'b.yaml'), cm('prune-b'));
        const first = await ok('wds1', ['apply', '--prune', '-l', `set=${set}`, '-f', dir, '-n', ns]);
        assert.match(first.stdout, /configmap\/prune-a created/);
        assert.match(first.stdout, /configmap\/prune-b created/);
        await rm(join(dir, 'b.yaml'));
        const second = await ok('wds1', ['apply', '--prune', '-l', `set=${set}`, '-f', dir, '-n', ns]);
        assert.match(second.stdout, /configmap\/prune-a unchanged/);
        assert.match(second.stdout, /configmap\/prune-b pruned/);
        const left = (await ok('wds1', ['get', 'cm', '-n', ns, '-l', `set=${set}`, '-o', 'name'])).stdout.trim().split('\n');
        assert.deepEqual(left, ['configmap/prune-a']);
      });

      it('create clusterrole --resource=nodes, and get nodes / pv', async function () {
        const role = `nodes-reader-${tag}`;
        const created = await ok('wds1', ['create', 'clusterrole', role, '--verb=get,list', '--resource=nodes,persistentvolumes']);
        assert.match(created.stdout, new RegExp(`clusterrole.rbac.authorization.k8s.io/${role} created`));
        const json = JSON.parse((await ok('wds1', ['get', 'clusterrole', role, '-o', 'json'])).stdout) as Json;
        assert.deepEqual(json['rules'], [{ apiGroups: [''], resources: ['nodes', 'persistentvolumes'], verbs: ['get', 'list'] }]);
        await ok('wds1', ['delete', 'clusterrole', role]);

        const pvPath = join(files, `pv-${tag}.yaml`);
        await writeFile(pvPath, `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-${tag}\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /data/${tag}\n`);
        await ok('wds1', ['apply', '-f', pvPath]);
        // Headers with spaces (ACCESS MODES, RECLAIM POLICY) defeat parseTable; match the row instead.
        const pv = (await ok('wds1', ['get', 'pv', `pv-${tag}`])).stdout;
        assert.match(pv, /^NAME\s+CAPACITY\s+ACCESS MODES\s+RECLAIM POLICY\s+STATUS\s+CLAIM\s+STORAGECLASS\s+VOLUMEATTRIBUTESCLASS\s+REASON\s+AGE$/m);
        assert.match(pv, new RegExp(`^pv-${tag}\\s+1Gi\\s+RWO\\s+Retain\\s+Pending\\s+<unset>\\s+\\S+$`, 'm'));
        await ok('wds1', ['delete', 'pv', `pv-${tag}`]);
        assert.match((await run('wds1', ['get', 'nodes'])).stderr, /No resources found/);
      });

      it('certificate approve: a CSR goes Pending → Approved through the approval subresource', async function () {
        const name = `csr-${tag}`;
        const request = 
          'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlISk1ISUNBUUF3RURFT01Bd0dBMVVFQXd3RllXeHBZMlV3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQgpCd05DQUFTVGpkY09JVDYxeERtUzVDYk9zQ0poTjFXUGRwT3pGQ1JyQktTL3VtNDdYeUc0OVJpMW9WNUo2WjBPCnBtQzhjb05CSUFycUJ0ZTZGQjVRSFNWOGVoNHpvQUF3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnUXBpRGZnbEQKeEtOVUdOZTBnZVZjd2VZdmNCMHlyS0w1SkJRdGxmRWNsZElDSUhOWDJmZDJ6aG8wL3lHZ0JWQTlERGt4bU0wVwp6Tko2YXlnTkd4ZDQyTmIwCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';
        const path = await file(`${name}.json`, {
          apiVersion: 'certificates.k8s.io/v1',
          kind: 'CertificateSigningRequest',
          metadata: { name },
          spec: { request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 86400 },
        });
        await ok('wds1', ['create', '-f', path]);
        const before = parseTable((await ok('wds1', ['get', 'csr', name])).stdout)[0]!;
        assert.deepEqual([before['SIGNERNAME'], before['REQUESTEDDURATION'], before['CONDITION']], ['kubernetes.io/kube-apiserver-client', '24h', 'Pending']);
        assert.notEqual(before['REQUESTOR'], '');
        assert.match((await ok('wds1', ['certificate', 'approve', name])).stdout, new RegExp(`${name} approved`));
        const after = parseTable((await ok('wds1', ['get', 'csr', name])).stdout)[0]!;
        assert.equal(after['CONDITION'], 'Approved');
        await ok('wds1', ['delete', 'csr', name]);
      });

      it('stored-only kinds: apply one of each, get their printer columns, list them in api-resources', async function () {
        // One object of each kind served without a controller behind it, as charts ship them:
        // metrics-server's APIService (never proxied), a RuntimeClass, CSI objects, API Priority
        // and Fairness objects (never consulted) and an admission policy with its binding (never evaluated).
        const manifest = [
          `apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: tpl-${tag}\n  namespace: ${ns}\ntemplate:\n  metadata:\n    labels:\n      app: web\n  spec:\n    containers:\n    - name: web\n      image: nginx:1.27\n`,
          `apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1beta1.metrics-${tag}.k8s.io\nspec:\n  group: metrics-${tag}.k8s.io\n  version: v1beta1\n  groupPriorityMinimum: 100\n  versionPriority: 100\n  insecureSkipTLSVerify: true\n  service:\n    name: metrics-server\n    namespace: kube-system\n`,
          `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: rc-${tag}\nhandler: runc\n`,
          `apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: csi-${tag}.example.com\nspec:\n  attachRequired: false\n`,
          `apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata:\n  name: node-${tag}\nspec:\n  drivers:\n  - name: csi-${tag}.example.com\n    nodeID: node-${tag}\n`,
          `apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata:\n  name: va-${tag}\nspec:\n  attacher: csi-${tag}.example.com\n  nodeName: node-${tag}\n  source:\n    persistentVolumeName: pv-${tag}\n`,
          `apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata:\n  name: pl-${tag}\nspec:\n  type: Limited\n  limited:\n    limitResponse:\n      type: Queue\n      queuing: {}\n`,
          `apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: FlowSchema\nmetadata:\n  name: fs-${tag}\nspec:\n  priorityLevelConfiguration:\n    name: pl-${tag}\n  distinguisherMethod:\n    type: ByUser\n  rules:\n  - subjects:\n    - kind: Group\n      group:\n        name: system:authenticated\n    nonResourceRules:\n    - verbs: [get]\n      nonResourceURLs: [/healthz]\n`,
          `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: vap-${tag}\nspec:\n  matchConstraints:\n    resourceRules:\n    - apiGroups: [apps]\n      apiVersions: [v1]\n      operations: [CREATE]\n      resources: [deployments]\n  validations:\n  - expression: object.spec.replicas <= 5\n`,
          `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: vapb-${tag}\nspec:\n  policyName: vap-${tag}\n  validationActions: [Deny]\n`,
        ].join('---\n');
        const path = join(files, `stored-kinds-${tag}.yaml`);
        await writeFile(path, manifest);
        const applied = (await ok('wds1', ['apply', '-f', path])).stdout;
        for (const line of [
          `podtemplate/tpl-${tag} created`,
          `apiservice.apiregistration.k8s.io/v1beta1.metrics-${tag}.k8s.io created`,
          `runtimeclass.node.k8s.io/rc-${tag} created`,
          `csidriver.storage.k8s.io/csi-${tag}.example.com created`,
          `csinode.storage.k8s.io/node-${tag} created`,
          `volumeattachment.storage.k8s.io/va-${tag} created`,
          `prioritylevelconfiguration.flowcontrol.apiserver.k8s.io/pl-${tag} created`,
          `flowschema.flowcontrol.apiserver.k8s.io/fs-${tag} created`,
          `validatingadmissionpolicy.admissionregistration.k8s.io/vap-${tag} created`,
          `validatingadmissionpolicybinding.admissionregistration.k8s.io/vapb-${tag} created`,
        ]) {
          assert.ok(applied.includes(line), `${line} missing from:\n${applied}`);
        }
        // A second apply changes nothing. The policy alone reports `configured`, as against
        // kube-apiserver: its resourceRules are an atomic list that defaulting gave `scope: '*'`,
        // so kubectl's three-way patch resends them.
        const again = (await ok('wds1', ['apply', '-f', path])).stdout.split('\n').filter((l) => l.includes('/'));
        assert.deepEqual(again.filter((l) => !l.endsWith(' unchanged')), [`validatingadmissionpolicy.admissionregistration.k8s.io/vap-${tag} configured`]);

        const table = async (args: string[]): Promise<{ header: string; row: Record<string, string> }> => {
          const out = (await ok('wds1', ['get', ...args])).stdout;
          return { header: out.split('\n')[0]!.trim().split(/\s{2,}/).join('|'), row: parseTable(out)[0]! };
        };
        const tpl = await table(['podtemplates', `tpl-${tag}`, '-n', ns]);
        assert.equal(tpl.header, 'NAME|CONTAINERS|IMAGES|POD LABELS');
        assert.match((await ok('wds1', ['get', 'podtemplates', `tpl-${tag}`, '-n', ns])).stdout, new RegExp(`^tpl-${tag}\\s+web\\s+nginx:1\\.27\\s+app=web$`, 'm'));
        const api = await table(['apiservices', `v1beta1.metrics-${tag}.k8s.io`]);
        assert.equal(api.header, 'NAME|SERVICE|AVAILABLE|AGE');
        assert.deepEqual([api.row['SERVICE'], api.row['AVAILABLE']], ['kube-system/metrics-server', 'Unknown']);
        const rc = await table(['runtimeclasses', `rc-${tag}`]);
        assert.equal(rc.header, 'NAME|HANDLER|AGE');
        assert.equal(rc.row['HANDLER'], 'runc');
        const csi = await table(['csidrivers', `csi-${tag}.example.com`]);
        assert.equal(csi.header, 'NAME|ATTACHREQUIRED|PODINFOONMOUNT|STORAGECAPACITY|TOKENREQUESTS|REQUIRESREPUBLISH|MODES|AGE');
        assert.deepEqual([csi.row['ATTACHREQUIRED'], csi.row['PODINFOONMOUNT'], csi.row['TOKENREQUESTS'], csi.row['MODES']], ['false', 'false', '<unset>', 'Persistent']);
        const csinode = await table(['csinodes', `node-${tag}`]);
        assert.equal(csinode.header, 'NAME|DRIVERS|AGE');
        assert.equal(csinode.row['DRIVERS'], '1');
        const va = await table(['volumeattachments', `va-${tag}`]);
        assert.equal(va.header, 'NAME|ATTACHER|PV|NODE|ATTACHED|AGE');
        assert.deepEqual([va.row['ATTACHER'], va.row['PV'], va.row['NODE'], va.row['ATTACHED']], [`csi-${tag}.example.com`, `pv-${tag}`, `node-${tag}`, 'false']);
        const pl = await table(['prioritylevelconfigurations', `pl-${tag}`]);
        assert.equal(pl.header, 'NAME|TYPE|NOMINALCONCURRENCYSHARES|QUEUES|HANDSIZE|QUEUELENGTHLIMIT|AGE');
        assert.deepEqual([pl.row['TYPE'], pl.row['NOMINALCONCURRENCYSHARES'], pl.row['QUEUES'], pl.row['HANDSIZE'], pl.row['QUEUELENGTHLIMIT']], ['Limited', '30', '64', '8', '50']);
        const fsRow = await table(['flowschemas', `fs-${tag}`]);
        assert.equal(fsRow.header, 'NAME|PRIORITYLEVEL|MATCHINGPRECEDENCE|DISTINGUISHERMETHOD|AGE|MISSINGPL');
        assert.deepEqual([fsRow.row['PRIORITYLEVEL'], fsRow.row['MATCHINGPRECEDENCE'], fsRow.row['DISTINGUISHERMETHOD'], fsRow.row['MISSINGPL']], [`pl-${tag}`, '1000', 'ByUser', '?']);
        const vap = await table(['validatingadmissionpolicies', `vap-${tag}`]);
        assert.equal(vap.header, 'NAME|VALIDATIONS|PARAMKIND|AGE');
        assert.deepEqual([vap.row['VALIDATIONS'], vap.row['PARAMKIND']], ['1', '<unset>']);
        const vapb = await table(['validatingadmissionpolicybindings', `vapb-${tag}`]);
        assert.equal(vapb.header, 'NAME|POLICYNAME|PARAMREF|AGE');
        assert.deepEqual([vapb.row['POLICYNAME'], vapb.row['PARAMREF']], [`vap-${tag}`, '<unset>']);

        // The status subresources take writes (a controller elsewhere reporting availability).
        await ok('wds1', ['patch', 'volumeattachment', `va-${tag}`, '--subresource=status', '--type=merge', '-p', '{"status":{"attached":true}}']);
        assert.equal((await table(['volumeattachments', `va-${tag}`])).row['ATTACHED'], 'true');
        // Immutable fields and required values are enforced.
        assertFails(['patch', 'runtimeclass'], await run('wds1', ['patch', 'runtimeclass', `rc-${tag}`, '--type=merge', '-p', '{"handler":"kata"}']), /handler: Invalid value: "kata": field is immutable/);

        const rows = parseTable((await ok('wds1', ['api-resources'])).stdout);
        const byName = new Map(rows.map((r) => [`${r['NAME']} ${r['APIVERSION']}`, r]));
        for (const [name, apiVersion, namespaced, kind] of [
          ['podtemplates', 'v1', 'true', 'PodTemplate'],
          ['apiservices', 'apiregistration.k8s.io/v1', 'false', 'APIService'],
          ['runtimeclasses', 'node.k8s.io/v1', 'false', 'RuntimeClass'],
          ['csidrivers', 'storage.k8s.io/v1', 'false', 'CSIDriver'],
          ['csinodes', 'storage.k8s.io/v1', 'false', 'CSINode'],
          ['volumeattachments', 'storage.k8s.io/v1', 'false', 'VolumeAttachment'],
          ['flowschemas', 'flowcontrol.apiserver.k8s.io/v1', 'false', 'FlowSchema'],
          ['prioritylevelconfigurations', 'flowcontrol.apiserver.k8s.io/v1', 'false', 'PriorityLevelConfiguration'],
          ['validatingadmissionpolicies', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingAdmissionPolicy'],
          ['validatingadmissionpolicybindings', 'admissionregistration.k8s.io/v1', 'false', 'ValidatingAdmissionPolicyBinding'],
        ]) {
          const r = byName.get(`${name} ${apiVersion}`);
          assert.ok(r, `${name} ${apiVersion} missing from api-resources`);
          assert.deepEqual([r['NAMESPACED'], r['KIND'], r['SHORTNAMES']], [namespaced, kind, ''], name);
        }
        // The api-extensions category reaches the admission kinds and APIServices.
        const ext = (await ok('wds1', ['api-resources', '--categories=api-extensions', '-o', 'name'])).stdout.split('\n').filter(Boolean).sort();
        assert.deepEqual(ext, [
          'apiservices.apiregistration.k8s.io',
          'customresourcedefinitions.apiextensions.k8s.io',
          'mutatingwebhookconfigurations.admissionregistration.k8s.io',
          'validatingadmissionpolicies.admissionregistration.k8s.io',
          'validatingadmissionpolicybindings.admissionregistration.k8s.io',
          'validatingwebhookconfigurations.admissionregistration.k8s.io',
        ]);

        await ok('wds1', ['delete', '-f', path]);
      });

      it('networking, storage and DRA kinds: apply one of each, get their columns; cs and ep warn as deprecated', async function () {
        // IPAddresses are named by their address: one per kubectl version (its minor).
        const ipName = `10.250.0.${Number(tag.split('-')[1] ?? '0')}`;
        const manifest = [
          `apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata:\n  name: ${ipName}\nspec:\n  parentRef:\n    resource: services\n    namespace: ${ns}\n    name: svc-${tag}\n`,
          `apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: cidr-${tag}\nspec:\n  cidrs: [10.250.0.0/16, "fd00:250::/112"]\n`,
          `apiVersion: storage.k8s.io/v1\nkind: VolumeAttributesClass\nmetadata:\n  name: vac-${tag}\ndriverName: ebs.csi.aws.com\nparameters:\n  iops: "3000"\n`,
          `apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata:\n  name: cap-${tag}\n  namespace: ${ns}\nstorageClassName: fast\ncapacity: 100Gi\n`,
          `apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu-${tag}.example.com\nspec:\n  selectors:\n  - cel:\n      expression: device.driver == "gpu.example.com"\n`,
          `apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata:\n  name: claim-${tag}\n  namespace: ${ns}\nspec:\n  devices:\n    requests:\n    - name: gpu\n      exactly:\n        deviceClassName: gpu-${tag}.example.com\n`,
          `apiVersion: resource.k8s.io/v1\nkind: ResourceClaimTemplate\nmetadata:\n  name: tpl-${tag}\n  namespace: ${ns}\nspec:\n  spec:\n    devices:\n      requests:\n      - name: gpu\n        exactly:\n          deviceClassName: gpu-${tag}.example.com\n`,
          `apiVersion: resource.k8s.io/v1\nkind: ResourceSlice\nmetadata:\n  name: slice-${tag}\nspec:\n  driver: gpu.example.com\n  nodeName: node-${tag}\n  pool:\n    name: node-${tag}\n    generation: 1\n    resourceSliceCount: 1\n  devices:\n  - name: gpu-0\n`,
        ].join('---\n');
        const path = join(files, `more-kinds-${tag}.yaml`);
        await writeFile(path, manifest);
        const applied = (await ok('wds1', ['apply', '-f', path])).stdout;
        for (const line of [
          `servicecidr.networking.k8s.io/cidr-${tag} created`,
          `volumeattributesclass.storage.k8s.io/vac-${tag} created`,
          `csistoragecapacity.storage.k8s.io/cap-${tag} created`,
          `deviceclass.resource.k8s.io/gpu-${tag}.example.com created`,
          `resourceclaim.resource.k8s.io/claim-${tag} created`,
          `resourceclaimtemplate.resource.k8s.io/tpl-${tag} created`,
          `resourceslice.resource.k8s.io/slice-${tag} created`,
        ]) {
          assert.ok(applied.includes(line), `${line} missing from:\n${applied}`);
        }
        assert.ok(applied.includes(`ipaddress.networking.k8s.io/${ipName} created`), applied);
        // A second apply changes nothing. The claim and its template report `configured`, as against
        // kube-apiserver: their requests are an atomic list that defaulting gave allocationMode and
        // count, so kubectl's three-way patch resends it (the immutable spec is unchanged by it).
        const again = (await ok('wds1', ['apply', '-f', path])).stdout.split('\n').filter((l) => l.includes('/'));
        assert.deepEqual(again.filter((l) => !l.endsWith(' unchanged')), [
          `resourceclaim.resource.k8s.io/claim-${tag} configured`,
          `resourceclaimtemplate.resource.k8s.io/tpl-${tag} configured`,
        ]);

        const table = async (args: string[]): Promise<{ header: string; row: Record<string, string> }> => {
          const out = (await ok('wds1', ['get', ...args])).stdout;
          return { header: out.split('\n')[0]!.trim().split(/\s{2,}/).join('|'), row: parseTable(out)[0]! };
        };
        const ip = await table(['ip', ipName]);
        assert.equal(ip.header, 'NAME|PARENTREF|AGE');
        assert.equal(ip.row['PARENTREF'], `services/${ns}/svc-${tag}`);
        const cidr = await table(['servicecidrs', `cidr-${tag}`]);
        assert.equal(cidr.header, 'NAME|CIDRS|AGE');
        assert.equal(cidr.row['CIDRS'], '10.250.0.0/16,fd00:250::/112');
        const vac = await table(['vac', `vac-${tag}`]);
        assert.equal(vac.header, 'NAME|DRIVERNAME|AGE');
        assert.equal(vac.row['DRIVERNAME'], 'ebs.csi.aws.com');
        const cap = await table(['csistoragecapacities', `cap-${tag}`, '-n', ns]);
        assert.equal(cap.header, 'NAME|STORAGECLASSNAME|CAPACITY|AGE');
        assert.deepEqual([cap.row['STORAGECLASSNAME'], cap.row['CAPACITY']], ['fast', '100Gi']);
        assert.equal((await table(['deviceclasses', `gpu-${tag}.example.com`])).header, 'NAME|AGE');
        const claim = await table(['resourceclaims', `claim-${tag}`, '-n', ns]);
        assert.equal(claim.header, 'NAME|STATE|AGE');
        assert.equal(claim.row['STATE'], 'pending');
        assert.equal((await table(['resourceclaimtemplates', `tpl-${tag}`, '-n', ns])).header, 'NAME|AGE');
        const slice = await table(['resourceslices', `slice-${tag}`]);
        assert.equal(slice.header, 'NAME|NODE|DRIVER|POOL|AGE');
        assert.deepEqual([slice.row['NODE'], slice.row['DRIVER'], slice.row['POOL']], [`node-${tag}`, 'gpu.example.com', `node-${tag}`]);

        // Immutable and invalid values are refused.
        assertFails(['patch', 'vac'], await run('wds1', ['patch', 'vac', `vac-${tag}`, '--type=merge', '-p', '{"driverName":"other.csi.io"}']), /driverName: Forbidden: updates to driverName are forbidden/);
        const badIP = `apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata:\n  name: 2001:DB8::1\nspec:\n  parentRef:\n    resource: services\n    name: x\n`;
        assertFails(['create', 'ipaddress'], await run('wds1', ['create', '-f', '-'], { stdin: badIP }), /must be in canonical form \("2001:db8::1"\)/);

        // ComponentStatuses: computed, read-only, deprecated. In a cluster space `cs` names them, as
        // upstream; in a WDS `cs` is KubeStellar's CombinedStatus (kubestellar-combined-status.test.ts).
        const cs = await ok('cluster1', ['get', 'cs']);
        assert.match(cs.stderr, /Warning: v1 ComponentStatus is deprecated in v1\.19\+/);
        assert.equal(cs.stdout.split('\n')[0]!.trim().split(/\s{2,}/).join('|'), 'NAME|STATUS|MESSAGE|ERROR');
        const byComponent = new Map(parseTable(cs.stdout).map((r) => [r['NAME'], r]));
        assert.deepEqual([...byComponent.keys()].sort(), ['controller-manager', 'etcd-0', 'scheduler']);
        assert.equal(byComponent.get('etcd-0')!['STATUS'], 'Healthy');
        // The cluster's simulator runs the scheduler and controllers; a WDS has neither.
        assert.equal(byComponent.get('scheduler')!['STATUS'], 'Healthy');
        assert.equal(byComponent.get('controller-manager')!['MESSAGE'], 'ok');
        const one = JSON.parse((await ok('wds1', ['get', 'componentstatus', 'etcd-0', '-o', 'json'])).stdout);
        assert.deepEqual(one.conditions, [{ type: 'Healthy', status: 'True', message: '{"health":"true"}' }]);
        assertFails(['delete', 'cs'], await run('cluster1', ['delete', 'cs', 'etcd-0']), /MethodNotAllowed|method is not supported|not supported/i);
        const wdsComponents = await ok('wds1', ['get', 'componentstatuses']);
        assert.match(wdsComponents.stdout, /^etcd-0\s+Healthy/m);
        assert.match(wdsComponents.stdout, /^scheduler\s+Unhealthy\s+Get "https:\/\/127\.0\.0\.1:10259\/healthz"/m);

        // Endpoints: every request warns.
        const ep = await ok('wds1', ['get', 'ep', '-n', 'default']);
        assert.match(ep.stderr, /Warning: v1 Endpoints is deprecated in v1\.33\+; use discovery\.k8s\.io\/v1 EndpointSlice/);

        const rows = parseTable((await ok('wds1', ['api-resources'])).stdout);
        const byName = new Map(rows.map((r) => [`${r['NAME']} ${r['APIVERSION']}`, r]));
        for (const [name, apiVersion, namespaced, kind, short] of [
          ['componentstatuses', 'v1', 'false', 'ComponentStatus', ''], // no `cs` in a WDS: CombinedStatus has it
          ['ipaddresses', 'networking.k8s.io/v1', 'false', 'IPAddress', 'ip'],
          ['servicecidrs', 'networking.k8s.io/v1', 'false', 'ServiceCIDR', ''],
          ['csistoragecapacities', 'storage.k8s.io/v1', 'true', 'CSIStorageCapacity', ''],
          ['volumeattributesclasses', 'storage.k8s.io/v1', 'false', 'VolumeAttributesClass', 'vac'],
          ['deviceclasses', 'resource.k8s.io/v1', 'false', 'DeviceClass', ''],
          ['resourceclaims', 'resource.k8s.io/v1', 'true', 'ResourceClaim', ''],
          ['resourceclaimtemplates', 'resource.k8s.io/v1', 'true', 'ResourceClaimTemplate', ''],
          ['resourceslices', 'resource.k8s.io/v1', 'false', 'ResourceSlice', ''],
        ]) {
          const r = byName.get(`${name} ${apiVersion}`);
          assert.ok(r, `${name} ${apiVersion} missing from api-resources`);
          assert.deepEqual([r['NAMESPACED'], r['KIND'], r['SHORTNAMES']], [namespaced, kind, short], name);
        }

        await ok('wds1', ['delete', '-f', path]);
      });

      it('delete removes the object', async function () {
        const r = await ok('wds1', ['delete', 'cm', 'literal', '-n', ns]);
        assert.match(r.stdout, /configmap "literal" deleted/);
        const args = ['get', 'cm', 'literal', '-n', ns];
        assertFails(args, await run('wds1', args), /NotFound.*configmaps "literal" not found/);
      });

      it('delete of a missing object: exit 1, NotFound', async function () {
        const args = ['delete', 'cm', 'no-such-cm', '-n', ns];
        const r = await run('wds1', args);
        assert.equal(r.code, 1, describeResult(args, r));
        assert.match(r.stderr, /NotFound.*configmaps "no-such-cm" not found/);
      });

      it('create in a missing namespace: NotFound', async function () {
        const path = await file(`orphan-${tag}.json`, configMap('orphan', { a: 'b' }));
        const args = ['create', '-f', path, '--validate=false', '-n', `missing-${tag}`];
        assertFails(args, await run('wds1', args), new RegExp(`NotFound.*namespaces "missing-${tag}" not found`));
      });

      it('the root API lists the demo spaces', async function () {
        const rows = parseTable((await ok('admin', ['get', 'spaces.spaces.kubestellar.io'])).stdout);
        const names = rows.map((r) => r['NAME']);
        for (const space of DEMO_SPACES) assert.ok(names.includes(space), `${space} not in ${names.join(' ')}`);
      });

      it('get/create/delete --raw and kubectl proxy reach the space the kubeconfig names, not the host root', async function () {
        // client-go's RequestURI and kubectl proxy drop the kubeconfig's /clusters/<space> path;
        // the kubeconfig's tls-server-name still names the space.
        const nsDoc = JSON.parse((await ok('wds1', ['get', '--raw', `/api/v1/namespaces/${ns}`])).stdout) as Json;
        assert.equal(nsDoc['kind'], 'Namespace');
        assert.equal(meta(nsDoc).name, ns);
        const groups = (JSON.parse((await ok('wds1', ['get', '--raw', '/apis'])).stdout) as { groups: { name: string }[] }).groups.map((g) => g.name);
        assert.ok(groups.includes('apps') && groups.includes('control.kubestellar.io'), groups.join(' '));
        assert.ok(!groups.includes('spaces.kubestellar.io'), groups.join(' '));
        const rootGroups = (JSON.parse((await ok('admin', ['get', '--raw', '/apis'])).stdout) as { groups: { name: string }[] }).groups.map((g) => g.name);
        assert.ok(rootGroups.includes('spaces.kubestellar.io') && !rootGroups.includes('apps'), rootGroups.join(' '));
        const missing = ['get', '--raw', `/api/v1/namespaces/${ns}`];
        assertFails(missing, await run('cluster1', missing), /NotFound/);

        const path = await file(`raw-${tag}.json`, configMap('raw', { a: 'b' }));
        const created = JSON.parse((await ok('wds1', ['create', '--raw', `/api/v1/namespaces/${ns}/configmaps`, '-f', path])).stdout) as Json;
        assert.equal(meta(created).namespace, ns);
        assert.match(meta(created).resourceVersion ?? '', /^\d+$/);
        assert.equal((await ok('wds1', ['get', 'cm', 'raw', '-n', ns, '-o', 'jsonpath={.data.a}'])).stdout, 'b');

        const proxy = spawn(binary.path, ['--kubeconfig', server.kubeconfig('wds1'), 'proxy', '--port=0'], {
          env: { ...process.env, HOME: kubectlHome(), KUBECONFIG: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        try {
          const port = await new Promise<number>((resolve, reject) => {
            let out = '';
            const timer = setTimeout(() => reject(new Error(`kubectl proxy did not start: ${out}`)), 15_000);
            proxy.stdout.setEncoding('utf8').on('data', (chunk: string) => {
              out += chunk;
              const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
              if (m) {
                clearTimeout(timer);
                resolve(Number(m[1]));
              }
            });
          });
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/${ns}/configmaps/raw`);
          assert.equal(res.status, 200);
          assert.equal(((await res.json()) as { data: Record<string, string> }).data['a'], 'b');
        } finally {
          if (proxy.pid !== undefined && proxy.exitCode === null) process.kill(proxy.pid, 'SIGKILL');
        }

        const deleted = JSON.parse((await ok('wds1', ['delete', '--raw', `/api/v1/namespaces/${ns}/configmaps/raw`])).stdout) as Json;
        assert.equal(deleted['kind'], 'Status');
        const gone = ['get', 'cm', 'raw', '-n', ns];
        assertFails(gone, await run('wds1', gone), /NotFound/);
      });

      it('spaces are isolated: wds1 objects are invisible in cluster1', async function () {
        await ok('wds1', ['create', 'configmap', 'isolated', '--from-literal=a=b', '-n', 'default']);
        try {
          await ok('wds1', ['get', 'cm', 'isolated', '-n', 'default']);
          const get = ['get', 'cm', 'isolated', '-n', 'default'];
          assertFails(get, await run('cluster1', get), /NotFound/);
          const all = (await ok('cluster1', ['get', 'cm', '-A', '-o', 'name'])).stdout;
          assert.doesNotMatch(all, /configmap\/(isolated|demo|applied)$/m);
          const getNs = ['get', 'ns', ns];
          assertFails(getNs, await run('cluster1', getNs), /NotFound/);
        } finally {
          await ok('wds1', ['delete', 'cm', 'isolated', '-n', 'default']);
        }
      });
    });
  }
});

describe('e2e: durability across SIGKILL and restart', function () {
  const binary = kubectlVersions().at(-1);
  let server: ServerProcess;

  before(async function () {
    if (binary === undefined) this.skip();
    server = await startServer({ demo: true });
  });

  after(async function () {
    await server?.dispose();
  });

  it('keeps objects, resourceVersions and working kubeconfigs', async function () {
    const { run, ok } = runnerFor(() => server, binary!);
    await ok('wds1', ['create', 'namespace', 'durable']);
    await ok('wds1', ['create', 'configmap', 'kept', '--from-literal=a=1', '-n', 'durable']);
    const before = JSON.parse((await ok('wds1', ['get', 'cm', 'kept', '-n', 'durable', '-o', 'json'])).stdout) as Json;

    const killed = await server.kill9();
    assert.equal(killed.signal, 'SIGKILL');
    await server.restart();

    const after = JSON.parse((await ok('wds1', ['get', 'cm', 'kept', '-n', 'durable', '-o', 'json'])).stdout) as Json;
    assert.equal(meta(after).resourceVersion, meta(before).resourceVersion);
    assert.equal(meta(after).uid, meta(before).uid);
    assert.equal(meta(after).creationTimestamp, meta(before).creationTimestamp);
    assert.deepEqual(after['data'], { a: '1' });

    // Every kubeconfig was rewritten for the new port and still authenticates.
    assert.notEqual(server.url, '');
    for (const space of DEMO_SPACES) {
      const text = await readFile(server.kubeconfig(space), 'utf8');
      assert.ok(text.includes(`${server.url}/clusters/${space}`), `${space}.kubeconfig does not point at ${server.url}`);
      await ok(space, ['get', 'ns', 'default']);
    }
    const spaces = parseTable((await ok('admin', ['get', 'spaces.spaces.kubestellar.io'])).stdout).map((r) => r['NAME']);
    assert.deepEqual([...spaces].sort(), [...DEMO_SPACES].sort());

    // The revision counter survived: a new write gets a higher resourceVersion.
    await ok('wds1', ['create', 'configmap', 'later', '--from-literal=b=2', '-n', 'durable']);
    const later = JSON.parse((await ok('wds1', ['get', 'cm', 'later', '-n', 'durable', '-o', 'json'])).stdout) as Json;
    assert.ok(Number(meta(later).resourceVersion) > Number(meta(before).resourceVersion));

    // A clean SIGTERM stop exits 0 and also keeps everything.
    const stopped = await server.stop();
    assert.deepEqual(stopped, { code: 0, signal: null });
    await server.restart();
    const names = (await ok('wds1', ['get', 'cm', '-n', 'durable', '-o', 'name'])).stdout;
    assert.match(names, /^configmap\/kept$/m);
    assert.match(names, /^configmap\/later$/m);
    const missing = ['get', 'cm', 'never', '-n', 'durable'];
    assertFails(missing, await run('wds1', missing), /NotFound/);
  });
});
