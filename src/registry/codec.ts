/**
 * Objects in storage: JSON bytes without resourceVersion, which is the key's modRevision and is
 * stamped on the way out (kube-apiserver's versioner does the same with etcd revisions).
 */
import type { KubeObject } from '../api/object.js';
import type { KeyValue } from '../../storage/index.js';

export function encodeObject(obj: KubeObject): Uint8Array {
  const rv = obj.metadata.resourceVersion;
  if (rv === undefined) return Buffer.from(JSON.stringify(obj));
  delete obj.metadata.resourceVersion;
  try {
    return Buffer.from(JSON.stringify(obj));
  } finally {
    obj.metadata.resourceVersion = rv;
  }
}

export function decodeObject(value: Uint8Array, revision: number): KubeObject {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as KubeObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export const decodeKv = (kv: KeyValue): KubeObject => decodeObject(kv.value, kv.modRevision);
