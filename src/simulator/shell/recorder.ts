/**
 * The simulated components' event recorder: Events built by model/events.ts go through one
 * EventCorrelator and are written in the background, one after another (so names, counts and
 * order come out as recorded), never awaited by a sync. A write that fails is logged and
 * forgotten, as client-go's broadcaster does after its retries; a backlog past MAX_PENDING drops
 * new Events rather than grow without bound.
 */
import { isStatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { EventCorrelator, kubeletSource, legacyEvent, objectReference, scheduledEvent, schedulerEvent, type EventInput, type EventSource } from '../model/events.js';

/** Where Events go: the space's core/v1 Event store, as seen by `who` (its field manager). */
export interface EventSink {
  create(event: KubeObject, who: string): Promise<KubeObject>;
  /** Sets count, lastTimestamp and message on the stored Event (the recorder's PATCH). */
  update(event: KubeObject, who: string): Promise<KubeObject>;
}

const MAX_PENDING = 5000;

/** The process each component runs in, which is who writes its Events. */
function managerOf(source: EventSource): string {
  if (source.component === 'kubelet') return 'kubelet';
  if (source.component === 'default-scheduler') return 'kube-scheduler';
  if (source.component.endsWith('-controller')) return 'kube-controller-manager';
  return source.component;
}

export class EventRecorder {
  readonly #sink: () => EventSink | undefined;
  readonly #log: (msg: string, err?: unknown) => void;
  readonly #stopped: () => boolean;
  readonly #correlator = new EventCorrelator();
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #lastNanos = 0n;
  #warned = false;

  constructor(sink: () => EventSink | undefined, log: (msg: string, err?: unknown) => void, stopped: () => boolean) {
    this.#sink = sink;
    this.#log = log;
    this.#stopped = stopped;
  }

  /** Records `events` about `obj` (in order) as `source` would. */
  record(source: EventSource, obj: KubeObject, ...events: readonly (EventInput | undefined)[]): void {
    for (const e of events) {
      if (e === undefined) continue;
      const nowMs = Date.now();
      const nanos = this.#nanos(nowMs);
      const event = legacyEvent(objectReference(obj, e.fieldPath), source, e, nowMs, nanos);
      const who = managerOf(source);
      this.#enqueue(async (sink) => {
        // Correlated when its turn comes, so an Event recorded twice in a row counts on the first.
        const c = this.#correlator.correlate(event, nowMs, nanos);
        if (c.action === 'drop') return;
        let stored: KubeObject;
        if (c.action === 'create') stored = await sink.create(c.event, who);
        else {
          try {
            stored = await sink.update(c.event, who);
          } catch (err) {
            // Gone (expired or deleted): written anew, as the recorder does, count and all.
            if (!isStatusError(err, 'NotFound')) throw err;
            stored = await sink.create(c.event, who);
          }
        }
        this.#correlator.written(c.key, stored);
      });
    }
  }

  /** The scheduler's Scheduled Event for a pod bound to `node` (events.k8s.io style, see schedulerEvent). */
  scheduled(pod: KubeObject, node: string): void {
    const nowMs = Date.now();
    const event = schedulerEvent(objectReference(pod), node, scheduledEvent(pod.metadata.namespace ?? '', pod.metadata.name ?? '', node), nowMs, this.#nanos(nowMs));
    this.#enqueue(async (sink) => void (await sink.create(event, 'kube-scheduler')));
  }

  /** The scheduler's FailedScheduling Event for a pod it could not place (action Scheduling; `node` names the scheduler's host). */
  failedScheduling(pod: KubeObject, node: string, message: string): void {
    const nowMs = Date.now();
    const event = schedulerEvent(objectReference(pod), node, { type: 'Warning', reason: 'FailedScheduling', message }, nowMs, this.#nanos(nowMs), 'Scheduling');
    this.#enqueue(async (sink) => void (await sink.create(event, 'kube-scheduler')));
  }

  /** The kubelet's Events about a pod on `node`. */
  kubelet(node: string, pod: KubeObject, events: readonly EventInput[]): void {
    this.record(kubeletSource(node), pod, ...events);
  }

  /** Resolves once every Event recorded so far is written (or has failed). */
  flush(): Promise<void> {
    return this.#tail;
  }

  /** Nanoseconds for the name: the clock's, made strictly increasing so no two Events share one. */
  #nanos(nowMs: number): bigint {
    let n = BigInt(nowMs) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    if (n <= this.#lastNanos) n = this.#lastNanos + 1n;
    this.#lastNanos = n;
    return n;
  }

  #enqueue(write: (sink: EventSink) => Promise<void>): void {
    if (this.#stopped()) return;
    if (this.#pending >= MAX_PENDING) {
      if (!this.#warned) this.#log(`simulator event backlog over ${MAX_PENDING}; dropping events`);
      this.#warned = true;
      return;
    }
    this.#pending++;
    this.#tail = this.#tail.then(async () => {
      try {
        const sink = this.#sink();
        if (sink !== undefined && !this.#stopped()) await write(sink);
      } catch (err) {
        // A namespace going away refuses new Events; nothing worth reporting.
        if (!isStatusError(err, 'Forbidden') && !isStatusError(err, 'NotFound') && !isStatusError(err, 'AlreadyExists')) this.#log('simulator could not record an event', err);
      } finally {
        this.#pending--;
        if (this.#pending === 0) this.#warned = false;
      }
    });
  }
}
