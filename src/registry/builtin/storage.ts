/**
 * storage.k8s.io/v1 StorageClasses: a required provisioner, defaults for reclaim policy and
 * binding mode, and the fields that may not change once created. The default class shows as
 * `name (default)`, as kubectl prints it.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { immutable, oneOf, qualifiedName } from './checks.js';
import { column, define, kindStrategy, setDefault, str } from './helpers.js';

const DEFAULT_ANNOTATIONS = ['storageclass.kubernetes.io/is-default-class', 'storageclass.beta.kubernetes.io/is-default-class'];

export const isDefaultClass = (o: KubeObject): boolean => DEFAULT_ANNOTATIONS.some((a) => o.metadata.annotations?.[a] === 'true');

function validateStorageClass(o: KubeObject): FieldError[] {
  const provisioner = str(o['provisioner']);
  const errs = provisioner === '' ? [fieldErrors.required('provisioner')] : qualifiedName('provisioner', provisioner);
  errs.push(...oneOf('reclaimPolicy', o['reclaimPolicy'], ['Delete', 'Retain']));
  errs.push(...oneOf('volumeBindingMode', o['volumeBindingMode'], ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

function validateStorageClassUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parameters', 'provisioner', 'reclaimPolicy']) {
    if (!isDeepStrictEqual(o[f] ?? null, old[f] ?? null)) errs.push(fieldErrors.forbidden(f, `updates to ${f} are forbidden.`));
  }
  return [...errs, ...immutable('volumeBindingMode', o['volumeBindingMode'], old['volumeBindingMode'])];
}

export const storageclasses: ResourceDefinition = define({
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  shortNames: ['sc'],
  namespaced: false,
  columns: [
    { ...nameColumn, cell: (o) => (isDefaultClass(o) ? `${o.metadata.name ?? ''} (default)` : o.metadata.name) },
    column('Provisioner', (o) => str(o['provisioner']), { description: 'provisioner indicates the type of the provisioner.' }),
    column('ReclaimPolicy', (o) => str(o['reclaimPolicy']) || 'Delete', { description: 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.' }),
    column('VolumeBindingMode', (o) => str(o['volumeBindingMode']) || 'Immediate', { description: 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.' }),
    column('AllowVolumeExpansion', (o) => o['allowVolumeExpansion'] === true, { description: 'allowVolumeExpansion shows whether the storage class allow volume expand.' }),
    ageColumn,
  ],
  strategy: kindStrategy({
    defaults: (o) => {
      setDefault(o, 'reclaimPolicy', 'Delete');
      setDefault(o, 'volumeBindingMode', 'Immediate');
    },
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
  }),
});

export const storageResources: readonly ResourceDefinition[] = [storageclasses];
