/**
 * admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations and
 * MutatingWebhookConfigurations, with upstream's defaults and the validation users meet
 * (webhook names, client config, rules, side effects, review versions).
 *
 * Stored and served only: this server never calls admission webhooks. Helm charts and operators
 * that ship these objects install cleanly, but the webhooks they name are not consulted on writes.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import { isDNS1123Subdomain } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { oneOf, portNumber } from './checks.js';
import { arr, column, define, each, kindStrategy, rec, recs, setDefault, str, type Obj } from './helpers.js';

const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook, SetDefaults_Rule and SetDefaults_ServiceReference. */
function defaultWebhooks(o: KubeObject, mutating: boolean): void {
  for (const hook of each(o, 'webhooks')) {
    setDefault(hook, 'failurePolicy', 'Fail');
    setDefault(hook, 'matchPolicy', 'Equivalent');
    if (hook['namespaceSelector'] === undefined || hook['namespaceSelector'] === null) hook['namespaceSelector'] = {};
    if (hook['objectSelector'] === undefined || hook['objectSelector'] === null) hook['objectSelector'] = {};
    setDefault(hook, 'timeoutSeconds', 10);
    if (mutating) setDefault(hook, 'reinvocationPolicy', 'Never');
    for (const rule of each(hook, 'rules')) setDefault(rule, 'scope', '*');
    const service = rec(rec(hook['clientConfig'])?.['service']);
    if (service) setDefault(service, 'port', 443);
  }
}

/** IsFullyQualifiedName: a DNS subdomain with at least three segments. */
function fullyQualified(field: string, name: string): FieldError[] {
  if (name === '') return [fieldErrors.required(field)];
  const errs = isDNS1123Subdomain(name).map((m) => fieldErrors.invalid(field, name, m));
  if (errs.length === 0 && name.split('.').length < 3) {
    errs.push(fieldErrors.invalid(field, name, 'should be a domain with at least three segments separated by dots'));
  }
  return errs;
}

function validateClientConfig(cc: Obj | undefined, path: string): FieldError[] {
  const url = str(cc?.['url']);
  const service = rec(cc?.['service']);
  if ((url === '') === (service === undefined)) return [fieldErrors.required(path, 'exactly one of url or service is required')];
  if (url !== '') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      return [fieldErrors.invalid(`${path}.url`, url, 'host must be specified')];
    }
    const errs: FieldError[] = [];
    if (parsed.protocol !== 'https:') errs.push(fieldErrors.invalid(`${path}.url`, url, "'https' is the only allowed URL scheme"));
    if (parsed.hostname === '') errs.push(fieldErrors.invalid(`${path}.url`, url, 'host must be specified'));
    if (parsed.username !== '' || parsed.password !== '') errs.push(fieldErrors.invalid(`${path}.url`, url, 'user information is not permitted in the URL'));
    if (parsed.hash !== '' || parsed.search !== '') errs.push(fieldErrors.invalid(`${path}.url`, url, 'fragments and query parameters are not permitted'));
    return errs;
  }
  const errs: FieldError[] = [];
  if (str(service!['namespace']) === '') errs.push(fieldErrors.required(`${path}.service.namespace`, 'service namespace is required'));
  if (str(service!['name']) === '') errs.push(fieldErrors.required(`${path}.service.name`, 'service name is required'));
  const p = str(service!['path']);
  if (p !== '' && !p.startsWith('/')) errs.push(fieldErrors.invalid(`${path}.service.path`, p, "must start with a '/'"));
  errs.push(...portNumber(`${path}.service.port`, service!['port']));
  return errs;
}

function validateRule(rule: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ops = arr(rule['operations']);
  if (ops.length === 0) errs.push(fieldErrors.required(`${path}.operations`));
  ops.forEach((op, i) => errs.push(...oneOf(`${path}.operations[${i}]`, op, OPERATIONS)));
  for (const key of ['apiGroups', 'apiVersions', 'resources']) {
    if (arr(rule[key]).length === 0) errs.push(fieldErrors.required(`${path}.${key}`));
  }
  errs.push(...oneOf(`${path}.scope`, rule['scope'], ['Cluster', 'Namespaced', '*']));
  return errs;
}

function validateWebhook(hook: Obj, path: string, mutating: boolean): FieldError[] {
  const errs = fullyQualified(`${path}.name`, str(hook['name']));
  errs.push(...validateClientConfig(rec(hook['clientConfig']), `${path}.clientConfig`));
  recs(hook['rules']).forEach((r, i) => errs.push(...validateRule(r, `${path}.rules[${i}]`)));
  const sideEffects = hook['sideEffects'];
  if (sideEffects === undefined || sideEffects === null || sideEffects === '') {
    errs.push(fieldErrors.required(`${path}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
  } else {
    errs.push(...oneOf(`${path}.sideEffects`, sideEffects, ['None', 'NoneOnDryRun']));
  }
  const versions = arr(hook['admissionReviewVersions']).map(str);
  if (versions.length === 0) {
    errs.push(fieldErrors.required(`${path}.admissionReviewVersions`, 'must specify one of v1, v1beta1'));
  } else if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) {
    errs.push(fieldErrors.invalid(`${path}.admissionReviewVersions`, versions, 'must include at least one of v1, v1beta1'));
  }
  errs.push(...oneOf(`${path}.failurePolicy`, hook['failurePolicy'], ['Ignore', 'Fail']));
  errs.push(...oneOf(`${path}.matchPolicy`, hook['matchPolicy'], ['Exact', 'Equivalent']));
  if (mutating) errs.push(...oneOf(`${path}.reinvocationPolicy`, hook['reinvocationPolicy'], ['Never', 'IfNeeded']));
  const timeout = hook['timeoutSeconds'];
  if (typeof timeout === 'number' && (timeout < 1 || timeout > 30)) {
    errs.push(fieldErrors.invalid(`${path}.timeoutSeconds`, timeout, 'the timeout value must be between 1 and 30 seconds'));
  }
  for (const key of ['namespaceSelector', 'objectSelector']) {
    const sel = rec(hook[key]);
    if (sel) errs.push(...validateLabelSelector(sel as LabelSelector, `${path}.${key}`));
  }
  const conditionNames = new Set<string>();
  recs(hook['matchConditions']).forEach((c, i) => {
    const name = str(c['name']);
    if (name === '') errs.push(fieldErrors.required(`${path}.matchConditions[${i}].name`));
    else if (conditionNames.has(name)) errs.push(fieldErrors.duplicate(`${path}.matchConditions[${i}].name`, name));
    conditionNames.add(name);
    if (str(c['expression']) === '') errs.push(fieldErrors.required(`${path}.matchConditions[${i}].expression`));
  });
  return errs;
}

function validateConfiguration(o: KubeObject, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(o['webhooks']).forEach((hook, i) => {
    const path = `webhooks[${i}]`;
    errs.push(...validateWebhook(hook, path, mutating));
    const name = str(hook['name']);
    if (name !== '' && names.has(name)) errs.push(fieldErrors.duplicate(`${path}.name`, name));
    names.add(name);
  });
  return errs;
}

function webhookConfiguration(kind: string, plural: string, mutating: boolean): ResourceDefinition {
  return define({
    group: ADMISSION_GROUP,
    version: 'v1',
    kind,
    plural,
    namespaced: false,
    columns: [
      nameColumn,
      column('Webhooks', (o) => arr(o['webhooks']).length, { type: 'integer', description: 'Webhooks indicates the number of webhooks registered in this configuration' }),
      ageColumn,
    ],
    strategy: kindStrategy({
      // Upstream bumps generation on any change to webhooks (the configuration has no status).
      generation: true,
      defaults: (o) => defaultWebhooks(o, mutating),
      validate: (o) => validateConfiguration(o, mutating),
    }),
  });
}

export const mutatingwebhookconfigurations: ResourceDefinition = webhookConfiguration('MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', true);
export const validatingwebhookconfigurations: ResourceDefinition = webhookConfiguration('ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false);

/** admissionregistration.k8s.io/v1 in discovery order. */
export const admissionregistrationResources: readonly ResourceDefinition[] = [mutatingwebhookconfigurations, validatingwebhookconfigurations];
