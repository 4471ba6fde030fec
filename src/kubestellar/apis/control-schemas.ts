/**
 * OpenAPI v3 structural schemas of control.kubestellar.io/v1alpha1 (spec/kubestellar.md §1),
 * written from the field descriptions there. Validation matches what KubeStellar's CRDs
 * enforce, no more: the clause `anyOf` and the clusterSelector patterns of §1.2, required
 * fields, and list-map keys of Binding; everything else is checked by the controllers.
 */
import {
  anyValue,
  boolean,
  dateTime,
  int64,
  labelSelector,
  list,
  mapList,
  object,
  resourceSchema,
  string,
  strings,
  type Schema,
} from './schema.js';

/** KubeStellar's own condition type (no metav1.Condition validations). */
const conditions = (): Schema =>
  list(
    'Conditions of this object: Ready, Synced, StatusCollectorsAvailable.',
    object(
      'One aspect of the state of the object.',
      {
        lastTransitionTime: dateTime('When the condition last changed from one status to another.'),
        message: string('Human-readable details.'),
        reason: string('Programmatic reason of the last transition.'),
        status: string('True, False or Unknown.'),
        type: string('The condition type.'),
      },
      ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
    ),
  );

const observedGeneration = (): Schema => int64('The .metadata.generation last acted on.');
const errors = (what: string): Schema => strings(what);

/** The status of a policy or Binding. */
const bindingStatus = (): Schema =>
  object(
    'What the controllers report about this object.',
    {
      conditions: conditions(),
      errors: errors('Problems found while acting on this object, e.g. template-expansion errors.'),
      observedGeneration: observedGeneration(),
    },
    ['observedGeneration'],
  );

/** The per-object requests a matching clause carries (DownsyncModulation). */
const modulation = (): Record<string, Schema> => ({
  createOnly: boolean('In each WEC, create the object when absent but never update it afterwards.'),
  statusCollectors: strings('Names of the (cluster-scoped) StatusCollectors whose results are wanted for the matching objects.'),
  wantMultiWECReportedState: boolean(
    'Ask for the `.status` of the object in every qualifying WEC to be aggregated into the `.status` of the object in the WDS when there is more than one such WEC.',
  ),
  wantSingletonReportedState: boolean(
    'Ask for the `.status` of the object in its WEC to be copied into the `.status` of the object in the WDS, while exactly one qualifying WEC holds it.',
  ),
});

/** The keys a clause must name at least one of: a clause that tests nothing is refused. */
const TEST_FIELDS = ['apiGroup', 'resources', 'namespaces', 'namespaceSelectors', 'objectSelectors', 'objectNames'] as const;

const downsyncClause = (): Schema => ({
  ...object(
    'A predicate on workload objects (all given tests must pass; entries within one test are alternatives) and what to do with the objects it matches. At least one test field must be present.',
    {
      apiGroup: string('The API group of the object (no version); "" is the core group. Absent matches every group.'),
      namespaceSelectors: list(
        'Label selectors on the Namespace of a namespaced object; one of them must match. An empty selector in the list matches every object.',
        labelSelector('Selects Namespaces by their labels.'),
      ),
      namespaces: strings('Acceptable namespaces of the object; "*" accepts any. Cluster-scoped objects have namespace "".'),
      objectNames: strings('Acceptable object names; "*" accepts any.'),
      objectSelectors: list('Label selectors on the object itself; one of them must match.', labelSelector('Selects objects by their labels.')),
      resources: strings('Lowercase plural resource names the object may be of; "*" accepts any.'),
      ...modulation(),
    },
  ),
  anyOf: TEST_FIELDS.map((f) => ({ required: [f] })),
});

/**
 * Our extension, not in upstream's CRD (docs/upsync.md): which WEC objects come back into the
 * WDS. Checked strictly, as a new API can be: a group, at least one plural resource name (no
 * `"*"`: the agent watches each listed resource), namespaces and names (`"*"` for any), and
 * label selectors with the same syntax checks as clusterSelectors.
 */
const GROUP_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$';
const RESOURCE_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const NAMESPACE_OR_ANY_PATTERN = '^(\\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$';
/** Any name a path segment can carry (RBAC names have `:`), or `"*"`. */
const NAME_OR_ANY_PATTERN = '^[^/%]+$';

const upsyncClause = (): Schema =>
  object(
    'A predicate on objects in the WECs (all given tests must pass; entries within one test are alternatives). The matching objects of every selected cluster are copied into the WDS.',
    {
      apiGroup: string('The API group of the objects (no version); "" is the core group.', { pattern: GROUP_PATTERN }),
      names: strings('Acceptable object names; empty or "*" accepts any.', { pattern: NAME_OR_ANY_PATTERN }),
      namespaces: strings('Acceptable namespaces; empty or "*" accepts any. Cluster-scoped objects have namespace "", so a non-empty list without "*" excludes them.', {
        pattern: NAMESPACE_OR_ANY_PATTERN,
      }),
      objectSelectors: list('Label selectors on the object; one of them must match. Empty accepts any.', labelSelector('Selects objects by their labels.', true)),
      resources: strings('Lowercase plural resource names of the group.', { pattern: RESOURCE_PATTERN }, { minItems: 1 }),
    },
    ['apiGroup', 'resources'],
  );

export const bindingPolicySchema: Schema = resourceSchema(
  'BindingPolicy says which workload objects of this WDS go to which workload execution clusters.',
  {
    spec: object('What goes where.', {
      clusterSelectors: list(
        'Selects the inventory clusters (ManagedClusters) by their labels; a cluster is a destination when any selector matches it.',
        labelSelector('Selects clusters by their labels.', true),
      ),
      downsync: list(
        'Selects the workload objects to distribute: an object is selected when any clause matches it. When several clauses match one object their requests are combined (createOnly and the reported-state wishes ORed, status collectors united).',
        downsyncClause(),
      ),
      upsync: list(
        'Selects objects in the selected clusters to copy back into this WDS (an extension of this server; a real OCM klusterlet ignores it). The first cluster by name owns an object several clusters report; objects of the WDS not created by upsync are never touched.',
        upsyncClause(),
      ),
    }),
    status: bindingStatus(),
  },
);

const objectRef = (namespaced: boolean): Schema => {
  const id: Record<string, Schema> = {
    group: string('API group of the object; "" for the core group.'),
    name: string('Name of the object.'),
    ...(namespaced && { namespace: string('Namespace of the object.') }),
    resource: string('Lowercase plural resource name.'),
    resourceVersion: string('The resourceVersion of the object in the WDS when this entry was resolved.'),
    version: string('API version of the object (without group).'),
  };
  const required = ['group', 'name', ...(namespaced ? ['namespace'] : []), 'resource', 'resourceVersion', 'version'];
  return object(`A ${namespaced ? 'namespaced' : 'cluster-scoped'} workload object to distribute, with the requests that apply to it.`, { ...id, ...modulation() }, required);
};

export const bindingSchema: Schema = resourceSchema(
  "Binding is the resolved form of the BindingPolicy of the same name: the concrete objects and the concrete clusters. Written by the binding controller.",
  {
    spec: object('The resolved objects and destinations.', {
      destinations: mapList(
        'The clusters the objects go to.',
        object('A destination cluster.', { clusterId: string('Name of the ManagedCluster.') }, ['clusterId']),
        ['clusterId'],
      ),
      workload: object('The objects to distribute.', {
        clusterScope: mapList('Cluster-scoped objects.', objectRef(false), ['group', 'resource', 'name']),
        namespaceScope: mapList('Namespaced objects.', objectRef(true), ['group', 'resource', 'namespace', 'name']),
      }),
    }),
    status: bindingStatus(),
  },
);

const namedExpression = (what: string): Schema =>
  object(what, { def: string('A CEL expression.'), name: string('The column name.') }, ['def', 'name']);

export const statusCollectorSchema: Schema = resourceSchema(
  'StatusCollector says how to summarise, into CombinedStatus objects, the state of a workload object in its WECs.',
  {
    spec: object(
      'One of three shapes: select only (a row per WEC); combinedFields without groupBy (one row); combinedFields with groupBy (a row per distinct group).',
      {
        combinedFields: list(
          'Aggregations over the rows; when given, select must be empty.',
          object(
            'One aggregate column.',
            {
              name: string('The column name.'),
              subject: string('A CEL expression to aggregate; absent for COUNT, required otherwise.'),
              type: string('COUNT, SUM, AVG, MIN or MAX.'),
            },
            ['name', 'type'],
          ),
        ),
        filter: string('A CEL expression yielding a boolean: which WECs contribute a row. Absent means all.'),
        groupBy: list('Grouping columns for the aggregations; must be empty when combinedFields is.', namedExpression('One grouping column.')),
        limit: int64('Upper bound on the number of rows.'),
        select: list('Plain projected columns; must be empty when combinedFields is not.', namedExpression('One projected column.')),
      },
      ['limit'],
    ),
    status: object(
      'What the status controller found.',
      { errors: errors('Why this collector cannot be used, e.g. an expression that does not compile.'), observedGeneration: observedGeneration() },
      ['observedGeneration'],
    ),
  },
);

const value = (): Schema =>
  object(
    'One value, tagged with its type: exactly the field named by `type` is set (none for Null).',
    {
      array: anyValue('An array value.'),
      bool: boolean('A boolean value.'),
      float: string('A number, as decimal text (also "+Inf", "-Inf", "NaN").'),
      object: anyValue('An object (or other JSON) value.'),
      string: string('A string value.'),
      type: string('String, Number, Bool, Null, Object or Array.', { enum: ['String', 'Number', 'Bool', 'Null', 'Object', 'Array'] }),
    },
    ['type'],
  );

export const combinedStatusSchema: Schema = resourceSchema(
  'CombinedStatus holds, for one workload object and one BindingPolicy, the results of the StatusCollectors applied to the object. Its labels name the object and the policy.',
  {
    results: list(
      'One result per StatusCollector, ordered by collector name.',
      object(
        'The table computed by one StatusCollector.',
        {
          aggregationErrors: list(
            'Problems computing aggregate columns.',
            object('One problem.', { columnName: string('The column.'), error: string('What went wrong.') }, ['columnName', 'error']),
          ),
          columnNames: strings('The column names, in row order.'),
          name: string('The StatusCollector name.'),
          rowErrors: list(
            'Problems evaluating expressions for one WEC.',
            object(
              'One problem.',
              {
                columnName: string('The column ("" for the filter).'),
                error: string('What went wrong.'),
                wec: object('The WEC concerned.', { clusterId: string('Name of the ManagedCluster.') }, ['clusterId']),
              },
              ['columnName', 'error', 'wec'],
            ),
          ),
          rows: list('The rows.', object('One row.', { columns: list('One value per column.', value()) }, ['columns'])),
        },
        ['columnNames', 'name'],
      ),
    ),
  },
);

export const customTransformSchema: Schema = resourceSchema(
  'CustomTransform removes fields from every object of one resource before it is sent to WECs.',
  {
    spec: object(
      'Which resource, and what to remove.',
      {
        apiGroup: string('API group of the resource (no version); "" for the core group.'),
        remove: strings(
          'Paths of the fields to remove, in a JSONPath subset: members (`$.spec.x`, `$["a.b/c"]`), wildcards (`[*]`, `.*`), indexes (`[0]`) and filters (`[?(@.name=="x")]`).',
        ),
        resource: string('Lowercase plural resource name.'),
      },
      ['apiGroup', 'resource'],
    ),
    status: object(
      'What the transport controller found.',
      {
        errors: errors('Paths that could not be parsed.'),
        observedGeneration: observedGeneration(),
        warnings: strings('E.g. that several CustomTransforms name the same resource.'),
      },
      ['observedGeneration'],
    ),
  },
);
