/**
 * The built-in resources as OpenAPI catalog entries. The registry remains the authority on what
 * is served; this list lets the documents (and their tests) be built without it, and mirrors the
 * kinds the server registers.
 */
import type { CatalogResource } from './types.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

type Row = readonly [group: string, version: string, kind: string, plural: string, namespaced: boolean, subresources: string];

const ROWS: readonly Row[] = [
  ['', 'v1', 'Namespace', 'namespaces', false, 'status finalize'],
  ['', 'v1', 'ConfigMap', 'configmaps', true, ''],
  ['', 'v1', 'Secret', 'secrets', true, ''],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', true, 'token'],
  ['', 'v1', 'Service', 'services', true, 'status'],
  ['', 'v1', 'Endpoints', 'endpoints', true, ''],
  ['', 'v1', 'Pod', 'pods', true, 'status log binding eviction ephemeralcontainers resize'],
  ['', 'v1', 'Event', 'events', true, ''],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, 'status'],
  ['', 'v1', 'LimitRange', 'limitranges', true, ''],
  ['', 'v1', 'ResourceQuota', 'resourcequotas', true, 'status'],
  ['', 'v1', 'ReplicationController', 'replicationcontrollers', true, 'status scale'],
  ['', 'v1', 'Node', 'nodes', false, 'status'],
  ['', 'v1', 'PersistentVolume', 'persistentvolumes', false, 'status'],
  ['', 'v1', 'PodTemplate', 'podtemplates', true, ''],
  ['apiregistration.k8s.io', 'v1', 'APIService', 'apiservices', false, 'status'],
  ['apps', 'v1', 'Deployment', 'deployments', true, 'status scale'],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', true, 'status scale'],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', true, 'status scale'],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', true, 'status'],
  ['apps', 'v1', 'ControllerRevision', 'controllerrevisions', true, ''],
  ['batch', 'v1', 'Job', 'jobs', true, 'status'],
  ['batch', 'v1', 'CronJob', 'cronjobs', true, 'status'],
  ['certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, 'approval status'],
  ['autoscaling', 'v1', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, 'status'],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, 'status'],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, 'status'],
  ['networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false, ''],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, ''],
  ['networking.k8s.io', 'v1', 'IPAddress', 'ipaddresses', false, ''],
  ['networking.k8s.io', 'v1', 'ServiceCIDR', 'servicecidrs', false, 'status'],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, 'status'],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true, ''],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false, ''],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true, ''],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false, ''],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, 'status'],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', true, ''],
  ['scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', false, ''],
  ['storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', false, ''],
  ['storage.k8s.io', 'v1', 'CSIDriver', 'csidrivers', false, ''],
  ['storage.k8s.io', 'v1', 'CSINode', 'csinodes', false, ''],
  ['storage.k8s.io', 'v1', 'VolumeAttachment', 'volumeattachments', false, 'status'],
  ['storage.k8s.io', 'v1', 'CSIStorageCapacity', 'csistoragecapacities', true, ''],
  ['storage.k8s.io', 'v1', 'VolumeAttributesClass', 'volumeattributesclasses', false, ''],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, ''],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, ''],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false, 'status'],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false, ''],
  ['node.k8s.io', 'v1', 'RuntimeClass', 'runtimeclasses', false, ''],
  ['events.k8s.io', 'v1', 'Event', 'events', true, ''],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true, ''],
  ['flowcontrol.apiserver.k8s.io', 'v1', 'FlowSchema', 'flowschemas', false, 'status'],
  ['flowcontrol.apiserver.k8s.io', 'v1', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', false, 'status'],
  ['resource.k8s.io', 'v1', 'DeviceClass', 'deviceclasses', false, ''],
  ['resource.k8s.io', 'v1', 'ResourceClaim', 'resourceclaims', true, 'status'],
  ['resource.k8s.io', 'v1', 'ResourceClaimTemplate', 'resourceclaimtemplates', true, ''],
  ['resource.k8s.io', 'v1', 'ResourceSlice', 'resourceslices', false, ''],
];

/** Read-only resources computed on each request (no storage, no writes, no watch). */
const READ_ONLY: readonly Row[] = [['', 'v1', 'ComponentStatus', 'componentstatuses', false, '']];

/** Create-only review resources (no storage, no reads). */
const REVIEWS: readonly Row[] = [
  ['authentication.k8s.io', 'v1', 'TokenReview', 'tokenreviews', false, ''],
  ['authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false, ''],
  ['authorization.k8s.io', 'v1', 'SubjectAccessReview', 'subjectaccessreviews', false, ''],
  ['authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, ''],
  ['authorization.k8s.io', 'v1', 'LocalSubjectAccessReview', 'localsubjectaccessreviews', true, ''],
  ['authorization.k8s.io', 'v1', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews', false, ''],
];

/** Namespaces are deleted one by one (their deletion is a lifecycle), so no deletecollection. */
const NO_COLLECTION_DELETE = new Set(['namespaces']);

const entry = (verbs: readonly string[]) => ([group, version, kind, plural, namespaced, subs]: Row): CatalogResource => ({
  group, version, kind, plural, namespaced,
  verbs: NO_COLLECTION_DELETE.has(plural) ? verbs.filter((v) => v !== 'deletecollection') : verbs,
  subresources: subs ? subs.split(' ') : [],
});

export const BUILTIN_CATALOG: readonly CatalogResource[] = [
  ...ROWS.map(entry(ALL)),
  ...READ_ONLY.map(entry(['get', 'list'])),
  ...REVIEWS.map(entry(['create'])),
];
