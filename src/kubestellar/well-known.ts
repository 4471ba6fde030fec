/**
 * The names KubeStellar and OCM put on objects (spec/kubestellar.md §1.9, §3.4, §7), in one
 * place so the binding engine, the transport, the status return and the work agent agree.
 */

export const CONTROL_GROUP = 'control.kubestellar.io';
export const CONTROL_VERSION = 'v1alpha1';
export const CONTROL_API_VERSION = `${CONTROL_GROUP}/${CONTROL_VERSION}`;

export const WORK_GROUP = 'work.open-cluster-management.io';
export const WORK_API_VERSION = `${WORK_GROUP}/v1`;
export const CLUSTER_GROUP = 'cluster.open-cluster-management.io';
export const CLUSTER_API_VERSION = `${CLUSTER_GROUP}/v1`;
export const CLUSTER_SET_API_VERSION = `${CLUSTER_GROUP}/v1beta2`;

/** ManifestWork labels and annotation written by the transport. */
export const BINDING_KEY_LABEL = 'transport.kubestellar.io/originOwnerReferenceBindingKey';
export const WDS_NAME_LABEL = 'transport.kubestellar.io/originWdsName';
export const BINDING_GENERATION_ANNOTATION = 'transport.kubestellar.io/originOwnerReferenceBindingGeneration';

/** Finalizers. */
export const POLICY_FINALIZER = 'bindingpolicy.kubestellar.io/kscontroller';
export const BINDING_FINALIZER = 'transport.kubestellar.io/object-cleanup';
export const MANIFESTWORK_FINALIZER = 'cluster.open-cluster-management.io/manifest-work-cleanup';
export const APPLIED_MANIFESTWORK_FINALIZER = 'cluster.open-cluster-management.io/applied-manifest-work-cleanup';

/** Labels the status return puts on WDS objects while it writes their status. */
export const SINGLETON_STATUS_LABEL = 'managed-by.kubestellar.io/singletonstatus';
export const MULTIWEC_STATUS_LABEL = 'managed-by.kubestellar.io/multiwecstatus';

/** User annotations on WDS objects. */
export const EXPAND_TEMPLATES_ANNOTATION = 'control.kubestellar.io/expand-templates';
export const PRESERVE_ANNOTATION = 'control.kubestellar.io/preserve';

/** ITS namespace holding per-cluster property ConfigMaps. */
export const CUSTOMIZATION_PROPERTIES_NAMESPACE = 'customization-properties';
/** WDS namespace holding CombinedStatus objects of cluster-scoped workload. */
export const REPORT_NAMESPACE = 'kubestellar-report';

/**
 * The statusFeedback value through which our work agent returns an object's whole `.status`
 * (type JsonRaw, the JSON text of the status) in `resourceStatus.manifests[].statusFeedback`.
 */
export const STATUS_FEEDBACK_NAME = 'status';

/** The Lease a work agent renews in its cluster namespace of the hub, as OCM's registration agent. */
export const CLUSTER_LEASE_NAME = 'managed-cluster-lease';

/** Annotation on a WEC object that makes the workload simulator fail it (never ready; Jobs fail). */
export const SIMULATE_FAILURE_ANNOTATION = 'simulator.kubestellar.io/fail';

/** Condition types OCM uses on ManagedCluster and ManifestWork. */
export const ManagedClusterConditions = {
  HubAccepted: 'HubAcceptedManagedCluster',
  Joined: 'ManagedClusterJoined',
  Available: 'ManagedClusterConditionAvailable',
} as const;
export const WorkConditions = {
  Applied: 'Applied',
  Available: 'Available',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
} as const;

/**
 * Upsync (docs/upsync.md): the per-(WDS, cluster) ManifestWork that asks a work agent to report
 * WEC objects back, the annotation carrying its clauses, the statusFeedback value holding each
 * reported object, the annotation on WDS copies naming their WEC, and the policy conditions.
 */
export const UPSYNC_LABEL = 'control.kubestellar.io/upsync';
export const UPSYNC_CLAUSES_ANNOTATION = 'control.kubestellar.io/upsync-clauses';
export const UPSYNCED_FROM_ANNOTATION = 'control.kubestellar.io/upsynced-from';
export const UPSYNC_WORK_PREFIX = 'upsync-';
export const UPSYNC_FEEDBACK_NAME = 'object';
export const UPSYNC_CONFLICT_CONDITION = 'UpsyncConflict';
export const UPSYNC_SYNCED_CONDITION = 'UpsyncSynced';
