import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { charge, enforced, formatQuantity, growth, missingCompute, tracksKind, usageOf } from '../../../src/spaces/resource-quota.js';

const PODS = { group: '', plural: 'pods' };
const quota = (hard: Record<string, string>, status?: { hard: Record<string, string>; used: Record<string, string> }, spec: object = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'q', namespace: 'ns' },
  spec: { hard, ...spec },
  ...(status && { status }),
});
const pod = (containers: object[], extra: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers }, ...extra });

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
    assert.deepEqual([formatQuantity(3), formatQuantity(0.5), formatQuantity(1.5), formatQuantity(2 ** 29, '1Gi'), formatQuantity(0, '1Gi'), formatQuantity(2, '4')], ['3', '500m', '1500m', '512Mi', '0', '2']);
  });

  const counted = quota({ 'count/configmaps': '2', 'requests.cpu': '1' }, { hard: { 'count/configmaps': '2', 'requests.cpu': '1' }, used: { 'count/configmaps': '1', 'requests.cpu': '500m' } });
  it('charges within the hard limits and refuses beyond them, in upstream words', function () {
    const ok = charge(counted, new Map([['count/configmaps', 1], ['configmaps', 1]]));
    assert.deepEqual(ok, { allowed: true, used: { 'count/configmaps': '2', 'requests.cpu': '500m' } });
    const over = charge(counted, new Map([['requests.cpu', 0.75], ['count/configmaps', 2]]));
    assert.deepEqual(over, {
      allowed: false,
      message: 'exceeded quota: q, requested: count/configmaps=2,requests.cpu=750m, used: count/configmaps=1,requests.cpu=500m, limited: count/configmaps=2,requests.cpu=1',
    });
    assert.deepEqual(charge(quota({ pods: '1' }), new Map([['pods', 1]])), { allowed: false, message: 'status unknown for quota: q, resources: pods' });
  });

  it('wants the compute it tracks stated by every container; scoped quotas are not enforced', function () {
    const compute = quota({ 'requests.cpu': '1', 'limits.memory': '1Gi' });
    assert.equal(missingCompute(compute, pod([{ name: 'a', resources: { requests: { cpu: '1' } } }, { name: 'b' }])), 'must specify limits.memory for: a,b; requests.cpu for: b');
    assert.equal(missingCompute(compute, pod([{ name: 'a', resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } }])), undefined);
    assert.equal(missingCompute(quota({ 'count/configmaps': '1' }), pod([{ name: 'a' }])), undefined);
    assert.equal(enforced(quota({ pods: '1' })), true);
    assert.equal(enforced(quota({ pods: '1' }, undefined, { scopes: ['BestEffort'] })), false);
    assert.equal(enforced(quota({ pods: '1' }, undefined, { scopeSelector: { matchExpressions: [] } })), false);
  });
});
