/**
 * autoscaling/v1 and autoscaling/v2 HorizontalPodAutoscaler (`kubectl autoscale` sends them as
 * protobuf, v2 first and v1 as its fallback). Field numbers from k8s.io/api v1.35 generated.proto;
 * JSON names, field order and presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const autoscalingMessages: MessageTable = {
  'autoscaling.v1.HorizontalPodAutoscaler': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'autoscaling.v1.HorizontalPodAutoscalerSpec'],
    [3, 'status', 'autoscaling.v1.HorizontalPodAutoscalerStatus'],
  ],
  'autoscaling.v1.CrossVersionObjectReference': [
    [1, 'kind', 'string', 'keep'],
    [2, 'name', 'string', 'keep'],
    [3, 'apiVersion', 'string'],
  ],
  'autoscaling.v1.HorizontalPodAutoscalerSpec': [
    [1, 'scaleTargetRef', 'autoscaling.v1.CrossVersionObjectReference'],
    [2, 'minReplicas', 'int32', 'ptr'],
    [3, 'maxReplicas', 'int32', 'keep'],
    [4, 'targetCPUUtilizationPercentage', 'int32', 'ptr'],
  ],
  'autoscaling.v1.HorizontalPodAutoscalerStatus': [
    [1, 'observedGeneration', 'int64', 'ptr'],
    [2, 'lastScaleTime', 'meta.v1.Time', 'ptr'],
    [3, 'currentReplicas', 'int32', 'keep'],
    [4, 'desiredReplicas', 'int32', 'keep'],
    [5, 'currentCPUUtilizationPercentage', 'int32', 'ptr'],
  ],

  'autoscaling.v2.HorizontalPodAutoscaler': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'autoscaling.v2.HorizontalPodAutoscalerSpec'],
    [3, 'status', 'autoscaling.v2.HorizontalPodAutoscalerStatus'],
  ],
  'autoscaling.v2.CrossVersionObjectReference': [
    [1, 'kind', 'string', 'keep'],
    [2, 'name', 'string', 'keep'],
    [3, 'apiVersion', 'string'],
  ],
  'autoscaling.v2.HorizontalPodAutoscalerSpec': [
    [1, 'scaleTargetRef', 'autoscaling.v2.CrossVersionObjectReference'],
    [2, 'minReplicas', 'int32', 'ptr'],
    [3, 'maxReplicas', 'int32', 'keep'],
    [4, 'metrics', '[]autoscaling.v2.MetricSpec'],
    [5, 'behavior', 'autoscaling.v2.HorizontalPodAutoscalerBehavior', 'ptr'],
  ],
  'autoscaling.v2.MetricSpec': [
    [1, 'type', 'string', 'keep'],
    [2, 'object', 'autoscaling.v2.ObjectMetricSource', 'ptr'],
    [3, 'pods', 'autoscaling.v2.PodsMetricSource', 'ptr'],
    [4, 'resource', 'autoscaling.v2.ResourceMetricSource', 'ptr'],
    [7, 'containerResource', 'autoscaling.v2.ContainerResourceMetricSource', 'ptr'],
    [5, 'external', 'autoscaling.v2.ExternalMetricSource', 'ptr'],
  ],
  'autoscaling.v2.ObjectMetricSource': [
    [1, 'describedObject', 'autoscaling.v2.CrossVersionObjectReference'],
    [2, 'target', 'autoscaling.v2.MetricTarget'],
    [3, 'metric', 'autoscaling.v2.MetricIdentifier'],
  ],
  'autoscaling.v2.PodsMetricSource': [
    [1, 'metric', 'autoscaling.v2.MetricIdentifier'],
    [2, 'target', 'autoscaling.v2.MetricTarget'],
  ],
  'autoscaling.v2.ResourceMetricSource': [
    [1, 'name', 'string', 'keep'],
    [2, 'target', 'autoscaling.v2.MetricTarget'],
  ],
  'autoscaling.v2.ContainerResourceMetricSource': [
    [1, 'name', 'string', 'keep'],
    [2, 'target', 'autoscaling.v2.MetricTarget'],
    [3, 'container', 'string', 'keep'],
  ],
  'autoscaling.v2.ExternalMetricSource': [
    [1, 'metric', 'autoscaling.v2.MetricIdentifier'],
    [2, 'target', 'autoscaling.v2.MetricTarget'],
  ],
  'autoscaling.v2.MetricIdentifier': [
    [1, 'name', 'string', 'keep'],
    [2, 'selector', 'meta.v1.LabelSelector', 'ptr'],
  ],
  'autoscaling.v2.MetricTarget': [
    [1, 'type', 'string', 'keep'],
    [2, 'value', 'resource.Quantity', 'ptr'],
    [3, 'averageValue', 'resource.Quantity', 'ptr'],
    [4, 'averageUtilization', 'int32', 'ptr'],
  ],
  'autoscaling.v2.HorizontalPodAutoscalerBehavior': [
    [1, 'scaleUp', 'autoscaling.v2.HPAScalingRules', 'ptr'],
    [2, 'scaleDown', 'autoscaling.v2.HPAScalingRules', 'ptr'],
  ],
  'autoscaling.v2.HPAScalingRules': [
    [3, 'stabilizationWindowSeconds', 'int32', 'ptr'],
    [1, 'selectPolicy', 'string', 'ptr'],
    [2, 'policies', '[]autoscaling.v2.HPAScalingPolicy'],
    [4, 'tolerance', 'resource.Quantity', 'ptr'],
  ],
  'autoscaling.v2.HPAScalingPolicy': [
    [1, 'type', 'string', 'keep'],
    [2, 'value', 'int32', 'keep'],
    [3, 'periodSeconds', 'int32', 'keep'],
  ],
  'autoscaling.v2.HorizontalPodAutoscalerStatus': [
    [1, 'observedGeneration', 'int64', 'ptr'],
    [2, 'lastScaleTime', 'meta.v1.Time', 'ptr'],
    [3, 'currentReplicas', 'int32'],
    [4, 'desiredReplicas', 'int32', 'keep'],
    [5, 'currentMetrics', '[]autoscaling.v2.MetricStatus', 'keep'],
    [6, 'conditions', '[]autoscaling.v2.HorizontalPodAutoscalerCondition'],
  ],
  'autoscaling.v2.MetricStatus': [
    [1, 'type', 'string', 'keep'],
    [2, 'object', 'autoscaling.v2.ObjectMetricStatus', 'ptr'],
    [3, 'pods', 'autoscaling.v2.PodsMetricStatus', 'ptr'],
    [4, 'resource', 'autoscaling.v2.ResourceMetricStatus', 'ptr'],
    [7, 'containerResource', 'autoscaling.v2.ContainerResourceMetricStatus', 'ptr'],
    [5, 'external', 'autoscaling.v2.ExternalMetricStatus', 'ptr'],
  ],
  'autoscaling.v2.ObjectMetricStatus': [
    [1, 'metric', 'autoscaling.v2.MetricIdentifier'],
    [2, 'current', 'autoscaling.v2.MetricValueStatus'],
    [3, 'describedObject', 'autoscaling.v2.CrossVersionObjectReference'],
  ],
  'autoscaling.v2.PodsMetricStatus': [
    [1, 'metric', 'autoscaling.v2.MetricIdentifier'],
    [2, 'current', 'autoscaling.v2.MetricValueStatus'],
  ],
  'autoscaling.v2.ResourceMetricStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'current', 'autoscaling.v2.MetricValueStatus'],
  ],
  'autoscaling.v2.ContainerResourceMetricStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'current', 'autoscaling.v2.MetricValueStatus'],
    [3, 'container', 'string', 'keep'],
  ],
  'autoscaling.v2.ExternalMetricStatus': [
    [1, 'metric', 'autoscaling.v2.MetricIdentifier'],
    [2, 'current', 'autoscaling.v2.MetricValueStatus'],
  ],
  'autoscaling.v2.MetricValueStatus': [
    [1, 'value', 'resource.Quantity', 'ptr'],
    [2, 'averageValue', 'resource.Quantity', 'ptr'],
    [3, 'averageUtilization', 'int32', 'ptr'],
  ],
  'autoscaling.v2.HorizontalPodAutoscalerCondition': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
    [3, 'lastTransitionTime', 'meta.v1.Time'],
    [4, 'reason', 'string'],
    [5, 'message', 'string'],
  ],
};
