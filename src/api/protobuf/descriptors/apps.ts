/**
 * apps/v1 Deployment.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const appsMessages: MessageTable = {
  'apps.v1.Deployment': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'apps.v1.DeploymentSpec'],
    [3, 'status', 'apps.v1.DeploymentStatus'],
  ],
  'apps.v1.DeploymentSpec': [
    [1, 'replicas', 'int32', 'ptr'],
    [2, 'selector', 'meta.v1.LabelSelector', 'ptrnull'],
    [3, 'template', 'core.v1.PodTemplateSpec'],
    [4, 'strategy', 'apps.v1.DeploymentStrategy'],
    [5, 'minReadySeconds', 'int32'],
    [6, 'revisionHistoryLimit', 'int32', 'ptr'],
    [7, 'paused', 'bool'],
    [9, 'progressDeadlineSeconds', 'int32', 'ptr'],
  ],
  'apps.v1.DeploymentStatus': [
    [1, 'observedGeneration', 'int64'],
    [2, 'replicas', 'int32'],
    [3, 'updatedReplicas', 'int32'],
    [7, 'readyReplicas', 'int32'],
    [4, 'availableReplicas', 'int32'],
    [5, 'unavailableReplicas', 'int32'],
    [9, 'terminatingReplicas', 'int32', 'ptr'],
    [6, 'conditions', '[]apps.v1.DeploymentCondition'],
    [8, 'collisionCount', 'int32', 'ptr'],
  ],
  'apps.v1.DeploymentStrategy': [
    [1, 'type', 'string'],
    [2, 'rollingUpdate', 'apps.v1.RollingUpdateDeployment', 'ptr'],
  ],
  'apps.v1.DeploymentCondition': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
    [6, 'lastUpdateTime', 'meta.v1.Time'],
    [7, 'lastTransitionTime', 'meta.v1.Time'],
    [4, 'reason', 'string'],
    [5, 'message', 'string'],
  ],
  'apps.v1.RollingUpdateDeployment': [
    [1, 'maxUnavailable', 'intstr.IntOrString', 'ptr'],
    [2, 'maxSurge', 'intstr.IntOrString', 'ptr'],
  ],
};
