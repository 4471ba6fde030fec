/**
 * All message descriptors, compiled on first use into number-indexed lookups, and the table of kinds we accept
 * as protobuf. Message names use short package aliases (`core.v1.Pod`, `meta.v1.ObjectMeta`); PROTO_PACKAGES
 * maps them to the upstream proto packages (the descriptor test checks every field against those).
 */
import { appsMessages } from './apps.js';
import { authenticationMessages } from './authentication.js';
import { authorizationMessages } from './authorization.js';
import { autoscalingMessages } from './autoscaling.js';
import { batchMessages } from './batch.js';
import { certificatesMessages } from './certificates.js';
import { coreContainerMessages } from './core-container.js';
import { coreObjectsMessages } from './core-objects.js';
import { corePodMessages } from './core-pod.js';
import { coreStatusMessages } from './core-status.js';
import { coreVolumeMessages } from './core-volume.js';
import { metaMessages } from './meta.js';
import { networkingMessages } from './networking.js';
import { policyMessages } from './policy.js';
import { rbacMessages } from './rbac.js';
import type { FieldSpec, MessageTable, Presence } from './types.js';

export type { FieldSpec, MessageTable, Presence } from './types.js';

export const messageTable: MessageTable = {
  ...metaMessages,
  ...coreObjectsMessages,
  ...corePodMessages,
  ...coreContainerMessages,
  ...coreVolumeMessages,
  ...coreStatusMessages,
  ...appsMessages,
  ...batchMessages,
  ...certificatesMessages,
  ...autoscalingMessages,
  ...rbacMessages,
  ...authenticationMessages,
  ...authorizationMessages,
  ...networkingMessages,
  ...policyMessages,
};

/** Alias prefix of a message name → upstream proto package. */
export const PROTO_PACKAGES: Readonly<Record<string, string>> = {
  'meta.v1': 'k8s.io.apimachinery.pkg.apis.meta.v1',
  runtime: 'k8s.io.apimachinery.pkg.runtime',
  intstr: 'k8s.io.apimachinery.pkg.util.intstr',
  resource: 'k8s.io.apimachinery.pkg.api.resource',
  'core.v1': 'k8s.io.api.core.v1',
  'apps.v1': 'k8s.io.api.apps.v1',
  'batch.v1': 'k8s.io.api.batch.v1',
  'certificates.v1': 'k8s.io.api.certificates.v1',
  'autoscaling.v1': 'k8s.io.api.autoscaling.v1',
  'autoscaling.v2': 'k8s.io.api.autoscaling.v2',
  'rbac.v1': 'k8s.io.api.rbac.v1',
  'authentication.v1': 'k8s.io.api.authentication.v1',
  'authorization.v1': 'k8s.io.api.authorization.v1',
  'networking.v1': 'k8s.io.api.networking.v1',
  'policy.v1': 'k8s.io.api.policy.v1',
  'scheduling.v1': 'k8s.io.api.scheduling.v1',
};

/** Top-level messages a client may send, i.e. what `typeMeta` may name. */
export const ROOT_MESSAGES: ReadonlySet<string> = new Set([
  'core.v1.Secret',
  'core.v1.ConfigMap',
  'core.v1.Namespace',
  'core.v1.ServiceAccount',
  'core.v1.Service',
  'core.v1.Pod',
  'core.v1.ResourceQuota',
  'apps.v1.Deployment',
  'batch.v1.Job',
  'batch.v1.CronJob',
  'certificates.v1.CertificateSigningRequest',
  'autoscaling.v1.HorizontalPodAutoscaler',
  'autoscaling.v2.HorizontalPodAutoscaler',
  'rbac.v1.Role',
  'rbac.v1.ClusterRole',
  'rbac.v1.RoleBinding',
  'rbac.v1.ClusterRoleBinding',
  'authentication.v1.TokenRequest',
  'authentication.v1.TokenReview',
  'authentication.v1.SelfSubjectReview',
  'authorization.v1.SubjectAccessReview',
  'authorization.v1.LocalSubjectAccessReview',
  'authorization.v1.SelfSubjectAccessReview',
  'authorization.v1.SelfSubjectRulesReview',
  'networking.v1.Ingress',
  'policy.v1.PodDisruptionBudget',
  'scheduling.v1.PriorityClass',
  'meta.v1.DeleteOptions',
]);

/**
 * The root message for an envelope's apiVersion/kind, or undefined. The proto package is the group's first DNS
 * label (`rbac.authorization.k8s.io` → `rbac`, core → `core`); DeleteOptions is meta/v1 under any group, because
 * typed clients label it with the group/version of the resource being deleted.
 */
export function rootMessageFor(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return 'meta.v1.DeleteOptions';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (version === '' || version.includes('/')) return undefined;
  const pkg = group === '' ? 'core' : (group.split('.')[0] as string);
  const name = `${pkg}.${version}.${kind}`;
  return ROOT_MESSAGES.has(name) ? name : undefined;
}

export type ScalarType = 'string' | 'bytes' | 'bool' | 'int32' | 'int64';

export type ValueType = { readonly scalar: ScalarType } | { readonly message: string };

export interface CompiledField {
  readonly no: number;
  readonly json: string;
  readonly presence: Presence | undefined;
  readonly repeated: boolean;
  /** Set for `map<K,V>`: the entry's key (field 1) type; `value` is then the entry's field 2. */
  readonly mapKey: ScalarType | undefined;
  readonly value: ValueType;
}

export interface CompiledMessage {
  readonly name: string;
  /** In Go struct order. */
  readonly fields: readonly CompiledField[];
  readonly byNumber: ReadonlyMap<number, CompiledField>;
}

const SCALARS: ReadonlySet<string> = new Set(['string', 'bytes', 'bool', 'int32', 'int64']);

function valueType(t: string): ValueType {
  return SCALARS.has(t) ? { scalar: t as ScalarType } : { message: t };
}

/** Parses a FieldSpec's type string (`[]T`, `map<K,V>`, scalar or message name). */
export function compileField(spec: FieldSpec): CompiledField {
  const [no, json, type, presence] = spec;
  const map = /^map<(\w+),(.+)>$/.exec(type);
  if (map) {
    const key = map[1] as string;
    if (!SCALARS.has(key)) throw new Error(`bad map key type in ${json}: ${type}`);
    return { no, json, presence, repeated: false, mapKey: key as ScalarType, value: valueType(map[2] as string) };
  }
  const repeated = type.startsWith('[]');
  return { no, json, presence, repeated, mapKey: undefined, value: valueType(repeated ? type.slice(2) : type) };
}

const compiled = new Map<string, CompiledMessage>();

export function messageDescriptor(name: string): CompiledMessage | undefined {
  let m = compiled.get(name);
  if (m === undefined) {
    const specs = messageTable[name];
    if (specs === undefined) return undefined;
    const fields = specs.map(compileField);
    m = { name, fields, byNumber: new Map(fields.map((f) => [f.no, f])) };
    compiled.set(name, m);
  }
  return m;
}
