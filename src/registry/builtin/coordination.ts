/** coordination.k8s.io/v1 Leases: leader election and node heartbeats; the HOLDER column. */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { ageColumn, nameColumn } from '../columns.js';
import type { ResourceDefinition } from '../definition.js';
import { atLeast, oneOf, timestamp } from './checks.js';
import { column, define, kindStrategy, specOf, str } from './helpers.js';

function validateLease(o: KubeObject): FieldError[] {
  const spec = specOf(o);
  const duration = spec['leaseDurationSeconds'];
  return [
    ...(typeof duration === 'number' && duration <= 0 ? [fieldErrors.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0')] : []),
    ...atLeast('spec.leaseTransitions', spec['leaseTransitions'], 0),
    ...timestamp('spec.acquireTime', spec['acquireTime']),
    ...timestamp('spec.renewTime', spec['renewTime']),
    ...oneOf('spec.strategy', spec['strategy'], ['OldestEmulationVersion']),
  ];
}

export const leases: ResourceDefinition = define({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  namespaced: true,
  columns: [nameColumn, column('Holder', (o) => str(specOf(o)['holderIdentity']), { description: 'holderIdentity contains the identity of the holder of a current lease.' }), ageColumn],
  strategy: kindStrategy({ validate: validateLease }),
});

export const coordinationResources: readonly ResourceDefinition[] = [leases];
