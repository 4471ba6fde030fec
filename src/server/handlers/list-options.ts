/**
 * Query parameters of list and watch: label and field selectors, limit, timeoutSeconds, continue,
 * resourceVersion and resourceVersionMatch, turned into a predicate and a read plan. Boolean
 * parameters (watch, allowWatchBookmarks, sendInitialEvents) never fail: see queryFlag.
 */
import { badRequest, type StatusError } from '../../api/errors.js';
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

/**
 * An integer ListOptions parameter as kube's query decoding reads it: strconv.ParseInt(s, 10, 64)
 * on the first value, its error text alone as a 400 (an empty value is invalid syntax too).
 */
function int64Param(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const fail = (why: string): StatusError => badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: ${why}`);
  if (!/^[+-]?[0-9]+$/.test(raw)) throw fail('invalid syntax');
  const n = BigInt(raw);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw fail('value out of range');
  return Number(n);
}

/** The page size; absent or not positive means no limit. */
export function limitOf(query: URLSearchParams): number {
  return Math.max(0, int64Param(query, 'limit') ?? 0);
}

/** A watch's timeoutSeconds: undefined when absent. */
export function timeoutSecondsOf(query: URLSearchParams): number | undefined {
  return int64Param(query, 'timeoutSeconds');
}

/** The read-consistency parameters as resource-version.ts expects them. */
export function readQueryOf(query: URLSearchParams): ReadQuery {
  // Every list and watch decodes timeoutSeconds, before limit, as upstream's conversion does, so
  // a bad one fails a plain list too and is the error reported when both are bad.
  timeoutSecondsOf(query);
  const sie = queryFlag(query, 'sendInitialEvents');
  return {
    ...(query.has('resourceVersion') && { resourceVersion: query.get('resourceVersion')! }),
    ...(query.has('resourceVersionMatch') && { resourceVersionMatch: query.get('resourceVersionMatch')! }),
    ...(query.has('continue') && { continue: query.get('continue')! }),
    limit: limitOf(query),
    ...(sie !== undefined && { sendInitialEvents: sie }),
  };
}
