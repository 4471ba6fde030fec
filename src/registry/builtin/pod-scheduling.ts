/**
 * The scheduling fields of a pod spec as kube-apiserver validates them: `nodeSelector` is a label
 * map (qualified keys, label values), and each toleration (ValidateTolerations) names a label key
 * (or none, which with Exists tolerates everything), an Equal or Exists operator whose value fits,
 * a known taint effect, and `tolerationSeconds` only for NoExecute, the one effect that evicts.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { validateLabels } from '../../api/label-selector.js';
import { isLabelValue } from '../../api/names.js';
import { oneOf, qualifiedName } from './checks.js';
import { present, recs, str, strMap, type Obj } from './helpers.js';

const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;


function tolerationErrors(t: Obj, path: string): FieldError[] {
  const key = str(t['key']);
  const operator = str(t['operator']);
  const value = str(t['value']);
  const effect = str(t['effect']);
  const errs: FieldError[] = key === '' ? [] : qualifiedName(`${path}.key`, key);
  if (key === '' && operator !== 'Exists') {
    errs.push(fieldErrors.invalid(`${path}.operator`, operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
  }
  if (present(t['tolerationSeconds']) && effect !== 'NoExecute') {
    errs.push(fieldErrors.invalid(`${path}.effect`, effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  }
  // Upstream reports value problems on `operator`; an empty operator means Equal.
  if (operator === '' || operator === 'Equal') {
    const msgs = isLabelValue(value);
    if (msgs.length > 0) errs.push(fieldErrors.invalid(`${path}.operator`, value, msgs.join(';')));
  } else if (operator === 'Exists') {
    if (value !== '') errs.push(fieldErrors.invalid(`${path}.operator`, value, "value must be empty when `operator` is 'Exists'"));
  } else {
    errs.push(fieldErrors.notSupported(`${path}.operator`, operator, TOLERATION_OPERATORS));
  }
  if (effect !== '') errs.push(...oneOf(`${path}.effect`, effect, TAINT_EFFECTS));
  return errs;
}

/** ValidateTolerations for the list at `path` (`spec.tolerations`). */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  return recs(tolerations).flatMap((t, i) => tolerationErrors(t, `${path}[${i}]`));
}

/** `nodeSelector` as ValidateLabels checks it, every error on the map's own path. */
export const validateNodeSelector = (nodeSelector: unknown, path: string): FieldError[] => validateLabels(strMap(nodeSelector), path);
