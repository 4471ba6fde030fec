/**
 * OCM's inventory kinds in cluster.open-cluster-management.io (spec/kubestellar.md §7.3, §7.4):
 * ManagedCluster (v1) and ManagedClusterSet / ManagedClusterSetBinding (v1beta2), with OCM's
 * names, scopes, columns, defaults and value checks.
 */
import { CLUSTER_GROUP, ManagedClusterConditions } from '../well-known.js';
import {
  QUALIFIED_NAME_PATTERN,
  boolean,
  dateTime,
  int32,
  labelSelector,
  list,
  mapList,
  metaCondition,
  metaConditions,
  object,
  resourceSchema,
  servedDefinition,
  string,
  type CrdColumn,
  type Schema,
} from './schema.js';

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const QUANTITY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const quantities = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: QUANTITY, 'x-kubernetes-int-or-string': true },
});

const namespaceName = (): Schema => string('A namespace name.', { maxLength: 63, pattern: DNS_LABEL });

const managedClusterSchema = resourceSchema(
  'ManagedCluster is a cluster registered with this hub: the inventory entry of a workload execution cluster. Its labels are what BindingPolicies select on.',
  {
    spec: object('What the hub says about the cluster.', {
      hubAcceptsClient: boolean(
        "Whether the hub accepts the cluster's agent. When true the hub prepares the cluster namespace and the agent's access; when false it takes them away.",
      ),
      leaseDurationSeconds: int32('How often, in seconds, the agent renews its lease; 0 means 60.', { default: 60 }),
      managedClusterClientConfigs: list(
        "Ways to reach the cluster's API server.",
        object('One endpoint.', { caBundle: string('PEM CA bundle for the endpoint.', { format: 'byte' }), url: string('The API server URL.') }, ['url']),
      ),
      taints: list(
        'Taints keep placements away from the cluster unless tolerated.',
        object(
          'One taint.',
          {
            effect: string('NoSelect, PreferNoSelect or NoSelectIfNew.', { enum: ['NoSelect', 'PreferNoSelect', 'NoSelectIfNew'] }),
            key: string('The taint key, a qualified name.', { maxLength: 316, pattern: QUALIFIED_NAME_PATTERN }),
            timeAdded: dateTime('When the taint was added.', { nullable: true }),
            value: string('The taint value.', { maxLength: 1024 }),
          },
          ['effect', 'key'],
        ),
      ),
    }),
    status: object('What the hub and the agent report about the cluster.', {
      allocatable: quantities('Resources available for scheduling.'),
      capacity: quantities('Total resources of the cluster.'),
      clusterClaims: list(
        'Facts the cluster states about itself (from its ClusterClaim objects).',
        object('One claim.', {
          name: string('The claim name.', { maxLength: 253, minLength: 1 }),
          value: string('The claim value.', { maxLength: 1024, minLength: 1 }),
        }),
      ),
      conditions: metaConditions('Conditions: HubAcceptedManagedCluster, ManagedClusterJoined, ManagedClusterConditionAvailable, ...'),
      managedNamespaces: mapList(
        'Namespaces managed on the cluster on behalf of cluster sets.',
        object(
          'One managed namespace.',
          { clusterSet: string('The cluster set asking for it.'), conditions: metaConditions('Conditions of the namespace.'), name: namespaceName() },
          ['clusterSet', 'name'],
        ),
        ['clusterSet', 'name'],
      ),
      version: object('Versions of the cluster.', { kubernetes: string('The Kubernetes version.') }),
    }),
  },
);

const conditionColumn = (name: string, type: string): CrdColumn => ({
  name,
  type: 'string',
  jsonPath: `.status.conditions[?(@.type=="${type}")].status`,
});
const ageColumn: CrdColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

export const managedClusters = servedDefinition({
  group: CLUSTER_GROUP,
  version: 'v1',
  kind: 'ManagedCluster',
  plural: 'managedclusters',
  namespaced: false,
  shortNames: ['mcl', 'mcls'],
  statusSubresource: true,
  columns: [
    { name: 'Hub Accepted', type: 'boolean', jsonPath: '.spec.hubAcceptsClient' },
    { name: 'Managed Cluster URLs', type: 'string', jsonPath: '.spec.managedClusterClientConfigs[*].url' },
    conditionColumn('Joined', ManagedClusterConditions.Joined),
    conditionColumn('Available', ManagedClusterConditions.Available),
    ageColumn,
  ],
  schema: managedClusterSchema,
});

const EXCLUSIVE = 'ExclusiveClusterSetLabel';

const managedClusterSetSchema = resourceSchema('ManagedClusterSet groups ManagedClusters.', {
  spec: object(
    'How members are chosen.',
    {
      clusterSelector: object(
        'Which clusters belong to the set.',
        {
          labelSelector: labelSelector('With selectorType LabelSelector: the member clusters.'),
          selectorType: string(
            `${EXCLUSIVE}: members carry the label cluster.open-cluster-management.io/clusterset=<set name>; LabelSelector: members match labelSelector.`,
            { default: EXCLUSIVE, enum: [EXCLUSIVE, 'LabelSelector'] },
          ),
        },
        ['selectorType'],
        { default: { selectorType: EXCLUSIVE } },
      ),
      managedNamespaces: mapList(
        'Namespaces to manage on every member cluster.',
        object('One namespace.', { name: namespaceName() }, ['name']),
        ['name'],
      ),
    },
    [],
    { default: { clusterSelector: { selectorType: EXCLUSIVE } } },
  ),
  status: object('State of the set.', { conditions: list('Conditions, e.g. ClusterSetEmpty.', metaCondition()) }),
});

export const managedClusterSets = servedDefinition({
  group: CLUSTER_GROUP,
  version: 'v1beta2',
  kind: 'ManagedClusterSet',
  plural: 'managedclustersets',
  namespaced: false,
  shortNames: ['mclset', 'mclsets'],
  statusSubresource: true,
  columns: [conditionColumn('Empty', 'ClusterSetEmpty'), ageColumn],
  schema: managedClusterSetSchema,
});

const managedClusterSetBindingSchema = resourceSchema(
  'ManagedClusterSetBinding makes a ManagedClusterSet usable from its namespace. Its name must equal the set name.',
  {
    spec: object('Which set.', { clusterSet: string('Name of the ManagedClusterSet.', { minLength: 1 }) }),
    status: object('State of the binding.', { conditions: list('Conditions, e.g. Bound.', metaCondition()) }),
  },
);

export const managedClusterSetBindings = servedDefinition({
  group: CLUSTER_GROUP,
  version: 'v1beta2',
  kind: 'ManagedClusterSetBinding',
  plural: 'managedclustersetbindings',
  namespaced: true,
  shortNames: ['mclsetbinding', 'mclsetbindings'],
  statusSubresource: true,
  schema: managedClusterSetBindingSchema,
});
