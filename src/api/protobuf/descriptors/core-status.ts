/**
 * core/v1 PodStatus and container status parts (clients echo them on PUT; ignored on create but must decode).
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const coreStatusMessages: MessageTable = {
  'core.v1.PodStatus': [
    [17, 'observedGeneration', 'int64'],
    [1, 'phase', 'string'],
    [2, 'conditions', '[]core.v1.PodCondition'],
    [3, 'message', 'string'],
    [4, 'reason', 'string'],
    [11, 'nominatedNodeName', 'string'],
    [5, 'hostIP', 'string'],
    [16, 'hostIPs', '[]core.v1.HostIP'],
    [6, 'podIP', 'string'],
    [12, 'podIPs', '[]core.v1.PodIP'],
    [7, 'startTime', 'meta.v1.Time', 'ptr'],
    [10, 'initContainerStatuses', '[]core.v1.ContainerStatus'],
    [8, 'containerStatuses', '[]core.v1.ContainerStatus'],
    [9, 'qosClass', 'string'],
    [13, 'ephemeralContainerStatuses', '[]core.v1.ContainerStatus'],
    [14, 'resize', 'string'],
    [15, 'resourceClaimStatuses', '[]core.v1.PodResourceClaimStatus'],
    [18, 'extendedResourceClaimStatus', 'core.v1.PodExtendedResourceClaimStatus', 'ptr'],
    [19, 'allocatedResources', 'map<string,resource.Quantity>'],
    [20, 'resources', 'core.v1.ResourceRequirements', 'ptr'],
  ],
  'core.v1.PodCondition': [
    [1, 'type', 'string', 'keep'],
    [7, 'observedGeneration', 'int64'],
    [2, 'status', 'string', 'keep'],
    [3, 'lastProbeTime', 'meta.v1.Time'],
    [4, 'lastTransitionTime', 'meta.v1.Time'],
    [5, 'reason', 'string'],
    [6, 'message', 'string'],
  ],
  'core.v1.HostIP': [
    [1, 'ip', 'string', 'keep'],
  ],
  'core.v1.PodIP': [
    [1, 'ip', 'string', 'keep'],
  ],
  'core.v1.ContainerStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'state', 'core.v1.ContainerState'],
    [3, 'lastState', 'core.v1.ContainerState'],
    [4, 'ready', 'bool', 'keep'],
    [5, 'restartCount', 'int32', 'keep'],
    [6, 'image', 'string', 'keep'],
    [7, 'imageID', 'string', 'keep'],
    [8, 'containerID', 'string'],
    [9, 'started', 'bool', 'ptr'],
    [10, 'allocatedResources', 'map<string,resource.Quantity>'],
    [11, 'resources', 'core.v1.ResourceRequirements', 'ptr'],
    [12, 'volumeMounts', '[]core.v1.VolumeMountStatus'],
    [13, 'user', 'core.v1.ContainerUser', 'ptr'],
    [14, 'allocatedResourcesStatus', '[]core.v1.ResourceStatus'],
    [15, 'stopSignal', 'string', 'ptr'],
  ],
  'core.v1.PodResourceClaimStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'resourceClaimName', 'string', 'ptr'],
  ],
  'core.v1.PodExtendedResourceClaimStatus': [
    [1, 'requestMappings', '[]core.v1.ContainerExtendedResourceRequest', 'keep'],
    [2, 'resourceClaimName', 'string', 'keep'],
  ],
  'core.v1.ContainerState': [
    [1, 'waiting', 'core.v1.ContainerStateWaiting', 'ptr'],
    [2, 'running', 'core.v1.ContainerStateRunning', 'ptr'],
    [3, 'terminated', 'core.v1.ContainerStateTerminated', 'ptr'],
  ],
  'core.v1.VolumeMountStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'mountPath', 'string', 'keep'],
    [3, 'readOnly', 'bool'],
    [4, 'recursiveReadOnly', 'string', 'ptr'],
  ],
  'core.v1.ContainerUser': [
    [1, 'linux', 'core.v1.LinuxContainerUser', 'ptr'],
  ],
  'core.v1.ResourceStatus': [
    [1, 'name', 'string', 'keep'],
    [2, 'resources', '[]core.v1.ResourceHealth'],
  ],
  'core.v1.ContainerExtendedResourceRequest': [
    [1, 'containerName', 'string', 'keep'],
    [2, 'resourceName', 'string', 'keep'],
    [3, 'requestName', 'string', 'keep'],
  ],
  'core.v1.ContainerStateWaiting': [
    [1, 'reason', 'string'],
    [2, 'message', 'string'],
  ],
  'core.v1.ContainerStateRunning': [
    [1, 'startedAt', 'meta.v1.Time'],
  ],
  'core.v1.ContainerStateTerminated': [
    [1, 'exitCode', 'int32', 'keep'],
    [2, 'signal', 'int32'],
    [3, 'reason', 'string'],
    [4, 'message', 'string'],
    [5, 'startedAt', 'meta.v1.Time'],
    [6, 'finishedAt', 'meta.v1.Time'],
    [7, 'containerID', 'string'],
  ],
  'core.v1.LinuxContainerUser': [
    [1, 'uid', 'int64', 'keep'],
    [2, 'gid', 'int64', 'keep'],
    [3, 'supplementalGroups', '[]int64'],
  ],
  'core.v1.ResourceHealth': [
    [1, 'resourceID', 'string', 'keep'],
    [2, 'health', 'string'],
  ],
};
