/**
 * apiservice/etcd/: the variant with three server replicas on a three-member etcd cluster.
 *
 * Rendered with the real kubectl (`kubectl kustomize apiservice/etcd`), and checked where the
 * pieces must agree with each other: the server's etcd:// URL (parsed by the server's own parser)
 * names exactly the members the StatefulSet and its headless Service create, etcd's
 * --initial-cluster and advertised URLs agree with those DNS names, the PodDisruptionBudgets and
 * Services select the Pods they are meant for and no others, and the base's PVC is gone in favour
 * of an emptyDir plus the PKI Secret. Then the acceptance command
 * `kubectl apply --dry-run=client --validate=false -k apiservice/etcd` against the discovery stub.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../../storage/index.js';
import { parseEtcdUrl } from '../../../storage/etcd/url.js';
import { kubectl, kubectlHome } from '../../helpers/kubectl.js';
import { startDiscoveryStub, type DiscoveryStub } from './discovery-stub.js';
import { BASE_DIR, ETCD_DIR, LABEL, LABEL_VALUE, NAMESPACE, key, kubectls, only, parseStream, selects, type Obj } from './manifest-helpers.js';

const binaries = kubectls();
const SECRET = 'kubestellar-vwds-pki';
/** What the overlay adds to the base (and the base's PVC is what it removes). */
const ADDED = [
  `Service/${NAMESPACE}/etcd`,
  `StatefulSet/${NAMESPACE}/etcd`,
  `PodDisruptionBudget/${NAMESPACE}/etcd`,
  `PodDisruptionBudget/${NAMESPACE}/kubestellar-vwds`,
  `NetworkPolicy/${NAMESPACE}/etcd`,
];

/** `--flag=value` arguments of a command line; a flag given twice fails the test. */
function flags(command: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of command.slice(1)) {
    const m = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    assert.ok(m, `etcd flags are written --name=value: ${arg}`);
    assert.ok(!out.has(m[1]!), `--${m[1]} given twice`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

const portOf = (url: string): number => Number(new URL(url).port);

describe('apiservice/etcd/ overlay', function () {
  this.timeout(60_000);
  let stub: DiscoveryStub;
  let kubeconfig: string;
  let objects: Obj[] = [];
  let base: Obj[] = [];

  before(async function () {
    if (binaries.length === 0) this.skip();
    stub = await startDiscoveryStub();
    kubeconfig = join(kubectlHome(), 'stub-etcd.kubeconfig');
    await stub.writeKubeconfig(kubeconfig);
    const newest = binaries[binaries.length - 1]!.path;
    const r = await kubectl(newest, kubeconfig, ['kustomize', ETCD_DIR]);
    assert.equal(r.code, 0, r.stderr);
    objects = parseStream(r.stdout);
    const b = await kubectl(newest, kubeconfig, ['kustomize', BASE_DIR]);
    assert.equal(b.code, 0, b.stderr);
    base = parseStream(b.stdout);
  });

  after(async () => {
    await stub?.close();
  });

  const deployment = (): Obj => only(objects, 'Deployment', 'kubestellar-vwds');
  const statefulSet = (): Obj => only(objects, 'StatefulSet');
  const headless = (): Obj => only(objects, 'Service', statefulSet()['spec']['serviceName']);
  const serverPodLabels = (): Obj => deployment()['spec']['template']['metadata']['labels'];
  const etcdPodLabels = (): Obj => statefulSet()['spec']['template']['metadata']['labels'];
  const etcdContainer = (): Obj => statefulSet()['spec']['template']['spec']['containers'][0];
  /** etcd's named container port. */
  const etcdPort = (name: string): number => {
    const p = etcdContainer()['ports'].find((x: Obj) => x['name'] === name);
    assert.ok(p, `etcd container port ${name}`);
    return p['containerPort'];
  };
  /** `etcd-N.<service>.<namespace>.svc` for every ordinal of the StatefulSet. */
  const memberHosts = (): string[] => {
    const sts = statefulSet();
    const svc = headless();
    return Array.from({ length: sts['spec']['replicas'] }, (_, i) => `${sts['metadata']['name']}-${i}.${svc['metadata']['name']}.${svc['metadata']['namespace']}.svc`);
  };

  it('lists every file of etcd/, builds on base/, and holds no keys', async () => {
    const kustomization = parseStream(await readFile(join(ETCD_DIR, 'kustomization.yaml'), 'utf8'))[0]!;
    const resources: string[] = kustomization['resources'];
    assert.ok(resources.includes('../base'), 'an overlay of the base');
    const patches: string[] = kustomization['patches'].map((p: Obj) => p['path']);
    const onDisk = (await readdir(ETCD_DIR)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    assert.deepEqual([...resources.filter((r) => r !== '../base'), ...patches].sort(), onDisk.sort(), 'every file is a resource or a patch, and only those');
    for (const file of onDisk) {
      const text = await readFile(join(ETCD_DIR, file), 'utf8');
      assert.equal(parseStream(text).length, 1, `${file} holds one object`);
      assert.doesNotMatch(text, /-----BEGIN|PRIVATE KEY/, `${file}: keys go in the Secret, never in the overlay`);
    }
    assert.ok(!objects.some((o) => o['kind'] === 'Secret'), 'users create the PKI Secret themselves');
  });

  it('renders the base without its PVC, plus the etcd cluster and the PodDisruptionBudgets', () => {
    const expected = [...base.map(key).filter((k) => k !== `PersistentVolumeClaim/${NAMESPACE}/kubestellar-vwds-data`), ...ADDED];
    assert.deepEqual(objects.map(key).sort(), expected.sort());
    assert.equal(new Set(objects.map(key)).size, objects.length, 'no duplicate objects');
    assert.ok(!objects.some((o) => o['kind'] === 'PersistentVolumeClaim'), 'no PVC for the server');
    for (const o of objects) assert.equal(o['metadata']['labels']?.[LABEL], LABEL_VALUE, key(o));
    for (const o of objects.filter((x) => ADDED.includes(key(x)))) assert.equal(o['metadata']['namespace'], NAMESPACE, key(o));
    assert.equal(etcdPodLabels()[LABEL], LABEL_VALUE, 'the Pod template too');
  });

  it('the server: three replicas, rolling one at a time, the base\'s arguments with --storage on all three etcd members', () => {
    const dep = deployment();
    const baseDep = only(base, 'Deployment');
    assert.equal(dep['spec']['replicas'], 3);
    assert.equal(dep['spec']['strategy']['type'], 'RollingUpdate');
    assert.equal(dep['spec']['strategy']['rollingUpdate']['maxUnavailable'], 1);
    const args: string[] = dep['spec']['template']['spec']['containers'][0]['args'];
    const baseArgs: string[] = baseDep['spec']['template']['spec']['containers'][0]['args'];
    const at = args.indexOf('--storage');
    assert.ok(at >= 0 && args.indexOf('--storage', at + 1) === -1, 'one --storage');
    assert.deepEqual(
      args.filter((_, i) => i !== at + 1),
      baseArgs.filter((_, i) => i !== baseArgs.indexOf('--storage') + 1),
      'only the storage URL differs from the base (args is replaced as a whole, so it must not drift)',
    );
    const storage = args[at + 1]!;
    assert.ok(storage.startsWith('etcd://'), storage);
    const url = parseEtcdUrl(storage);
    const clientPort = headless()['spec']['ports'].find((p: Obj) => p['name'] === 'client')['port'];
    assert.deepEqual(url.endpoints, memberHosts().map((h) => `${h}:${clientPort}`), 'every member, by its stable DNS name');
    assert.equal(url.endpoints.length, 3);
    assert.equal(url.prefix, '/kubestellar/');
    assert.equal(url.tls, undefined, 'plain etcd inside the cluster, as the StatefulSet serves it');
    assert.ok(!args.includes('--leader-elect=false'), 'leader election stays on (the default on etcd)');
  });

  it('the server: /data an emptyDir, the PKI Secret read-only at /data/pki, the base\'s hardening kept', () => {
    const dep = deployment();
    const baseDep = only(base, 'Deployment');
    const pod = dep['spec']['template']['spec'];
    const c = pod['containers'][0];
    const volume = (mountPath: string): { mount: Obj; volume: Obj } => {
      const mount = c['volumeMounts'].find((m: Obj) => m['mountPath'] === mountPath);
      assert.ok(mount, `${mountPath} is mounted`);
      const v = pod['volumes'].find((x: Obj) => x['name'] === mount['name']);
      assert.ok(v, `volume ${mount['name']}`);
      return { mount, volume: v };
    };
    const data = volume('/data');
    assert.deepEqual(Object.keys(data.volume).sort(), ['emptyDir', 'name'], 'an emptyDir and nothing else (the PVC source is gone)');
    assert.notEqual(data.mount['readOnly'], true, 'kubeconfigs are written there');
    const pki = volume('/data/pki');
    assert.equal(pki.mount['readOnly'], true);
    assert.deepEqual(Object.keys(pki.volume).sort(), ['name', 'secret']);
    assert.equal(pki.volume['secret']['secretName'], SECRET);
    const mode: number = pki.volume['secret']['defaultMode'];
    assert.equal(mode & 0o007, 0, 'keys not readable by others');
    assert.equal(mode & 0o040, 0o040, 'readable by the server\'s group (fsGroup)');
    assert.ok(!pod['volumes'].some((v: Obj) => v['persistentVolumeClaim'] !== undefined), 'no PVC');
    const baseC = baseDep['spec']['template']['spec']['containers'][0];
    assert.deepEqual(pod['securityContext'], baseDep['spec']['template']['spec']['securityContext']);
    for (const field of ['securityContext', 'readinessProbe', 'livenessProbe', 'startupProbe', 'ports', 'image']) {
      assert.deepEqual(c[field], baseC[field], field);
    }
    const term = pod['affinity']['podAntiAffinity']['preferredDuringSchedulingIgnoredDuringExecution'][0]['podAffinityTerm'];
    assert.ok(selects(term['labelSelector']['matchLabels'], serverPodLabels()), 'replicas spread over nodes');
  });

  it('the etcd StatefulSet: three members whose --initial-cluster names the headless Service\'s DNS names', () => {
    const sts = statefulSet();
    const svc = headless();
    assert.equal(sts['spec']['replicas'], 3);
    assert.equal(sts['spec']['podManagementPolicy'], 'Parallel', 'a new cluster needs a majority up at once');
    assert.ok(selects(sts['spec']['selector']['matchLabels'], etcdPodLabels()));
    assert.equal(svc['spec']['clusterIP'], 'None', 'headless: one DNS name per member');
    assert.equal(svc['spec']['publishNotReadyAddresses'], true, 'members find each other while bootstrapping');
    assert.ok(selects(svc['spec']['selector'], etcdPodLabels()));
    assert.ok(!selects(svc['spec']['selector'], serverPodLabels()));
    // The server's Service must not send API traffic to etcd Pods, nor etcd's to the server.
    assert.ok(!selects(only(objects, 'Service', 'kubestellar-vwds')['spec']['selector'], etcdPodLabels()));
    for (const name of ['client', 'peer']) {
      const p = svc['spec']['ports'].find((x: Obj) => x['name'] === name);
      assert.equal(p['port'], etcdPort(name), name);
    }

    const c = etcdContainer();
    assert.match(c['image'], /^registry\.k8s\.io\/etcd:3\.5\.\d+-0$/);
    assert.equal(c['command'][0], 'etcd', 'an explicit command: the image has no useful default');
    assert.equal(c['args'], undefined);
    const f = flags(c['command']);
    const podName = c['env'].find((e: Obj) => e['name'] === 'POD_NAME');
    assert.equal(podName?.['valueFrom']?.['fieldRef']?.['fieldPath'], 'metadata.name', '$(POD_NAME) is expanded by the kubelet');
    assert.equal(f.get('name'), '$(POD_NAME)');
    assert.equal(f.get('initial-cluster-state'), 'new');

    const hosts = memberHosts();
    const initial = new Map(
      f
        .get('initial-cluster')!
        .split(',')
        .map((entry) => entry.split('=') as [string, string]),
    );
    assert.deepEqual([...initial.keys()], hosts.map((_, i) => `${sts['metadata']['name']}-${i}`), 'one entry per Pod, named as the Pod');
    hosts.forEach((host, i) => {
      const member = `${sts['metadata']['name']}-${i}`;
      const expand = (v: string): string => v.replaceAll('$(POD_NAME)', member);
      assert.equal(initial.get(member), `http://${host}:${etcdPort('peer')}`, member);
      // etcd refuses to start unless its advertised peer URL is its own --initial-cluster entry.
      assert.equal(expand(f.get('initial-advertise-peer-urls')!), initial.get(member), member);
      assert.equal(expand(f.get('advertise-client-urls')!), `http://${host}:${etcdPort('client')}`, member);
    });
    assert.equal(portOf(f.get('listen-client-urls')!), etcdPort('client'));
    assert.equal(portOf(f.get('listen-peer-urls')!), etcdPort('peer'));
    assert.ok(
      Number(f.get('max-request-bytes')) >= DEFAULT_LIMITS.maxValueBytes + DEFAULT_LIMITS.maxKeyBytes,
      'etcd takes every object the server accepts (its default is 1.5 MiB)',
    );
  });

  it('the etcd StatefulSet: a volume per member, anti-affinity, non-root, resources, a /health liveness probe', () => {
    const sts = statefulSet();
    const pod = sts['spec']['template']['spec'];
    const c = etcdContainer();
    const f = flags(c['command']);
    const templates: Obj[] = sts['spec']['volumeClaimTemplates'];
    assert.equal(templates.length, 1);
    const claim = templates[0]!;
    assert.deepEqual(claim['spec']['accessModes'], ['ReadWriteOnce']);
    assert.ok(claim['spec']['resources']['requests']['storage']);
    const mount = c['volumeMounts'].find((m: Obj) => m['name'] === claim['metadata']['name']);
    assert.ok(mount, 'the claim is mounted');
    assert.ok(f.get('data-dir')!.startsWith(`${mount['mountPath']}/`), 'the data directory is on the volume');

    const term = pod['affinity']['podAntiAffinity']['preferredDuringSchedulingIgnoredDuringExecution'][0];
    assert.equal(term['podAffinityTerm']['topologyKey'], 'kubernetes.io/hostname');
    assert.ok(selects(term['podAffinityTerm']['labelSelector']['matchLabels'], etcdPodLabels()));
    assert.equal(pod['affinity']['podAntiAffinity']['requiredDuringSchedulingIgnoredDuringExecution'], undefined, 'preferred: small clusters still run three');

    assert.equal(pod['securityContext']['runAsNonRoot'], true);
    assert.ok(pod['securityContext']['runAsUser'] > 0);
    assert.ok(pod['securityContext']['fsGroup'] > 0, 'the volume is writable for that user');
    assert.equal(c['securityContext']['allowPrivilegeEscalation'], false);
    assert.equal(c['securityContext']['readOnlyRootFilesystem'], true);
    assert.deepEqual(c['securityContext']['capabilities']['drop'], ['ALL']);
    assert.ok(c['resources']['requests']['cpu']);
    assert.ok(c['resources']['requests']['memory']);
    assert.ok(c['resources']['limits']['memory']);

    const get = c['livenessProbe']['httpGet'];
    assert.match(get['path'], /^\/health(\?|$)/);
    const probePort = typeof get['port'] === 'number' ? get['port'] : etcdPort(get['port']);
    const served = [f.get('listen-client-urls'), f.get('listen-metrics-urls')].filter((u) => u !== undefined).map((u) => portOf(u!));
    assert.ok(served.includes(probePort), 'the probe reaches a port etcd serves /health on');
  });

  it('the PodDisruptionBudgets: two of the three servers stay up, and etcd keeps its majority', () => {
    const pdbs = objects.filter((o) => o['kind'] === 'PodDisruptionBudget');
    const server = pdbs.filter((p) => selects(p['spec']['selector']['matchLabels'], serverPodLabels()));
    assert.equal(server.length, 1, 'one PDB selects the server Pods');
    assert.equal(server[0]!['apiVersion'], 'policy/v1');
    assert.equal(server[0]!['spec']['minAvailable'], 2);
    assert.ok(!selects(server[0]!['spec']['selector']['matchLabels'], etcdPodLabels()));
    const etcd = pdbs.filter((p) => selects(p['spec']['selector']['matchLabels'], etcdPodLabels()));
    assert.equal(etcd.length, 1, 'one PDB selects the etcd Pods');
    assert.equal(etcd[0]!['spec']['maxUnavailable'], 1);
  });

  it('the NetworkPolicy lets only the server replicas and the members reach etcd\'s client port', () => {
    const np = only(objects, 'NetworkPolicy');
    assert.ok(selects(np['spec']['podSelector']['matchLabels'], etcdPodLabels()));
    assert.deepEqual(np['spec']['policyTypes'], ['Ingress']);
    const clientPort = (rule: Obj): boolean => rule['ports']?.some((p: Obj) => p['port'] === 'client' || p['port'] === etcdPort('client')) === true;
    const rules: Obj[] = np['spec']['ingress'];
    assert.ok(rules.filter(clientPort).every((r) => Array.isArray(r['from']) && r['from'].length > 0), 'the client port is never open to all');
    const fromServers = rules.filter(clientPort).some((r) => r['from'].some((peer: Obj) => selects(peer['podSelector']?.['matchLabels'], serverPodLabels())));
    assert.ok(fromServers, 'the servers may connect');
  });

  for (const binary of binaries) {
    it(`kubectl ${binary.version}: apply --dry-run=client --validate=false -k apiservice/etcd (discovery stub, no writes)`, async () => {
      const before = stub.requests.length;
      const r = await kubectl(binary.path, kubeconfig, ['apply', '--dry-run=client', '--validate=false', '-k', ETCD_DIR, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Obj;
      const applied: Obj[] = out['kind'] === 'List' ? out['items'] : [out];
      assert.deepEqual(applied.map(key).sort(), objects.map(key).sort());
      const seen = stub.requests.slice(before);
      assert.ok(seen.some((s) => s.startsWith('GET /apis/apps/v1/namespaces/kubestellar-system/statefulsets/')), 'kubectl looked the StatefulSet up');
      assert.deepEqual(seen.filter((s) => !s.startsWith('GET ')), [], 'client dry-run only reads');
      const plain = await kubectl(binary.path, kubeconfig, ['apply', '--dry-run=client', '--validate=false', '-k', ETCD_DIR]);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stdout.trim().split('\n').filter((l) => l.endsWith('(dry run)')).length, objects.length, plain.stdout);
    });
  }
});
