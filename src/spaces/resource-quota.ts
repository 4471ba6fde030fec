/**
 * ResourceQuotas, as kube-apiserver's ResourceQuota admission plugin and kube-controller-manager's
 * quota controller keep them: what an object consumes, a namespace's usage, and the decision on a
 * new object (pure), plus the admission bound to a space.
 *
 * Tracked: object counts (`count/<resource>[.<group>]` and the legacy `pods`, `services`,
 * `secrets`, `configmaps`, `persistentvolumeclaims`, `replicationcontrollers`, `resourcequotas`),
 * pod compute (`requests.`/`limits.` cpu, memory and ephemeral-storage; `cpu` and `memory` are
 * requests), `services.loadbalancers`, `services.nodeports`, and claim storage (`requests.storage`,
 * per storage class too). A scoped quota (scopes, scopeSelector) covers the pods its scopes match
(quota-scopes.ts), and is charged and counted for those only. Amounts keep the format of the
quantities they add up (a sum of `512Mi` requests is `1Gi`, whatever format `hard` has).
 *
 * A create is charged to every quota that tracks what it consumes, and an update what it adds
 * (a Service turned LoadBalancer, a claim grown), in the quota's status, before it is stored (a
 * dry run is only checked). Usage recorded too high (objects deleted since the
 * controller last counted) is recounted before a create is refused, so freed room is usable at
 * once.
 */
import { forbidden, isStatusError, type GroupResource, type StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { formatQuantity, quantityFormat, type QuantityFormat } from '../api/quantity.js';
import { rec, recs as list } from '../registry/builtin/helpers.js';
import { quantityValue } from '../registry/builtin/pod-template.js';
import type { ResourceDefinition } from '../registry/definition.js';
import { quotaCovers } from './quota-scopes.js';

type Obj = Record<string, unknown>;

/** Amounts by quota resource, with the format each sum keeps (Quantity.Add: the first non-zero addend's). */
export class Usage extends Map<string, number> {
  readonly formats = new Map<string, QuantityFormat>();

  add(key: string, value: number, format: QuantityFormat = 'DecimalSI'): void {
    if (value === 0 || !Number.isFinite(value)) return;
    const before = this.get(key) ?? 0;
    if (before === 0) this.formats.set(key, format);
    this.set(key, before + value);
  }

  formatted(key: string): string {
    return formatQuantity(this.get(key) ?? 0, this.formats.get(key));
  }
}

/** Core resources whose object count also has a legacy name (the resource itself). */
const LEGACY_COUNTS = new Set(['pods', 'services', 'secrets', 'configmaps', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);
const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];
const STORAGE_CLASS = '.storageclass.storage.k8s.io/';

export const countName = (def: Pick<ResourceDefinition, 'group' | 'plural'>): string =>
  def.group === '' ? `count/${def.plural}` : `count/${def.plural}.${def.group}`;

/** A pod's requests or limits of one resource: containers summed, an init container counting when larger. */
function podTotal(spec: Obj, key: 'requests' | 'limits', resource: string): { value: number; format: QuantityFormat } {
  let format: QuantityFormat | undefined;
  const of = (c: Obj): number => {
    const q = rec(rec(c['resources'])?.[key])?.[resource];
    if (q === undefined) return 0;
    const value = quantityValue(q);
    if (format === undefined && value !== 0) format = quantityFormat(q);
    return value;
  };
  let sum = 0;
  for (const c of list(spec['containers'])) sum += of(c);
  for (const c of list(spec['initContainers'])) sum = Math.max(sum, of(c));
  return { value: sum, format: format ?? 'DecimalSI' };
}

/** What one object consumes of every quota resource. */
export function usageOf(def: Pick<ResourceDefinition, 'group' | 'plural'>, obj: KubeObject): Usage {
  const usage = new Usage();
  const spec = rec(obj['spec']) ?? {};
  if (def.group === '' && def.plural === 'pods') {
    const phase = rec(obj['status'])?.['phase'];
    // Finished pods hold nothing (upstream counts only pods that can still run).
    if (phase === 'Succeeded' || phase === 'Failed') return usage;
    for (const r of COMPUTE) {
      const requests = podTotal(spec, 'requests', r);
      usage.add(`requests.${r}`, requests.value, requests.format);
      if (r !== 'ephemeral-storage') usage.add(r, requests.value, requests.format);
      const limits = podTotal(spec, 'limits', r);
      usage.add(`limits.${r}`, limits.value, limits.format);
    }
  }
  if (def.group === '' && def.plural === 'services') {
    const type = spec['type'];
    if (type === 'LoadBalancer') usage.add('services.loadbalancers', 1);
    if (type === 'NodePort' || type === 'LoadBalancer') usage.add('services.nodeports', list(spec['ports']).length);
  }
  if (def.group === '' && def.plural === 'persistentvolumeclaims') {
    const storage = rec(rec(spec['resources'])?.['requests'])?.['storage'];
    const bytes = storage === undefined ? 0 : quantityValue(storage);
    const format = quantityFormat(storage);
    usage.add('requests.storage', bytes, format);
    const cls = spec['storageClassName'];
    if (typeof cls === 'string' && cls !== '') {
      usage.add(`${cls}${STORAGE_CLASS}requests.storage`, bytes, format);
      usage.add(`${cls}${STORAGE_CLASS}persistentvolumeclaims`, 1);
    }
  }
  usage.add(countName(def), 1);
  if (def.group === '' && LEGACY_COUNTS.has(def.plural)) usage.add(def.plural, 1);
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
  const failed: [string, string, string, string][] = [];
  for (const [key, amount] of delta) {
    const limit = hard[key];
    if (limit === undefined) continue;
    const before = used[key] === undefined ? 0 : quantityValue(used[key]);
    // Quantity.Add: the sum keeps the recorded amount's format, or the addend's when it adds to zero.
    const format = before === 0 ? (delta.formats.get(key) ?? 'DecimalSI') : quantityFormat(used[key]);
    const after = before + amount;
    if (after > quantityValue(limit)) failed.push([key, delta.formatted(key), used[key] ?? '0', String(limit)]);
    used[key] = formatQuantity(after, format);
  }
  if (failed.length > 0) {
    return {
      allowed: false,
      message:
        `exceeded quota: ${name}, requested: ${pretty(failed.map(([k, a]) => [k, a]))}, ` +
        `used: ${pretty(failed.map(([k, , b]) => [k, b]))}, limited: ${pretty(failed.map(([k, , , l]) => [k, l]))}`,
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

/**
 * Counts what a namespace's objects consume of the resources `hard` names (the quota controller's
 * recount), only the objects a scoped quota covers (`quotaSpec` holds its scopes).
 */
export async function recount(
  defs: readonly ResourceDefinition[],
  listObjects: (def: ResourceDefinition, namespace: string) => Promise<KubeObject[]>,
  namespace: string,
  hard: Readonly<Record<string, string>>,
  quotaSpec: Obj = {},
): Promise<Record<string, string>> {
  const resources = Object.keys(hard);
  const totals = new Usage();
  for (const def of defs) {
    if (!def.namespaced || !resources.some((r) => tracksKind(def, r))) continue;
    for (const obj of await listObjects(def, namespace)) {
      if (!quotaCovers(quotaSpec, def, obj)) continue;
      const usage = usageOf(def, obj);
      for (const [k, v] of usage) if (k in hard) totals.add(k, v, usage.formats.get(k));
    }
  }
  return Object.fromEntries(resources.map((k) => [k, totals.formatted(k)]));
}

/** What admission needs of a space. */
export interface QuotaDeps {
  readonly quotasIn: (namespace: string) => Promise<KubeObject[]>;
  /** Read-modify-write of a quota's status, retried on conflicts; the mutation may throw to refuse. */
  readonly updateStatus: (namespace: string, name: string, mutate: (quota: KubeObject) => Promise<KubeObject>) => Promise<void>;
  /** Recounts a namespace's usage of some resources by the objects a quota (its spec, for scopes) covers. */
  readonly recount: (namespace: string, hard: Record<string, string>, quotaSpec: Obj) => Promise<Record<string, string>>;
}

const refuse = (gr: GroupResource, obj: KubeObject, message: string): StatusError => forbidden(gr, obj.metadata.name ?? obj.metadata.generateName ?? '', message);

/** What an update adds (pure): the increases only, as upstream charges them; decreases are the controller's to count. */
export function growth(def: Pick<ResourceDefinition, 'group' | 'plural'>, obj: KubeObject, old: KubeObject): Usage {
  const before = usageOf(def, old);
  const after = usageOf(def, obj);
  const out = new Usage();
  for (const [k, v] of after) out.add(k, Math.max(0, v - (before.get(k) ?? 0)), after.formats.get(k));
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
    const quotas = (await deps.quotasIn(namespace)).filter((q) => quotaCovers(rec(q['spec']) ?? {}, def, obj));
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
          const hard = Object.fromEntries(Object.entries(rec(status['hard'])!).map(([k, v]) => [k, String(v)]));
          const recounted = await deps.recount(namespace, hard, rec(current['spec']) ?? {});
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
