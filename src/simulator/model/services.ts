/**
 * A load-balancer controller (MetalLB on kind, say): every Service of type LoadBalancer without a
 * loadBalancerClass gets an ingress IP, the one it asked for in spec.loadBalancerIP if any. Cluster
 * IPs and node ports come from the server's own allocator at create time.
 */
import type { KubeObject } from '../../api/object.js';
import { rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';

/** The ingress IP the Service has, if any. */
export const ingressIP = (svc: KubeObject): string => str(recs(rec(statusOf(svc)['loadBalancer'])?.['ingress'])[0]?.['ip']);

/** Whether this simulated controller should give the Service an address. */
export function wantsLoadBalancer(svc: KubeObject): boolean {
  const spec = specOf(svc);
  return spec['type'] === 'LoadBalancer' && str(spec['loadBalancerClass']) === '' && ingressIP(svc) === '';
}

export function loadBalancerStatus(svc: KubeObject, pickedIP: string): Obj {
  const requested = str(specOf(svc)['loadBalancerIP']);
  return { ...statusOf(svc), loadBalancer: { ingress: [{ ip: requested || pickedIP, ipMode: 'VIP' }] } };
}
