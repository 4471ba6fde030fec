/**
 * certificates.k8s.io/v1 CertificateSigningRequest: what `kubectl certificate approve|deny` sends to the
 * `approval` subresource (typed clients speak protobuf from kubectl 1.33 on), and what `kubectl create -f`
 * clients built on client-go may send on create.
 * Field numbers from k8s.io/api and apimachinery v1.35 generated.proto; JSON names, field order and
 * presence from the Go struct tags (see ./types.ts).
 */
import type { MessageTable } from './types.js';

export const certificatesMessages: MessageTable = {
  'certificates.v1.CertificateSigningRequest': [
    [1, 'metadata', 'meta.v1.ObjectMeta'],
    [2, 'spec', 'certificates.v1.CertificateSigningRequestSpec'],
    [3, 'status', 'certificates.v1.CertificateSigningRequestStatus'],
  ],
  'certificates.v1.CertificateSigningRequestSpec': [
    [1, 'request', 'bytes', 'keep'],
    [7, 'signerName', 'string', 'keep'],
    [8, 'expirationSeconds', 'int32', 'ptr'],
    [5, 'usages', '[]string'],
    [2, 'username', 'string'],
    [3, 'uid', 'string'],
    [4, 'groups', '[]string'],
    [6, 'extra', 'map<string,certificates.v1.ExtraValue>'],
  ],
  'certificates.v1.ExtraValue': [[1, 'items', '[]string']],
  'certificates.v1.CertificateSigningRequestStatus': [
    [1, 'conditions', '[]certificates.v1.CertificateSigningRequestCondition'],
    [2, 'certificate', 'bytes'],
  ],
  'certificates.v1.CertificateSigningRequestCondition': [
    [1, 'type', 'string', 'keep'],
    [6, 'status', 'string', 'keep'],
    [2, 'reason', 'string'],
    [3, 'message', 'string'],
    [4, 'lastUpdateTime', 'meta.v1.Time'],
    [5, 'lastTransitionTime', 'meta.v1.Time'],
  ],
};
