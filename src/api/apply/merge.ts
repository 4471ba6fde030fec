/**
 * The structured merge of an applied configuration into the live object (spec §3.5 step 3, §3.6):
 * the configuration's values win wherever it speaks, atomic nodes are replaced whole, granular
 * ones merged member by member, keyed lists and sets matched by identity. Ownership-driven removal
 * (pruning) is a separate step (`prune`), so this function never deletes what the config omits.
 */
import { difference, intersection, union, type FieldSet } from './fieldset.js';
import { DEDUCED, childSchema, isAtomic, type ApplySchema, type ListSchema } from './schema.js';
import { elementId, expandStructPrefixes, fieldsOf, isObject, kids, removePaths } from './typed.js';

/** Merges `config` into `live` (either may be undefined = absent). Nulls are kept for the caller. */
export function mergeValues(live: unknown, config: unknown, schema: ApplySchema): unknown {
  if (config === undefined) return live;
  if (config === null) {
    // A null on a granular node with content leaves the content; elsewhere it sets null.
    const content = isAtomic(schema) ? undefined : kids(live, schema, [], false);
    return content !== undefined && content.length > 0 ? live : null;
  }
  if (isAtomic(schema)) return config;
  if (schema.kind === 'list') {
    return Array.isArray(config) ? mergeList(Array.isArray(live) ? live : [], config, schema) : config;
  }
  if (!isObject(config)) return config;
  const out: Record<string, unknown> = isObject(live) ? { ...live } : {};
  for (const [name, v] of Object.entries(config)) {
    const s = childSchema(schema, name);
    out[name] = s === undefined ? v : mergeValues(out[name], v, s);
  }
  return out;
}

/**
 * Keyed lists and sets: configuration elements come out in configuration order, live-only
 * elements stay where they were relative to their live neighbours, new ones go last (§3.6).
 */
export function mergeList(live: readonly unknown[], config: readonly unknown[], schema: ListSchema): unknown[] {
  const items = schema.items();
  const liveIds = live.map((e, i) => elementId(e, schema) ?? `#${i}`);
  const cfgIds = config.map((e, i) => elementId(e, schema) ?? `#c${i}`);
  const copies = new Map<string, number>();
  for (const id of liveIds) copies.set(id, (copies.get(id) ?? 0) + 1);
  /** A duplicated live key collapses into the applied element, which then stands alone. */
  const twin = (id: string): unknown => {
    if (copies.get(id) !== 1) return undefined;
    return live[liveIds.indexOf(id)];
  };
  const inC = new Set(cfgIds);
  const inL = new Set(liveIds);
  const shared = cfgIds.filter((id) => inL.has(id));
  const merge = (j: number): unknown => mergeValues(twin(cfgIds[j]!), config[j], items);
  const out: unknown[] = [];
  const done = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < live.length || j < config.length) {
    if (i < live.length && j < config.length) {
      if (liveIds[i] === cfgIds[j]) {
        out.push(merge(j));
        done.add(cfgIds[j]!);
        i++;
        j++;
        shared.shift();
        continue;
      }
      if (inC.has(liveIds[i]!) && shared.length > 0 && shared[0] !== liveIds[i]) {
        i++;
        continue;
      }
    }
    if (i < live.length) {
      if (!inC.has(liveIds[i]!)) {
        out.push(live[i]);
        i++;
        continue;
      }
      if (done.has(liveIds[i]!)) i++;
    }
    if (j < config.length) {
      out.push(merge(j));
      done.add(cfgIds[j]!);
      if (shared.length > 0 && shared[0] === cfgIds[j]) shared.shift();
      j++;
    }
  }
  return out;
}

/**
 * Removes what manager `m` stopped applying (§3.5 step 5): `last` is what m owned before, `owned`
 * every manager's set after this apply (m's new configuration included).
 */
export function prune(merged: unknown, last: FieldSet, owned: FieldSet, schema: ApplySchema): unknown {
  const E = (s: FieldSet): FieldSet => expandStructPrefixes(s, schema);
  const F = (v: unknown): FieldSet => fieldsOf(v, schema);
  const r0 = E(last);
  const ownedE = E(owned);
  const p0 = removePaths(merged, r0, schema);
  const all = E(F(merged));
  const p1 = removePaths(merged, difference(all, union(E(F(p0)), ownedE)), schema);
  const gone = difference(all, E(F(p1)));
  return removePaths(merged, intersection(gone, r0), schema);
}

/**
 * Drops null members of granular objects: a null field means "unset" once stored. Atomic values
 * are left exactly as written (a RawExtension may hold nulls on purpose).
 */
export function dropNulls(value: unknown, schema: ApplySchema): unknown {
  if (isAtomic(schema)) return value;
  if (Array.isArray(value)) return schema.kind === 'list' ? value.map((v) => dropNulls(v, schema.items())) : value;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== null) out[k] = dropNulls(v, childSchema(schema, k) ?? DEDUCED);
  }
  return out;
}
