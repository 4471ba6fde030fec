/**
 * Small builders for the OpenAPI v3 structural schemas of the KubeStellar and OCM kinds, and the
 * step that serves a CRD-shaped description as a built-in kind. The kinds are served through
 * definitionFromCrd so they behave exactly like the CRDs upstream installs (pruning, defaulting,
 * 422s with upstream's wording), without a CRD object anyone could delete.
 */
import { definitionFromCrd, type CrdSpec } from '../../registry/crd/from-crd.js';
import { structuralSchemaOps } from '../../registry/crd/schema-ops.js';
import type { ResourceDefinition } from '../../registry/definition.js';
import type { JSONSchemaProps } from '../../registry/validation/index.js';

export type Schema = JSONSchemaProps;
type Props = Record<string, Schema>;

export const string = (description: string, more: Schema = {}): Schema => ({ type: 'string', description, ...more });
export const boolean = (description: string): Schema => ({ type: 'boolean', description });
export const int64 = (description: string, more: Schema = {}): Schema => ({ type: 'integer', format: 'int64', description, ...more });
export const int32 = (description: string, more: Schema = {}): Schema => ({ type: 'integer', format: 'int32', description, ...more });
export const dateTime = (description: string, more: Schema = {}): Schema => ({ type: 'string', format: 'date-time', description, ...more });
export const list = (description: string, items: Schema, more: Schema = {}): Schema => ({ type: 'array', description, items, ...more });
export const strings = (description: string, item: Schema = {}, more: Schema = {}): Schema => list(description, { type: 'string', ...item }, more);

export function object(description: string, properties: Props, required: readonly string[] = [], more: Schema = {}): Schema {
  return { type: 'object', description, properties, ...(required.length > 0 && { required: [...required] }), ...more };
}

/** Any JSON value, kept as sent. */
export const anyValue = (description: string): Schema => ({ description, 'x-kubernetes-preserve-unknown-fields': true });

/** A list whose items are merged by the given key fields (server-side apply, strategic merge). */
export const mapList = (description: string, items: Schema, keys: readonly string[]): Schema =>
  list(description, items, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [...keys] });

/** The top of a kind's schema: TypeMeta and ObjectMeta as every CRD declares them, then its own fields. */
export function resourceSchema(description: string, properties: Props, required: readonly string[] = []): Schema {
  return object(
    description,
    {
      apiVersion: string('The versioned schema of this representation of the object; servers convert recognised schemas to the latest internal value.'),
      kind: string('The REST resource this object represents, in CamelCase; servers infer it from the endpoint the client writes to.'),
      metadata: { type: 'object', description: 'Standard object metadata.' },
      ...properties,
    },
    required,
  );
}

// ---- label selectors (metav1.LabelSelector) ----

/** A label value: empty, or alphanumeric at both ends with `-`, `_`, `.` allowed inside. */
export const LABEL_VALUE_PATTERN = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';
/** A label key: optional DNS-subdomain prefix and `/`, then a name. */
export const LABEL_KEY_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$';
/** A qualified name as Kubernetes writes the pattern for metav1.Condition types and OCM taint keys. */
export const QUALIFIED_NAME_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$';
export const SELECTOR_OPERATOR_PATTERN = '^(In|NotIn|Exists|DoesNotExist)$';

/**
 * A label selector. `checked` adds the syntax checks KubeStellar patches into the
 * BindingPolicy CRD for clusterSelectors; upstream leaves every other selector unchecked.
 */
export function labelSelector(description: string, checked = false): Schema {
  const pattern = (p: string): Schema => (checked ? { pattern: p } : {});
  const requirement = object(
    'One requirement: a key, an operator relating it to a set of values, and the values.',
    {
      key: string('The label key the requirement applies to.', pattern(LABEL_KEY_PATTERN)),
      operator: string('How the key relates to the values: In, NotIn, Exists or DoesNotExist.', pattern(SELECTOR_OPERATOR_PATTERN)),
      values: strings('The values; non-empty for In and NotIn, empty for Exists and DoesNotExist.', pattern(LABEL_VALUE_PATTERN), {
        'x-kubernetes-list-type': 'atomic',
      }),
    },
    ['key', 'operator'],
  );
  return object(
    `${description} Requirements are ANDed; an empty selector matches everything.`,
    {
      matchExpressions: list('Label requirements, all of which must hold.', requirement, { 'x-kubernetes-list-type': 'atomic' }),
      matchLabels: {
        type: 'object',
        description: 'Labels that must be present with exactly these values (each one is an `In` requirement with a single value).',
        additionalProperties: { type: 'string', ...pattern(LABEL_VALUE_PATTERN) },
      },
    },
    [],
    { 'x-kubernetes-map-type': 'atomic' },
  );
}

// ---- conditions ----

/** metav1.Condition with the validations Kubernetes declares for it (OCM's kinds use it). */
export function metaCondition(): Schema {
  return object(
    'One aspect of the current state of this object.',
    {
      lastTransitionTime: dateTime('When the condition last changed from one status to another.'),
      message: string('Human-readable details about the transition; may be empty.', { maxLength: 32768 }),
      observedGeneration: int64('The .metadata.generation the condition was set for.', { minimum: 0 }),
      reason: string('A CamelCase, programmatic identifier of the reason for the last transition.', {
        maxLength: 1024,
        minLength: 1,
        pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
      }),
      status: string('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
      type: string('The condition type, in CamelCase or a qualified name.', { maxLength: 316, pattern: QUALIFIED_NAME_PATTERN }),
    },
    ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
  );
}

/** The conditions list of an OCM status: one entry per type. */
export const metaConditions = (description: string): Schema => mapList(description, metaCondition(), ['type']);

// ---- serving ----

export type CrdColumn = NonNullable<CrdSpec['versions'][number]['additionalPrinterColumns']>[number];

export interface KindDescription {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly statusSubresource: boolean;
  readonly columns?: readonly CrdColumn[];
  readonly schema: Schema;
}

/** The `spec` of the CustomResourceDefinition that would serve this kind (one served storage version). */
export function crdSpec(k: KindDescription): CrdSpec {
  return {
    group: k.group,
    names: {
      plural: k.plural,
      singular: k.kind.toLowerCase(),
      kind: k.kind,
      listKind: `${k.kind}List`,
      ...(k.shortNames !== undefined && { shortNames: [...k.shortNames] }),
      ...(k.categories !== undefined && { categories: [...k.categories] }),
    },
    scope: k.namespaced ? 'Namespaced' : 'Cluster',
    versions: [
      {
        name: k.version,
        served: true,
        storage: true,
        schema: { openAPIV3Schema: k.schema },
        ...(k.statusSubresource && { subresources: { status: {} } }),
        ...(k.columns !== undefined && { additionalPrinterColumns: [...k.columns] }),
      },
    ],
  };
}

/** The served definition of a CRD-shaped description; a description that serves nothing is a programming error. */
export function servedDefinition(k: KindDescription): ResourceDefinition {
  const spec = crdSpec(k);
  const def = definitionFromCrd(spec, structuralSchemaOps(spec.group, spec.names.kind));
  if (def === undefined) throw new Error(`${spec.names.plural}.${spec.group} serves no version`);
  return def;
}
