/**
 * Schema facts the client library's models do not carry, written down from the Kubernetes API
 * types (their `+patchStrategy`, `+listType`, `+mapType` markers and field types). Strategic merge
 * patch, server-side apply, client-side validation and `kubectl explain` all depend on them.
 *
 * Keys are `alias.Type` (aliases from definitions/packages.ts); property facts are keyed by the
 * JSON field name. Rules that need no table: every array property is `x-kubernetes-list-type:
 * atomic` unless listed here, except `items` of a `*List` kind, which has no list type.
 */

export interface PropertyFact {
  readonly patchStrategy?: 'merge' | 'merge,retainKeys' | 'retainKeys' | 'replace';
  readonly mergeKey?: string;
  /** `none` publishes no list type at all. */
  readonly listType?: 'atomic' | 'map' | 'set' | 'none';
  readonly mapKeys?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
  /**
   * The definition (`alias.Type`) that the property's innermost scalar or free-form value really
   * is: the client models flatten Quantity to string and RawExtension, JSON and FieldsV1 to `any`.
   */
  readonly leaf?: string;
}

/** A list merged by key in both SMP and SSA. */
const byKey = (key: string, ...moreKeys: string[]): PropertyFact => ({
  patchStrategy: 'merge', mergeKey: key, listType: 'map', mapKeys: [key, ...moreKeys],
});
/** Same, but SMP also drops keys not in the patch (`retainKeys`). */
const byKeyRetain = (key: string): PropertyFact => ({ ...byKey(key), patchStrategy: 'merge,retainKeys' });
/** An SSA-only keyed list (no SMP strategy). */
const mapList = (...keys: string[]): PropertyFact => ({ listType: 'map', mapKeys: keys });
const SET: PropertyFact = { listType: 'set' };
const ATOMIC_MAP: PropertyFact = { mapType: 'atomic' };
const QUANTITY: PropertyFact = { leaf: 'resource.Quantity' };
const CONDITIONS = byKey('type');

const CONTAINER_LISTS: Readonly<Record<string, PropertyFact>> = {
  env: byKey('name'),
  ports: byKey('containerPort', 'protocol'),
  volumeDevices: byKey('devicePath'),
  volumeMounts: byKey('mountPath'),
};

export const PROPERTY_FACTS: Readonly<Record<string, Readonly<Record<string, PropertyFact>>>> = {
  'meta.v1.ObjectMeta': {
    finalizers: { patchStrategy: 'merge', listType: 'set' },
    ownerReferences: byKey('uid'),
  },
  'meta.v1.APIResource': { verbs: { listType: 'none' } },
  'meta.v1.ManagedFieldsEntry': { fieldsV1: { leaf: 'meta.v1.FieldsV1' } },
  'meta.v1.WatchEvent': { object: { leaf: 'runtime.RawExtension' } },

  'core.v1.NamespaceStatus': { conditions: CONDITIONS },
  'core.v1.ServiceAccount': { secrets: byKey('name') },
  'core.v1.ServiceSpec': { ports: byKey('port', 'protocol'), selector: ATOMIC_MAP },
  'core.v1.ServiceStatus': { conditions: CONDITIONS },
  'core.v1.PodSpec': {
    containers: byKey('name'),
    ephemeralContainers: byKey('name'),
    hostAliases: byKey('ip'),
    imagePullSecrets: byKey('name'),
    initContainers: byKey('name'),
    nodeSelector: ATOMIC_MAP,
    overhead: QUANTITY,
    resourceClaims: byKeyRetain('name'),
    schedulingGates: byKey('name'),
    topologySpreadConstraints: byKey('topologyKey', 'whenUnsatisfiable'),
    volumes: byKeyRetain('name'),
  },
  'core.v1.Container': CONTAINER_LISTS,
  'core.v1.EphemeralContainer': CONTAINER_LISTS,
  'core.v1.PodStatus': {
    conditions: CONDITIONS,
    hostIPs: { patchStrategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    podIPs: byKey('ip'),
    resourceClaimStatuses: byKeyRetain('name'),
    allocatedResources: QUANTITY,
  },
  'core.v1.ContainerStatus': {
    allocatedResources: QUANTITY,
    allocatedResourcesStatus: byKey('name'),
    volumeMounts: byKey('mountPath'),
  },
  'core.v1.ContainerRestartRuleOnExitCodes': { values: SET },
  'core.v1.ResourceRequirements': { claims: mapList('name'), limits: QUANTITY, requests: QUANTITY },
  'core.v1.VolumeResourceRequirements': { limits: QUANTITY, requests: QUANTITY },
  'core.v1.ResourceStatus': { resources: mapList('resourceID') },
  'core.v1.ResourceFieldSelector': { divisor: QUANTITY },
  'core.v1.EmptyDirVolumeSource': { sizeLimit: QUANTITY },
  'core.v1.PersistentVolumeClaimStatus': {
    conditions: CONDITIONS,
    allocatedResourceStatuses: { mapType: 'granular' },
    allocatedResources: QUANTITY,
    capacity: QUANTITY,
  },
  'core.v1.PersistentVolumeSpec': { capacity: QUANTITY, claimRef: { mapType: 'granular' } },
  'core.v1.NodeSpec': { podCIDRs: { patchStrategy: 'merge', listType: 'set' } },
  'core.v1.NodeStatus': { addresses: byKey('type'), allocatable: QUANTITY, capacity: QUANTITY, conditions: CONDITIONS },
  'core.v1.ReplicationControllerSpec': { selector: ATOMIC_MAP },
  'core.v1.ReplicationControllerStatus': { conditions: CONDITIONS },
  'core.v1.LimitRangeItem': {
    default: QUANTITY, defaultRequest: QUANTITY, max: QUANTITY, maxLimitRequestRatio: QUANTITY, min: QUANTITY,
  },
  'core.v1.ResourceQuotaSpec': { hard: QUANTITY },
  'core.v1.ResourceQuotaStatus': { hard: QUANTITY, used: QUANTITY },

  'apps.v1.ControllerRevision': { data: { leaf: 'runtime.RawExtension' } },
  'apps.v1.DeploymentSpec': { strategy: { patchStrategy: 'retainKeys' } },
  'apps.v1.DeploymentStatus': { conditions: CONDITIONS },
  'apps.v1.ReplicaSetStatus': { conditions: CONDITIONS },
  'apps.v1.StatefulSetStatus': { conditions: CONDITIONS },
  'apps.v1.DaemonSetStatus': { conditions: CONDITIONS },

  // Jobs merge conditions by type in SMP but treat them as atomic in SSA.
  'batch.v1.JobStatus': { conditions: { patchStrategy: 'merge', mergeKey: 'type', listType: 'atomic' } },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: SET },
  'batch.v1.UncountedTerminatedPods': { failed: SET, succeeded: SET },

  'autoscaling.v2.HorizontalPodAutoscalerStatus': { conditions: CONDITIONS },
  'autoscaling.v2.HPAScalingRules': { tolerance: QUANTITY },
  'autoscaling.v2.MetricTarget': { averageValue: QUANTITY, value: QUANTITY },
  'autoscaling.v2.MetricValueStatus': { averageValue: QUANTITY, value: QUANTITY },

  'certificates.v1.CertificateSigningRequestStatus': { conditions: mapList('type') },

  'admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: byKey('name') },
  'admissionregistration.v1.MutatingWebhook': { matchConditions: byKey('name') },
  'admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: byKey('name') },
  'admissionregistration.v1.ValidatingWebhook': { matchConditions: byKey('name') },
  'admissionregistration.v1.ValidatingAdmissionPolicySpec': { matchConditions: byKey('name'), variables: byKey('name') },
  'admissionregistration.v1.ValidatingAdmissionPolicyStatus': { conditions: mapList('type') },
  'admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': { validationActions: SET },

  // caBundle is []byte (a base64 string on the wire) that upstream marks +listType=atomic all the same.
  'apiregistration.v1.APIServiceSpec': { caBundle: { listType: 'atomic' } },
  'apiregistration.v1.APIServiceStatus': { conditions: CONDITIONS },

  'node.v1.Overhead': { podFixed: QUANTITY },
  'node.v1.Scheduling': { nodeSelector: ATOMIC_MAP },

  'storage.v1.CSIDriverSpec': { volumeLifecycleModes: SET },
  'storage.v1.CSINodeSpec': { drivers: byKey('name') },

  'flowcontrol.v1.FlowSchemaStatus': { conditions: CONDITIONS },
  'flowcontrol.v1.PriorityLevelConfigurationStatus': { conditions: CONDITIONS },
  'flowcontrol.v1.NonResourcePolicyRule': { nonResourceURLs: SET, verbs: SET },
  'flowcontrol.v1.ResourcePolicyRule': { apiGroups: SET, namespaces: SET, resources: SET, verbs: SET },

  'core.v1.ComponentStatus': { conditions: CONDITIONS },

  'networking.v1.ServiceCIDRStatus': { conditions: CONDITIONS },

  'storage.v1.CSIStorageCapacity': { capacity: QUANTITY, maximumVolumeSize: QUANTITY },

  'resource.v1.AllocatedDeviceStatus': { conditions: mapList('type'), data: { leaf: 'runtime.RawExtension' } },
  'resource.v1.CapacityRequestPolicy': { default: QUANTITY, validValues: QUANTITY },
  'resource.v1.CapacityRequestPolicyRange': { max: QUANTITY, min: QUANTITY, step: QUANTITY },
  'resource.v1.CapacityRequirements': { requests: QUANTITY },
  'resource.v1.Counter': { value: QUANTITY },
  'resource.v1.DeviceCapacity': { value: QUANTITY },
  'resource.v1.DeviceRequestAllocationResult': { consumedCapacity: QUANTITY },
  'resource.v1.OpaqueDeviceConfiguration': { parameters: { leaf: 'runtime.RawExtension' } },
  'resource.v1.ResourceClaimStatus': {
    devices: mapList('driver', 'device', 'pool', 'shareID'),
    reservedFor: byKey('uid'),
  },

  'policy.v1.PodDisruptionBudgetSpec': { selector: { patchStrategy: 'replace' } },
  'policy.v1.PodDisruptionBudgetStatus': { conditions: CONDITIONS },

  'discovery.v1.Endpoint': { addresses: SET },

  'apiextensions.v1.CustomResourceDefinitionStatus': { conditions: mapList('type') },
  'apiextensions.v1.CustomResourceSubresources': { status: { leaf: 'apiextensions.v1.CustomResourceSubresourceStatus' } },
  'apiextensions.v1.JSONSchemaProps': {
    'x-kubernetes-validations': byKey('rule'),
    additionalItems: { leaf: 'apiextensions.v1.JSONSchemaPropsOrBool' },
    additionalProperties: { leaf: 'apiextensions.v1.JSONSchemaPropsOrBool' },
    default: { leaf: 'apiextensions.v1.JSON' },
    dependencies: { leaf: 'apiextensions.v1.JSONSchemaPropsOrStringArray' },
    enum: { leaf: 'apiextensions.v1.JSON' },
    example: { leaf: 'apiextensions.v1.JSON' },
    items: { leaf: 'apiextensions.v1.JSONSchemaPropsOrArray' },
  },
};

/** Types replaced as a whole by SSA (`x-kubernetes-map-type: atomic` on the definition). */
export const ATOMIC_TYPES: readonly string[] = [
  'meta.v1.LabelSelector', 'meta.v1.OwnerReference',
  'core.v1.ConfigMapKeySelector', 'core.v1.EndpointAddress', 'core.v1.EndpointPort', 'core.v1.FileKeySelector',
  'core.v1.LocalObjectReference', 'core.v1.NodeSelector', 'core.v1.NodeSelectorTerm', 'core.v1.ObjectFieldSelector',
  'core.v1.ObjectReference', 'core.v1.ResourceFieldSelector', 'core.v1.ScopeSelector', 'core.v1.SecretKeySelector',
  'core.v1.SecretReference',
  'core.v1.TopologySelectorTerm', 'core.v1.TypedLocalObjectReference',
  'autoscaling.v1.CrossVersionObjectReference',
  'networking.v1.ServiceBackendPort',
  'rbac.v1.RoleRef', 'rbac.v1.Subject',
  'admissionregistration.v1.MatchResources', 'admissionregistration.v1.NamedRuleWithOperations',
  'admissionregistration.v1.ParamKind', 'admissionregistration.v1.ParamRef', 'admissionregistration.v1.Variable',
  'discovery.v1.EndpointPort',
];

/**
 * Required fields where the client models (generated from v1.34) disagree with the v1.35 API
 * types; the entry replaces the model-derived list for that type.
 */
export const REQUIRED_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  'admissionregistration.v1.ValidatingAdmissionPolicyBinding': ['spec'],
  'admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': ['policyName', 'validationActions'],
  'networking.v1.IPAddress': ['spec'],
  'authentication.v1.TokenRequest': [],
  'authentication.v1.TokenRequestSpec': [],
  'authentication.v1.TokenRequestStatus': [],
  'authentication.v1.TokenReviewSpec': ['token'],
  'autoscaling.v1.HorizontalPodAutoscaler': ['spec'],
  'autoscaling.v2.HorizontalPodAutoscaler': ['spec'],
  'batch.v1.CronJob': ['spec'],
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': ['type'],
  'discovery.v1.EndpointSlice': ['addressType'],
  'policy.v1.PodDisruptionBudgetStatus': [],
  'rbac.v1.RoleRef': ['kind', 'name'],
  'scheduling.v1.PriorityClass': [],
};

/**
 * The values of the string fields kube marks `+enum` (its OpenAPI carries them as `enum`, which
 * `kubectl explain` shows under ENUM), by definition and property; for a list, of its items.
 */
export const PROPERTY_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'core.v1.ServiceSpec': {
    type: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    sessionAffinity: ['ClientIP', 'None'],
    ipFamilyPolicy: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
    ipFamilies: ['', 'IPv4', 'IPv6'],
  },
  'core.v1.ServicePort': { protocol: ['SCTP', 'TCP', 'UDP'] },
  'core.v1.ContainerPort': { protocol: ['SCTP', 'TCP', 'UDP'] },
  'core.v1.Container': {
    imagePullPolicy: ['Always', 'IfNotPresent', 'Never'],
    terminationMessagePolicy: ['FallbackToLogsOnError', 'File'],
  },
  'core.v1.PodSpec': {
    restartPolicy: ['Always', 'Never', 'OnFailure'],
    dnsPolicy: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
    preemptionPolicy: ['Never', 'PreemptLowerPriority'],
  },
  'core.v1.PodStatus': {
    phase: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
    qosClass: ['BestEffort', 'Burstable', 'Guaranteed'],
  },
  'core.v1.NamespaceStatus': { phase: ['Active', 'Terminating'] },
  'core.v1.PersistentVolumeSpec': { persistentVolumeReclaimPolicy: ['Delete', 'Recycle', 'Retain'], volumeMode: ['Block', 'Filesystem'] },
  'core.v1.PersistentVolumeClaimSpec': { volumeMode: ['Block', 'Filesystem'] },
  'core.v1.Toleration': { operator: ['Equal', 'Exists'], effect: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] },
  'core.v1.Taint': { effect: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] },
  'core.v1.NodeSelectorRequirement': { operator: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] },
  'core.v1.HTTPGetAction': { scheme: ['HTTP', 'HTTPS'] },
  'apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'apps.v1.StatefulSetSpec': { podManagementPolicy: ['OrderedReady', 'Parallel'] },
  'apps.v1.StatefulSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'apps.v1.DaemonSetUpdateStrategy': { type: ['OnDelete', 'RollingUpdate'] },
  'batch.v1.CronJobSpec': { concurrencyPolicy: ['Allow', 'Forbid', 'Replace'] },
  'batch.v1.JobSpec': { completionMode: ['Indexed', 'NonIndexed'], podReplacementPolicy: ['Failed', 'TerminatingOrFailed'] },
  'networking.v1.HTTPIngressPath': { pathType: ['Exact', 'ImplementationSpecific', 'Prefix'] },
};
