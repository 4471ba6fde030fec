/**
 * A Deployment's status as kube-controller-manager computes it (calculateStatus and
 * syncRolloutStatus): counts summed over its ReplicaSets, Available from maxUnavailable, and
 * Progressing, which times out with ProgressDeadlineExceeded once no progress has been seen for
 * progressDeadlineSeconds (each lasting `secondMs`, so tests need not wait ten minutes).
 */
import type { KubeObject } from '../../api/object.js';
import { num, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { conditionsOf, findCondition, setDeploymentCondition, type ConditionInput } from './conditions.js';
import { maxUnavailable } from './rollout.js';
import { generationOf, omitZero, specReplicas, timeOf } from './objects.js';

export interface DeploymentStatusInput {
  /** The sets after this sync's scaling. */
  readonly replicaSets: readonly KubeObject[];
  /** The set carrying the template, '' when there is none yet. */
  readonly newName: string;
  /** This sync created the new set. */
  readonly createdNew: boolean;
  readonly collisionCount?: number;
  readonly now: Date;
  readonly secondMs: number;
}

export interface DeploymentStatusResult {
  readonly status: Obj;
  /** When the progress deadline passes, if the rollout is still under way (ms since the epoch). */
  readonly recheckAt?: number;
}

const sum = (rss: readonly KubeObject[], where: 'spec' | 'status', field: string): number =>
  rss.reduce((a, rs) => a + (num((where === 'spec' ? specOf(rs) : statusOf(rs))[field]) ?? 0), 0);

const rfc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function deploymentStatus(d: KubeObject, input: DeploymentStatusInput): DeploymentStatusResult {
  const prev = statusOf(d);
  const rss = input.replicaSets;
  const newRS = rss.find((rs) => rs.metadata.name === input.newName);
  const now = rfc(input.now);
  const replicas = specReplicas(d);
  const counts = {
    replicas: sum(rss, 'status', 'replicas'),
    updatedReplicas: newRS ? num(statusOf(newRS)['replicas']) ?? 0 : 0,
    readyReplicas: sum(rss, 'status', 'readyReplicas'),
    availableReplicas: sum(rss, 'status', 'availableReplicas'),
  };
  const unavailableReplicas = Math.max(0, sum(rss, 'spec', 'replicas') - counts.availableReplicas);
  const what = newRS ? `ReplicaSet "${input.newName}"` : `Deployment "${d.metadata.name ?? ''}"`;

  let conditions = conditionsOf(prev);
  if (input.createdNew) {
    conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${input.newName}"` }, now);
  }
  conditions =
    counts.availableReplicas >= replicas - maxUnavailable(d)
      ? setDeploymentCondition(conditions, { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }, now)
      : setDeploymentCondition(conditions, { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' }, now);

  let recheckAt: number | undefined;
  const deadline = num(specOf(d)['progressDeadlineSeconds']);
  const paused = specOf(d)['paused'] === true;
  const pausedBefore = findCondition(conditions, 'Progressing')?.['reason'] === 'DeploymentPaused';
  if (paused && !pausedBefore) {
    conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, now);
  } else if (!paused && pausedBefore) {
    conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' }, now);
  }
  if (paused) {
    // A paused rollout makes no progress and cannot time out.
  } else if (deadline !== undefined && deadline !== 2147483647) {
    const current = findCondition(conditions, 'Progressing');
    const alreadyComplete = counts.replicas === counts.updatedReplicas && current?.['reason'] === 'NewReplicaSetAvailable';
    const complete =
      counts.updatedReplicas === replicas && counts.replicas === replicas && counts.availableReplicas === replicas;
    const oldBefore = (num(prev['replicas']) ?? 0) - (num(prev['updatedReplicas']) ?? 0);
    const progressed =
      counts.updatedReplicas > (num(prev['updatedReplicas']) ?? 0) ||
      counts.replicas - counts.updatedReplicas < oldBefore ||
      counts.readyReplicas > (num(prev['readyReplicas']) ?? 0) ||
      counts.availableReplicas > (num(prev['availableReplicas']) ?? 0);
    if (alreadyComplete) {
      // A finished rollout stays finished through scaling.
    } else if (complete) {
      conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `${what} has successfully progressed.` }, now);
    } else if (progressed) {
      // Progress refreshes lastUpdateTime even with an unchanged reason, restarting the deadline.
      const kept = current?.['status'] === 'True' ? current['lastTransitionTime'] : now;
      conditions = [
        ...conditions.filter((c) => c['type'] !== 'Progressing'),
        { type: 'Progressing', status: 'True', lastUpdateTime: now, lastTransitionTime: kept, reason: 'ReplicaSetUpdated', message: `${what} is progressing.` },
      ];
    } else if (current && current['reason'] !== 'ProgressDeadlineExceeded' && current['reason'] !== 'NewReplicaSetAvailable') {
      const from = timeOf(current['lastUpdateTime']) ?? input.now.getTime();
      const due = from + deadline * input.secondMs;
      if (due < input.now.getTime()) {
        conditions = setDeploymentCondition(conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `${what} has timed out progressing.` }, now);
      } else recheckAt = due + 1;
    }
  } else conditions = conditions.filter((c) => c['type'] !== 'Progressing');
  // getReplicaFailures: the new set's ReplicaFailure, else any old set's, mirrored; none, none.
  if (!paused) {
    const failuresOf = (rs: KubeObject): Obj[] => conditionsOf(statusOf(rs)).filter((c) => c['type'] === 'ReplicaFailure');
    const failure = (newRS ? failuresOf(newRS) : [])[0] ?? rss.flatMap(failuresOf)[0];
    if (failure === undefined) conditions = conditions.filter((c) => c['type'] !== 'ReplicaFailure');
    else {
      const input: ConditionInput = { type: 'ReplicaFailure', status: failure['status'] as ConditionInput['status'], reason: str(failure['reason']), message: str(failure['message']) };
      conditions = setDeploymentCondition(conditions, input, str(failure['lastTransitionTime']) || now);
    }
  }

  const status = omitZero(
    { observedGeneration: generationOf(d), ...counts, unavailableReplicas, ...(conditions.length > 0 && { conditions }) },
    ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'],
  );
  const collisionCount = input.collisionCount ?? num(prev['collisionCount']);
  if (collisionCount !== undefined) status['collisionCount'] = collisionCount;
  return recheckAt === undefined ? { status } : { status, recheckAt };
}
