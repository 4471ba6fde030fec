/**
 * Test helper, run by hand: `npx tsx test/unit/api/protobuf/helpers/capture-kubectl.ts [kubectl binary]`.
 * Starts a throwaway plain-HTTP stub API server (legacy discovery only), runs real kubectl commands against it and
 * stores each protobuf request body under test/fixtures/protobuf/<case>.pb.hex. For `create` commands it also
 * stores `kubectl ... --dry-run=client -o json`, i.e. Go's own JSON for the very object kubectl sends: the oracle
 * the fixture test compares our decoder's output with. The stub answers with the decoded object as JSON, so a
 * successful run also proves kubectl's strict decoder accepts our JSON.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeProtobufObject } from '../../../../../src/api/protobuf/decode.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/protobuf/', import.meta.url));
const KUBECTL = process.argv[2] ?? 'kubectl.1.33';

type Res = [name: string, kind: string, namespaced: boolean, verbs?: string[]];
const CRUD = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const GROUPS: Record<string, Res[]> = {
  v1: [
    ['secrets', 'Secret', true],
    ['configmaps', 'ConfigMap', true],
    ['namespaces', 'Namespace', false],
    ['serviceaccounts', 'ServiceAccount', true],
    ['serviceaccounts/token', 'TokenRequest', true, ['create']],
    ['services', 'Service', true],
    ['resourcequotas', 'ResourceQuota', true],
    ['pods', 'Pod', true],
  ],
  'apps/v1': [['deployments', 'Deployment', true]],
  'batch/v1': [
    ['jobs', 'Job', true],
    ['cronjobs', 'CronJob', true],
  ],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['clusterroles', 'ClusterRole', false],
    ['rolebindings', 'RoleBinding', true],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'authentication.k8s.io/v1': [
    ['selfsubjectreviews', 'SelfSubjectReview', false, ['create']],
    ['tokenreviews', 'TokenReview', false, ['create']],
  ],
  'authorization.k8s.io/v1': [
    ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create']],
    ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ['create']],
  ],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
};

function discovery(path: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = Object.keys(GROUPS)
      .filter((gv) => gv.includes('/'))
      .map((gv) => {
        const [name, version] = gv.split('/') as [string, string];
        const v = { groupVersion: gv, version };
        return { name, versions: [v], preferredVersion: v };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const gv = path.replace(/^\/apis?\//, '');
  const res = GROUPS[gv];
  if (res === undefined) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: res.map(([name, kind, namespaced, verbs]) => ({ name, singularName: '', namespaced, kind, verbs: verbs ?? CRUD })),
  };
}

/** What kubectl needs back for requests that are not plain creates. */
function reply(kind: string, obj: Record<string, unknown>): Record<string, unknown> {
  const answers: Record<string, Record<string, unknown>> = {
    TokenRequest: { status: { token: 'header.payload.sig', expirationTimestamp: '2030-01-01T00:00:00Z' } },
    SelfSubjectAccessReview: { status: { allowed: true } },
    SelfSubjectReview: { status: { userInfo: { username: 'alice', groups: ['system:authenticated'] } } },
    SelfSubjectRulesReview: { status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [], incomplete: false } },
  };
  return { ...obj, ...(answers[kind] ?? {}) };
}

let current = '';
const captured = new Set<string>();

function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  const path = (req.url ?? '').split('?')[0] as string;
  const send = (code: number, json: unknown): void => {
    res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(json));
  };
  if (req.method === 'GET') {
    const doc = discovery(path);
    if (doc !== undefined) return send(200, doc);
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  }
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/vnd.kubernetes.protobuf')) {
    console.error(`${current}: ${req.method} ${req.url} sent ${type}, not protobuf`);
    return send(415, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'UnsupportedMediaType', code: 415 });
  }
  writeFileSync(join(FIXTURES, `${current}.pb.hex`), `${body.toString('hex').replace(/(.{64})/g, '$1\n').trim()}\n`);
  captured.add(current);
  const decoded = decodeProtobufObject(body);
  const ns = /\/namespaces\/([^/]+)\//.exec(path)?.[1];
  const meta = { ...(decoded.object.metadata as object), ...(ns ? { namespace: ns } : {}), uid: 'u-1', resourceVersion: '1' };
  send(201, reply(decoded.kind, { ...decoded.object, metadata: meta }));
}

const CASES: Record<string, string[]> = {
  'secret-generic': ['create', 'secret', 'generic', 's1', '--from-literal=password=s3cr3t'],
  'configmap': ['create', 'configmap', 'c1', '--from-literal=a=b', '--from-literal=empty='],
  'namespace': ['create', 'namespace', 'ns1'],
  'serviceaccount': ['create', 'serviceaccount', 'sa1'],
  'deployment': ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=2', '--port=80'],
  'job': ['create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hi'],
  'cronjob': ['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/1 * * * *', '--', 'echo', 'hi'],
  'clusterrole': ['create', 'clusterrole', 'r1', '--verb=get,list', '--resource=pods,deployments.apps'],
  'role': ['create', 'role', 'r2', '--verb=get', '--resource=pods', '--resource-name=p1'],
  'clusterrolebinding': ['create', 'clusterrolebinding', 'b1', '--clusterrole=r1', '--user=alice', '--group=devs', '--serviceaccount=ns1:sa1'],
  'rolebinding': ['create', 'rolebinding', 'rb1', '--role=r2', '--user=bob'],
  'service-clusterip': ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080'],
  'service-nodeport': ['create', 'service', 'nodeport', 'svc2', '--tcp=80:8080', '--node-port=30080'],
  'ingress': ['create', 'ingress', 'ing1', '--class=nginx', '--rule=foo.com/bar*=svc1:80,tls=my-cert'],
  'poddisruptionbudget': ['create', 'poddisruptionbudget', 'pdb1', '--selector=app=web', '--min-available=50%'],
  'priorityclass': ['create', 'priorityclass', 'pc1', '--value=1000', '--description=d', '--preemption-policy=Never'],
  'quota': ['create', 'quota', 'q1', '--hard=cpu=1,memory=1Gi,pods=2', '--scopes=NotBestEffort'],
  'token': ['create', 'token', 'sa1', '--duration=1h', '--audience=api'],
  'selfsubjectaccessreview': ['auth', 'can-i', 'create', 'deployments.apps', '--subresource=scale'],
  'selfsubjectreview': ['auth', 'whoami'],
  'selfsubjectrulesreview': ['auth', 'can-i', '--list'],
};

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    try {
      handle(req, res, Buffer.concat(chunks));
    } catch (err) {
      console.error(`${current}: ${String(err)}`);
      res.writeHead(500).end();
    }
  });
});

server.listen(0, '127.0.0.1', () => void main());

/** kubectl must run asynchronously: the stub server lives in this very process. */
async function main(): Promise<void> {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const home = mkdtempSync(join(tmpdir(), 'kubectl-capture-'));
  const flags = [`--server=http://127.0.0.1:${address.port}`, `--cache-dir=${join(home, 'cache')}`, '-n', 'default'];
  const env = { ...process.env, HOME: home, KUBECONFIG: join(home, 'none') };
  const run = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(KUBECTL, [...flags, ...args], { env, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  for (const [name, args] of Object.entries(CASES)) {
    current = name;
    try {
      const validate = args[0] === 'create' && name !== 'token' ? ['--validate=false'] : [];
      const out = await run([...validate, ...args]);
      console.log(`${name}: ${out.trim().split('\n')[0] ?? ''}`);
      if (args[0] === 'create' && name !== 'token') {
        writeFileSync(join(FIXTURES, `${name}.client.json`), await run([...validate, '--dry-run=client', '-o', 'json', ...args]));
      }
    } catch (err) {
      console.error(`${name}: kubectl failed: ${String(err)}`);
    }
    if (!captured.has(name)) console.error(`${name}: no protobuf body captured`);
  }
  server.close();
}
