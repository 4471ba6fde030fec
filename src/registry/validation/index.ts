/**
 * Schema validation of request bodies. Built-in kinds: `validateAgainstSchema` finds decode
 * errors (400) and unknown fields along the OpenAPI v2 definitions. Custom resources, in
 * upstream's order: `pruneUnknownFields`, `pruneNonNullableNulls`, `applyDefaults` (also on
 * read), then `validateCustomResource` (422). For both, `findDuplicateFields` scans the raw
 * JSON, `decideFieldValidation` turns unknown and duplicate fields into warnings or a 400, and
 * `warningHeaderValues` formats the `Warning` header.
 */
export { validateAgainstSchema, decodeError } from './builtin.js';
export type { SchemaCheckOptions, SchemaCheckResult } from './builtin.js';
export { findDuplicateFields } from './duplicates.js';
export { decideFieldValidation, parseFieldValidation, strictProblems } from './field-validation.js';
export type { FieldValidationDecision, FieldValidationMode, WriteVerb } from './field-validation.js';
export { warningHeaderValues, headerValue } from './warnings.js';
export { pruneUnknownFields, pruneNonNullableNulls } from './structural/prune.js';
export { applyDefaults } from './structural/defaults.js';
export { validateCustomResource } from './structural/validate.js';
export type { CustomResourceIdentity } from './structural/validate.js';
export { checkStructural } from './structural/check.js';
export type { JSONSchemaProps } from './structural/types.js';
