/**
 * Events in both APIs: core/v1 Event (involvedObject, count, source) and events.k8s.io/v1
 * Event (regarding, note, deprecated* fields). As upstream, they are one storage: every Event is
 * stored in the core shape, whichever API wrote it, and the events.k8s.io API converts on the
 * way in and out (kube's pkg/apis/events/v1 conversion, which renames fields and changes nothing
 * else). So an Event a controller records through events.k8s.io shows in `kubectl get events`,
 * `kubectl events` and `describe`, and the other way round; both print with the core printer.
 */
import { isDeepStrictEqual } from 'node:util';
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isQualifiedName } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import type { PrinterColumn, ResourceDefinition, VersionConversion } from '../definition.js';
import { since } from './cells.js';
import { immutable } from './checks.js';
import { column, define, kindStrategy, num, rec, str, wide } from './helpers.js';

/** The fields the two Event shapes name differently: core's name, and events.k8s.io's. */
interface EventFields {
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: string;
  readonly regarding: string;
  readonly source: string;
  readonly reportingController: string;
  readonly message: string;
}

const CORE: EventFields = {
  firstTimestamp: 'firstTimestamp',
  lastTimestamp: 'lastTimestamp',
  count: 'count',
  regarding: 'involvedObject',
  source: 'source',
  reportingController: 'reportingComponent',
  message: 'message',
};

const V1: EventFields = {
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
  regarding: 'regarding',
  source: 'deprecatedSource',
  reportingController: 'reportingController',
  message: 'note',
};

/** printEvent's LAST SEEN, FIRST SEEN and COUNT (of a stored, core-shaped Event): series win over the legacy counters. */
export function eventTimes(o: KubeObject): { first: string; last: string; count: number } {
  const first = str(o['firstTimestamp']) ? since(o['firstTimestamp']) : since(o['eventTime']);
  const series = rec(o['series']);
  if (series !== undefined) return { first, last: since(series['lastObservedTime']), count: num(series['count']) ?? 0 };
  const last = str(o['lastTimestamp']) ? since(o['lastTimestamp']) : first;
  const count = num(o['count']) ?? 0;
  return { first, last, count: count === 0 ? 1 : count };
}

function target(ref: unknown): string {
  const r = rec(ref) ?? {};
  const kind = str(r['kind']).toLowerCase();
  return str(r['name']) ? `${kind}/${str(r['name'])}` : kind;
}

function source(o: KubeObject): string {
  const s = rec(o['source']) ?? {};
  const component = str(s['component']) || str(o['reportingComponent']);
  const host = str(s['host']) || str(o['reportingInstance']);
  return host === '' ? component : `${component}, ${host}`;
}

/** Both APIs print from the stored core shape, with the core printer. */
const EVENT_COLUMNS: readonly PrinterColumn[] = [
  column('Last Seen', (o) => eventTimes(o).last, { description: 'The time at which the most recent occurrence of this event was recorded.' }),
  column('Type', (o) => str(o['type']), { description: 'Type of this event (Normal, Warning), new types could be added in the future' }),
  column('Reason', (o) => str(o['reason']), { description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." }),
  column('Object', (o) => target(o['involvedObject']), { description: 'The object that this event is about.' }),
  wide('Subobject', (o) => str(rec(o['involvedObject'])?.['fieldPath']), 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
  wide('Source', (o) => source(o), 'The component reporting this event. Should be a short machine understandable string.'),
  column('Message', (o) => str(o['message']).trim(), { description: 'A human-readable description of the status of this operation.' }),
  wide('First Seen', (o) => eventTimes(o).first, 'The time at which the event was first recorded.'),
  wide('Count', (o) => eventTimes(o).count, 'The number of times this event has occurred.'),
  { ...wide('Name', (o) => o.metadata.name, 'Name must be unique within a namespace.'), format: 'name' },
];

/**
 * legacyValidateEvent, on the stored (core) shape whichever API wrote it: namespace agreement,
 * and for new-style events (eventTime set) the reporting fields. As upstream, which validates its
 * internal type, errors name the internal fields (`reportingController`, `message`).
 */
function legacyErrors(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = o.metadata.namespace ?? '';
  const refNs = str(rec(o['involvedObject'])?.['namespace']);
  const mismatch = fieldErrors.invalid('involvedObject.namespace', refNs, 'does not match event.namespace');
  if (!str(o['eventTime'])) {
    if (refNs === '' ? namespace !== '' && namespace !== 'default' : refNs !== namespace) errs.push(mismatch);
    return errs;
  }
  if (refNs === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch);
  const controller = str(o['reportingComponent']);
  if (controller === '') errs.push(fieldErrors.required('reportingController'));
  else errs.push(...isQualifiedName(controller).map((m) => fieldErrors.invalid('reportingController', controller, m)));
  for (const field of ['reportingInstance', 'action', 'reason']) {
    if (str(o[field]) === '') errs.push(fieldErrors.required(field));
    else if (str(o[field]).length > 128) errs.push(fieldErrors.invalid(field, '', 'can have at most 128 characters'));
  }
  if (str(o['message']).length > 1024) errs.push(fieldErrors.invalid('message', '', 'can have at most 1024 characters'));
  return errs;
}

/** A series, when present, counts at least two occurrences and says when the last was. */
function seriesErrors(o: KubeObject): FieldError[] {
  const series = rec(o['series']);
  if (series === undefined) return [];
  const errs: FieldError[] = [];
  if ((num(series['count']) ?? 0) < 2) errs.push(fieldErrors.invalid('series.count', '', 'should be at least 2'));
  if (!str(series['lastObservedTime'])) errs.push(fieldErrors.required('series.lastObservedTime'));
  return errs;
}

/** A create through events.k8s.io/v1: eventTime, a Normal/Warning type, and none of the legacy counters. */
function strictCreateErrors(o: KubeObject): FieldError[] {
  const errs = seriesErrors(o);
  if (!str(o['eventTime'])) errs.push(fieldErrors.required('eventTime'));
  if (o['type'] !== 'Normal' && o['type'] !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${str(o['type'])}`));
  for (const field of ['firstTimestamp', 'lastTimestamp']) if (str(o[field])) errs.push(fieldErrors.invalid(field, '', 'needs to be unset'));
  if ((num(o['count']) ?? 0) !== 0) errs.push(fieldErrors.invalid('count', '', 'needs to be unset'));
  const src = rec(o['source']) ?? {};
  if (str(src['component']) || str(src['host'])) errs.push(fieldErrors.invalid('source', '', 'needs to be unset'));
  return errs;
}

/** What an update through events.k8s.io/v1 may not change: everything but the series (and metadata). */
const IMMUTABLE_ON_V1_UPDATE = [
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];

function strictUpdateErrors(o: KubeObject, old: KubeObject): FieldError[] {
  const errs = isDeepStrictEqual(o['series'] ?? null, old['series'] ?? null) ? [] : seriesErrors(o);
  for (const field of IMMUTABLE_ON_V1_UPDATE) {
    // The internal field behind core's reportingComponent is reportingController.
    errs.push(...immutable(field === 'reportingComponent' ? 'reportingController' : field, o[field], old[field]));
  }
  return errs;
}

/** core/v1 Event. */
export const events: ResourceDefinition = define({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  columns: EVENT_COLUMNS,
  strategy: kindStrategy({
    validate: legacyErrors,
    selectableFields: (o) => {
      const ref = rec(o['involvedObject']) ?? {};
      const fields: Record<string, string> = {
        reason: str(o['reason']),
        reportingComponent: str(o['reportingComponent']),
        source: str(rec(o['source'])?.['component']),
        type: str(o['type']),
      };
      for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) fields[`involvedObject.${f}`] = str(ref[f]);
      return fields;
    },
  }),
});

/** The fields events.k8s.io/v1 names differently, as [core, events.k8s.io]; all others are shared. */
const RENAMED: readonly (readonly [keyof EventFields, string, string])[] = (Object.keys(CORE) as (keyof EventFields)[]).map((k) => [k, CORE[k], V1[k]] as const);

function renamed(obj: KubeObject, apiVersion: string, from: 1 | 2): KubeObject {
  const to = from === 1 ? 2 : 1;
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event' };
  for (const names of RENAMED) {
    const source = names[from];
    if (!(source in obj)) continue;
    delete out[source];
    out[names[to]] = obj[source];
  }
  return out;
}

/** An events.k8s.io/v1 Event in the core shape it is stored in, and back. Neither mutates its input. */
export const eventsConversion: VersionConversion = {
  toStored: (obj) => renamed(obj, 'v1', 2),
  fromStored: (obj, version) => renamed(obj, `events.k8s.io/${version}`, 1),
};

/**
 * Field selectors of events.k8s.io/v1, read off the stored core object (kube maps them onto the
 * core fields before matching): regarding.* is involvedObject.*, reportingController is
 * reportingComponent.
 */
function v1SelectableFields(o: KubeObject): Record<string, string> {
  const ref = rec(o['involvedObject']) ?? {};
  const fields: Record<string, string> = {
    reason: str(o['reason']),
    reportingController: str(o['reportingComponent']),
    type: str(o['type']),
  };
  for (const f of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) fields[`regarding.${f}`] = str(ref[f]);
  return fields;
}

/**
 * events.k8s.io/v1 Event: core Events' storage seen through the newer API. Its strategy sees the
 * stored (core) shape, with upstream's stricter rules for writes through this API: a create must
 * be a new-style Event, and an update may change only its series.
 */
export const eventsV1: ResourceDefinition = define({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  columns: EVENT_COLUMNS,
  storedAs: { group: '', plural: 'events' },
  conversion: eventsConversion,
  strategy: kindStrategy({
    validate: legacyErrors,
    validateCreate: strictCreateErrors,
    validateUpdate: strictUpdateErrors,
    selectableFields: v1SelectableFields,
  }),
});

export const eventsResources: readonly ResourceDefinition[] = [eventsV1];
