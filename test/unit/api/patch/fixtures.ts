/**
 * Shared fixtures for the patch tests: a hand-written OpenAPI v2 subset (so strategic merge
 * cases run without the upstream document), the upstream v1.35 document when present, and the
 * status assertion helper.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { StatusError } from '../../../../src/api/errors.js';
import type { OpenApiV2Definitions, OpenApiV2Schema } from '../../../../src/api/patch/openapi-meta.js';

/** `../shared/reference/` beside the repository root. */
const SWAGGER_PATH = fileURLToPath(new URL('../../../../../shared/reference/kubernetes-v1.35.0-swagger.json', import.meta.url));

let swagger: OpenApiV2Definitions | undefined;

/** The upstream definitions, or undefined when the reference file is absent (tests then skip). */
export function upstreamDefinitions(): OpenApiV2Definitions | undefined {
  if (swagger === undefined && existsSync(SWAGGER_PATH)) {
    swagger = (JSON.parse(readFileSync(SWAGGER_PATH, 'utf8')) as { definitions: OpenApiV2Definitions }).definitions;
  }
  return swagger;
}

/** Asserts `fn` throws a StatusError with this code and reason (never the message). */
export function assertStatus(fn: () => unknown, code: number, reason: string): StatusError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof StatusError, `expected a StatusError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.reason, reason);
  return caught;
}

const ref = (name: string): OpenApiV2Schema => ({ $ref: `#/definitions/${name}` });
const str: OpenApiV2Schema = { type: 'string' };
const strMap: OpenApiV2Schema = { type: 'object', additionalProperties: str };
const strList: OpenApiV2Schema = { type: 'array', items: str };
const list = (name: string, strategy?: string, mergeKey?: string): OpenApiV2Schema => ({
  type: 'array',
  items: ref(name),
  ...(strategy !== undefined && { 'x-kubernetes-patch-strategy': strategy }),
  ...(mergeKey !== undefined && { 'x-kubernetes-patch-merge-key': mergeKey }),
});
const object = (properties: Record<string, OpenApiV2Schema>): OpenApiV2Schema => ({ type: 'object', properties });
const kind = (spec: string): OpenApiV2Schema =>
  object({ apiVersion: str, kind: str, metadata: ref('meta.ObjectMeta'), spec: ref(spec) });

const V1 = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * A hand-written subset of the v1.35 definitions, with the same names and extensions as
 * upstream for the fields the tests touch.
 */
export const MINI_DEFINITIONS: OpenApiV2Definitions = {
  'meta.ObjectMeta': object({
    name: str,
    namespace: str,
    resourceVersion: str,
    labels: strMap,
    annotations: strMap,
    finalizers: { ...strList, 'x-kubernetes-patch-strategy': 'merge' },
    managedFields: list(`${META}.ManagedFieldsEntry`),
  }),
  [`${META}.ManagedFieldsEntry`]: object({ manager: str, operation: str, fieldsV1: { type: 'object' } }),
  [`${META}.LabelSelector`]: object({ matchLabels: strMap, matchExpressions: { type: 'array', items: { type: 'object' } } }),
  [`${V1}.Pod`]: kind(`${V1}.PodSpec`),
  [`${V1}.PodSpec`]: object({
    containers: list(`${V1}.Container`, 'merge', 'name'),
    initContainers: list(`${V1}.Container`, 'merge', 'name'),
    volumes: list(`${V1}.Volume`, 'merge,retainKeys', 'name'),
    tolerations: list(`${V1}.Toleration`),
    nodeSelector: strMap,
  }),
  [`${V1}.Container`]: object({
    name: str,
    image: str,
    command: strList,
    args: strList,
    env: list(`${V1}.EnvVar`, 'merge', 'name'),
    ports: list(`${V1}.ContainerPort`, 'merge', 'containerPort'),
    volumeMounts: list(`${V1}.VolumeMount`, 'merge', 'mountPath'),
  }),
  [`${V1}.EnvVar`]: object({ name: str, value: str }),
  [`${V1}.ContainerPort`]: object({ name: str, containerPort: { type: 'integer' }, protocol: str }),
  [`${V1}.VolumeMount`]: object({ name: str, mountPath: str }),
  [`${V1}.Volume`]: object({ name: str, emptyDir: object({}), configMap: object({ name: str }) }),
  [`${V1}.Toleration`]: object({ key: str, operator: str }),
  [`${V1}.ConfigMap`]: object({ apiVersion: str, kind: str, metadata: ref('meta.ObjectMeta'), data: strMap }),
  [`${V1}.Service`]: kind(`${V1}.ServiceSpec`),
  [`${V1}.ServiceSpec`]: object({ ports: list(`${V1}.ServicePort`, 'merge', 'port'), selector: strMap }),
  [`${V1}.ServicePort`]: object({ name: str, port: { type: 'integer' }, protocol: str, targetPort: str }),
  'io.k8s.api.apps.v1.Deployment': kind('io.k8s.api.apps.v1.DeploymentSpec'),
  'io.k8s.api.apps.v1.DeploymentSpec': object({
    replicas: { type: 'integer' },
    strategy: { ...ref('io.k8s.api.apps.v1.DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
    template: ref(`${V1}.PodTemplateSpec`),
  }),
  'io.k8s.api.apps.v1.DeploymentStrategy': object({ type: str, rollingUpdate: object({ maxSurge: str, maxUnavailable: str }) }),
  [`${V1}.PodTemplateSpec`]: object({ metadata: ref('meta.ObjectMeta'), spec: ref(`${V1}.PodSpec`) }),
  'io.k8s.api.policy.v1.PodDisruptionBudget': kind('io.k8s.api.policy.v1.PodDisruptionBudgetSpec'),
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': object({
    minAvailable: str,
    selector: { ...ref(`${META}.LabelSelector`), 'x-kubernetes-patch-strategy': 'replace' },
  }),
};

/** Root definition per kind name used by the spec's vectors. */
export const ROOTS: Readonly<Record<string, string>> = {
  Pod: `${V1}.Pod`,
  ConfigMap: `${V1}.ConfigMap`,
  Service: `${V1}.Service`,
  Deployment: 'io.k8s.api.apps.v1.Deployment',
  PodDisruptionBudget: 'io.k8s.api.policy.v1.PodDisruptionBudget',
};
