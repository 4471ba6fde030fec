/**
 * rbac.authorization.k8s.io/v1: ClusterRoleBindings, ClusterRoles, RoleBindings and Roles.
 * Names are path segments (`system:controller:x` is fine); a binding's roleRef never changes;
 * subjects' apiGroup defaults by kind. Roles have no printer upstream, so they get the generic
 * Name / Created At table.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import { isPathSegmentName, nameIsPathSegment } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { dnsSubdomain } from './checks.js';
import { arr, child, column, createdAtColumns, define, each, kindStrategy, rec, recs, setDefault, str, wide, type Obj } from './helpers.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const rbac = { group: RBAC_GROUP, version: 'v1', nameValidator: nameIsPathSegment } as const;

function validateRule(rule: Obj, path: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule['verbs']).length === 0) errs.push(fieldErrors.required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = arr(rule['nonResourceURLs']);
  if (urls.length > 0) {
    if (namespaced) errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule['apiGroups']).length > 0 || arr(rule['resources']).length > 0 || arr(rule['resourceNames']).length > 0) {
      errs.push(fieldErrors.invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (arr(rule['apiGroups']).length === 0) errs.push(fieldErrors.required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (arr(rule['resources']).length === 0) errs.push(fieldErrors.required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

const validateRules = (o: KubeObject, namespaced: boolean): FieldError[] => recs(o['rules']).flatMap((r, i) => validateRule(r, `rules[${i}]`, namespaced));

export const clusterroles: ResourceDefinition = define({
  ...rbac,
  kind: 'ClusterRole',
  plural: 'clusterroles',
  namespaced: false,
  columns: createdAtColumns,
  strategy: kindStrategy({
    validate: (o) => {
      const errs = validateRules(o, false);
      const aggregation = rec(o['aggregationRule']);
      recs(aggregation?.['clusterRoleSelectors']).forEach((s, i) =>
        errs.push(...validateLabelSelector(s as LabelSelector, `aggregationRule.clusterRoleSelectors[${i}]`)),
      );
      return errs;
    },
  }),
});

export const roles: ResourceDefinition = define({
  ...rbac,
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
  columns: createdAtColumns,
  strategy: kindStrategy({ validate: (o) => validateRules(o, true) }),
});

/** roleRef.apiGroup and each subject's apiGroup default by kind (ServiceAccounts have none). */
function defaultBinding(o: KubeObject): void {
  setDefault(child(o, 'roleRef'), 'apiGroup', RBAC_GROUP);
  for (const s of each(o, 'subjects')) if (s['kind'] === 'User' || s['kind'] === 'Group') setDefault(s, 'apiGroup', RBAC_GROUP);
}

function validateSubject(s: Obj, path: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s['name']);
  if (name === '') errs.push(fieldErrors.required(`${path}.name`));
  switch (s['kind']) {
    case 'ServiceAccount':
      if (name !== '') errs.push(...dnsSubdomain(`${path}.name`, name));
      if (str(s['apiGroup']) !== '') errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s['apiGroup'], ['']));
      if (!namespaced && str(s['namespace']) === '') errs.push(fieldErrors.required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s['apiGroup'] !== RBAC_GROUP) errs.push(fieldErrors.notSupported(`${path}.apiGroup`, s['apiGroup'] ?? '', [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(`${path}.kind`, s['kind'] ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(o: KubeObject, namespaced: boolean): FieldError[] {
  const ref = rec(o['roleRef']) ?? {};
  const errs: FieldError[] = [];
  if (ref['apiGroup'] !== RBAC_GROUP) errs.push(fieldErrors.notSupported('roleRef.apiGroup', ref['apiGroup'] ?? '', [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref['kind']))) errs.push(fieldErrors.notSupported('roleRef.kind', ref['kind'] ?? '', kinds));
  const name = str(ref['name']);
  if (name === '') errs.push(fieldErrors.required('roleRef.name'));
  else errs.push(...isPathSegmentName(name).map((m) => fieldErrors.invalid('roleRef.name', name, m)));
  recs(o['subjects']).forEach((s, i) => errs.push(...validateSubject(s, `subjects[${i}]`, namespaced)));
  return errs;
}

const roleRefUnchanged = (o: KubeObject, old: KubeObject): FieldError[] =>
  isDeepStrictEqual(o['roleRef'] ?? null, old['roleRef'] ?? null) ? [] : [fieldErrors.invalid('roleRef', o['roleRef'] ?? null, 'cannot change roleRef')];

/** SubjectsStrings: users, groups and `namespace/name` service accounts, each `, `-joined. */
function subjects(o: KubeObject, kind: string): string {
  return recs(o['subjects'])
    .filter((s) => s['kind'] === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s['namespace'])}/${str(s['name'])}` : str(s['name'])))
    .join(', ');
}

function bindingColumns(what: string): ResourceDefinition['columns'] {
  return [
    nameColumn,
    column('Role', (o) => `${str(rec(o['roleRef'])?.['kind'])}/${str(rec(o['roleRef'])?.['name'])}`, {
      description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
    }),
    ageColumn,
    wide('Users', (o) => subjects(o, 'User'), `Users in the ${what}`),
    wide('Groups', (o) => subjects(o, 'Group'), `Groups in the ${what}`),
    wide('ServiceAccounts', (o) => subjects(o, 'ServiceAccount'), `ServiceAccounts in the ${what}`),
  ];
}

export const clusterrolebindings: ResourceDefinition = define({
  ...rbac,
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  namespaced: false,
  columns: bindingColumns('clusterRoleBinding'),
  strategy: kindStrategy({ defaults: defaultBinding, validate: (o) => validateBinding(o, false), validateUpdate: roleRefUnchanged }),
});

export const rolebindings: ResourceDefinition = define({
  ...rbac,
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
  columns: bindingColumns('roleBinding'),
  strategy: kindStrategy({ defaults: defaultBinding, validate: (o) => validateBinding(o, true), validateUpdate: roleRefUnchanged }),
});

/** rbac.authorization.k8s.io/v1 in discovery order. */
export const rbacResources: readonly ResourceDefinition[] = [clusterrolebindings, clusterroles, rolebindings, roles];
