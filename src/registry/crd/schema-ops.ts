/**
 * Structural-schema handling for custom resources, in upstream's order: prune unknown fields,
 * drop nulls the schema does not allow, apply defaults; then validate.
 */
import {
  applyDefaults,
  pruneNonNullableNulls,
  pruneUnknownFields,
  validateCustomResource,
  type JSONSchemaProps,
} from '../validation/index.js';
import type { SchemaOps } from './from-crd.js';

export function structuralSchemaOps(group: string, kind: string): SchemaOps {
  return {
    prune(schema, obj) {
      pruneUnknownFields(schema as JSONSchemaProps, obj);
      pruneNonNullableNulls(schema as JSONSchemaProps, obj);
    },
    applyDefaults: (schema, obj) => applyDefaults(schema as JSONSchemaProps, obj),
    validate: (schema, obj) =>
      validateCustomResource(schema as JSONSchemaProps, obj, { group, kind, ...(obj.metadata.name && { name: obj.metadata.name }) }),
  };
}
