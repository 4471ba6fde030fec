import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { leaseRenewal, microTime, nodeLease, renewedLease } from '../../../src/simulator/model/node-lease.js';
import { missingLabels, nodeIdentity, nodeReport, nodeStatus, registeredNode } from '../../../src/simulator/model/node.js';
import { at, T0 } from './fixtures.js';

const facts = { name: 'c1-control-plane', hostIP: '172.18.0.7', version: 'v1.33.0+kubestellar' };
const REPORT = 300_000;
const withUid = (o: KubeObject, uid: string): KubeObject => ({ ...o, metadata: { ...o.metadata, uid } });

describe('simulated kubelet: node registration', () => {
  it('registers a Ready node with kind labels, pod CIDR, addresses and identity', () => {
    const n = registeredNode(facts, new Date(T0));
    assert.equal(n.metadata.labels?.['kubernetes.io/hostname'], facts.name);
    assert.equal(n.metadata.labels?.['node-role.kubernetes.io/control-plane'], '');
    const s = n['status'] as Record<string, any>;
    assert.deepEqual(s['addresses'], [{ type: 'InternalIP', address: '172.18.0.7' }, { type: 'Hostname', address: facts.name }]);
    assert.deepEqual(s['conditions'].at(-1), { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: at(0), lastTransitionTime: at(0) });
    assert.deepEqual([s['nodeInfo']['kubeletVersion'], s['nodeInfo']['kubeProxyVersion']], [facts.version, facts.version]);
    assert.deepEqual(s['nodeInfo']['machineID'], nodeIdentity(facts.name).machineID);
    assert.match(s['nodeInfo']['systemUUID'], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps its identity per name, and differs between names', () => {
    assert.deepEqual(nodeIdentity('a'), nodeIdentity('a'));
    assert.notEqual(nodeIdentity('a').bootID, nodeIdentity('b').bootID);
  });

  it('keeps transition times across reports and moves heartbeats', () => {
    const first = nodeStatus({}, facts, new Date(T0));
    const later = nodeStatus(first, facts, new Date(T0 + 60_000));
    const ready = (s: Record<string, any>) => s['conditions'].find((c: any) => c['type'] === 'Ready');
    assert.deepEqual([ready(later)['lastTransitionTime'], ready(later)['lastHeartbeatTime']], [at(0), at(60_000)]);
  });

  const node = registeredNode(facts, new Date(T0));
  const cases: [string, KubeObject, number, boolean, number][] = [
    ['an unchanged status waits for the report period', node, T0 + 1000, false, T0 + REPORT],
    ['and is reported again once it has passed', node, T0 + REPORT, true, T0 + 2 * REPORT],
    ['a changed status is reported at once', { ...node, status: { ...(node['status'] as object), addresses: [] } }, T0 + 1000, true, T0 + 1000 + REPORT],
    ['a node without status is reported at once', { ...node, status: {} }, T0, true, T0 + REPORT],
  ];
  for (const [what, n, nowMs, due, recheckAtMs] of cases) {
    it(what, () => assert.deepEqual(nodeReport(n, facts, nowMs, REPORT), { due, recheckAtMs }));
  }

  it('puts back the kubelet labels a user removed, and only those', () => {
    assert.equal(missingLabels(node), undefined);
    const stripped = { ...node, metadata: { ...node.metadata, labels: { 'kubernetes.io/os': 'windows', extra: 'x' } } };
    assert.deepEqual(missingLabels(stripped), {
      extra: 'x',
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': facts.name,
      'kubernetes.io/os': 'linux',
    });
  });
});

describe('simulated kubelet: node lease', () => {
  const RENEW = 10_000;
  const n = withUid(registeredNode(facts, new Date(T0)), 'node-uid');
  const fresh = withUid(nodeLease(facts.name, n, new Date(T0)), 'lease-uid');

  it('makes a lease held by the node, owned by it, with a microsecond renew time', () => {
    assert.deepEqual(fresh.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: facts.name, uid: 'node-uid' }]);
    assert.deepEqual(fresh['spec'], { holderIdentity: facts.name, leaseDurationSeconds: 40, renewTime: '2025-01-01T00:00:00.000000Z' });
    assert.equal(nodeLease(facts.name, undefined, new Date(T0)).metadata.ownerReferences, undefined);
    assert.equal(microTime(new Date(T0 + 1234)), '2025-01-01T00:00:01.234000Z');
  });

  const cases: [string, KubeObject, KubeObject | undefined, number, boolean, number][] = [
    ['a fresh lease waits for the renew period', fresh, n, T0 + 1000, false, T0 + RENEW],
    ['and is renewed a little before it ends', fresh, n, T0 + 9500, true, T0 + 9500 + RENEW],
    ['a lease without its node owner is renewed at once', withUid(nodeLease(facts.name, undefined, new Date(T0)), 'l'), n, T0 + 1, true, T0 + 1 + RENEW],
    ['one owned by a deleted node too', fresh, withUid(n, 'new-node-uid'), T0 + 1, true, T0 + 1 + RENEW],
    ['one held by another', { ...fresh, spec: { ...(fresh['spec'] as object), holderIdentity: 'x' } }, n, T0 + 1, true, T0 + 1 + RENEW],
    ['while the node is away, a fresh lease waits', fresh, undefined, T0 + 1000, false, T0 + RENEW],
  ];
  for (const [what, lease, owner, nowMs, renew, recheckAtMs] of cases) {
    it(what, () => assert.deepEqual(leaseRenewal(lease, facts.name, owner, nowMs, RENEW), { renew, recheckAtMs }));
  }

  it('renews in place, moving the owner to the current node', () => {
    const other = withUid(n, 'new-node-uid');
    const next = renewedLease(fresh, facts.name, other, new Date(T0 + RENEW));
    assert.equal((next['spec'] as Record<string, unknown>)['renewTime'], '2025-01-01T00:00:10.000000Z');
    assert.deepEqual(next.metadata.ownerReferences?.map((r) => r.uid), ['new-node-uid']);
    assert.equal(next.metadata.uid, 'lease-uid');
  });
});
