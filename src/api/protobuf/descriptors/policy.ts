/**
 * policy/v1 PodDisruptionBudget and scheduling.k8s.io/v1 PriorityClass (`kubectl create pdb|priorityclass`).
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const policyMessages: MessageTable = {
  'policy.v1.PodDisruptionBudget': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'policy.v1.PodDisruptionBudgetSpec'],
    [3, 'status', 'policy.v1.PodDisruptionBudgetStatus'],
  ],
  'scheduling.v1.PriorityClass': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'value', 'int32', 'keep'],
    [3, 'globalDefault', 'bool'],
    [4, 'description', 'string'],
    [5, 'preemptionPolicy', 'string', 'ptr'],
  ],
  'policy.v1.PodDisruptionBudgetSpec': [
    [1, 'minAvailable', 'intstr.IntOrString', 'ptr'],
    [2, 'selector', 'meta.v1.LabelSelector', 'ptr'],
    [3, 'maxUnavailable', 'intstr.IntOrString', 'ptr'],
    [4, 'unhealthyPodEvictionPolicy', 'string', 'ptr'],
  ],
  'policy.v1.PodDisruptionBudgetStatus': [
    [1, 'observedGeneration', 'int64'],
    [2, 'disruptedPods', 'map<string,meta.v1.Time>'],
    [3, 'disruptionsAllowed', 'int32', 'keep'],
    [4, 'currentHealthy', 'int32', 'keep'],
    [5, 'desiredHealthy', 'int32', 'keep'],
    [6, 'expectedPods', 'int32', 'keep'],
    [7, 'conditions', '[]meta.v1.Condition'],
  ],
};
