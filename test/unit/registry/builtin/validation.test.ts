import assert from 'node:assert/strict';
import type { ResourceDefinition } from '../../../../src/registry/definition.js';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from '../../../../src/registry/builtin/apps.js';
import { horizontalpodautoscalers } from '../../../../src/registry/builtin/autoscaling.js';
import { cronjobs, jobs } from '../../../../src/registry/builtin/batch.js';
import { configmaps, endpoints, events, limitranges, namespaces, persistentvolumeclaims, pods, replicationcontrollers, secrets, serviceDefinition, services } from '../../../../src/registry/builtin/core.js';
import { customresourcedefinitions } from '../../../../src/registry/builtin/apiextensions.js';
import { leases } from '../../../../src/registry/builtin/coordination.js';
import { endpointslices } from '../../../../src/registry/builtin/discovery.js';
import { eventsV1 } from '../../../../src/registry/builtin/events.js';
import { ingressclasses, ingresses, networkpolicies } from '../../../../src/registry/builtin/networking.js';
import { poddisruptionbudgets } from '../../../../src/registry/builtin/policy.js';
import { clusterrolebindings, rolebindings, roles } from '../../../../src/registry/builtin/rbac.js';
import { priorityclasses } from '../../../../src/registry/builtin/scheduling.js';
import { storageclasses } from '../../../../src/registry/builtin/storage.js';
import { create, fresh, update, type Causes } from './support.js';

type Body = Record<string, unknown>;
const c = (name: string, image = 'nginx'): Body => ({ name, image });
const template = (labels: Body = { app: 'web' }, spec: Body = {}): Body => ({ metadata: { labels }, spec: { containers: [c('nginx')], ...spec } });
const controller = (spec: Body = {}): Body => ({ spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec } });
const jobTemplate = (spec: Body = {}): Body => ({ metadata: {}, spec: { restartPolicy: 'Never', containers: [c('job')], ...spec } });
const NAME = 'x';

/** [case, definition, body, expected causes as [type, field]]. */
const CREATE: [string, ResourceDefinition, Body, Causes][] = [
  ['deployment without selector', deployments, { spec: { template: template() } }, [['FieldValueRequired', 'spec.selector']]],
  ['deployment with an empty selector', deployments, controller({ selector: {} }), [['FieldValueInvalid', 'spec.selector']]],
  ['deployment selector not matching the template', deployments, controller({ template: template({ app: 'other' }) }), [['FieldValueInvalid', 'spec.template.metadata.labels']]],
  ['deployment with restartPolicy Never', deployments, controller({ template: template({ app: 'web' }, { restartPolicy: 'Never' }) }), [['FieldValueNotSupported', 'spec.template.spec.restartPolicy']]],
  ['deployment with negative replicas', deployments, controller({ replicas: -1 }), [['FieldValueInvalid', 'spec.replicas']]],
  [
    'deployment with zero surge and unavailability',
    deployments,
    controller({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } }),
    [['FieldValueInvalid', 'spec.strategy.rollingUpdate.maxUnavailable']],
  ],
  ['deployment Recreate with rollingUpdate', deployments, controller({ strategy: { type: 'Recreate', rollingUpdate: {} } }), [['FieldValueForbidden', 'spec.strategy.rollingUpdate']]],
  ['deployment with a bad percentage', deployments, controller({ strategy: { rollingUpdate: { maxSurge: 'lots' } } }), [['FieldValueInvalid', 'spec.strategy.rollingUpdate.maxSurge']]],
  ['deployment deadline below minReadySeconds', deployments, controller({ minReadySeconds: 700 }), [['FieldValueInvalid', 'spec.progressDeadlineSeconds']]],
  ['replicaset selector mismatch', replicasets, controller({ template: template({ app: 'x' }) }), [['FieldValueInvalid', 'spec.template.metadata.labels']]],
  ['statefulset with an unknown pod management policy', statefulsets, controller({ podManagementPolicy: 'Random' }), [['FieldValueNotSupported', 'spec.podManagementPolicy']]],
  // Upstream leaves a StatefulSet's pod spec unvalidated: mounts may name volumeClaimTemplates.
  [
    'statefulset mounting a volume claim template',
    statefulsets,
    controller({
      template: template({ app: 'web' }, { containers: [{ ...c('db'), volumeMounts: [{ name: 'data', mountPath: '/d' }] }] }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    }),
    [],
  ],
  ['statefulset with restartPolicy Never', statefulsets, controller({ template: template({ app: 'web' }, { restartPolicy: 'Never' }) }), [['FieldValueNotSupported', 'spec.template.spec.restartPolicy']]],
  ['statefulset with an active deadline', statefulsets, controller({ template: template({ app: 'web' }, { activeDeadlineSeconds: 5 }) }), [['FieldValueForbidden', 'spec.template.spec.activeDeadlineSeconds']]],
  ['statefulset selector mismatch', statefulsets, controller({ template: template({ app: 'x' }) }), [['FieldValueInvalid', 'spec.template.metadata.labels']]],
  ['daemonset without selector', daemonsets, { spec: { template: template() } }, [['FieldValueRequired', 'spec.selector']]],
  ['controllerrevision with a negative revision', controllerrevisions, { revision: -1 }, [['FieldValueInvalid', 'revision']]],
  ['pod without containers', pods, { spec: {} }, [['FieldValueRequired', 'spec.containers']]],
  [
    'pod with a bad and duplicate container names, and no image',
    pods,
    { spec: { containers: [c('Web'), { name: 'a' }, c('a')] } },
    [['FieldValueInvalid', 'spec.containers[0].name'], ['FieldValueRequired', 'spec.containers[1].image'], ['FieldValueDuplicate', 'spec.containers[2].name']],
  ],
  ['pod init container sharing a name', pods, { spec: { initContainers: [c('a')], containers: [c('a')] } }, [['FieldValueDuplicate', 'spec.containers[0].name']]],
  [
    'pod volume naming two sources',
    pods,
    { spec: { containers: [c('a')], volumes: [{ name: 'v', emptyDir: {}, configMap: { name: 'cm' } }] } },
    [['FieldValueForbidden', 'spec.volumes[0].configMap']],
  ],
  [
    'pod with a bad port and a missing volume',
    pods,
    { spec: { containers: [{ ...c('a'), ports: [{ containerPort: 70000, protocol: 'HTTP' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
    [['FieldValueInvalid', 'spec.containers[0].ports[0].containerPort'], ['FieldValueNotSupported', 'spec.containers[0].ports[0].protocol'], ['FieldValueNotFound', 'spec.containers[0].volumeMounts[0].name']],
  ],
  ['pod with an unknown restart policy', pods, { spec: { restartPolicy: 'Sometimes', containers: [c('a')] } }, [['FieldValueNotSupported', 'spec.restartPolicy']]],
  ['service without ports', services, { spec: { selector: { app: 'web' } } }, [['FieldValueRequired', 'spec.ports']]],
  ['headless service without ports', services, { spec: { clusterIP: 'None' } }, []],
  ['external name service without a name', services, { spec: { type: 'ExternalName' } }, [['FieldValueRequired', 'spec.externalName']]],
  [
    'service port out of range, duplicate names',
    services,
    { spec: { ports: [{ name: 'a', port: 0 }, { name: 'a', port: 81 }] } },
    [['FieldValueInvalid', 'spec.ports[0].port'], ['FieldValueInvalid', 'spec.ports[0].targetPort'], ['FieldValueDuplicate', 'spec.ports[1].name']],
  ],
  ['service ports needing names', services, { spec: { ports: [{ port: 80 }, { port: 81 }] } }, [['FieldValueRequired', 'spec.ports[0].name'], ['FieldValueRequired', 'spec.ports[1].name']]],
  ['service node port out of range', services, { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } }, [['FieldValueInvalid', 'spec.ports[0].nodePort']]],
  ['service node port on ClusterIP', services, { spec: { ports: [{ port: 80, nodePort: 30001 }] } }, [['FieldValueForbidden', 'spec.ports[0].nodePort']]],
  ['service cluster IP outside the range', services, { spec: { clusterIP: '192.168.0.1', ports: [{ port: 80 }] } }, [['FieldValueInvalid', 'spec.clusterIPs']]],
  ['service cluster IP not an IP', services, { spec: { clusterIP: 'ten', ports: [{ port: 80 }] } }, [['FieldValueInvalid', 'spec.clusterIPs[0]']]],
  ['service of unknown type', services, { spec: { type: 'Magic', ports: [{ port: 80 }] } }, [['FieldValueNotSupported', 'spec.type']]],
  ['configmap with bad keys', configmaps, { data: { 'a/b': '1', '..x': '2' } }, [['FieldValueInvalid', 'data[a/b]'], ['FieldValueInvalid', 'data[..x]']]],
  ['configmap key in both bags', configmaps, { data: { k: 'v' }, binaryData: { k: 'AA==' } }, [['FieldValueInvalid', 'data[k]']]],
  ['configmap over 1 MiB', configmaps, { data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }, [['FieldValueTooLong', '']]],
  ['secret with a bad key', secrets, { data: { 'no spaces': 'YQ==' } }, [['FieldValueInvalid', 'data[no spaces]']]],
  ['tls secret missing its key', secrets, { type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==' } }, [['FieldValueRequired', 'data[tls.key]']]],
  ['secret over 1 MiB', secrets, { data: { a: Buffer.alloc(1024 * 1024 + 1).toString('base64') } }, [['FieldValueTooLong', 'data']]],
  ['namespace with an unqualified finalizer', namespaces, { spec: { finalizers: ['custom'] } }, [['FieldValueInvalid', 'spec.finalizers[0]']]],
  ['pvc without access modes or storage', persistentvolumeclaims, { spec: {} }, [['FieldValueRequired', 'spec.accessModes'], ['FieldValueRequired', 'spec.resources[storage]']]],
  ['pvc with an unknown access mode', persistentvolumeclaims, { spec: { accessModes: ['ReadAll'], resources: { requests: { storage: '1Gi' } } } }, [['FieldValueNotSupported', 'spec.accessModes']]],
  ['limit range item without type', limitranges, { spec: { limits: [{ max: { cpu: '1' } }] } }, [['FieldValueRequired', 'spec.limits[0].type']]],
  ['endpoints with a bad address', endpoints, { subsets: [{ addresses: [{ ip: 'nope' }], ports: [{ port: 80 }] }] }, [['FieldValueInvalid', 'subsets[0].addresses[0].ip']]],
  ['event for another namespace', events, { involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } }, [['FieldValueInvalid', 'involvedObject.namespace']]],
  [
    'new-style event missing reporting fields',
    eventsV1,
    { eventTime: '2025-01-01T00:00:00.000000Z', type: 'Normal', regarding: { kind: 'Pod', name: 'p', namespace: 'default' } },
    [['FieldValueRequired', 'reportingController'], ['FieldValueRequired', 'reportingInstance'], ['FieldValueRequired', 'action'], ['FieldValueRequired', 'reason']],
  ],
  ['rc selector not matching', replicationcontrollers, { spec: { selector: { app: 'a' }, template: template({ app: 'b' }) } }, [['FieldValueInvalid', 'spec.template.metadata.labels']]],
  ['rc without template', replicationcontrollers, { spec: { selector: { app: 'a' } } }, [['FieldValueRequired', 'spec.template']]],
  ['job with restartPolicy Always (the pod default)', jobs, { spec: { template: { spec: { containers: [c('a')] } } } }, [['FieldValueNotSupported', 'spec.template.spec.restartPolicy']]],
  ['job with a manual selector missing', jobs, { spec: { manualSelector: true, template: jobTemplate() } }, [['FieldValueRequired', 'spec.selector']]],
  ['job indexed without completions', jobs, { spec: { parallelism: 2, completionMode: 'Indexed', template: jobTemplate() } }, [['FieldValueRequired', 'spec.completions']]],
  ['job with negative backoff', jobs, { spec: { backoffLimit: -1, template: jobTemplate() } }, [['FieldValueInvalid', 'spec.backoffLimit']]],
  ['cronjob without schedule', cronjobs, { spec: { jobTemplate: { spec: { template: jobTemplate() } } } }, [['FieldValueRequired', 'spec.schedule']]],
  ['cronjob with a bad schedule', cronjobs, { spec: { schedule: '* * *', jobTemplate: { spec: { template: jobTemplate() } } } }, [['FieldValueInvalid', 'spec.schedule']]],
  ['cronjob with TZ in the schedule', cronjobs, { spec: { schedule: 'TZ=UTC 0 * * * *', jobTemplate: { spec: { template: jobTemplate() } } } }, [['FieldValueInvalid', 'spec.schedule']]],
  ['cronjob with an unknown time zone', cronjobs, { spec: { schedule: '@daily', timeZone: 'Mars/Olympus', jobTemplate: { spec: { template: jobTemplate() } } } }, [['FieldValueInvalid', 'spec.timeZone']]],
  ['cronjob with an unknown concurrency policy', cronjobs, { spec: { schedule: '@daily', concurrencyPolicy: 'Sometimes', jobTemplate: { spec: { template: jobTemplate() } } } }, [['FieldValueNotSupported', 'spec.concurrencyPolicy']]],
  ['hpa without target or max', horizontalpodautoscalers, { spec: { minReplicas: 0 } }, [
    ['FieldValueInvalid', 'spec.minReplicas'], ['FieldValueInvalid', 'spec.maxReplicas'], ['FieldValueRequired', 'spec.scaleTargetRef.kind'], ['FieldValueRequired', 'spec.scaleTargetRef.name'],
  ]],
  ['hpa max below min', horizontalpodautoscalers, { spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 3, maxReplicas: 2 } }, [['FieldValueInvalid', 'spec.maxReplicas']]],
  ['ingress path without pathType', ingresses, { spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }] } }, [['FieldValueRequired', 'spec.rules[0].http.paths[0].pathType']]],
  ['ingress with nothing to route', ingresses, { spec: {} }, [['FieldValueInvalid', 'spec']]],
  ['ingress backend without port', ingresses, { spec: { defaultBackend: { service: { name: 's' } } } }, [['FieldValueInvalid', 'spec.defaultBackend.service.port']]],
  ['ingressclass without controller', ingressclasses, { spec: {} }, [['FieldValueRequired', 'spec.controller']]],
  ['networkpolicy with an unknown policy type', networkpolicies, { spec: { podSelector: {}, policyTypes: ['Sideways'] } }, [['FieldValueNotSupported', 'spec.policyTypes[0]']]],
  ['pdb with both bounds', poddisruptionbudgets, { spec: { minAvailable: 1, maxUnavailable: 1 } }, [['FieldValueInvalid', 'spec']]],
  ['role rule without verbs or groups', roles, { rules: [{ resources: ['pods'] }] }, [['FieldValueRequired', 'rules[0].verbs'], ['FieldValueRequired', 'rules[0].apiGroups']]],
  ['role with non-resource URLs', roles, { rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }, [['FieldValueInvalid', 'rules[0].nonResourceURLs']]],
  ['rolebinding to an unknown kind', rolebindings, { roleRef: { kind: 'Thing', name: 'x' } }, [['FieldValueNotSupported', 'roleRef.kind']]],
  ['clusterrolebinding to a Role', clusterrolebindings, { roleRef: { kind: 'Role', name: 'x' } }, [['FieldValueNotSupported', 'roleRef.kind']]],
  ['clusterrolebinding to a service account without namespace', clusterrolebindings, { roleRef: { kind: 'ClusterRole', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, [['FieldValueRequired', 'subjects[0].namespace']]],
  ['crd named unlike plural.group', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object' } } }] } }, [['FieldValueInvalid', 'metadata.name']]],
  ['crd with an untyped object field', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueRequired', 'spec.validation.openAPIV3Schema.properties[spec].type']]],
  ['crd with a default of the wrong type', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { foo: { type: 'string', default: 5 } } } } }] } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueTypeInvalid', 'spec.validation.openAPIV3Schema.properties[foo].default']]],
  ['crd with Webhook conversion but no webhook', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object' } } }], conversion: { strategy: 'Webhook' } } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueRequired', 'spec.conversion.webhook']]],
  ['crd with properties and additionalProperties', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { m: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } } } } }] } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueForbidden', 'spec.validation.openAPIV3Schema.properties[m].additionalProperties']]],
  ['crd with a typed int-or-string', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { p: { type: 'string', 'x-kubernetes-int-or-string': true } } } } }] } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueInvalid', 'spec.validation.openAPIV3Schema.properties[p].type']]],
  ['crd restricting metadata beyond name', customresourcedefinitions, { spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } } } }] } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueForbidden', 'spec.validation.openAPIV3Schema.properties[metadata]']]],
  // Versions sharing one schema are validated once, under spec.validation (kube's internal form); different ones each under its version.
  ['crd whose two versions share a bad schema', customresourcedefinitions, { metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }, { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } }, [['FieldValueRequired', 'spec.validation.openAPIV3Schema.properties[spec].type']]],
  ['crd whose second version alone has a bad schema', customresourcedefinitions, { metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', storage: true, schema: { openAPIV3Schema: { type: 'object' } } }, { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { properties: { a: { type: 'string' } } } } } } }] } }, [['FieldValueRequired', 'spec.versions[1].schema.openAPIV3Schema.properties[spec].type']]],
  ['crd without versions', customresourcedefinitions, { spec: { group: 'x.example.com', scope: 'Cluster', names: { plural: 'x', kind: 'X' } } }, [['FieldValueInvalid', 'metadata.name'], ['FieldValueRequired', 'spec.versions']]],
  ['priorityclass without value', priorityclasses, {}, [['FieldValueRequired', 'value']]],
  ['priorityclass above the user maximum', priorityclasses, { value: 2_000_000_000 }, [['FieldValueForbidden', 'value']]],
  ['storageclass without provisioner', storageclasses, {}, [['FieldValueRequired', 'provisioner']]],
  ['endpointslice without address type', endpointslices, { endpoints: [{ addresses: [] }] }, [['FieldValueRequired', 'addressType'], ['FieldValueRequired', 'endpoints[0].addresses']]],
  ['endpointslice with a non-IPv4 address', endpointslices, { addressType: 'IPv4', endpoints: [{ addresses: ['fe80::1'] }] }, [['FieldValueInvalid', 'endpoints[0].addresses[0]']]],
  ['lease with zero duration', leases, { spec: { leaseDurationSeconds: 0 } }, [['FieldValueInvalid', 'spec.leaseDurationSeconds']]],
];

describe('built-in validation on create', () => {
  for (const [what, def, body, want] of CREATE) {
    it(what, () => assert.deepEqual(create(def, body, NAME).errors, want));
  }

  it('cronjob names are limited to 52 characters', () => {
    const body = { spec: { schedule: '@daily', jobTemplate: { spec: { template: jobTemplate() } } } };
    assert.deepEqual(create(cronjobs, body, 'a'.repeat(53)).errors, [['FieldValueInvalid', 'metadata.name']]);
  });

  it('service cluster IPs and node ports already in use are refused', () => {
    const def = serviceDefinition({ clusterIPs: () => new Set(['10.96.0.10']), nodePorts: () => new Set([30080]) });
    const { errors } = create(def, { spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 53, nodePort: 30080 }] } });
    assert.deepEqual(errors, [['FieldValueInvalid', 'spec.clusterIPs'], ['FieldValueInvalid', 'spec.ports[0].nodePort']]);
  });
});

describe('system- priority classes', () => {
  // The reason IsKnownSystemPriorityClass gives is part of upstream's message.
  const cases: [string, Body, string | undefined][] = [
    ['system-x', { value: 2_000_000_001 }, 'system-x is not a known system priority class'],
    ['system-cluster-critical', { value: 5 }, 'value of system-cluster-critical PriorityClass must be 2000000000'],
    ['system-node-critical', { value: 2_000_001_000, globalDefault: true }, 'globalDefault of system-node-critical PriorityClass must be false'],
    ['system-node-critical', { value: 2_000_001_000 }, undefined],
  ];
  for (const [name, body, why] of cases) {
    it(`${name} ${JSON.stringify(body)}`, () => {
      const obj = fresh(priorityclasses, body, name);
      const messages = priorityclasses.strategy.validate(obj).map((e) => `${e.field}: ${e.detail}`);
      assert.deepEqual(messages, why === undefined ? [] : [`metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: ${why}`]);
    });
  }
});

describe('built-in validation on update', () => {
  const cases: [string, ResourceDefinition, Body, (old: Body) => Body, Causes][] = [
    ['deployment selector', deployments, controller(), (o) => ({ ...o, spec: { ...(o['spec'] as Body), selector: { matchLabels: { app: 'web', tier: 'x' } }, template: template({ app: 'web', tier: 'x' }) } }), [['FieldValueInvalid', 'spec.selector']]],
    ['deployment image change is fine', deployments, controller(), (o) => ({ ...o, spec: { ...(o['spec'] as Body), template: { ...template(), spec: { containers: [c('nginx', 'nginx:2')] } } } }), []],
    ['statefulset serviceName', statefulsets, controller({ serviceName: 'a' }), (o) => ({ ...o, spec: { ...(o['spec'] as Body), serviceName: 'b' } }), [['FieldValueForbidden', 'spec']]],
    ['statefulset replicas', statefulsets, controller(), (o) => ({ ...o, spec: { ...(o['spec'] as Body), replicas: 5 } }), []],
    // Upstream checks clusterIPs only (validateUpgradeDowngradeClusterIPs), not clusterIP as well.
    ['service cluster IP', services, { spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), clusterIP: '10.96.0.51', clusterIPs: ['10.96.0.51'] } }), [
      ['FieldValueInvalid', 'spec.clusterIPs[0]'],
    ]],
    // A client changing only clusterIP changes clusterIPs[0] with it (normalizeClusterIPs).
    ['service cluster IP alone', services, { spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), clusterIP: '10.96.0.51' } }), [
      ['FieldValueInvalid', 'spec.clusterIPs[0]'],
    ]],
    ['service made headless', services, { spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), clusterIP: 'None' } }), [
      ['FieldValueInvalid', 'spec.clusterIPs[0]'],
    ]],
    ['service same cluster IP', services, { spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), clusterIP: '10.96.0.50', clusterIPs: ['10.96.0.50'] } }), []],
    ['secret type', secrets, { type: 'Opaque' }, (o) => ({ ...o, type: 'kubernetes.io/basic-auth', data: { username: 'YQ==' } }), [['FieldValueInvalid', 'type']]],
    ['immutable secret data', secrets, { immutable: true, data: { a: 'YQ==' } }, (o) => ({ ...o, data: { a: 'Yg==' } }), [['FieldValueForbidden', 'data']]],
    ['immutable configmap unset', configmaps, { immutable: true, data: { a: '1' } }, (o) => ({ ...o, immutable: false }), [['FieldValueForbidden', 'immutable']]],
    ['pod spec beyond images', pods, { spec: { containers: [c('a')] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), restartPolicy: 'Never' } }), [['FieldValueForbidden', 'spec']]],
    ['pod scheduling gate removed', pods, { spec: { containers: [c('a')], schedulingGates: [{ name: 'g1' }, { name: 'g2' }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), schedulingGates: [{ name: 'g2' }] } }), []],
    ['pod scheduling gate added', pods, { spec: { containers: [c('a')], schedulingGates: [{ name: 'g1' }] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), schedulingGates: [{ name: 'g1' }, { name: 'g3' }] } }), [['FieldValueForbidden', 'spec.schedulingGates']]],
    ['pod image', pods, { spec: { containers: [c('a')] } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), containers: [{ ...((o['spec'] as Body)['containers'] as Body[])[0], image: 'nginx:2' }] } }), []],
    ['job selector and template', jobs, { spec: { template: jobTemplate() } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), template: { ...((o['spec'] as Body)['template'] as Body), spec: jobTemplate({ restartPolicy: 'OnFailure' })['spec'] } } }), [['FieldValueInvalid', 'spec.template']]],
    ['rolebinding roleRef', rolebindings, { roleRef: { kind: 'Role', name: 'a' } }, (o) => ({ ...o, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'b' } }), [['FieldValueInvalid', 'roleRef']]],
    ['priorityclass value', priorityclasses, { value: 10 }, (o) => ({ ...o, value: 11 }), [['FieldValueForbidden', 'value']]],
    ['storageclass parameters', storageclasses, { provisioner: 'x.io/p', parameters: { a: '1' } }, (o) => ({ ...o, parameters: { a: '2' } }), [['FieldValueForbidden', 'parameters']]],
    ['endpointslice address type', endpointslices, { addressType: 'IPv4' }, (o) => ({ ...o, addressType: 'IPv6' }), [['FieldValueInvalid', 'addressType']]],
    ['pvc storage class', persistentvolumeclaims, { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), storageClassName: 'fast' } }), [['FieldValueForbidden', 'spec']]],
    ['pvc growing its request', persistentvolumeclaims, { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }, (o) => ({ ...o, spec: { ...(o['spec'] as Body), resources: { requests: { storage: '2Gi' } } } }), []],
    ['ingressclass controller', ingressclasses, { spec: { controller: 'example.com/a' } }, (o) => ({ ...o, spec: { controller: 'example.com/b' } }), [['FieldValueInvalid', 'spec.controller']]],
  ];
  for (const [what, def, body, change, want] of cases) {
    it(what, () => {
      const created = create(def, body, NAME);
      assert.deepEqual(created.errors, [], 'the original is valid');
      assert.deepEqual(update(def, created.obj, change(structuredClone(created.obj) as Body)).errors, want);
    });
  }
});
