/**
 * scheduling.k8s.io/v1 PriorityClasses: a value that is set once and never changes, at most
 * 1000000000 for user classes, and the `system-` names kept for the two built-in classes.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { immutable, oneOf } from './checks.js';
import { column, define, kindStrategy, num, setDefault, str } from './helpers.js';

export const HIGHEST_USER_PRIORITY = 1_000_000_000;
const SYSTEM_CLASSES: Readonly<Record<string, number>> = { 'system-cluster-critical': 2_000_000_000, 'system-node-critical': 2_000_001_000 };

function validatePriorityClass(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const value = o['value'];
  // Upstream decodes a missing value as 0; here a PriorityClass must say its value.
  if (typeof value !== 'number') errs.push(fieldErrors.required('value'));
  const name = o.metadata.name ?? '';
  if (name.startsWith('system-')) {
    // IsKnownSystemPriorityClass's reason is appended.
    const known = SYSTEM_CLASSES[name];
    const why =
      known === undefined
        ? `${name} is not a known system priority class`
        : value !== known
          ? `value of ${name} PriorityClass must be ${known}`
          : o['globalDefault'] === true
            ? `globalDefault of ${name} PriorityClass must be false`
            : undefined;
    if (why !== undefined) errs.push(fieldErrors.forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
  } else if (typeof value === 'number' && value > HIGHEST_USER_PRIORITY) {
    errs.push(fieldErrors.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_PRIORITY}`));
  }
  errs.push(...oneOf('preemptionPolicy', o['preemptionPolicy'], ['PreemptLowerPriority', 'Never']));
  return errs;
}

export const priorityclasses: ResourceDefinition = define({
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  shortNames: ['pc'],
  namespaced: false,
  columns: [
    nameColumn,
    column('Value', (o) => num(o['value']) ?? 0, { type: 'integer', description: 'value represents the integer value of this priority class.' }),
    column('Global-Default', (o) => o['globalDefault'] === true, { type: 'boolean', description: 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.' }),
    ageColumn,
    column('PreemptionPolicy', (o) => str(o['preemptionPolicy']), { description: 'preemptionPolicy is the Policy for preempting pods with lower priority.' }),
  ],
  strategy: kindStrategy({
    defaults: (o) => setDefault(o, 'preemptionPolicy', 'PreemptLowerPriority'),
    validate: validatePriorityClass,
    // The Priority admission plugin keeps the built-in classes (pods of critical add-ons name them).
    refuseDelete: (name) => (name in SYSTEM_CLASSES ? 'this is a system priority class and cannot be deleted' : undefined),
    validateUpdate: (o, old) => [
      ...(o['value'] !== old['value'] ? [fieldErrors.forbidden('value', 'may not be changed in an update.')] : []),
      ...immutable('preemptionPolicy', o['preemptionPolicy'], old['preemptionPolicy']),
    ],
  }),
});

export const schedulingResources: readonly ResourceDefinition[] = [priorityclasses];

/** The two classes kube-apiserver creates at startup (its scheduling bootstrap). */
export function bootstrapPriorityClasses(): KubeObject[] {
  const pc = (name: string, description: string): KubeObject => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value: SYSTEM_CLASSES[name]!,
    description,
  });
  return [
    pc('system-node-critical', 'Used for system critical pods that must not be moved from their current node.'),
    pc('system-cluster-critical', 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'),
  ];
}
