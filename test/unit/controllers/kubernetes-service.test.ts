import assert from 'node:assert/strict';
import { endpointsCurrent, kubernetesEndpointSlice, kubernetesEndpoints, kubernetesService } from '../../../src/controllers/kubernetes-service.js';

describe('the kubernetes Service', () => {
  it('is a ClusterIP Service on the first service address, port 443 to the API server port', () => {
    const svc = kubernetesService(6443) as any;
    assert.equal(svc.metadata.namespace, 'default');
    assert.deepEqual(svc.metadata.labels, { component: 'apiserver', provider: 'kubernetes' });
    assert.equal(svc.spec.clusterIP, '10.96.0.1');
    assert.deepEqual(svc.spec.ports, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }]);
  });

  it('has Endpoints and an EndpointSlice at the server address, in its family', () => {
    const ep = kubernetesEndpoints({ ip: '127.0.0.1', port: 6443 }) as any;
    assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }]);
    assert.equal(ep.metadata.labels['endpointslice.kubernetes.io/skip-mirror'], 'true');
    const slice = kubernetesEndpointSlice({ ip: '::1', port: 6443 }) as any;
    assert.equal(slice.addressType, 'IPv6');
    assert.equal(slice.metadata.labels['kubernetes.io/service-name'], 'kubernetes');
  });

  it('rewrites endpoints only when the address moved', () => {
    const a = kubernetesEndpoints({ ip: '127.0.0.1', port: 6443 });
    const stored = { ...a, metadata: { ...a.metadata, resourceVersion: '5', uid: 'u' } };
    assert.equal(endpointsCurrent(stored, a), true);
    assert.equal(endpointsCurrent(stored, kubernetesEndpoints({ ip: '127.0.0.1', port: 7443 })), false);
  });
});
