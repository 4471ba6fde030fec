import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { claimReleasable, podUsesClaim, protectionAdmission, PV_PROTECTION, PVC_PROTECTION, volumeReleasable } from '../../../src/spaces/storage-protection.js';

const pod = (spec: object, phase?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'ns' }, spec, ...(phase && { status: { phase } }) });
const onClaim = (claimName: string) => ({ nodeName: 'n1', containers: [{ name: 'c' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });
const claim = (meta: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns', finalizers: [PVC_PROTECTION], ...meta } });
const DELETING = { deletionTimestamp: '2026-01-01T00:00:00Z' };

describe('storage object in-use protection', () => {
  it('admission adds the finalizer on create, once', () => {
    const obj = { metadata: { name: 'x', finalizers: ['example.com/keep'] } } as KubeObject;
    protectionAdmission(PVC_PROTECTION)('create', obj);
    protectionAdmission(PVC_PROTECTION)('create', obj);
    assert.deepEqual(obj.metadata.finalizers, ['example.com/keep', PVC_PROTECTION]);
    const updated = { metadata: { name: 'x' } } as KubeObject;
    protectionAdmission(PV_PROTECTION)('update', updated);
    assert.equal(updated.metadata.finalizers, undefined, 'updates are left alone');
  });

  it('a claim is in use by a scheduled pod that has not finished', () => {
    const cases: [string, KubeObject, boolean][] = [
      ['scheduled, running', pod(onClaim('data'), 'Running'), true],
      ['scheduled, pending', pod(onClaim('data')), true],
      ['not scheduled', pod({ ...onClaim('data'), nodeName: undefined }), false],
      ['finished', pod(onClaim('data'), 'Succeeded'), false],
      ['failed', pod(onClaim('data'), 'Failed'), false],
      ['another claim', pod(onClaim('other'), 'Running'), false],
      ['generic ephemeral volume web-data', pod({ nodeName: 'n1', volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: {} } }] }), false],
    ];
    for (const [what, p, want] of cases) assert.equal(podUsesClaim(p, 'data'), want, what);
    assert.equal(podUsesClaim(pod({ nodeName: 'n1', volumes: [{ name: 'data', ephemeral: { volumeClaimTemplate: {} } }] }), 'web-data'), true, 'ephemeral claim <pod>-<volume>');
  });

  it('releases a deleting claim no pod uses, and a deleting volume not Bound', () => {
    assert.equal(claimReleasable(claim(DELETING), [pod(onClaim('data'), 'Running')]), false, 'held by a running pod');
    assert.equal(claimReleasable(claim(DELETING), [pod(onClaim('data'), 'Succeeded')]), true);
    assert.equal(claimReleasable(claim(), []), false, 'not being deleted');
    assert.equal(claimReleasable(claim({ ...DELETING, finalizers: ['other'] }), []), false, 'no finalizer to take off');
    const volume = (phase: string, meta: object = DELETING): KubeObject => ({ metadata: { name: 'pv', finalizers: [PV_PROTECTION], ...meta }, status: { phase } }) as KubeObject;
    assert.equal(volumeReleasable(volume('Bound')), false);
    assert.equal(volumeReleasable(volume('Released')), true);
    assert.equal(volumeReleasable(volume('Available', {})), false, 'not being deleted');
  });
});
