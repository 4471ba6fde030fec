/**
 * networking.k8s.io/v1 Ingress (`kubectl create ingress`).
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const networkingMessages: MessageTable = {
  'networking.v1.Ingress': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'networking.v1.IngressSpec'],
    [3, 'status', 'networking.v1.IngressStatus'],
  ],
  'networking.v1.IngressSpec': [
    [4, 'ingressClassName', 'string', 'ptr'],
    [1, 'defaultBackend', 'networking.v1.IngressBackend', 'ptr'],
    [2, 'tls', '[]networking.v1.IngressTLS'],
    [3, 'rules', '[]networking.v1.IngressRule'],
  ],
  'networking.v1.IngressStatus': [
    [1, 'loadBalancer', 'networking.v1.IngressLoadBalancerStatus'],
  ],
  'networking.v1.IngressBackend': [
    [4, 'service', 'networking.v1.IngressServiceBackend', 'ptr'],
    [3, 'resource', 'core.v1.TypedLocalObjectReference', 'ptr'],
  ],
  'networking.v1.IngressTLS': [
    [1, 'hosts', '[]string'],
    [2, 'secretName', 'string'],
  ],
  'networking.v1.IngressRule': [
    [1, 'host', 'string'],
    [2, 'ingressRuleValue', 'networking.v1.IngressRuleValue', 'inline'],
  ],
  'networking.v1.IngressLoadBalancerStatus': [
    [1, 'ingress', '[]networking.v1.IngressLoadBalancerIngress'],
  ],
  'networking.v1.IngressServiceBackend': [
    [1, 'name', 'string', 'keep'],
    [2, 'port', 'networking.v1.ServiceBackendPort'],
  ],
  'networking.v1.IngressRuleValue': [
    [1, 'http', 'networking.v1.HTTPIngressRuleValue', 'ptr'],
  ],
  'networking.v1.IngressLoadBalancerIngress': [
    [1, 'ip', 'string'],
    [2, 'hostname', 'string'],
    [4, 'ports', '[]networking.v1.IngressPortStatus'],
  ],
  'networking.v1.ServiceBackendPort': [
    [1, 'name', 'string'],
    [2, 'number', 'int32'],
  ],
  'networking.v1.HTTPIngressRuleValue': [
    [1, 'paths', '[]networking.v1.HTTPIngressPath', 'keep'],
  ],
  'networking.v1.IngressPortStatus': [
    [1, 'port', 'int32', 'keep'],
    [2, 'protocol', 'string', 'keep'],
    [3, 'error', 'string', 'ptr'],
  ],
  'networking.v1.HTTPIngressPath': [
    [1, 'path', 'string'],
    [3, 'pathType', 'string', 'ptrnull'],
    [2, 'backend', 'networking.v1.IngressBackend'],
  ],
};
