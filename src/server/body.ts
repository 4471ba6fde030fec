/**
 * Request bodies: read up to the 3 MiB limit kube-apiserver uses, then decode by Content-Type.
 * JSON and YAML are decoded here; Kubernetes protobuf goes through the protobuf decoder.
 */
import type { Request } from './http.js';
import type { FrontRequest } from './front/facade.js';
import { parse as parseYaml } from 'yaml';
import { badRequest, tooLarge, unsupportedMediaType } from '../api/errors.js';
import { decodeProtobufObject } from '../api/protobuf/index.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
export const PROTOBUF_TYPE = 'application/vnd.kubernetes.protobuf';
export const OBJECT_BODY_TYPES = [JSON_TYPE, YAML_TYPE, PROTOBUF_TYPE] as const;

/**
 * The whole body, refused past `limit` (413, declared or not). Read with stream events rather than
 * an async iterator: a create's body is one or two chunks, and the iterator's promise per chunk
 * cost more than the read itself.
 */
export function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge(`limit is ${limit}`));
  // A request from the front thread arrives with its body read (up to the limit and a byte).
  const whole = (req as Partial<Pick<FrontRequest, 'takeBody'>>).takeBody?.();
  if (whole !== undefined) return whole.length > limit || !req.complete ? Promise.reject(tooLarge(`limit is ${limit}`)) : Promise.resolve(whole);
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      // The rest is drained and dropped, so the connection stays usable for the 413.
      req.resume();
      reject(tooLarge(`limit is ${limit}`));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the request was aborted before its body was read'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The media type without parameters, lower-cased. */
export function mediaTypeOf(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a body of this media type (mediaTypeOf) is read as JSON: no Content-Type is JSON. */
export function isJsonType(mediaType: string): boolean {
  return mediaType === JSON_TYPE || mediaType === '';
}

/** A JSON body already decoded to text (for callers that also scan the text). */
export function decodeJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`json: ${(err as Error).message}`);
  }
}

/**
 * Decodes a body by media type. `expected` fills in apiVersion/kind for protobuf envelopes that
 * leave them empty (upstream takes them from the URL).
 */
export function decodeStructured(body: Buffer, mediaType: string, expected?: { apiVersion?: string; kind?: string }): unknown {
  if (mediaType === PROTOBUF_TYPE) return decodeProtobufObject(body, expected).object;
  const text = body.toString('utf8');
  if (isJsonType(mediaType)) return decodeJsonText(text);
  if (mediaType === YAML_TYPE) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`yaml: ${(err as Error).message}`);
    }
  }
  throw unsupportedMediaType(OBJECT_BODY_TYPES);
}
