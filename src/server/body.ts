/**
 * Request bodies: read up to the 3 MiB limit kube-apiserver uses, then decode by Content-Type.
 * JSON and YAML are decoded here; Kubernetes protobuf goes through the protobuf decoder.
 */
import type { Request } from './http.js';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../api/errors.js';
import { decodeProtobufObject } from '../api/protobuf/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
export const OBJECT_BODY_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE] as const;

export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(`limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(`limit is ${limit}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased. */
export function mediaTypeOf(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes a body by media type. `expected` fills in apiVersion/kind for protobuf envelopes that
 * leave them empty (upstream takes them from the URL).
 */
export function decodeStructured(body: Buffer, mediaType: string, expected?: { apiVersion?: string; kind?: string }): unknown {
  if (mediaType === PROTOBUF_TYPE) return decodeProtobufObject(body, expected).object;
  const text = body.toString('utf8');
  if (mediaType === JSON_TYPE || mediaType === '') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw badRequest(`json: ${(err as Error).message}`);
    }
  }
  if (mediaType === YAML_TYPE) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`yaml: ${(err as Error).message}`);
    }
  }
  throw unsupportedMediaType(OBJECT_BODY_TYPES);
}
