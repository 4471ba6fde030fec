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
import { csidrivers, csinodes, csistoragecapacities, volumeattachments, volumeattributesclasses } from '../../../../src/registry/builtin/storage.js';
import { componentStatuses, componentstatuses } from '../../../../src/registry/builtin/component-status.js';
import { endpoints } from '../../../../src/registry/builtin/core.js';
import { ipaddresses, servicecidrs } from '../../../../src/registry/builtin/networking.js';
import { deviceclasses, resourceclaims, resourceclaimtemplates, resourceslices } from '../../../../src/registry/builtin/resource.js';
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
  rejects(apiservices, [['a name without a group', metrics(), [['FieldValueInvalid', 'metadata.name']]]], 'metrics');

  it('take the core group as `v1.`, a path segment that is no DNS name', () => {
    const core = { spec: { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 } };
    assert.deepEqual(create(apiservices, core, 'v1.').errors, []);
    assert.deepEqual(apiservices.nameValidator?.('v1.', false), []);
    assert.notDeepEqual(apiservices.nameValidator?.('v1/x', false), []);
  });

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

describe('IPAddresses and ServiceCIDRs (stored only, never allocated from)', () => {
  const svc = { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'kubernetes' } };

  it('IPAddresses are named by a canonical IP, need a parent, and print PARENTREF', () => {
    const { obj: o, errors } = create(ipaddresses, { spec: svc }, '10.96.0.1');
    assert.deepEqual(errors, []);
    assert.deepEqual(header(ipaddresses), [['Name', 'string', 0], ['ParentRef', 'string', 0], ['Age', 'string', 0]]);
    assert.equal(row(ipaddresses, o)['ParentRef'], 'services/default/kubernetes');
    assert.equal(row(ipaddresses, obj({ spec: { parentRef: { group: 'gateway.networking.k8s.io', resource: 'Gateways', name: 'gw' } } }))['ParentRef'], 'gateways.gateway.networking.k8s.io/gw');
    assert.equal(row(ipaddresses, obj({ spec: {} }))['ParentRef'], '<none>');
    const names = ipaddresses.nameValidator!;
    assert.deepEqual([names('2001:db8::1', false), names('::ffff:10.0.0.1', false)], [[], []]);
    assert.deepEqual(names('fd00:0:0:0:0:0:0:a', false), ['must be in canonical form ("fd00::a")']);
    assert.deepEqual(names('2001:DB8::1', false), ['must be in canonical form ("2001:db8::1")']);
    assert.deepEqual(names('10.0.0.01', false), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
    assert.equal(names('my-ip', false).length, 1);
    assert.deepEqual(update(ipaddresses, o, { spec: { parentRef: { ...svc.parentRef, name: 'other' } } }).errors, [['FieldValueInvalid', 'spec.parentRef']]);
    assert.equal(ipaddresses.strategy.tracksGeneration, false);
  });

  rejects(ipaddresses, [
    ['a missing parent', { spec: {} }, [['FieldValueRequired', 'spec.parentRef']]],
    ['a parent without resource and name', { spec: { parentRef: { namespace: 'Bad_NS' } } }, [
      ['FieldValueRequired', 'spec.parentRef.resource'], ['FieldValueInvalid', 'spec.parentRef.namespace'], ['FieldValueRequired', 'spec.parentRef.name'],
    ]],
  ], '10.0.0.7');

  it('ServiceCIDRs: print CIDRS, start with an empty status, and may only gain a second family', () => {
    const { obj: o, errors } = create(servicecidrs, { spec: { cidrs: ['10.96.0.0/12'] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.deepEqual(errors, []);
    assert.deepEqual(o['status'], {});
    assert.deepEqual(header(servicecidrs), [['Name', 'string', 0], ['CIDRs', 'string', 0], ['Age', 'string', 0]]);
    assert.equal(row(servicecidrs, obj({ spec: { cidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] } }))['CIDRs'], '10.96.0.0/12,fd00:10:96::/112');
    assert.deepEqual(update(servicecidrs, o, { spec: { cidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] } }).errors, []);
    assert.deepEqual(update(servicecidrs, o, { spec: { cidrs: ['10.100.0.0/16'] } }).errors, [['FieldValueInvalid', 'spec.cidrs']]);
    assert.deepEqual(update(servicecidrs, o, { spec: { cidrs: ['10.100.0.0/16', 'fd00::/112'] } }).errors, [['FieldValueInvalid', 'spec.cidrs[0]']]);
    const dual = create(servicecidrs, { spec: { cidrs: ['10.96.0.0/12', 'fd00:10:96::/112'] } }).obj;
    assert.deepEqual(update(servicecidrs, dual, { spec: { cidrs: ['10.96.0.0/12'] } }).errors, [['FieldValueInvalid', 'spec.cidrs']]);
  });

  rejects(servicecidrs, [
    ['no CIDRs', { spec: {} }, [['FieldValueRequired', 'spec.cidrs']]],
    ['three CIDRs', { spec: { cidrs: ['10.0.0.0/8', 'fd00::/64', '192.168.0.0/16'] } }, [['FieldValueInvalid', 'spec.cidrs']]],
    ['two of one family', { spec: { cidrs: ['10.0.0.0/8', '192.168.0.0/16'] } }, [['FieldValueInvalid', 'spec.cidrs']]],
    ['a malformed and a non-canonical CIDR', { spec: { cidrs: ['10.0.0.0/33', 'FD00::1/64'] } }, [['FieldValueInvalid', 'spec.cidrs[0]'], ['FieldValueInvalid', 'spec.cidrs[1]']]],
  ]);
});

describe('VolumeAttributesClasses and CSIStorageCapacities', () => {
  it('VolumeAttributesClasses: print DRIVERNAME; driver and parameters never change', () => {
    const { obj: o, errors } = create(volumeattributesclasses, { driverName: 'ebs.csi.aws.com', parameters: { iops: '3000' } }, 'gold');
    assert.deepEqual(errors, []);
    assert.deepEqual(header(volumeattributesclasses), [['Name', 'string', 0], ['DriverName', 'string', 0], ['Age', 'string', 0]]);
    assert.deepEqual(row(volumeattributesclasses, obj({ driverName: 'ebs.csi.aws.com' })), { Name: 'x', DriverName: 'ebs.csi.aws.com', Age: '10m' });
    assert.deepEqual(update(volumeattributesclasses, o, { driverName: 'pd.csi.storage.gke.io', parameters: { iops: '6000' } }).errors, [
      ['FieldValueForbidden', 'driverName'], ['FieldValueForbidden', 'parameters'],
    ]);
    assert.deepEqual(update(volumeattributesclasses, o, { driverName: 'ebs.csi.aws.com', parameters: { iops: '3000' }, metadata: { labels: { tier: 'gold' } } }).errors, []);
    assert.deepEqual(volumeattributesclasses.shortNames, ['vac']);
  });

  rejects(volumeattributesclasses, [['no driver and no parameters', {}, [['FieldValueRequired', 'driverName'], ['FieldValueRequired', 'parameters']]]]);

  it('CSIStorageCapacities: print STORAGECLASSNAME CAPACITY', () => {
    const { obj: o, errors } = create(csistoragecapacities, { storageClassName: 'fast', capacity: '100Gi', nodeTopology: { matchLabels: { 'topology.kubernetes.io/zone': 'a' } } });
    assert.deepEqual(errors, []);
    assert.deepEqual(header(csistoragecapacities), [['Name', 'string', 0], ['StorageClassName', 'string', 0], ['Capacity', 'string', 0], ['Age', 'string', 0]]);
    assert.deepEqual(row(csistoragecapacities, obj({ storageClassName: 'fast', capacity: '100Gi' })), { Name: 'x', StorageClassName: 'fast', Capacity: '100Gi', Age: '10m' });
    assert.equal(row(csistoragecapacities, obj({ storageClassName: 'fast' }))['Capacity'], '<unset>');
    assert.equal(o.metadata.namespace, 'default');
  });

  rejects(csistoragecapacities, [
    ['no class, a negative capacity', { capacity: '-1Gi' }, [['FieldValueRequired', 'storageClassName'], ['FieldValueInvalid', 'capacity']]],
  ]);
});

describe('Dynamic Resource Allocation (resource.k8s.io/v1, stored only)', () => {
  const claimSpec = (request: Body = { name: 'gpu', exactly: { deviceClassName: 'gpu.example.com' } }): Body => ({ devices: { requests: [request] } });

  it('DeviceClasses track generation and print NAME AGE', () => {
    const { errors } = create(deviceclasses, { spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.example.com"' } }] } }, 'gpu.example.com');
    assert.deepEqual(errors, []);
    assert.equal(deviceclasses.strategy.tracksGeneration, true);
    assert.deepEqual(header(deviceclasses).map(([n]) => n), ['Name', 'Age']);
    assert.deepEqual(create(deviceclasses, { spec: { selectors: [{ cel: {} }], config: [{}] } }).errors, [['FieldValueRequired', 'spec.selectors[0].cel.expression'], ['FieldValueRequired', 'spec.config[0].opaque']]);
  });

  it('ResourceClaims: default ExactCount of one, keep spec fixed, print STATE', () => {
    const { obj: o, errors } = create(resourceclaims, { spec: claimSpec(), status: { allocation: {} } });
    assert.deepEqual(errors, []);
    assert.deepEqual(o['status'], {});
    const exactly = ((spec(o)['devices'] as Body)['requests'] as Body[])[0]!['exactly'] as Body;
    assert.deepEqual([exactly['allocationMode'], exactly['count']], ['ExactCount', 1]);
    assert.deepEqual(header(resourceclaims).map(([n]) => n), ['Name', 'State', 'Age']);
    assert.equal(row(resourceclaims, o)['State'], 'pending');
    assert.equal(row(resourceclaims, obj({ status: { allocation: {}, reservedFor: [{ resource: 'pods', name: 'p', uid: 'u' }] } }))['State'], 'allocated,reserved');
    assert.equal(row(resourceclaims, obj({ status: { allocation: {} } }, { deletionTimestamp: ago(1) }))['State'], 'deleted,allocated,deallocating');
    assert.deepEqual(update(resourceclaims, o, { spec: claimSpec({ name: 'gpu', exactly: { deviceClassName: 'other' } }) }).errors, [['FieldValueInvalid', 'spec']]);
  });

  rejects(resourceclaims, [
    ['a request with neither form', { spec: claimSpec({ name: 'gpu' }) }, [['FieldValueRequired', 'spec.devices.requests[0]']]],
    ['a request with both forms', { spec: claimSpec({ name: 'gpu', exactly: { deviceClassName: 'c' }, firstAvailable: [{ name: 'a', deviceClassName: 'c' }] }) }, [['FieldValueInvalid', 'spec.devices.requests[0]']]],
    ['no class, an unknown mode and operator', { spec: claimSpec({ name: 'Bad_Name', exactly: { allocationMode: 'Some', tolerations: [{ operator: 'Maybe' }] } }) }, [
      ['FieldValueInvalid', 'spec.devices.requests[0].name'], ['FieldValueRequired', 'spec.devices.requests[0].exactly.deviceClassName'],
      ['FieldValueNotSupported', 'spec.devices.requests[0].exactly.allocationMode'], ['FieldValueNotSupported', 'spec.devices.requests[0].exactly.tolerations[0].operator'],
    ]],
  ]);

  it('ResourceClaimTemplates: validate and default the claim spec inside, and keep it fixed', () => {
    const { obj: o, errors } = create(resourceclaimtemplates, { spec: { spec: claimSpec({ name: 'gpu', firstAvailable: [{ name: 'big', deviceClassName: 'big.example.com' }] }) } });
    assert.deepEqual(errors, []);
    const sub = ((((spec(o)['spec'] as Body)['devices'] as Body)['requests'] as Body[])[0]!['firstAvailable'] as Body[])[0]!;
    assert.deepEqual([sub['allocationMode'], sub['count']], ['ExactCount', 1]);
    assert.deepEqual(create(resourceclaimtemplates, { spec: { spec: claimSpec({ name: 'gpu', exactly: {} }) } }).errors, [['FieldValueRequired', 'spec.spec.devices.requests[0].exactly.deviceClassName']]);
    assert.deepEqual(update(resourceclaimtemplates, o, { spec: { spec: claimSpec() } }).errors, [['FieldValueInvalid', 'spec']]);
  });

  const slice = (s: Body = {}): Body => ({ spec: { driver: 'gpu.example.com', nodeName: 'node-1', pool: { name: 'node-1', generation: 1, resourceSliceCount: 1 }, devices: [{ name: 'gpu-0' }], ...s } });

  it('ResourceSlices: print NODE DRIVER POOL, track generation, keep node and driver fixed', () => {
    const { obj: o, errors } = create(resourceslices, slice());
    assert.deepEqual(errors, []);
    assert.equal(resourceslices.strategy.tracksGeneration, true);
    assert.deepEqual(header(resourceslices).map(([n]) => n), ['Name', 'Node', 'Driver', 'Pool', 'Age']);
    assert.deepEqual(row(resourceslices, obj(slice())), { Name: 'x', Node: 'node-1', Driver: 'gpu.example.com', Pool: 'node-1', Age: '10m' });
    assert.deepEqual(update(resourceslices, o, slice({ nodeName: 'node-2' })).errors, [['FieldValueInvalid', 'spec.nodeName']]);
    assert.deepEqual(resourceslices.strategy.selectableFields!(o), { 'spec.nodeName': 'node-1', 'spec.driver': 'gpu.example.com' });
  });

  rejects(resourceslices, [
    ['no driver, pool or node scope', { spec: {} }, [
      ['FieldValueRequired', 'spec.driver'], ['FieldValueRequired', 'spec.pool.name'], ['FieldValueInvalid', 'spec.pool.resourceSliceCount'], ['FieldValueRequired', 'spec'],
    ]],
    ['two node scopes and a repeated device', slice({ allNodes: true, devices: [{ name: 'a' }, { name: 'a' }] }), [['FieldValueInvalid', 'spec'], ['FieldValueDuplicate', 'spec.devices[1].name']]],
  ]);
});

describe('ComponentStatuses and Endpoints (deprecated core kinds)', () => {
  it('ComponentStatuses: read-only, computed, deprecated, printed NAME STATUS MESSAGE ERROR', () => {
    assert.deepEqual(componentstatuses.verbs, ['get', 'list']);
    assert.equal(componentstatuses.deprecationWarning, 'v1 ComponentStatus is deprecated in v1.19+');
    assert.deepEqual(header(componentstatuses).map(([n]) => n), ['Name', 'Status', 'Message', 'Error']);
    const rows = componentStatuses().map((o) => row(componentstatuses, o));
    assert.deepEqual(rows, [
      { Name: 'scheduler', Status: 'Unhealthy', Message: '', Error: 'Get "https://127.0.0.1:10259/healthz": dial tcp 127.0.0.1:10259: connect: connection refused' },
      { Name: 'controller-manager', Status: 'Unhealthy', Message: '', Error: 'Get "https://127.0.0.1:10257/healthz": dial tcp 127.0.0.1:10257: connect: connection refused' },
      { Name: 'etcd-0', Status: 'Healthy', Message: '{"health":"true"}', Error: '' },
    ]);
    assert.equal(row(componentstatuses, obj({}))['Status'], 'Unknown');
    // Where a simulator plays the scheduler and the controllers (a cluster space), they answer.
    assert.deepEqual(
      componentStatuses(true).map((o) => row(componentstatuses, o)).map((r) => [r['Name'], r['Status'], r['Message']]),
      [['scheduler', 'Healthy', 'ok'], ['controller-manager', 'Healthy', 'ok'], ['etcd-0', 'Healthy', '{"health":"true"}']],
    );
  });

  it('Endpoints carry the v1.33 deprecation warning', () => {
    assert.equal(endpoints.deprecationWarning, 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice');
  });
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
    // Excluded by name; componentstatuses has no watch; the rest are ordinary workload.
    ['storage.k8s.io', 'csistoragecapacities', false],
    ['', 'componentstatuses', false],
    ['', 'endpoints', false],
    ['storage.k8s.io', 'volumeattributesclasses', true],
    ['networking.k8s.io', 'ipaddresses', true],
    ['networking.k8s.io', 'servicecidrs', true],
    ['resource.k8s.io', 'deviceclasses', true],
    ['resource.k8s.io', 'resourceclaims', true],
    ['resource.k8s.io', 'resourceclaimtemplates', true],
    ['resource.k8s.io', 'resourceslices', true],
  ];
  for (const [group, plural, workload] of cases) {
    it(`${plural}${group ? `.${group}` : ''} is ${workload ? '' : 'never '}workload`, () => assert.equal(isWorkloadResource(group, plural, verbsOf(plural)), workload));
  }
});
