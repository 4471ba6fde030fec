import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { cleanObject } from '../../../src/kubestellar/transport/clean.js';
import { wrapManifestWork } from '../../../src/kubestellar/transport/wrap.js';
import { prng } from '../../helpers/prng.js';

const j = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('cleanObject: generic rules (spec §3.3.1)', () => {
  const full: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'ns',
      generateName: 'we',
      uid: '1234',
      resourceVersion: '77',
      generation: 3,
      selfLink: '/apis/apps/v1/namespaces/ns/deployments/web',
      creationTimestamp: '2024-01-01T00:00:00Z',
      deletionTimestamp: '2024-01-02T00:00:00Z',
      deletionGracePeriodSeconds: 0,
      labels: { app: 'web', 'managed-by.kubestellar.io/singletonstatus': 'true' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
        'control.kubestellar.io/expand-templates': 'true',
        keep: 'me',
      },
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }],
      finalizers: ['example.com/f'],
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } } } },
    status: { replicas: 2 },
  };

  it('clears what the WDS assigned, the last-applied annotation and status; keeps the rest', () => {
    const before = j(full);
    const cleaned = cleanObject(full);
    assert.deepEqual(cleaned, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'web',
        namespace: 'ns',
        creationTimestamp: '2024-01-01T00:00:00Z',
        deletionTimestamp: '2024-01-02T00:00:00Z',
        deletionGracePeriodSeconds: 0,
        labels: { app: 'web', 'managed-by.kubestellar.io/singletonstatus': 'true' },
        annotations: { 'control.kubestellar.io/expand-templates': 'true', keep: 'me' },
      },
      spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } } } },
    });
    assert.deepEqual(full, before, 'the input is not modified');
    assert.notEqual(cleaned.spec, full.spec, 'the result shares nothing with the input');
  });

  it('keeps an annotation map that only held last-applied-configuration, empty (as upstream writes it back)', () => {
    const cleaned = cleanObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    assert.deepEqual(cleaned.metadata, { name: 'c', annotations: {} });
  });

  it('adds nothing to a minimal object', () => {
    const o: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    assert.deepEqual(cleanObject(o), o);
  });
});

describe('cleanObject: Service (spec §3.3.2)', () => {
  const svc = (spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's', namespace: 'n', ...(annotations === undefined ? {} : { annotations }) },
    spec,
  });
  const defaulted = {
    ipFamilies: ['IPv4'],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    sessionAffinity: 'None',
  };
  const cases: [string, KubeObject, Record<string, unknown>][] = [
    [
      'drops defaulted fields and allocated cluster IPs; node ports become null',
      svc({
        ...defaulted,
        type: 'NodePort',
        clusterIP: '10.0.0.7',
        clusterIPs: ['10.0.0.7', 'fd00::7'],
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' },
          { name: 'metrics', port: 9090 },
        ],
      }),
      {
        type: 'NodePort',
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 8080, nodePort: null, protocol: 'TCP' },
          { name: 'metrics', port: 9090, nodePort: null },
        ],
      },
    ],
    [
      'a headless Service stays headless',
      svc({ clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 53 }] }),
      { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 53, nodePort: null }] },
    ],
    ['clusterIPs keep only "None" entries', svc({ clusterIPs: ['10.0.0.1', 'None'] }), { clusterIPs: ['None'] }],
    ['an empty clusterIPs list goes', svc({ clusterIPs: [] }), {}],
    ['an empty clusterIP string goes', svc({ clusterIP: '' }), {}],
    [
      'preserve=nodeport keeps node ports',
      svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }, { 'control.kubestellar.io/preserve': 'nodeport' }),
      { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
    ],
    [
      'any other preserve value does not',
      svc({ ports: [{ port: 80, nodePort: 30080 }] }, { 'control.kubestellar.io/preserve': 'NodePort' }),
      { ports: [{ port: 80, nodePort: null }] },
    ],
    ['a Service without ports gets none', svc({ type: 'ClusterIP' }), { type: 'ClusterIP' }],
  ];
  for (const [name, input, wantSpec] of cases) {
    it(name, () => {
      const cleaned = cleanObject(input);
      assert.deepEqual(cleaned['spec'], wantSpec);
      assert.equal(JSON.stringify(cleaned['spec']).includes('"nodePort":null'), JSON.stringify(wantSpec).includes('"nodePort":null'));
    });
  }

  it('only the exact GVK v1/Service is treated as a Service', () => {
    const notCore: KubeObject = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: '10.0.0.1', sessionAffinity: 'None' } };
    assert.deepEqual(cleanObject(notCore)['spec'], { clusterIP: '10.0.0.1', sessionAffinity: 'None' });
  });
});

describe('cleanObject: Job (spec §3.3.2)', () => {
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'pi',
      namespace: 'n',
      labels: { app: 'pi', 'controller-uid': 'abc', 'batch.kubernetes.io/controller-uid': 'abc', 'job-name': 'pi' },
      annotations: { 'batch.kubernetes.io/job-tracking': '', keep: 'x' },
    },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } },
      suspend: false,
      backoffLimit: 4,
      template: {
        metadata: { labels: { 'controller-uid': 'abc', 'batch.kubernetes.io/controller-uid': 'abc', 'job-name': 'pi' } },
        spec: { restartPolicy: 'Never' },
      },
    },
    status: { succeeded: 1 },
  };

  it('drops the controller labels, tracking annotation, selector, suspend and status', () => {
    assert.deepEqual(cleanObject(job), {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'n', labels: { app: 'pi', 'job-name': 'pi' }, annotations: { keep: 'x' } },
      spec: { backoffLimit: 4, template: { metadata: { labels: { 'job-name': 'pi' } }, spec: { restartPolicy: 'Never' } } },
    });
  });

  it('keeps emptied label and annotation maps', () => {
    const cleaned = cleanObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', labels: { 'controller-uid': 'x' }, annotations: { 'batch.kubernetes.io/job-tracking': '' } },
      spec: { template: { metadata: { labels: { 'controller-uid': 'x' } } } },
    });
    assert.deepEqual(cleaned.metadata, { name: 'j', labels: {}, annotations: {} });
    assert.deepEqual(cleaned['spec'], { template: { metadata: { labels: {} } } });
  });

  it('only the exact GVK batch/v1/Job is treated as a Job', () => {
    const other: KubeObject = { apiVersion: 'batch/v1beta1', kind: 'Job', metadata: { name: 'j', labels: { 'controller-uid': 'x' } }, spec: { suspend: true } };
    assert.deepEqual(cleanObject(other), other);
  });
});


describe('clean + wrap on random objects (spec §8.5 item 42)', () => {
  const kinds = [
    { apiVersion: 'v1', kind: 'ConfigMap', group: '', resource: 'configmaps', namespaced: true },
    { apiVersion: 'v1', kind: 'Service', group: '', resource: 'services', namespaced: true },
    { apiVersion: 'batch/v1', kind: 'Job', group: 'batch', resource: 'jobs', namespaced: true },
    { apiVersion: 'apps/v1', kind: 'Deployment', group: 'apps', resource: 'deployments', namespaced: true },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', namespaced: false },
    { apiVersion: 'v1', kind: 'Namespace', group: '', resource: 'namespaces', namespaced: false },
  ];

  it('100 objects: the wrapped manifest equals the cleaned original, createOnly bits preserved', () => {
    const rand = prng(20240607);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const word = (): string => Math.floor(rand() * 1e9).toString(36);
    let createOnlyCount = 0;
    for (let i = 0; i < 100; i++) {
      const k = pick(kinds);
      const labels: Record<string, string> = {};
      for (let n = Math.floor(rand() * 4); n > 0; n--) labels[`l-${word()}`] = word();
      if (rand() < 0.3) labels['controller-uid'] = word();
      const obj: KubeObject = {
        apiVersion: k.apiVersion,
        kind: k.kind,
        metadata: {
          name: `o-${i}-${word()}`,
          ...(k.namespaced ? { namespace: `ns-${word()}` } : {}),
          uid: `uid-${i}`,
          resourceVersion: String(i + 1),
          generation: i,
          labels,
          annotations: rand() < 0.5 ? { 'kubectl.kubernetes.io/last-applied-configuration': '{}', a: word() } : { a: word() },
          managedFields: [{ manager: 'm' }],
          ...(rand() < 0.3 ? { finalizers: ['x/y'], ownerReferences: [{ apiVersion: 'v1', kind: 'K', name: 'n', uid: 'u' }] } : {}),
        },
        spec: { n: i, clusterIP: rand() < 0.5 ? 'None' : '10.1.2.3', ports: [{ port: 80, nodePort: 30000 + i }], selector: { a: 'b' }, suspend: rand() < 0.5 },
        status: { phase: word() },
      };
      const original = j(obj);
      const cleaned = cleanObject(obj);
      const createOnly = rand() < 0.5;
      if (createOnly) createOnlyCount++;
      const work = wrapManifestWork({
        bindingName: 'b',
        bindingGeneration: 1,
        wdsName: 'wds1',
        cluster: 'c1',
        name: 'w',
        object: cleaned,
        createOnly,
        group: k.group,
        resource: k.resource,
      });
      const spec = work['spec'] as { workload: { manifests: unknown[] }; manifestConfigs?: unknown[] };
      assert.deepEqual(obj, original, 'cleaning does not touch the WDS object');
      assert.deepEqual(spec.workload.manifests, [cleanObject(original)]);
      // Properties that hold whatever the kind.
      const m = spec.workload.manifests[0] as KubeObject;
      for (const f of ['uid', 'resourceVersion', 'generation', 'managedFields', 'finalizers', 'ownerReferences']) assert.ok(!(f in m.metadata), f);
      assert.ok(!('status' in m));
      assert.ok(!('kubectl.kubernetes.io/last-applied-configuration' in (m.metadata.annotations ?? {})));
      assert.equal(m.metadata.name, original.metadata.name);
      assert.equal('controller-uid' in (m.metadata.labels ?? {}), k.kind !== 'Job' && 'controller-uid' in labels);
      if (createOnly) {
        assert.deepEqual(spec.manifestConfigs, [
          {
            resourceIdentifier: { group: k.group, resource: k.resource, name: original.metadata.name, namespace: original.metadata.namespace ?? '' },
            updateStrategy: { type: 'CreateOnly' },
          },
        ]);
      } else {
        assert.ok(!('manifestConfigs' in spec));
      }
    }
    assert.ok(createOnlyCount > 20 && createOnlyCount < 80);
  });
});
