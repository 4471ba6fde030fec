/**
 * Field sets: sets of paths stored as a trie keyed by serialized path elements, with a member
 * flag per node. This is exactly the shape of the FieldsV1 encoding, so encoding and decoding are
 * direct walks. Operations return new sets and never mutate their inputs; empty branches are
 * pruned so that "no members" and "no children" coincide.
 */
import { canonicalJson, compareElements, pathToString, type Path } from './path.js';

export interface FieldSet {
  readonly member: boolean;
  readonly children: ReadonlyMap<string, FieldSet>;
}

/** FieldsV1 as JSON: nested objects, `{}` leaves, `".": {}` for members with children. */
export type FieldsV1 = { readonly [element: string]: FieldsV1 };

/** A FieldsV1 document that cannot be decoded; callers turn it into their status error. */
export class FieldsV1Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldsV1Error';
  }
}

export const EMPTY_SET: FieldSet = { member: false, children: new Map() };

interface Builder {
  member: boolean;
  children: Map<string, Builder>;
}

const newBuilder = (): Builder => ({ member: false, children: new Map() });

/** A set holding these paths. */
export function setOf(paths: Iterable<Path>): FieldSet {
  const root = newBuilder();
  for (const p of paths) insertInto(root, p);
  return freeze(root);
}

function insertInto(root: Builder, path: Path): void {
  let node = root;
  for (const el of path) {
    let next = node.children.get(el);
    if (next === undefined) node.children.set(el, (next = newBuilder()));
    node = next;
  }
  node.member = true;
}

/**
 * The builder's tree as a set, its empty branches pruned in place: a builder node already has a
 * set's shape, and copying every node into a new one was the largest allocation in the
 * managedFields of a write. The builder is spent afterwards.
 */
function freeze(b: Builder): FieldSet {
  for (const [el, child] of b.children) {
    freeze(child);
    if (!child.member && child.children.size === 0) b.children.delete(el);
  }
  return b;
}

/** A mutable collector for walkers that insert many paths; build() once, at the end. */
export class FieldSetBuilder {
  readonly #root: Builder = newBuilder();
  #built = false;
  insert(path: Path): void {
    if (this.#built) throw new Error('FieldSetBuilder: insert after build');
    insertInto(this.#root, path);
  }
  build(): FieldSet {
    if (this.#built) throw new Error('FieldSetBuilder: built twice');
    this.#built = true;
    return freeze(this.#root);
  }
}

export function isEmpty(s: FieldSet): boolean {
  return !s.member && s.children.size === 0;
}

function node(member: boolean, children: Map<string, FieldSet>): FieldSet {
  return { member, children };
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  const children = new Map(a.children);
  for (const [el, bc] of b.children) {
    const ac = children.get(el);
    children.set(el, ac === undefined ? bc : union(ac, bc));
  }
  return node(a.member || b.member, children);
}

/** Members of `a` that are not members of `b`. */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(b) || isEmpty(a)) return a;
  const children = new Map<string, FieldSet>();
  for (const [el, ac] of a.children) {
    const bc = b.children.get(el);
    const c = bc === undefined ? ac : difference(ac, bc);
    if (!isEmpty(c)) children.set(el, c);
  }
  return node(a.member && !b.member, children);
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const children = new Map<string, FieldSet>();
  for (const [el, ac] of a.children) {
    const bc = b.children.get(el);
    if (bc === undefined) continue;
    const c = intersection(ac, bc);
    if (!isEmpty(c)) children.set(el, c);
  }
  return node(a.member && b.member, children);
}

/** `s` without any member at or below a member of `prefixes` (reset fields are subtrees). */
export function withoutSubtrees(s: FieldSet, prefixes: FieldSet): FieldSet {
  if (prefixes.member) return EMPTY_SET;
  if (prefixes.children.size === 0) return s;
  const children = new Map<string, FieldSet>();
  for (const [el, c] of s.children) {
    const p = prefixes.children.get(el);
    const kept = p === undefined ? c : withoutSubtrees(c, p);
    if (!isEmpty(kept)) children.set(el, kept);
  }
  return node(s.member, children);
}

export function has(s: FieldSet, path: Path): boolean {
  let n: FieldSet | undefined = s;
  for (const el of path) {
    n = n.children.get(el);
    if (n === undefined) return false;
  }
  return n.member;
}

/** The subset below `element` (paths relative to it). */
export function child(s: FieldSet, element: string): FieldSet {
  return s.children.get(element) ?? EMPTY_SET;
}

/** Every member path, in encoding order. */
export function paths(s: FieldSet): Path[] {
  const out: Path[] = [];
  const walk = (n: FieldSet, prefix: string[]): void => {
    if (n.member) out.push([...prefix]);
    for (const el of [...n.children.keys()].sort(compareElements)) {
      prefix.push(el);
      walk(n.children.get(el)!, prefix);
      prefix.pop();
    }
  };
  walk(s, []);
  return out;
}

export function equalSets(a: FieldSet, b: FieldSet): boolean {
  return isEmpty(difference(a, b)) && isEmpty(difference(b, a));
}

/** The FieldsV1 JSON of a set, members in upstream's deterministic order. */
export function encodeFieldsV1(s: FieldSet): FieldsV1 {
  const out: Record<string, FieldsV1> = {};
  if (s.member && s.children.size > 0) out['.'] = {};
  for (const el of [...s.children.keys()].sort(compareElements)) out[el] = encodeFieldsV1(s.children.get(el)!);
  return out;
}

/** Decodes FieldsV1 (any member order; unknown prefixes ignored). Throws FieldsV1Error. */
export function decodeFieldsV1(json: unknown): FieldSet {
  const root = newBuilder();
  decodeInto(root, json, true);
  // A top-level `.` would make the root (the empty path) a member: not a field.
  root.member = false;
  return freeze(root);
}

function decodeInto(target: Builder, json: unknown, root: boolean): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new FieldsV1Error(`expected an object in FieldsV1, got ${canonicalJson(json)}`);
  }
  const members = Object.entries(json as Record<string, unknown>);
  if (!root && members.length === 0) target.member = true;
  for (const [name, value] of members) {
    if (name === '.') {
      target.member = true;
      continue;
    }
    const el = canonicalElement(name);
    if (el === undefined) continue;
    let next = target.children.get(el);
    if (next === undefined) target.children.set(el, (next = newBuilder()));
    decodeInto(next, value, false);
  }
}

/** The canonical form of a serialized element, or undefined for an unknown prefix. */
function canonicalElement(name: string): string | undefined {
  const prefix = name.slice(0, 2);
  const rest = name.slice(2);
  switch (prefix) {
    case 'f:':
      return name;
    case 'k:': {
      const key = parseJson(rest, name);
      if (key === null || typeof key !== 'object' || Array.isArray(key)) {
        throw new FieldsV1Error(`key of ${name} is not a JSON object`);
      }
      return `k:${canonicalJson(key)}`;
    }
    case 'v:':
      return `v:${canonicalJson(parseJson(rest, name))}`;
    case 'i:':
      if (!/^-?\d+$/.test(rest)) throw new FieldsV1Error(`invalid index in ${name}`);
      return `i:${Number(rest)}`;
    default:
      return undefined;
  }
}

function parseJson(text: string, element: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FieldsV1Error(`invalid JSON in path element ${element}`);
  }
}

/** Member paths printed as upstream prints them, for tests and messages. */
export function pathStrings(s: FieldSet): string[] {
  return paths(s).map(pathToString);
}
