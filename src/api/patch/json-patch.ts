/**
 * JSON Patch (RFC 6902, `application/json-patch+json`) with the exact semantics kube-apiserver
 * gets from evanphx/json-patch v4, which differ from the RFC in a few places clients rely on:
 *
 * | situation                                         | upstream (and here)                         |
 * |---------------------------------------------------|---------------------------------------------|
 * | body not an array (object, string, number, bool)  | 400 BadRequest `json: cannot unmarshal ...` |
 * | an operation that is not an object or null        | 400 BadRequest                              |
 * | body `null`                                       | no operations: document unchanged           |
 * | more than 10000 operations                        | 413 RequestEntityTooLarge                   |
 * | any failure while applying (failed `test`,        | 422 Invalid, fixed message, no causes       |
 * |   missing path/from, bad index, unknown op, ...)  |                                             |
 * | negative array index (`-1` = last)                | accepted by add/remove/replace/get          |
 * | `replace` of a missing object member              | succeeds, like `add` (v4 reverted the check)|
 * | `add`/`replace` without `value`                   | sets `null`                                 |
 * | `test` with `value: null` (or no `value`)         | passes when the member is absent or null    |
 * | `copy` from a missing object member               | copies `null`                               |
 * | copies adding up to more than 3 MiB               | 422 (apiserver's JSONPatchMaxCopyBytes)     |
 * | path without a leading `/` segment                | its first segment is ignored, as upstream   |
 */
import { tooLarge } from '../errors.js';
import { cannotUnmarshal, patchRejected } from './patch-errors.js';
import { cloneJson, getOwn, isObject, jsonEqual, kindOf, setKey, show, type JsonObject } from './json-value.js';

/** kube-apiserver's `maxJSONPatchOperations`. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;
/** kube-apiserver's default `JSONPatchMaxCopyBytes`: total bytes `copy` may add in one patch. */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

export interface JsonPatchOptions {
  /** Override of the `copy` budget (tests). */
  readonly maxCopyBytes?: number;
}

type Container = JsonObject | unknown[];

/** Thrown inside; turned into the single 422 at the top. */
class OperationFailed extends Error {}

const fail = (detail: string): never => {
  throw new OperationFailed(detail);
};

/**
 * Applies `patch` (the parsed request body) to `doc` and returns the new document; `doc` is not
 * modified. Throws the StatusErrors of the table above.
 */
export function applyJsonPatch(doc: unknown, patch: unknown, options: JsonPatchOptions = {}): unknown {
  const ops = decodeOperations(patch);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  if (!isObject(doc) && !Array.isArray(doc)) throw patchRejected(`cannot patch a document of kind ${kindOf(doc)}`);
  const state: PatchState = {
    root: cloneJson(doc),
    copied: 0,
    maxCopyBytes: options.maxCopyBytes ?? MAX_JSON_PATCH_COPY_BYTES,
  };
  for (const op of ops) {
    try {
      applyOperation(state, op);
    } catch (err) {
      if (err instanceof OperationFailed) throw patchRejected(err.message);
      throw err;
    }
  }
  return state.root;
}

interface PatchState {
  root: Container;
  copied: number;
  readonly maxCopyBytes: number;
}

/** The decode step (upstream `DecodePatch`): only the outer shape is checked here. */
function decodeOperations(patch: unknown): readonly (JsonObject | null)[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw cannotUnmarshal(kindOf(patch), 'jsonpatch.Patch');
  for (const op of patch) {
    if (op !== null && !isObject(op)) throw cannotUnmarshal(kindOf(op), 'jsonpatch.Operation');
  }
  return patch as (JsonObject | null)[];
}

function applyOperation(state: PatchState, op: JsonObject | null): void {
  if (op === null) return fail('Unexpected kind: unknown');
  const kind = stringMember(op, 'op') ?? 'unknown';
  switch (kind) {
    case 'add':
      return add(state, pointer(op, 'path'), valueOf(op));
    case 'remove':
      return remove(state, pointer(op, 'path'));
    case 'replace':
      return replace(state, pointer(op, 'path'), valueOf(op));
    case 'move':
      return move(state, pointer(op, 'from'), op);
    case 'copy':
      return copy(state, pointer(op, 'from'), op);
    case 'test':
      return test(state, pointer(op, 'path'), op);
    default:
      return fail(`Unexpected kind: ${kind}`);
  }
}

function stringMember(op: JsonObject, name: string): string | undefined {
  const v = getOwn(op, name);
  return typeof v === 'string' ? v : undefined;
}

/** `path`/`from` must be present, non-null and a string. */
function pointer(op: JsonObject, name: 'path' | 'from'): string {
  const v = getOwn(op, name);
  if (typeof v !== 'string') return fail(`operation missing ${name} field`);
  return v;
}

/** A missing `value` behaves as `null` (upstream stores a nil node). */
const valueOf = (op: JsonObject): unknown => cloneJson(getOwn(op, 'value') ?? null);

/** RFC 6901 token decoding: `~1` first, then `~0`. */
const decodeToken = (token: string): string => token.replaceAll('~1', '/').replaceAll('~0', '~');

/** Go's `strconv.Atoi`: optional sign, decimal digits. */
function parseIndex(token: string): number {
  if (!/^[+-]?[0-9]+$/.test(token)) return fail(`value was not a proper array index: '${token}'`);
  const n = Number(token);
  if (!Number.isSafeInteger(n)) return fail(`index out of range: ${token}`);
  return n;
}

/** Resolves a (possibly negative) index for get/replace/remove: must name an existing element. */
function existingIndex(array: unknown[], token: string): number {
  let idx = parseIndex(token);
  if (idx < 0) {
    if (idx < -array.length) return fail(`Unable to access invalid index: ${idx}`);
    idx += array.length;
  }
  if (idx >= array.length) return fail(`Unable to access invalid index: ${idx}`);
  return idx;
}

/** The parent container of the last token, walking every intermediate token; undefined if any is missing. */
function findParent(state: PatchState, path: string): { container: Container; key: string } | undefined {
  const tokens = path.split('/');
  if (tokens.length < 2) return undefined;
  let current: Container = state.root;
  for (const raw of tokens.slice(1, -1)) {
    const next = childOf(current, decodeToken(raw));
    if (!isObject(next) && !Array.isArray(next)) return undefined;
    current = next;
  }
  return { container: current, key: decodeToken(tokens[tokens.length - 1] ?? '') };
}

/** A child for traversal; undefined for anything missing or unreadable. */
function childOf(container: Container, key: string): unknown {
  if (!Array.isArray(container)) return getOwn(container, key);
  try {
    return container[existingIndex(container, key)];
  } catch {
    return undefined;
  }
}

function parentOrFail(state: PatchState, path: string, what: string): { container: Container; key: string } {
  return findParent(state, path) ?? fail(`${what} operation does not apply: doc is missing path: "${path}"`);
}

/** Reads the target; a missing object member reads as undefined (no error), as upstream's `get`. */
function read(container: Container, key: string): unknown {
  return Array.isArray(container) ? container[existingIndex(container, key)] : getOwn(container, key);
}

function insert(container: Container, key: string, value: unknown): void {
  if (!Array.isArray(container)) return setKey(container, key, value);
  if (key === '-') {
    container.push(value);
    return;
  }
  const size = container.length + 1;
  let idx = parseIndex(key);
  if (idx >= size) return fail(`Unable to access invalid index: ${idx}`);
  if (idx < 0) {
    if (idx < -size) return fail(`Unable to access invalid index: ${idx}`);
    idx += size;
  }
  container.splice(idx, 0, value);
}

function removeAt(container: Container, key: string): void {
  if (Array.isArray(container)) {
    container.splice(existingIndex(container, key), 1);
    return;
  }
  if (!Object.hasOwn(container, key)) return fail(`Unable to remove nonexistent key: ${key}`);
  delete container[key];
}

function add(state: PatchState, path: string, value: unknown): void {
  const { container, key } = parentOrFail(state, path, 'add');
  insert(container, key, value);
}

function remove(state: PatchState, path: string): void {
  const { container, key } = parentOrFail(state, path, 'remove');
  removeAt(container, key);
}

function replace(state: PatchState, path: string, value: unknown): void {
  if (path === '') {
    if (!isObject(value) && !Array.isArray(value)) return fail('replace operation value must be object or array');
    state.root = value;
    return;
  }
  const { container, key } = parentOrFail(state, path, 'replace');
  if (Array.isArray(container)) {
    container[existingIndex(container, key)] = value;
  } else {
    setKey(container, key, value);
  }
}

function move(state: PatchState, from: string, op: JsonObject): void {
  const source = parentOrFail(state, from, 'move');
  const value = read(source.container, source.key) ?? null;
  removeAt(source.container, source.key);
  const { container, key } = parentOrFail(state, pointer(op, 'path'), 'move');
  insert(container, key, value);
}

function copy(state: PatchState, from: string, op: JsonObject): void {
  const source = parentOrFail(state, from, 'copy');
  const value = read(source.container, source.key);
  const { container, key } = parentOrFail(state, pointer(op, 'path'), 'copy');
  if (value !== undefined && value !== null) {
    state.copied += Buffer.byteLength(JSON.stringify(value));
    if (state.maxCopyBytes > 0 && state.copied > state.maxCopyBytes) {
      const sizes = `the accumulated size increase of copy is ${state.copied}, exceeding the limit ${state.maxCopyBytes}`;
      return fail(`Unable to complete the copy, ${sizes}`);
    }
  }
  insert(container, key, cloneJson(value ?? null));
}

function test(state: PatchState, path: string, op: JsonObject): void {
  const expected = getOwn(op, 'value') ?? null;
  if (path === '') {
    if (!jsonEqual(state.root, expected)) fail(`testing value ${path} failed`);
    return;
  }
  const { container, key } = findParent(state, path) ?? fail(`test operation does not apply: is missing path: ${path}`);
  const actual = read(container, key) ?? null;
  if (!jsonEqual(actual, expected)) fail(`testing value ${path} failed: ${show(actual)} != ${show(expected)}`);
}
