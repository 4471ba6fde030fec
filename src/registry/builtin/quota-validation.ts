/**
 * ResourceQuota spec validation as kube-apiserver does it: every `spec.hard` key must be a quota
 * resource (a standard one, or a fully qualified name such as `count/deployments.apps`), its
 * quantity non-negative and whole for the counted resources; scopes (listed or selected) must
 * fit the resources they limit (the pod scopes only limit pods and their compute) and may not
 * contradict each other; scope selector expressions must use their operators properly.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isQualifiedName } from '../../api/names.js';
import { arr, rec, recs, str } from './helpers.js';
import { quantityValue } from './pod-template.js';

/** Resource names a quota tracks without a prefix. */
const STANDARD_QUOTA_RESOURCES: ReadonlySet<string> = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps',
  'services.nodeports', 'services.loadbalancers',
]);

/** Resource names the system knows without a prefix (the quota ones and plain `storage`). */
const STANDARD_RESOURCES: ReadonlySet<string> = new Set([...STANDARD_QUOTA_RESOURCES, 'storage']);

/** Resources counted in whole units. */
const INTEGER_RESOURCES: ReadonlySet<string> = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

const POD_COUNT = new Set(['pods']);
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

/** Scopes that describe a pod's own properties: only the Exists operator selects them. */
const POD_PROPERTY_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'CrossNamespacePodAffinity']);

const KNOWN_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity', 'VolumeAttributesClass'];

const CONFLICTING_SCOPES: readonly (readonly [string, string])[] = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];

const isHugePages = (name: string): boolean => name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
const isStandardQuotaResource = (name: string): boolean => STANDARD_QUOTA_RESOURCES.has(name) || isHugePages(name);

/** A name outside `kubernetes.io` that is no `requests.` name and stays qualified as `requests.<name>`. */
function isExtendedResource(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  if (native || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Whether a quota with this scope may limit this resource (other resources are unaffected by scopes). */
export function scopeFitsResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return POD_COUNT.has(resource) || POD_COMPUTE.has(resource);
    case 'BestEffort':
      return POD_COUNT.has(resource);
    default:
      return true;
  }
}

function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const qualified = isQualifiedName(name).map((m) => fieldErrors.invalid(path, name, m));
  if (qualified.length > 0) return qualified;
  if (name.includes('/')) return [];
  const errs: FieldError[] = [];
  if (!STANDARD_RESOURCES.has(name) && !isHugePages(name)) errs.push(fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified'));
  if (!isStandardQuotaResource(name)) errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for quota'));
  return errs;
}

function validateQuotaQuantity(name: string, value: unknown, path: string): FieldError[] {
  const n = quantityValue(value);
  if (Number.isNaN(n)) return [];
  const errs: FieldError[] = [];
  if (n < 0) errs.push(fieldErrors.invalid(path, str(value) || value, 'must be greater than or equal to 0'));
  if ((INTEGER_RESOURCES.has(name) || isExtendedResource(name)) && Math.round(n * 1000) % 1000 !== 0) {
    errs.push(fieldErrors.invalid(path, value, 'must be an integer'));
  }
  return errs;
}

/** The spec checks of ValidateResourceQuota (hard, scopes, scopeSelector). */
export function validateResourceQuotaSpec(spec: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  const hard = rec(spec['hard']) ?? {};
  const names = Object.keys(hard).sort();
  for (const name of names) {
    const path = `spec.hard[${name}]`;
    errs.push(...validateQuotaResourceName(name, path), ...validateQuotaQuantity(name, hard[name], path));
  }
  const limited = names.filter(isStandardQuotaResource);
  const conflicts = (present: ReadonlySet<string>): boolean => CONFLICTING_SCOPES.some(([a, b]) => present.has(a) && present.has(b));

  const scopes = arr(spec['scopes']);
  if (scopes.length > 0) {
    const seen = new Set<string>();
    scopes.forEach((s, i) => {
      const scope = str(s);
      if (!KNOWN_SCOPES.includes(scope)) errs.push(fieldErrors.notSupported(`spec.scopes[${i}]`, s, KNOWN_SCOPES));
      for (const r of limited) if (!scopeFitsResource(scope, r)) errs.push(fieldErrors.invalid('spec.scopes', scopes, 'unsupported scope applied to resource'));
      seen.add(scope);
    });
    if (conflicts(seen)) errs.push(fieldErrors.invalid('spec.scopes', scopes, 'conflicting scopes'));
  }

  const selector = rec(spec['scopeSelector']);
  if (selector !== undefined) {
    const path = 'spec.scopeSelector.matchExpressions';
    const seen = new Set<string>();
    for (const req of recs(selector['matchExpressions'])) {
      const scope = str(req['scopeName']);
      const operator = str(req['operator']);
      const values = arr(req['values']);
      if (!KNOWN_SCOPES.includes(scope)) errs.push(fieldErrors.invalid(`${path}.scopeName`, req['scopeName'] ?? '', 'unsupported scope'));
      for (const r of limited) if (!scopeFitsResource(scope, r)) errs.push(fieldErrors.invalid(path, selector, 'unsupported scope applied to resource'));
      if (POD_PROPERTY_SCOPES.has(scope) && operator !== 'Exists') {
        errs.push(fieldErrors.invalid(`${path}.operator`, operator, `must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity`));
      }
      if (operator === 'In' || operator === 'NotIn') {
        if (values.length === 0) errs.push(fieldErrors.required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
      } else if (operator === 'Exists' || operator === 'DoesNotExist') {
        if (values.length > 0) errs.push(fieldErrors.invalid(`${path}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
      } else {
        errs.push(fieldErrors.invalid(`${path}.operator`, operator, 'not a valid selector operator'));
      }
      seen.add(scope);
    }
    if (conflicts(seen)) errs.push(fieldErrors.invalid(path, spec['scopes'] ?? null, 'conflicting scopes'));
  }
  return errs;
}
