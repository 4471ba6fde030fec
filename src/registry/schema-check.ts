/**
 * The decode step of a write, as kube's typed decoder and field validation do it: wrongly typed
 * fields of built-in kinds are a 400; unknown fields are dropped (built-ins) or pruned (custom
 * resources) and, with duplicate fields, become warnings, an error under Strict, or nothing
 * under Ignore. Runs on every create, update and patch result, before the strategy.
 */
import type { KubeObject } from '../api/object.js';
import { builtinDefinitions, isBuiltinDefinition, resourceDefinitionName } from '../../openapi/index.js';
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
}

const definitionNames = new WeakMap<ResourceDefinition, string | undefined>();

function builtinName(def: ResourceDefinition): string | undefined {
  if (!definitionNames.has(def)) {
    const name = resourceDefinitionName({ group: def.group, version: def.version, kind: def.kind });
    definitionNames.set(def, isBuiltinDefinition(name) ? name : undefined);
  }
  return definitionNames.get(def);
}

/** Checks and trims `obj` in place; returns the warnings to send, or throws the StatusError to answer. */
export function checkSchema(def: ResourceDefinition, obj: KubeObject, input: SchemaCheckInput): string[] {
  let unknown: string[] = [];
  if (def.structuralSchema !== undefined) {
    unknown = pruneUnknownFields(def.structuralSchema as JSONSchemaProps, obj);
  } else {
    const name = builtinName(def);
    if (name !== undefined) {
      const result = validateAgainstSchema(builtinDefinitions().definitions, name, obj, { prune: true });
      if (result.errors.length > 0) throw decodeError({ version: def.version, kind: def.kind }, result.errors);
      unknown = result.unknownFields;
    }
  }
  const decision = decideFieldValidation(input.mode, unknown, input.duplicates, input.verb);
  if (decision.error) throw decision.error;
  return decision.warnings;
}
