/**
 * Storage object in-use protection, as kube-apiserver's admission plugin and kube-controller-
 * manager's pvc-/pv-protection controllers: claims and volumes are born with their finalizer; a
 * claim deleted under a scheduled pod stays Terminating until the pod is gone; a volume deleted
 * while Bound stays until it is not; a namespace with claims still finishes deleting.
 */
import assert from 'node:assert/strict';
import { eventually } from '../helpers/eventually.js';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const V1 = '/clusters/wds1/api/v1';

describe('PVC and PV protection', function () {
  this.timeout(60_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const claim = (name: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  });
  const gone = async (path: string): Promise<boolean> => (await h.request('GET', path)).status === 404;

  it('holds a claim while a scheduled pod uses it, then lets it go', async () => {
    assert.equal((await h.request('POST', `${V1}/namespaces`, { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prot' } } })).status, 201);
    const ns = `${V1}/namespaces/prot`;
    const created = await h.request('POST', `${ns}/persistentvolumeclaims`, { body: claim('data') });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    };
    assert.equal((await h.request('POST', `${ns}/pods`, { body: pod })).status, 201);
    const deleting = await h.request('DELETE', `${ns}/persistentvolumeclaims/data`);
    assert.equal(deleting.status, 200);
    assert.ok(deleting.body.metadata.deletionTimestamp, 'marked for deletion');
    await new Promise((r) => setTimeout(r, 300));
    const held = await h.request('GET', `${ns}/persistentvolumeclaims/data`);
    assert.equal(held.status, 200, 'still there while the pod uses it');
    assert.deepEqual(held.body.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal((await h.request('DELETE', `${ns}/pods/user`)).status, 200);
    await eventually('the claim released once the pod is gone', () => gone(`${ns}/persistentvolumeclaims/data`));

    // Unused, a claim goes at once (the controller takes the finalizer off).
    assert.equal((await h.request('POST', `${ns}/persistentvolumeclaims`, { body: claim('idle') })).status, 201);
    assert.equal((await h.request('DELETE', `${ns}/persistentvolumeclaims/idle`)).status, 200);
    await eventually('an unused claim deleted', () => gone(`${ns}/persistentvolumeclaims/idle`));

    // A namespace holding a claim still finishes deleting.
    assert.equal((await h.request('POST', `${ns}/persistentvolumeclaims`, { body: claim('left') })).status, 201);
    assert.equal((await h.request('DELETE', `${V1}/namespaces/prot`)).status, 200);
    await eventually('the namespace deleted', () => gone(`${V1}/namespaces/prot`));
  });

  it('holds a volume while it is Bound', async () => {
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-prot' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/x' } },
    };
    const created = await h.request('POST', `${V1}/persistentvolumes`, { body: pv });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.metadata.finalizers, ['kubernetes.io/pv-protection']);
    const bound = await h.request('PATCH', `${V1}/persistentvolumes/pv-prot/status`, {
      body: { status: { phase: 'Bound' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(bound.status, 200);
    assert.equal((await h.request('DELETE', `${V1}/persistentvolumes/pv-prot`)).status, 200);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await h.request('GET', `${V1}/persistentvolumes/pv-prot`)).status, 200, 'a Bound volume stays');
    const released = await h.request('PATCH', `${V1}/persistentvolumes/pv-prot/status`, {
      body: { status: { phase: 'Released' } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    assert.equal(released.status, 200);
    await eventually('the volume released', () => gone(`${V1}/persistentvolumes/pv-prot`));
  });
});
