/**
 * The Pod subresources and proxies over HTTP, on a server with no kubelets: logs, exec, attach
 * and port-forward of pods with and without a node, ephemeral containers, binding, eviction
 * against disruption budgets, resize, the proxies, discovery of all of them, and the
 * podIP/podIPs pairing of status writes. Assertions are on code and reason.
 */
import assert from 'node:assert/strict';
import { startInProcess, type HttpResult, type InProcessServer } from '../helpers/in-process.js';

const API = '/clusters/wds1/api/v1';
const NS = `${API}/namespaces/default`;
const PODS = `${NS}/pods`;
const PDBS = '/clusters/wds1/apis/policy/v1/namespaces/default/poddisruptionbudgets';

function pod(name: string, extra: { nodeName?: string; containers?: string[]; labels?: Record<string, string> } = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(extra.labels && { labels: extra.labels }) },
    spec: {
      ...(extra.nodeName && { nodeName: extra.nodeName }),
      containers: (extra.containers ?? ['main']).map((c) => ({ name: c, image: 'nginx:1.27' })),
    },
  };
}

/** The 500 of a kubelet out of reach: a plain error upstream, so a Status without a reason. */
function expectKubeletUnreachable(r: HttpResult): void {
  assert.equal(r.status, 500, JSON.stringify(r.body));
  assert.equal(r.body.kind, 'Status');
  assert.equal(r.body.code, 500);
  assert.equal(r.body.reason, undefined, JSON.stringify(r.body));
  assert.match(String(r.body.message), /^(error dialing backend: |no preferred addresses found)/);
}

function expectStatus(r: HttpResult, code: number, reason?: string): void {
  assert.equal(r.status, code, JSON.stringify(r.body));
  if (reason !== undefined) {
    assert.equal(r.body.kind, 'Status', JSON.stringify(r.body));
    assert.equal(r.body.reason, reason, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
  }
}

describe('Pod subresources without kubelets', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  const create = async (path: string, body: object): Promise<HttpResult> => {
    const r = await h.request('POST', path, { body });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r;
  };

  before(async () => {
    h = await startInProcess({ storage: 'memory' });
    await create(PODS, pod('lone'));
    await create(PODS, pod('pair', { containers: ['a', 'b'] }));
    await create(PODS, pod('placed', { nodeName: 'node-1' }));
    await create(PODS, pod('orphaned', { nodeName: 'gone' }));
    await create(`${API}/nodes`, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } });
  });
  after(async () => h?.stop());

  describe('pods/log', () => {
    it('answers a pod on no node with an empty success', async () => {
      const r = await h.request('GET', `${PODS}/lone/log`);
      assert.ok(r.status === 200 || r.status === 204, String(r.status));
      assert.equal(r.raw.length, 0);
      const follow = await h.request('GET', `${PODS}/lone/log?container=main&follow=true&tailLines=5`);
      assert.ok(follow.status === 200 || follow.status === 204, String(follow.status));
    });
    it('is 404 for a missing pod', async () => expectStatus(await h.request('GET', `${PODS}/missing/log`), 404, 'NotFound'));
    it('is 400 for an unknown container or an ambiguous pod', async () => {
      expectStatus(await h.request('GET', `${PODS}/lone/log?container=nope`), 400, 'BadRequest');
      expectStatus(await h.request('GET', `${PODS}/pair/log`), 400, 'BadRequest');
      const ok = await h.request('GET', `${PODS}/pair/log?container=b`);
      assert.ok(ok.status === 200 || ok.status === 204, String(ok.status));
    });
    it('checks the options: 400 for undecodable ones, 422 for invalid ones', async () => {
      expectStatus(await h.request('GET', `${PODS}/lone/log?tailLines=abc`), 400, 'BadRequest');
      expectStatus(await h.request('GET', `${PODS}/lone/log?tailLines=-1`), 422, 'Invalid');
      expectStatus(await h.request('GET', `${PODS}/lone/log?sinceSeconds=0`), 422, 'Invalid');
    });
    it('answers a pod on a node as when the kubelet is out of reach', async () => {
      expectKubeletUnreachable(await h.request('GET', `${PODS}/placed/log`));
      expectStatus(await h.request('GET', `${PODS}/orphaned/log`), 404, 'NotFound');
    });
    it('serves only get', async () => expectStatus(await h.request('POST', `${PODS}/lone/log`, { body: {} }), 405, 'MethodNotAllowed'));
  });

  describe('exec, attach, portforward', () => {
    const websocket = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' };
    const spdy = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
    it('is 400 before any upgrade for a pod without a host', async () => {
      expectStatus(await h.request('GET', `${PODS}/lone/exec?command=ls&stdout=true`, { headers: websocket }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${PODS}/lone/exec?command=ls&stdout=true`, { headers: spdy }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${PODS}/lone/attach?stdout=true`, { headers: spdy }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${PODS}/lone/portforward?ports=80`, { headers: spdy }), 400, 'BadRequest');
    });
    it('checks the container and the pod first', async () => {
      expectStatus(await h.request('POST', `${PODS}/missing/exec?command=ls`, { headers: spdy }), 404, 'NotFound');
      expectStatus(await h.request('POST', `${PODS}/lone/exec?command=ls&container=x`, { headers: spdy }), 400, 'BadRequest');
    });
    it('answers a pod on a node as when the kubelet is out of reach', async () => {
      for (const path of [`${PODS}/placed/exec?command=ls`, `${PODS}/placed/portforward?ports=80`]) {
        expectKubeletUnreachable(await h.request('POST', path, { headers: spdy }));
      }
    });
    it('refuses other verbs', async () => expectStatus(await h.request('PUT', `${PODS}/lone/exec`, { body: {} }), 405, 'MethodNotAllowed'));
  });

  describe('pods/ephemeralcontainers', () => {
    it('adds an ephemeral container by strategic merge patch, and keeps the rest of the pod', async () => {
      await create(PODS, pod('debugged'));
      const r = await h.request('PATCH', `${PODS}/debugged/ephemeralcontainers`, {
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { sneaky: 'yes' } }, spec: { ephemeralContainers: [{ name: 'debugger', image: 'busybox', stdin: true, tty: true }] } }),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.kind, 'Pod');
      assert.equal(r.body.spec.ephemeralContainers[0].name, 'debugger');
      assert.equal(r.body.spec.ephemeralContainers[0].terminationMessagePolicy, 'File');
      assert.equal(r.body.metadata.labels?.sneaky, undefined);
      const got = await h.request('GET', `${PODS}/debugged/ephemeralcontainers`);
      assert.equal(got.status, 200);
      assert.equal(got.body.kind, 'Pod');
      assert.equal(got.body.spec.ephemeralContainers.length, 1);
    });
    it('refuses to change or remove an existing ephemeral container (422)', async () => {
      const current = (await h.request('GET', `${PODS}/debugged`)).body;
      const changed = structuredClone(current);
      changed.spec.ephemeralContainers[0].image = 'alpine';
      expectStatus(await h.request('PUT', `${PODS}/debugged/ephemeralcontainers`, { body: changed }), 422, 'Invalid');
      const removed = structuredClone(current);
      removed.spec.ephemeralContainers = [];
      expectStatus(await h.request('PUT', `${PODS}/debugged/ephemeralcontainers`, { body: removed }), 422, 'Invalid');
    });
    it('refuses a name already taken and a missing image (422)', async () => {
      const current = (await h.request('GET', `${PODS}/debugged`)).body;
      current.spec.ephemeralContainers.push({ name: 'main', image: 'busybox' });
      expectStatus(await h.request('PUT', `${PODS}/debugged/ephemeralcontainers`, { body: current }), 422, 'Invalid');
      const r = await h.request('PATCH', `${PODS}/debugged/ephemeralcontainers`, {
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ spec: { ephemeralContainers: [{ name: 'second' }] } }),
      });
      expectStatus(r, 422, 'Invalid');
    });
    it('is still refused through the pod itself', async () => {
      const current = (await h.request('GET', `${PODS}/debugged`)).body;
      current.spec.ephemeralContainers.push({ name: 'third', image: 'busybox' });
      expectStatus(await h.request('PUT', `${PODS}/debugged`, { body: current }), 422, 'Invalid');
    });
  });

  describe('pods/binding', () => {
    it('binds an unbound pod once, then answers 409', async () => {
      await create(PODS, pod('tobind'));
      const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tobind' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
      const r = await h.request('POST', `${PODS}/tobind/binding`, { body: binding });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'Success');
      const bound = (await h.request('GET', `${PODS}/tobind`)).body;
      assert.equal(bound.spec.nodeName, 'node-1');
      assert.ok(bound.status.conditions.some((c: { type: string; status: string }) => c.type === 'PodScheduled' && c.status === 'True'));
      expectStatus(await h.request('POST', `${PODS}/tobind/binding`, { body: binding }), 409, 'Conflict');
    });
    it('checks the Binding: name (400), target (422), pod (404)', async () => {
      await create(PODS, pod('tobind2'));
      expectStatus(await h.request('POST', `${PODS}/tobind2/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'other' }, target: { name: 'n' } } }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${PODS}/tobind2/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tobind2' }, target: {} } }), 422, 'Invalid');
      expectStatus(await h.request('POST', `${PODS}/nope/binding`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'nope' }, target: { name: 'n' } } }), 404, 'NotFound');
    });
  });

  describe('bindings (the older top-level form)', () => {
    it('binds the pod the Binding names, once; checks name, namespace, target and pod', async () => {
      await create(PODS, pod('viabindings'));
      const binding = (name: string, extra: object = {}) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name, ...extra }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-2' } });
      const r = await h.request('POST', `${NS}/bindings`, { body: binding('viabindings') });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'Success');
      assert.equal((await h.request('GET', `${PODS}/viabindings`)).body.spec.nodeName, 'node-2');
      expectStatus(await h.request('POST', `${NS}/bindings`, { body: binding('viabindings') }), 409, 'Conflict');
      expectStatus(await h.request('POST', `${NS}/bindings`, { body: { apiVersion: 'v1', kind: 'Binding', metadata: {}, target: { name: 'n' } } }), 422, 'Invalid');
      expectStatus(await h.request('POST', `${NS}/bindings`, { body: binding('viabindings', { namespace: 'elsewhere' }) }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${NS}/bindings`, { body: { ...binding('x'), target: {} } }), 422, 'Invalid');
      expectStatus(await h.request('POST', `${NS}/bindings`, { body: binding('nope') }), 404, 'NotFound');
      expectStatus(await h.request('GET', `${NS}/bindings`), 405, 'MethodNotAllowed');
    });
  });

  describe('pods/eviction', () => {
    const eviction = (name: string, deleteOptions?: object) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'default' }, ...(deleteOptions && { deleteOptions }) });
    const running = async (name: string, labels: Record<string, string>) => {
      const created = (await create(PODS, pod(name, { labels, nodeName: 'node-1' }))).body;
      const r = await h.request('PUT', `${PODS}/${name}/status`, {
        body: { ...created, status: { phase: 'Running', podIP: '10.0.0.9', conditions: [{ type: 'Ready', status: 'True' }] } },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    const budget = async (name: string, app: string, disruptionsAllowed: number) => {
      const created = (await create(PDBS, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { minAvailable: 1, selector: { matchLabels: { app } } } })).body;
      const r = await h.request('PUT', `${PDBS}/${name}/status`, {
        body: { ...created, status: { observedGeneration: created.metadata.generation, disruptionsAllowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };

    it('deletes a pod no budget covers', async () => {
      await running('free', { app: 'free' });
      const r = await h.request('POST', `${PODS}/free/eviction`, { body: eviction('free') });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'Success');
      expectStatus(await h.request('GET', `${PODS}/free`), 404, 'NotFound');
    });
    it('answers 429 when the budget allows no disruption, and keeps the pod', async () => {
      await running('guarded', { app: 'guarded' });
      await budget('guarded', 'guarded', 0);
      expectStatus(await h.request('POST', `${PODS}/guarded/eviction`, { body: eviction('guarded') }), 429, 'TooManyRequests');
      assert.equal((await h.request('GET', `${PODS}/guarded`)).status, 200);
    });
    it('charges the budget when it allows a disruption', async () => {
      await running('allowed', { app: 'allowed' });
      await budget('allowed', 'allowed', 1);
      const r = await h.request('POST', `${PODS}/allowed/eviction`, { body: eviction('allowed') });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const pdb = (await h.request('GET', `${PDBS}/allowed`)).body;
      assert.equal(pdb.status.disruptionsAllowed, 0);
      assert.ok(pdb.status.disruptedPods?.allowed);
      expectStatus(await h.request('GET', `${PODS}/allowed`), 404, 'NotFound');
    });
    it('honours the eviction DeleteOptions (dry run, preconditions)', async () => {
      await running('careful', { app: 'careful' });
      const dry = await h.request('POST', `${PODS}/careful/eviction`, { body: eviction('careful', { dryRun: ['All'] }) });
      assert.equal(dry.status, 201, JSON.stringify(dry.body));
      assert.equal((await h.request('GET', `${PODS}/careful`)).status, 200);
      expectStatus(await h.request('POST', `${PODS}/careful/eviction`, { body: eviction('careful', { preconditions: { uid: 'not-it' } }) }), 409, 'Conflict');
    });
    it('checks the Eviction (400) and the pod (404)', async () => {
      expectStatus(await h.request('POST', `${PODS}/lone/eviction`, { body: eviction('other') }), 400, 'BadRequest');
      expectStatus(await h.request('POST', `${PODS}/missing/eviction`, { body: eviction('missing') }), 404, 'NotFound');
    });
  });

  describe('pods/resize', () => {
    it('changes only container resources', async () => {
      const created = (await create(PODS, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'sized' },
        spec: { containers: [{ name: 'main', image: 'nginx', resources: { requests: { cpu: '100m' }, limits: { cpu: '200m' } } }] },
      })).body;
      const r = await h.request('PATCH', `${PODS}/sized/resize`, {
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ spec: { containers: [{ name: 'main', image: 'other', resources: { requests: { cpu: '150m' } } }] } }),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.spec.containers[0].resources.requests.cpu, '150m');
      assert.equal(r.body.spec.containers[0].image, created.spec.containers[0].image);
    });
    it('refuses a change of QoS class or of other resources (422)', async () => {
      const qos = await h.request('PATCH', `${PODS}/sized/resize`, {
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ spec: { containers: [{ name: 'main', resources: {} }] } }),
      });
      expectStatus(qos, 422, 'Invalid');
      const other = await h.request('PATCH', `${PODS}/sized/resize`, {
        headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
        body: JSON.stringify({ spec: { containers: [{ name: 'main', resources: { requests: { 'ephemeral-storage': '1Gi' } } }] } }),
      });
      expectStatus(other, 422, 'Invalid');
    });
  });

  describe('proxies', () => {
    it('services/proxy is 404 without the service or its Endpoints, 503 without ready endpoints', async () => {
      await create(`${NS}/services`, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }], selector: { app: 'web' } } });
      // No endpoints controller runs in a WDS: the Service has no Endpoints object.
      const missing = await h.request('GET', `${NS}/services/web/proxy/healthz`);
      expectStatus(missing, 404, 'NotFound');
      assert.equal(missing.body.details.kind, 'endpoints');
      await create(`${NS}/endpoints`, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets: [] });
      expectStatus(await h.request('GET', `${NS}/services/web/proxy/healthz`), 503, 'ServiceUnavailable');
      expectStatus(await h.request('GET', `${NS}/services/web:80/proxy/`), 503, 'ServiceUnavailable');
      expectStatus(await h.request('GET', `${NS}/services/nope/proxy/`), 404, 'NotFound');
    });
    it('pods/proxy is 400 for a pod without an address', async () => {
      expectStatus(await h.request('GET', `${PODS}/lone/proxy/`), 400, 'BadRequest');
      expectStatus(await h.request('GET', `${PODS}/missing/proxy`), 404, 'NotFound');
    });
    it('nodes/proxy is 404 for a missing node and 500 for a node without a kubelet', async () => {
      expectStatus(await h.request('GET', `${API}/nodes/nope/proxy/metrics`), 404, 'NotFound');
      expectKubeletUnreachable(await h.request('GET', `${API}/nodes/node-1/proxy/metrics`));
    });
    it('other subresources take no subpath', async () => expectStatus(await h.request('GET', `${PODS}/lone/status/extra`), 404, 'NotFound'));
  });

  describe('pod status IPs', () => {
    it('pairs podIP with podIPs and hostIP with hostIPs on status writes', async () => {
      const created = (await create(PODS, pod('addressed'))).body;
      const r = await h.request('PUT', `${PODS}/addressed/status`, { body: { ...created, status: { phase: 'Running', podIP: '10.1.2.3', hostIP: '192.168.0.5' } } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.status.podIPs, [{ ip: '10.1.2.3' }]);
      assert.deepEqual(r.body.status.hostIPs, [{ ip: '192.168.0.5' }]);
      const p = await h.request('PATCH', `${PODS}/addressed/status`, {
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ status: { podIP: null, podIPs: [{ ip: '10.9.9.9' }, { ip: 'fd00::9' }] } }),
      });
      assert.equal(p.status, 200, JSON.stringify(p.body));
      assert.equal(p.body.status.podIP, '10.9.9.9');
      assert.equal(p.body.status.podIPs.length, 2);
    });
  });

  describe('discovery', () => {
    const expected: Record<string, { kind: string; verbs: string[]; group?: string }> = {
      'pods/attach': { kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      'pods/binding': { kind: 'Binding', verbs: ['create'] },
      'pods/ephemeralcontainers': { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      'pods/eviction': { kind: 'Eviction', verbs: ['create'], group: 'policy' },
      'pods/exec': { kind: 'PodExecOptions', verbs: ['create', 'get'] },
      'pods/log': { kind: 'Pod', verbs: ['get'] },
      'pods/portforward': { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      'pods/proxy': { kind: 'PodProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      'pods/resize': { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      'pods/status': { kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      'serviceaccounts/token': { kind: 'TokenRequest', verbs: ['create'], group: 'authentication.k8s.io' },
      'namespaces/finalize': { kind: 'Namespace', verbs: ['update'] },
      'namespaces/status': { kind: 'Namespace', verbs: ['get', 'patch', 'update'] },
      'services/proxy': { kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      'services/status': { kind: 'Service', verbs: ['get', 'patch', 'update'] },
      'nodes/proxy': { kind: 'NodeProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] },
      'nodes/status': { kind: 'Node', verbs: ['get', 'patch', 'update'] },
      'replicationcontrollers/scale': { kind: 'Scale', verbs: ['get', 'patch', 'update'], group: 'autoscaling' },
    };
    it('/api/v1 lists every served subresource with its kind and verbs', async () => {
      const r = await h.request('GET', API);
      assert.equal(r.status, 200);
      const byName = new Map<string, { kind: string; verbs: string[]; group?: string; version?: string }>(r.body.resources.map((x: { name: string }) => [x.name, x]));
      for (const [name, want] of Object.entries(expected)) {
        const got = byName.get(name);
        assert.ok(got, `${name} missing`);
        assert.equal(got.kind, want.kind, name);
        assert.deepEqual(got.verbs, want.verbs, name);
        assert.equal(got.group, want.group, name);
      }
    });
    it('aggregated discovery lists them too', async () => {
      for (const v of ['v2', 'v2beta1']) {
        const r = await h.request('GET', '/clusters/wds1/api', { headers: { Accept: `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList` } });
        assert.equal(r.status, 200);
        const resources: { resource: string; subresources?: { subresource: string; responseKind: { group: string; kind: string }; verbs: string[] }[] }[] =
          r.body.items[0].versions[0].resources;
        for (const [name, want] of Object.entries(expected)) {
          const [resource, sub] = name.split('/');
          const entry = resources.find((x) => x.resource === resource)?.subresources?.find((s) => s.subresource === sub);
          assert.ok(entry, `${name} missing (${v})`);
          assert.equal(entry.responseKind.kind, want.kind);
          assert.equal(entry.responseKind.group, want.group ?? '');
          assert.deepEqual(entry.verbs, want.verbs);
        }
      }
    });
  });
});

describe("pods/log answered by a cluster space's simulated kubelet", function () {
  this.timeout(60_000);
  let h: InProcessServer;
  const CLUSTER_PODS = '/clusters/cluster1/api/v1/namespaces/default/pods';
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  it('gives a running container its (empty) log, refuses a previous one, and ends a follow when the pod goes', async () => {
    assert.equal((await h.request('POST', CLUSTER_PODS, { body: pod('talker') })).status, 201);
    const running = async (): Promise<boolean> => {
      const p = (await h.request('GET', `${CLUSTER_PODS}/talker`)).body;
      return p.status?.containerStatuses?.[0]?.state?.running !== undefined;
    };
    for (let i = 0; !(await running()); i++) {
      if (i > 300) assert.fail('the pod never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    const log = await h.request('GET', `${CLUSTER_PODS}/talker/log`);
    assert.equal(log.status, 200);
    assert.match(String(log.headers['content-type']), /^text\/plain/);
    assert.equal(log.raw.length, 0, 'a simulated container prints nothing');
    expectStatus(await h.request('GET', `${CLUSTER_PODS}/talker/log?previous=true`), 400, 'BadRequest');
    const followed = h.request('GET', `${CLUSTER_PODS}/talker/log?follow=true`);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await h.request('DELETE', `${CLUSTER_PODS}/talker?gracePeriodSeconds=0`)).status, 200);
    const ended = await followed;
    assert.equal(ended.status, 200, 'the followed log ends with the pod');
  });
});
