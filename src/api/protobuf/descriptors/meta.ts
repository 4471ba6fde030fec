/**
 * meta/v1 messages shared by every kind, DeleteOptions, and the special-shape types of wire-formats §2.4.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const metaMessages: MessageTable = {
  'meta.v1.DeleteOptions': [
    [1, 'gracePeriodSeconds', 'int64', 'ptr'],
    [2, 'preconditions', 'meta.v1.Preconditions', 'ptr'],
    [3, 'orphanDependents', 'bool', 'ptr'],
    [4, 'propagationPolicy', 'string', 'ptr'],
    [5, 'dryRun', '[]string'],
    [6, 'ignoreStoreReadErrorWithClusterBreakingPotential', 'bool', 'ptr'],
  ],
  'meta.v1.ObjectMeta': [
    [1, 'name', 'string'],
    [2, 'generateName', 'string'],
    [3, 'namespace', 'string'],
    [4, 'selfLink', 'string'],
    [5, 'uid', 'string'],
    [6, 'resourceVersion', 'string'],
    [7, 'generation', 'int64'],
    [8, 'creationTimestamp', 'meta.v1.Time', 'omitzero'],
    [9, 'deletionTimestamp', 'meta.v1.Time', 'ptr'],
    [10, 'deletionGracePeriodSeconds', 'int64', 'ptr'],
    [11, 'labels', 'map<string,string>'],
    [12, 'annotations', 'map<string,string>'],
    [13, 'ownerReferences', '[]meta.v1.OwnerReference'],
    [14, 'finalizers', '[]string'],
    [17, 'managedFields', '[]meta.v1.ManagedFieldsEntry'],
  ],
  'meta.v1.Preconditions': [
    [1, 'uid', 'string', 'ptr'],
    [2, 'resourceVersion', 'string', 'ptr'],
  ],
  'meta.v1.OwnerReference': [
    [5, 'apiVersion', 'string', 'keep'],
    [1, 'kind', 'string', 'keep'],
    [3, 'name', 'string', 'keep'],
    [4, 'uid', 'string', 'keep'],
    [6, 'controller', 'bool', 'ptr'],
    [7, 'blockOwnerDeletion', 'bool', 'ptr'],
  ],
  'meta.v1.ManagedFieldsEntry': [
    [1, 'manager', 'string'],
    [2, 'operation', 'string'],
    [3, 'apiVersion', 'string'],
    [4, 'time', 'meta.v1.Time', 'ptr'],
    [6, 'fieldsType', 'string'],
    [7, 'fieldsV1', 'meta.v1.FieldsV1', 'ptr'],
    [8, 'subresource', 'string'],
  ],
  'meta.v1.Condition': [
    [1, 'type', 'string', 'keep'],
    [2, 'status', 'string', 'keep'],
    [3, 'observedGeneration', 'int64'],
    [4, 'lastTransitionTime', 'meta.v1.Time'],
    [5, 'reason', 'string', 'keep'],
    [6, 'message', 'string', 'keep'],
  ],
  'meta.v1.LabelSelector': [
    [1, 'matchLabels', 'map<string,string>'],
    [2, 'matchExpressions', '[]meta.v1.LabelSelectorRequirement'],
  ],
  'meta.v1.LabelSelectorRequirement': [
    [1, 'key', 'string', 'keep'],
    [2, 'operator', 'string', 'keep'],
    [3, 'values', '[]string'],
  ],
  'meta.v1.FieldSelectorRequirement': [
    [1, 'key', 'string', 'keep'],
    [2, 'operator', 'string', 'keep'],
    [3, 'values', '[]string'],
  ],
  // Special shapes (wire-formats §2.4): the wire form is below; special-types.ts renders their JSON form.
  'meta.v1.Time': [[1, 'seconds', 'int64'], [2, 'nanos', 'int32']],
  'meta.v1.MicroTime': [[1, 'seconds', 'int64'], [2, 'nanos', 'int32']],
  'meta.v1.Duration': [[1, 'duration', 'int64']],
  'meta.v1.FieldsV1': [[1, 'Raw', 'bytes']],
  'meta.v1.Verbs': [[1, 'items', '[]string']],
  'runtime.RawExtension': [[1, 'raw', 'bytes']],
  'intstr.IntOrString': [[1, 'type', 'int64'], [2, 'intVal', 'int32'], [3, 'strVal', 'string']],
  'resource.Quantity': [[1, 'string', 'string']],
};
