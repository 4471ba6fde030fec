/** Services: an ingress IP for LoadBalancers, endpoints for all with a selector (claims are in volumes.ts). */
import { LOAD_BALANCER_CIDR, pickAddress } from '../model/addresses.js';
import { isDeleting } from '../model/objects.js';
import { ingressIP, loadBalancerStatus, wantsLoadBalancer } from '../model/services.js';
import type { Cached } from './cache.js';
import type { SimContext, SyncFunction } from './context.js';
import { syncServiceEndpoints } from './endpoints.js';

export const syncService: SyncFunction = async (ctx, cached) => {
  await syncLoadBalancer(ctx, cached);
  await syncServiceEndpoints(ctx, cached.object);
};

async function syncLoadBalancer(ctx: SimContext, { def, object: svc }: Cached): Promise<void> {
  if (isDeleting(svc) || !wantsLoadBalancer(svc)) return;
  const used = new Set(ctx.cache.ofKind('/services').map((c) => ingressIP(c.object)));
  const ip = pickAddress(LOAD_BALANCER_CIDR, svc.metadata.uid ?? '', used);
  if (ip === undefined) return;
  await ctx.writeStatus(def, svc, (cur) => (wantsLoadBalancer(cur) ? loadBalancerStatus(cur, ip) : undefined));
}
