/**
 * CustomTransform removals (spec/kubestellar.md §3.3.3): digesting a CustomTransform's
 * `spec.remove[]` into paths and errors, and deleting what those paths identify from a cleaned
 * workload object. Pure; the engine's TransformRules keeps the digests per resource.
 *
 * All paths that apply to an object are evaluated against the same (cleaned) object and the
 * identified fields are removed together, so the result does not depend on the order of the
 * paths or of the CustomTransforms: `[0]` and `[1]` remove the first two items, not the first
 * and the third. Removed array items leave no holes.
 */
import type { KubeObject } from '../../api/object.js';
import { getOwn, isObject, type JsonObject } from '../../api/patch/json-value.js';
import { parseRemovalPath, type Filter, type Literal, type Selector } from './removal-path.js';

export interface RemovalPath {
  readonly source: string;
  readonly selectors: readonly Selector[];
}

export interface DigestedRemovals {
  readonly paths: readonly RemovalPath[];
  /** One message per entry that cannot be used, worded as upstream's status errors. */
  readonly errors: readonly string[];
}

/**
 * The fields that identify the object. Removing them would yield an object the WEC cannot
 * accept (or a different object), so an explicit path to them is an error and a wildcard or
 * filter passes over them.
 */
const PROTECTED_TOP = new Set(['apiVersion', 'kind', 'metadata']);
const PROTECTED_METADATA = new Set(['name', 'namespace']);

function isProtected(parentPath: readonly (string | number)[], key: string | number): boolean {
  if (parentPath.length === 0) return typeof key === 'string' && PROTECTED_TOP.has(key);
  return parentPath.length === 1 && parentPath[0] === 'metadata' && typeof key === 'string' && PROTECTED_METADATA.has(key);
}

/** Parses one entry; the error is the reason it cannot be used. */
export function compileRemovalPath(source: string): { path: RemovalPath } | { error: string } {
  let selectors: Selector[];
  try {
    selectors = parseRemovalPath(source);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  if (selectors.length === 0) return { error: 'it identifies the whole object' };
  if (selectors.every((s) => s.kind === 'name')) {
    const names = selectors.map((s) => (s as { name: string }).name);
    const last = names[names.length - 1]!;
    if (isProtected(names.slice(0, -1), last)) {
      return { error: `it would remove ${names.join('.')}, which identifies the object` };
    }
  }
  return { path: { source, selectors } };
}

/** Digests a CustomTransform's `spec.remove`: the usable paths, and errors for the rest. */
export function digestRemovals(remove: readonly unknown[]): DigestedRemovals {
  const paths: RemovalPath[] = [];
  const errors: string[] = [];
  remove.forEach((entry, i) => {
    if (typeof entry !== 'string') {
      errors.push(`Error in spec.remove[${i}]: not a string`);
      return;
    }
    const r = compileRemovalPath(entry);
    if ('path' in r) paths.push(r.path);
    else if (r.error === 'it identifies the whole object') errors.push(`Invalid spec.remove[${i}]: ${r.error}`);
    else errors.push(`Error in spec.remove[${i}]: ${r.error}`);
  });
  return { paths, errors };
}

interface Node {
  readonly value: unknown;
  readonly path: readonly (string | number)[];
}

/** Removes, in place, everything the paths identify in `obj`; answers how many fields went. */
export function applyRemovals(obj: KubeObject, paths: readonly RemovalPath[]): number {
  if (paths.length === 0) return 0;
  const doomed = new Map<JsonObject | unknown[], Set<string | number>>();
  for (const p of paths) {
    let nodes: Node[] = [{ value: obj, path: [] }];
    p.selectors.forEach((sel, i) => {
      const last = i === p.selectors.length - 1;
      const next: Node[] = [];
      for (const node of nodes) {
        for (const [key, value] of children(node.value, sel)) {
          if (!last) next.push({ value, path: [...node.path, key] });
          else if (!isProtected(node.path, key)) {
            const parent = node.value as JsonObject | unknown[];
            let keys = doomed.get(parent);
            if (keys === undefined) doomed.set(parent, (keys = new Set()));
            keys.add(key);
          }
        }
      }
      nodes = next;
    });
  }
  let removed = 0;
  for (const [parent, keys] of doomed) {
    removed += keys.size;
    if (Array.isArray(parent)) {
      // Highest index first, so earlier indexes stay valid while splicing.
      for (const i of [...keys].map(Number).sort((a, b) => b - a)) parent.splice(i, 1);
    } else {
      for (const k of keys) delete parent[k as string];
    }
  }
  return removed;
}

/** The (key, value) pairs `sel` selects among the children of `value`; nothing for a type it does not apply to. */
function children(value: unknown, sel: Selector): [string | number, unknown][] {
  switch (sel.kind) {
    case 'name':
      return isObject(value) && Object.hasOwn(value, sel.name) ? [[sel.name, value[sel.name]]] : [];
    case 'index': {
      if (!Array.isArray(value)) return [];
      const i = sel.index < 0 ? value.length + sel.index : sel.index;
      return i >= 0 && i < value.length ? [[i, value[i]]] : [];
    }
    case 'wildcard':
      return allChildren(value);
    case 'filter':
      return allChildren(value).filter(([, v]) => matches(v, sel.filter));
  }
}

function allChildren(value: unknown): [string | number, unknown][] {
  if (Array.isArray(value)) return value.map((v, i) => [i, v]);
  if (isObject(value)) return Object.keys(value).map((k) => [k, value[k]]);
  return [];
}

const NOTHING = Symbol('nothing');

/**
 * RFC 9535 comparison: a missing member ("Nothing") equals no literal, values of different
 * types are unequal, numbers compare by value; `!=` is the negation of `==`, so an item lacking
 * the member passes `!=`.
 */
function matches(item: unknown, f: Filter): boolean {
  let v: unknown = item;
  for (const step of f.path) {
    if (step.kind === 'name') v = isObject(v) && Object.hasOwn(v, step.name) ? getOwn(v, step.name) : NOTHING;
    else if (Array.isArray(v)) {
      const i = step.index < 0 ? v.length + step.index : step.index;
      v = i >= 0 && i < v.length ? v[i] : NOTHING;
    } else v = NOTHING;
    if (v === NOTHING) break;
  }
  const equal = v !== NOTHING && sameLiteral(v, f.value);
  return f.op === '==' ? equal : !equal;
}

function sameLiteral(v: unknown, lit: Literal): boolean {
  return lit === null ? v === null : typeof v === typeof lit && v === lit;
}
