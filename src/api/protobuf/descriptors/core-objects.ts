/**
 * core/v1 top-level kinds sent by typed clients (Secret, ConfigMap, Namespace, ServiceAccount, Service, ResourceQuota) and their parts.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const coreObjectsMessages: MessageTable = {
  'core.v1.Secret': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [5, 'immutable', 'bool', 'ptr'],
    [2, 'data', 'map<string,bytes>'],
    [4, 'stringData', 'map<string,string>'],
    [3, 'type', 'string'],
  ],
  'core.v1.ConfigMap': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [4, 'immutable', 'bool', 'ptr'],
    [2, 'data', 'map<string,string>'],
    [3, 'binaryData', 'map<string,bytes>'],
  ],
  'core.v1.Namespace': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'core.v1.NamespaceSpec'],
    [3, 'status', 'core.v1.NamespaceStatus'],
  ],
  'core.v1.ServiceAccount': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'secrets', '[]core.v1.ObjectReference'],
    [3, 'imagePullSecrets', '[]core.v1.LocalObjectReference'],
    [4, 'automountServiceAccountToken', 'bool', 'ptr'],
  ],
  'core.v1.Service': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'core.v1.ServiceSpec'],
    [3, 'status', 'core.v1.ServiceStatus'],
  ],
  'core.v1.ResourceQuota': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'core.v1.ResourceQuotaSpec'],
    [3, 'status', 'core.v1.ResourceQuotaStatus'],
  ],
  'core.v1.NamespaceSpec': [
    [1, 'finalizers', '[]string'],
  ],
  'core.v1.NamespaceStatus': [
    [1, 'phase', 'string'],
    [2, 'conditions', '[]core.v1.NamespaceCondition'],
  ],
  'core.v1.ObjectReference': [
    [1, 'kind', 'string'],
    [2, 'namespace', 'string'],
    [3, 'name', 'string'],
    [4, 'uid', 'string'],
    [5, 'apiVersion', 'string'],
    [6, 'resourceVersion', 'string'],
    [7, 'fieldPath', 'string'],
  ],
  'core.v1.LocalObjectReference': [
    [1, 'name', 'string'],
  ],
  'core.v1.ServiceSpec': [
    [1, 'ports', '[]core.v1.ServicePort'],
    [2, 'selector', 'map<string,string>'],
    [3, 'clusterIP', 'string'],
    [18, 'clusterIPs', '[]string'],
    [4, 'type', 'string'],
    [5, 'externalIPs', '[]string'],
    [7, 'sessionAffinity', 'string'],
    [8, 'loadBalancerIP', 'string'],
    [9, 'loadBalancerSourceRanges', '[]string'],
    [10, 'externalName', 'string'],
    [11, 'externalTrafficPolicy', 'string'],
    [12, 'healthCheckNodePort', 'int32'],
    [13, 'publishNotReadyAddresses', 'bool'],
    [14, 'sessionAffinityConfig', 'core.v1.SessionAffinityConfig', 'ptr'],
    [19, 'ipFamilies', '[]string'],
    [17, 'ipFamilyPolicy', 'string', 'ptr'],
    [20, 'allocateLoadBalancerNodePorts', 'bool', 'ptr'],
    [21, 'loadBalancerClass', 'string', 'ptr'],
    [22, 'internalTrafficPolicy', 'string', 'ptr'],
    [23, 'trafficDistribution', 'string', 'ptr'],
  ],
  'core.v1.ServiceStatus': [
    [1, 'loadBalancer', 'core.v1.LoadBalancerStatus'],
    [2, 'conditions', '[]meta.v1.Condition'],
  ],
  'core.v1.ResourceQuotaSpec': [
    [1, 'hard', 'map<string,resource.Quantity>'],
    [2, 'scopes', '[]string'],
    [3, 'scopeSelector', 'core.v1.ScopeSelector', 'ptr'],
  ],
  'core.v1.ResourceQuotaStatus': [
    [1, 'hard', 'map<string,resource.Quantity>'],
    [2, 'used', 'map<string,resource.Quantity>'],
  ],
  'core.v1.NamespaceCondition': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
    [4, 'lastTransitionTime', 'meta.v1.Time'],
    [5, 'reason', 'string'],
    [6, 'message', 'string'],
  ],
  'core.v1.ServicePort': [
    [1, 'name', 'string'],
    [2, 'protocol', 'string'],
    [6, 'appProtocol', 'string', 'ptr'],
    [3, 'port', 'int32', 'keep'],
    [4, 'targetPort', 'intstr.IntOrString'],
    [5, 'nodePort', 'int32'],
  ],
  'core.v1.SessionAffinityConfig': [
    [1, 'clientIP', 'core.v1.ClientIPConfig', 'ptr'],
  ],
  'core.v1.LoadBalancerStatus': [
    [1, 'ingress', '[]core.v1.LoadBalancerIngress'],
  ],
  'core.v1.ScopeSelector': [
    [1, 'matchExpressions', '[]core.v1.ScopedResourceSelectorRequirement'],
  ],
  'core.v1.ClientIPConfig': [
    [1, 'timeoutSeconds', 'int32', 'ptr'],
  ],
  'core.v1.LoadBalancerIngress': [
    [1, 'ip', 'string'],
    [2, 'hostname', 'string'],
    [3, 'ipMode', 'string', 'ptr'],
    [4, 'ports', '[]core.v1.PortStatus'],
  ],
  'core.v1.ScopedResourceSelectorRequirement': [
    [1, 'scopeName', 'string', 'keep'],
    [2, 'operator', 'string', 'keep'],
    [3, 'values', '[]string'],
  ],
  'core.v1.PortStatus': [
    [1, 'port', 'int32', 'keep'],
    [2, 'protocol', 'string', 'keep'],
    [3, 'error', 'string', 'ptr'],
  ],
};
