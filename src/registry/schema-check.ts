/**
 * The decode step of a write, as kube's typed decoder and field validation do it: wrongly typed
 * fields of built-in kinds are a 400; unknown fields are dropped (built-ins) or pruned (custom
 * resources) and, with duplicate fields, become warnings, an error under Strict, or nothing
 * under Ignore. Runs on every create, update and patch result, before the strategy.
 */
import type { KubeObject } from '../api/object.js';
import { builtinDefinitions } from '../../openapi/index.js';
import { typedConfigFields, typedPatchError } from '../api/apply/index.js';
import { applySchemaFor, builtinDefinitionName } from './apply-schema.js';
import type { ResourceDefinition } from './definition.js';
import {
  decideFieldValidation,
  decodeError,
  pruneUnknownFields,
  validateAgainstSchema,
  type FieldValidationMode,
  type JSONSchemaProps,
  type WriteVerb,
} from './validation/index.js';

export interface SchemaCheckInput {
  readonly mode: FieldValidationMode;
  /** Duplicate-field paths found in the raw body (JSON bodies only). */
  readonly duplicates: readonly string[];
  readonly verb: WriteVerb;
  /** The version the object is in (the request's); default the stored one. */
  readonly version?: string;
}

const definitionNames = new WeakMap<ResourceDefinition, Map<string, string | undefined>>();

function builtinName(def: ResourceDefinition, version: string): string | undefined {
  let byVersion = definitionNames.get(def);
  if (byVersion === undefined) definitionNames.set(def, (byVersion = new Map()));
  if (!byVersion.has(version)) byVersion.set(version, builtinDefinitionName(def, version));
  return byVersion.get(version);
}

/**
 * Checks and trims `obj` in place, against the schema of the version it is in; returns the
 * warnings to send, or throws the StatusError to answer.
 */
export function checkSchema(def: ResourceDefinition, obj: KubeObject, input: SchemaCheckInput): string[] {
  const version = input.version ?? def.version;
  let unknown: string[] = [];
  if (def.structuralSchema !== undefined) {
    unknown = pruneUnknownFields(def.structuralSchema as JSONSchemaProps, obj);
  } else {
    const name = builtinName(def, version);
    if (name !== undefined) {
      const result = validateAgainstSchema(builtinDefinitions().definitions, name, obj, { prune: true });
      if (result.errors.length > 0) throw decodeError({ version, kind: def.kind }, result.errors);
      unknown = result.unknownFields;
    }
  }
  const decision = decideFieldValidation(input.mode, unknown, input.duplicates, input.verb, { version, kind: def.kind });
  if (decision.error) throw decision.error;
  return decision.warnings;
}

/**
 * The check of a server-side apply configuration, before any merge: as upstream converts it to
 * the kind's type, a value of the wrong type is a 400 `failed to create typed patch object
 * (<objectRef>): <path>: <problem>`. First the apply type model (shapes, undeclared fields,
 * scalar types, in structured-merge-diff's words; for custom resources from their structural
 * schema), then, for built-in kinds, the decode check create and patch run (base64 bytes,
 * quantities, times, integer ranges), which would otherwise only fail on the merged object, or
 * not at all. The rest of a custom resource's validation (ranges, patterns, CEL) runs on the
 * merged object (422), as on create. The configuration is not modified.
 */
export function checkAppliedConfiguration(
  def: ResourceDefinition,
  config: KubeObject,
  input: { readonly version?: string; readonly objectRef?: string },
): void {
  const version = input.version ?? def.version;
  typedConfigFields(config, applySchemaFor(def, version), input.objectRef);
  if (def.structuralSchema !== undefined) return;
  const name = builtinName(def, version);
  if (name === undefined) return;
  const { errors } = validateAgainstSchema(builtinDefinitions().definitions, name, config);
  const first = errors[0];
  if (first !== undefined) {
    const path = first.field === '' ? '' : `.${first.field}: `;
    throw typedPatchError(input.objectRef, `${path}${first.detail}`);
  }
}
