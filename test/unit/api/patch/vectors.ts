/**
 * Helpers to run the spec's test vectors (patch-and-apply §4), transcribed as YAML into the test
 * files: implied fields, the `mf` shorthand, and the per-kind metadata.
 */
import { parse } from 'yaml';
import { isObject, type JsonObject } from '../../../../src/api/patch/json-value.js';

export interface Vector {
  readonly id: string;
  readonly about?: string;
  readonly type: string;
  readonly live?: JsonObject | null;
  readonly req: JsonObject;
  readonly want?: JsonObject;
  readonly err?: readonly [number, string, string];
  readonly note?: string;
  /** K3W vectors: the three-way patch the client sends, and the live object it hits. */
  readonly patch?: JsonObject;
  readonly current?: JsonObject;
}

export const parseVectors = (yaml: string): Vector[] => parse(yaml) as Vector[];

const IMPLIED: Readonly<Record<string, { apiVersion: string; name: string }>> = {
  ConfigMap: { apiVersion: 'v1', name: 'c' },
  Pod: { apiVersion: 'v1', name: 'p' },
  Service: { apiVersion: 'v1', name: 's' },
  Deployment: { apiVersion: 'apps/v1', name: 'd' },
  PodDisruptionBudget: { apiVersion: 'policy/v1', name: 'pdb' },
  Widget: { apiVersion: 'example.com/v1', name: 'w' },
};

/**
 * The whole object a vector's shorthand stands for: implied apiVersion, kind, name and
 * namespace, and `mf` entries turned into `metadata.managedFields`.
 */
export function complete(type: string, shorthand: JsonObject | null | undefined): JsonObject {
  const implied = IMPLIED[type] ?? { apiVersion: 'v1', name: 'x' };
  const { mf, metadata, ...rest } = shorthand ?? {};
  const meta: JsonObject = { name: implied.name, namespace: 'ns', ...(isObject(metadata) ? metadata : {}) };
  if (Array.isArray(mf)) {
    meta['managedFields'] = mf.map((e: JsonObject) => ({
      manager: e['manager'],
      operation: e['op'],
      fieldsType: 'FieldsV1',
      fieldsV1: e['f'],
    }));
  }
  return { apiVersion: implied.apiVersion, kind: type, metadata: meta, ...rest };
}
