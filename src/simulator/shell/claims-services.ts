/** PersistentVolumeClaims (bound at once) and LoadBalancer Services (given an ingress IP). */
import { LOAD_BALANCER_CIDR, pickAddress } from '../model/addresses.js';
import { boundClaim, claimStatus, needsBinding } from '../model/claims.js';
import { isDeleting } from '../model/objects.js';
import { ingressIP, loadBalancerStatus, wantsLoadBalancer } from '../model/services.js';
import type { SyncFunction } from './context.js';

export const syncClaim: SyncFunction = async (ctx, { def, object: claim }) => {
  if (isDeleting(claim)) return;
  if (needsBinding(claim)) await ctx.update(def, claim, (cur) => (needsBinding(cur) ? boundClaim(cur) : undefined));
  await ctx.writeStatus(def, claim, (cur) => claimStatus(cur));
};

export const syncService: SyncFunction = async (ctx, { def, object: svc }) => {
  if (isDeleting(svc) || !wantsLoadBalancer(svc)) return;
  const used = new Set(ctx.cache.ofKind('/services').map((c) => ingressIP(c.object)));
  const ip = pickAddress(LOAD_BALANCER_CIDR, svc.metadata.uid ?? '', used);
  if (ip === undefined) return;
  await ctx.writeStatus(def, svc, (cur) => (wantsLoadBalancer(cur) ? loadBalancerStatus(cur, ip) : undefined));
};
