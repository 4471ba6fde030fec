/**
 * Reading values through an ApplySchema: which children a node has and under which path element,
 * and the set computations built on that (spec §3.2, §3.4, §3.5): the field set of a value, the
 * comparison of two values, `E` (declared-struct prefixes) and `Rm` (removing paths from a value).
 * Applied configurations are read strictly (undeclared fields and duplicate keys are errors);
 * stored objects leniently, since they were accepted once and must stay readable.
 */
import { FieldSetBuilder, type FieldSet } from './fieldset.js';
import { fieldElement, keyElement, pathToString, valueElement, indexElement, type Path } from './path.js';
import { DEDUCED, childSchema, isAtomic, type ApplySchema, type ListSchema, type ScalarType } from './schema.js';

/** A configuration that does not fit the schema; the message is upstream's `<path>: <problem>`. */
export class ApplyTypeError extends Error {
  constructor(path: Path, problem: string) {
    super(`${pathToString(path)}: ${problem}`);
    this.name = 'ApplyTypeError';
  }
}

export interface Kid {
  readonly element: string;
  readonly value: unknown;
  readonly schema: ApplySchema;
  /** A list element (owned with its own path) rather than a field or map key. */
  readonly isElement: boolean;
  /** A keyed element whose key occurs more than once: one atomic leaf holding every copy. */
  readonly dup: boolean;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const typeName = (v: unknown): string => (Array.isArray(v) ? 'list' : isObject(v) ? 'map' : typeof v);

/**
 * The identity element of a list item: `k:{...}` for map lists (missing key fields take their
 * schema default, or are left out), `v:<json>` for sets. Undefined when a keyed item has no key.
 */
export function elementId(item: unknown, list: ListSchema): string | undefined {
  if (list.listType === 'set') return valueElement(item);
  if (!isObject(item)) return undefined;
  const items = list.items();
  const key: Record<string, unknown> = {};
  for (const k of list.keys) {
    const v = Object.hasOwn(item, k) && item[k] !== null ? item[k] : childSchema(items, k)?.default;
    if (v !== undefined) key[k] = v;
  }
  return Object.keys(key).length === 0 ? undefined : keyElement(key);
}

/** The children of a node, or undefined when it is a leaf (scalar, atomic, null). */
export function kids(value: unknown, schema: ApplySchema, path: Path, strict: boolean): Kid[] | undefined {
  if (value === null || value === undefined || isAtomic(schema)) {
    if (strict && value !== null && value !== undefined) checkLeaf(value, schema, path);
    return undefined;
  }
  if (schema.kind === 'list') return listKids(value, schema, path, strict);
  if (!isObject(value)) {
    if (strict && schema.kind !== 'untyped') throw new ApplyTypeError(path, `expected map, got ${typeName(value)}`);
    return undefined;
  }
  const out: Kid[] = [];
  for (const [name, v] of Object.entries(value)) {
    let s = childSchema(schema, name);
    if (s === undefined) {
      if (strict) throw new ApplyTypeError([...path, fieldElement(name)], 'field not declared in schema');
      s = DEDUCED;
    }
    out.push({ element: fieldElement(name), value: v, schema: s, isElement: false, dup: false });
  }
  return out;
}

function checkLeaf(value: unknown, schema: ApplySchema, path: Path): void {
  const container = typeof value === 'object';
  if (schema.kind === 'scalar' && container) throw new ApplyTypeError(path, `expected scalar, got ${typeName(value)}`);
  if (schema.kind === 'scalar' && schema.type !== undefined) checkScalar(value, schema.type, path);
  if (schema.kind === 'list' && !Array.isArray(value)) throw new ApplyTypeError(path, `expected list, got ${typeName(value)}`);
  if ((schema.kind === 'struct' || schema.kind === 'map') && !isObject(value)) {
    throw new ApplyTypeError(path, `expected map, got ${typeName(value)}`);
  }
}

/** structured-merge-diff's scalar check, in its words (Go's `%#v`, `%T` and `%v` of the value). */
function checkScalar(value: unknown, type: ScalarType, path: Path): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') {
        throw new ApplyTypeError(path, `expected string, got &value.valueUnstructured{Value:${goScalar(value)}}`);
      }
      return;
    case 'numeric':
      if (typeof value !== 'number') {
        throw new ApplyTypeError(path, `expected numeric (int or float), got ${typeof value === 'boolean' ? 'bool' : typeof value}`);
      }
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw new ApplyTypeError(path, `expected boolean, got &{${goScalar(value)}}`);
      return;
  }
}

const goScalar = (v: unknown): string => (typeof v === 'string' ? v : String(v));

function listKids(value: unknown, schema: ListSchema, path: Path, strict: boolean): Kid[] | undefined {
  if (!Array.isArray(value)) {
    if (strict) throw new ApplyTypeError(path, `expected list, got ${typeName(value)}`);
    return undefined;
  }
  const items = schema.items();
  const order: string[] = [];
  const byId = new Map<string, unknown[]>();
  value.forEach((item, index) => {
    let id = elementId(item, schema);
    if (id === undefined) {
      if (strict) {
        const keys = JSON.stringify(schema.keys).replaceAll(',', ' ');
        throw new ApplyTypeError(
          path,
          `associative list with keys has an element that omits all key fields ${keys} (and doesn't have default values for any key fields)`,
        );
      }
      id = indexElement(index);
    }
    const copies = byId.get(id);
    if (copies === undefined) {
      byId.set(id, [item]);
      order.push(id);
    } else {
      if (strict) throw new ApplyTypeError(path, `duplicate entries for key ${pathToString([id])}`);
      copies.push(item);
    }
  });
  return order.map((id) => {
    const copies = byId.get(id)!;
    const dup = copies.length > 1;
    return { element: id, value: dup ? copies : copies[0], schema: items, isElement: true, dup };
  });
}

/** The field set a value specifies (§3.2): leaves, atomic nodes, elements, and null/`{}` nodes. */
export function fieldsOf(value: unknown, schema: ApplySchema, strict = false): FieldSet {
  const b = new FieldSetBuilder();
  const walk = (v: unknown, s: ApplySchema, path: string[]): void => {
    const ks = kids(v, s, path, strict);
    if (ks === undefined || (ks.length === 0 && s.kind !== 'list')) {
      if (path.length > 0) b.insert(path);
      return;
    }
    for (const k of ks) {
      path.push(k.element);
      if (k.isElement) b.insert(path);
      if (!k.dup) walk(k.value, k.schema, path);
      path.pop();
    }
  };
  walk(value, schema, []);
  return b.build();
}

/** Every node path of a value (its own path and all descendants): what "added" means. */
function allNodes(value: unknown, schema: ApplySchema, path: string[], into: FieldSetBuilder): void {
  into.insert(path);
  for (const k of kidsOf(value, schema, path)) {
    path.push(k.element);
    allNodes(k.dup ? null : k.value, k.schema, path, into);
    path.pop();
  }
}

const kidsOf = (v: unknown, s: ApplySchema, path: Path): Kid[] => kids(v, s, path, false) ?? [];

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** Schema-aware comparison (§3.4). `undefined` means absent; reordering alone changes nothing. */
export function compare(before: unknown, after: unknown, schema: ApplySchema): Comparison {
  const added = new FieldSetBuilder();
  const modified = new FieldSetBuilder();
  const removed = new FieldSetBuilder();
  const walk = (a: unknown, b: unknown, s: ApplySchema, path: string[]): void => {
    if (a === undefined && b === undefined) return;
    if (a === undefined) return allNodes(b, s, path, added);
    if (b === undefined) return allNodes(a, s, path, removed);
    const ka = kids(a, s, path, false);
    const kb = kids(b, s, path, false);
    if (ka === undefined || kb === undefined) {
      if (ka !== undefined || kb !== undefined || !deepEqual(a, b)) modified.insert(path);
      for (const k of ka ?? []) walkChild(k, undefined, path);
      for (const k of kb ?? []) walkChild(undefined, k, path);
      return;
    }
    const before = new Map(ka.map((k) => [k.element, k]));
    for (const k of kb) walkChild(before.get(k.element), k, path);
    const after = new Set(kb.map((k) => k.element));
    for (const k of ka) if (!after.has(k.element)) walkChild(k, undefined, path);
  };
  const walkChild = (a: Kid | undefined, b: Kid | undefined, path: string[]): void => {
    const k = (b ?? a)!;
    path.push(k.element);
    if (a?.dup === true || b?.dup === true) {
      // A duplicated key is one atomic leaf; its sub-paths exist only on a non-duplicated side.
      if (a === undefined) added.insert(path);
      else if (b === undefined) removed.insert(path);
      else if (!deepEqual(a.value, b.value)) {
        modified.insert(path);
        if (!a.dup) for (const c of kidsOf(a.value, a.schema, path)) walkChild(c, undefined, path);
        if (!b.dup) for (const c of kidsOf(b.value, b.schema, path)) walkChild(undefined, c, path);
      }
    } else walk(a?.value, b?.value, k.schema, path);
    path.pop();
  };
  walk(before, after, schema, []);
  return { added: added.build(), modified: modified.build(), removed: removed.build() };
}

const NO_PATH: Path = [];
const NOTHING: FieldSet = { member: false, children: new Map() };
/** A member without children; shared, as sets are never changed once built. */
const LEAF: FieldSet = { member: true, children: NOTHING.children };

/**
 * `compare({}, value)`: what a create sets. Every node below the root is added, so the trie is
 * grown as the walk descends, each node made once, without the general comparison's maps or a
 * builder re-walking each path from the root (a create's managedFields were a sixth of the
 * handler thread's allocation).
 */
export function compareWithEmpty(value: unknown, schema: ApplySchema): Comparison {
  if (!isObject(value) || isAtomic(schema) || schema.kind === 'list') return compare({}, value, schema);
  // The root itself is no field: its descendants are what was added.
  const { children } = nodesOf(value, schema);
  return { added: children.size === 0 ? NOTHING : { member: false, children }, modified: NOTHING, removed: NOTHING };
}

/** The node itself and all its descendants, as members. */
function nodesOf(value: unknown, schema: ApplySchema): FieldSet {
  const ks = kids(value, schema, NO_PATH, false);
  if (ks === undefined || ks.length === 0) return LEAF;
  const children = new Map<string, FieldSet>();
  for (const k of ks) children.set(k.element, k.dup ? LEAF : nodesOf(k.value, k.schema));
  return { member: true, children };
}

/** `E(S)`: S plus every prefix of a member that ends at a declared struct field (§3.5). */
export function expandStructPrefixes(set: FieldSet, schema: ApplySchema): FieldSet {
  const b = new FieldSetBuilder();
  const walk = (n: FieldSet, s: ApplySchema, path: string[]): void => {
    if (n.member) b.insert(path);
    for (const [el, c] of n.children) {
      let cs: ApplySchema = DEDUCED;
      let declared = false;
      if (el.startsWith('f:')) {
        cs = childSchema(s, el.slice(2)) ?? DEDUCED;
        declared = s.kind === 'struct' && s.field(el.slice(2)) !== undefined;
      } else if (s.kind === 'list') cs = s.items();
      path.push(el);
      if (declared) b.insert(path);
      walk(c, cs, path);
      path.pop();
    }
  };
  walk(set, schema, []);
  return b.build();
}

/** `Rm(v, S)`: the value with every node whose path is in S removed with its subtree. */
export function removePaths(value: unknown, set: FieldSet, schema: ApplySchema): unknown {
  if (set.children.size === 0 || value === null || value === undefined || isAtomic(schema)) return value;
  if (Array.isArray(value)) {
    if (schema.kind !== 'list') return value;
    const out: unknown[] = [];
    for (const item of value) {
      const id = elementId(item, schema);
      const sub = id === undefined ? undefined : set.children.get(id);
      if (sub === undefined) out.push(item);
      else if (!sub.member) out.push(removePaths(item, sub, schema.items()));
    }
    return out;
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const sub = set.children.get(fieldElement(name));
    if (sub === undefined) out[name] = v;
    else if (!sub.member) out[name] = removePaths(v, sub, childSchema(schema, name) ?? DEDUCED);
  }
  return out;
}

/** JSON equality; object member order is irrelevant, list order is not. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}
