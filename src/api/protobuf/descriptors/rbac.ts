/**
 * rbac.authorization.k8s.io/v1 Role, ClusterRole, RoleBinding, ClusterRoleBinding.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const rbacMessages: MessageTable = {
  'rbac.v1.Role': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'rules', '[]rbac.v1.PolicyRule', 'keep'],
  ],
  'rbac.v1.ClusterRole': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'rules', '[]rbac.v1.PolicyRule', 'keep'],
    [3, 'aggregationRule', 'rbac.v1.AggregationRule', 'ptr'],
  ],
  'rbac.v1.RoleBinding': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'subjects', '[]rbac.v1.Subject'],
    [3, 'roleRef', 'rbac.v1.RoleRef'],
  ],
  'rbac.v1.ClusterRoleBinding': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'subjects', '[]rbac.v1.Subject'],
    [3, 'roleRef', 'rbac.v1.RoleRef'],
  ],
  'rbac.v1.PolicyRule': [
    [1, 'verbs', '[]string', 'keep'],
    [2, 'apiGroups', '[]string'],
    [3, 'resources', '[]string'],
    [4, 'resourceNames', '[]string'],
    [5, 'nonResourceURLs', '[]string'],
  ],
  'rbac.v1.AggregationRule': [
    [1, 'clusterRoleSelectors', '[]meta.v1.LabelSelector'],
  ],
  'rbac.v1.Subject': [
    [1, 'kind', 'string', 'keep'],
    [2, 'apiGroup', 'string'],
    [3, 'name', 'string', 'keep'],
    [4, 'namespace', 'string'],
  ],
  'rbac.v1.RoleRef': [
    [1, 'apiGroup', 'string', 'keep'],
    [2, 'kind', 'string', 'keep'],
    [3, 'name', 'string', 'keep'],
  ],
};
