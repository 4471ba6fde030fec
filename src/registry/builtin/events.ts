/**
 * Events in both APIs: core/v1 Event (involvedObject, count, source) and events.k8s.io/v1
 * Event (regarding, note, deprecated* fields). Upstream keeps them in one storage and prints
 * both with the core printer; here each is stored in its own shape, and one table definition
 * reads either shape through a field map, so `kubectl get events` looks the same for both.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isQualifiedName } from '../../api/names.js';
import type { KubeObject } from '../../api/object.js';
import type { PrinterColumn, ResourceDefinition } from '../definition.js';
import { since } from './cells.js';
import { column, define, kindStrategy, num, rec, str, wide } from './helpers.js';

/** Where each printed or checked field lives in one of the two Event shapes. */
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

/** printEvent's LAST SEEN, FIRST SEEN and COUNT: series win over the legacy counters. */
export function eventTimes(o: KubeObject, f: EventFields = CORE): { first: string; last: string; count: number } {
  const first = str(o[f.firstTimestamp]) ? since(o[f.firstTimestamp]) : since(o['eventTime']);
  const series = rec(o['series']);
  if (series !== undefined) return { first, last: since(series['lastObservedTime']), count: num(series['count']) ?? 0 };
  const last = str(o[f.lastTimestamp]) ? since(o[f.lastTimestamp]) : first;
  const count = num(o[f.count]) ?? 0;
  return { first, last, count: count === 0 ? 1 : count };
}

function target(ref: unknown): string {
  const r = rec(ref) ?? {};
  const kind = str(r['kind']).toLowerCase();
  return str(r['name']) ? `${kind}/${str(r['name'])}` : kind;
}

function source(o: KubeObject, f: EventFields): string {
  const s = rec(o[f.source]) ?? {};
  const component = str(s['component']) || str(o[f.reportingController]);
  const host = str(s['host']) || str(o['reportingInstance']);
  return host === '' ? component : `${component}, ${host}`;
}

function eventColumns(f: EventFields): PrinterColumn[] {
  return [
    column('Last Seen', (o) => eventTimes(o, f).last, { description: 'The time at which the most recent occurrence of this event was recorded.' }),
    column('Type', (o) => str(o['type']), { description: 'Type of this event (Normal, Warning), new types could be added in the future' }),
    column('Reason', (o) => str(o['reason']), { description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status." }),
    column('Object', (o) => target(o[f.regarding]), { description: 'The object that this event is about.' }),
    wide('Subobject', (o) => str(rec(o[f.regarding])?.['fieldPath']), 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    wide('Source', (o) => source(o, f), 'The component reporting this event. Should be a short machine understandable string.'),
    column('Message', (o) => str(o[f.message]).trim(), { description: 'A human-readable description of the status of this operation.' }),
    wide('First Seen', (o) => eventTimes(o, f).first, 'The time at which the event was first recorded.'),
    wide('Count', (o) => eventTimes(o, f).count, 'The number of times this event has occurred.'),
    { ...wide('Name', (o) => o.metadata.name, 'Name must be unique within a namespace.'), format: 'name' },
  ];
}

/** legacyValidateEvent: namespace agreement, and for new-style events (eventTime set) the reporting fields. */
function legacyErrors(o: KubeObject, f: EventFields): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = o.metadata.namespace ?? '';
  const refNs = str(rec(o[f.regarding])?.['namespace']);
  const mismatch = fieldErrors.invalid('involvedObject.namespace', refNs, 'does not match event.namespace');
  if (!str(o['eventTime'])) {
    if (refNs === '' ? namespace !== '' && namespace !== 'default' : refNs !== namespace) errs.push(mismatch);
    return errs;
  }
  if (refNs === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch);
  const controller = str(o[f.reportingController]);
  if (controller === '') errs.push(fieldErrors.required(f.reportingController));
  else errs.push(...isQualifiedName(controller).map((m) => fieldErrors.invalid(f.reportingController, controller, m)));
  for (const field of ['reportingInstance', 'action', 'reason']) {
    if (str(o[field]) === '') errs.push(fieldErrors.required(field));
    else if (str(o[field]).length > 128) errs.push(fieldErrors.invalid(field, '', 'can have at most 128 characters'));
  }
  if (str(o[f.message]).length > 1024) errs.push(fieldErrors.invalid('message', '', 'can have at most 1024 characters'));
  return errs;
}

/** events.k8s.io/v1 creation also requires eventTime and a Normal/Warning type, and no deprecated fields. */
function validateV1Event(o: KubeObject): FieldError[] {
  const errs = legacyErrors(o, V1);
  if (!str(o['eventTime'])) errs.push(fieldErrors.required('eventTime'));
  if (o['type'] !== 'Normal' && o['type'] !== 'Warning') errs.push(fieldErrors.invalid('type', '', `has invalid value: ${str(o['type'])}`));
  for (const field of ['deprecatedFirstTimestamp', 'deprecatedLastTimestamp']) if (str(o[field])) errs.push(fieldErrors.invalid(field, '', 'needs to be unset'));
  if ((num(o['deprecatedCount']) ?? 0) !== 0) errs.push(fieldErrors.invalid('deprecatedCount', '', 'needs to be unset'));
  const src = rec(o['deprecatedSource']) ?? {};
  if (str(src['component']) || str(src['host'])) errs.push(fieldErrors.invalid('deprecatedSource', '', 'needs to be unset'));
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
  columns: eventColumns(CORE),
  strategy: kindStrategy({
    validate: (o) => legacyErrors(o, CORE),
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

/** events.k8s.io/v1 Event. */
export const eventsV1: ResourceDefinition = define({
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  shortNames: ['ev'],
  namespaced: true,
  columns: eventColumns(V1),
  strategy: kindStrategy({ validate: validateV1Event }),
});

export const eventsResources: readonly ResourceDefinition[] = [eventsV1];
