import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../src/api/object.js';
import { isWorkloadResource } from '../../../../src/kubestellar/binding/exclusions.js';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';
import { validatingadmissionpolicies, validatingadmissionpolicybindings } from '../../../../src/registry/builtin/admissionregistration.js';
import { apiservices } from '../../../../src/registry/builtin/apiregistration.js';
import { podtemplates } from '../../../../src/registry/builtin/core.js';
import { flowschemas, prioritylevelconfigurations } from '../../../../src/registry/builtin/flowcontrol.js';
import { builtinResources } from '../../../../src/registry/builtin/index.js';
import { runtimeclasses } from '../../../../src/registry/builtin/node.js';
import { csidrivers, csinodes, volumeattachments } from '../../../../src/registry/builtin/storage.js';
import { ago, create, row, update, type Causes } from './support.js';

type Body = Record<string, unknown>;

const header = (def: ResourceDefinition): [string, string, number][] => def.columns.map((c) => [c.name, c.type, c.priority]);
const obj = (body: Body, meta: Body = {}): KubeObject => ({ metadata: { name: 'x', creationTimestamp: ago(600), ...meta }, ...body }) as KubeObject;
const spec = (o: KubeObject): Body => o['spec'] as Body;

function rejects(def: ResourceDefinition, cases: [string, Body, Causes][], name = 'x'): void {
  for (const [what, body, want] of cases) {
    it(`rejects ${what}`, () => assert.deepEqual(create(def, body, name).errors, want));
  }
}

describe('PodTemplates', () => {
  const template = (extra: Body = {}): Body => ({
    template: { metadata: { labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }], ...extra } },
  });

  it('default the pod spec, track generation, and print NAME CONTAINERS IMAGES POD LABELS (no AGE)', () => {
    const { obj: o, errors } = create(podtemplates, template());
    assert.deepEqual(errors, []);
    const podSpec = (o['template'] as Body)['spec'] as Body;
    assert.deepEqual([podSpec['restartPolicy'], podSpec['dnsPolicy'], podSpec['schedulerName']], ['Always', 'ClusterFirst', 'default-scheduler']);
    assert.equal(podtemplates.strategy.tracksGeneration, true);
    assert.deepEqual(header(podtemplates), [['Name', 'string', 0], ['Containers', 'string', 0], ['Images', 'string', 0], ['Pod Labels', 'string', 0]]);
    assert.deepEqual(row(podtemplates, o), { Name: 'x', Containers: 'web,log', Images: 'nginx:1.27,busybox', 'Pod Labels': 'app=web,tier=fe' });
    assert.deepEqual(row(podtemplates, obj({})), { Name: 'x', Containers: '', Images: '', 'Pod Labels': '<none>' });
  });

  it('accept any restart policy (the template is not a workload\'s)', () => {
    assert.deepEqual(create(podtemplates, template({ restartPolicy: 'Never' })).errors, []);
  });

  rejects(podtemplates, [
    ['a template without containers', { template: { spec: {} } }, [['FieldValueRequired', 'template.spec.containers']]],
    ['a missing template', {}, [['FieldValueRequired', 'template.spec.containers']]],
    ['a container without an image and bad labels', { template: { metadata: { labels: { 'a b': 'c' } }, spec: { containers: [{ name: 'c' }] } } }, [
      ['FieldValueInvalid', 'template.labels'], ['FieldValueRequired', 'template.spec.containers[0].image'],
    ]],
  ]);
});

describe('APIServices (stored only, never proxied)', () => {
  // What metrics-server's chart ships.
  const metrics = (s: Body = {}): Body => ({
    spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { name: 'metrics-server', namespace: 'kube-system' }, ...s },
  });

  it('default the service port to 443 and start with an empty status', () => {
    const { obj: o, errors } = create(apiservices, { ...metrics(), status: { conditions: [{ type: 'Available', status: 'True' }] } }, 'v1beta1.metrics.k8s.io');
    assert.deepEqual(errors, []);
    assert.equal((spec(o)['service'] as Body)['port'], 443);
    assert.deepEqual(o['status'], {});
    assert.equal(o.metadata.generation, undefined);
    assert.equal(apiservices.strategy.tracksGeneration, false);
  });

  it('mark a local APIService Available', () => {
    const { obj: o, errors } = create(apiservices, { spec: { group: 'example.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15 } }, 'v1.example.io');
    assert.deepEqual(errors, []);
    const [cond] = (o['status'] as Body)['conditions'] as Body[];
    assert.deepEqual([cond!['type'], cond!['status'], cond!['reason']], ['Available', 'True', 'Local']);
    assert.equal(row(apiservices, o)['Service'], 'Local');
    assert.equal(row(apiservices, o)['Available'], 'True');
  });

  rejects(apiservices, [
    ['priorities out of range', metrics({ groupPriorityMinimum: 0, versionPriority: 1001 }), [['FieldValueInvalid', 'spec.groupPriorityMinimum'], ['FieldValueInvalid', 'spec.versionPriority']]],
    ['a service without name and namespace', metrics({ service: {} }), [['FieldValueRequired', 'spec.service.namespace'], ['FieldValueRequired', 'spec.service.name']]],
    ['a caBundle beside insecureSkipTLSVerify', metrics({ caBundle: 'Zm9v' }), [['FieldValueInvalid', 'spec.insecureSkipTLSVerify']]],
  ], 'v1beta1.metrics.k8s.io');
  rejects(apiservices, [['a name that is not spec.version.spec.group', metrics(), [['FieldValueInvalid', 'metadata.name']]]], 'v1.metrics.k8s.io');
  rejects(apiservices, [['a name without a group', metrics(), [['FieldValueInvalid', 'metadata.name'], ['FieldValueInvalid', 'metadata.name']]]], 'metrics');

  it('print NAME SERVICE AVAILABLE AGE', () => {
    assert.deepEqual(header(apiservices).map(([n]) => n), ['Name', 'Service', 'Available', 'Age']);
    const failing = obj({ ...metrics(), status: { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck' }] } });
    assert.deepEqual(row(apiservices, failing), { Name: 'x', Service: 'kube-system/metrics-server', Available: 'False (FailedDiscoveryCheck)', Age: '10m' });
    assert.equal(row(apiservices, obj(metrics()))['Available'], 'Unknown');
  });
});

describe('RuntimeClasses', () => {
  it('print the handler; the handler is required, a DNS label, and immutable', () => {
    const { obj: o, errors } = create(runtimeclasses, { handler: 'runc' });
    assert.deepEqual(errors, []);
    assert.deepEqual(row(runtimeclasses, o), { Name: 'x', Handler: 'runc', Age: row(runtimeclasses, o)['Age'] });
    assert.deepEqual(header(runtimeclasses).map(([n]) => n), ['Name', 'Handler', 'Age']);
    assert.deepEqual(create(runtimeclasses, {}).errors, [['FieldValueRequired', 'handler']]);
    assert.deepEqual(create(runtimeclasses, { handler: 'Kata_VM' }).errors.map(([t, f]) => `${t} ${f}`), ['FieldValueInvalid handler']);
    assert.deepEqual(update(runtimeclasses, o, { handler: 'kata' }).errors, [['FieldValueInvalid', 'handler']]);
    assert.deepEqual(update(runtimeclasses, o, { handler: 'runc', overhead: { podFixed: { cpu: '250m' } } }).errors, []);
  });

  rejects(runtimeclasses, [
    ['bad overhead and toleration effect', { handler: 'h', overhead: { podFixed: { cpu: 'lots' } }, scheduling: { tolerations: [{ key: 'k', operator: 'Exists', effect: 'Sometimes' }] } }, [
      ['FieldValueInvalid', 'overhead.podFixed[cpu]'], ['FieldValueNotSupported', 'scheduling.tolerations[0].effect'],
    ]],
  ]);
});

describe('CSIDrivers', () => {
  it('default as upstream and print every column', () => {
    const { obj: o, errors } = create(csidrivers, { spec: {} }, 'ebs.csi.aws.com');
    assert.deepEqual(errors, []);
    assert.deepEqual(spec(o), {
      attachRequired: true, podInfoOnMount: false, storageCapacity: false, fsGroupPolicy: 'ReadWriteOnceWithFSType',
      volumeLifecycleModes: ['Persistent'], requiresRepublish: false, seLinuxMount: false,
    });
    assert.deepEqual(header(csidrivers), [
      ['Name', 'string', 0], ['AttachRequired', 'boolean', 0], ['PodInfoOnMount', 'boolean', 0], ['StorageCapacity', 'boolean', 0],
      ['TokenRequests', 'string', 0], ['RequiresRepublish', 'boolean', 0], ['Modes', 'string', 0], ['Age', 'string', 0],
    ]);
    const r = row(csidrivers, obj({ spec: { ...spec(o), tokenRequests: [{ audience: 'vault' }, { audience: 'sts' }] } }));
    assert.deepEqual(r, { Name: 'x', AttachRequired: true, PodInfoOnMount: false, StorageCapacity: false, TokenRequests: 'vault,sts', RequiresRepublish: false, Modes: 'Persistent', Age: '10m' });
    assert.deepEqual([row(csidrivers, obj({}))['TokenRequests'], row(csidrivers, obj({}))['Modes']], ['<unset>', '<none>']);
  });

  rejects(csidrivers, [
    ['unknown policies and modes, short tokens', { spec: { fsGroupPolicy: 'Always', volumeLifecycleModes: ['Forever'], tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] } }, [
      ['FieldValueNotSupported', 'spec.fsGroupPolicy'], ['FieldValueNotSupported', 'spec.volumeLifecycleModes[0]'],
      ['FieldValueInvalid', 'spec.tokenRequests[0].expirationSeconds'], ['FieldValueDuplicate', 'spec.tokenRequests[1].audience'],
    ]],
  ], 'csi.example.com');
  rejects(csidrivers, [['a name that is no CSI driver name', { spec: {} }, [['FieldValueInvalid', 'metadata.name']]]], '-bad-');

  it('keep attachRequired and the lifecycle modes fixed', () => {
    const old = create(csidrivers, { spec: {} }, 'd.example.com').obj;
    assert.deepEqual(update(csidrivers, old, { spec: { ...spec(old), attachRequired: false, volumeLifecycleModes: ['Ephemeral'] } }).errors, [
      ['FieldValueInvalid', 'spec.attachedRequired'], ['FieldValueInvalid', 'spec.volumeLifecycleModes'],
    ]);
    assert.deepEqual(update(csidrivers, old, { spec: { ...spec(old), podInfoOnMount: true } }).errors, []);
  });
});

describe('CSINodes', () => {
  const node = (drivers: Body[]): Body => ({ spec: { drivers } });

  it('print the driver count; a registered driver keeps its node ID', () => {
    const { obj: o, errors } = create(csinodes, node([{ name: 'ebs.csi.aws.com', nodeID: 'i-123', topologyKeys: ['topology.ebs.csi.aws.com/zone'] }]));
    assert.deepEqual(errors, []);
    assert.deepEqual(header(csinodes), [['Name', 'string', 0], ['Drivers', 'integer', 0], ['Age', 'string', 0]]);
    assert.equal(row(csinodes, o)['Drivers'], 1);
    assert.deepEqual(update(csinodes, o, node([{ name: 'ebs.csi.aws.com', nodeID: 'i-456', topologyKeys: ['topology.ebs.csi.aws.com/zone'] }])).errors, [['FieldValueInvalid', 'spec.drivers[0].nodeID']]);
    assert.deepEqual(update(csinodes, o, node([])).errors, []);
  });

  rejects(csinodes, [
    ['drivers without node IDs, repeated', node([{ name: 'd.example.com' }, { name: 'd.example.com', nodeID: 'n' }]), [
      ['FieldValueRequired', 'spec.drivers[0].nodeID'], ['FieldValueDuplicate', 'spec.drivers[1].name'],
    ]],
  ]);
});

describe('VolumeAttachments', () => {
  const va = (s: Body = {}): Body => ({ spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pv-1' }, ...s } });

  it('start unattached, keep spec fixed, and print ATTACHER PV NODE ATTACHED', () => {
    const { obj: o, errors } = create(volumeattachments, { ...va(), status: { attached: true } });
    assert.deepEqual(errors, []);
    assert.deepEqual(o['status'], { attached: false });
    assert.deepEqual(header(volumeattachments), [['Name', 'string', 0], ['Attacher', 'string', 0], ['PV', 'string', 0], ['Node', 'string', 0], ['Attached', 'boolean', 0], ['Age', 'string', 0]]);
    assert.equal(volumeattachments.columns[1]!.format, 'name');
    assert.deepEqual(row(volumeattachments, obj({ ...va(), status: { attached: true } })), { Name: 'x', Attacher: 'ebs.csi.aws.com', PV: 'pv-1', Node: 'node-1', Attached: true, Age: '10m' });
    assert.deepEqual(update(volumeattachments, o, va({ nodeName: 'node-2' })).errors, [['FieldValueInvalid', 'spec']]);
    const relabelled = update(volumeattachments, o, { ...va(), metadata: { labels: { a: 'b' } }, status: { attached: true } });
    assert.deepEqual(relabelled.errors, []);
    assert.deepEqual(relabelled.obj['status'], { attached: false }, 'status comes only through /status');
  });

  rejects(volumeattachments, [
    ['an empty spec', { spec: {} }, [['FieldValueRequired', 'spec.attacher'], ['FieldValueRequired', 'spec.nodeName'], ['FieldValueRequired', 'spec.source']]],
    ['two sources', va({ source: { persistentVolumeName: 'pv', inlineVolumeSpec: { csi: { driver: 'd', volumeHandle: 'h' } } } }), [['FieldValueForbidden', 'spec.source']]],
  ]);
});

describe('FlowSchemas and PriorityLevelConfigurations (stored only, no API Priority and Fairness)', () => {
  const fs = (s: Body = {}): Body => ({
    spec: {
      priorityLevelConfiguration: { name: 'workload-low' },
      distinguisherMethod: { type: 'ByUser' },
      rules: [{ subjects: [{ kind: 'Group', group: { name: 'system:authenticated' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }] }],
      ...s,
    },
  });

  it('default matchingPrecedence to 1000, track generation, and print upstream\'s columns', () => {
    const { obj: o, errors } = create(flowschemas, fs());
    assert.deepEqual(errors, []);
    assert.equal(spec(o)['matchingPrecedence'], 1000);
    assert.deepEqual(o['status'], {});
    assert.equal(flowschemas.strategy.tracksGeneration, true);
    assert.deepEqual(header(flowschemas).map(([n]) => n), ['Name', 'PriorityLevel', 'MatchingPrecedence', 'DistinguisherMethod', 'Age', 'MissingPL']);
    assert.deepEqual(row(flowschemas, obj({ ...fs({ matchingPrecedence: 500 }), status: { conditions: [{ type: 'Dangling', status: 'False' }] } })), {
      Name: 'x', PriorityLevel: 'workload-low', MatchingPrecedence: 500, DistinguisherMethod: 'ByUser', Age: '10m', MissingPL: 'False',
    });
    const bare = row(flowschemas, obj({ spec: {} }));
    assert.deepEqual([bare['DistinguisherMethod'], bare['MissingPL']], ['<none>', '?']);
  });

  rejects(flowschemas, [
    ['no priority level, out-of-range precedence', fs({ priorityLevelConfiguration: {}, matchingPrecedence: 20000 }), [
      ['FieldValueInvalid', 'spec.matchingPrecedence'], ['FieldValueRequired', 'spec.priorityLevelConfiguration.name'],
    ]],
    ['an unknown distinguisher and subject kind', fs({ distinguisherMethod: { type: 'ByIP' }, rules: [{ subjects: [{ kind: 'Robot' }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }] }), [
      ['FieldValueNotSupported', 'spec.distinguisherMethod.type'], ['FieldValueNotSupported', 'spec.rules[0].subjects[0].kind'],
    ]],
    ['a rule with no resource rules', fs({ rules: [{ subjects: [{ kind: 'User', user: { name: 'alice' } }] }] }), [['FieldValueRequired', 'spec.rules[0]']]],
  ]);

  const limited = (l: Body = {}): Body => ({ spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} }, ...l } } });

  it('default limited levels and their queuing, and print them', () => {
    const { obj: o, errors } = create(prioritylevelconfigurations, limited());
    assert.deepEqual(errors, []);
    assert.deepEqual(spec(o)['limited'], { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { queues: 64, handSize: 8, queueLengthLimit: 50 } } });
    assert.deepEqual(header(prioritylevelconfigurations).map(([n]) => n), ['Name', 'Type', 'NominalConcurrencyShares', 'Queues', 'HandSize', 'QueueLengthLimit', 'Age']);
    assert.deepEqual(row(prioritylevelconfigurations, obj({ spec: spec(o) })), { Name: 'x', Type: 'Limited', NominalConcurrencyShares: 30, Queues: 64, HandSize: 8, QueueLengthLimit: 50, Age: '10m' });
    const exempt = create(prioritylevelconfigurations, { spec: { type: 'Exempt' } });
    assert.deepEqual(exempt.errors, []);
    const r = row(prioritylevelconfigurations, obj({ spec: spec(exempt.obj) }));
    assert.deepEqual([r['Type'], r['NominalConcurrencyShares'], r['Queues']], ['Exempt', '<none>', '<none>']);
  });

  rejects(prioritylevelconfigurations, [
    ['no type', { spec: {} }, [['FieldValueRequired', 'spec.type']]],
    ['Limited without limited', { spec: { type: 'Limited' } }, [['FieldValueRequired', 'spec.limited']]],
    ['Exempt with limited', { spec: { type: 'Exempt', limited: {} } }, [['FieldValueForbidden', 'spec.limited']]],
    ['a hand larger than the queues', limited({ limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 8 } } }), [['FieldValueInvalid', 'spec.limited.limitResponse.queuing.handSize']]],
    ['Queue without queuing', limited({ limitResponse: { type: 'Queue' } }), [['FieldValueRequired', 'spec.limited.limitResponse.queuing']]],
  ]);
});

describe('ValidatingAdmissionPolicies and bindings (stored only, never evaluated)', () => {
  const policy = (s: Body = {}): Body => ({
    spec: {
      matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
      validations: [{ expression: 'object.spec.replicas <= 5' }],
      ...s,
    },
  });

  it('default failure policy and match constraints, track generation, and print upstream\'s columns', () => {
    const { obj: o, errors } = create(validatingadmissionpolicies, policy());
    assert.deepEqual(errors, []);
    assert.equal(spec(o)['failurePolicy'], 'Fail');
    const match = spec(o)['matchConstraints'] as Body;
    assert.deepEqual([match['matchPolicy'], match['namespaceSelector'], match['objectSelector'], (match['resourceRules'] as Body[])[0]!['scope']], ['Equivalent', {}, {}, '*']);
    assert.deepEqual(o['status'], {});
    assert.equal(validatingadmissionpolicies.strategy.tracksGeneration, true);
    assert.deepEqual(header(validatingadmissionpolicies), [['Name', 'string', 0], ['Validations', 'integer', 0], ['ParamKind', 'string', 0], ['Age', 'string', 0]]);
    assert.deepEqual(row(validatingadmissionpolicies, obj(policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } }))), { Name: 'x', Validations: 1, ParamKind: 'v1/ConfigMap', Age: '10m' });
    assert.equal(row(validatingadmissionpolicies, obj(policy()))['ParamKind'], '<unset>');
  });

  rejects(validatingadmissionpolicies, [
    ['an empty spec', { spec: {} }, [['FieldValueRequired', 'spec.validations'], ['FieldValueRequired', 'spec.matchConstraints']]],
    ['no resource rules, an unknown failure policy and reason', policy({ matchConstraints: {}, failurePolicy: 'Maybe', validations: [{ expression: 'true', reason: 'Teapot' }] }), [
      ['FieldValueNotSupported', 'spec.validations[0].reason'], ['FieldValueRequired', 'spec.matchConstraints.resourceRules'], ['FieldValueNotSupported', 'spec.failurePolicy'],
    ]],
  ]);

  const binding = (s: Body = {}): Body => ({ spec: { policyName: 'replica-limit', validationActions: ['Deny'], ...s } });

  it('bindings: print POLICYNAME and PARAMREF', () => {
    const { obj: o, errors } = create(validatingadmissionpolicybindings, binding({ paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' } }));
    assert.deepEqual(errors, []);
    assert.equal(validatingadmissionpolicybindings.strategy.tracksGeneration, true);
    assert.deepEqual(header(validatingadmissionpolicybindings).map(([n]) => n), ['Name', 'PolicyName', 'ParamRef', 'Age']);
    assert.deepEqual(row(validatingadmissionpolicybindings, obj({ spec: spec(o) })), { Name: 'x', PolicyName: 'replica-limit', ParamRef: '*/limits', Age: '10m' });
    assert.equal(row(validatingadmissionpolicybindings, obj(binding({ paramRef: { namespace: 'ops', name: 'limits' } })))['ParamRef'], 'ops/limits');
    assert.equal(row(validatingadmissionpolicybindings, obj(binding()))['ParamRef'], '<unset>');
  });

  rejects(validatingadmissionpolicybindings, [
    ['an empty spec', { spec: {} }, [['FieldValueRequired', 'spec.policyName'], ['FieldValueRequired', 'spec.validationActions']]],
    ['Deny with Warn, and an unknown action', binding({ validationActions: ['Deny', 'Warn', 'Log'] }), [['FieldValueNotSupported', 'spec.validationActions[2]'], ['FieldValueInvalid', 'spec.validationActions']]],
    ['a param ref without its not-found action', binding({ paramRef: { name: 'p' } }), [['FieldValueRequired', 'spec.paramRef.parameterNotFoundAction']]],
  ]);
});

describe('KubeStellar exclusions for the stored-only kinds (spec/kubestellar.md §2.1)', () => {
  const verbsOf = (plural: string): readonly string[] => builtinResources.find((d) => d.plural === plural)!.verbs;
  const cases: [string, string, boolean][] = [
    ['apiregistration.k8s.io', 'apiservices', false],
    ['flowcontrol.apiserver.k8s.io', 'flowschemas', false],
    ['flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', false],
    ['storage.k8s.io', 'csinodes', false],
    ['storage.k8s.io', 'csidrivers', true],
    ['storage.k8s.io', 'volumeattachments', true],
    ['node.k8s.io', 'runtimeclasses', true],
    ['', 'podtemplates', true],
    ['admissionregistration.k8s.io', 'validatingadmissionpolicies', true],
  ];
  for (const [group, plural, workload] of cases) {
    it(`${plural}${group ? `.${group}` : ''} is ${workload ? '' : 'never '}workload`, () => assert.equal(isWorkloadResource(group, plural, verbsOf(plural)), workload));
  }
});
