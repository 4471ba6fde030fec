/**
 * The OCM hub API every ITS serves as built-in kinds (spec/kubestellar.md §7): the inventory
 * (ManagedCluster, ManagedClusterSet, ManagedClusterSetBinding) and the ManifestWorks the
 * transport writes and the work agents read. A real OCM hub has them as CRDs from its chart.
 */
import type { ResourceDefinition } from '../../registry/definition.js';
import { managedClusterSetBindings, managedClusterSets, managedClusters } from './ocm-cluster.js';
import { manifestWorks } from './ocm-work.js';

export { appliedManifestWorkCrd, type CustomResourceDefinitionObject } from './ocm-work.js';

/**
 * Group by group, resources alphabetical as upstream discovery lists them; ManagedCluster first
 * also makes v1 the group's first (preferred) version, ahead of v1beta2.
 */
export const ocmResources: readonly ResourceDefinition[] = [managedClusters, managedClusterSetBindings, managedClusterSets, manifestWorks];
