/**
 * The schema knowledge strategic merge patch needs, behind a small interface so it can come from
 * an OpenAPI document (`openapi-meta.ts`), a hand-written table, or nowhere at all.
 */
import { unsupportedMediaType, type StatusError } from '../errors.js';
import { strategicMergeError } from './patch-errors.js';

/** What strategic merge needs to know at one position of an object. */
export interface PatchMeta {
  /** The type's short name (`PodSpec`), for error messages. */
  readonly name: string;
  /**
   * The meta of a field of the object here (for a map type: of any value). Undefined when not
   * declared: an error if `strict`, else plain JSON-merge semantics for it.
   */
  field(name: string): PatchMeta | undefined;
  /** For a list here: the meta of its items; undefined means plain semantics for them. */
  items(): PatchMeta | undefined;
  /** `x-kubernetes-patch-strategy` of the property leading here, split on commas. */
  readonly patchStrategy?: readonly string[];
  /** `x-kubernetes-patch-merge-key` of the property leading here. */
  readonly patchMergeKey?: string;
  /**
   * True for a declared struct: looking up an undeclared field fails (upstream's
   * `unable to find api field`). False or absent for free-form positions.
   */
  readonly strict?: boolean;
}

/** A PatchMeta that knows nothing: maps merge, lists are replaced, directives still apply. */
export const EMPTY_PATCH_META: PatchMeta = {
  name: '',
  field: () => undefined,
  items: () => undefined,
};

/** The patch types kube-apiserver accepts for a custom resource, in its order. */
export const CUSTOM_RESOURCE_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
] as const;

/** The 415 kube-apiserver answers to a strategic merge patch on a custom resource. */
export function strategicMergeUnsupported(): StatusError {
  return unsupportedMediaType(CUSTOM_RESOURCE_PATCH_TYPES);
}

/** The strategy and merge key of a field, with `retainKeys` set apart (it is a directive-only hint). */
export interface FieldStrategy {
  readonly meta: PatchMeta;
  /** `merge`, `replace` or '' (none). */
  readonly strategy: string;
  readonly mergeKey: string;
}

/** Meta of field `key` of an object at `meta`; throws where upstream's lookup fails. */
export function lookupField(meta: PatchMeta, key: string): FieldStrategy {
  const field = meta.field(key);
  if (field === undefined) {
    if (meta.strict === true) {
      throw strategicMergeError(`unable to find api field in struct ${meta.name} for the json field "${key}"`);
    }
    return { meta: EMPTY_PATCH_META, strategy: '', mergeKey: '' };
  }
  return { meta: field, strategy: mainStrategy(field.patchStrategy ?? []), mergeKey: field.patchMergeKey ?? '' };
}

/** Like `lookupField` for a list-valued field; `meta` is then the items' meta. */
export function lookupListField(meta: PatchMeta, key: string): FieldStrategy {
  const found = lookupField(meta, key);
  return { ...found, meta: found.meta.items() ?? EMPTY_PATCH_META };
}

/** Upstream's `extractRetainKeysPatchStrategy`: at most one strategy besides `retainKeys`. */
function mainStrategy(strategies: readonly string[]): string {
  const [first = '', second = ''] = strategies;
  if (strategies.length <= 1) return first === 'retainKeys' ? '' : first;
  if (strategies.length === 2 && first === 'retainKeys') return second;
  if (strategies.length === 2 && second === 'retainKeys') return first;
  throw strategicMergeError(`unexpected patch strategy: ${strategies.join(',')}`);
}
