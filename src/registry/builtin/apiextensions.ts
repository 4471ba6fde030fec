/**
 * apiextensions.k8s.io/v1 CustomResourceDefinitions as stored objects: their identity,
 * defaults, and the checks that keep a definition servable (`<plural>.<group>` naming, one
 * storage version, a schema per version). Serving the custom resources they define is the
 * catalogue's business, not this file's; the status conditions are set by whoever serves them.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain } from '../../api/names.js';
import { rfc3339, type KubeObject } from '../../api/object.js';
import { checkStructural } from '../validation/index.js';
import type { ResourceDefinition } from '../definition.js';
import { validateSchemaRules } from '../crd/validation-rules.js';
import { immutable, oneOf } from './checks.js';
import { arr, child, createdAtColumns, define, kindStrategy, rec, recs, setDefault, specOf, str, type Obj } from './helpers.js';

function defaultCRD(o: KubeObject): void {
  const spec = child(o, 'spec');
  const names = child(spec, 'names');
  const kind = str(names['kind']);
  if (kind !== '') {
    setDefault(names, 'singular', kind.toLowerCase());
    setDefault(names, 'listKind', `${kind}List`);
  }
  setDefault(spec, 'conversion', { strategy: 'None' });
}

const storageVersion = (o: KubeObject): string | undefined => {
  const v = recs(specOf(o)['versions']).find((x) => x['storage'] === true);
  return v === undefined ? undefined : str(v['name']);
};

/** Stored versions only grow: the current storage version is added when missing. */
function recordStorageVersion(o: KubeObject): void {
  const v = storageVersion(o);
  if (v === undefined) return;
  const status = child(o, 'status');
  const stored = arr(status['storedVersions']).map(str);
  if (!stored.includes(v)) status['storedVersions'] = [...stored, v];
}

const label = (field: string, v: string, check: (s: string) => string[]): FieldError[] => check(v).map((m) => fieldErrors.invalid(field, v, m));

function validateNames(names: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const plural = str(names['plural']);
  if (plural === '') errs.push(fieldErrors.required('spec.names.plural'));
  else errs.push(...label('spec.names.plural', plural, isDNS1123Label));
  const singular = str(names['singular']);
  if (singular !== '') errs.push(...label('spec.names.singular', singular, isDNS1123Label));
  const kind = str(names['kind']);
  if (kind === '') errs.push(fieldErrors.required('spec.names.kind'));
  const listKind = str(names['listKind']);
  if (kind !== '' && listKind === kind) errs.push(fieldErrors.invalid('spec.names.listKind', listKind, 'kind and listKind may not be the same'));
  arr(names['shortNames']).forEach((s, i) => errs.push(...label(`spec.names.shortNames[${i}]`, str(s), isDNS1123Label)));
  return errs;
}

/**
 * The schema every version has, when they all have the same one. kube-apiserver then validates it
 * once, where its internal form keeps it: errors name `spec.validation.openAPIV3Schema`, as
 * kubectl users see them for a single-version CRD.
 */
function sharedSchema(schemas: readonly (Obj | undefined)[]): Obj | undefined {
  const first = schemas[0];
  return first !== undefined && schemas.every((s) => s !== undefined && isDeepStrictEqual(s, first)) ? first : undefined;
}

const schemaErrors = (schema: Obj, path: string): FieldError[] => [...checkStructural(schema, path), ...validateSchemaRules(schema, path)];

function validateCRD(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const group = str(spec['group']);
  const names = rec(spec['names']) ?? {};
  const expected = `${str(names['plural'])}.${group}`;
  if (o.metadata.name !== expected) errs.push(fieldErrors.invalid('metadata.name', o.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (group === '') errs.push(fieldErrors.required('spec.group'));
  else {
    errs.push(...label('spec.group', group, isDNS1123Subdomain));
    if (!group.includes('.')) errs.push(fieldErrors.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  errs.push(...validateNames(names));
  if (str(spec['scope']) === '') errs.push(fieldErrors.required('spec.scope'));
  else errs.push(...oneOf('spec.scope', spec['scope'], ['Cluster', 'Namespaced']));
  const versions = recs(spec['versions']);
  if (versions.length === 0) errs.push(fieldErrors.required('spec.versions', 'must have at least one version'));
  else if (versions.filter((v) => v['storage'] === true).length !== 1) {
    errs.push(fieldErrors.invalid('spec.versions', spec['versions'], 'must have exactly one version marked as storage version'));
  }
  if (new Set(versions.map((v) => str(v['name']))).size !== versions.length) {
    errs.push(fieldErrors.invalid('spec.versions', spec['versions'], 'must contain unique version names'));
  }
  const schemas = versions.map((v) => rec(rec(v['schema'])?.['openAPIV3Schema']));
  const shared = sharedSchema(schemas);
  versions.forEach((v, i) => {
    const path = `spec.versions[${i}]`;
    const name = str(v['name']);
    if (name === '') errs.push(fieldErrors.required(`${path}.name`));
    else errs.push(...label(`${path}.name`, name, isDNS1035Label));
    const schema = schemas[i];
    if (schema === undefined) errs.push(fieldErrors.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
    else if (shared === undefined) errs.push(...schemaErrors(schema, `${path}.schema.openAPIV3Schema`));
  });
  if (shared !== undefined) errs.push(...schemaErrors(shared, 'spec.validation.openAPIV3Schema'));
  const conversion = rec(spec['conversion']);
  errs.push(...oneOf('spec.conversion.strategy', conversion?.['strategy'], ['None', 'Webhook']));
  if (conversion?.['strategy'] === 'Webhook' && rec(conversion['webhook']) === undefined) {
    errs.push(fieldErrors.required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  } else if (conversion?.['strategy'] === 'None' && conversion['webhook'] !== undefined && conversion['webhook'] !== null) {
    errs.push(fieldErrors.forbidden('spec.conversion.webhook', 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

const API_APPROVED = 'api-approved.kubernetes.io';
const APPROVAL_PATH = `metadata.annotations[${API_APPROVED}]`;

/** Groups the Kubernetes community owns: a CRD there needs an API review's approval. */
const isProtectedGroup = (group: string): boolean =>
  group === 'k8s.io' || group === 'kubernetes.io' || group.endsWith('.k8s.io') || group.endsWith('.kubernetes.io');

type ApprovalState = 'missing' | 'bypassed' | 'approved' | 'invalid';

/** What the approval annotation says: a review's URL, an explicit `unapproved...` bypass, or neither. */
function approvalState(o: KubeObject): ApprovalState {
  const value = o.metadata.annotations?.[API_APPROVED] ?? '';
  if (value === '') return 'missing';
  if (value.startsWith('unapproved')) return 'bypassed';
  try {
    const url = new URL(value);
    if (url.host !== '') return 'approved';
  } catch {
    // not a URL
  }
  return 'invalid';
}

/**
 * kube's API approval for CRDs in protected groups (KEP 1111). An update that leaves the approval
 * state as it was is never refused, so controllers that only touch the spec keep working.
 */
export function apiApprovalErrors(o: KubeObject, old?: KubeObject): FieldError[] {
  if (!isProtectedGroup(str(specOf(o)['group']))) return [];
  const state = approvalState(o);
  if ((old !== undefined && approvalState(old) === state) || state === 'approved' || state === 'bypassed') return [];
  const see = 'see https://github.com/kubernetes/enhancements/pull/1111';
  if (state === 'missing') return [fieldErrors.required(APPROVAL_PATH, `protected groups must have approval annotation "${API_APPROVED}", ${see}`)];
  return [
    fieldErrors.invalid(
      APPROVAL_PATH,
      o.metadata.annotations?.[API_APPROVED] ?? '',
      `protected groups must have approval annotation "${API_APPROVED}" with either a URL or a reason starting with "unapproved", ${see}`,
    ),
  ];
}

/**
 * Every stored version must stay in spec.versions until a storage migration removes it from
 * status.storedVersions, and the storage version must be among the stored ones.
 */
export function validateStoredVersions(o: KubeObject): FieldError[] {
  const stored = arr(rec(o['status'])?.['storedVersions']).map(str);
  const versions = recs(specOf(o)['versions']);
  const names = new Set(versions.map((v) => str(v['name'])));
  const errs: FieldError[] = [];
  if (stored.length === 0) return [fieldErrors.invalid('status.storedVersions', stored, 'must have at least one stored version')];
  const storage = storageVersion(o);
  if (storage !== undefined && !stored.includes(storage)) {
    errs.push(fieldErrors.invalid('status.storedVersions', stored, `must have the storage version ${storage}`));
  }
  stored.forEach((v, i) => {
    if (!names.has(v)) {
      const detail = `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`;
      errs.push(fieldErrors.invalid(`status.storedVersions[${i}]`, v, detail));
    }
  });
  return errs;
}

const TERMINATING_PENDING = {
  type: 'Terminating',
  status: 'True',
  reason: 'InstanceDeletionPending',
  message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
};

/** Marked for deletion: the Terminating condition says instance deletion is pending. */
function markTerminating(o: KubeObject): void {
  const status = child(o, 'status');
  const conditions = recs(status['conditions']).filter((c) => c['type'] !== 'Terminating');
  status['conditions'] = [...conditions, { ...TERMINATING_PENDING, lastTransitionTime: rfc3339(new Date()) }];
}

export const customresourcedefinitions: ResourceDefinition = define({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  namespaced: false,
  subresources: { status: true },
  columns: createdAtColumns,
  strategy: kindStrategy({
    statusSubresource: true,
    defaults: defaultCRD,
    initialStatus: () => ({ acceptedNames: { kind: '', plural: '' } }),
    create: recordStorageVersion,
    update: recordStorageVersion,
    validate: validateCRD,
    validateCreate: (o) => apiApprovalErrors(o),
    validateUpdate: (o, old) => [
      ...immutable('spec.group', specOf(o)['group'], specOf(old)['group']),
      ...immutable('spec.scope', specOf(o)['scope'], specOf(old)['scope']),
      ...validateStoredVersions(o),
      ...apiApprovalErrors(o, old),
    ],
    markDeleting: markTerminating,
  }),
});

export const apiextensionsResources: readonly ResourceDefinition[] = [customresourcedefinitions];
