/**
 * The node's heartbeat, as the kubelet keeps it: a Lease named after the node in kube-node-lease,
 * held by the node, owned by the Node object (so it goes with it), renewed every renew period.
 */
import type { KubeObject, OwnerReference } from '../../api/object.js';
import { specOf, str } from '../../registry/builtin/helpers.js';
import { timeOf } from './objects.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's nodeLeaseDurationSeconds. */
export const LEASE_DURATION_SECONDS = 40;

/** MicroTime, as Lease times are written: RFC 3339 with microseconds. */
export const microTime = (d: Date): string => d.toISOString().replace(/Z$/, '000Z');

const ownerOf = (node: KubeObject): OwnerReference => ({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name ?? '', uid: node.metadata.uid ?? '' });

/** A new lease; without an owner while the Node is not there yet (the next renewal adds it). */
export function nodeLease(nodeName: string, node: KubeObject | undefined, now: Date): KubeObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: nodeName, namespace: NODE_LEASE_NAMESPACE, ...(node && { ownerReferences: [ownerOf(node)] }) },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

const ownedBy = (lease: KubeObject, node: KubeObject | undefined): boolean =>
  node === undefined || (lease.metadata.ownerReferences ?? []).some((r) => r.kind === 'Node' && r.uid === node.metadata.uid);

export interface LeaseRenewal {
  readonly renew: boolean;
  readonly recheckAtMs: number;
}

/**
 * Whether the lease needs renewing at `nowMs`: its renew period is (nearly) over, or it is held by
 * another, or not owned by the current Node. A tenth of the period is slack for timers firing early.
 */
export function leaseRenewal(lease: KubeObject, nodeName: string, node: KubeObject | undefined, nowMs: number, renewMs: number): LeaseRenewal {
  const spec = specOf(lease);
  const renewed = timeOf(spec['renewTime']);
  const stale = renewed === undefined || renewed + renewMs * 0.9 <= nowMs || renewed > nowMs + renewMs;
  const wrong = str(spec['holderIdentity']) !== nodeName || spec['leaseDurationSeconds'] !== LEASE_DURATION_SECONDS || !ownedBy(lease, node);
  if (stale || wrong) return { renew: true, recheckAtMs: nowMs + renewMs };
  return { renew: false, recheckAtMs: renewed + renewMs };
}

/** The lease renewed at `now` (a copy), held by the node and owned by it. */
export function renewedLease(lease: KubeObject, nodeName: string, node: KubeObject | undefined, now: Date): KubeObject {
  const next = structuredClone(lease);
  next['spec'] = { ...specOf(lease), holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) };
  if (node !== undefined && !ownedBy(lease, node)) {
    const others = (lease.metadata.ownerReferences ?? []).filter((r) => r.kind !== 'Node');
    next.metadata.ownerReferences = [...others, ownerOf(node)];
  }
  return next;
}
