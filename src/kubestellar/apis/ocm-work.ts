/**
 * OCM's work API, work.open-cluster-management.io/v1 (spec/kubestellar.md §7.1, §7.2):
 * ManifestWork, served by every ITS, and the CustomResourceDefinition of AppliedManifestWork,
 * which a work agent installs into its WEC as OCM's klusterlet does.
 *
 * Divergence from OCM, on purpose: statusFeedback `jsonRaw` has no 1024-character limit, since
 * our work agent returns an object's whole `.status` through it (well-known STATUS_FEEDBACK_NAME).
 */
import type { KubeObject } from '../../api/object.js';
import type { CrdSpec } from '../../registry/crd/from-crd.js';
import { WORK_GROUP } from '../well-known.js';
import {
  boolean,
  crdSpec,
  dateTime,
  int32,
  int64,
  list,
  mapList,
  metaConditions,
  object,
  resourceSchema,
  servedDefinition,
  string,
  strings,
  type Schema,
} from './schema.js';

const DNS_SUBDOMAIN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$';

const resourceIdentifier = (what: string, required: readonly string[]): Schema =>
  object(
    what,
    {
      group: string('API group of the resource; "" for the core group.'),
      name: string('Name of the object.'),
      namespace: string('Namespace of the object; "" for a cluster-scoped one.'),
      resource: string('Lowercase plural resource name.'),
    },
    required,
  );

const deleteOption = (): Schema =>
  object('What happens to the applied objects when the work is deleted or a manifest is removed; absent means Foreground for everything.', {
    propagationPolicy: string('Foreground deletes the applied objects; Orphan keeps them all; SelectivelyOrphan keeps those listed.', {
      default: 'Foreground',
      enum: ['Foreground', 'Orphan', 'SelectivelyOrphan'],
    }),
    selectivelyOrphans: object('With SelectivelyOrphan: the objects to keep.', {
      orphaningRules: list('The objects to keep.', resourceIdentifier('One object to keep.', ['name', 'resource'])),
    }),
    ttlSecondsAfterFinished: int64('Delete the work this many seconds after it reports Complete.'),
  });

const feedbackRule = (): Schema =>
  object(
    'Which status fields of the applied object to report back.',
    {
      jsonPaths: mapList(
        'With type JSONPaths: the fields to report.',
        object(
          'One reported field.',
          {
            name: string('The name the value is reported under.'),
            path: string('JSONPath of the field within `.status`.'),
            version: string('The API version the path applies to; the manifest\'s when absent.'),
          },
          ['name', 'path'],
        ),
        ['name'],
      ),
      type: string('WellKnownStatus reports the fields OCM knows for the kind; JSONPaths the listed ones.', { enum: ['WellKnownStatus', 'JSONPaths'] }),
    },
    ['type'],
  );

const ignoreField = (): Schema =>
  object(
    'Fields server-side apply leaves alone.',
    {
      condition: string('OnSpokePresent: ignore while the field exists in the WEC; OnSpokeChange: ignore changes made in the WEC.', {
        default: 'OnSpokePresent',
        enum: ['OnSpokePresent', 'OnSpokeChange'],
      }),
      jqPathExpressions: strings('jq path expressions of the fields.'),
      jsonPaths: strings('JSONPaths of the fields.'),
      jsonPointers: strings('JSON pointers of the fields.'),
    },
    ['condition'],
  );

const updateStrategy = (): Schema =>
  object(
    'How the agent updates the object in the WEC.',
    {
      serverSideApply: object('Options of ServerSideApply.', {
        fieldManager: string('The field manager; must start with "work-agent".', { default: 'work-agent', pattern: '^work-agent' }),
        force: boolean('Take fields over from other managers on conflict.'),
        ignoreFields: mapList('Fields to leave alone.', ignoreField(), ['condition']),
      }),
      type: string('Update (plain update), CreateOnly (create if absent, never touch again), ServerSideApply, or ReadOnly (only watch and report).', {
        default: 'Update',
        enum: ['Update', 'CreateOnly', 'ServerSideApply', 'ReadOnly'],
      }),
    },
    ['type'],
  );

const conditionRule = (): Schema =>
  object(
    'How to compute one condition of the manifest.',
    {
      celExpressions: strings('With type CEL: expressions that must all be true for the condition to be True.'),
      condition: string('The condition type to set.'),
      message: string('The condition message.'),
      messageExpression: string('A CEL expression yielding the message.'),
      type: string('WellKnownConditions or CEL.', { enum: ['WellKnownConditions', 'CEL'] }),
    },
    ['condition', 'type'],
  );

const manifestConfig = (): Schema =>
  object(
    'Per-manifest configuration, for the manifest the identifier names.',
    {
      conditionRules: mapList('Rules computing conditions of the manifest.', conditionRule(), ['condition']),
      feedbackRules: list('Status fields to report back.', feedbackRule()),
      feedbackScrapeType: string('Poll or Watch the object for feedback.', { default: 'Poll', enum: ['Poll', 'Watch'] }),
      resourceIdentifier: resourceIdentifier('The manifest this configuration applies to.', ['name', 'resource']),
      updateStrategy: updateStrategy(),
    },
    ['resourceIdentifier'],
  );

const executor = (): Schema =>
  object('The identity the agent applies the manifests as; absent means the agent\'s own.', {
    subject: object(
      'The subject.',
      {
        serviceAccount: object(
          'With type ServiceAccount: the service account in the WEC.',
          {
            name: string('Name of the service account.', { maxLength: 253, minLength: 1, pattern: DNS_SUBDOMAIN }),
            namespace: string('Namespace of the service account.', { maxLength: 253, minLength: 1, pattern: DNS_SUBDOMAIN }),
          },
          ['name', 'namespace'],
        ),
        type: string('The kind of subject; only ServiceAccount.', { enum: ['ServiceAccount'] }),
      },
      ['type'],
    ),
  });

const fieldValue = (): Schema =>
  object(
    'A value, tagged with its type; the field named by `type` is set.',
    {
      boolean: boolean('A boolean value.'),
      integer: int64('An integer value.'),
      jsonRaw: string('JSON text of a structured value.'),
      string: string('A string value.'),
      type: string('Integer, String, Boolean or JsonRaw.', { enum: ['Integer', 'String', 'Boolean', 'JsonRaw'] }),
    },
    ['type'],
  );

const manifestStatus = (): Schema =>
  object(
    'The state of one manifest in the WEC.',
    {
      conditions: metaConditions('Conditions of the manifest: Applied, Available, Progressing, Degraded, Complete.'),
      resourceMeta: object(
        'Which manifest.',
        {
          group: string('API group.'),
          kind: string('Kind.'),
          name: string('Name.'),
          namespace: string('Namespace; "" for a cluster-scoped object.'),
          ordinal: int32('Index of the manifest in spec.workload.manifests.'),
          resource: string('Lowercase plural resource name.'),
          version: string('API version (without group).'),
        },
        ['ordinal'],
      ),
      statusFeedback: object('Status fields reported back per the feedback rules.', {
        values: mapList(
          'The reported values.',
          object('One value.', { fieldValue: fieldValue(), name: string('The name given by the feedback rule.') }, ['fieldValue', 'name']),
          ['name'],
        ),
      }),
    },
    ['conditions', 'resourceMeta'],
  );

const manifestWorkSchema = resourceSchema(
  'ManifestWork lists objects for the work agent of one cluster to apply there; it lives in the hub namespace named after that cluster.',
  {
    spec: object('What to apply and how.', {
      deleteOption: deleteOption(),
      executor: executor(),
      manifestConfigs: list('Per-manifest configuration.', manifestConfig()),
      workload: object('The objects to apply.', {
        manifests: list('Whole Kubernetes objects, applied in order.', {
          type: 'object',
          description: 'One Kubernetes object.',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
        }),
      }),
    }),
    status: object('What the agent reports.', {
      conditions: metaConditions('Conditions of the work: Applied, Available, Progressing, Degraded, Complete, Deleting.'),
      resourceStatus: object('Per-manifest state.', { manifests: list('One entry per manifest.', manifestStatus()) }),
    }),
  },
);

export const manifestWorks = servedDefinition({
  group: WORK_GROUP,
  version: 'v1',
  kind: 'ManifestWork',
  plural: 'manifestworks',
  namespaced: true,
  // Not declared by OCM; added for `kubectl get mw`.
  shortNames: ['mw'],
  statusSubresource: true,
  schema: manifestWorkSchema,
});

const appliedManifestWorkSchema = resourceSchema(
  'AppliedManifestWork records, in a WEC, what the work agent applied for one ManifestWork of a hub. Named `<hub hash>-<ManifestWork name>`.',
  {
    spec: object(
      'Which ManifestWork.',
      {
        agentID: string('The work agent that owns this record.'),
        hubHash: string('Hash of the hub API server URL.'),
        manifestWorkName: string('Name of the ManifestWork in the hub.'),
      },
      ['hubHash', 'manifestWorkName'],
    ),
    status: object('What was applied.', {
      appliedResources: list(
        'The objects applied and still owned.',
        object(
          'One applied object.',
          {
            group: string('API group.'),
            name: string('Name.'),
            namespace: string('Namespace; "" for a cluster-scoped object.'),
            resource: string('Lowercase plural resource name.'),
            uid: string('UID of the object when it was applied.'),
            version: string('API version (without group).'),
          },
          ['name', 'resource', 'version'],
        ),
      ),
      evictionStartTime: dateTime('When the ManifestWork was found missing from the hub; the record is evicted after a grace period.'),
    }),
  },
);

export type CustomResourceDefinitionObject = KubeObject & { apiVersion: string; kind: string; metadata: { name: string }; spec: CrdSpec };

/**
 * The CRD a work agent creates in its WEC before recording what it applied. A plain JSON object;
 * clone it before handing it to anything that mutates.
 */
export const appliedManifestWorkCrd: CustomResourceDefinitionObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `appliedmanifestworks.${WORK_GROUP}` },
  spec: crdSpec({
    group: WORK_GROUP,
    version: 'v1',
    kind: 'AppliedManifestWork',
    plural: 'appliedmanifestworks',
    namespaced: false,
    statusSubresource: true,
    schema: appliedManifestWorkSchema,
  }),
};
