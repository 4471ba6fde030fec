/**
 * apiservice/: the manifests that deploy the server as an aggregated API server for
 * spaces.kubestellar.io/v1alpha1 (ARCHITECTURE §2, style §3.9, client-surface §12), in the
 * default variant: one replica on LevelDB, the objects of base/ as they are (etcd/ has its own
 * suite, etcd-overlay.test.ts).
 *
 * Rendered with the real kubectl: `kubectl kustomize apiservice/` for the content, and the
 * acceptance command `kubectl apply --dry-run=client --validate=false -k apiservice/`, which still
 * needs an API server for discovery (there is no offline client dry-run), against a
 * discovery-only stub on loopback. Runs with the oldest and the newest pinned kubectl (see
 * /work/shared/TOOLS.md), or the one on PATH; skipped only when there is no kubectl at all.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { kubectl, kubectlHome } from '../../helpers/kubectl.js';
import { startDiscoveryStub, type DiscoveryStub } from './discovery-stub.js';
import { BASE_DIR, DIR, LABEL, LABEL_VALUE, NAMESPACE, key, kubectls, only, parseStream, type Obj } from './manifest-helpers.js';

const binaries = kubectls();

describe('apiservice/ manifests', function () {
  this.timeout(60_000);
  let stub: DiscoveryStub;
  let kubeconfig: string;
  let objects: Obj[] = [];

  before(async function () {
    if (binaries.length === 0) this.skip();
    stub = await startDiscoveryStub();
    kubeconfig = join(kubectlHome(), 'stub.kubeconfig');
    await stub.writeKubeconfig(kubeconfig);
    const r = await kubectl(binaries[binaries.length - 1]!.path, kubeconfig, ['kustomize', DIR]);
    assert.equal(r.code, 0, r.stderr);
    objects = parseStream(r.stdout);
  });

  after(async () => {
    await stub?.close();
  });

  it('renders every file of base/kustomization.yaml, one object per file, and nothing from examples/ or etcd/', async () => {
    // apiservice/ is base/ as it is: the objects sit in base/ so that etcd/ can build on them
    // (kustomize refuses an overlay inside its base's directory).
    const top = parseStream(await readFile(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!;
    assert.deepEqual(top['resources'], ['base']);
    for (const field of ['patches', 'transformers', 'labels', 'images', 'namePrefix']) assert.equal(top[field], undefined, field);
    assert.deepEqual((await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)), ['kustomization.yaml'], 'no manifest outside base/');
    const kustomization = parseStream(await readFile(join(BASE_DIR, 'kustomization.yaml'), 'utf8'))[0]!;
    const listed: string[] = kustomization['resources'];
    const onDisk = (await readdir(BASE_DIR)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    assert.deepEqual([...listed].sort(), onDisk.sort(), 'every manifest is listed, and only those');
    for (const file of listed) {
      const docs = parseStream(await readFile(join(BASE_DIR, file), 'utf8'));
      assert.equal(docs.length, 1, `${file} holds one object`);
    }
    assert.equal(objects.length, listed.length);
    assert.equal(new Set(objects.map(key)).size, objects.length, 'no duplicate objects');
    for (const o of objects) {
      assert.equal(typeof o['apiVersion'], 'string', key(o));
      assert.equal(typeof o['metadata']?.['name'], 'string', key(o));
    }
    assert.ok(!objects.some((o) => o['metadata']['name'] === 'wds1-workload-editor'), 'examples/ is for the space, not the host');
    assert.ok(!objects.some((o) => o['kind'] === 'StatefulSet' || o['metadata']['name'] === 'etcd'), 'etcd/ is a variant of its own');
  });

  it('has the kinds an aggregated API server needs', () => {
    const kinds = objects.map((o) => o['kind']).sort();
    const needed = ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'RoleBinding'];
    needed.push('Deployment', 'Service', 'APIService', 'PersistentVolumeClaim');
    for (const kind of needed) {
      assert.ok(kinds.includes(kind), `missing ${kind}`);
    }
    assert.ok(kinds.filter((k) => k === 'ClusterRoleBinding').length >= 2);
    only(objects, 'Namespace', NAMESPACE);
  });

  it('puts namespaced objects in kubestellar-system, and the auth-reader in kube-system', () => {
    const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'APIService']);
    for (const o of objects) {
      const ns = o['metadata']['namespace'];
      if (clusterScoped.has(o['kind'])) assert.equal(ns, undefined, key(o));
      else if (o['kind'] === 'RoleBinding') assert.equal(ns, 'kube-system', key(o));
      else assert.equal(ns, NAMESPACE, key(o));
    }
  });

  it('binds the ServiceAccount to auth-delegator, the authentication reader and its own role', () => {
    const sa = only(objects, 'ServiceAccount');
    const subject = { kind: 'ServiceAccount', name: sa['metadata']['name'], namespace: NAMESPACE };
    const bindings = objects.filter((o) => o['kind'] === 'ClusterRoleBinding' || o['kind'] === 'RoleBinding');
    const boundTo = (roleKind: string, role: string): Obj => {
      const b = bindings.find((o) => o['roleRef']['kind'] === roleKind && o['roleRef']['name'] === role);
      assert.ok(b, `no binding to ${roleKind} ${role}`);
      assert.equal(b['roleRef']['apiGroup'], 'rbac.authorization.k8s.io');
      assert.deepEqual(b['subjects'], [subject]);
      return b;
    };
    assert.equal(boundTo('ClusterRole', 'system:auth-delegator')['kind'], 'ClusterRoleBinding');
    const reader = boundTo('Role', 'extension-apiserver-authentication-reader');
    assert.equal(reader['kind'], 'RoleBinding');
    assert.equal(reader['metadata']['namespace'], 'kube-system');
    const role = objects.find((o) => o['kind'] === 'ClusterRole' && o['metadata']['name'] === 'kubestellar-vwds');
    assert.ok(role, 'the server ClusterRole');
    assert.ok(Array.isArray(role['rules']), 'rules present (empty on purpose, see rbac.yaml)');
    boundTo('ClusterRole', role['metadata']['name']);
  });

  it('registers spaces.kubestellar.io/v1alpha1 with the Service, verified by caBundle', () => {
    const api = only(objects, 'APIService');
    const svc = only(objects, 'Service');
    assert.equal(api['apiVersion'], 'apiregistration.k8s.io/v1');
    assert.equal(api['metadata']['name'], 'v1alpha1.spaces.kubestellar.io');
    const spec = api['spec'];
    assert.equal(spec['group'], 'spaces.kubestellar.io');
    assert.equal(spec['version'], 'v1alpha1');
    assert.equal(spec['groupPriorityMinimum'], 1000);
    assert.equal(spec['versionPriority'], 15);
    assert.deepEqual(spec['service'], { name: svc['metadata']['name'], namespace: svc['metadata']['namespace'], port: 443 });
    assert.notEqual(spec['insecureSkipTLSVerify'], true);
    assert.equal(typeof spec['caBundle'], 'string', 'caBundle is there to be filled');
    assert.match(spec['caBundle'], /^[A-Za-z0-9+/]*={0,2}$/, 'caBundle stays valid base64 so that apply works before it is filled');
  });

  it('the Service reaches the Deployment\'s named https port', () => {
    const svc = only(objects, 'Service');
    const dep = only(objects, 'Deployment');
    const port = svc['spec']['ports'].find((p: Obj) => p['port'] === 443);
    assert.ok(port);
    assert.equal(port['name'], 'https', 'the aggregator checks EndpointSlices for the named port');
    const container = dep['spec']['template']['spec']['containers'][0];
    const target = container['ports'].find((p: Obj) => p['name'] === port['targetPort'] || p['containerPort'] === port['targetPort']);
    assert.ok(target, 'targetPort names a container port');
    assert.equal(target['containerPort'], 8443);
    const podLabels = dep['spec']['template']['metadata']['labels'];
    for (const [k, v] of Object.entries(svc['spec']['selector'])) assert.equal(podLabels[k], v, `Service selector ${k}`);
    for (const [k, v] of Object.entries(dep['spec']['selector']['matchLabels'])) assert.equal(podLabels[k], v, `Deployment selector ${k}`);
  });

  it('the Deployment: one writer, non-root, read-only root, /data on the PVC, HTTPS probes', () => {
    const dep = only(objects, 'Deployment');
    const pvc = only(objects, 'PersistentVolumeClaim');
    const sa = only(objects, 'ServiceAccount');
    assert.equal(dep['spec']['replicas'], 1, 'LevelDB is single-writer');
    assert.equal(dep['spec']['strategy']['type'], 'Recreate', 'no second Pod during an update');
    const pod = dep['spec']['template']['spec'];
    assert.equal(pod['serviceAccountName'], sa['metadata']['name']);
    assert.equal(pod['securityContext']['runAsNonRoot'], true);
    assert.ok(pod['securityContext']['runAsUser'] > 0);
    assert.equal(pod['securityContext']['runAsUser'], 65532, 'the image\'s uid');
    assert.equal(pod['securityContext']['fsGroup'], 65532, 'so the volume is writable');
    assert.equal(pod['containers'].length, 1);
    const c = pod['containers'][0];
    assert.deepEqual(c['args'].slice(0, 7), ['serve', '--data-dir', '/data', '--bind-address', '0.0.0.0', '--port', '8443']);
    assert.equal(c['securityContext']['readOnlyRootFilesystem'], true);
    assert.equal(c['securityContext']['allowPrivilegeEscalation'], false);
    assert.deepEqual(c['securityContext']['capabilities']['drop'], ['ALL']);
    const dataMount = c['volumeMounts'].find((m: Obj) => m['mountPath'] === '/data');
    assert.ok(dataMount, '/data is mounted');
    const dataVolume = pod['volumes'].find((v: Obj) => v['name'] === dataMount['name']);
    assert.equal(dataVolume['persistentVolumeClaim']['claimName'], pvc['metadata']['name']);
    assert.deepEqual(pvc['spec']['accessModes'], ['ReadWriteOnce']);
    assert.ok(pvc['spec']['resources']['requests']['storage']);
    for (const [probe, path] of [['readinessProbe', '/readyz'], ['livenessProbe', '/livez']] as const) {
      const get = c[probe]['httpGet'];
      assert.equal(get['path'], path, probe);
      assert.equal(get['scheme'], 'HTTPS', probe);
      assert.ok(get['port'] === 'https' || get['port'] === 8443, probe);
    }
    assert.ok(c['resources']['requests']['cpu']);
    assert.ok(c['resources']['requests']['memory']);
  });

  it('labels every object, and the Pod template, app.kubernetes.io/name=kubestellar-vwds', () => {
    for (const o of objects) assert.equal(o['metadata']['labels']?.[LABEL], LABEL_VALUE, key(o));
    assert.equal(only(objects, 'Deployment')['spec']['template']['metadata']['labels'][LABEL], LABEL_VALUE);
  });

  it('ships host RBAC that lets a user enter wds1 through clusters/api and clusters/apis', () => {
    const role = objects.find(
      (o) => o['kind'] === 'ClusterRole' && o['rules']?.some((r: Obj) => r['apiGroups']?.includes('spaces.kubestellar.io')),
    );
    assert.ok(role, 'a ClusterRole on spaces.kubestellar.io');
    const rule = role['rules'].find((r: Obj) => r['apiGroups'].includes('spaces.kubestellar.io'));
    assert.deepEqual([...rule['resources']].sort(), ['clusters/api', 'clusters/apis']);
    assert.deepEqual(rule['resourceNames'], ['wds1']);
    for (const verb of ['get', 'watch', 'create', 'update', 'patch', 'delete']) assert.ok(rule['verbs'].includes(verb), verb);
    const binding = objects.find((o) => o['kind'] === 'ClusterRoleBinding' && o['roleRef']['name'] === role['metadata']['name']);
    assert.ok(binding, 'an example binding');
    assert.ok(binding['subjects'].length > 0);
  });

  it('examples/ holds single, well-formed objects for inside the space', async () => {
    const files = (await readdir(join(DIR, 'examples'))).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(files.length > 0);
    const docs = [];
    for (const f of files) {
      const parsed = parseStream(await readFile(join(DIR, 'examples', f), 'utf8'));
      assert.equal(parsed.length, 1, f);
      docs.push(parsed[0]!);
    }
    const binding = docs.find((d) => d['kind'] === 'ClusterRoleBinding');
    assert.ok(binding);
    assert.ok(docs.some((d) => d['kind'] === 'ClusterRole' && d['metadata']['name'] === binding['roleRef']['name']));
  });

  for (const binary of binaries) {
    it(`kubectl ${binary.version}: apply --dry-run=client --validate=false -k apiservice/ (discovery stub, no writes)`, async () => {
      const before = stub.requests.length;
      const r = await kubectl(binary.path, kubeconfig, ['apply', '--dry-run=client', '--validate=false', '-k', DIR, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Obj;
      const applied: Obj[] = out['kind'] === 'List' ? out['items'] : [out];
      assert.deepEqual(applied.map(key).sort(), objects.map(key).sort());
      const seen = stub.requests.slice(before);
      assert.ok(seen.length > 0, 'kubectl talked to the stub');
      assert.deepEqual(seen.filter((r) => !r.startsWith('GET ')), [], 'client dry-run only reads');
      // And without --dry-run's -o, the human-readable form names every object "(dry run)".
      const plain = await kubectl(binary.path, kubeconfig, ['apply', '--dry-run=client', '--validate=false', '-k', DIR]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stdout.trim().split('\n').filter((l) => l.endsWith('(dry run)')).length, objects.length, plain.stdout);
    });
  }
});
