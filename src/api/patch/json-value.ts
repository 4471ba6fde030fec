/**
 * Small helpers over parsed JSON values, shared by the three patch types. Patches arrive from
 * clients, so every key write goes through `setKey` and every read through `getOwn`: a member
 * named `__proto__` must stay an ordinary member and never reach an object's prototype.
 */

/** A JSON object as `JSON.parse` produces it. */
export type JsonObject = { [key: string]: unknown };

/** The JSON kind of a value, with Go's decoder names for error messages. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'bool' | 'null';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function kindOf(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'number' ? 'number' : 'string';
}

/** The own member `key`, or undefined when absent (never an inherited property). */
export function getOwn(obj: JsonObject, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Sets an own enumerable member, even one named `__proto__`. */
export function setKey(obj: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * A deep copy of a JSON value; patch functions work in place on copies so inputs never change.
 * Also the store's copy of objects it is given: several times cheaper than structuredClone,
 * which in Node serializes through a message buffer.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => cloneJson(v)) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) setKey(out, key, cloneJson(value[key]));
    return out as T;
  }
  return value;
}

/** Structural equality: member order is irrelevant, numbers compare by value. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v: unknown, i) => jsonEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/** JSON text for error messages (upstream prints Go values; only the gist matters). */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
