/**
 * Service cluster IPs and node ports are unique within a space, and an explicitly requested IP
 * that is taken is refused, as a cluster's allocator does.
 */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const SPACE = '/clusters/wds1';

describe('service allocation', function () {
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => {
    await h?.stop();
  });

  const svc = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { ports: [{ port: 80 }], ...spec },
  });

  it('serves the kubernetes Service in default, on 10.96.0.1, with endpoints at the server', async () => {
    let r: Awaited<ReturnType<InProcessServer['request']>> | undefined;
    for (let i = 0; i < 100; i++) {
      r = await h.request('GET', `${SPACE}/api/v1/namespaces/default/endpoints/kubernetes`);
      if (r.status === 200) break;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    assert.equal(r?.status, 200, JSON.stringify(r?.body));
    assert.deepEqual(r!.body.subsets[0].ports, [{ name: 'https', port: h.port, protocol: 'TCP' }]);
    const kubernetes = await h.request('GET', `${SPACE}/api/v1/namespaces/default/services/kubernetes`);
    assert.equal(kubernetes.status, 200);
    assert.equal(kubernetes.body.spec.clusterIP, '10.96.0.1');
    assert.equal(kubernetes.body.spec.ports[0].targetPort, h.port);
    const slice = await h.request('GET', `${SPACE}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes`);
    assert.equal(slice.status, 200);
    const taken = await h.request('POST', `${SPACE}/api/v1/namespaces/default/services`, { body: svc('wants-first', { clusterIP: '10.96.0.1' }) });
    assert.equal(taken.status, 422);
  });

  it('gives every Service of a space its own cluster IP and node ports', async () => {
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const r = await h.request('POST', `${SPACE}/api/v1/namespaces/default/services`, {
        body: svc(`s${i}`, i % 2 === 0 ? { type: 'NodePort' } : {}),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const spec = r.body.spec as { clusterIP: string; ports: { nodePort?: number }[] };
      assert.ok(!ips.has(spec.clusterIP), `duplicate cluster IP ${spec.clusterIP}`);
      ips.add(spec.clusterIP);
      const nodePort = spec.ports[0]!.nodePort;
      if (nodePort !== undefined) {
        assert.ok(!ports.has(nodePort), `duplicate node port ${nodePort}`);
        ports.add(nodePort);
      }
    }
    assert.equal(ips.size, 60);
    assert.equal(ports.size, 30);
  });

  it('refuses a requested cluster IP that another Service holds with 422 Invalid', async () => {
    const first = await h.request('POST', `${SPACE}/api/v1/namespaces/default/services`, { body: svc('fixed-a', { clusterIP: '10.96.7.7' }) });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    // The allocator learns of the first Service through its watch.
    await new Promise((r) => setTimeout(r, 100));
    const second = await h.request('POST', `${SPACE}/api/v1/namespaces/default/services`, { body: svc('fixed-b', { clusterIP: '10.96.7.7' }) });
    assert.equal(second.status, 422, JSON.stringify(second.body));
    assert.equal(second.body.reason, 'Invalid');
    assert.equal(second.body.details.causes[0].field, 'spec.clusterIPs');
  });
});
