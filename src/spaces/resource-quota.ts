/**
 * ResourceQuotas, as kube-apiserver's ResourceQuota admission plugin and kube-controller-manager's
 * quota controller keep them: what an object consumes, a namespace's usage, and the decision on a
 * new object (pure), plus the admission bound to a space.
 *
 * Tracked: object counts (`count/<resource>[.<group>]` and the legacy `pods`, `services`,
 * `secrets`, `configmaps`, `persistentvolumeclaims`, `replicationcontrollers`, `resourcequotas`),
 * pod compute (`requests.`/`limits.` cpu, memory and ephemeral-storage; `cpu` and `memory` are
 * requests), `services.loadbalancers`, `services.nodeports`, and claim storage (`requests.storage`,
 * per storage class too). Quotas with scopes or a scopeSelector are not enforced.
 *
 * A create is charged to every quota that tracks what it consumes, and an update what it adds
 * (a Service turned LoadBalancer, a claim grown), in the quota's status, before it is stored (a
 * dry run is only checked). Usage recorded too high (objects deleted since the
 * controller last counted) is recounted before a create is refused, so freed room is usable at
 * once.
 */
import { forbidden, isStatusError, type GroupResource, type StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { rec, recs as list } from '../registry/builtin/helpers.js';
import { quantityValue } from '../registry/builtin/pod-template.js';
import type { ResourceDefinition } from '../registry/definition.js';

type Obj = Record<string, unknown>;
export type Usage = Map<string, number>;


/** Core resources whose object count also has a legacy name (the resource itself). */
const LEGACY_COUNTS = new Set(['pods', 'services', 'secrets', 'configmaps', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];
const STORAGE_CLASS = '.storageclass.storage.k8s.io/';

export const countName = (def: Pick<ResourceDefinition, 'group' | 'plural'>): string =>
  def.group === '' ? `count/${def.plural}` : `count/${def.plural}.${def.group}`;

function add(usage: Usage, key: string, value: number): void {
  if (value !== 0 && Number.isFinite(value)) usage.set(key, (usage.get(key) ?? 0) + value);
}

/** A pod's requests or limits of one resource: containers summed, an init container counting when larger. */
function podTotal(spec: Obj, key: 'requests' | 'limits', resource: string): number {
  const of = (c: Obj): number => {
    const q = rec(rec(c['resources'])?.[key])?.[resource];
    return q === undefined ? 0 : quantityValue(q);
  };
  let sum = 0;
  for (const c of list(spec['containers'])) sum += of(c);
  for (const c of list(spec['initContainers'])) sum = Math.max(sum, of(c));
  return sum;
}

/** What one object consumes of every quota resource. */
export function usageOf(def: Pick<ResourceDefinition, 'group' | 'plural'>, obj: KubeObject): Usage {
  const usage: Usage = new Map();
  const spec = rec(obj['spec']) ?? {};
  if (def.group === '' && def.plural === 'pods') {
    const phase = rec(obj['status'])?.['phase'];
    // Finished pods hold nothing (upstream counts only pods that can still run).
    if (phase === 'Succeeded' || phase === 'Failed') return usage;
    for (const r of COMPUTE) {
      const requests = podTotal(spec, 'requests', r);
      add(usage, `requests.${r}`, requests);
      if (r !== 'ephemeral-storage') add(usage, r, requests);
      add(usage, `limits.${r}`, podTotal(spec, 'limits', r));
    }
  }
  if (def.group === '' && def.plural === 'services') {
    const type = spec['type'];
    if (type === 'LoadBalancer') add(usage, 'services.loadbalancers', 1);
    if (type === 'NodePort' || type === 'LoadBalancer') add(usage, 'services.nodeports', list(spec['ports']).length);
  }
  if (def.group === '' && def.plural === 'persistentvolumeclaims') {
    const storage = rec(rec(spec['resources'])?.['requests'])?.['storage'];
    const bytes = storage === undefined ? 0 : quantityValue(storage);
    add(usage, 'requests.storage', bytes);
    const cls = spec['storageClassName'];
    if (typeof cls === 'string' && cls !== '') {
      add(usage, `${cls}${STORAGE_CLASS}requests.storage`, bytes);
      add(usage, `${cls}${STORAGE_CLASS}persistentvolumeclaims`, 1);
    }
  }
  add(usage, countName(def), 1);
  if (def.group === '' && LEGACY_COUNTS.has(def.plural)) add(usage, def.plural, 1);
  return usage;
}

/** The quota resources one kind's objects can consume. */
export function tracksKind(def: Pick<ResourceDefinition, 'group' | 'plural'>, resource: string): boolean {
  if (resource === countName(def)) return true;
  if (def.group !== '') return false;
  if (resource === def.plural && LEGACY_COUNTS.has(def.plural)) return true;
  switch (def.plural) {
    case 'pods':
      return COMPUTE.some((r) => resource === `requests.${r}` || resource === `limits.${r}` || (r !== 'ephemeral-storage' && resource === r));
    case 'services':
      return resource === 'services.loadbalancers' || resource === 'services.nodeports';
    case 'persistentvolumeclaims':
      return resource === 'requests.storage' || resource.includes(STORAGE_CLASS);
    default:
      return false;
  }
}

/** Whether admission enforces the quota: scoped quotas are not (their scopes are not evaluated here). */
export function enforced(quota: KubeObject): boolean {
  const spec = rec(quota['spec']) ?? {};
  const scopes = spec['scopes'];
  return !(Array.isArray(scopes) && scopes.length > 0) && rec(spec['scopeSelector']) === undefined;
}

/** A quantity as kube prints it: counts as integers, binary sizes in the largest exact unit, fractions in millis. */
export function formatQuantity(value: number, like = ''): string {
  if (/[KMGTPE]i$/.test(like) && Number.isInteger(value) && value !== 0) {
    for (const [unit, size] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
      if (value % size === 0) return `${value / size}${unit}`;
    }
  }
  if (Number.isInteger(value)) return String(value);
  const millis = Math.round(value * 1000);
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

const pretty = (entries: [string, string][]): string =>
  entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export type ChargeDecision = { readonly allowed: true; readonly used: Record<string, string> } | { readonly allowed: false; readonly message: string };

/**
 * Charging `delta` to a quota (pure): the new status.used, or why not. Only the resources the
 * quota's status.hard names count; a quota without a status yet cannot be judged.
 */
export function charge(quota: KubeObject, delta: Usage): ChargeDecision {
  const name = quota.metadata.name ?? '';
  const status = rec(quota['status']) ?? {};
  const hard = rec(status['hard']);
  const tracked = [...delta.keys()].filter((k) => rec(rec(quota['spec'])?.['hard'])?.[k] !== undefined);
  if (hard === undefined) return { allowed: false, message: `status unknown for quota: ${name}, resources: ${tracked.sort().join(',')}` };
  const usedNow = rec(status['used']) ?? {};
  const used: Record<string, string> = Object.fromEntries(Object.entries(usedNow).map(([k, v]) => [k, String(v)]));
  const failed: [string, number, number, string][] = [];
  for (const [key, amount] of delta) {
    const limit = hard[key];
    if (limit === undefined) continue;
    const before = used[key] === undefined ? 0 : quantityValue(used[key]);
    const after = before + amount;
    if (after > quantityValue(limit)) failed.push([key, amount, before, String(limit)]);
    used[key] = formatQuantity(after, String(limit));
  }
  if (failed.length > 0) {
    return {
      allowed: false,
      message:
        `exceeded quota: ${name}, requested: ${pretty(failed.map(([k, a, , l]) => [k, formatQuantity(a, l)]))}, ` +
        `used: ${pretty(failed.map(([k, , b, l]) => [k, formatQuantity(b, l)]))}, limited: ${pretty(failed.map(([k, , , l]) => [k, l]))}`,
    };
  }
  return { allowed: true, used };
}

/** Pod compute a quota tracks but a container does not state: `must specify <resource> for: <containers>; ...`. */
export function missingCompute(quota: KubeObject, pod: KubeObject): string | undefined {
  const hard = rec(rec(quota['spec'])?.['hard']) ?? {};
  const spec = rec(pod['spec']) ?? {};
  const missing: string[] = [];
  for (const r of COMPUTE) {
    for (const [key, kind] of [[`requests.${r}`, 'requests'], [`limits.${r}`, 'limits'], [r, 'requests']] as const) {
      if (hard[key] === undefined || (key === r && r === 'ephemeral-storage')) continue;
      const lacking = list(spec['containers'])
        .filter((c) => rec(rec(c['resources'])?.[kind])?.[r] === undefined)
        .map((c) => String(c['name'] ?? ''));
      if (lacking.length > 0) missing.push(`${key} for: ${lacking.join(',')}`);
    }
  }
  return missing.length === 0 ? undefined : `must specify ${[...new Set(missing)].sort().join('; ')}`;
}

/** Counts what a namespace's objects consume of `resources` (the quota controller's recount). */
export async function recount(
  defs: readonly ResourceDefinition[],
  listObjects: (def: ResourceDefinition, namespace: string) => Promise<KubeObject[]>,
  namespace: string,
  hard: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const resources = Object.keys(hard);
  const totals = new Map<string, number>(resources.map((r) => [r, 0]));
  for (const def of defs) {
    if (!def.namespaced || !resources.some((r) => tracksKind(def, r))) continue;
    for (const obj of await listObjects(def, namespace)) {
      for (const [k, v] of usageOf(def, obj)) if (totals.has(k)) totals.set(k, totals.get(k)! + v);
    }
  }
  return Object.fromEntries([...totals].map(([k, v]) => [k, formatQuantity(v, hard[k])]));
}

/** What admission needs of a space. */
export interface QuotaDeps {
  readonly quotasIn: (namespace: string) => Promise<KubeObject[]>;
  /** Read-modify-write of a quota's status, retried on conflicts; the mutation may throw to refuse. */
  readonly updateStatus: (namespace: string, name: string, mutate: (quota: KubeObject) => Promise<KubeObject>) => Promise<void>;
  /** Recounts a namespace's usage of some resources, formatted like status.hard. */
  readonly recount: (namespace: string, hard: Record<string, string>) => Promise<Record<string, string>>;
}

const refuse = (gr: GroupResource, obj: KubeObject, message: string): StatusError => forbidden(gr, obj.metadata.name ?? obj.metadata.generateName ?? '', message);

/** What an update adds (pure): the increases only, as upstream charges them; decreases are the controller's to count. */
export function growth(def: Pick<ResourceDefinition, 'group' | 'plural'>, obj: KubeObject, old: KubeObject): Usage {
  const before = usageOf(def, old);
  const out: Usage = new Map();
  for (const [k, v] of usageOf(def, obj)) if (v - (before.get(k) ?? 0) > 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

/**
 * The plugin for one kind: checks and charges every enforced quota a new object counts against,
 * or, for an update (`old`), what the update adds.
 */
export function resourceQuotaAdmission(def: ResourceDefinition, deps: QuotaDeps) {
  const gr = { group: def.group, resource: def.plural };
  return async (obj: KubeObject, dryRun: boolean, old?: KubeObject): Promise<void> => {
    const namespace = obj.metadata.namespace ?? '';
    const quotas = (await deps.quotasIn(namespace)).filter(enforced);
    if (quotas.length === 0) return;
    const delta = old === undefined ? usageOf(def, obj) : growth(def, obj, old);
    if (delta.size === 0) return;
    // Containers cannot be added to a pod later: what they must state is checked on create only.
    const isPod = def.group === '' && def.plural === 'pods' && old === undefined;
    for (const quota of quotas) {
      const missing = isPod ? missingCompute(quota, obj) : undefined;
      if (missing !== undefined) throw refuse(gr, obj, `failed quota: ${quota.metadata.name ?? ''}: ${missing}`);
      const hard = rec(rec(quota['spec'])?.['hard']) ?? {};
      if (![...delta.keys()].some((k) => hard[k] !== undefined)) continue;
      const judge = async (current: KubeObject): Promise<KubeObject> => {
        let decision = charge(current, delta);
        if (!decision.allowed && rec(current['status'])?.['hard'] !== undefined) {
          // Recorded usage may be stale high (deletions since the last count): count again.
          const status = rec(current['status'])!;
          const recounted = await deps.recount(namespace, Object.fromEntries(Object.entries(rec(status['hard'])!).map(([k, v]) => [k, String(v)])));
          decision = charge({ ...current, status: { ...status, used: recounted } }, delta);
        }
        if (!decision.allowed) throw refuse(gr, obj, decision.message);
        return { ...current, status: { ...rec(current['status']), used: decision.used } };
      };
      if (dryRun) await judge(quota);
      else {
        try {
          await deps.updateStatus(namespace, quota.metadata.name ?? '', judge);
        } catch (err) {
          // Deleted meanwhile: it limits nothing any more.
          if (!isStatusError(err, 'NotFound')) throw err;
        }
      }
    }
  };
}
