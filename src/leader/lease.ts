/**
 * Leader election decisions, in client-go's model (leaderelection.LeaderElector): one record
 * names the holder; the holder renews it every retry period; another candidate takes it over
 * once the record has not changed for a whole lease duration *as that candidate observed it*.
 * Expiry is judged by the observer's own monotonic clock, never by the timestamps written in the
 * record, so replicas with skewed wall clocks cannot steal a live lease.
 */

/** What is stored: the fields of a coordination.k8s.io Lease spec that election needs. */
export interface LeaseRecord {
  /** Empty when the last holder released the lease on shutdown. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/** The record as last read, and when (local monotonic ms) its content was first seen. */
export interface Observation {
  readonly record: LeaseRecord | undefined;
  readonly observedAt: number;
}

export type LeaseDecision =
  /** Nobody holds it (absent, released or expired): write ourselves in. */
  | { readonly action: 'acquire'; readonly record: LeaseRecord }
  /** We hold it: write a fresh renewTime. */
  | { readonly action: 'renew'; readonly record: LeaseRecord }
  /** Someone else holds a live lease. */
  | { readonly action: 'wait'; readonly holder: string; readonly expiresInMs: number };

export interface Candidate {
  readonly identity: string;
  readonly leaseDurationMs: number;
}

export function decideLease(observed: Observation, me: Candidate, nowMs: number, wallClock: string): LeaseDecision {
  const current = observed.record;
  const seconds = Math.max(1, Math.ceil(me.leaseDurationMs / 1000));
  if (current !== undefined && current.holderIdentity === me.identity) {
    return { action: 'renew', record: { ...current, leaseDurationSeconds: seconds, renewTime: wallClock } };
  }
  const fresh = (transitions: number): LeaseDecision => ({
    action: 'acquire',
    record: { holderIdentity: me.identity, leaseDurationSeconds: seconds, acquireTime: wallClock, renewTime: wallClock, leaseTransitions: transitions },
  });
  if (current === undefined) return fresh(0);
  if (current.holderIdentity === '') return fresh(current.leaseTransitions + 1);
  // The holder's own duration counts: it promised to renew within it.
  const expiresInMs = observed.observedAt + current.leaseDurationSeconds * 1000 - nowMs;
  if (expiresInMs <= 0) return fresh(current.leaseTransitions + 1);
  return { action: 'wait', holder: current.holderIdentity, expiresInMs };
}

/** Whether a record read now is a change from the one observed before (then the clock restarts). */
export function sameRecord(a: LeaseRecord | undefined, b: LeaseRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.holderIdentity === b.holderIdentity && a.renewTime === b.renewTime && a.leaseTransitions === b.leaseTransitions && a.acquireTime === b.acquireTime;
}

/** The record a holder writes when it steps down cleanly, so a successor need not wait out the lease. */
export function released(record: LeaseRecord, wallClock: string): LeaseRecord {
  return { ...record, holderIdentity: '', renewTime: wallClock };
}
