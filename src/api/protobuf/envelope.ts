/**
 * The Kubernetes protobuf envelope (wire-formats §2.1): the magic `k8s\0`, then one `runtime.Unknown` running to
 * the end of the body. The object's apiVersion/kind live only here, never in the object's own message.
 */
import { badRequest } from '../errors.js';
import { WIRE_LEN, WireReader, malformed } from './wire.js';

/** `k8s` plus the encoding-style byte 0. */
export const PROTOBUF_MAGIC: readonly number[] = [0x6b, 0x38, 0x73, 0x00];

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

export interface ProtobufEnvelope {
  /** runtime.TypeMeta.apiVersion (field 1: note meta.v1.TypeMeta numbers its fields the other way round). */
  readonly apiVersion: string;
  readonly kind: string;
  /** The object's own message, without magic; empty when the client sent defaults only. */
  readonly raw: Uint8Array;
  readonly contentEncoding: string;
  readonly contentType: string;
}

export function hasProtobufMagic(body: Uint8Array): boolean {
  return body.length >= PROTOBUF_MAGIC.length && PROTOBUF_MAGIC.every((b, i) => body[i] === b);
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** Parses the envelope. Fields 3/4 may be absent (only client-go writes them, empty); unknown fields are skipped. */
export function readEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (!hasProtobufMagic(body)) {
    throw badRequest(
      `provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]`,
    );
  }
  let apiVersion = '';
  let kind = '';
  let raw = EMPTY;
  let contentEncoding = '';
  let contentType = '';
  const r = new WireReader(body, PROTOBUF_MAGIC.length);
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field > 4) {
      r.skip(wireType);
      continue;
    }
    if (wireType !== WIRE_LEN) throw malformed(`wrong wire type ${wireType} for runtime.Unknown field ${field}`);
    if (field === 1) {
      // Repeated occurrences of a message field merge, so later values overwrite earlier ones field by field.
      const t = new WireReader(r.bytes());
      while (!t.done) {
        const tt = t.tag();
        if (tt.field > 2) t.skip(tt.wireType);
        else if (tt.wireType !== WIRE_LEN) throw malformed(`wrong wire type ${tt.wireType} for runtime.TypeMeta`);
        else if (tt.field === 1) apiVersion = t.string();
        else kind = t.string();
      }
    } else if (field === 2) raw = r.bytes();
    else if (field === 3) contentEncoding = r.string();
    else contentType = r.string();
  }
  if (contentEncoding !== '') throw badRequest(`unsupported protobuf content encoding "${contentEncoding}"`);
  if (contentType !== '' && contentType !== PROTOBUF_MEDIA_TYPE) {
    throw badRequest(`unsupported content type "${contentType}" inside the protobuf envelope`);
  }
  return { apiVersion, kind, raw, contentEncoding, contentType };
}
