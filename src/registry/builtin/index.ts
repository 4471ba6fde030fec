/**
 * Every built-in resource a `cluster` or `wds` space serves: core/v1 first, then the groups in
 * kube-apiserver's discovery order (its APIService priorities), each group's resources in
 * alphabetical order as its discovery documents list them. The catalogue keeps this order, so
 * `/apis`, aggregated discovery and `kubectl api-resources` come out as upstream's.
 */
import type { ResourceDefinition } from '../definition.js';
import { admissionregistrationResources } from './admissionregistration.js';
import { apiextensionsResources } from './apiextensions.js';
import { apiregistrationResources } from './apiregistration.js';
import { appsResources } from './apps.js';
import { autoscalingResources } from './autoscaling.js';
import { batchResources } from './batch.js';
import { certificatesResources } from './certificates.js';
import { coordinationResources } from './coordination.js';
import { coreResources } from './core.js';
import { discoveryResources } from './discovery.js';
import { eventsResources } from './events.js';
import { flowcontrolResources } from './flowcontrol.js';
import { networkingResources } from './networking.js';
import { nodeResources } from './node.js';
import { policyResources } from './policy.js';
import { rbacResources } from './rbac.js';
import { resourceResources } from './resource.js';
import { schedulingResources } from './scheduling.js';
import { storageResources } from './storage.js';

export const builtinResources: readonly ResourceDefinition[] = [
  ...coreResources,
  // The aggregator's own group sorts first in /apis (its APIService has the highest priority).
  ...apiregistrationResources,
  ...appsResources,
  ...eventsResources,
  ...autoscalingResources,
  ...batchResources,
  ...certificatesResources,
  ...networkingResources,
  ...policyResources,
  ...rbacResources,
  ...storageResources,
  ...admissionregistrationResources,
  ...apiextensionsResources,
  ...schedulingResources,
  ...coordinationResources,
  ...nodeResources,
  ...discoveryResources,
  ...flowcontrolResources,
  // Dynamic Resource Allocation comes after flow control in upstream's priority list.
  ...resourceResources,
];
