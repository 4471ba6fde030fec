/**
 * batch/v1 Job and CronJob (`kubectl create job|cronjob`).
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const batchMessages: MessageTable = {
  'batch.v1.Job': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'batch.v1.JobSpec'],
    [3, 'status', 'batch.v1.JobStatus'],
  ],
  'batch.v1.CronJob': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'batch.v1.CronJobSpec'],
    [3, 'status', 'batch.v1.CronJobStatus'],
  ],
  'batch.v1.JobSpec': [
    [1, 'parallelism', 'int32', 'ptr'],
    [2, 'completions', 'int32', 'ptr'],
    [3, 'activeDeadlineSeconds', 'int64', 'ptr'],
    [11, 'podFailurePolicy', 'batch.v1.PodFailurePolicy', 'ptr'],
    [16, 'successPolicy', 'batch.v1.SuccessPolicy', 'ptr'],
    [7, 'backoffLimit', 'int32', 'ptr'],
    [12, 'backoffLimitPerIndex', 'int32', 'ptr'],
    [13, 'maxFailedIndexes', 'int32', 'ptr'],
    [4, 'selector', 'meta.v1.LabelSelector', 'ptr'],
    [5, 'manualSelector', 'bool', 'ptr'],
    [6, 'template', 'core.v1.PodTemplateSpec'],
    [8, 'ttlSecondsAfterFinished', 'int32', 'ptr'],
    [9, 'completionMode', 'string', 'ptr'],
    [10, 'suspend', 'bool', 'ptr'],
    [14, 'podReplacementPolicy', 'string', 'ptr'],
    [15, 'managedBy', 'string', 'ptr'],
  ],
  'batch.v1.JobStatus': [
    [1, 'conditions', '[]batch.v1.JobCondition'],
    [2, 'startTime', 'meta.v1.Time', 'ptr'],
    [3, 'completionTime', 'meta.v1.Time', 'ptr'],
    [4, 'active', 'int32'],
    [5, 'succeeded', 'int32'],
    [6, 'failed', 'int32'],
    [11, 'terminating', 'int32', 'ptr'],
    [7, 'completedIndexes', 'string'],
    [10, 'failedIndexes', 'string', 'ptr'],
    [8, 'uncountedTerminatedPods', 'batch.v1.UncountedTerminatedPods', 'ptr'],
    [9, 'ready', 'int32', 'ptr'],
  ],
  'batch.v1.CronJobSpec': [
    [1, 'schedule', 'string', 'keep'],
    [8, 'timeZone', 'string', 'ptr'],
    [2, 'startingDeadlineSeconds', 'int64', 'ptr'],
    [3, 'concurrencyPolicy', 'string'],
    [4, 'suspend', 'bool', 'ptr'],
    [5, 'jobTemplate', 'batch.v1.JobTemplateSpec'],
    [6, 'successfulJobsHistoryLimit', 'int32', 'ptr'],
    [7, 'failedJobsHistoryLimit', 'int32', 'ptr'],
  ],
  'batch.v1.CronJobStatus': [
    [1, 'active', '[]core.v1.ObjectReference'],
    [4, 'lastScheduleTime', 'meta.v1.Time', 'ptr'],
    [5, 'lastSuccessfulTime', 'meta.v1.Time', 'ptr'],
  ],
  'batch.v1.PodFailurePolicy': [
    [1, 'rules', '[]batch.v1.PodFailurePolicyRule', 'keep'],
  ],
  'batch.v1.SuccessPolicy': [
    [1, 'rules', '[]batch.v1.SuccessPolicyRule', 'keep'],
  ],
  'batch.v1.JobCondition': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
    [3, 'lastProbeTime', 'meta.v1.Time'],
    [4, 'lastTransitionTime', 'meta.v1.Time'],
    [5, 'reason', 'string'],
    [6, 'message', 'string'],
  ],
  'batch.v1.UncountedTerminatedPods': [
    [1, 'succeeded', '[]string'],
    [2, 'failed', '[]string'],
  ],
  'batch.v1.JobTemplateSpec': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'batch.v1.JobSpec'],
  ],
  'batch.v1.PodFailurePolicyRule': [
    [1, 'action', 'string', 'keep'],
    [2, 'onExitCodes', 'batch.v1.PodFailurePolicyOnExitCodesRequirement', 'ptr'],
    [3, 'onPodConditions', '[]batch.v1.PodFailurePolicyOnPodConditionsPattern'],
  ],
  'batch.v1.SuccessPolicyRule': [
    [1, 'succeededIndexes', 'string', 'ptr'],
    [2, 'succeededCount', 'int32', 'ptr'],
  ],
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': [
    [1, 'containerName', 'string', 'ptr'],
    [2, 'operator', 'string', 'keep'],
    [3, 'values', '[]int32', 'keep'],
  ],
  'batch.v1.PodFailurePolicyOnPodConditionsPattern': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
  ],
};
