/**
 * Where a pod may run, as kube-scheduler's default filter plugins decide it (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit, in that order; the first that rejects a node
 * names the reasons), the FitError message it reports when no node passes, and what the node
 * lifecycle and taint-eviction controllers make of taints: cordoned nodes get the unschedulable
 * taint, and pods that do not tolerate a NoExecute taint are evicted (after tolerationSeconds).
 */
import type { KubeObject } from '../../api/object.js';
import { num, rec, recs, specOf, statusOf, str, type Obj } from '../../registry/builtin/helpers.js';
import { quantityValue } from '../../registry/builtin/pod-template.js';
import { probedCondition } from './conditions.js';
import { isTerminal } from './pods.js';

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
  readonly timeAdded?: string;
}

export const taintsOf = (node: KubeObject): Obj[] => recs(specOf(node)['taints']);
export const tolerationsOf = (pod: KubeObject): Obj[] => recs(specOf(pod)['tolerations']);

/** Toleration.ToleratesTaint: effect (empty means any), key (empty means any), then Exists or Equal (the default) on the value. */
export function toleratesTaint(toleration: Obj, taint: Obj): boolean {
  const effect = str(toleration['effect']);
  if (effect !== '' && effect !== str(taint['effect'])) return false;
  const key = str(toleration['key']);
  if (key !== '' && key !== str(taint['key'])) return false;
  switch (str(toleration['operator'])) {
    case '':
    case 'Equal':
      return str(toleration['value']) === str(taint['value']);
    case 'Exists':
      return true;
    default:
      return false;
  }
}

export const tolerated = (tolerations: readonly Obj[], taint: Obj): boolean => tolerations.some((t) => toleratesTaint(t, taint));

/** FindMatchingUntoleratedTaint: the first taint of `effects` no toleration covers. */
export function untoleratedTaint(taints: readonly Obj[], tolerations: readonly Obj[], effects: readonly string[]): Obj | undefined {
  return taints.find((t) => effects.includes(str(t['effect'])) && !tolerated(tolerations, t));
}

const labelInt = (v: string): number | undefined => (/^-?\d+$/.test(v) ? Number(v) : undefined);

/** One node selector requirement against labels (or, for matchFields, fields). */
export function matchesRequirement(req: Obj, labels: Readonly<Record<string, string>>): boolean {
  const key = str(req['key']);
  const values = (Array.isArray(req['values']) ? req['values'] : []).map((v) => str(v));
  const has = Object.prototype.hasOwnProperty.call(labels, key);
  const value = has ? labels[key]! : '';
  switch (str(req['operator'])) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const l = labelInt(value);
      const r = labelInt(values[0]!);
      if (l === undefined || r === undefined) return false;
      return str(req['operator']) === 'Gt' ? l > r : l < r;
    }
    default:
      return false;
  }
}

/** A NodeSelectorTerm: its expressions and fields all hold; a term with neither matches no node. */
export function matchesTerm(term: Obj, node: KubeObject): boolean {
  const expressions = recs(term['matchExpressions']);
  const fields = recs(term['matchFields']);
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  const nodeFields = { 'metadata.name': node.metadata.name ?? '' };
  return expressions.every((e) => matchesRequirement(e, labels)) && fields.every((f) => str(f['key']) === 'metadata.name' && matchesRequirement(f, nodeFields));
}

/** The NodeAffinity filter: spec.nodeSelector and the required node affinity (terms ORed) both match. */
export function matchesNodeAffinity(pod: KubeObject, node: KubeObject): boolean {
  const spec = specOf(pod);
  const labels = node.metadata.labels ?? {};
  const selector = rec(spec['nodeSelector']) ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== str(v))) return false;
  const required = rec(rec(rec(spec['affinity'])?.['nodeAffinity'])?.['requiredDuringSchedulingIgnoredDuringExecution']);
  if (required === undefined) return true;
  return recs(required['nodeSelectorTerms']).some((t) => matchesTerm(t, node));
}

/** Resource amounts: cpu in millicores, the rest in units (bytes, counts). */
export type Resources = Map<string, number>;

const amount = (resource: string, q: unknown): number => {
  const v = quantityValue(q);
  if (!Number.isFinite(v)) return 0;
  return resource === 'cpu' ? Math.ceil(v * 1000) : Math.ceil(v);
};

function containerRequests(c: Obj): Resources {
  const resources = rec(c['resources']) ?? {};
  const requests = rec(resources['requests']) ?? {};
  const limits = rec(resources['limits']) ?? {};
  const out: Resources = new Map();
  // Requests default to limits (the API server has done so already for stored pods).
  for (const [r, q] of Object.entries({ ...limits, ...requests })) out.set(r, amount(r, q));
  return out;
}

const addTo = (into: Resources, from: Resources): void => {
  for (const [r, v] of from) into.set(r, (into.get(r) ?? 0) + v);
};

/**
 * PodRequests: the containers summed, sidecars (restartable init containers) added to them, and
 * each other init container counting when it (with the sidecars started before it) needs more;
 * plus the pod overhead.
 */
export function podRequests(pod: KubeObject): Resources {
  const spec = specOf(pod);
  const total: Resources = new Map();
  for (const c of recs(spec['containers'])) addTo(total, containerRequests(c));
  const sidecars: Resources = new Map();
  const initMax: Resources = new Map();
  for (const c of recs(spec['initContainers'])) {
    const req = containerRequests(c);
    if (c['restartPolicy'] === 'Always') {
      addTo(sidecars, req);
      continue;
    }
    for (const [r, v] of req) initMax.set(r, Math.max(initMax.get(r) ?? 0, v + (sidecars.get(r) ?? 0)));
  }
  addTo(total, sidecars);
  for (const [r, v] of initMax) total.set(r, Math.max(total.get(r) ?? 0, v));
  for (const [r, q] of Object.entries(rec(spec['overhead']) ?? {})) total.set(r, (total.get(r) ?? 0) + amount(r, q));
  return total;
}

/** What a node offers: its status.allocatable (capacity when it reports none). */
export function allocatable(node: KubeObject): Resources {
  const status = statusOf(node);
  const alloc = rec(status['allocatable']) ?? rec(status['capacity']) ?? {};
  const out: Resources = new Map();
  for (const [r, q] of Object.entries(alloc)) out.set(r, amount(r, q));
  return out;
}

/** Filter reasons for one node; `resolvable` when preemption could help (NodeResourcesFit's). */
export interface NodeVerdict {
  readonly reasons: readonly string[];
  readonly resolvable: boolean;
}

const FITS: NodeVerdict = { reasons: [], resolvable: false };

/** The pods that hold a node's resources: bound to it and not finished. */
export const podsOn = (pods: readonly KubeObject[], node: string): KubeObject[] =>
  pods.filter((p) => str(specOf(p)['nodeName']) === node && !isTerminal(p));

/** NodeResourcesFit: "Too many pods", then cpu, memory, ephemeral-storage, then any other requested resource. */
export function resourceReasons(pod: KubeObject, node: KubeObject, others: readonly KubeObject[]): string[] {
  const alloc = allocatable(node);
  const used: Resources = new Map();
  for (const p of others) addTo(used, podRequests(p));
  const want = podRequests(pod);
  const reasons: string[] = [];
  if (others.length + 1 > (alloc.get('pods') ?? 0)) reasons.push('Too many pods');
  const free = (r: string): number => (alloc.get(r) ?? 0) - (used.get(r) ?? 0);
  const order = ['cpu', 'memory', 'ephemeral-storage', ...[...want.keys()].filter((r) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(r)).sort()];
  for (const r of order) {
    const v = want.get(r) ?? 0;
    if (v > 0 && v > free(r)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}

/** The default profile's filters, in order, against one node; the first to reject decides. */
export function filterNode(pod: KubeObject, node: KubeObject, podsOnNode: readonly KubeObject[]): NodeVerdict {
  const tolerations = tolerationsOf(pod);
  if (specOf(node)['unschedulable'] === true && !tolerated(tolerations, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' })) {
    return { reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  const taint = untoleratedTaint(taintsOf(node), tolerations, ['NoSchedule', 'NoExecute']);
  if (taint !== undefined) return { reasons: [`node(s) had untolerated taint {${str(taint['key'])}: ${str(taint['value'])}}`], resolvable: false };
  if (!matchesNodeAffinity(pod, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const short = resourceReasons(pod, node, podsOnNode);
  return short.length > 0 ? { reasons: short, resolvable: true } : FITS;
}

const histogram = (reasons: readonly string[]): string => {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
};

const priorityOf = (pod: KubeObject): number => num(specOf(pod)['priority']) ?? 0;

/**
 * FitError.Error(), with DefaultPreemption's PostFilter message: nodes rejected for good are ones
 * where "Preemption is not helpful for scheduling"; nodes short of resources without a
 * lower-priority pod to evict have "No preemption victims found for incoming pod". Each message
 * part ends with a period, the preemption one included, whose own message ends with one already
 * (hence the two at the end, as kube-scheduler writes them).
 */
export function fitErrorMessage(pod: KubeObject, verdicts: readonly { readonly verdict: NodeVerdict; readonly pods: readonly KubeObject[] }[]): string {
  const n = verdicts.length;
  const filter = histogram(verdicts.flatMap((v) => v.verdict.reasons));
  const priority = priorityOf(pod);
  const preemption = histogram(
    verdicts.map(({ verdict, pods }) => {
      if (!verdict.resolvable) return 'Preemption is not helpful for scheduling';
      if (pods.some((p) => priorityOf(p) < priority)) return verdict.reasons.join(', ');
      return 'No preemption victims found for incoming pod';
    }),
  );
  if (str(specOf(pod)['preemptionPolicy']) === 'Never') return `0/${n} nodes are available: ${filter}. preemption: not eligible due to preemptionPolicy=Never.`;
  return `0/${n} nodes are available: ${filter}. preemption: 0/${n} nodes are available: ${preemption}..`;
}

export type Placement = { readonly node: string } | { readonly message: string } | { readonly waiting: true };

/**
 * One scheduling attempt: the first node passing every filter (`preferred`, the simulated kubelet's
 * node, first), or why none does. No nodes at all: wait for one to register.
 */
export function placePod(pod: KubeObject, nodes: readonly KubeObject[], pods: readonly KubeObject[], preferred: string): Placement {
  if (nodes.length === 0) return { waiting: true };
  const ordered = [...nodes].sort((a, b) => Number(b.metadata.name === preferred) - Number(a.metadata.name === preferred));
  const verdicts = ordered.map((node) => {
    const on = podsOn(pods, node.metadata.name ?? '').filter((p) => p.metadata.uid !== pod.metadata.uid);
    return { node, pods: on, verdict: filterNode(pod, node, on) };
  });
  const fit = verdicts.find((v) => v.verdict.reasons.length === 0);
  if (fit !== undefined) return { node: fit.node.metadata.name ?? '' };
  return { message: fitErrorMessage(pod, verdicts) };
}

/** What the scheduler reports on a pod it could not place: Pending, PodScheduled False, reason Unschedulable. */
export function unschedulableStatus(pod: KubeObject, message: string, now: Date): Obj {
  const prev = statusOf(pod);
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const scheduled = probedCondition(recs(prev['conditions']), { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }, at);
  const others = recs(prev['conditions']).filter((c) => c['type'] !== 'PodScheduled');
  return { ...prev, phase: 'Pending', conditions: [...others, scheduled] };
}

/** The message a pod's PodScheduled condition holds now, when it says Unschedulable. */
export function unschedulableMessage(pod: KubeObject): string | undefined {
  const c = recs(statusOf(pod)['conditions']).find((x) => x['type'] === 'PodScheduled');
  return c?.['status'] === 'False' && c['reason'] === 'Unschedulable' ? str(c['message']) : undefined;
}

/**
 * The node lifecycle controller's (TaintNodesByCondition) taints for a node: the unschedulable
 * taint while it is cordoned (added with timeAdded, as SwapNodeControllerTaint stamps it), none
 * once it is not. Undefined when the taints are right already.
 */
export function lifecycleTaints(node: KubeObject, now: Date): Obj[] | undefined {
  const taints = taintsOf(node);
  const cordoned = specOf(node)['unschedulable'] === true;
  const isOurs = (t: Obj): boolean => str(t['key']) === UNSCHEDULABLE_TAINT && str(t['effect']) === 'NoSchedule';
  const has = taints.some(isOurs);
  if (cordoned === has) return undefined;
  if (!cordoned) return taints.filter((t) => !isOurs(t));
  return [...taints, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: now.toISOString().replace(/\.\d{3}Z$/, 'Z') }];
}

export type Eviction = { readonly evict: 'now' } | { readonly evict: 'after'; readonly seconds: number } | undefined;

/**
 * The taint-eviction controller's verdict on a pod bound to `node`: evict now when a NoExecute
 * taint is not tolerated; after the smallest tolerationSeconds among the tolerations used when
 * each is tolerated but some only for a while; never (undefined) otherwise.
 */
export function evictionFor(pod: KubeObject, node: KubeObject): Eviction {
  const taints = taintsOf(node).filter((t) => str(t['effect']) === 'NoExecute');
  if (taints.length === 0) return undefined;
  const tolerations = tolerationsOf(pod);
  let min: number | undefined;
  for (const taint of taints) {
    const used = tolerations.filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return { evict: 'now' };
    for (const t of used) {
      const s = num(t['tolerationSeconds']);
      if (s === undefined) continue;
      const secs = Math.max(0, s);
      min = min === undefined ? secs : Math.min(min, secs);
    }
  }
  if (min === undefined) return undefined;
  return min <= 0 ? { evict: 'now' } : { evict: 'after', seconds: min };
}

/** The condition the taint-eviction controller sets on a pod before deleting it. */
export function disruptedStatus(pod: KubeObject, now: Date): Obj {
  const prev = statusOf(pod);
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const c = probedCondition(recs(prev['conditions']), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }, at);
  const others = recs(prev['conditions']).filter((x) => x['type'] !== 'DisruptionTarget');
  return { ...prev, conditions: [...others, c] };
}

/** The taint-eviction controller's event (on a reference with no uid, as it records it). */
export const evictionEvent = (pod: KubeObject): { type: 'Normal'; reason: string; message: string } => ({
  type: 'Normal',
  reason: 'TaintManagerEviction',
  message: `Marking for deletion Pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`,
});

/** The DaemonSet controller's tolerations on its pods (AddOrUpdateDaemonPodTolerations). */
export function daemonTolerations(podSpec: Obj): Obj[] {
  const extra = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: UNSCHEDULABLE_TAINT, operator: 'Exists', effect: 'NoSchedule' },
    ...(podSpec['hostNetwork'] === true ? [{ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' }] : []),
  ];
  const out = recs(podSpec['tolerations']).map((t) => ({ ...t }));
  for (const t of extra) {
    const i = out.findIndex((o) => str(o['key']) === t.key && str(o['effect']) === t.effect);
    if (i >= 0) out[i] = t;
    else out.push(t);
  }
  return out;
}

/** The daemon pod's required node affinity, pinned to its node by name (ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function daemonAffinity(podSpec: Obj, nodeName: string): Obj {
  const affinity = rec(podSpec['affinity']) ?? {};
  const nodeAffinity = rec(affinity['nodeAffinity']) ?? {};
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  return { ...affinity, nodeAffinity: { ...nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } };
}

/**
 * NodeShouldRunDaemonPod, for creating one: the template's node selector and affinity match, and
 * no NoSchedule or NoExecute taint goes untolerated (with the daemon tolerations added).
 */
export function daemonFits(templateSpec: Obj, node: KubeObject): boolean {
  const probe: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { ...templateSpec, tolerations: daemonTolerations(templateSpec) } };
  return matchesNodeAffinity(probe, node) && untoleratedTaint(taintsOf(node), tolerationsOf(probe), ['NoSchedule', 'NoExecute']) === undefined;
}
