import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { planSlices, desiredSliceContents, MAX_ENDPOINTS_PER_SLICE } from '../../../src/simulator/model/endpoint-slices.js';
import { desiredEndpoints, endpointsOf, managesEndpoints, resolveTargetPort } from '../../../src/simulator/model/endpoints.js';
import { at, pod, type PodState } from './fixtures.js';

function service(spec: Record<string, unknown> = {}, meta: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', creationTimestamp: at(0), labels: { tier: 'front' }, ...meta },
    spec: { clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
  };
}

/** A pod of the service, with an address and a named container port. */
function backend(name: string, state: PodState, ip: string, labels: Record<string, string> = { app: 'web' }): KubeObject {
  const p = pod(name, state, { labels }, 1000);
  return {
    ...p,
    spec: { nodeName: 'n1', containers: [{ name: 'main', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { ...(p['status'] as object), podIP: ip },
  };
}

const names = (eps: { pod: KubeObject }[]): string[] => eps.map((e) => e.pod.metadata.name ?? '');

describe('endpoints controller: which services and pods', () => {
  const cases: [string, KubeObject, boolean][] = [
    ['a service with a selector', service(), true],
    ['not one without', service({ selector: undefined }), false],
    ['nor an empty selector', service({ selector: {} }), false],
    ['nor ExternalName', service({ type: 'ExternalName', externalName: 'x.example' }), false],
    ["nor the apiserver's own", service({}, { name: 'kubernetes' }), false],
  ];
  for (const [what, svc, want] of cases) it(what, () => assert.equal(managesEndpoints(svc), want));

  it('resolves target ports by number and by container port name', () => {
    const p = backend('a', 'ready', '10.244.0.5');
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 8081 }), 8081);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'http' }), 8080);
    assert.equal(resolveTargetPort(p, { port: 80, targetPort: 'http', protocol: 'UDP' }), undefined);
    assert.equal(resolveTargetPort(p, { port: 80 }), 80);
  });

  it('takes selected pods with addresses, not finished ones, terminating ones only for slices', () => {
    const pods = [
      backend('b', 'ready', '10.244.0.6'),
      backend('a', 'notready', '10.244.0.5'),
      backend('other', 'ready', '10.244.0.7', { app: 'db' }),
      backend('done', 'succeeded', '10.244.0.8'),
      backend('going', 'deleting', '10.244.0.9'),
      { ...backend('new', 'pending', ''), status: { phase: 'Pending' } },
    ];
    assert.deepEqual(names(endpointsOf(service(), pods, false)), ['a', 'b']);
    const withTerminating = endpointsOf(service(), pods, true);
    assert.deepEqual(names(withTerminating), ['a', 'b', 'going']);
    const going = withTerminating[2]!;
    assert.deepEqual([going.ready, going.serving, going.terminating], [false, false, true]);
    const published = endpointsOf(service({ publishNotReadyAddresses: true }), pods, false);
    assert.deepEqual(published.map((e) => e.ready), [true, true, true]);
  });
});

describe('endpoints controller: the Endpoints object', () => {
  const pods = [backend('a', 'ready', '10.244.0.5'), backend('b', 'notready', '10.244.0.6')];

  it('lists ready and not-ready addresses with resolved ports, labels and trigger time', () => {
    const ep = desiredEndpoints(service(), pods, undefined)!;
    assert.deepEqual(ep.metadata, {
      name: 'web',
      namespace: 'default',
      labels: { tier: 'front', 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' },
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': at(1000) },
    });
    const ref = (n: string) => ({ kind: 'Pod', namespace: 'default', name: n, uid: `${n}-uid` });
    assert.deepEqual(ep['subsets'], [
      {
        addresses: [{ ip: '10.244.0.5', nodeName: 'n1', targetRef: ref('a') }],
        notReadyAddresses: [{ ip: '10.244.0.6', nodeName: 'n1', targetRef: ref('b') }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('writes nothing when subsets and labels hold', () => {
    const ep = desiredEndpoints(service(), pods, undefined)!;
    assert.equal(desiredEndpoints(service(), pods, { ...ep, metadata: { ...ep.metadata, uid: 'e' } }), undefined);
    assert.notEqual(desiredEndpoints(service({}, { labels: { tier: 'back' } }), pods, ep), undefined);
    assert.notEqual(desiredEndpoints(service(), pods.slice(0, 1), ep), undefined);
  });

  it('labels a headless service, and lists addresses without ports when it has none', () => {
    const ep = desiredEndpoints(service({ clusterIP: 'None', ports: [] }), pods, undefined)!;
    assert.equal(ep.metadata.labels?.['service.kubernetes.io/headless'], '');
    assert.deepEqual((ep['subsets'] as any[]).map((s) => [s['addresses']?.length, s['ports']]), [[1, undefined]]);
  });

  it('has no subsets when nothing is selected', () => {
    assert.equal(desiredEndpoints(service(), [], undefined)!['subsets'], undefined);
  });
});

describe('endpointslice controller', () => {
  const pods = [backend('a', 'ready', '10.244.0.5'), backend('b', 'notready', '10.244.0.6')];
  const stored = (o: KubeObject, name: string): KubeObject => ({ ...o, metadata: { ...o.metadata, name, uid: `${name}-uid` } });

  it('creates one owned slice with every endpoint and its conditions', () => {
    const plan = planSlices(service(), pods, []);
    assert.deepEqual([plan.create.length, plan.update.length, plan.remove.length], [1, 0, 0]);
    const s = plan.create[0]!;
    assert.equal(s.metadata.generateName, 'web-');
    assert.deepEqual(s.metadata.labels, { tier: 'front', 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(s['addressType'], 'IPv4');
    assert.deepEqual(s['ports'], [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(s['endpoints'], [
      { addresses: ['10.244.0.5'], conditions: { ready: true, serving: true, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'a-uid' }, nodeName: 'n1' },
      { addresses: ['10.244.0.6'], conditions: { ready: false, serving: false, terminating: false }, targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'b-uid' }, nodeName: 'n1' },
    ]);
  });

  it('leaves a slice that is right alone, updates one that is not, removes what is extra', () => {
    const right = stored(planSlices(service(), pods, []).create[0]!, 'web-abcde');
    assert.deepEqual(planSlices(service(), pods, [right]), { create: [], update: [], remove: [] });
    const fewer = planSlices(service(), pods.slice(0, 1), [right]);
    assert.deepEqual([fewer.create.length, fewer.update.map((s) => s.metadata.name), fewer.remove.length], [0, ['web-abcde'], 0]);
    const extra = stored(right, 'web-fghij');
    assert.deepEqual(planSlices(service(), pods, [right, extra]).remove.map((s) => s.metadata.name), ['web-fghij']);
  });

  it("ignores slices someone else manages", () => {
    const theirs = stored({ ...planSlices(service(), pods, []).create[0]!, metadata: { labels: { 'endpointslice.kubernetes.io/managed-by': 'me' } } }, 'mine');
    const plan = planSlices(service(), pods, [theirs]);
    assert.deepEqual([plan.create.length, plan.remove.length], [1, 0]);
  });

  it('keeps an empty placeholder when nothing is selected', () => {
    const plan = planSlices(service(), [], []);
    assert.deepEqual([plan.create[0]!['endpoints'], plan.create[0]!['ports']], [null, null]);
    const placeholder = stored({ ...plan.create[0]!, endpoints: undefined, ports: undefined }, 'web-empty');
    assert.deepEqual(planSlices(service(), [], [placeholder]), { create: [], update: [], remove: [] });
  });

  it(`splits at ${MAX_ENDPOINTS_PER_SLICE} endpoints and by port set`, () => {
    const many = Array.from({ length: 150 }, (_, i) => backend(`p${i}`, 'ready', `10.244.1.${i}`));
    assert.deepEqual(desiredSliceContents(endpointsOf(service(), many, true)).map((c) => c.endpoints?.length), [100, 50]);
    const unnamed = { ...backend('odd', 'ready', '10.244.2.1'), spec: { containers: [{ name: 'main', image: 'x', ports: [{ name: 'web', containerPort: 81 }] }] } };
    const svc = service({ ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'web', port: 81, targetPort: 'web' }] });
    const contents = desiredSliceContents(endpointsOf(svc, [pods[0]!, unnamed], true));
    assert.deepEqual(contents.map((c) => c.ports?.map((p) => p['name'])), [['http'], ['web']]);
  });
});
