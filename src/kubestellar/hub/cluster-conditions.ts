/**
 * What the hub says about a ManagedCluster (OCM's registration controller, reduced to what a
 * hub without CSRs needs): accepted or not, joined once its agent has renewed the lease, and
 * available while the lease is fresh.
 */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ClusterFacts {
  readonly accepted: boolean;
  /** When the agent last renewed its lease, if ever. */
  readonly renewTime: Date | undefined;
  readonly leaseDurationSeconds: number;
  readonly now: Date;
}

type Wanted = Omit<Condition, 'lastTransitionTime'>;

export function wantedClusterConditions(f: ClusterFacts): Wanted[] {
  const out: Wanted[] = [];
  out.push(
    f.accepted
      ? { type: 'HubAcceptedManagedCluster', status: 'True', reason: 'HubClusterAdminAccepted', message: 'Accepted by hub cluster admin' }
      : { type: 'HubAcceptedManagedCluster', status: 'False', reason: 'HubClusterAdminDenied', message: 'Denied by hub cluster admin' },
  );
  if (!f.accepted || f.renewTime === undefined) return out;
  out.push({ type: 'ManagedClusterJoined', status: 'True', reason: 'ManagedClusterJoined', message: 'Managed cluster joined' });
  // OCM allows five lease durations before it calls a cluster unknown.
  const fresh = f.now.getTime() - f.renewTime.getTime() <= 5 * f.leaseDurationSeconds * 1000;
  out.push(
    fresh
      ? { type: 'ManagedClusterConditionAvailable', status: 'True', reason: 'ManagedClusterAvailable', message: 'Managed cluster is available' }
      : {
          type: 'ManagedClusterConditionAvailable',
          status: 'Unknown',
          reason: 'ManagedClusterLeaseUpdateStopped',
          message: `Registration agent stopped updating its lease.`,
        },
  );
  return out;
}

/** Merges wanted conditions into current ones, keeping transition times of unchanged statuses. */
export function mergeConditions(current: readonly Condition[], wanted: readonly Wanted[], now: string): Condition[] {
  const byType = new Map(current.map((c) => [c.type, c]));
  for (const w of wanted) {
    const old = byType.get(w.type);
    byType.set(w.type, { ...w, lastTransitionTime: old !== undefined && old.status === w.status ? old.lastTransitionTime : now });
  }
  return [...byType.values()];
}
