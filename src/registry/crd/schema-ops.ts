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
import type { FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { blockedByErrors, evaluateRules, hasValidationRules } from './validation-rules.js';

/** The last schema validation of an object, so its rules can see whether it was well-formed. */
const lastValidation = new WeakMap<KubeObject, FieldError[]>();

export function structuralSchemaOps(group: string, kind: string): SchemaOps {
  return {
    prune(schema, obj) {
      pruneUnknownFields(schema as JSONSchemaProps, obj);
      pruneNonNullableNulls(schema as JSONSchemaProps, obj);
    },
    applyDefaults: (schema, obj) => applyDefaults(schema as JSONSchemaProps, obj),
    validate(schema, obj) {
      const errs = validateCustomResource(schema as JSONSchemaProps, obj, { group, kind, ...(obj.metadata.name && { name: obj.metadata.name }) });
      lastValidation.set(obj, errs);
      return errs;
    },
    validateRules(schema, obj, old) {
      if (!hasValidationRules(schema)) return [];
      const blocked = blockedByErrors(lastValidation.get(obj) ?? this.validate(schema, obj));
      return blocked !== undefined ? [blocked] : evaluateRules(schema, obj, old);
    },
  };
}
