/**
 * policy/v1 PodDisruptionBudgets: at most one of minAvailable and maxUnavailable, each an
 * integer or a percentage, and the N/A cells kubectl shows for the one left unset.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabelSelector, type LabelSelector } from '../../api/label-selector.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { intOrString } from './cells.js';
import { intOrPercent, oneOf } from './checks.js';
import { column, define, kindStrategy, num, rec, specOf, statusOf } from './helpers.js';

function validatePDB(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const errs: FieldError[] = [];
  const min = spec['minAvailable'];
  const max = spec['maxUnavailable'];
  if (min !== undefined && min !== null && max !== undefined && max !== null) {
    errs.push(fieldErrors.invalid('spec', spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  errs.push(...intOrPercent('spec.minAvailable', min, true), ...intOrPercent('spec.maxUnavailable', max, true));
  errs.push(...validateLabelSelector(rec(spec['selector']) as LabelSelector | undefined, 'spec.selector'));
  errs.push(...oneOf('spec.unhealthyPodEvictionPolicy', spec['unhealthyPodEvictionPolicy'], ['IfHealthyBudget', 'AlwaysAllow']));
  return errs;
}

const orNA = (v: unknown): string => (v === undefined || v === null ? 'N/A' : intOrString(v));

export const poddisruptionbudgets: ResourceDefinition = define({
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  shortNames: ['pdb'],
  namespaced: true,
  subresources: { status: true },
  columns: [
    nameColumn,
    column('Min Available', (o) => orNA(specOf(o)['minAvailable']), { description: 'The minimum number of pods that must be available.' }),
    column('Max Unavailable', (o) => orNA(specOf(o)['maxUnavailable']), { description: 'The maximum number of pods that may be unavailable.' }),
    column('Allowed Disruptions', (o) => num(statusOf(o)['disruptionsAllowed']) ?? 0, { type: 'integer', description: 'Calculated number of pods that may be disrupted at this time.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    statusSubresource: true,
    initialStatus: () => ({ currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 }),
    validate: validatePDB,
  }),
});

export const policyResources: readonly ResourceDefinition[] = [poddisruptionbudgets];
