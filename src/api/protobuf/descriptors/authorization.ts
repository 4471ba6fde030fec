/**
 * authorization.k8s.io/v1 SubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const authorizationMessages: MessageTable = {
  'authorization.v1.SelfSubjectAccessReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authorization.v1.SelfSubjectAccessReviewSpec'],
    [3, 'status', 'authorization.v1.SubjectAccessReviewStatus'],
  ],
  'authorization.v1.SelfSubjectRulesReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authorization.v1.SelfSubjectRulesReviewSpec'],
    [3, 'status', 'authorization.v1.SubjectRulesReviewStatus'],
  ],
  'authorization.v1.SubjectAccessReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authorization.v1.SubjectAccessReviewSpec'],
    [3, 'status', 'authorization.v1.SubjectAccessReviewStatus'],
  ],
  'authorization.v1.LocalSubjectAccessReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authorization.v1.SubjectAccessReviewSpec'],
    [3, 'status', 'authorization.v1.SubjectAccessReviewStatus'],
  ],
  'authorization.v1.SelfSubjectAccessReviewSpec': [
    [1, 'resourceAttributes', 'authorization.v1.ResourceAttributes', 'ptr'],
    [2, 'nonResourceAttributes', 'authorization.v1.NonResourceAttributes', 'ptr'],
  ],
  'authorization.v1.SubjectAccessReviewStatus': [
    [1, 'allowed', 'bool', 'keep'],
    [4, 'denied', 'bool'],
    [2, 'reason', 'string'],
    [3, 'evaluationError', 'string'],
  ],
  'authorization.v1.SelfSubjectRulesReviewSpec': [
    [1, 'namespace', 'string'],
  ],
  'authorization.v1.SubjectRulesReviewStatus': [
    [1, 'resourceRules', '[]authorization.v1.ResourceRule', 'keep'],
    [2, 'nonResourceRules', '[]authorization.v1.NonResourceRule', 'keep'],
    [3, 'incomplete', 'bool', 'keep'],
    [4, 'evaluationError', 'string'],
  ],
  'authorization.v1.SubjectAccessReviewSpec': [
    [1, 'resourceAttributes', 'authorization.v1.ResourceAttributes', 'ptr'],
    [2, 'nonResourceAttributes', 'authorization.v1.NonResourceAttributes', 'ptr'],
    [3, 'user', 'string'],
    [4, 'groups', '[]string'],
    [5, 'extra', 'map<string,authorization.v1.ExtraValue>'],
    [6, 'uid', 'string'],
  ],
  'authorization.v1.ResourceAttributes': [
    [1, 'namespace', 'string'],
    [2, 'verb', 'string'],
    [3, 'group', 'string'],
    [4, 'version', 'string'],
    [5, 'resource', 'string'],
    [6, 'subresource', 'string'],
    [7, 'name', 'string'],
    [8, 'fieldSelector', 'authorization.v1.FieldSelectorAttributes', 'ptr'],
    [9, 'labelSelector', 'authorization.v1.LabelSelectorAttributes', 'ptr'],
  ],
  'authorization.v1.NonResourceAttributes': [
    [1, 'path', 'string'],
    [2, 'verb', 'string'],
  ],
  'authorization.v1.ResourceRule': [
    [1, 'verbs', '[]string', 'keep'],
    [2, 'apiGroups', '[]string'],
    [3, 'resources', '[]string'],
    [4, 'resourceNames', '[]string'],
  ],
  'authorization.v1.NonResourceRule': [
    [1, 'verbs', '[]string', 'keep'],
    [2, 'nonResourceURLs', '[]string'],
  ],
  'authorization.v1.FieldSelectorAttributes': [
    [1, 'rawSelector', 'string'],
    [2, 'requirements', '[]meta.v1.FieldSelectorRequirement'],
  ],
  'authorization.v1.LabelSelectorAttributes': [
    [1, 'rawSelector', 'string'],
    [2, 'requirements', '[]meta.v1.LabelSelectorRequirement'],
  ],
  // Special shape: a `[]string` in Go, a wrapper message on the wire (JSON is the bare array).
  'authorization.v1.ExtraValue': [[1, 'items', '[]string']],
};
