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

/** Parsed `labelSelector` and `fieldSelector`; undefined when absent or blank. */
export interface Selectors {
  readonly labels?: ReturnType<typeof parseLabelSelector>;
  readonly fields?: ReturnType<typeof parseFieldSelector>;
}

/**
 * The selectors' syntax, a 400 when wrong. Upstream checks it while decoding the query, so before
 * the integer parameters (readQueryOf) and the ListOptions rules (planList).
 */
export function selectorsOf(query: URLSearchParams): Selectors {
  const labelSel = query.get('labelSelector') ?? '';
  const fieldSel = query.get('fieldSelector') ?? '';
  return {
    ...(labelSel.trim() !== '' && { labels: parseLabelSelector(labelSel) }),
    ...(fieldSel.trim() !== '' && { fields: parseFieldSelector(fieldSel) }),
  };
}

/**
 * A predicate for the selectors; undefined when neither narrows anything. A field the kind cannot
 * be selected on is a 400 here, after the ListOptions rules, as upstream converts field labels.
 */
export function predicateFor(def: ResourceDefinition, { labels, fields }: Selectors): Predicate | undefined {
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
