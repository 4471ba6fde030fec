/** A claim that names no storage class gets the default one (kube's DefaultStorageClass admission). */
import assert from 'node:assert/strict';
import { startInProcess, type InProcessServer } from '../helpers/in-process.js';

const S = '/clusters/wds1';

describe('DefaultStorageClass admission', function () {
  this.timeout(30_000);
  let h: InProcessServer;
  before(async () => {
    h = await startInProcess({ storage: 'memory' });
  });
  after(async () => h?.stop());

  const claim = (name: string, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra },
  });

  it('fills in the default class, and only when the claim names none', async () => {
    const before = await h.request('POST', `${S}/api/v1/namespaces/default/persistentvolumeclaims`, { body: claim('before') });
    assert.equal(before.status, 201);
    assert.equal(before.body.spec.storageClassName, undefined, 'no default class yet');
    const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' };
    assert.equal((await h.request('POST', `${S}/apis/storage.k8s.io/v1/storageclasses`, { body: sc })).status, 201);
    let got: string | undefined;
    for (let i = 0; i < 50 && got === undefined; i++) {
      const r = await h.request('POST', `${S}/api/v1/namespaces/default/persistentvolumeclaims?dryRun=All`, { body: claim(`probe-${i}`) });
      got = r.body.spec.storageClassName;
      if (got === undefined) await new Promise((ok) => setTimeout(ok, 20));
    }
    assert.equal(got, 'standard');
    const none = await h.request('POST', `${S}/api/v1/namespaces/default/persistentvolumeclaims`, { body: claim('none', { storageClassName: '' }) });
    assert.equal(none.body.spec.storageClassName, '');
  });
});
