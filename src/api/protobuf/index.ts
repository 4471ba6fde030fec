/** Public surface of the protobuf request-body decoder (wire-formats §2). */
export { decodeMessage, decodeProtobufObject, NON_PROTOBUF_MEDIA_TYPES, type DecodedObject } from './decode.js';
export { hasProtobufMagic, PROTOBUF_MAGIC, PROTOBUF_MEDIA_TYPE, readEnvelope, type ProtobufEnvelope } from './envelope.js';
export { ROOT_MESSAGES, rootMessageFor } from './descriptors/index.js';
