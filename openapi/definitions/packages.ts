/**
 * Which upstream package each built-in type lives in. The client library's model names carry no
 * group (`V1Deployment`, `V1PodSpec`), but upstream definition names do
 * (`io.k8s.api.apps.v1.Deployment`), so this table is the bridge. The model class of a type is
 * `<Group><Version><Name>` when the library had to disambiguate (`CoreV1Event`), else
 * `<Version><Name>`; see `modelNameCandidates`.
 */

export interface PackageInfo {
  /** Upstream Go package path, dotted and reversed, as used in definition names. */
  readonly pkg: string;
  /** API group served by this package ('' for core); undefined for packages without kinds. */
  readonly group?: string;
  readonly version: string;
  /** Short type names published from this package. */
  readonly types: readonly string[];
}

const api = (name: string, version: string, group: string, types: string): PackageInfo => ({
  pkg: `io.k8s.api.${name}.${version}`,
  group,
  version,
  types: types.split(/\s+/).filter(Boolean),
});

/** Keyed by a short alias (`apps.v1`) that the facts table also uses. */
export const PACKAGES: Readonly<Record<string, PackageInfo>> = {
  'meta.v1': {
    pkg: 'io.k8s.apimachinery.pkg.apis.meta.v1',
    version: 'v1',
    types: `APIGroup APIGroupList APIResource APIResourceList APIVersions Condition DeleteOptions
      FieldSelectorRequirement GroupVersionForDiscovery LabelSelector LabelSelectorRequirement ListMeta
      ManagedFieldsEntry ObjectMeta OwnerReference Preconditions ServerAddressByClientCIDR Status StatusCause
      StatusDetails WatchEvent`.split(/\s+/),
  },
  'core.v1': api('core', 'v1', '', `
    AWSElasticBlockStoreVolumeSource Affinity AppArmorProfile AttachedVolume AzureDiskVolumeSource
    AzureFilePersistentVolumeSource AzureFileVolumeSource Binding CSIPersistentVolumeSource CSIVolumeSource
    Capabilities CephFSPersistentVolumeSource CephFSVolumeSource CinderPersistentVolumeSource CinderVolumeSource
    ClientIPConfig ClusterTrustBundleProjection ComponentCondition ComponentStatus ComponentStatusList
    ConfigMap ConfigMapEnvSource ConfigMapKeySelector ConfigMapList
    ConfigMapNodeConfigSource ConfigMapProjection ConfigMapVolumeSource Container ContainerExtendedResourceRequest
    ContainerImage ContainerPort ContainerResizePolicy ContainerRestartRule ContainerRestartRuleOnExitCodes
    ContainerState ContainerStateRunning ContainerStateTerminated ContainerStateWaiting ContainerStatus
    ContainerUser DaemonEndpoint DownwardAPIProjection DownwardAPIVolumeFile DownwardAPIVolumeSource
    EmptyDirVolumeSource EndpointAddress EndpointPort EndpointSubset Endpoints EndpointsList EnvFromSource EnvVar
    EnvVarSource EphemeralContainer EphemeralVolumeSource Event EventList EventSeries EventSource ExecAction
    FCVolumeSource FileKeySelector FlexPersistentVolumeSource FlexVolumeSource FlockerVolumeSource
    GCEPersistentDiskVolumeSource GRPCAction GitRepoVolumeSource GlusterfsPersistentVolumeSource
    GlusterfsVolumeSource HTTPGetAction HTTPHeader HostAlias HostIP HostPathVolumeSource
    ISCSIPersistentVolumeSource ISCSIVolumeSource ImageVolumeSource KeyToPath Lifecycle LifecycleHandler
    LimitRange LimitRangeItem LimitRangeList LimitRangeSpec LinuxContainerUser LoadBalancerIngress
    LoadBalancerStatus LocalObjectReference LocalVolumeSource ModifyVolumeStatus NFSVolumeSource Namespace
    NamespaceCondition NamespaceList NamespaceSpec NamespaceStatus Node NodeAddress NodeAffinity NodeCondition
    NodeConfigSource NodeConfigStatus NodeDaemonEndpoints NodeFeatures NodeList NodeRuntimeHandler
    NodeRuntimeHandlerFeatures NodeSelector NodeSelectorRequirement NodeSelectorTerm NodeSpec NodeStatus
    NodeSwapStatus NodeSystemInfo ObjectFieldSelector ObjectReference PersistentVolume PersistentVolumeClaim
    PersistentVolumeClaimCondition PersistentVolumeClaimList PersistentVolumeClaimSpec PersistentVolumeClaimStatus
    PersistentVolumeClaimTemplate PersistentVolumeClaimVolumeSource PersistentVolumeList PersistentVolumeSpec
    PersistentVolumeStatus PhotonPersistentDiskVolumeSource Pod PodAffinity PodAffinityTerm PodAntiAffinity
    PodCertificateProjection PodCondition PodDNSConfig PodDNSConfigOption PodExtendedResourceClaimStatus PodIP
    PodList PodOS PodReadinessGate PodResourceClaim PodResourceClaimStatus PodSchedulingGate PodSecurityContext
    PodSpec PodStatus PodTemplate PodTemplateList PodTemplateSpec PortStatus PortworxVolumeSource PreferredSchedulingTerm Probe
    ProjectedVolumeSource QuobyteVolumeSource RBDPersistentVolumeSource RBDVolumeSource ReplicationController
    ReplicationControllerCondition ReplicationControllerList ReplicationControllerSpec ReplicationControllerStatus
    ResourceClaim ResourceFieldSelector ResourceHealth ResourceQuota ResourceQuotaList ResourceQuotaSpec
    ResourceQuotaStatus ResourceRequirements ResourceStatus SELinuxOptions ScaleIOPersistentVolumeSource
    ScaleIOVolumeSource ScopeSelector ScopedResourceSelectorRequirement SeccompProfile Secret SecretEnvSource
    SecretKeySelector SecretList SecretProjection SecretReference SecretVolumeSource SecurityContext Service
    ServiceAccount ServiceAccountList ServiceAccountTokenProjection ServiceList ServicePort ServiceSpec
    ServiceStatus SessionAffinityConfig SleepAction StorageOSPersistentVolumeSource StorageOSVolumeSource Sysctl
    TCPSocketAction Taint Toleration TopologySelectorLabelRequirement TopologySelectorTerm
    TopologySpreadConstraint TypedLocalObjectReference TypedObjectReference Volume VolumeDevice VolumeMount
    VolumeMountStatus VolumeNodeAffinity VolumeProjection VolumeResourceRequirements
    VsphereVirtualDiskVolumeSource WeightedPodAffinityTerm WindowsSecurityContextOptions`),
  'apps.v1': api('apps', 'v1', 'apps', `
    ControllerRevision ControllerRevisionList DaemonSet DaemonSetCondition DaemonSetList DaemonSetSpec
    DaemonSetStatus DaemonSetUpdateStrategy Deployment DeploymentCondition DeploymentList DeploymentSpec
    DeploymentStatus DeploymentStrategy ReplicaSet ReplicaSetCondition ReplicaSetList ReplicaSetSpec
    ReplicaSetStatus RollingUpdateDaemonSet RollingUpdateDeployment RollingUpdateStatefulSetStrategy StatefulSet
    StatefulSetCondition StatefulSetList StatefulSetOrdinals StatefulSetPersistentVolumeClaimRetentionPolicy
    StatefulSetSpec StatefulSetStatus StatefulSetUpdateStrategy`),
  'batch.v1': api('batch', 'v1', 'batch', `
    CronJob CronJobList CronJobSpec CronJobStatus Job JobCondition JobList JobSpec JobStatus JobTemplateSpec
    PodFailurePolicy PodFailurePolicyOnExitCodesRequirement PodFailurePolicyOnPodConditionsPattern
    PodFailurePolicyRule SuccessPolicy SuccessPolicyRule UncountedTerminatedPods`),
  'autoscaling.v1': api('autoscaling', 'v1', 'autoscaling', `
    CrossVersionObjectReference HorizontalPodAutoscaler HorizontalPodAutoscalerList HorizontalPodAutoscalerSpec
    HorizontalPodAutoscalerStatus Scale ScaleSpec ScaleStatus`),
  'autoscaling.v2': api('autoscaling', 'v2', 'autoscaling', `
    ContainerResourceMetricSource ContainerResourceMetricStatus CrossVersionObjectReference ExternalMetricSource
    ExternalMetricStatus HPAScalingPolicy HPAScalingRules HorizontalPodAutoscaler HorizontalPodAutoscalerBehavior
    HorizontalPodAutoscalerCondition HorizontalPodAutoscalerList HorizontalPodAutoscalerSpec
    HorizontalPodAutoscalerStatus MetricIdentifier MetricSpec MetricStatus MetricTarget MetricValueStatus
    ObjectMetricSource ObjectMetricStatus PodsMetricSource PodsMetricStatus ResourceMetricSource
    ResourceMetricStatus`),
  'networking.v1': api('networking', 'v1', 'networking.k8s.io', `
    HTTPIngressPath HTTPIngressRuleValue IPBlock Ingress IngressBackend IngressClass IngressClassList
    IngressClassParametersReference IngressClassSpec IngressList IngressLoadBalancerIngress
    IngressLoadBalancerStatus IngressPortStatus IngressRule IngressServiceBackend IngressSpec IngressStatus
    IngressTLS NetworkPolicy NetworkPolicyEgressRule NetworkPolicyIngressRule NetworkPolicyList NetworkPolicyPeer
    NetworkPolicyPort NetworkPolicySpec ServiceBackendPort IPAddress IPAddressList IPAddressSpec ParentReference ServiceCIDR
    ServiceCIDRList ServiceCIDRSpec ServiceCIDRStatus`),
  'policy.v1': api('policy', 'v1', 'policy', `
    Eviction PodDisruptionBudget PodDisruptionBudgetList PodDisruptionBudgetSpec PodDisruptionBudgetStatus`),
  'certificates.v1': api('certificates', 'v1', 'certificates.k8s.io', `
    CertificateSigningRequest CertificateSigningRequestCondition CertificateSigningRequestList
    CertificateSigningRequestSpec CertificateSigningRequestStatus`),
  'rbac.v1': api('rbac', 'v1', 'rbac.authorization.k8s.io', `
    AggregationRule ClusterRole ClusterRoleBinding ClusterRoleBindingList ClusterRoleList PolicyRule Role
    RoleBinding RoleBindingList RoleList RoleRef Subject`),
  'admissionregistration.v1': api('admissionregistration', 'v1', 'admissionregistration.k8s.io', `
    AuditAnnotation ExpressionWarning MatchCondition MatchResources MutatingWebhook MutatingWebhookConfiguration
    MutatingWebhookConfigurationList NamedRuleWithOperations ParamKind ParamRef RuleWithOperations ServiceReference
    TypeChecking ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding ValidatingAdmissionPolicyBindingList
    ValidatingAdmissionPolicyBindingSpec ValidatingAdmissionPolicyList ValidatingAdmissionPolicySpec
    ValidatingAdmissionPolicyStatus ValidatingWebhook ValidatingWebhookConfiguration
    ValidatingWebhookConfigurationList Validation Variable WebhookClientConfig`),
  'apiregistration.v1': {
    pkg: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1',
    group: 'apiregistration.k8s.io',
    version: 'v1',
    types: 'APIService APIServiceCondition APIServiceList APIServiceSpec APIServiceStatus ServiceReference'.split(' '),
  },
  'apiextensions.v1': {
    pkg: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1',
    group: 'apiextensions.k8s.io',
    version: 'v1',
    types: `CustomResourceColumnDefinition CustomResourceConversion CustomResourceDefinition
      CustomResourceDefinitionCondition CustomResourceDefinitionList CustomResourceDefinitionNames
      CustomResourceDefinitionSpec CustomResourceDefinitionStatus CustomResourceDefinitionVersion
      CustomResourceSubresourceScale CustomResourceSubresources CustomResourceValidation ExternalDocumentation
      JSONSchemaProps SelectableField ServiceReference ValidationRule WebhookClientConfig
      WebhookConversion`.split(/\s+/),
  },
  'coordination.v1': api('coordination', 'v1', 'coordination.k8s.io', 'Lease LeaseList LeaseSpec'),
  'scheduling.v1': api('scheduling', 'v1', 'scheduling.k8s.io', 'PriorityClass PriorityClassList'),
  'storage.v1': api('storage', 'v1', 'storage.k8s.io', `
    CSIDriver CSIDriverList CSIDriverSpec CSINode CSINodeDriver CSINodeList CSINodeSpec StorageClass StorageClassList
    TokenRequest VolumeAttachment VolumeAttachmentList VolumeAttachmentSource VolumeAttachmentSpec
    VolumeAttachmentStatus VolumeError VolumeNodeResources CSIStorageCapacity CSIStorageCapacityList
    VolumeAttributesClass VolumeAttributesClassList`),
  'node.v1': api('node', 'v1', 'node.k8s.io', 'Overhead RuntimeClass RuntimeClassList Scheduling'),
  'events.v1': api('events', 'v1', 'events.k8s.io', 'Event EventList EventSeries'),
  'discovery.v1': api('discovery', 'v1', 'discovery.k8s.io', `
    Endpoint EndpointConditions EndpointHints EndpointPort EndpointSlice EndpointSliceList ForNode ForZone`),
  'flowcontrol.v1': api('flowcontrol', 'v1', 'flowcontrol.apiserver.k8s.io', `
    ExemptPriorityLevelConfiguration FlowDistinguisherMethod FlowSchema FlowSchemaCondition FlowSchemaList
    FlowSchemaSpec FlowSchemaStatus GroupSubject LimitResponse LimitedPriorityLevelConfiguration
    NonResourcePolicyRule PolicyRulesWithSubjects PriorityLevelConfiguration PriorityLevelConfigurationCondition
    PriorityLevelConfigurationList PriorityLevelConfigurationReference PriorityLevelConfigurationSpec
    PriorityLevelConfigurationStatus QueuingConfiguration ResourcePolicyRule ServiceAccountSubject Subject
    UserSubject`),
  'resource.v1': api('resource', 'v1', 'resource.k8s.io', `
    AllocatedDeviceStatus AllocationResult CELDeviceSelector CapacityRequestPolicy CapacityRequestPolicyRange
    CapacityRequirements Counter CounterSet Device DeviceAllocationConfiguration DeviceAllocationResult
    DeviceAttribute DeviceCapacity DeviceClaim DeviceClaimConfiguration DeviceClass DeviceClassConfiguration
    DeviceClassList DeviceClassSpec DeviceConstraint DeviceCounterConsumption DeviceRequest
    DeviceRequestAllocationResult DeviceSelector DeviceSubRequest DeviceTaint DeviceToleration
    ExactDeviceRequest NetworkDeviceData NodeAllocatableResourceMapping OpaqueDeviceConfiguration
    ResourceClaim ResourceClaimConsumerReference ResourceClaimList ResourceClaimSpec ResourceClaimStatus
    ResourceClaimTemplate ResourceClaimTemplateList ResourceClaimTemplateSpec ResourcePool ResourceSlice
    ResourceSliceList ResourceSliceSpec`),
  'authentication.v1': api('authentication', 'v1', 'authentication.k8s.io', `
    BoundObjectReference SelfSubjectReview SelfSubjectReviewStatus TokenRequest TokenRequestSpec
    TokenRequestStatus TokenReview TokenReviewSpec TokenReviewStatus UserInfo`),
  'authorization.v1': api('authorization', 'v1', 'authorization.k8s.io', `
    FieldSelectorAttributes LabelSelectorAttributes LocalSubjectAccessReview NonResourceAttributes
    NonResourceRule ResourceAttributes ResourceRule SelfSubjectAccessReview SelfSubjectAccessReviewSpec
    SelfSubjectRulesReview SelfSubjectRulesReviewSpec SubjectAccessReview SubjectAccessReviewSpec
    SubjectAccessReviewStatus SubjectRulesReviewStatus`),
  // Packages of the hand-written scalar and free-form types (see special-types.ts).
  resource: { pkg: 'io.k8s.apimachinery.pkg.api.resource', version: '', types: [] },
  intstr: { pkg: 'io.k8s.apimachinery.pkg.util.intstr', version: '', types: [] },
  runtime: { pkg: 'io.k8s.apimachinery.pkg.runtime', version: '', types: [] },
};

/**
 * Kinds of meta.k8s.io types that the core group serves (`/api/v1` answers `Status`, discovery
 * answers the lists); they carry the core group's group-version-kind. Kinds of API packages are
 * recognised by their `apiVersion`, `kind` and `metadata` fields instead.
 */
export const META_KINDS: readonly string[] = ['Status', 'APIResourceList', 'APIGroupList', 'APIGroup', 'APIVersions'];

/** `io.k8s.api.apps.v1.Deployment` for `apps.v1.Deployment`. */
export function definitionName(aliasAndType: string): string {
  const dot = aliasAndType.lastIndexOf('.');
  const info = PACKAGES[aliasAndType.slice(0, dot)];
  if (!info) throw new Error(`unknown package alias in ${aliasAndType}`);
  return `${info.pkg}.${aliasAndType.slice(dot + 1)}`;
}

/** The package alias serving a group-version, if it is a built-in one. */
export function aliasOfGroupVersion(group: string, version: string): string | undefined {
  for (const [alias, info] of Object.entries(PACKAGES)) {
    if (info.group === group && info.version === version) return alias;
  }
  return undefined;
}

/** Client-library class names to try for a type, most specific first. */
export function modelNameCandidates(alias: string, type: string): string[] {
  const [group = '', version = ''] = alias.split('.');
  const v = version.charAt(0).toUpperCase() + version.slice(1);
  return [`${pascal(group)}${v}${type}`, `${v}${type}`];
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
