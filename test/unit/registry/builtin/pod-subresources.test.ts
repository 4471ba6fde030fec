/**
 * The pure decisions behind the Pod subresources: container choice, kubelet reachability,
 * ephemeral-container, resize and binding writes, eviction against disruption budgets, the
 * proxies' answers, and the podIP/podIPs pairing.
 */
import assert from 'node:assert/strict';
import { StatusError } from '../../../../src/api/errors.js';
import type { KubeObject } from '../../../../src/api/object.js';
import {
  bindPod,
  budgetsFor,
  chargeBudget,
  containerLogRefusal,
  decideEviction,
  ephemeralContainersUpdate,
  kubeletUnreachable,
  pairPodIPs,
  pickContainer,
  podProxyError,
  resizeUpdate,
  serviceProxyError,
  splitSchemeNamePort,
  validateEphemeralContainersUpdate,
  validateResize,
} from '../../../../src/registry/builtin/pod-subresources.js';

const pod = (spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', resourceVersion: '5', labels: { app: 'web' } },
  spec,
  ...extra,
});

const statusOf = (fn: () => unknown): { code: number; reason: string } => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError, String(err));
    return { code: err.code, reason: err.reason };
  }
  assert.fail('expected a StatusError');
};

const running = (p: KubeObject): KubeObject => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });

const pdb = (name: string, status: Record<string, unknown>, selector: unknown = { matchLabels: { app: 'web' } }): KubeObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'ns', generation: 1 },
  spec: { selector },
  status: { observedGeneration: 1, currentHealthy: 2, desiredHealthy: 2, ...status },
});

describe('pod subresource decisions', () => {
  describe('pickContainer', () => {
    const two = pod({ initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }], ephemeralContainers: [{ name: 'dbg' }] });
    it('takes the only container, or the one named (any kind of container)', () => {
      assert.equal(pickContainer(pod({ containers: [{ name: 'only' }] }), ''), 'only');
      assert.equal(pickContainer(two, 'b'), 'b');
      assert.equal(pickContainer(two, 'dbg'), 'dbg');
      assert.equal(pickContainer(two, 'init'), 'init');
    });
    it('is 400 for an unknown name or an ambiguous pod, listing every container', () => {
      assert.deepEqual(statusOf(() => pickContainer(two, 'x')), { code: 400, reason: 'BadRequest' });
      try {
        pickContainer(two, '');
      } catch (err) {
        assert.match((err as Error).message, /choose one of: \[init a b dbg\]$/);
      }
    });
  });

  describe('kubeletUnreachable', () => {
    it('is 404 for a missing node, 500 otherwise', () => {
      assert.equal(kubeletUnreachable('n', undefined).code, 404);
      const bare = kubeletUnreachable('n', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } });
      // A plain error upstream: 500 without a reason, so kubectl prints `Error from server: <message>`.
      assert.equal(bare.code, 500);
      assert.equal(bare.reason, undefined);
      const addressed = kubeletUnreachable('n', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } });
      assert.equal(addressed.code, 500);
      assert.equal(addressed.reason, undefined);
      assert.match(addressed.message, /10\.0\.0\.1:10250/);
    });
  });

  describe('pairPodIPs', () => {
    it('fills the list from the single IP, the single IP from the list, and lets a disagreeing single IP win', () => {
      const a: Record<string, unknown> = { podIP: '10.0.0.1', hostIP: '192.168.1.1' };
      pairPodIPs(a);
      assert.deepEqual(a, { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }], hostIP: '192.168.1.1', hostIPs: [{ ip: '192.168.1.1' }] });
      const b: Record<string, unknown> = { podIPs: [{ ip: '10.0.0.2' }, { ip: 'fd00::2' }] };
      pairPodIPs(b);
      assert.equal(b['podIP'], '10.0.0.2');
      assert.equal((b['podIPs'] as unknown[]).length, 2);
      const c: Record<string, unknown> = { podIP: '10.0.0.3', podIPs: [{ ip: '10.0.0.2' }] };
      pairPodIPs(c);
      assert.deepEqual(c['podIPs'], [{ ip: '10.0.0.3' }]);
      const d: Record<string, unknown> = { phase: 'Pending' };
      pairPodIPs(d);
      assert.deepEqual(d, { phase: 'Pending' });
    });
  });

  describe('ephemeral containers', () => {
    const old = pod({ containers: [{ name: 'main', image: 'nginx' }], ephemeralContainers: [{ name: 'd1', image: 'busybox' }] });
    it('takes only spec.ephemeralContainers from the write', () => {
      const next = ephemeralContainersUpdate(
        pod({ containers: [{ name: 'main', image: 'evil' }], ephemeralContainers: [{ name: 'd1', image: 'busybox' }, { name: 'd2', image: 'alpine' }] }, { metadata: { name: 'p', labels: { x: 'y' } } }),
        old,
      );
      const spec = next['spec'] as { containers: { image: string }[]; ephemeralContainers: { name: string }[] };
      assert.equal(spec.containers[0]!.image, 'nginx');
      assert.deepEqual(spec.ephemeralContainers.map((c) => c.name), ['d1', 'd2']);
      assert.deepEqual(next.metadata.labels, { app: 'web' });
    });
    it('refuses removing or changing an existing one, duplicate names, ports and missing images', () => {
      const kinds = (o: KubeObject) => validateEphemeralContainersUpdate(o, old).map((e) => `${e.type}@${e.field}`);
      assert.deepEqual(kinds(pod({ containers: [{ name: 'main' }], ephemeralContainers: [] })), ['FieldValueForbidden@spec.ephemeralContainers']);
      assert.deepEqual(kinds(pod({ containers: [{ name: 'main' }], ephemeralContainers: [{ name: 'd1', image: 'other' }] })), ['FieldValueForbidden@spec.ephemeralContainers[d1]']);
      const errs = kinds(pod({ containers: [{ name: 'main' }], ephemeralContainers: [{ name: 'd1', image: 'busybox' }, { name: 'main', ports: [{ containerPort: 80 }] }] }));
      assert.deepEqual(errs, ['FieldValueDuplicate@spec.ephemeralContainers[1].name', 'FieldValueRequired@spec.ephemeralContainers[1].image', 'FieldValueForbidden@spec.ephemeralContainers[1].ports']);
    });
  });

  describe('resize', () => {
    const old = pod({ containers: [{ name: 'main', image: 'nginx', resources: { requests: { cpu: '1' }, limits: { cpu: '2' } } }] }, { status: { qosClass: 'Burstable' } });
    it('takes only resources', () => {
      const next = resizeUpdate(pod({ containers: [{ name: 'main', image: 'evil', resources: { requests: { cpu: '2' }, limits: { cpu: '2' } } }] }), old);
      const c = (next['spec'] as { containers: Record<string, unknown>[] }).containers[0]!;
      assert.equal(c['image'], 'nginx');
      assert.deepEqual(c['resources'], { requests: { cpu: '2' }, limits: { cpu: '2' } });
    });
    it('refuses a QoS change, other resources, and changed containers', () => {
      // cpu request = limit without memory stays Burstable; dropping every resource makes it BestEffort.
      assert.deepEqual(validateResize(pod({ containers: [{ name: 'main', resources: { requests: { cpu: '2' }, limits: { cpu: '2' } } }] }), old), []);
      assert.equal(validateResize(pod({ containers: [{ name: 'main', resources: {} }] }), old)[0]?.type, 'FieldValueInvalid');
      assert.equal(validateResize(pod({ containers: [{ name: 'main', resources: { requests: { cpu: '1', 'nvidia.com/gpu': '1' }, limits: { cpu: '2' } } }] }), old)[0]?.type, 'FieldValueForbidden');
      assert.equal(validateResize(pod({ containers: [{ name: 'other' }] }), old)[0]?.type, 'FieldValueForbidden');
    });
  });

  describe('bindPod', () => {
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', annotations: { a: 'b' } }, target: { kind: 'Node', name: 'n1' } };
    it('sets the node, the annotations and PodScheduled', () => {
      const next = bindPod(pod({ containers: [{ name: 'main' }] }, { status: { phase: 'Pending' } }), binding as KubeObject);
      assert.equal((next['spec'] as { nodeName: string }).nodeName, 'n1');
      assert.equal(next.metadata.annotations?.['a'], 'b');
      assert.equal((next['status'] as { conditions: { type: string; status: string }[] }).conditions[0]?.status, 'True');
    });
    it('is 409 for a bound pod, a gated pod, or another incarnation', () => {
      assert.equal(statusOf(() => bindPod(pod({ nodeName: 'n0' }), binding as KubeObject)).code, 409);
      assert.equal(statusOf(() => bindPod(pod({ schedulingGates: [{ name: 'g' }] }), binding as KubeObject)).code, 409);
      assert.equal(statusOf(() => bindPod(pod({}), { ...binding, metadata: { name: 'p', uid: 'other' } } as KubeObject)).code, 409);
    });
  });

  describe('eviction', () => {
    const p = running(pod({ containers: [{ name: 'main' }] }));
    it('needs no budget for pending, terminal or uncovered pods', () => {
      assert.equal(decideEviction(pod({}, { status: { phase: 'Pending' } }), [pdb('b', { disruptionsAllowed: 0 })]).charge, undefined);
      assert.equal(decideEviction(p, []).charge, undefined);
      assert.equal(decideEviction(p, [pdb('other', { disruptionsAllowed: 0 }, { matchLabels: { app: 'db' } })]).charge, undefined);
    });
    it('an empty selector covers nothing', () => {
      assert.deepEqual(budgetsFor(p, [pdb('all', {}, {})]), []);
    });
    it('is 429 when no disruption is allowed or the budget is not observed yet', () => {
      assert.deepEqual(statusOf(() => decideEviction(p, [pdb('b', { disruptionsAllowed: 0 })])), { code: 429, reason: 'TooManyRequests' });
      assert.deepEqual(statusOf(() => decideEviction(p, [pdb('b', { disruptionsAllowed: 1, observedGeneration: 0 })])), { code: 429, reason: 'TooManyRequests' });
    });
    it('is 500 for a pod covered by two budgets', () => {
      assert.equal(statusOf(() => decideEviction(p, [pdb('a', { disruptionsAllowed: 1 }), pdb('b', { disruptionsAllowed: 1 })])).code, 500);
    });
    it('lets an unready pod go when the budget is healthy or says AlwaysAllow', () => {
      const unready = { ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] } };
      assert.equal(decideEviction(unready, [pdb('b', { disruptionsAllowed: 0 })]).charge, undefined);
      const unhealthy = pdb('b', { disruptionsAllowed: 0, currentHealthy: 1 });
      assert.equal(statusOf(() => decideEviction(unready, [unhealthy])).code, 429);
      (unhealthy['spec'] as Record<string, unknown>)['unhealthyPodEvictionPolicy'] = 'AlwaysAllow';
      assert.equal(decideEviction(unready, [unhealthy]).charge, undefined);
    });
    it('charges one disruption and records the pod', () => {
      const decision = decideEviction(p, [pdb('b', { disruptionsAllowed: 2 })]);
      assert.ok(decision.charge);
      const charged = chargeBudget(decision.charge, 'p', new Date('2025-01-01T00:00:00Z'));
      assert.deepEqual((charged['status'] as Record<string, unknown>)['disruptedPods'], { p: '2025-01-01T00:00:00Z' });
      assert.equal((charged['status'] as Record<string, unknown>)['disruptionsAllowed'], 1);
    });
  });

  describe('proxies', () => {
    it('splits scheme:name:port', () => {
      assert.deepEqual(splitSchemeNamePort('web'), { scheme: '', name: 'web', port: '' });
      assert.deepEqual(splitSchemeNamePort('web:http'), { scheme: '', name: 'web', port: 'http' });
      assert.deepEqual(splitSchemeNamePort('https:web:443'), { scheme: 'https', name: 'web', port: '443' });
      assert.equal(splitSchemeNamePort('a:b:c:d'), undefined);
    });
    it('answers services with 503 and pods without an address with 400', () => {
      const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80 }] } };
      assert.equal(serviceProxyError('web', svc, '', []).code, 503);
      assert.equal(serviceProxyError('web:nope', svc, 'nope', ['10.0.0.1']).reason, 'ServiceUnavailable');
      assert.equal(podProxyError(pod({})).code, 400);
      assert.equal(podProxyError(pod({}, { status: { podIP: '10.0.0.4' } })).code, 503);
    });
  });
});

describe("a kubelet's answer to a log request", () => {
  const pod = (status: object): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] }, status });
  const cs = (state: object, lastState: object = {}) => ({ containerStatuses: [{ name: 'c', containerID: 'containerd://1', state, lastState }] });
  const cases: [string, object, boolean, string | undefined][] = [
    ['running', cs({ running: {} }), false, undefined],
    ['no status yet', {}, false, 'container "c" in pod "p" is waiting to start: ContainerCreating'],
    ['waiting', cs({ waiting: { reason: 'PodInitializing' } }), false, 'container "c" in pod "p" is waiting to start: PodInitializing'],
    ['image pull', cs({ waiting: { reason: 'ErrImagePull' } }), false, 'container "c" in pod "p" is waiting to start: image can\'t be pulled'],
    ['pull back-off', cs({ waiting: { reason: 'ImagePullBackOff' } }), false, 'container "c" in pod "p" is waiting to start: trying and failing to pull image'],
    ['terminated', cs({ terminated: { containerID: 'containerd://1', exitCode: 0 } }), false, undefined],
    ['crash loop, last run kept', cs({ waiting: { reason: 'CrashLoopBackOff' } }, { terminated: { containerID: 'containerd://0' } }), false, undefined],
    ['previous, none', cs({ running: {} }), true, 'previous terminated container "c" in pod "p" not found'],
    ['previous, one', cs({ running: {} }, { terminated: { containerID: 'containerd://0' } }), true, undefined],
  ];
  for (const [what, status, previous, want] of cases) {
    it(what, () => assert.equal(containerLogRefusal(pod(status), 'c', previous), want));
  }
});
