/**
 * The simulated kubelet's decisions: what a pod should look like now (pending, running, failing
 * to start or crash-looping, finished) and the status a kubelet would report for it. Statuses are
 * recomputed from the stored one, keeping its times and addresses, so a pod that is already in
 * its target state comes out identical and nothing is written.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { findCondition, probedCondition, type ConditionInput } from './conditions.js';
import { isDeleting } from './objects.js';

/** running: up and ready; pulling: never starts (Pending); crashing: started once, now restarting; succeeded/failed: ran to the end. */
export type PodTarget = 'running' | 'pulling' | 'crashing' | 'succeeded' | 'failed';

export interface PodTiming {
  /** How long the simulator has known the pod. */
  readonly ageMs: number;
  readonly readyDelayMs: number;
  readonly jobDurationMs: number;
  /** The pod or an owner carries the failure annotation. */
  readonly failing: boolean;
  /** restartPolicy Never or OnFailure (scheduling.ts): it exits after jobDurationMs instead of serving forever. */
  readonly runsToCompletion: boolean;
}

export interface PodDecision {
  readonly target?: PodTarget;
  /** When to look at the pod again (ms from now). */
  readonly recheckInMs?: number;
}

export const podPhase = (pod: KubeObject): string => str(statusOf(pod)['phase']);

export const isTerminal = (pod: KubeObject): boolean => podPhase(pod) === 'Succeeded' || podPhase(pod) === 'Failed';

/** FilterActivePods: not finished and not being deleted. */
export const isActive = (pod: KubeObject): boolean => !isTerminal(pod) && !isDeleting(pod);

/**
 * When the kubelet removes a pod being deleted gracefully (ms since the epoch): its containers
 * stop within `stopMs` of the deletion (never later than the grace period); undefined when the
 * pod is not being deleted gracefully.
 */
export function gracefulStopAt(pod: KubeObject, stopMs: number): number | undefined {
  const grace = pod.metadata.deletionGracePeriodSeconds ?? 0;
  const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '');
  if (!(grace > 0) || Number.isNaN(deadline)) return undefined;
  const markedAt = deadline - grace * 1000;
  return markedAt + Math.min(grace * 1000, stopMs);
}

export function isPodReady(pod: KubeObject): boolean {
  return podPhase(pod) === 'Running' && findCondition(recs(statusOf(pod)['conditions']), 'Ready')?.['status'] === 'True';
}

/** When the pod turned Ready (ms), if it is. */
export function readySince(pod: KubeObject): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const t = Date.parse(str(findCondition(recs(statusOf(pod)['conditions']), 'Ready')?.['lastTransitionTime']));
  return Number.isNaN(t) ? 0 : t;
}

/** IsPodAvailable: ready for at least minReadySeconds (a simulated second lasting secondMs). */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number, secondMs: number): boolean {
  const since = readySince(pod);
  return since !== undefined && (minReadySeconds <= 0 || since + minReadySeconds * secondMs <= nowMs);
}

export function decidePod(pod: KubeObject, t: PodTiming): PodDecision {
  if (isDeleting(pod) || isTerminal(pod)) return {};
  if (t.ageMs < t.readyDelayMs) return { recheckInMs: t.readyDelayMs - t.ageMs };
  if (t.runsToCompletion) {
    const endsAt = t.readyDelayMs + t.jobDurationMs;
    if (t.ageMs < endsAt) return { target: 'running', recheckInMs: endsAt - t.ageMs };
    return { target: t.failing ? 'failed' : 'succeeded' };
  }
  if (!t.failing) return { target: 'running' };
  return { target: podPhase(pod) === 'Running' ? 'crashing' : 'pulling' };
}

export interface PodPlacement {
  readonly now: Date;
  readonly hostIP: string;
  /** Used only when the pod has no address yet. */
  readonly podIP: string;
}

const rfc = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** docker.io/library/nginx:latest for `nginx`, as the container runtime reports image names. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasRegistry = firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${firstSlash < 0 ? 'library/' : ''}${ref}`;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !ref.includes('@')) ref += ':latest';
  return ref;
}

const digest = (...parts: string[]): string => createHash('sha256').update(parts.join('\0')).digest('hex');

function imageID(image: string): string {
  const ref = normalizeImage(image);
  const at = ref.indexOf('@');
  const repo = at >= 0 ? ref.slice(0, at) : ref.slice(0, ref.lastIndexOf(':'));
  return at >= 0 ? ref : `${repo}@sha256:${digest(ref)}`;
}

interface Container {
  readonly name: string;
  readonly image: string;
  readonly sidecar: boolean;
}

const containersOf = (spec: Obj, key: string): Container[] =>
  recs(spec[key]).map((c) => ({ name: str(c['name']), image: str(c['image']), sidecar: c['restartPolicy'] === 'Always' }));

const sortedByName = (cs: readonly Container[]): Container[] => [...cs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/** The pod conditions the kubelet owns (PodConditionsByKubelet); any other is someone else's to set. */
const KUBELET_CONDITIONS = new Set(['PodScheduled', 'Ready', 'Initialized', 'ContainersReady', 'PodReadyToStartContainers']);

/**
 * Why a pod whose containers are all ready is still not Ready: each readiness gate whose
 * condition is missing or not True, in upstream's words; empty when every gate is satisfied.
 */
export function unreadyGates(pod: KubeObject, conditions: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const gate of recs(specOf(pod)['readinessGates'])) {
    const type = str(gate['conditionType']);
    const c = findCondition(conditions, type);
    if (c === undefined) out.push(`corresponding condition of pod readiness gate "${type}" does not exist.`);
    else if (c['status'] !== 'True') out.push(`the status of pod readiness gate "${type}" is not "True", but ${str(c['status'])}`);
  }
  return out;
}

/** The Ready condition of a pod whose containers are ready: True unless a readiness gate holds it back. */
function readyCondition(pod: KubeObject, conditions: readonly Obj[]): ConditionInput {
  const unready = unreadyGates(pod, conditions);
  return unready.length === 0 ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: unready.join(', ') };
}

/** A pod's status as the kubelet would report it in `target`. */
export function podStatusFor(pod: KubeObject, target: PodTarget, place: PodPlacement): Obj {
  const spec = specOf(pod);
  const prev = statusOf(pod);
  const prevConditions = recs(prev['conditions']);
  const now = rfc(place.now);
  const startTime = str(prev['startTime']) || now;
  const hostIP = str(prev['hostIP']) || place.hostIP;
  const podIP = str(prev['podIP']) || (spec['hostNetwork'] === true ? hostIP : place.podIP);
  const uid = pod.metadata.uid ?? '';
  const prevStatus = (key: string, name: string): Obj => recs(prev[key]).find((s) => s['name'] === name) ?? {};
  const runningSince = (key: string, name: string): string => {
    const s = prevStatus(key, name);
    return str(rec(rec(s['state'])?.['running'])?.['startedAt']) || str(terminatedOf(s)?.['startedAt']) || startTime;
  };
  const terminatedOf = (s: Obj): Obj | undefined => rec(rec(s['state'])?.['terminated']) ?? rec(rec(s['lastState'])?.['terminated']);
  const finishedAt = (key: string, name: string): string => str(terminatedOf(prevStatus(key, name))?.['finishedAt']) || now;
  const containers = containersOf(spec, 'containers');
  const finished = target === 'succeeded' || target === 'failed';
  const ready = target === 'running';

  const mainStatus = (c: Container): Obj => {
    const base = { name: c.name, image: normalizeImage(c.image), imageID: imageID(c.image), containerID: `containerd://${digest(uid, c.name)}` };
    switch (target) {
      case 'running': {
        // Back from a crash loop, the container counts its restart and starts afresh.
        const was = prevStatus('containerStatuses', c.name);
        const running = rec(rec(was['state'])?.['running']);
        const restarts = num(was['restartCount']) ?? 0;
        if (running !== undefined && str(was['image']) !== '' && str(was['image']) !== base.image) {
          // Its image changed: the kubelet kills it (it exits 0 on SIGTERM) and starts a new container.
          const containerID = `containerd://${digest(uid, c.name, String(restarts + 1))}`;
          const terminated = { exitCode: 0, reason: 'Completed', startedAt: str(running['startedAt']) || startTime, finishedAt: now, containerID: str(was['containerID']) || base.containerID };
          return { ...base, containerID, ready: true, started: true, restartCount: restarts + 1, state: { running: { startedAt: now } }, lastState: { terminated } };
        }
        const startedAt = str(running?.['startedAt']) || now;
        const containerID = (running !== undefined && str(was['containerID'])) || base.containerID;
        return { ...base, containerID, ready: true, started: true, restartCount: restarts, state: { running: { startedAt } }, lastState: rec(was['lastState']) ?? {} };
      }
      case 'pulling':
        return {
          name: c.name,
          image: c.image,
          imageID: '',
          ready: false,
          started: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}"` } },
          lastState: {},
        };
      case 'crashing':
        return {
          ...base,
          ready: false,
          started: false,
          restartCount: 1,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${c.name} pod=${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${uid})` } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: runningSince('containerStatuses', c.name), finishedAt: finishedAt('containerStatuses', c.name), containerID: base.containerID } },
        };
      case 'succeeded':
      case 'failed': {
        const exitCode = target === 'succeeded' ? 0 : 1;
        const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: runningSince('containerStatuses', c.name), finishedAt: finishedAt('containerStatuses', c.name), containerID: base.containerID };
        return { ...base, ready: false, started: false, restartCount: 0, state: { terminated }, lastState: {} };
      }
    }
  };
  // Init containers have run to completion (sidecars keep running) in every state but a failed pull of the main ones.
  const initStatus = (c: Container): Obj => {
    const base = { name: c.name, image: normalizeImage(c.image), imageID: imageID(c.image), containerID: `containerd://${digest(uid, 'init', c.name)}`, restartCount: 0 };
    if (c.sidecar && !finished) return { ...base, ready: true, started: true, state: { running: { startedAt: runningSince('initContainerStatuses', c.name) } }, lastState: {} };
    const startedAt = runningSince('initContainerStatuses', c.name);
    return { ...base, ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt, finishedAt: str(rec(rec(prevStatus('initContainerStatuses', c.name)['state'])?.['terminated'])?.['finishedAt']) || startedAt, containerID: base.containerID } }, lastState: {} };
  };

  // Ephemeral containers start as soon as they are added (even while the pod's own containers
  // fail), run once and are never ready; the kubelet leaves `started` unset for them (only the
  // prober sets it, and it probes regular and init containers only). When the pod finishes, the
  // kubelet kills the ones still running (a shell as PID 1 ignores SIGTERM, so SIGKILL: 137); one
  // that never started stays unreported, as a finished pod starts nothing.
  const ephemeralStatus = (c: Container): Obj | undefined => {
    const was = prevStatus('ephemeralContainerStatuses', c.name);
    const base = { name: c.name, image: normalizeImage(c.image), imageID: imageID(c.image), containerID: str(was['containerID']) || `containerd://${digest(uid, 'ephemeral', c.name)}` };
    const stopped = rec(rec(was['state'])?.['terminated']);
    if (stopped !== undefined) return { ...base, ready: false, restartCount: 0, state: { terminated: stopped }, lastState: {} };
    const startedAt = str(rec(rec(was['state'])?.['running'])?.['startedAt']);
    if (!finished) return { ...base, ready: false, restartCount: 0, state: { running: { startedAt: startedAt || now } }, lastState: {} };
    if (startedAt === '') return undefined;
    const terminated = { exitCode: 137, reason: 'Error', startedAt, finishedAt: now, containerID: base.containerID };
    return { ...base, ready: false, restartCount: 0, state: { terminated }, lastState: {} };
  };

  // Conditions others set (readiness gates' among them) survive; the kubelet's own come after them.
  const foreign = prevConditions.filter((c) => !KUBELET_CONDITIONS.has(str(c['type'])));
  const unready = containers.map((c) => c.name).sort();
  const notReady = (why: string): Omit<ConditionInput, 'type'> =>
    why === 'PodCompleted' || why === 'PodFailed' ? { status: 'False', reason: why } : { status: 'False', reason: why, message: `containers with unready status: [${unready.join(' ')}]` };
  const endReason = target === 'succeeded' ? 'PodCompleted' : 'PodFailed';
  const conditionInputs: ConditionInput[] = [
    { type: 'PodReadyToStartContainers', status: finished ? 'False' : 'True' },
    finished ? { type: 'Initialized', status: 'True', reason: 'PodCompleted' } : { type: 'Initialized', status: 'True' },
    ready ? readyCondition(pod, foreign) : { type: 'Ready', ...notReady(finished ? endReason : 'ContainersNotReady') },
    ready ? { type: 'ContainersReady', status: 'True' } : { type: 'ContainersReady', ...notReady(finished ? endReason : 'ContainersNotReady') },
    { type: 'PodScheduled', status: 'True' },
  ];
  const initContainers = containersOf(spec, 'initContainers');
  const ephemeral = sortedByName(containersOf(spec, 'ephemeralContainers'))
    .map(ephemeralStatus)
    .filter((s): s is Obj => s !== undefined);
  const status: Obj = {
    // The kubelet reports the generation it acted on (PodObservedGenerationTracking, 1.33+).
    ...(pod.metadata.generation !== undefined && { observedGeneration: pod.metadata.generation }),
    phase: { running: 'Running', crashing: 'Running', pulling: 'Pending', succeeded: 'Succeeded', failed: 'Failed' }[target],
    conditions: [...foreign, ...conditionInputs.map((c) => probedCondition(prevConditions, c, now))],
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime,
    ...(initContainers.length > 0 && { initContainerStatuses: initContainers.map(initStatus) }),
    // The kubelet reports containers sorted by name.
    containerStatuses: sortedByName(containers).map(mainStatus),
    ...(ephemeral.length > 0 && { ephemeralContainerStatuses: ephemeral }),
  };
  if (prev['qosClass'] !== undefined) status['qosClass'] = prev['qosClass'];
  return status;
}
