/**
 * Objects in storage: JSON bytes without resourceVersion, which is the key's modRevision and is
 * stamped on the way out (kube-apiserver's versioner does the same with etcd revisions).
 *
 * `metadata` is always the first member of the stored JSON, so a read can splice the
 * resourceVersion into the stored bytes right after `{"metadata":{` and send them as they are:
 * GET and LIST then cost no parse and no re-serialization.
 */
import type { KubeObject, ObjectMeta } from '../api/object.js';
import type { KeyValue } from '../../storage/index.js';

const PREFIX = Buffer.from('{"metadata":{');

/** Whether stored bytes begin with their metadata, as encodeObject writes them. */
const ledByMetadata = (bytes: Buffer): boolean => bytes.subarray(0, PREFIX.length).equals(PREFIX);

/**
 * The stored bytes of an object, in a buffer of their own sized to fit: storage keeps them as they
 * are (a slice of node's shared pool would be copied again, as it would hold the whole slab).
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata;
  const json = JSON.stringify({ metadata: meta, ...rest });
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
  bytes.write(json);
  return bytes;
}

/**
 * The stored bytes of objects just written, by object: the write's answer is then those bytes
 * with the resourceVersion spliced in (storedJsonOf), not a second serialization.
 */
const written = new WeakMap<KubeObject, Uint8Array>();

/** encodeObject, remembering the bytes as `obj`'s stored form. */
export function encodeWritten(obj: KubeObject): Uint8Array {
  const bytes = encodeObject(obj);
  written.set(obj, bytes);
  return bytes;
}

/**
 * The JSON of an object as a store write returned it, from the bytes stored for it; undefined for
 * any other object. Only for use right after the write: later changes to `obj` are not seen.
 */
export function storedJsonOf(obj: KubeObject): Buffer | undefined {
  const bytes = written.get(obj);
  const rv = obj.metadata.resourceVersion;
  return bytes === undefined || rv === undefined ? undefined : jsonWithRevision(bytes, Number(rv));
}

export function decodeObject(value: Uint8Array, revision: number): KubeObject {
  const obj = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')) as KubeObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export const decodeKv = (kv: KeyValue): KubeObject => decodeObject(kv.value, kv.modRevision);

/** The stored JSON with `metadata.resourceVersion` spliced in: the response body of a plain GET. */
export function jsonWithRevision(value: Uint8Array, revision: number): Buffer {
  return Buffer.concat(jsonWithRevisionParts(value, revision));
}

/**
 * The same bytes as pieces to be written in order, the stored value shared rather than copied:
 * a large LIST then copies each object once, into its page, instead of twice.
 */
export function jsonWithRevisionParts(value: Uint8Array, revision: number): Buffer[] {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (!ledByMetadata(bytes) || bytes.length <= PREFIX.length) return [Buffer.from(JSON.stringify(decodeObject(value, revision)))];
  const empty = bytes[PREFIX.length] === 0x7d; // `}`: metadata has no other members
  const rv = Buffer.from(`"resourceVersion":"${revision}"${empty ? '' : ','}`);
  return [PREFIX, rv, bytes.subarray(PREFIX.length)];
}

/**
 * The decoded object of a committed key, shared by everyone who reads the same event (all
 * watchers of a prefix see the same KeyValue instances), so a change is parsed once however many
 * watch it. Callers must treat the result as read-only.
 */
const shared = new WeakMap<KeyValue, KubeObject>();

/**
 * The test scripts set KUBESTELLAR_FREEZE_SHARED=1: shared objects are then deep-frozen, so a
 * consumer that writes to one fails its test with a TypeError instead of silently changing what
 * every other watcher of the event sees.
 */
const FREEZE_SHARED = process.env['KUBESTELLAR_FREEZE_SHARED'] === '1';

export function decodeShared(kv: KeyValue, revision = kv.modRevision): KubeObject {
  let obj = shared.get(kv);
  if (obj === undefined || obj.metadata.resourceVersion !== String(revision)) {
    obj = decodeReadOnly(kv.value, revision);
    shared.set(kv, obj);
  }
  return obj;
}

/**
 * The metadata of a committed key, shared as decodeShared's objects are (and the same object once
 * the whole is decoded). Most readers of a space's events want only names, labels and owners:
 * parsing the leading `metadata` member alone spares them the rest of every object, which the
 * handler thread parsed for each write and which, kept alive while the events were delivered,
 * was a quarter of what its young collections promoted.
 */
const sharedMeta = new WeakMap<KeyValue, ObjectMeta>();

export function decodeSharedMetadata(kv: KeyValue, revision = kv.modRevision): ObjectMeta {
  const rv = String(revision);
  const whole = shared.get(kv);
  if (whole !== undefined && whole.metadata.resourceVersion === rv) return whole.metadata;
  let meta = sharedMeta.get(kv);
  if (meta === undefined || meta.resourceVersion !== rv) {
    meta = decodeMetadata(kv.value, revision);
    if (FREEZE_SHARED) deepFreeze(meta);
    sharedMeta.set(kv, meta);
  }
  return meta;
}

/** The `metadata` of stored bytes, parsed alone when it leads them (as encodeObject writes it). */
export function decodeMetadata(value: Uint8Array, revision: number): ObjectMeta {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const start = PREFIX.length - 1;
  const end = ledByMetadata(bytes) ? endOfObject(bytes, start) : -1;
  if (end < 0) return decodeObject(value, revision).metadata;
  const meta = JSON.parse(bytes.toString('utf8', start, end + 1)) as ObjectMeta;
  meta.resourceVersion = String(revision);
  return meta;
}

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The index of the `}` closing the JSON object that opens at `start`, or -1. Only braces outside
 * strings count; in a string, a backslash hides the next byte (UTF-8 continuation bytes are never
 * ASCII, so multi-byte characters need no care).
 */
export function endOfObject(bytes: Uint8Array, start: number): number {
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      for (i++; i < bytes.length; i++) {
        const d = bytes[i]!;
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === OPEN) depth++;
    else if (c === CLOSE && --depth === 0) return i;
  }
  return -1;
}

/** An object decoded for readers who must not change it (frozen under the tests, as shared ones are). */
export function decodeReadOnly(value: Uint8Array, revision: number): KubeObject {
  const obj = decodeObject(value, revision);
  if (FREEZE_SHARED) deepFreeze(obj);
  return obj;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
