/**
 * authentication.k8s.io/v1 TokenRequest, TokenReview, SelfSubjectReview.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const authenticationMessages: MessageTable = {
  'authentication.v1.TokenRequest': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authentication.v1.TokenRequestSpec'],
    [3, 'status', 'authentication.v1.TokenRequestStatus'],
  ],
  'authentication.v1.SelfSubjectReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'status', 'authentication.v1.SelfSubjectReviewStatus'],
  ],
  'authentication.v1.TokenReview': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'authentication.v1.TokenReviewSpec'],
    [3, 'status', 'authentication.v1.TokenReviewStatus'],
  ],
  'authentication.v1.TokenRequestSpec': [
    [1, 'audiences', '[]string', 'keep'],
    [4, 'expirationSeconds', 'int64', 'ptrnull'],
    [3, 'boundObjectRef', 'authentication.v1.BoundObjectReference', 'ptrnull'],
  ],
  'authentication.v1.TokenRequestStatus': [
    [1, 'token', 'string', 'keep'],
    [2, 'expirationTimestamp', 'meta.v1.Time'],
  ],
  'authentication.v1.SelfSubjectReviewStatus': [
    [1, 'userInfo', 'authentication.v1.UserInfo'],
  ],
  'authentication.v1.TokenReviewSpec': [
    [1, 'token', 'string'],
    [2, 'audiences', '[]string'],
  ],
  'authentication.v1.TokenReviewStatus': [
    [1, 'authenticated', 'bool'],
    [2, 'user', 'authentication.v1.UserInfo'],
    [4, 'audiences', '[]string'],
    [3, 'error', 'string'],
  ],
  'authentication.v1.BoundObjectReference': [
    [1, 'kind', 'string'],
    [2, 'apiVersion', 'string'],
    [3, 'name', 'string'],
    [4, 'uid', 'string'],
  ],
  'authentication.v1.UserInfo': [
    [1, 'username', 'string'],
    [2, 'uid', 'string'],
    [3, 'groups', '[]string'],
    [4, 'extra', 'map<string,authentication.v1.ExtraValue>'],
  ],
  // Special shape: a `[]string` in Go, a wrapper message on the wire (JSON is the bare array).
  'authentication.v1.ExtraValue': [[1, 'items', '[]string']],
};
