import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import {
  daemonFits,
  daemonTolerations,
  evictionFor,
  filterNode,
  lifecycleTaints,
  matchesNodeAffinity,
  placePod,
  podRequests,
  toleratesTaint,
  unschedulableMessage,
  unschedulableStatus,
} from '../../../src/simulator/model/placement.js';
import { at, pod, T0 } from './fixtures.js';

type Obj = Record<string, unknown>;

const node = (spec: Obj = {}, labels: Record<string, string> = {}, allocatable: Obj = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' }, name = 'n1'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
  spec,
  status: { allocatable },
});

const podWith = (name: string, spec: Obj, phase = 'Pending'): KubeObject => {
  const p = pod(name, 'pending');
  return { ...p, spec: { ...(p['spec'] as Obj), ...spec }, status: { phase } };
};

const requesting = (name: string, requests: Obj, extra: Obj = {}): KubeObject =>
  podWith(name, { containers: [{ name: 'main', image: 'nginx', resources: { requests } }], ...extra });

describe('simulated scheduler: taints and tolerations', () => {
  const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const cases: [string, Obj, Obj, boolean][] = [
    ['Equal with the same key, value and effect', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, taint, true],
    ['no operator means Equal', { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, taint, true],
    ['Equal with another value', { key: 'dedicated', operator: 'Equal', value: 'cpu', effect: 'NoSchedule' }, taint, false],
    ['Exists whatever the value', { key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }, taint, true],
    ['Exists with no key tolerates everything', { operator: 'Exists' }, taint, true],
    ['empty effect matches every effect', { key: 'dedicated', operator: 'Exists' }, { ...taint, effect: 'NoExecute' }, true],
    ['another effect does not', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, taint, false],
    ['another key does not', { key: 'other', operator: 'Exists' }, taint, false],
    ['an unknown operator never tolerates', { key: 'dedicated', operator: 'Gt', value: 'gpu' }, taint, false],
    ['Equal to an empty value', { key: 'k', operator: 'Equal', effect: 'NoSchedule' }, { key: 'k', effect: 'NoSchedule' }, true],
  ];
  for (const [what, toleration, t, want] of cases) it(what, () => assert.equal(toleratesTaint(toleration, t), want));
});

describe('simulated scheduler: node affinity and selector', () => {
  const n = node({}, { disk: 'ssd', zone: 'a', cores: '16' });
  const term = (...matchExpressions: Obj[]): Obj => ({ matchExpressions });
  const affine = (...nodeSelectorTerms: Obj[]): KubeObject =>
    podWith('p', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } });
  const cases: [string, KubeObject, boolean][] = [
    ['no constraints', podWith('p', {}), true],
    ['a matching nodeSelector', podWith('p', { nodeSelector: { disk: 'ssd' } }), true],
    ['a nodeSelector naming another value', podWith('p', { nodeSelector: { disk: 'hdd' } }), false],
    ['a nodeSelector naming a missing label', podWith('p', { nodeSelector: { gpu: 'true' } }), false],
    ['In', affine(term({ key: 'zone', operator: 'In', values: ['a', 'b'] })), true],
    ['In, not among the values', affine(term({ key: 'zone', operator: 'In', values: ['b'] })), false],
    ['NotIn', affine(term({ key: 'zone', operator: 'NotIn', values: ['b'] })), true],
    ['NotIn of a missing label holds', affine(term({ key: 'gpu', operator: 'NotIn', values: ['x'] })), true],
    ['Exists', affine(term({ key: 'disk', operator: 'Exists' })), true],
    ['DoesNotExist', affine(term({ key: 'disk', operator: 'DoesNotExist' })), false],
    ['Gt', affine(term({ key: 'cores', operator: 'Gt', values: ['8'] })), true],
    ['Lt', affine(term({ key: 'cores', operator: 'Lt', values: ['8'] })), false],
    ['Gt of a non-integer label', affine(term({ key: 'zone', operator: 'Gt', values: ['1'] })), false],
    ['expressions of a term are ANDed', affine(term({ key: 'disk', operator: 'Exists' }, { key: 'zone', operator: 'In', values: ['b'] })), false],
    ['terms are ORed', affine(term({ key: 'zone', operator: 'In', values: ['b'] }), term({ key: 'disk', operator: 'Exists' })), true],
    ['an empty term matches nothing', affine({}), false],
    ['matchFields metadata.name', affine({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }), true],
    ['matchFields another name', affine({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }), false],
    ['selector and affinity must both match', { ...affine(term({ key: 'disk', operator: 'Exists' })), spec: { ...(affine(term({ key: 'disk', operator: 'Exists' }))['spec'] as Obj), nodeSelector: { zone: 'b' } } }, false],
  ];
  for (const [what, p, want] of cases) it(what, () => assert.equal(matchesNodeAffinity(p, n), want));
});

describe('simulated scheduler: resource requests', () => {
  it('sums containers, counts sidecars, takes the larger init container, adds overhead', () => {
    const p = podWith('p', {
      initContainers: [
        { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
        { name: 'init', resources: { requests: { cpu: '2', memory: '1Gi' } } },
      ],
      containers: [
        { name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
        { name: 'b', resources: { limits: { cpu: '500m' } } },
      ],
      overhead: { cpu: '10m' },
    });
    assert.deepEqual(Object.fromEntries(podRequests(p)), { cpu: 2110, memory: 2 ** 30 });
  });
});

describe('simulated scheduler: filters and the FitError message', () => {
  const N1 = (spec: Obj = {}, labels: Record<string, string> = {}, allocatable?: Obj): KubeObject => node(spec, labels, allocatable);
  const NOT_HELPFUL = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..';
  const NO_VICTIMS = 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod..';
  const cases: [string, KubeObject, KubeObject, KubeObject[], string | undefined][] = [
    ['a plain pod fits', podWith('p', {}), N1(), [], undefined],
    ['a cordoned node', podWith('p', {}), N1({ unschedulable: true }), [], `0/1 nodes are available: 1 node(s) were unschedulable. ${NOT_HELPFUL}`],
    ['a cordoned node, tolerated', podWith('p', { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), N1({ unschedulable: true }), [], undefined],
    ['an untolerated NoSchedule taint', podWith('p', {}), N1({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), [], `0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}. ${NOT_HELPFUL}`],
    ['an untolerated NoExecute taint without value', podWith('p', {}), N1({ taints: [{ key: 'k', effect: 'NoExecute' }] }), [], `0/1 nodes are available: 1 node(s) had untolerated taint {k: }. ${NOT_HELPFUL}`],
    ['PreferNoSchedule only scores', podWith('p', {}), N1({ taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }), [], undefined],
    ['a tolerated taint', podWith('p', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] }), N1({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), [], undefined],
    ['a nodeSelector', podWith('p', { nodeSelector: { disk: 'ssd' } }), N1(), [], `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL}`],
    ['cordon comes before taints', podWith('p', {}), N1({ unschedulable: true, taints: [{ key: 'x', effect: 'NoSchedule' }] }), [], `0/1 nodes are available: 1 node(s) were unschedulable. ${NOT_HELPFUL}`],
    ['too much memory', requesting('p', { memory: '64Gi' }), N1(), [], `0/1 nodes are available: 1 Insufficient memory. ${NO_VICTIMS}`],
    ['too much of both, sorted', requesting('p', { memory: '64Gi', cpu: '9' }), N1(), [], `0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. ${NO_VICTIMS}`],
    ['room taken by another pod', requesting('p', { cpu: '5' }), N1(), [{ ...requesting('q', { cpu: '4' }, { nodeName: 'n1' }), status: { phase: 'Running' } }], `0/1 nodes are available: 1 Insufficient cpu. ${NO_VICTIMS}`],
    ['room freed by a finished pod', requesting('p', { cpu: '5' }), N1(), [{ ...requesting('q', { cpu: '4' }, { nodeName: 'n1' }), status: { phase: 'Succeeded' } }], undefined],
    ['too many pods', podWith('p', {}), N1({}, {}, { cpu: '1', memory: '1Gi', pods: '1' }), [{ ...podWith('q', { nodeName: 'n1' }), status: { phase: 'Running' } }], `0/1 nodes are available: 1 Too many pods. ${NO_VICTIMS}`],
    ['an extended resource the node lacks', requesting('p', { 'example.com/gpu': '1' }), N1(), [], `0/1 nodes are available: 1 Insufficient example.com/gpu. ${NO_VICTIMS}`],
    ['preemptionPolicy Never', requesting('p', { memory: '64Gi' }, { preemptionPolicy: 'Never' }), N1(), [], '0/1 nodes are available: 1 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.'],
  ];
  for (const [what, p, n, others, message] of cases) {
    it(what, () => {
      const placement = placePod(p, [n], others, 'n1');
      assert.deepEqual(placement, message === undefined ? { node: 'n1' } : { message });
    });
  }

  it('counts reasons over nodes and prefers the kubelet node when several fit', () => {
    const nodes = [node({ unschedulable: true }, {}, undefined, 'a'), node({ taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }, {}, undefined, 'b'), node({}, {}, undefined, 'c')];
    assert.deepEqual(placePod(podWith('p', {}), nodes, [], 'c'), { node: 'c' });
    assert.deepEqual(placePod(podWith('p', {}), [...nodes, node({}, {}, undefined, 'd')], [], 'd'), { node: 'd' });
    assert.deepEqual(placePod(podWith('p', { nodeSelector: { x: 'y' } }), nodes, [], 'c'), {
      message: "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {k: v}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
    });
  });

  it('waits while no node is registered', () => assert.deepEqual(placePod(podWith('p', {}), [], [], 'n1'), { waiting: true }));

  it('reports each node by the first filter that rejects it', () => {
    assert.deepEqual(filterNode(requesting('p', { cpu: '100' }, { nodeSelector: { a: 'b' } }), node(), []), { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false });
  });

  it('writes PodScheduled False Unschedulable, the same each time', () => {
    const p = podWith('p', {});
    const s = unschedulableStatus(p, 'why', new Date(T0));
    assert.deepEqual(s, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: at(0), reason: 'Unschedulable', message: 'why' }] });
    const again = { ...p, status: s };
    assert.deepEqual(unschedulableStatus(again, 'why', new Date(T0 + 5000)), s);
    assert.equal(unschedulableMessage(again), 'why');
  });
});

describe('node lifecycle controller: the unschedulable taint', () => {
  const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: at(0) };
  it('adds it to a cordoned node, after the others', () =>
    assert.deepEqual(lifecycleTaints(node({ unschedulable: true, taints: [{ key: 'a', effect: 'NoExecute' }] }), new Date(T0)), [{ key: 'a', effect: 'NoExecute' }, TAINT]));
  it('leaves a cordoned node that has it', () => assert.equal(lifecycleTaints(node({ unschedulable: true, taints: [TAINT] }), new Date(T0 + 1000)), undefined));
  it('removes it on uncordon', () => assert.deepEqual(lifecycleTaints(node({ taints: [{ key: 'a', effect: 'NoSchedule' }, TAINT] }), new Date(T0)), [{ key: 'a', effect: 'NoSchedule' }]));
  it('leaves an untainted schedulable node', () => assert.equal(lifecycleTaints(node(), new Date(T0)), undefined));
});

describe('taint-eviction controller', () => {
  const tainted = node({ taints: [{ key: 'maint', value: 'now', effect: 'NoExecute' }, { key: 'other', effect: 'NoSchedule' }] });
  const cases: [string, Obj[], ReturnType<typeof evictionFor>][] = [
    ['no toleration: evicted now', [], { evict: 'now' }],
    ['tolerated for good', [{ key: 'maint', operator: 'Exists', effect: 'NoExecute' }], undefined],
    ['tolerated for a while', [{ key: 'maint', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists', tolerationSeconds: 60 }], { evict: 'after', seconds: 30 }],
    ['tolerationSeconds 0 is now', [{ key: 'maint', operator: 'Exists', tolerationSeconds: 0 }], { evict: 'now' }],
    ['the default not-ready tolerations do not cover it', [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }], { evict: 'now' }],
  ];
  for (const [what, tolerations, want] of cases) it(what, () => assert.deepEqual(evictionFor(podWith('p', { tolerations, nodeName: 'n1' }, 'Running'), tainted), want));
  it('nothing without NoExecute taints', () => assert.equal(evictionFor(podWith('p', {}), node({ taints: [{ key: 'x', effect: 'NoSchedule' }] })), undefined));
});

describe('DaemonSet pods on the node', () => {
  it('get the daemon tolerations, replacing a same key and effect', () => {
    const t = daemonTolerations({ hostNetwork: true, tolerations: [{ key: 'mine', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
    assert.deepEqual(
      t.map((x) => `${String(x['key'])}:${String(x['effect'] ?? '')}`),
      ['mine:', 'node.kubernetes.io/not-ready:NoExecute', 'node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/disk-pressure:NoSchedule', 'node.kubernetes.io/memory-pressure:NoSchedule', 'node.kubernetes.io/pid-pressure:NoSchedule', 'node.kubernetes.io/unschedulable:NoSchedule', 'node.kubernetes.io/network-unavailable:NoSchedule'],
    );
    assert.equal(t[1]!['tolerationSeconds'], undefined);
  });
  const cases: [string, Obj, KubeObject, boolean][] = [
    ['a plain node', {}, node(), true],
    ['a cordoned one (tolerated)', {}, node({ unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), true],
    ['an untolerated taint', {}, node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), false],
    ['a selector that does not match', { nodeSelector: { disk: 'ssd' } }, node(), false],
  ];
  for (const [what, spec, n, want] of cases) it(`run on ${what}: ${want}`, () => assert.equal(daemonFits(spec, n), want));
});
