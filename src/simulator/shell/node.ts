/**
 * The simulated kubelet's registration and heartbeat: the Node every pod is bound to (created, and
 * created again when deleted), its status re-reported only when it changes or is due, and its
 * Lease renewed every leaseRenewMs. Both are "standing" syncs: they run whether or not their
 * object exists, so their keys are fixed.
 */
import { specOf, statusOf } from '../../registry/builtin/helpers.js';
import { versionInfo } from '../../server/health.js';
import { missingLabels, nodeReport, nodeStatus, registeredNode, type NodeFacts } from '../model/node.js';
import { leaseRenewal, nodeLease, NODE_LEASE_NAMESPACE, renewedLease } from '../model/node-lease.js';
import { isDeleting } from '../model/objects.js';
import { lifecycleTaints } from '../model/placement.js';
import { keyFor } from './cache.js';
import type { SimContext } from './context.js';

export const nodeKey = (ctx: Pick<SimContext, 'options'>): string => keyFor('/nodes', '', ctx.options.nodeName);
export const leaseKey = (ctx: Pick<SimContext, 'options'>): string => keyFor('coordination.k8s.io/leases', NODE_LEASE_NAMESPACE, ctx.options.nodeName);

/** The version kubectl sees in /version, so `kubectl get nodes` and `kubectl version` agree. */
const SERVER_VERSION = (versionInfo() as { gitVersion: string }).gitVersion;

const factsOf = (ctx: SimContext): NodeFacts => ({ name: ctx.options.nodeName, hostIP: ctx.hostIP, version: SERVER_VERSION });

export async function syncNode(ctx: SimContext, key: string): Promise<void> {
  const def = ctx.def('/nodes');
  if (def === undefined) return;
  const facts = factsOf(ctx);
  const node = ctx.cache.get(key)?.object;
  if (node === undefined) {
    // Taken after all (the cache lagged): the event that brings it in syncs again.
    if ((await ctx.create(def, registeredNode(facts, ctx.now()))) === undefined) ctx.later(key, Date.now() + ctx.options.retryMs);
    return;
  }
  if (isDeleting(node)) return;
  const labels = missingLabels(node);
  if (labels !== undefined) {
    await ctx.update(def, node, (cur) => {
      const fixed = missingLabels(cur);
      if (fixed === undefined) return undefined;
      cur.metadata.labels = fixed;
      return cur;
    });
  }
  // The node lifecycle controller: the unschedulable taint follows spec.unschedulable (cordon, uncordon).
  if (lifecycleTaints(node, ctx.now()) !== undefined) {
    await ctx.update(def, node, (cur) => {
      const taints = lifecycleTaints(cur, ctx.now());
      if (taints === undefined) return undefined;
      const spec = { ...specOf(cur) };
      if (taints.length > 0) spec['taints'] = taints;
      else delete spec['taints'];
      cur['spec'] = spec;
      return cur;
    });
  }
  const nowMs = ctx.now().getTime();
  const report = nodeReport(node, facts, nowMs, ctx.options.nodeStatusReportMs);
  if (report.due) await ctx.writeStatus(def, node, (cur) => nodeStatus(statusOf(cur), facts, new Date(nowMs)));
  ctx.later(key, report.recheckAtMs);
}

export async function syncLease(ctx: SimContext, key: string): Promise<void> {
  const def = ctx.def('coordination.k8s.io/leases');
  if (def === undefined) return;
  const name = ctx.options.nodeName;
  const node = ctx.cache.get(nodeKey(ctx))?.object;
  const lease = ctx.cache.get(key)?.object;
  const now = ctx.now();
  if (lease === undefined) {
    // No kube-node-lease namespace (yet), or the cache lagged: try again after a renew period.
    if ((await ctx.create(def, nodeLease(name, node, now))) === undefined) ctx.later(key, now.getTime() + ctx.options.leaseRenewMs);
    return;
  }
  if (isDeleting(lease)) return;
  const { renew, recheckAtMs } = leaseRenewal(lease, name, node, now.getTime(), ctx.options.leaseRenewMs);
  if (renew) await ctx.update(def, lease, (cur) => renewedLease(cur, name, node, now));
  ctx.later(key, recheckAtMs);
}
