import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';
import { mutatingwebhookconfigurations, validatingwebhookconfigurations } from '../../../../src/registry/builtin/admissionregistration.js';
import { certificatesigningrequests } from '../../../../src/registry/builtin/certificates.js';
import { nodes, persistentvolumes } from '../../../../src/registry/builtin/core.js';
import { stampPhaseTransition } from '../../../../src/registry/builtin/core-cluster.js';
import { approvalUpdate, statusUpdate } from '../../../../src/registry/strategy.js';
import { ago, create, row, update, type Causes } from './support.js';

type Body = Record<string, unknown>;

const header = (def: ResourceDefinition): [string, number][] => def.columns.map((c) => [c.name, c.priority]);
const obj = (body: Body, meta: Body = {}): KubeObject => ({ metadata: { name: 'x', creationTimestamp: ago(600), ...meta }, ...body }) as KubeObject;

/** An ECDSA P-256 request for CN=alice, base64 as JSON carries []byte. */
const CSR_PEM_B64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0KTUlISk1ISUNBUUF3RURFT01Bd0dBMVVFQXd3RllXeHBZMlV3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQgpCd05DQUFTVGpkY09JVDYxeERtUzVDYk9zQ0poTjFXUGRwT3pGQ1JyQktTL3VtNDdYeUc0OVJpMW9WNUo2WjBPCnBtQzhjb05CSUFycUJ0ZTZGQjVRSFNWOGVoNHpvQUF3Q2dZSUtvWkl6ajBFQXdJRFJ3QXdSQUlnUXBpRGZnbEQKeEtOVUdOZTBnZVZjd2VZdmNCMHlyS0w1SkJRdGxmRWNsZElDSUhOWDJmZDJ6aG8wL3lHZ0JWQTlERGt4bU0wVwp6Tko2YXlnTkd4ZDQyTmIwCi0tLS0tRU5EIENFUlRJRklDQVRFIFJFUVVFU1QtLS0tLQo=';

const pv = (spec: Body = {}): Body => ({ spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' }, ...spec } });
const csr = (spec: Body = {}): Body => ({ spec: { request: CSR_PEM_B64, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec } });
const webhook = (hook: Body = {}): Body => ({
  webhooks: [{
    name: 'check.example.com',
    clientConfig: { service: { namespace: 'ops', name: 'hook' } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    ...hook,
  }],
});

describe('PersistentVolumes', () => {
  it('default reclaim policy Retain and volume mode Filesystem, and start Pending', () => {
    const { obj: o, errors } = create(persistentvolumes, { ...pv(), status: { phase: 'Bound' } });
    assert.deepEqual(errors, []);
    const spec = o['spec'] as Body;
    assert.equal(spec['persistentVolumeReclaimPolicy'], 'Retain');
    assert.equal(spec['volumeMode'], 'Filesystem');
    assert.equal((o['status'] as Body)['phase'], 'Pending');
    assert.ok(typeof (o['status'] as Body)['lastPhaseTransitionTime'] === 'string');
    const explicit = create(persistentvolumes, pv({ persistentVolumeReclaimPolicy: 'Delete', volumeMode: 'Block' })).obj['spec'] as Body;
    assert.deepEqual([explicit['persistentVolumeReclaimPolicy'], explicit['volumeMode']], ['Delete', 'Block']);
  });

  const invalid: [string, Body, Causes][] = [
    ['no capacity, access modes or source', { spec: {} }, [['FieldValueRequired', 'spec.capacity'], ['FieldValueRequired', 'spec.accessModes'], ['FieldValueRequired', 'spec']]],
    ['capacity without storage', pv({ capacity: { cpu: '1' } }), [['FieldValueNotSupported', 'spec.capacity']]],
    ['unparseable capacity', pv({ capacity: { storage: 'lots' } }), [['FieldValueInvalid', 'spec.capacity[storage]']]],
    ['unknown access mode', pv({ accessModes: ['ReadAll'] }), [['FieldValueNotSupported', 'spec.accessModes']]],
    ['two volume sources', pv({ nfs: { server: 'nfs.local', path: '/x' } }), [['FieldValueForbidden', 'spec.nfs']]],
    ['hostPath without path', pv({ hostPath: {} }), [['FieldValueRequired', 'spec.hostPath.path']]],
    ['unknown reclaim policy and mode', pv({ persistentVolumeReclaimPolicy: 'Keep', volumeMode: 'Raw' }), [['FieldValueNotSupported', 'spec.persistentVolumeReclaimPolicy'], ['FieldValueNotSupported', 'spec.volumeMode']]],
  ];
  for (const [name, body, want] of invalid) {
    it(`rejects ${name}`, () => assert.deepEqual(create(persistentvolumes, body).errors, want));
  }

  it('keeps the volume source and mode fixed, the rest changeable', () => {
    const old = create(persistentvolumes, pv()).obj;
    const spec = old['spec'] as Body;
    assert.deepEqual(update(persistentvolumes, old, { spec: { ...spec, hostPath: { path: '/other' } } }).errors, [['FieldValueForbidden', 'spec.persistentvolumesource']]);
    assert.deepEqual(update(persistentvolumes, old, { spec: { ...spec, volumeMode: 'Block' } }).errors, [['FieldValueInvalid', 'spec.volumeMode']]);
    const grown = update(persistentvolumes, old, { spec: { ...spec, capacity: { storage: '10Gi' }, claimRef: { namespace: 'default', name: 'data' } }, status: { phase: 'Bound' } });
    assert.deepEqual(grown.errors, []);
    assert.equal((grown.obj['status'] as Body)['phase'], 'Pending', 'status comes only through /status');
  });

  describe('lastPhaseTransitionTime on status writes', () => {
    const T0 = '2025-01-01T00:00:00Z';
    const now = new Date('2025-06-01T12:00:00Z');
    const cases: [string, Body, Body, Body][] = [
      ['kept while the phase stays', { phase: 'Available', lastPhaseTransitionTime: T0 }, { phase: 'Available' }, { phase: 'Available', lastPhaseTransitionTime: T0 }],
      ['set to now when the phase changes', { phase: 'Pending', lastPhaseTransitionTime: T0 }, { phase: 'Available' }, { phase: 'Available', lastPhaseTransitionTime: '2025-06-01T12:00:00Z' }],
      ['set to now when the phase changes and the old time is resent', { phase: 'Pending', lastPhaseTransitionTime: T0 }, { phase: 'Bound', lastPhaseTransitionTime: T0 }, { phase: 'Bound', lastPhaseTransitionTime: '2025-06-01T12:00:00Z' }],
      ['the writer\'s own new time wins', { phase: 'Pending', lastPhaseTransitionTime: T0 }, { phase: 'Bound', lastPhaseTransitionTime: '2025-03-03T03:03:03Z' }, { phase: 'Bound', lastPhaseTransitionTime: '2025-03-03T03:03:03Z' }],
      ['absent stays absent while the phase stays', { phase: 'Available' }, { phase: 'Available' }, { phase: 'Available' }],
    ];
    for (const [what, before, sent, want] of cases) {
      it(what, () => {
        const o = obj({ ...pv(), status: sent });
        stampPhaseTransition(o, obj({ ...pv(), status: before }), now);
        assert.deepEqual(o['status'], want);
      });
    }
    it('is the status strategy of PersistentVolumes', () => assert.equal(persistentvolumes.strategy.prepareForStatusUpdate, stampPhaseTransition));
  });

  it('prints kubectl columns', () => {
    assert.deepEqual(header(persistentvolumes), [
      ['Name', 0], ['Capacity', 0], ['Access Modes', 0], ['Reclaim Policy', 0], ['Status', 0], ['Claim', 0], ['StorageClass', 0],
      ['VolumeAttributesClass', 0], ['Reason', 0], ['Age', 0], ['VolumeMode', 1],
    ]);
    const bound = obj({
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'manual', volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    });
    assert.deepEqual(row(persistentvolumes, bound), {
      Name: 'x', Capacity: '5Gi', 'Access Modes': 'RWO,RWX', 'Reclaim Policy': 'Retain', Status: 'Bound', Claim: 'default/data', StorageClass: 'manual',
      VolumeAttributesClass: '<unset>', Reason: '', Age: '10m', VolumeMode: 'Filesystem',
    });
    const gone = row(persistentvolumes, obj({ spec: {}, status: { phase: 'Released' } }, { deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } }));
    assert.deepEqual([gone['Status'], gone['StorageClass'], gone['Capacity'], gone['VolumeMode']], ['Terminating', 'old', '0', '<unset>']);
  });
});

describe('Nodes', () => {
  const ready = { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] };

  it('keep the status they register with, allocatable defaulting to capacity', () => {
    const { obj: o, errors } = create(nodes, { spec: {}, status: { ...ready, capacity: { cpu: '4', memory: '8Gi' } } });
    assert.deepEqual(errors, []);
    assert.deepEqual((o['status'] as Body)['allocatable'], { cpu: '4', memory: '8Gi' });
    assert.equal(o.metadata.generation, undefined);
    const later = update(nodes, o, { spec: { unschedulable: true }, status: {} });
    assert.deepEqual((later.obj['status'] as Body)['conditions'], ready.conditions, 'the main resource keeps status');
  });

  const invalid: [string, Body, Causes][] = [
    ['a bad pod CIDR', { spec: { podCIDRs: ['10.0.0.0'] } }, [['FieldValueInvalid', 'spec.podCIDRs[0]']]],
    ['a taint without effect', { spec: { taints: [{ key: 'dedicated', value: 'gpu' }] } }, [['FieldValueRequired', 'spec.taints[0].effect']]],
    ['an unknown taint effect and bad key', { spec: { taints: [{ key: 'a b', effect: 'Never' }] } }, [['FieldValueInvalid', 'spec.taints[0].key'], ['FieldValueNotSupported', 'spec.taints[0].effect']]],
    ['a duplicate taint', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }, { key: 'k', value: 'v', effect: 'NoSchedule' }] } }, [['FieldValueDuplicate', 'spec.taints[1]']]],
  ];
  for (const [name, body, want] of invalid) {
    it(`rejects ${name}`, () => assert.deepEqual(create(nodes, body).errors, want));
  }

  it('keep podCIDR and podCIDRs in step, as v1 conversion does (the list wins)', () => {
    const single = create(nodes, { spec: { podCIDR: '10.244.1.0/24' } }).obj['spec'] as Body;
    assert.deepEqual([single['podCIDR'], single['podCIDRs']], ['10.244.1.0/24', ['10.244.1.0/24']]);
    const dual = create(nodes, { spec: { podCIDR: '10.9.0.0/24', podCIDRs: ['10.244.1.0/24', 'fd00:10:244::/64'] } }).obj['spec'] as Body;
    assert.deepEqual([dual['podCIDR'], dual['podCIDRs']], ['10.244.1.0/24', ['10.244.1.0/24', 'fd00:10:244::/64']]);
    const none = create(nodes, { spec: {} }).obj['spec'] as Body;
    assert.deepEqual([none['podCIDR'], none['podCIDRs']], [undefined, undefined]);
  });

  it('set podCIDRs and providerID once', () => {
    const old = create(nodes, { spec: { podCIDRs: ['10.244.1.0/24'], providerID: 'kind://docker/kind/n1' } }).obj;
    assert.deepEqual(update(nodes, old, { spec: { podCIDRs: ['10.244.2.0/24'], providerID: 'other' } }).errors, [
      ['FieldValueForbidden', 'spec.podCIDRs'], ['FieldValueForbidden', 'spec.providerID'],
    ]);
    const unset = create(nodes, { spec: {} }).obj;
    assert.deepEqual(update(nodes, unset, { spec: { podCIDRs: ['10.244.2.0/24', 'fd00:10:244::/64'] } }).errors, []);
  });

  it('select on spec.unschedulable', () => {
    assert.deepEqual(nodes.strategy.selectableFields!(obj({ spec: { unschedulable: true } })), { 'spec.unschedulable': 'true' });
    assert.deepEqual(nodes.strategy.selectableFields!(obj({})), { 'spec.unschedulable': 'false' });
  });

  it('print STATUS, ROLES, VERSION and the wide node info', () => {
    assert.deepEqual(header(nodes), [
      ['Name', 0], ['Status', 0], ['Roles', 0], ['Age', 0], ['Version', 0],
      ['Internal-IP', 1], ['External-IP', 1], ['OS-Image', 1], ['Kernel-Version', 1], ['Container-Runtime', 1],
    ]);
    const n = obj(
      {
        spec: { unschedulable: true },
        status: {
          ...ready,
          addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '172.18.0.2' }],
          nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://2.1.1' },
        },
      },
      { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra', 'node-role.kubernetes.io/': 'x' } },
    );
    assert.deepEqual(row(nodes, n), {
      Name: 'x', Status: 'Ready,SchedulingDisabled', Roles: 'control-plane,infra', Age: '10m', Version: 'v1.33.1',
      'Internal-IP': '172.18.0.2', 'External-IP': '<none>', 'OS-Image': 'Debian GNU/Linux 12 (bookworm)', 'Kernel-Version': '6.8.0', 'Container-Runtime': 'containerd://2.1.1',
    });
    const bare = row(nodes, obj({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }));
    assert.deepEqual([bare['Status'], bare['Roles'], bare['Version'], bare['OS-Image']], ['NotReady', '<none>', '', '<unknown>']);
    assert.equal(row(nodes, obj({}))['Status'], 'Unknown');
  });
});

describe('Validating and mutating webhook configurations', () => {
  it('default each webhook as upstream, and track generation', () => {
    const { obj: o, errors } = create(mutatingwebhookconfigurations, webhook());
    assert.deepEqual(errors, []);
    const hook = (o['webhooks'] as Body[])[0]!;
    assert.deepEqual(
      [hook['failurePolicy'], hook['matchPolicy'], hook['namespaceSelector'], hook['objectSelector'], hook['timeoutSeconds'], hook['reinvocationPolicy']],
      ['Fail', 'Equivalent', {}, {}, 10, 'Never'],
    );
    assert.equal(((hook['rules'] as Body[])[0]!)['scope'], '*');
    assert.equal(((hook['clientConfig'] as Body)['service'] as Body)['port'], 443);
    const validating = (create(validatingwebhookconfigurations, webhook()).obj['webhooks'] as Body[])[0]!;
    assert.equal(validating['reinvocationPolicy'], undefined);
    assert.equal(validatingwebhookconfigurations.strategy.tracksGeneration, true);
    assert.deepEqual(create(validatingwebhookconfigurations, {}).errors, []);
  });

  const invalid: [string, Body, Causes][] = [
    ['a short webhook name', webhook({ name: 'check' }), [['FieldValueInvalid', 'webhooks[0].name']]],
    ['no client config', webhook({ clientConfig: {} }), [['FieldValueRequired', 'webhooks[0].clientConfig']]],
    ['an http URL', webhook({ clientConfig: { url: 'http://hook.example.com/x' } }), [['FieldValueInvalid', 'webhooks[0].clientConfig.url']]],
    ['a service without a name', webhook({ clientConfig: { service: { namespace: 'ops' } } }), [['FieldValueRequired', 'webhooks[0].clientConfig.service.name']]],
    ['no side effects or review versions', webhook({ sideEffects: undefined, admissionReviewVersions: [] }), [['FieldValueRequired', 'webhooks[0].sideEffects'], ['FieldValueRequired', 'webhooks[0].admissionReviewVersions']]],
    ['v1beta1 side effects', webhook({ sideEffects: 'Unknown' }), [['FieldValueNotSupported', 'webhooks[0].sideEffects']]],
    ['a rule without operations', webhook({ rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }), [['FieldValueRequired', 'webhooks[0].rules[0].operations']]],
    ['a long timeout', webhook({ timeoutSeconds: 45 }), [['FieldValueInvalid', 'webhooks[0].timeoutSeconds']]],
  ];
  for (const [name, body, want] of invalid) {
    it(`reject ${name}`, () => assert.deepEqual(create(validatingwebhookconfigurations, body).errors, want));
  }

  it('reject duplicate webhook names', () => {
    const hooks = (webhook()['webhooks'] as Body[])[0]!;
    assert.deepEqual(create(mutatingwebhookconfigurations, { webhooks: [hooks, hooks] }).errors, [['FieldValueDuplicate', 'webhooks[1].name']]);
  });

  it('print the webhook count', () => {
    assert.deepEqual(header(validatingwebhookconfigurations), [['Name', 0], ['Webhooks', 0], ['Age', 0]]);
    assert.deepEqual(row(mutatingwebhookconfigurations, obj(webhook())), { Name: 'x', Webhooks: 1, Age: '10m' });
    assert.equal(row(mutatingwebhookconfigurations, obj({}))['Webhooks'], 0);
  });
});

describe('CertificateSigningRequests', () => {
  it('start with an empty status and record the requester', () => {
    const { obj: o, errors } = create(certificatesigningrequests, { ...csr({ username: 'mallory', groups: ['system:masters'] }), status: { certificate: 'Zm9v' } });
    assert.deepEqual(errors, []);
    assert.deepEqual(o['status'], {});
    certificatesigningrequests.strategy.recordRequester!(o, { name: 'alice', uid: 'u-1', groups: ['dev', 'system:authenticated'], extra: {} });
    const spec = o['spec'] as Body;
    assert.deepEqual([spec['username'], spec['uid'], spec['groups'], spec['extra']], ['alice', 'u-1', ['dev', 'system:authenticated'], undefined]);
  });

  const invalid: [string, Body, Causes][] = [
    ['an empty spec', { spec: {} }, [['FieldValueRequired', 'spec.request'], ['FieldValueRequired', 'spec.signerName'], ['FieldValueRequired', 'spec.usages']]],
    ['a request that is not a CSR', csr({ request: Buffer.from('hello').toString('base64') }), [['FieldValueInvalid', 'spec.request']]],
    ['a signer name without a path', csr({ signerName: 'example.com' }), [['FieldValueInvalid', 'spec.signerName']]],
    ['unknown and repeated usages', csr({ usages: ['client auth', 'flying', 'client auth'] }), [['FieldValueNotSupported', 'spec.usages[1]'], ['FieldValueDuplicate', 'spec.usages[2]']]],
    ['a short duration', csr({ expirationSeconds: 60 }), [['FieldValueInvalid', 'spec.expirationSeconds']]],
  ];
  for (const [name, body, want] of invalid) {
    it(`reject ${name}`, () => assert.deepEqual(create(certificatesigningrequests, body).errors, want));
  }

  it('keep spec and status on the main resource', () => {
    const old = create(certificatesigningrequests, csr()).obj;
    const next = update(certificatesigningrequests, old, { ...csr({ signerName: 'example.com/other' }), status: { conditions: [{ type: 'Approved', status: 'True' }] }, metadata: { labels: { a: 'b' } } });
    assert.deepEqual(next.errors, []);
    assert.equal((next.obj['spec'] as Body)['signerName'], 'kubernetes.io/kube-apiserver-client');
    assert.deepEqual(next.obj['status'], {});
    assert.deepEqual(next.obj.metadata.labels, { a: 'b' });
  });

  it('approve through approvalUpdate: conditions only, stamped, final', () => {
    const old = create(certificatesigningrequests, csr()).obj;
    const sent = { ...structuredClone(old), spec: { request: 'changed' }, status: { certificate: 'Zm9v', conditions: [{ type: 'Approved', reason: 'KubectlApprove' }] } } as KubeObject;
    const now = new Date('2025-06-01T12:00:00Z');
    const approved = approvalUpdate(sent, old, now);
    assert.deepEqual(approved['spec'], old['spec']);
    assert.deepEqual(approved['status'], {
      conditions: [{ type: 'Approved', reason: 'KubectlApprove', status: 'True', lastUpdateTime: '2025-06-01T12:00:00Z', lastTransitionTime: '2025-06-01T12:00:00Z' }],
    });
    assert.deepEqual(certificatesigningrequests.strategy.validate(approved), []);
    const both = approvalUpdate({ ...approved, status: { conditions: [...((approved['status'] as Body)['conditions'] as Body[]), { type: 'Denied' }] } } as KubeObject, approved, now);
    assert.deepEqual(certificatesigningrequests.strategy.validate(both).map((e) => [e.type, e.field]), [['FieldValueInvalid', 'status.conditions']]);
    const removed = approvalUpdate({ ...approved, status: {} } as KubeObject, approved, now);
    assert.deepEqual(certificatesigningrequests.strategy.validateUpdate(removed, approved).map((e) => [e.type, e.field]), [['FieldValueForbidden', 'status.conditions']]);
  });

  it('keep approval out of status writes: the stored Approved/Denied conditions stay, written ones are dropped', () => {
    const approved = obj({ ...csr(), status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] } });
    const issued = statusUpdate(
      obj({ ...csr(), status: { certificate: 'Zm9v', conditions: [{ type: 'Denied', status: 'True' }, { type: 'Failed', status: 'True', reason: 'SignerError' }] } }),
      approved,
    );
    certificatesigningrequests.strategy.prepareForStatusUpdate!(issued, approved);
    assert.deepEqual(issued['status'], {
      certificate: 'Zm9v',
      conditions: [
        { type: 'Failed', status: 'True', reason: 'SignerError' },
        { type: 'Approved', status: 'True', reason: 'KubectlApprove' },
      ],
    });
    const cleared = statusUpdate(obj({ ...csr() }), approved);
    certificatesigningrequests.strategy.prepareForStatusUpdate!(cleared, approved);
    assert.deepEqual(cleared['status'], { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] });
  });

  it('select on spec.signerName', () => {
    assert.deepEqual(certificatesigningrequests.strategy.selectableFields!(obj(csr())), { 'spec.signerName': 'kubernetes.io/kube-apiserver-client' });
  });

  it('print SIGNERNAME, REQUESTOR, REQUESTEDDURATION and CONDITION', () => {
    assert.deepEqual(header(certificatesigningrequests), [['Name', 0], ['Age', 0], ['SignerName', 0], ['Requestor', 0], ['RequestedDuration', 0], ['Condition', 0]]);
    const pending = obj(csr({ username: 'alice', expirationSeconds: 86400 }));
    assert.deepEqual(row(certificatesigningrequests, pending), {
      Name: 'x', Age: '10m', SignerName: 'kubernetes.io/kube-apiserver-client', Requestor: 'alice', RequestedDuration: '24h', Condition: 'Pending',
    });
    const issued = obj({ spec: {}, status: { certificate: 'Zm9v', conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] } });
    const r = row(certificatesigningrequests, issued);
    assert.deepEqual([r['SignerName'], r['RequestedDuration'], r['Condition']], ['<none>', '<none>', 'Approved,Failed,Issued']);
    assert.equal(row(certificatesigningrequests, obj({ status: { conditions: [{ type: 'Approved' }, { type: 'Denied' }] } }))['Condition'], 'Denied');
  });
});
