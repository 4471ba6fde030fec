import assert from 'node:assert/strict';
import { ALL_VERBS, type ResourceDefinition } from '../../../../src/registry/definition.js';
import { builtinResources } from '../../../../src/registry/builtin/index.js';
import { coreResources } from '../../../../src/registry/builtin/core.js';

/**
 * What kube-apiserver v1.33 discovery says of each resource, written down independently of the
 * definitions: [group, versions, kind, plural, namespaced, shortNames, categories, subresources, generation].
 * Every verb list is all eight except namespaces' (no deletecollection), componentstatuses'
 * (get and list: computed, read-only) and bindings' (create: an action on pods, never stored).
 */
type Row = [string, string[], string, string, boolean, string[], string[], string, boolean];

const UPSTREAM: Row[] = [
  ['', ['v1'], 'Binding', 'bindings', true, [], [], '', false],
  ['', ['v1'], 'ComponentStatus', 'componentstatuses', false, ['cs'], [], '', false],
  ['', ['v1'], 'ConfigMap', 'configmaps', true, ['cm'], [], '', false],
  ['', ['v1'], 'Endpoints', 'endpoints', true, ['ep'], [], '', false],
  ['', ['v1'], 'Event', 'events', true, ['ev'], [], '', false],
  ['', ['v1'], 'LimitRange', 'limitranges', true, ['limits'], [], '', false],
  ['', ['v1'], 'Namespace', 'namespaces', false, ['ns'], [], 'status finalize', false],
  ['', ['v1'], 'Node', 'nodes', false, ['no'], [], 'status', false],
  ['', ['v1'], 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], [], 'status', false],
  ['', ['v1'], 'PersistentVolume', 'persistentvolumes', false, ['pv'], [], 'status', false],
  ['', ['v1'], 'Pod', 'pods', true, ['po'], ['all'], 'status', true],
  ['', ['v1'], 'PodTemplate', 'podtemplates', true, [], [], '', true],
  ['', ['v1'], 'ReplicationController', 'replicationcontrollers', true, ['rc'], ['all'], 'status scale', true],
  ['', ['v1'], 'ResourceQuota', 'resourcequotas', true, ['quota'], [], 'status', false],
  ['', ['v1'], 'Secret', 'secrets', true, [], [], '', false],
  ['', ['v1'], 'ServiceAccount', 'serviceaccounts', true, ['sa'], [], '', false],
  ['', ['v1'], 'Service', 'services', true, ['svc'], ['all'], 'status', false],
  ['apiregistration.k8s.io', ['v1'], 'APIService', 'apiservices', false, [], ['api-extensions'], 'status', false],
  ['apps', ['v1'], 'ControllerRevision', 'controllerrevisions', true, [], [], '', false],
  ['apps', ['v1'], 'DaemonSet', 'daemonsets', true, ['ds'], ['all'], 'status', true],
  ['apps', ['v1'], 'Deployment', 'deployments', true, ['deploy'], ['all'], 'status scale', true],
  ['apps', ['v1'], 'ReplicaSet', 'replicasets', true, ['rs'], ['all'], 'status scale', true],
  ['apps', ['v1'], 'StatefulSet', 'statefulsets', true, ['sts'], ['all'], 'status scale', true],
  ['events.k8s.io', ['v1'], 'Event', 'events', true, ['ev'], [], '', false],
  ['autoscaling', ['v2', 'v1'], 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ['all'], 'status', false],
  ['batch', ['v1'], 'CronJob', 'cronjobs', true, ['cj'], ['all'], 'status', true],
  ['batch', ['v1'], 'Job', 'jobs', true, [], ['all'], 'status', true],
  ['certificates.k8s.io', ['v1'], 'CertificateSigningRequest', 'certificatesigningrequests', false, ['csr'], [], 'status approval', false],
  ['networking.k8s.io', ['v1'], 'IngressClass', 'ingressclasses', false, [], [], '', true],
  ['networking.k8s.io', ['v1'], 'Ingress', 'ingresses', true, ['ing'], [], 'status', true],
  ['networking.k8s.io', ['v1'], 'IPAddress', 'ipaddresses', false, ['ip'], [], '', false],
  ['networking.k8s.io', ['v1'], 'NetworkPolicy', 'networkpolicies', true, ['netpol'], [], '', true],
  ['networking.k8s.io', ['v1'], 'ServiceCIDR', 'servicecidrs', false, [], [], 'status', false],
  ['policy', ['v1'], 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], [], 'status', true],
  ['rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', 'clusterrolebindings', false, [], [], '', false],
  ['rbac.authorization.k8s.io', ['v1'], 'ClusterRole', 'clusterroles', false, [], [], '', false],
  ['rbac.authorization.k8s.io', ['v1'], 'RoleBinding', 'rolebindings', true, [], [], '', false],
  ['rbac.authorization.k8s.io', ['v1'], 'Role', 'roles', true, [], [], '', false],
  ['storage.k8s.io', ['v1'], 'CSIDriver', 'csidrivers', false, [], [], '', false],
  ['storage.k8s.io', ['v1'], 'CSINode', 'csinodes', false, [], [], '', false],
  ['storage.k8s.io', ['v1'], 'CSIStorageCapacity', 'csistoragecapacities', true, [], [], '', false],
  ['storage.k8s.io', ['v1'], 'StorageClass', 'storageclasses', false, ['sc'], [], '', false],
  ['storage.k8s.io', ['v1'], 'VolumeAttachment', 'volumeattachments', false, [], [], 'status', false],
  ['storage.k8s.io', ['v1'], 'VolumeAttributesClass', 'volumeattributesclasses', false, ['vac'], [], '', false],
  ['admissionregistration.k8s.io', ['v1'], 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, [], ['api-extensions'], '', true],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false, [], ['api-extensions'], 'status', true],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false, [], ['api-extensions'], '', true],
  ['admissionregistration.k8s.io', ['v1'], 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, [], ['api-extensions'], '', true],
  ['apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], ['api-extensions'], 'status', true],
  ['scheduling.k8s.io', ['v1'], 'PriorityClass', 'priorityclasses', false, ['pc'], [], '', false],
  ['coordination.k8s.io', ['v1'], 'Lease', 'leases', true, [], [], '', false],
  ['node.k8s.io', ['v1'], 'RuntimeClass', 'runtimeclasses', false, [], [], '', false],
  ['discovery.k8s.io', ['v1'], 'EndpointSlice', 'endpointslices', true, [], [], '', true],
  ['flowcontrol.apiserver.k8s.io', ['v1'], 'FlowSchema', 'flowschemas', false, [], [], 'status', true],
  ['flowcontrol.apiserver.k8s.io', ['v1'], 'PriorityLevelConfiguration', 'prioritylevelconfigurations', false, [], [], 'status', true],
  ['resource.k8s.io', ['v1'], 'DeviceClass', 'deviceclasses', false, [], [], '', true],
  ['resource.k8s.io', ['v1'], 'ResourceClaim', 'resourceclaims', true, [], [], 'status', false],
  ['resource.k8s.io', ['v1'], 'ResourceClaimTemplate', 'resourceclaimtemplates', true, [], [], '', false],
  ['resource.k8s.io', ['v1'], 'ResourceSlice', 'resourceslices', false, [], [], '', true],
];

const VERBS: Record<string, string[]> = {
  namespaces: ALL_VERBS.filter((v) => v !== 'deletecollection'),
  componentstatuses: ['get', 'list'],
  bindings: ['create'],
};

const subresourcesOf = (d: ResourceDefinition): string =>
  [d.subresources.status && 'status', d.subresources.finalize && 'finalize', d.subresources.scale && 'scale', d.subresources.approval && 'approval'].filter(Boolean).join(' ');

describe('built-in resource identity', () => {
  it('serves exactly the upstream list, in upstream discovery order', () => {
    assert.deepEqual(
      builtinResources.map((d) => `${d.group}/${d.plural}`),
      UPSTREAM.map(([g, , , plural]) => `${g}/${plural}`),
    );
  });

  for (const [group, versions, kind, plural, namespaced, shortNames, categories, subresources, generation] of UPSTREAM) {
    it(`${plural}${group ? `.${group}` : ''}`, () => {
      const d = builtinResources.find((x) => x.group === group && x.plural === plural);
      assert.ok(d, 'defined');
      assert.deepEqual(
        {
          version: d.version,
          versions: d.versions,
          kind: d.kind,
          listKind: d.listKind,
          singular: d.singular,
          namespaced: d.namespaced,
          shortNames: d.shortNames,
          categories: d.categories,
          verbs: [...d.verbs].sort(),
          subresources: subresourcesOf(d),
          generation: d.strategy.tracksGeneration,
        },
        {
          version: versions[0],
          versions,
          kind,
          listKind: `${kind}List`,
          singular: kind.toLowerCase(),
          namespaced,
          shortNames,
          categories,
          verbs: VERBS[plural] ?? [...ALL_VERBS],
          subresources,
          generation,
        },
      );
    });
  }

  it('lists core/v1 first, alphabetically', () => {
    const plurals = coreResources.map((d) => d.plural);
    assert.deepEqual(plurals, [...plurals].sort());
    assert.deepEqual(builtinResources.slice(0, coreResources.length), coreResources);
  });

  it('points scale at spec.replicas, status.replicas and the selector', () => {
    for (const d of builtinResources.filter((x) => x.subresources.scale)) {
      assert.deepEqual(d.subresources.scale, { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: 'spec.selector' }, d.plural);
    }
  });

  it('uses upstream name formats: DNS labels for namespaces, DNS-1035 for services, path segments for RBAC', () => {
    const check = (plural: string, name: string): number => builtinResources.find((d) => d.plural === plural)!.nameValidator!(name, false).length;
    assert.ok(check('namespaces', 'a.b') > 0);
    assert.ok(check('services', '1abc') > 0);
    assert.equal(check('services', 'abc-1'), 0);
    assert.equal(check('clusterroles', 'system:controller:x'), 0);
    assert.equal(builtinResources.find((d) => d.plural === 'deployments')!.nameValidator, undefined);
  });

  it('gives every column a name, a known type and a cell; Name first except for Events', () => {
    for (const d of builtinResources) {
      const names = d.columns.map((c) => c.name);
      if (d.kind === 'Event') assert.equal(names[0], 'Last Seen');
      else assert.equal(d.columns[0]?.format, 'name', d.plural);
      for (const c of d.columns) assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type), `${d.plural} ${c.name}`);
    }
  });
});

describe('built-in strategies on malformed bodies', () => {
  const odd: Record<string, unknown>[] = [
    {},
    { spec: 'x', status: 7, data: 1, subsets: 'no', rules: [1, null], roleRef: 'r', subjects: {} },
    { spec: { template: 'x', jobTemplate: [], selector: 'app=web', ports: [null, 'x', { port: 'http' }], containers: 5, metrics: [{}] } },
    { spec: { template: { metadata: 'm', spec: { containers: [null, 1, { name: 5, image: {} }], volumes: 'v' } }, strategy: 'x', updateStrategy: [] } },
  ];
  for (const d of builtinResources) {
    it(`${d.plural}${d.group ? `.${d.group}` : ''} never throws`, () => {
      for (const body of odd) {
        const obj = { ...structuredClone(body), metadata: { name: 'x', namespace: 'default', uid: 'u' } };
        d.strategy.prepareForCreate(obj);
        d.strategy.validate(obj);
        for (const c of d.columns) c.cell(obj);
        const next = { ...structuredClone(body), metadata: { name: 'x', namespace: 'default', uid: 'u', resourceVersion: '1' } };
        d.strategy.prepareForUpdate(next, obj);
        d.strategy.validateUpdate(next, obj);
      }
    });
  }
});
