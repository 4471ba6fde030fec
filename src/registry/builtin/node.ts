/**
 * node.k8s.io/v1 RuntimeClasses: a handler (a DNS label naming the CRI runtime configuration)
 * that is required and never changes, optional pod overhead and scheduling constraints. Stored
 * and served only; no kubelet reads them here.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabels } from '../../api/label-selector.js';
import { isDNS1123Label } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { immutable, oneOf, qualifiedName } from './checks.js';
import { column, define, kindStrategy, rec, recs, str, strMap } from './helpers.js';
import { quantityValue } from './pod-template.js';

const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateRuntimeClass(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const handler = o['handler'];
  if (typeof handler !== 'string' || handler === '') errs.push(fieldErrors.required('handler'));
  else errs.push(...isDNS1123Label(handler).map((m) => fieldErrors.invalid('handler', handler, m)));
  for (const [r, q] of Object.entries(rec(rec(o['overhead'])?.['podFixed']) ?? {})) {
    const v = quantityValue(q);
    const path = `overhead.podFixed[${r}]`;
    if (Number.isNaN(v)) errs.push(fieldErrors.invalid(path, q, 'must be a valid resource quantity'));
    else if (v < 0) errs.push(fieldErrors.invalid(path, q, 'must be greater than or equal to 0'));
  }
  const scheduling = rec(o['scheduling']);
  if (scheduling) {
    errs.push(...validateLabels(strMap(scheduling['nodeSelector']), 'scheduling.nodeSelector'));
    recs(scheduling['tolerations']).forEach((t, i) => {
      const path = `scheduling.tolerations[${i}]`;
      const key = str(t['key']);
      if (key !== '') errs.push(...qualifiedName(`${path}.key`, key));
      errs.push(...oneOf(`${path}.operator`, t['operator'], TOLERATION_OPERATORS));
      if (t['operator'] === 'Exists' && str(t['value']) !== '') {
        errs.push(fieldErrors.invalid(`${path}.operator`, t['value'], 'value must be empty when `operator` is \'Exists\''));
      }
      if (key === '' && t['operator'] !== 'Exists') {
        errs.push(fieldErrors.invalid(`${path}.operator`, t['operator'] ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
      }
      if (t['effect'] !== '') errs.push(...oneOf(`${path}.effect`, t['effect'], TAINT_EFFECTS));
    });
  }
  return errs;
}

export const runtimeclasses: ResourceDefinition = define({
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  namespaced: false,
  columns: [
    nameColumn,
    // Upstream's printer takes this description from ObjectMeta, which has no `handler`: it is empty.
    column('Handler', (o) => str(o['handler'])),
    ageColumn,
  ],
  strategy: kindStrategy({
    validate: validateRuntimeClass,
    validateUpdate: (o, old) => immutable('handler', o['handler'], old['handler']),
  }),
});

/** node.k8s.io/v1 in discovery order. */
export const nodeResources: readonly ResourceDefinition[] = [runtimeclasses];
