/**
 * admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations and
 * MutatingWebhookConfigurations, with upstream's defaults and the validation users meet
 * (webhook names, client config, rules, side effects, review versions), and
 * ValidatingAdmissionPolicies and their bindings (required validations and match constraints,
 * validation actions, parameter references).
 *
 * Webhook configurations are stored and served only: this server never calls admission webhooks.
 * ValidatingAdmissionPolicies and their bindings are enforced on client writes by
 * src/spaces/policy-admission.ts; their expressions are not compiled or type-checked when the
 * policy is written (status.typeChecking is not filled), so a broken expression shows up as an
 * evaluation error under the policy's failurePolicy.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import { isDNS1123Subdomain } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { formatSelector } from './cells.js';
import { oneOf, portNumber } from './checks.js';
import { arr, child, column, define, each, kindStrategy, rec, recs, setDefault, specOf, str, type Obj } from './helpers.js';

const ADMISSION_GROUP = 'admissionregistration.k8s.io';
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const OPERATIONS = ['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
/** kube-apiserver lists every admissionregistration kind under `kubectl get api-extensions`. */
const API_EXTENSIONS = ['api-extensions'];

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
    categories: API_EXTENSIONS,
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

// ---- ValidatingAdmissionPolicies and their bindings (stored only, never evaluated) ----

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const VALIDATION_REASONS = ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const VALIDATION_ACTIONS = ['Deny', 'Warn', 'Audit'];
const PARAM_NOT_FOUND_ACTIONS = ['Allow', 'Deny'];

/** SetDefaults_MatchResources and the rule scopes beneath it. */
function defaultMatchResources(m: Obj | undefined): void {
  if (m === undefined) return;
  setDefault(m, 'matchPolicy', 'Equivalent');
  if (m['namespaceSelector'] === undefined || m['namespaceSelector'] === null) m['namespaceSelector'] = {};
  if (m['objectSelector'] === undefined || m['objectSelector'] === null) m['objectSelector'] = {};
  for (const key of ['resourceRules', 'excludeResourceRules']) for (const rule of each(m, key)) setDefault(rule, 'scope', '*');
}

function validateMatchResources(m: Obj, path: string, requireRules: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const rules = recs(m['resourceRules']);
  if (requireRules && rules.length === 0) errs.push(fieldErrors.required(`${path}.resourceRules`));
  rules.forEach((r, i) => errs.push(...validateRule(r, `${path}.resourceRules[${i}]`)));
  recs(m['excludeResourceRules']).forEach((r, i) => errs.push(...validateRule(r, `${path}.excludeResourceRules[${i}]`)));
  errs.push(...oneOf(`${path}.matchPolicy`, m['matchPolicy'], ['Exact', 'Equivalent']));
  for (const key of ['namespaceSelector', 'objectSelector']) {
    const sel = rec(m[key]);
    if (sel) errs.push(...validateLabelSelector(sel as LabelSelector, `${path}.${key}`));
  }
  return errs;
}

/** Named entries (matchConditions, variables): a name and an expression each, names unique. */
function validateNamedExpressions(items: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  recs(items).forEach((c, i) => {
    const name = str(c['name']);
    if (name === '') errs.push(fieldErrors.required(`${path}[${i}].name`));
    else if (names.has(name)) errs.push(fieldErrors.duplicate(`${path}[${i}].name`, name));
    names.add(name);
    if (str(c['expression']) === '') errs.push(fieldErrors.required(`${path}[${i}].expression`));
  });
  return errs;
}

function validatePolicy(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const validations = recs(s['validations']);
  const audits = recs(s['auditAnnotations']);
  if (validations.length === 0 && audits.length === 0) {
    errs.push(fieldErrors.required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  }
  validations.forEach((v, i) => {
    const path = `spec.validations[${i}]`;
    if (str(v['expression']).trim() === '') errs.push(fieldErrors.required(`${path}.expression`));
    errs.push(...oneOf(`${path}.reason`, v['reason'], VALIDATION_REASONS));
  });
  const keys = new Set<string>();
  audits.forEach((a, i) => {
    const path = `spec.auditAnnotations[${i}]`;
    const key = str(a['key']);
    if (key === '') errs.push(fieldErrors.required(`${path}.key`));
    else if (keys.has(key)) errs.push(fieldErrors.duplicate(`${path}.key`, key));
    keys.add(key);
    if (str(a['valueExpression']).trim() === '') errs.push(fieldErrors.required(`${path}.valueExpression`));
  });
  const paramKind = rec(s['paramKind']);
  if (paramKind) {
    if (str(paramKind['apiVersion']) === '') errs.push(fieldErrors.required('spec.paramKind.apiVersion'));
    if (str(paramKind['kind']) === '') errs.push(fieldErrors.required('spec.paramKind.kind'));
  }
  const match = rec(s['matchConstraints']);
  if (match === undefined) errs.push(fieldErrors.required('spec.matchConstraints'));
  else errs.push(...validateMatchResources(match, 'spec.matchConstraints', true));
  errs.push(...oneOf('spec.failurePolicy', s['failurePolicy'], FAILURE_POLICIES));
  errs.push(...validateNamedExpressions(s['matchConditions'], 'spec.matchConditions'));
  errs.push(...validateNamedExpressions(s['variables'], 'spec.variables'));
  return errs;
}

function paramKindCell(o: KubeObject): string {
  const p = rec(specOf(o)['paramKind']);
  return p ? `${str(p['apiVersion'])}/${str(p['kind'])}` : '<unset>';
}

export const validatingadmissionpolicies: ResourceDefinition = define({
  group: ADMISSION_GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  categories: API_EXTENSIONS,
  namespaced: false,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Validations', (o) => arr(specOf(o)['validations']).length, { type: 'integer', description: 'Validations indicates the number of validation rules defined in this configuration' }),
    column('ParamKind', paramKindCell, { description: 'ParamKind specifies the kind of resources used to parameterize this policy' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    generation: true,
    defaults: (o) => {
      const s = child(o, 'spec');
      setDefault(s, 'failurePolicy', 'Fail');
      defaultMatchResources(rec(s['matchConstraints']));
    },
    validate: validatePolicy,
  }),
});

function validateBinding(o: KubeObject): FieldError[] {
  const s = specOf(o);
  const errs: FieldError[] = [];
  const policy = str(s['policyName']);
  if (policy === '') errs.push(fieldErrors.required('spec.policyName'));
  else errs.push(...isDNS1123Subdomain(policy).map((m) => fieldErrors.invalid('spec.policyName', policy, m)));
  const actions = arr(s['validationActions']);
  if (actions.length === 0) errs.push(fieldErrors.required('spec.validationActions', 'at least one validation action is required'));
  const seen = new Set<unknown>();
  actions.forEach((a, i) => {
    const path = `spec.validationActions[${i}]`;
    errs.push(...oneOf(path, a, VALIDATION_ACTIONS));
    if (seen.has(a)) errs.push(fieldErrors.duplicate(path, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    errs.push(fieldErrors.invalid('spec.validationActions', actions, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  const ref = rec(s['paramRef']);
  if (ref) {
    const name = str(ref['name']);
    const selector = rec(ref['selector']);
    if (name !== '' && selector !== undefined) errs.push(fieldErrors.forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
    if (name === '' && selector === undefined) errs.push(fieldErrors.required('spec.paramRef', 'one of name or selector must be specified'));
    if (selector) errs.push(...validateLabelSelector(selector as LabelSelector, 'spec.paramRef.selector'));
    const action = ref['parameterNotFoundAction'];
    if (action === undefined || action === null || action === '') errs.push(fieldErrors.required('spec.paramRef.parameterNotFoundAction'));
    else errs.push(...oneOf('spec.paramRef.parameterNotFoundAction', action, PARAM_NOT_FOUND_ACTIONS));
  }
  const match = rec(s['matchResources']);
  if (match) errs.push(...validateMatchResources(match, 'spec.matchResources', false));
  return errs;
}

/**
 * The PARAMREF cell: `namespace/name` (`*` for the namespace when none is given), or the selector
 * (upstream prints Go's struct dump of it; here it is the label-selector string), else `<unset>`.
 */
function paramRefCell(o: KubeObject): string {
  const ref = rec(specOf(o)['paramRef']);
  if (ref === undefined) return '<unset>';
  const name = str(ref['name']);
  if (name !== '') return `${str(ref['namespace']) || '*'}/${name}`;
  const selector = rec(ref['selector']);
  return selector ? formatSelector(selector) : '<unset>';
}

export const validatingadmissionpolicybindings: ResourceDefinition = define({
  group: ADMISSION_GROUP,
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  categories: API_EXTENSIONS,
  namespaced: false,
  columns: [
    nameColumn,
    column('PolicyName', (o) => str(specOf(o)['policyName']), { description: 'PolicyName indicates the policy definition which the policy binding binded to' }),
    column('ParamRef', paramRefCell, { description: 'ParamRef indicates the param resource which sets the configration param' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    generation: true,
    defaults: (o) => defaultMatchResources(rec(rec(o['spec'])?.['matchResources'])),
    validate: validateBinding,
  }),
});

/** admissionregistration.k8s.io/v1 in discovery order (alphabetical). */
export const admissionregistrationResources: readonly ResourceDefinition[] = [
  mutatingwebhookconfigurations,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  validatingwebhookconfigurations,
];
