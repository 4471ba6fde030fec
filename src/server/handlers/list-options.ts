/**
 * Query parameters of list and watch: label and field selectors, limit, continue,
 * resourceVersion and resourceVersionMatch, turned into a predicate and a read plan.
 */
import { badRequest } from '../../api/errors.js';
import { checkFieldSelector, DEFAULT_SELECTABLE_FIELDS, fieldsMatch, parseFieldSelector } from '../../api/field-selector.js';
import { labelsMatch } from '../../api/label-selector.js';
import { parseLabelSelector } from '../../api/label-selector-parse.js';
import type { KubeObject } from '../../api/object.js';
import type { ReadQuery } from '../../api/resource-version.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import { queryFlag } from '../query-flag.js';

export type Predicate = (obj: KubeObject) => boolean;

/** The fields a kind can be selected on, and how upstream words a refusal for it. */
function selectableFieldsOf(def: ResourceDefinition): { names: string[]; own: boolean } {
  const own = def.strategy.selectableFields;
  const extra = own ? Object.keys(own({ metadata: {} })) : [];
  return { names: [...DEFAULT_SELECTABLE_FIELDS, ...extra], own: own !== undefined };
}

/** A predicate for `labelSelector` and `fieldSelector`; undefined when neither narrows anything. */
export function predicateOf(def: ResourceDefinition, query: URLSearchParams): Predicate | undefined {
  const labelSel = query.get('labelSelector') ?? '';
  const fieldSel = query.get('fieldSelector') ?? '';
  const labels = labelSel.trim() === '' ? undefined : parseLabelSelector(labelSel);
  const fields = fieldSel.trim() === '' ? undefined : parseFieldSelector(fieldSel);
  if (fields) {
    const { names, own } = selectableFieldsOf(def);
    checkFieldSelector(fields, names, own ? 'label' : 'known');
  }
  if ((labels === undefined || labels.length === 0) && (fields === undefined || fields.length === 0)) return undefined;
  return (obj) => {
    if (labels && !labelsMatch(labels, obj.metadata.labels)) return false;
    if (fields) {
      const values: Record<string, string> = {
        'metadata.name': obj.metadata.name ?? '',
        'metadata.namespace': obj.metadata.namespace ?? '',
        ...def.strategy.selectableFields?.(obj),
      };
      if (!fieldsMatch(fields, values)) return false;
    }
    return true;
  };
}

export function limitOf(query: URLSearchParams): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return 0;
  const limit = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(limit)) throw badRequest(`invalid limit "${raw}"`);
  return Math.max(0, limit);
}

/** A watch's timeoutSeconds: undefined when absent; not a whole number is a 400, as kube's query decoding. */
export function timeoutSecondsOf(query: URLSearchParams): number | undefined {
  const raw = query.get('timeoutSeconds');
  if (raw === null || raw === '') return undefined;
  const seconds = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(seconds)) throw badRequest(`invalid timeoutSeconds "${raw}"`);
  return seconds;
}

/** The read-consistency parameters as resource-version.ts expects them. */
export function readQueryOf(query: URLSearchParams): ReadQuery {
  const sie = queryFlag(query, 'sendInitialEvents');
  return {
    ...(query.has('resourceVersion') && { resourceVersion: query.get('resourceVersion')! }),
    ...(query.has('resourceVersionMatch') && { resourceVersionMatch: query.get('resourceVersionMatch')! }),
    ...(query.has('continue') && { continue: query.get('continue')! }),
    limit: limitOf(query),
    ...(sie !== undefined && { sendInitialEvents: sie }),
  };
}
