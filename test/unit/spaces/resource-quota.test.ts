import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { formatQuantity } from '../../../src/api/quantity.js';
import { quotaCovers } from '../../../src/spaces/quota-scopes.js';
import { charge, growth, missingCompute, tracksKind, Usage, usageOf } from '../../../src/spaces/resource-quota.js';

const PODS = { group: '', plural: 'pods' };
const quota = (hard: Record<string, string>, status?: { hard: Record<string, string>; used: Record<string, string> }, spec: object = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'q', namespace: 'ns' },
  spec: { hard, ...spec },
  ...(status && { status }),
});
const pod = (containers: object[], extra: object = {}, spec: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...spec }, ...extra });
const usage = (entries: [string, number][]): Usage => {
  const u = new Usage();
  for (const [k, v] of entries) u.add(k, v);
  return u;
};

describe('ResourceQuota', function () {
  it('counts what an object consumes, by count/ name and legacy name', function () {
    assert.deepEqual([...usageOf({ group: '', plural: 'configmaps' }, { metadata: {} } as KubeObject)], [['count/configmaps', 1], ['configmaps', 1]]);
    assert.deepEqual([...usageOf({ group: 'apps', plural: 'deployments' }, { metadata: {} } as KubeObject)], [['count/deployments.apps', 1]]);
    const p = usageOf(PODS, pod([{ name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } } }, { name: 'b', resources: { requests: { cpu: '250m' } } }]));
    assert.equal(p.get('requests.cpu'), 0.5);
    assert.equal(p.get('cpu'), 0.5);
    assert.equal(p.get('limits.memory'), 128 * 2 ** 20);
    assert.equal(p.get('pods'), 1);
    assert.equal(usageOf(PODS, pod([], { status: { phase: 'Succeeded' } })).size, 0, 'a finished pod holds nothing');
    const lb = usageOf({ group: '', plural: 'services' }, { metadata: {}, spec: { type: 'LoadBalancer', ports: [{ port: 80 }, { port: 443 }] } } as KubeObject);
    assert.deepEqual([lb.get('services.loadbalancers'), lb.get('services.nodeports'), lb.get('services')], [1, 2, 1]);
    const pvc = usageOf({ group: '', plural: 'persistentvolumeclaims' }, { metadata: {}, spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } } as KubeObject);
    assert.equal(pvc.get('fast.storageclass.storage.k8s.io/requests.storage'), 2 ** 30);
    assert.ok(tracksKind(PODS, 'requests.cpu') && tracksKind({ group: 'apps', plural: 'deployments' }, 'count/deployments.apps') && !tracksKind(PODS, 'count/configmaps'));
  });

  it('charges an update with what it adds only', function () {
    const SVC = { group: '', plural: 'services' };
    const svc = (type: string) => ({ metadata: {}, spec: { type, ports: [{ port: 80 }] } }) as KubeObject;
    assert.deepEqual([...growth(SVC, svc('LoadBalancer'), svc('ClusterIP'))], [['services.loadbalancers', 1], ['services.nodeports', 1]]);
    assert.deepEqual([...growth(SVC, svc('ClusterIP'), svc('LoadBalancer'))], [], 'a decrease is not charged');
    const PVC = { group: '', plural: 'persistentvolumeclaims' };
    const claim = (storage: string) => ({ metadata: {}, spec: { resources: { requests: { storage } } } }) as KubeObject;
    assert.deepEqual([...growth(PVC, claim('2Gi'), claim('1Gi'))], [['requests.storage', 2 ** 30]]);
  });

  it('formats quantities as kube prints them', function () {
    const cases: [number, 'BinarySI' | 'DecimalSI' | undefined, string][] = [
      [3, undefined, '3'],
      [0.5, undefined, '500m'],
      [1.5, undefined, '1500m'],
      [2 ** 29, 'BinarySI', '512Mi'],
      [0, 'BinarySI', '0'],
      [2 ** 30, 'BinarySI', '1Gi'],
      [1025 * 2 ** 20, 'BinarySI', '1025Mi'],
      [1500, 'BinarySI', '1500'],
      [0.25, 'BinarySI', '250m'],
      [2 ** 30, 'DecimalSI', '1073741824'],
      [2e9, 'DecimalSI', '2G'],
      [1000, 'DecimalSI', '1k'],
      [1_500_000, 'DecimalSI', '1500k'],
      [0.0005, 'DecimalSI', '500u'],
    ];
    for (const [value, format, want] of cases) assert.equal(formatQuantity(value, format), want, `${value} ${format}`);
  });

  it('sums keep the format of what they add up, whatever the limit says', function () {
    const memory = (q: string) => pod([{ name: 'a', resources: { requests: { memory: q } } }]);
    const charged = charge(quota({ 'requests.memory': '2G' }, { hard: { 'requests.memory': '2G' }, used: { 'requests.memory': '512Mi' } }), usageOf(PODS, memory('512Mi')));
    assert.deepEqual(charged, { allowed: true, used: { 'requests.memory': '1Gi' } });
    const fromZero = charge(quota({ 'requests.memory': '2G' }, { hard: { 'requests.memory': '2G' }, used: { 'requests.memory': '0' } }), usageOf(PODS, memory('512Mi')));
    assert.deepEqual(fromZero, { allowed: true, used: { 'requests.memory': '512Mi' } });
    const over = charge(quota({ 'requests.memory': '1G' }, { hard: { 'requests.memory': '1G' }, used: { 'requests.memory': '512Mi' } }), usageOf(PODS, memory('768Mi')));
    assert.deepEqual(over, { allowed: false, message: 'exceeded quota: q, requested: requests.memory=768Mi, used: requests.memory=512Mi, limited: requests.memory=1G' });
  });

  const counted = quota({ 'count/configmaps': '2', 'requests.cpu': '1' }, { hard: { 'count/configmaps': '2', 'requests.cpu': '1' }, used: { 'count/configmaps': '1', 'requests.cpu': '500m' } });
  it('charges within the hard limits and refuses beyond them, in upstream words', function () {
    const ok = charge(counted, usage([['count/configmaps', 1], ['configmaps', 1]]));
    assert.deepEqual(ok, { allowed: true, used: { 'count/configmaps': '2', 'requests.cpu': '500m' } });
    const over = charge(counted, usage([['requests.cpu', 0.75], ['count/configmaps', 2]]));
    assert.deepEqual(over, {
      allowed: false,
      message: 'exceeded quota: q, requested: count/configmaps=2,requests.cpu=750m, used: count/configmaps=1,requests.cpu=500m, limited: count/configmaps=2,requests.cpu=1',
    });
    assert.deepEqual(charge(quota({ pods: '1' }), usage([['pods', 1]])), { allowed: false, message: 'status unknown for quota: q, resources: pods' });
  });

  it('wants the compute it tracks stated by every container', function () {
    const compute = quota({ 'requests.cpu': '1', 'limits.memory': '1Gi' });
    assert.equal(missingCompute(compute, pod([{ name: 'a', resources: { requests: { cpu: '1' } } }, { name: 'b' }])), 'must specify limits.memory for: a,b; requests.cpu for: b');
    assert.equal(missingCompute(compute, pod([{ name: 'a', resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } }])), undefined);
    assert.equal(missingCompute(quota({ 'count/configmaps': '1' }), pod([{ name: 'a' }])), undefined);
  });

  it('covers with a scoped quota only the pods its scopes match', function () {
    const bestEffort = pod([{ name: 'a' }]);
    const burstable = pod([{ name: 'a', resources: { requests: { cpu: '1' } } }]);
    const deadline = pod([{ name: 'a' }], {}, { activeDeadlineSeconds: 30 });
    const critical = pod([{ name: 'a' }], {}, { priorityClassName: 'high' });
    const crossNs = pod([{ name: 'a' }], {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'k', namespaces: ['other'] }] } } });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } as KubeObject;
    const sel = (scopeName: string, operator: string, values?: string[]) => ({ scopeSelector: { matchExpressions: [{ scopeName, operator, ...(values && { values }) }] } });
    const cases: [string, object, KubeObject, boolean][] = [
      ['unscoped, a pod', {}, bestEffort, true],
      ['unscoped, a configmap', {}, cm, true],
      ['BestEffort, best-effort pod', { scopes: ['BestEffort'] }, bestEffort, true],
      ['BestEffort, burstable pod', { scopes: ['BestEffort'] }, burstable, false],
      ['NotBestEffort, burstable pod', { scopes: ['NotBestEffort'] }, burstable, true],
      ['Terminating, with a deadline', { scopes: ['Terminating'] }, deadline, true],
      ['Terminating, without', { scopes: ['Terminating'] }, bestEffort, false],
      ['NotTerminating, without', { scopes: ['NotTerminating'] }, bestEffort, true],
      ['NotTerminating and BestEffort, both hold', { scopes: ['NotTerminating', 'BestEffort'] }, bestEffort, true],
      ['NotTerminating and BestEffort, one fails', { scopes: ['NotTerminating', 'BestEffort'] }, burstable, false],
      ['a scoped quota covers no configmap', { scopes: ['NotTerminating'] }, cm, false],
      ['PriorityClass In', sel('PriorityClass', 'In', ['high']), critical, true],
      ['PriorityClass In, another class', sel('PriorityClass', 'In', ['low']), critical, false],
      ['PriorityClass NotIn, no class', sel('PriorityClass', 'NotIn', ['high']), bestEffort, true],
      ['PriorityClass Exists', sel('PriorityClass', 'Exists'), critical, true],
      ['PriorityClass DoesNotExist', sel('PriorityClass', 'DoesNotExist'), critical, false],
      ['CrossNamespacePodAffinity', sel('CrossNamespacePodAffinity', 'Exists'), crossNs, true],
      ['CrossNamespacePodAffinity, none', sel('CrossNamespacePodAffinity', 'Exists'), bestEffort, false],
    ];
    for (const [what, spec, obj, want] of cases) {
      const def = obj.kind === 'Pod' ? PODS : { group: '', plural: 'configmaps' };
      assert.equal(quotaCovers(spec as Record<string, unknown>, def, obj), want, what);
    }
  });
});
