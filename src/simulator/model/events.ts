/**
 * core/v1 Events as the simulated components record them, and what client-go's legacy recorder
 * does with them before they are written (tools/record): the Event object makeEvent builds
 * (`<involvedObject.name>.<hex nanoseconds>`, count 1, eventTime null, reportingComponent and
 * reportingInstance from the source), and the EventCorrelator in front of the sink: the spam
 * filter (a token bucket per source and object), the aggregator (the tenth distinct message of a
 * kind within ten minutes turns into one "(combined from similar events)" Event) and the logger
 * (an Event seen before is counted on the existing object instead of written anew). Plus the
 * pure decisions of which Events a controller's or the kubelet's step calls for.
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { findCondition } from './conditions.js';

export type EventType = 'Normal' | 'Warning';

/** Who records: the recorder's EventSource (host only for node agents). */
export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export interface EventInput {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  /** Part of the object the event is about, e.g. `spec.containers{main}`. */
  readonly fieldPath?: string;
}

/** The components' sources, as they name themselves. */
export const SOURCES = {
  deployment: { component: 'deployment-controller' },
  replicaSet: { component: 'replicaset-controller' },
  replicationController: { component: 'replication-controller' },
  statefulSet: { component: 'statefulset-controller' },
  daemonSet: { component: 'daemonset-controller' },
  job: { component: 'job-controller' },
  volume: { component: 'persistentvolume-controller' },
  scheduler: { component: 'default-scheduler' },
} as const satisfies Record<string, EventSource>;

export const kubeletSource = (node: string): EventSource => ({ component: 'kubelet', host: node });

const rfc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** reference.GetReference (plus a field path): what involvedObject holds. */
export function objectReference(obj: KubeObject, fieldPath?: string): Obj {
  return {
    kind: obj.kind,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    name: obj.metadata.name ?? '',
    ...(obj.metadata.uid ? { uid: obj.metadata.uid } : {}),
    apiVersion: obj.apiVersion,
    ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
    ...(fieldPath !== undefined && { fieldPath }),
  };
}

/** `%v.%x` of the involved object's name and the time in nanoseconds. */
export const eventName = (refName: string, nanos: bigint): string => `${refName}.${nanos.toString(16)}`;

/** makeEvent of client-go's legacy recorder. */
export function legacyEvent(ref: Obj, source: EventSource, e: EventInput, nowMs: number, nanos: bigint): KubeObject {
  const t = rfc(nowMs);
  const namespace = str(ref['namespace']) || 'default';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(str(ref['name']), nanos), namespace },
    involvedObject: ref,
    reason: e.reason,
    message: e.message,
    source: { component: source.component, ...(source.host !== undefined && { host: source.host }) },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    type: e.type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? '',
  };
}

/**
 * What kube-scheduler writes: it records through events.k8s.io/v1, so in the core shape the
 * Event has an eventTime (microseconds), an action and the reporting fields, and no source,
 * count or first/last timestamps.
 */
export function schedulerEvent(ref: Obj, node: string, e: EventInput, nowMs: number, nanos: bigint, action = 'Binding'): KubeObject {
  const micros = String(nanos / 1000n % 1_000_000n).padStart(6, '0');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(str(ref['name']), nanos), namespace: str(ref['namespace']) || 'default' },
    involvedObject: ref,
    reason: e.reason,
    message: e.message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    type: e.type,
    eventTime: `${rfc(nowMs).slice(0, -1)}.${micros}Z`,
    action,
    reportingComponent: SOURCES.scheduler.component,
    reportingInstance: `${SOURCES.scheduler.component}-${node}`,
  };
}

/** getEventKey: what makes two Events the same one, to be counted rather than repeated. */
export function eventKey(ev: KubeObject): string {
  const ref = rec(ev['involvedObject']) ?? {};
  const src = rec(ev['source']) ?? {};
  return [src['component'], src['host'], ref['kind'], ref['namespace'], ref['name'], ref['fieldPath'], ref['uid'], ref['apiVersion'], ev['type'], ev['reason'], ev['message']]
    .map((v) => str(v))
    .join('');
}

/** EventAggregatorByReasonFunc: the same but for the message, which is the local key. */
function aggregateKey(ev: KubeObject): string {
  const ref = rec(ev['involvedObject']) ?? {};
  const src = rec(ev['source']) ?? {};
  return [src['component'], src['host'], ref['kind'], ref['namespace'], ref['name'], ref['uid'], ref['apiVersion'], ev['type'], ev['reason'], ev['reportingComponent'], ev['reportingInstance']]
    .map((v) => str(v))
    .join('');
}

/** getSpamKey: one bucket per source and involved object. */
function spamKey(ev: KubeObject): string {
  const ref = rec(ev['involvedObject']) ?? {};
  const src = rec(ev['source']) ?? {};
  return [src['component'], src['host'], ref['kind'], ref['namespace'], ref['name'], ref['uid'], ref['apiVersion']].map((v) => str(v)).join('');
}

/** client-go's defaults: burst 25 refilled one per 5 minutes; 10 similar messages in 10 minutes; LRU caches of 4096. */
export const CORRELATOR_DEFAULTS = { burst: 25, refillMs: 300_000, maxSimilar: 10, similarWindowMs: 600_000, cacheSize: 4096 };

export type Correlation =
  | { readonly action: 'drop' }
  | { readonly action: 'create'; readonly event: KubeObject; readonly key: string }
  /** Counted on the Event already written under `event.metadata.name` (count and lastTimestamp moved on). */
  | { readonly action: 'update'; readonly event: KubeObject; readonly key: string };

interface Seen {
  readonly name: string;
  readonly count: number;
  readonly firstTimestamp: string;
}

/** A Map used as a least-recently-used cache. */
class Lru<V> {
  readonly #map = new Map<string, V>();
  readonly #size: number;
  constructor(size: number) {
    this.#size = size;
  }
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.#map.delete(key);
    this.#map.set(key, v);
    if (this.#map.size > this.#size) this.#map.delete(this.#map.keys().next().value!);
  }
}

/**
 * The EventCorrelator: no I/O, its caches held here. `correlate` says what to write for a new
 * Event; `written` records what the sink stored, so the next identical Event counts on it.
 */
export class EventCorrelator {
  readonly #buckets: Lru<{ tokens: number; atMs: number }>;
  readonly #similar: Lru<{ messages: Set<string>; atMs: number }>;
  readonly #seen: Lru<Seen>;
  readonly #o: typeof CORRELATOR_DEFAULTS;

  constructor(options: Partial<typeof CORRELATOR_DEFAULTS> = {}) {
    this.#o = { ...CORRELATOR_DEFAULTS, ...options };
    this.#buckets = new Lru(this.#o.cacheSize);
    this.#similar = new Lru(this.#o.cacheSize);
    this.#seen = new Lru(this.#o.cacheSize);
  }

  correlate(ev: KubeObject, nowMs: number, nanos: bigint): Correlation {
    // Spam filter first: over its budget, the event is not recorded at all.
    const sk = spamKey(ev);
    const b = this.#buckets.get(sk) ?? { tokens: this.#o.burst, atMs: nowMs };
    const tokens = Math.min(this.#o.burst, b.tokens + (nowMs - b.atMs) / this.#o.refillMs);
    if (tokens < 1) {
      this.#buckets.set(sk, { tokens, atMs: nowMs });
      return { action: 'drop' };
    }
    this.#buckets.set(sk, { tokens: tokens - 1, atMs: nowMs });

    // Aggregator: the maxSimilar-th distinct message within the window becomes a combined Event.
    let event = ev;
    let key = eventKey(ev);
    const ak = aggregateKey(ev);
    const prev = this.#similar.get(ak);
    const record = prev === undefined || nowMs - prev.atMs > this.#o.similarWindowMs ? { messages: new Set<string>(), atMs: nowMs } : prev;
    record.messages.add(str(ev['message']));
    record.atMs = nowMs;
    this.#similar.set(ak, record);
    if (record.messages.size >= this.#o.maxSimilar) {
      record.messages.delete(record.messages.values().next().value!);
      const t = rfc(nowMs);
      const ref = rec(ev['involvedObject']) ?? {};
      // As upstream's copy: no reporting fields on the combined Event.
      event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: eventName(str(ref['name']), nanos), namespace: ev.metadata.namespace ?? 'default' },
        involvedObject: ref,
        reason: ev['reason'],
        message: `(combined from similar events): ${str(ev['message'])}`,
        source: ev['source'],
        firstTimestamp: t,
        lastTimestamp: t,
        count: 1,
        type: ev['type'],
        eventTime: null,
      };
      key = ak;
    }

    // Logger: seen before, it is the same Event once more.
    const seen = this.#seen.get(key);
    if (seen === undefined) return { action: 'create', event, key };
    return {
      action: 'update',
      key,
      event: { ...event, metadata: { ...event.metadata, name: seen.name }, count: seen.count + 1, firstTimestamp: seen.firstTimestamp },
    };
  }

  written(key: string, stored: KubeObject): void {
    this.#seen.set(key, { name: stored.metadata.name ?? '', count: num(stored['count']) ?? 1, firstTimestamp: str(stored['firstTimestamp']) });
  }
}

// --- Which Events a step calls for ----------------------------------------------------------

/** The deployment controller's, when it sets a replica set's size (scaleReplicaSet). */
export function scalingEvent(rsName: string, from: number, to: number): EventInput | undefined {
  if (from === to) return undefined;
  return { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${from < to ? 'up' : 'down'} replica set ${rsName} from ${from} to ${to}` };
}

/** RealPodControl's, shared by the ReplicaSet, ReplicationController, DaemonSet and Job controllers. */
export const createdPod = (pod: string): EventInput => ({ type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod}` });
export const deletedPod = (pod: string): EventInput => ({ type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod}` });

/** What Go's err.Error() gives for an API error: the Status message. */
export const errorText = (err: { readonly message: string; readonly status?: { readonly message?: string } }): string => err.status?.message ?? err.message;

/** RealPodControl's when the server refuses a pod it creates. */
export const failedCreate = (err: { readonly message: string; readonly status?: { readonly message?: string } }): EventInput => ({
  type: 'Warning',
  reason: 'FailedCreate',
  message: `Error creating: ${errorText(err)}`,
});

/** The StatefulSet controller's own wording (stateful_pod_control.go). */
export const statefulPodEvent = (verb: 'Create' | 'Delete', pod: string, set: string): EventInput => ({
  type: 'Normal',
  reason: `Successful${verb}`,
  message: `${verb.toLowerCase()} Pod ${pod} in StatefulSet ${set} successful`,
});
export const statefulClaimEvent = (claim: string, pod: string, set: string): EventInput => ({
  type: 'Normal',
  reason: 'SuccessfulCreate',
  message: `create Claim ${claim} Pod ${pod} in StatefulSet ${set} success`,
});

export const scheduledEvent = (namespace: string, pod: string, node: string): EventInput => ({
  type: 'Normal',
  reason: 'Scheduled',
  message: `Successfully assigned ${namespace}/${pod} to ${node}`,
});

/** The job controller's, when a Job's status gains a condition (Complete, Failed, Suspended, or resumes). */
export function jobEvents(prev: Obj, next: Obj): EventInput[] {
  const became = (type: string, status = 'True'): Obj | undefined => {
    const now = findCondition(recs(next['conditions']), type);
    const was = findCondition(recs(prev['conditions']), type);
    return now !== undefined && now['status'] === status && was?.['status'] !== status ? now : undefined;
  };
  const out: EventInput[] = [];
  if (became('Suspended')) out.push({ type: 'Normal', reason: 'Suspended', message: 'Job suspended' });
  if (became('Suspended', 'False')) out.push({ type: 'Normal', reason: 'Resumed', message: 'Job resumed' });
  if (became('Complete')) out.push({ type: 'Normal', reason: 'Completed', message: 'Job completed' });
  const failed = became('Failed');
  if (failed) out.push({ type: 'Warning', reason: str(failed['reason']), message: str(failed['message']) });
  return out;
}

/** Each kind of container in the spec with its statuses' field, in the order the kubelet reports on them. */
const CONTAINER_KINDS = [
  ['initContainers', 'initContainerStatuses'],
  ['containers', 'containerStatuses'],
  ['ephemeralContainers', 'ephemeralContainerStatuses'],
] as const;

const isRunning = (s: Obj | undefined): boolean => rec(rec(s?.['state'])?.['running']) !== undefined;

type ContainerPhase = 'none' | 'started' | 'crashLoop' | 'imagePull' | 'waiting';

function containerPhase(s: Obj | undefined): ContainerPhase {
  if (s === undefined) return 'none';
  const state = rec(s['state']) ?? {};
  if (rec(state['running']) || rec(state['terminated'])) return 'started';
  const reason = str(rec(state['waiting'])?.['reason']);
  if (reason === 'CrashLoopBackOff') return 'crashLoop';
  if (reason === 'ImagePullBackOff' || reason === 'ErrImagePull') return 'imagePull';
  return 'waiting';
}

/**
 * The kubelet's, from a pod's status before and after a sync: a container that starts (first
 * time, or again after a crash loop or a failed pull) is pulled (the image is always present, as
 * kind's preloaded ones), created and started; one that enters a crash loop backs off; one whose
 * image cannot be pulled fails to pull and backs off; an ephemeral container still running when
 * its pod finishes is stopped. Init containers come first, then the pod's own, then the ephemeral
 * ones, each in spec order.
 */
export function containerEvents(pod: KubeObject, prev: Obj, next: Obj): EventInput[] {
  const spec = specOf(pod);
  const out: EventInput[] = [];
  for (const [field, statusKey] of CONTAINER_KINDS) {
    for (const c of recs(spec[field])) {
      const name = str(c['name']);
      const image = str(c['image']);
      const fieldPath = `spec.${field}{${name}}`;
      const prevS = recs(prev[statusKey]).find((s) => s['name'] === name);
      const nextS = recs(next[statusKey]).find((s) => s['name'] === name);
      const was = containerPhase(prevS);
      const now = containerPhase(nextS);
      const ev = (type: EventType, reason: string, message: string): void => void out.push({ type, reason, message, fieldPath });
      if (was === 'started' && now === 'started' && str(prevS?.['image']) !== str(nextS?.['image']) && str(prevS?.['containerID']) !== str(nextS?.['containerID'])) {
        // Its spec changed under it (a new image): killed, then started again.
        ev('Normal', 'Killing', `Container ${name} definition changed, will be restarted`);
        ev('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        ev('Normal', 'Created', `Created container: ${name}`);
        ev('Normal', 'Started', `Started container ${name}`);
        continue;
      }
      if (field === 'ephemeralContainers' && isRunning(prevS) && rec(rec(nextS?.['state'])?.['terminated']) !== undefined) {
        ev('Normal', 'Killing', `Stopping container ${name}`);
        continue;
      }
      if (was === now) continue;
      if (now === 'started' && was !== 'started') {
        ev('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        ev('Normal', 'Created', `Created container: ${name}`);
        ev('Normal', 'Started', `Started container ${name}`);
      } else if (now === 'crashLoop') {
        ev('Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`);
      } else if (now === 'imagePull') {
        ev('Normal', 'Pulling', `Pulling image "${image}"`);
        ev('Warning', 'Failed', 'Error: ErrImagePull');
        ev('Normal', 'BackOff', `Back-off pulling image "${image}"`);
        ev('Warning', 'Failed', 'Error: ImagePullBackOff');
      }
    }
  }
  return out;
}

/** killContainer's, for the containers still running when a pod's graceful deletion ends. */
export function killingEvents(pod: KubeObject): EventInput[] {
  const status = rec(pod['status']) ?? {};
  const out: EventInput[] = [];
  for (const [field, statusKey] of CONTAINER_KINDS) {
    for (const s of recs(status[statusKey])) {
      if (!isRunning(s)) continue;
      const name = str(s['name']);
      out.push({ type: 'Normal', reason: 'Killing', message: `Stopping container ${name}`, fieldPath: `spec.${field}{${name}}` });
    }
  }
  return out;
}

/** The PV controller's while a claim of a WaitForFirstConsumer class waits for a pod. */
export const waitForFirstConsumer: EventInput = { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' };

/** The external provisioner's (kind's local-path one), around making a claim's volume. */
export const provisioning = (namespace: string, claim: string): EventInput => ({
  type: 'Normal',
  reason: 'Provisioning',
  message: `External provisioner is provisioning volume for claim "${namespace}/${claim}"`,
});
export const provisioned = (volume: string): EventInput => ({ type: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${volume}` });
