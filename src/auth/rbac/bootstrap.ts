/**
 * The default RBAC policy each space starts with, after kube-apiserver's bootstrap policy:
 * cluster-admin, the user-facing admin/edit/view (empty aggregated roles, filled from the
 * `system:aggregate-to-*` parts and any other ClusterRole carrying an aggregate-to-* label),
 * the discovery/basic-user/public-info roles and their bindings. Lists inside a rule are sorted,
 * as kube's rule builder stores them. In a WDS our extra API groups (control.kubestellar.io and
 * OCM's) get their own aggregate-to-* parts, so admin/edit/view cover them as users expect.
 */
import type { KubeObject } from '../../api/object.js';
import { CLUSTER_GROUP, CONTROL_GROUP, WORK_GROUP } from '../../kubestellar/well-known.js';
import { ALL_AUTHENTICATED, ALL_SERVICE_ACCOUNTS_GROUP, ALL_UNAUTHENTICATED, SYSTEM_MASTERS } from '../user.js';
import { RBAC_GROUP, type PolicyRule } from './types.js';

export const BOOTSTRAP_LABELS: Readonly<Record<string, string>> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const READ_WRITE = [...READ, ...WRITE];

const sorted = (l: readonly string[]): string[] => [...l].sort();
const rule = (verbs: readonly string[], groups: readonly string[], resources: readonly string[], names?: readonly string[]): PolicyRule => ({
  verbs: sorted(verbs),
  apiGroups: sorted(groups),
  resources: sorted(resources),
  ...(names !== undefined && { resourceNames: sorted(names) }),
});
const urls = (verbs: readonly string[], paths: readonly string[]): PolicyRule => ({ verbs: sorted(verbs), nonResourceURLs: sorted(paths) });

function meta(name: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } };
}

function clusterRole(name: string, rules: readonly PolicyRule[], labels?: Record<string, string>, aggregateFrom?: string): KubeObject {
  const role: KubeObject = { apiVersion: `${RBAC_GROUP}/v1`, kind: 'ClusterRole', metadata: meta(name, labels) };
  if (aggregateFrom !== undefined) role['aggregationRule'] = { clusterRoleSelectors: [{ matchLabels: { [aggregateFrom]: 'true' } }] };
  role['rules'] = rules.map((r) => ({ ...r }));
  return role;
}

const aggregateToViewRules: readonly PolicyRule[] = [
  rule(READ, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
  rule(READ, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
  // Reading namespaces in a namespace scope means reading *this* namespace.
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/status', 'statefulsets/scale', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/status', 'deployments/scale', 'replicasets', 'replicasets/status', 'replicasets/scale']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
  rule(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale', 'networkpolicies']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
];

const aggregateToEditRules: readonly PolicyRule[] = [
  // Read access to the escalating resources view leaves out.
  rule(READ, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
  rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
];

const aggregateToAdminRules: readonly PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule(READ_WRITE, [RBAC_GROUP], ['roles', 'rolebindings']),
];

/**
 * This server's additions: events.k8s.io (kube's roles only name core events) and the
 * KubeStellar and OCM kinds. Users author BindingPolicies, StatusCollectors, CustomTransforms
 * and ManifestWorks; Bindings, CombinedStatuses and cluster registration are controller-owned,
 * so edit only reads them.
 */
const extraViewRules: readonly PolicyRule[] = [
  rule(READ, ['events.k8s.io'], ['events']),
  rule(READ, [CONTROL_GROUP], ['bindingpolicies', 'bindingpolicies/status', 'bindings', 'bindings/status', 'statuscollectors', 'statuscollectors/status', 'combinedstatuses', 'customtransforms', 'customtransforms/status']),
  rule(READ, [WORK_GROUP], ['manifestworks', 'manifestworks/status', 'appliedmanifestworks', 'appliedmanifestworks/status']),
  rule(READ, [CLUSTER_GROUP], ['managedclusters', 'managedclusters/status', 'managedclustersets', 'managedclustersets/status', 'managedclustersetbindings', 'managedclustersetbindings/status']),
];

const extraEditRules: readonly PolicyRule[] = [
  rule(WRITE, ['events.k8s.io'], ['events']),
  rule(WRITE, [CONTROL_GROUP], ['bindingpolicies', 'statuscollectors', 'customtransforms']),
  rule(WRITE, [WORK_GROUP], ['manifestworks']),
  rule(WRITE, [CLUSTER_GROUP], ['managedclustersetbindings']),
];

/**
 * The default ClusterRoles, with empty rules on the aggregated ones: the clusterrole-aggregation
 * controller writes them (see aggregateClusterRoles).
 */
export function bootstrapClusterRoles(options: { readonly kubestellar?: boolean } = {}): KubeObject[] {
  const kubestellar = options.kubestellar !== false;
  return [
    clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
    clusterRole('system:discovery', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/', '/openapi', '/openapi/*', '/api', '/api/*', '/apis', '/apis/*'])]),
    clusterRole('system:monitoring', [urls(['get'], ['/metrics', '/metrics/slis', '/livez', '/readyz', '/healthz', '/livez/*', '/readyz/*', '/healthz/*'])]),
    clusterRole('system:basic-user', [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ]),
    clusterRole('system:public-info-viewer', [urls(['get'], ['/livez', '/readyz', '/healthz', '/version', '/version/'])]),
    clusterRole('admin', [], undefined, AGGREGATE_TO_ADMIN),
    clusterRole('edit', [], { [AGGREGATE_TO_ADMIN]: 'true' }, AGGREGATE_TO_EDIT),
    clusterRole('view', [], { [AGGREGATE_TO_EDIT]: 'true' }, AGGREGATE_TO_VIEW),
    clusterRole('system:aggregate-to-admin', aggregateToAdminRules, { [AGGREGATE_TO_ADMIN]: 'true' }),
    clusterRole('system:aggregate-to-edit', aggregateToEditRules, { [AGGREGATE_TO_EDIT]: 'true' }),
    clusterRole('system:aggregate-to-view', aggregateToViewRules, { [AGGREGATE_TO_VIEW]: 'true' }),
    // Only where the KubeStellar kinds are served (a WDS); a cluster space has kube's roles alone.
    ...(kubestellar
      ? [
          clusterRole('kubestellar:aggregate-to-edit', extraEditRules, { [AGGREGATE_TO_EDIT]: 'true' }),
          clusterRole('kubestellar:aggregate-to-view', extraViewRules, { [AGGREGATE_TO_VIEW]: 'true' }),
        ]
      : []),
    clusterRole('system:service-account-issuer-discovery', [
      urls(['get'], ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/']),
    ]),
    clusterRole('system:auth-delegator', [
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    ]),
  ];
}

function clusterRoleBinding(name: string, roleName: string, groups: readonly string[]): KubeObject {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: meta(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: roleName },
    subjects: groups.map((g) => ({ apiGroup: RBAC_GROUP, kind: 'Group', name: g })),
  };
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return [
    clusterRoleBinding('cluster-admin', 'cluster-admin', [SYSTEM_MASTERS]),
    clusterRoleBinding('system:monitoring', 'system:monitoring', ['system:monitoring']),
    clusterRoleBinding('system:discovery', 'system:discovery', [ALL_AUTHENTICATED]),
    clusterRoleBinding('system:basic-user', 'system:basic-user', [ALL_AUTHENTICATED]),
    clusterRoleBinding('system:public-info-viewer', 'system:public-info-viewer', [ALL_AUTHENTICATED, ALL_UNAUTHENTICATED]),
    clusterRoleBinding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [ALL_SERVICE_ACCOUNTS_GROUP]),
  ];
}
