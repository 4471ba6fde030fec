/**
 * Test-side helpers for comparing our definitions with the upstream v1.35 swagger document. The
 * document is read at test time from the shared reference folder and never enters the project.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../../../openapi/types.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const ORACLE_PATH = `${REPO_ROOT}../shared/reference/kubernetes-v1.35.0-swagger.json`;

export interface Swagger {
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, unknown>>;
}

export function loadOracle(): Swagger | undefined {
  return existsSync(ORACLE_PATH) ? (JSON.parse(readFileSync(ORACLE_PATH, 'utf8')) as Swagger) : undefined;
}

const C = 'io.k8s.api.core.v1.';
const M = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const withList = (prefix: string, kinds: string): string[] =>
  kinds.split(' ').flatMap((k) => [prefix + k, `${prefix}${k}List`]);

/** The kinds the server serves (with their lists) and the meta and review kinds around them. */
export const ROOTS: readonly string[] = [
  ...withList(C, 'Namespace ConfigMap Secret ServiceAccount Service Endpoints Pod Event PersistentVolumeClaim'),
  ...withList(C, 'LimitRange ResourceQuota ReplicationController'),
  ...withList(C, 'PersistentVolume Node PodTemplate ComponentStatus'),
  ...withList('io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.', 'APIService'),
  `${C}Binding`,
  ...withList('io.k8s.api.apps.v1.', 'Deployment ReplicaSet StatefulSet DaemonSet ControllerRevision'),
  ...withList('io.k8s.api.batch.v1.', 'Job CronJob'),
  ...withList('io.k8s.api.autoscaling.v1.', 'HorizontalPodAutoscaler'),
  ...withList('io.k8s.api.autoscaling.v2.', 'HorizontalPodAutoscaler'),
  'io.k8s.api.autoscaling.v1.Scale',
  ...withList('io.k8s.api.networking.v1.', 'Ingress IngressClass NetworkPolicy IPAddress ServiceCIDR'),
  ...withList('io.k8s.api.policy.v1.', 'PodDisruptionBudget'),
  'io.k8s.api.policy.v1.Eviction',
  ...withList('io.k8s.api.certificates.v1.', 'CertificateSigningRequest'),
  ...withList('io.k8s.api.rbac.v1.', 'Role ClusterRole RoleBinding ClusterRoleBinding'),
  ...withList('io.k8s.api.admissionregistration.v1.', 'ValidatingWebhookConfiguration MutatingWebhookConfiguration'),
  ...withList('io.k8s.api.admissionregistration.v1.', 'ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding'),
  ...withList('io.k8s.api.node.v1.', 'RuntimeClass'),
  ...withList('io.k8s.api.flowcontrol.v1.', 'FlowSchema PriorityLevelConfiguration'),
  ...withList('io.k8s.api.resource.v1.', 'DeviceClass ResourceClaim ResourceClaimTemplate ResourceSlice'),
  ...withList('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.', 'CustomResourceDefinition'),
  ...withList('io.k8s.api.coordination.v1.', 'Lease'),
  ...withList('io.k8s.api.scheduling.v1.', 'PriorityClass'),
  ...withList('io.k8s.api.storage.v1.', 'StorageClass CSIDriver CSINode VolumeAttachment CSIStorageCapacity VolumeAttributesClass'),
  ...withList('io.k8s.api.events.v1.', 'Event'),
  ...withList('io.k8s.api.discovery.v1.', 'EndpointSlice'),
  ...'ObjectMeta ListMeta Status DeleteOptions WatchEvent APIResourceList APIGroupList APIGroup APIVersions Patch'
    .split(' ')
    .map((k) => M + k),
  ...'TokenReview SelfSubjectReview TokenRequest'.split(' ').map((k) => `io.k8s.api.authentication.v1.${k}`),
  ...'SubjectAccessReview SelfSubjectAccessReview LocalSubjectAccessReview SelfSubjectRulesReview'
    .split(' ')
    .map((k) => `io.k8s.api.authorization.v1.${k}`),
];

/** Names of all definitions reachable from `roots` through `$ref`s. */
export function reachable(defs: Record<string, Schema>, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    collectRefs(defs[name], (r) => visit(r));
  };
  roots.forEach(visit);
  return [...seen].sort();
}

export function collectRefs(node: unknown, found: (name: string) => void, prefix = '#/definitions/'): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, found, prefix);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(prefix)) found(v.slice(prefix.length));
      else collectRefs(v, found, prefix);
    }
  }
}

const EXTENSIONS = [
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
] as const;

/** The comparable facts of one property or value schema, as a short string. */
function shape(s: Schema | boolean | undefined): string {
  if (s === undefined) return '-';
  if (typeof s === 'boolean') return String(s);
  const parts: string[] = [];
  if (s.$ref) parts.push(`ref=${s.$ref.replace('#/definitions/', '')}`);
  if (s.type) parts.push(`type=${s.type}`);
  if (s.format) parts.push(`format=${s.format}`);
  if (s.items) parts.push(`items=(${shape(s.items)})`);
  if (s.additionalProperties !== undefined) parts.push(`values=(${shape(s.additionalProperties)})`);
  for (const e of EXTENSIONS) if (s[e] !== undefined) parts.push(`${e.slice(13)}=${JSON.stringify(s[e])}`);
  return parts.join(' ');
}

const sorted = (xs: readonly unknown[] | undefined): string => JSON.stringify([...(xs ?? [])].map(String).sort());
const gvks = (s: Schema): string =>
  sorted(((s['x-kubernetes-group-version-kind'] as Record<string, string>[] | undefined) ?? []).map((g) => `${g.group}/${g.version}/${g.kind}`));

/**
 * Every difference between our definition and upstream's, as `name[.prop]: what` lines. Only
 * the facts clients depend on are compared: property names, type/format/$ref (also of items and
 * map values), required, patch strategy and merge key, list and map types, and GVKs.
 */
export function diffDefinition(name: string, ours: Schema | undefined, theirs: Schema): string[] {
  if (!ours) return [`${name}: missing`];
  const out: string[] = [];
  const top = (s: Schema): Schema => ({ ...s, items: undefined, additionalProperties: undefined });
  if (shape(top(ours)) !== shape(top(theirs))) out.push(`${name}: ${shape(top(ours))} != ${shape(top(theirs))}`);
  if (sorted(ours.required) !== sorted(theirs.required)) {
    out.push(`${name}: required ${sorted(ours.required)} != ${sorted(theirs.required)}`);
  }
  if (gvks(ours) !== gvks(theirs)) out.push(`${name}: gvk ${gvks(ours)} != ${gvks(theirs)}`);
  const props = new Set([...Object.keys(ours.properties ?? {}), ...Object.keys(theirs.properties ?? {})]);
  for (const p of [...props].sort()) {
    const a = ours.properties?.[p];
    const b = theirs.properties?.[p];
    if (!a) out.push(`${name}.${p}: missing`);
    else if (!b) out.push(`${name}.${p}: extra`);
    else if (shape(a) !== shape(b)) out.push(`${name}.${p}: ${shape(a)} != ${shape(b)}`);
  }
  return out;
}
