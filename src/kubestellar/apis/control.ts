/**
 * The KubeStellar control API, control.kubestellar.io/v1alpha1 (spec/kubestellar.md §1.1), served
 * as built-in kinds of every WDS: upstream's controller manager installs these five CRDs at start,
 * so a WDS serves them from birth and clients see the same names, scopes, columns and checks.
 */
import type { ResourceDefinition } from '../../registry/definition.js';
import { CONTROL_GROUP, CONTROL_VERSION } from '../well-known.js';
import {
  bindingPolicySchema,
  bindingSchema,
  combinedStatusSchema,
  customTransformSchema,
  statusCollectorSchema,
} from './control-schemas.js';
import { servedDefinition, type CrdColumn } from './schema.js';

const common = { group: CONTROL_GROUP, version: CONTROL_VERSION } as const;

const conditionColumn = (name: string, type: string): CrdColumn => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=='${type}')].status`,
});

// Written with quoted, unescaped keys: kube's `['a\.b']` form is not understood by our evaluator.
const labelColumn = (name: string, label: string): CrdColumn => ({
  name,
  type: 'string',
  jsonPath: `.metadata.labels['status.kubestellar.io/${label}']`,
});

export const bindingPolicies = servedDefinition({
  ...common,
  kind: 'BindingPolicy',
  plural: 'bindingpolicies',
  namespaced: false,
  shortNames: ['bp'],
  statusSubresource: true,
  // Upstream declares these; SYNCED/READY stay blank (those conditions are never set) and TYPE
  // names a field that does not exist. Kept for identical `kubectl get` output.
  columns: [
    conditionColumn('SYNCED', 'Synced'),
    conditionColumn('READY', 'Ready'),
    { name: 'TYPE', type: 'string', jsonPath: '.spec.type' },
    { name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
  schema: bindingPolicySchema,
});

export const bindings = servedDefinition({
  ...common,
  kind: 'Binding',
  plural: 'bindings',
  namespaced: false,
  shortNames: ['bdg'],
  statusSubresource: true,
  schema: bindingSchema,
});

export const statusCollectors = servedDefinition({
  ...common,
  kind: 'StatusCollector',
  plural: 'statuscollectors',
  namespaced: false,
  shortNames: ['sc'],
  statusSubresource: true,
  schema: statusCollectorSchema,
});

export const combinedStatuses = servedDefinition({
  ...common,
  kind: 'CombinedStatus',
  plural: 'combinedstatuses',
  namespaced: true,
  shortNames: ['cs'],
  // No spec/status split: `results` sits at the top and the status controller writes it directly.
  statusSubresource: false,
  columns: [
    labelColumn('SUBJECT_GROUP', 'api-group'),
    labelColumn('SUBJECT_RSC', 'resource'),
    labelColumn('SUBJECT_NS', 'namespace'),
    labelColumn('SUBJECT_NAME', 'name'),
    labelColumn('BINDINGPOLICY', 'binding-policy'),
  ],
  schema: combinedStatusSchema,
});

export const customTransforms = servedDefinition({
  ...common,
  kind: 'CustomTransform',
  plural: 'customtransforms',
  namespaced: false,
  shortNames: ['ct'],
  categories: ['all'],
  statusSubresource: true,
  columns: [
    { name: 'SUBJECT_GROUP', type: 'string', jsonPath: '.spec.apiGroup' },
    { name: 'SUBJECT_RESOURCE', type: 'string', jsonPath: '.spec.resource' },
  ],
  schema: customTransformSchema,
});

/** In discovery order: alphabetical by plural, as upstream lists a group's resources. */
export const controlResources: readonly ResourceDefinition[] = [bindingPolicies, bindings, combinedStatuses, customTransforms, statusCollectors];
