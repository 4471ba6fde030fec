/**
 * The default strategy and the pieces kinds combine: a spec/status split (status is written
 * only through the status subresource, and spec changes bump generation) and plain kinds
 * (ConfigMaps, Secrets) that have neither.
 */
import type { FieldError } from '../api/errors.js';
import { rfc3339, type KubeObject } from '../api/object.js';
import type { Strategy } from './definition.js';

export interface StrategyOptions {
  /** The kind has spec and status, with status written only through `/status`. */
  readonly statusSubresource?: boolean;
  readonly allowUnconditionalUpdate?: boolean;
  readonly defaults?: (obj: KubeObject) => void;
  readonly validate?: (obj: KubeObject) => FieldError[];
  readonly validateUpdate?: (obj: KubeObject, old: KubeObject) => FieldError[];
  readonly validateCreate?: (obj: KubeObject) => FieldError[];
  readonly selectableFields?: (obj: KubeObject) => Record<string, string>;
}

export function makeStrategy(options: StrategyOptions = {}): Strategy {
  const status = options.statusSubresource === true;
  const strategy: Strategy = {
    tracksGeneration: status,
    allowCreateOnUpdate: false,
    allowUnconditionalUpdate: options.allowUnconditionalUpdate ?? true,
    prepareForCreate(obj) {
      if (status) delete obj['status'];
      options.defaults?.(obj);
    },
    prepareForUpdate(obj, old) {
      if (status) {
        if (old['status'] === undefined) delete obj['status'];
        else obj['status'] = old['status'];
      }
      options.defaults?.(obj);
    },
    validate: (obj) => options.validate?.(obj) ?? [],
    validateUpdate: (obj, old) => options.validateUpdate?.(obj, old) ?? [],
  };
  if (options.selectableFields) strategy.selectableFields = options.selectableFields;
  if (options.validateCreate) strategy.validateCreate = options.validateCreate;
  return strategy;
}

/** The strategy of the status subresource: only status changes; everything else comes from `old`. */
export function statusUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  const next: KubeObject = structuredClone(old);
  if (obj['status'] === undefined) delete next['status'];
  else next['status'] = obj['status'];
  // Upstream's status strategies keep everything but status from the stored object; managedFields
  // come from the write, which records the status writer's ownership.
  if (obj.metadata.managedFields !== undefined) next.metadata.managedFields = obj.metadata.managedFields;
  next.metadata.resourceVersion = obj.metadata.resourceVersion;
  return next;
}

/** The namespace `finalize` subresource: only spec.finalizers changes. */
export function finalizersUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  const next: KubeObject = structuredClone(old);
  const spec = { ...((old['spec'] as Record<string, unknown> | undefined) ?? {}) };
  const wanted = (obj['spec'] as { finalizers?: unknown } | undefined)?.finalizers;
  if (wanted === undefined) delete spec['finalizers'];
  else spec['finalizers'] = wanted;
  next['spec'] = spec;
  next.metadata.resourceVersion = obj.metadata.resourceVersion;
  return next;
}

/**
 * The `approval` subresource of CertificateSigningRequests (csrApprovalStrategy): only
 * status.conditions changes. Conditions get status True and the current time where unset
 * (SetDefaults_CertificateSigningRequestCondition, populateConditionTimestamps).
 */
export function approvalUpdate(obj: KubeObject, old: KubeObject, now: Date = new Date()): KubeObject {
  const next: KubeObject = structuredClone(old);
  const status: Record<string, unknown> = { ...((old['status'] as Record<string, unknown> | undefined) ?? {}) };
  const wanted = (obj['status'] as { conditions?: unknown } | undefined)?.conditions;
  if (wanted === undefined || wanted === null) delete status['conditions'];
  else status['conditions'] = structuredClone(wanted);
  const stamp = rfc3339(now);
  for (const c of Array.isArray(status['conditions']) ? (status['conditions'] as unknown[]) : []) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) continue;
    const cond = c as Record<string, unknown>;
    for (const [key, value] of [['status', 'True'], ['lastUpdateTime', stamp], ['lastTransitionTime', stamp]] as const) {
      if (cond[key] === undefined || cond[key] === null || cond[key] === '') cond[key] = value;
    }
  }
  next['status'] = status;
  if (obj.metadata.managedFields !== undefined) next.metadata.managedFields = obj.metadata.managedFields;
  next.metadata.resourceVersion = obj.metadata.resourceVersion;
  return next;
}
