import assert from 'node:assert/strict';
import type { KubeObject } from '../../../src/api/object.js';
import { boundClaim, claimNamesOf, claimStatus, planClaim, type ClaimFacts, type ClaimPlan } from '../../../src/simulator/model/claims.js';
import { boundVolume, matchVolume, planVolume, provisionedVolume, unboundVolume, type VolumeAction } from '../../../src/simulator/model/volumes.js';

type Obj = Record<string, any>;

const claim = (spec: Obj = {}, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default', uid: 'c-uid', resourceVersion: '7', ...(annotations && { annotations }) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, volumeMode: 'Filesystem', storageClassName: 'standard', ...spec },
  status: { phase: 'Pending' },
});

const pv = (name: string, spec: Obj = {}, phase = 'Available', labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, uid: `${name}-uid`, ...(labels && { labels }) },
  spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' }, volumeMode: 'Filesystem', storageClassName: 'standard', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/x' }, ...spec },
  status: { phase },
});

const sc = (volumeBindingMode: string, provisioner = 'rancher.io/local-path', reclaimPolicy = 'Delete'): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard' },
  provisioner,
  reclaimPolicy,
  volumeBindingMode,
});

const ref = (uid = 'c-uid') => ({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data', uid, apiVersion: 'v1', resourceVersion: '7' });
const summary = (p: ClaimPlan): string => (p.kind === 'bind' || p.kind === 'provision' ? `${p.kind}:${p.volume.metadata.name ?? ''}` : p.kind);

describe('simulated PV controller: claims', () => {
  const wffc = sc('WaitForFirstConsumer');
  const immediate = sc('Immediate');
  const cases: [string, KubeObject, ClaimFacts, string][] = [
    ['a WaitForFirstConsumer claim waits for a consumer', claim(), { volumes: [pv('big')], storageClass: wffc }, 'pending'],
    ['then takes a matching volume', claim(), { volumes: [pv('big')], storageClass: wffc, consumerNode: 'n' }, 'bind:big'],
    ['or has one provisioned when none matches', claim(), { volumes: [], storageClass: wffc, consumerNode: 'n' }, 'provision:pvc-c-uid'],
    ['the selected-node annotation counts as a consumer', claim({}, { 'volume.kubernetes.io/selected-node': 'n' }), { volumes: [], storageClass: wffc }, 'provision:pvc-c-uid'],
    ['an Immediate claim binds at once', claim(), { volumes: [pv('big')], storageClass: immediate }, 'bind:big'],
    ['preferring the smallest volume that fits', claim(), { volumes: [pv('big'), pv('small', { capacity: { storage: '5Gi' } })], storageClass: immediate }, 'bind:small'],
    ['never one too small', claim(), { volumes: [pv('tiny', { capacity: { storage: '1Gi' } })], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['nor one of another class', claim(), { volumes: [pv('other', { storageClassName: 'fast' })], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['nor one lacking an access mode', claim({ accessModes: ['ReadWriteMany'] }), { volumes: [pv('big')], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['nor one of another volume mode', claim({ volumeMode: 'Block' }), { volumes: [pv('big')], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['nor one its selector rejects', claim({ selector: { matchLabels: { tier: 'gold' } } }), { volumes: [pv('big', {}, 'Available', { tier: 'bronze' })], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['but one its selector accepts', claim({ selector: { matchLabels: { tier: 'gold' } } }), { volumes: [pv('big', {}, 'Available', { tier: 'gold' })], storageClass: immediate }, 'bind:big'],
    ['nor one not yet Available', claim(), { volumes: [pv('big', {}, 'Pending')], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['nor one claimed by another', claim(), { volumes: [pv('big', { claimRef: ref('other') })], storageClass: immediate }, 'provision:pvc-c-uid'],
    ['a volume reserved for the claim binds even before a consumer', claim(), { volumes: [pv('big'), pv('mine', { claimRef: { ...ref(), uid: '' } })], storageClass: wffc }, 'bind:mine'],
    ['a volume named by the claim binds', claim({ volumeName: 'big' }), { volumes: [pv('small', { capacity: { storage: '5Gi' } }), pv('big')], storageClass: wffc }, 'bind:big'],
    ['a volume named by the claim but missing leaves it pending', claim({ volumeName: 'nope' }), { volumes: [], storageClass: immediate }, 'pending'],
    ['a missing class leaves it pending', claim(), { volumes: [] }, 'pending'],
    ['the no-provisioner class provisions nothing', claim(), { volumes: [], storageClass: sc('Immediate', 'kubernetes.io/no-provisioner') }, 'pending'],
    ['a claim without a class is provisioned at once', claim({ storageClassName: undefined }), { volumes: [pv('big')] }, 'provision:pvc-c-uid'],
    ['or takes a classless volume', claim({ storageClassName: undefined }), { volumes: [pv('free', { storageClassName: undefined })] }, 'bind:free'],
    ['a bound claim whose volume is gone is Lost', claim({ volumeName: 'gone' }, { 'pv.kubernetes.io/bind-completed': 'yes' }), { volumes: [], storageClass: immediate }, 'lost'],
    ['a bound claim whose volume went to another is Lost', claim({ volumeName: 'big' }, { 'pv.kubernetes.io/bind-completed': 'yes' }), { volumes: [pv('big', { claimRef: ref('other') })], storageClass: immediate }, 'lost'],
    ['a bound claim stays bound', claim({ volumeName: 'big' }, { 'pv.kubernetes.io/bind-completed': 'yes' }), { volumes: [pv('big', { claimRef: ref() }, 'Bound')], storageClass: immediate }, 'bind:big'],
  ];
  for (const [what, c, facts, want] of cases) it(what, () => assert.equal(summary(planClaim(c, facts)), want));

  it('provisions as kind local-path does: claimRef, capacity, reclaim policy, hostPath, node affinity', () => {
    const plan = planClaim(claim(), { volumes: [], storageClass: sc('WaitForFirstConsumer', 'rancher.io/local-path', 'Retain'), consumerNode: 'kind-control-plane' });
    assert.equal(plan.kind, 'provision');
    if (plan.kind !== 'provision') return;
    const v = plan.volume as Obj;
    assert.deepEqual(v['metadata']['annotations'], { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path', 'local.path.provisioner/selected-node': 'kind-control-plane' });
    assert.deepEqual(v['spec']['claimRef'], ref());
    assert.deepEqual([v['spec']['capacity'], v['spec']['accessModes'], v['spec']['persistentVolumeReclaimPolicy'], v['spec']['storageClassName'], v['spec']['volumeMode']], [{ storage: '5Gi' }, ['ReadWriteOnce'], 'Retain', 'standard', 'Filesystem']);
    assert.deepEqual(v['spec']['hostPath'], { path: '/var/local-path-provisioner/pvc-c-uid_default_data', type: 'DirectoryOrCreate' });
    assert.deepEqual(v['spec']['nodeAffinity']['required']['nodeSelectorTerms'][0]['matchExpressions'], [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['kind-control-plane'] }]);
    assert.deepEqual(plan.annotations, {
      'pv.kubernetes.io/bound-by-controller': 'yes',
      'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'volume.beta.kubernetes.io/storage-provisioner': 'rancher.io/local-path',
      'volume.kubernetes.io/selected-node': 'kind-control-plane',
    });
    const immediate = provisionedVolume(claim(), { storageClass: sc('Immediate') }) as Obj;
    assert.deepEqual([immediate['spec']['nodeAffinity'], immediate['spec']['persistentVolumeReclaimPolicy']], [undefined, 'Delete']);
  });

  it('completes a claim with the volume name, the bind annotations and the volume\'s capacity', () => {
    const v = pv('big', { claimRef: ref() }, 'Bound');
    const bound = boundClaim(claim(), v, { 'pv.kubernetes.io/bound-by-controller': 'yes' }) as Obj;
    assert.equal(bound['spec']['volumeName'], 'big');
    assert.deepEqual(bound['metadata']['annotations'], { 'pv.kubernetes.io/bound-by-controller': 'yes', 'pv.kubernetes.io/bind-completed': 'yes' });
    assert.equal(boundClaim(bound as KubeObject, v, {}), undefined);
    assert.deepEqual(claimStatus(bound as KubeObject, v), { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } });
  });

  it('finds the claims a pod uses, its ephemeral volumes\' included', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { volumes: [{ name: 'a', persistentVolumeClaim: { claimName: 'data' } }, { name: 'scratch', ephemeral: {} }, { name: 'c', emptyDir: {} }] } };
    assert.deepEqual(claimNamesOf(pod), ['data', 'p-scratch']);
  });
});

describe('simulated PV controller: volumes', () => {
  const bound = (uid = 'c-uid'): KubeObject => ({ ...claim({ volumeName: 'v' }, { 'pv.kubernetes.io/bind-completed': 'yes' }), metadata: { ...claim().metadata, uid } });
  const cases: [string, KubeObject, KubeObject | undefined, VolumeAction][] = [
    ['a volume without a claimRef is Available', pv('v', {}, 'Pending'), undefined, { kind: 'phase', phase: 'Available' }],
    ['a volume reserved for a claim yet to come is Available', pv('v', { claimRef: { ...ref(), uid: '' } }, 'Pending'), undefined, { kind: 'phase', phase: 'Available' }],
    ['a volume its claim is bound to is Bound', pv('v', { claimRef: ref() }), bound(), { kind: 'phase', phase: 'Bound' }],
    ['a volume whose claim is still binding leaves it to the claim', pv('v', { claimRef: ref() }), claim(), { kind: 'syncClaim' }],
    ['a Retain volume whose claim is gone is Released', pv('v', { claimRef: ref() }, 'Bound'), undefined, { kind: 'phase', phase: 'Released' }],
    ['so is one whose claim was replaced by another of its name', pv('v', { claimRef: ref() }, 'Bound'), bound('new-uid'), { kind: 'phase', phase: 'Released' }],
    ['a Delete volume whose claim is gone is deleted', pv('v', { claimRef: ref(), persistentVolumeReclaimPolicy: 'Delete' }, 'Bound'), undefined, { kind: 'delete' }],
    ['a Recycle volume whose claim is gone is freed', pv('v', { claimRef: ref(), persistentVolumeReclaimPolicy: 'Recycle' }, 'Bound'), undefined, { kind: 'unbind' }],
  ];
  for (const [what, v, c, want] of cases) it(what, () => assert.deepEqual(planVolume(v, c), want));

  it('binds a free volume marking it bound-by-controller, a reserved one without the mark', () => {
    const free = boundVolume(pv('v'), claim()) as Obj;
    assert.deepEqual([free['spec']['claimRef'], free['metadata']['annotations']], [ref(), { 'pv.kubernetes.io/bound-by-controller': 'yes' }]);
    const reserved = boundVolume(pv('v', { claimRef: { ...ref(), uid: '' } }), claim()) as Obj;
    assert.deepEqual([reserved['spec']['claimRef']['uid'], reserved['metadata']['annotations']], ['c-uid', undefined]);
    assert.equal(boundVolume(free as KubeObject, claim()), undefined);
    const freed = unboundVolume(free as KubeObject) as Obj;
    assert.deepEqual([freed['spec']['claimRef'], freed['metadata']['annotations']], [undefined, {}]);
  });

  it('matches only reserved volumes when asked to', () => {
    assert.equal(matchVolume(claim(), [pv('big')], true), undefined);
    assert.equal(matchVolume(claim(), [pv('big')], false)?.metadata.name, 'big');
  });
});
