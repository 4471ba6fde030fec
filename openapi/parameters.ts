/**
 * Operation parameters in the v2 dialect. Every parameter is written inline on the operation that
 * takes it (no `#/parameters/` references): kubectl 1.27's check for server-side field validation
 * only looks at inline entries, and inlining keeps the v2→v3 conversion trivial.
 */

export interface Parameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: { $ref: string };
}

const query = (name: string, type: string, description: string): Parameter => ({
  name, in: 'query', type, uniqueItems: true, description,
});

export const pathParam = (name: string, description: string): Parameter => ({
  name, in: 'path', required: true, type: 'string', uniqueItems: true, description,
});

export const body = (definition: string, required = true): Parameter => ({
  name: 'body', in: 'body', ...(required ? { required } : {}), schema: { $ref: `#/definitions/${definition}` },
});

export const P = {
  namespace: pathParam('namespace', 'object name and auth scope, such as for teams and projects'),
  pretty: query('pretty', 'string', "If 'true', then the output is pretty printed."),
  allowWatchBookmarks: query('allowWatchBookmarks', 'boolean',
    'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers may ignore it.'),
  continue: query('continue', 'string',
    'The continue token returned by a previous list call with a limit; asks for the next chunk.'),
  dryRun: query('dryRun', 'string',
    'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: query('fieldManager', 'string',
    'fieldManager is a name associated with the actor or entity that is making these changes. Required for apply requests.'),
  fieldSelector: query('fieldSelector', 'string',
    'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  fieldValidation: query('fieldValidation', 'string',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict: reject the request with a BadRequest error.'),
  force: query('force', 'boolean',
    'Force is going to "force" Apply requests: it re-acquires conflicting fields owned by other people. Must be unset for non-apply patch requests.'),
  gracePeriodSeconds: query('gracePeriodSeconds', 'integer',
    'The duration in seconds before the object should be deleted. Zero means delete immediately.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: query('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean',
    'if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.'),
  labelSelector: query('labelSelector', 'string',
    'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: query('limit', 'integer',
    'limit is a maximum number of responses to return for a list call; more are available through continue.'),
  orphanDependents: query('orphanDependents', 'boolean',
    'Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned.'),
  propagationPolicy: query('propagationPolicy', 'string',
    "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  resourceVersion: query('resourceVersion', 'string',
    'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: query('resourceVersionMatch', 'string',
    'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  sendInitialEvents: query('sendInitialEvents', 'boolean',
    'With watch=true, start the stream with synthetic ADDED events for the current state, then a BOOKMARK.'),
  timeoutSeconds: query('timeoutSeconds', 'integer',
    'Timeout for the list/watch call, regardless of any activity or inactivity.'),
  watch: query('watch', 'boolean',
    'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.'),
  // pods/log
  container: query('container', 'string', 'The container for which to stream logs.'),
  follow: query('follow', 'boolean', 'Follow the log stream of the pod.'),
  insecureSkipTLSVerifyBackend: query('insecureSkipTLSVerifyBackend', 'boolean',
    'Do not verify the serving certificate of the backend the logs come from.'),
  limitBytes: query('limitBytes', 'integer', 'The number of bytes to read from the server before terminating the log output.'),
  previous: query('previous', 'boolean', 'Return previous terminated container logs.'),
  sinceSeconds: query('sinceSeconds', 'integer', 'A relative time in seconds before the current time from which to show logs.'),
  stream: query('stream', 'string', 'Specify which container log stream to return: All, Stdout or Stderr.'),
  tailLines: query('tailLines', 'integer', 'The number of lines from the end of the logs to show.'),
  timestamps: query('timestamps', 'boolean', 'Prefix every line of log output with an RFC3339 timestamp.'),
} as const satisfies Record<string, Parameter>;

/** Query parameters of list and watch calls (also the path-level parameters of watch paths). */
export const LIST_PARAMS: readonly Parameter[] = [
  P.allowWatchBookmarks, P.continue, P.fieldSelector, P.labelSelector, P.limit, P.resourceVersion,
  P.resourceVersionMatch, P.sendInitialEvents, P.timeoutSeconds, P.watch,
];

/** Parameters of writes that take an object (POST, PUT). */
export const WRITE_PARAMS: readonly Parameter[] = [P.dryRun, P.fieldManager, P.fieldValidation];

/** Parameters of PATCH: the ones kubectl checks for before it trusts the server to validate. */
export const PATCH_PARAMS: readonly Parameter[] = [P.dryRun, P.fieldManager, P.fieldValidation, P.force];

export const DELETE_PARAMS: readonly Parameter[] = [
  P.dryRun, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential, P.orphanDependents,
  P.propagationPolicy,
];

export const DELETE_COLLECTION_PARAMS: readonly Parameter[] = [
  P.continue, P.dryRun, P.fieldSelector, P.gracePeriodSeconds, P.ignoreStoreReadErrorWithClusterBreakingPotential,
  P.labelSelector, P.limit, P.orphanDependents, P.propagationPolicy, P.resourceVersion, P.resourceVersionMatch,
  P.sendInitialEvents, P.timeoutSeconds,
];

export const LOG_PARAMS: readonly Parameter[] = [
  P.container, P.follow, P.insecureSkipTLSVerifyBackend, P.limitBytes, P.previous, P.sinceSeconds, P.stream,
  P.tailLines, P.timestamps,
];

export const PATCH_CONTENT_TYPES: readonly string[] = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** Custom resources have no strategic merge patch. */
export const CUSTOM_PATCH_CONTENT_TYPES: readonly string[] = PATCH_CONTENT_TYPES.filter((t) => !t.includes('strategic'));

export const OBJECT_MEDIA_TYPES: readonly string[] = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const WATCH_MEDIA_TYPES: readonly string[] = [
  'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf',
  'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch',
];
