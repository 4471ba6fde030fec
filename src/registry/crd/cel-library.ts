/**
 * The CEL environment of CustomResourceDefinition validation rules: `self` (and `oldSelf`) typed
 * from the schema node, plus the Kubernetes extension libraries as far as cel-js allows. The
 * engine already provides the standard macros, `matches`, `size`, timestamps and durations,
 * optionals, `lowerAscii`/`upperAscii`/`trim`/`split`/`join`/`indexOf`/`substring`.
 *
 * Added here: lists (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`), strings
 * (`charAt`, `replace`, `reverse`, `format`), regex (`find`, `findAll`), `url`/`isURL` and the
 * URL accessors, `quantity`/`isQuantity` and the Quantity methods.
 * Not available: `ip`/`cidr`, `semver`, `authorizer`, the `sets` and `strings.quote` namespaces,
 * `format` verbs other than %s %d %f %e %x %X %o %b.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { withRe2Matches } from '../../api/cel-regex.js';
import { re2Find, re2FindAll } from '../../api/re2.js';

/** Builds an evaluation error; cel-js turns thrown errors of handlers into evaluation errors. */
const fail = (message: string): never => {
  throw new Error(message);
};

// ---- Quantities (exact, in units of 10^-9, as resource.Quantity rounds) ----

export class Quantity {
  /** The value in nano-units. */
  readonly nanos: bigint;
  readonly text: string;
  constructor(nanos: bigint, text: string) {
    this.nanos = nanos;
    this.text = text;
  }
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const NANO = 1_000_000_000n;

/** Parses a Kubernetes quantity (`1.5Gi`, `100m`, `2e3`); undefined when malformed. */
export function parseQuantity(s: string): Quantity | undefined {
  const m = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(s);
  if (m === null) return undefined;
  const [, sign, number, suffix = ''] = m;
  const [whole = '0', frac = ''] = number!.split('.');
  let digits = BigInt((whole === '' ? '0' : whole) + frac);
  let exp10 = -frac.length;
  let mult = 1n;
  if (suffix in BINARY) mult = BINARY[suffix]!;
  else if (suffix in DECIMAL) exp10 += DECIMAL[suffix]!;
  else exp10 += Number(suffix.slice(1));
  if (exp10 > 40 || exp10 < -60) return undefined;
  digits *= mult;
  // to nano-units, rounding up away from zero as resource.Quantity does
  const shift = exp10 + 9;
  let nanos: bigint;
  if (shift >= 0) nanos = digits * 10n ** BigInt(shift);
  else {
    const d = 10n ** BigInt(-shift);
    nanos = digits / d + (digits % d === 0n ? 0n : 1n);
  }
  return new Quantity(sign === '-' ? -nanos : nanos, s);
}

const quantityOf = (s: string): Quantity => parseQuantity(s) ?? fail(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
const fromNanos = (n: bigint): Quantity => new Quantity(n, n % NANO === 0n ? String(n / NANO) : `${n}n`);
const cmp = (a: bigint, b: bigint): bigint => (a < b ? -1n : a > b ? 1n : 0n);

// ---- URLs ----

export class KubeURL {
  readonly url: URL;
  constructor(url: URL) {
    this.url = url;
  }
}

function parseURL(s: string): KubeURL | undefined {
  // Go's url.ParseRequestURI: absolute URI or absolute path, no fragment-only or relative refs.
  if (s === '' || !(/^[A-Za-z][A-Za-z0-9+.-]*:/.test(s) || s.startsWith('/'))) return undefined;
  try {
    return new KubeURL(new URL(s, s.startsWith('/') ? 'relative:///' : undefined));
  } catch {
    return undefined;
  }
}

// ---- Lists ----

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Quantity && b instanceof Quantity) return Number(cmp(a.nanos, b.nanos));
  return fail('no such overload');
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a == b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

function extremum(list: readonly unknown[], sign: number): unknown {
  if (list.length === 0) fail('min(list) argument must not be empty');
  return list.reduce((best, x) => (compareValues(x, best) * sign < 0 ? x : best));
}

function sum(list: readonly unknown[]): unknown {
  if (list.length === 0) return 0n;
  if (list.every((x) => typeof x === 'bigint')) return (list as bigint[]).reduce((a, b) => a + b, 0n);
  if (list.every((x) => typeof x === 'number')) return (list as number[]).reduce((a, b) => a + b, 0);
  return fail('no such overload');
}

// ---- Strings ----

/** Go-like `format` with the common verbs. */
function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%(\.\d+)?([sdfexXob%])/g, (_m, precision: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) fail(`index ${i} out of range`);
    const v = args[i++];
    const num = (): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : fail(`error during formatting: ${verb} requires a number`));
    const digits = precision === undefined ? 6 : Number(precision.slice(1));
    switch (verb) {
      case 's':
        return typeof v === 'string' ? v : Array.isArray(v) || (typeof v === 'object' && v !== null) ? JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) : String(v);
      case 'd':
        return typeof v === 'bigint' ? String(v) : fail('error during formatting: decimal clause can only be used on integers');
      case 'f':
        return num().toFixed(digits);
      case 'e':
        return num().toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
      case 'x':
      case 'X': {
        const s = typeof v === 'string' ? Buffer.from(v).toString('hex') : (typeof v === 'bigint' ? v : BigInt(Math.trunc(num()))).toString(16);
        return verb === 'X' ? s.toUpperCase() : s;
      }
      case 'o':
        return (typeof v === 'bigint' ? v : BigInt(Math.trunc(num()))).toString(8);
      default:
        return (typeof v === 'bigint' ? v : BigInt(Math.trunc(num()))).toString(2);
    }
  });
}


function register(env: Environment): Environment {
  return (
    env
      .registerType('kubernetes.Quantity', Quantity)
      .registerType('kubernetes.URL', KubeURL)
      // lists
      .registerFunction('list<dyn>.isSorted(): bool', (l: unknown[]) => l.every((x, i) => i === 0 || compareValues(l[i - 1], x) <= 0))
      .registerFunction('list<dyn>.sum(): dyn', (l: unknown[]) => sum(l))
      .registerFunction('list<dyn>.min(): dyn', (l: unknown[]) => extremum(l, 1))
      .registerFunction('list<dyn>.max(): dyn', (l: unknown[]) => extremum(l, -1))
      .registerFunction('list<dyn>.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => sameValue(x, v))))
      .registerFunction('list<dyn>.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => {
        for (let i = l.length - 1; i >= 0; i--) if (sameValue(l[i], v)) return BigInt(i);
        return -1n;
      })
      // strings
      .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
        const chars = [...s];
        if (i < 0n || i > BigInt(chars.length)) fail(`index out of range: ${i}`);
        return chars[Number(i)] ?? '';
      })
      .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
      .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
        if (n < 0n) return s.split(a).join(b);
        const parts = s.split(a);
        const k = Number(n);
        return parts.length - 1 <= k ? parts.join(b) : parts.slice(0, k + 1).join(b) + a + parts.slice(k + 1).join(a);
      })
      .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
      .registerFunction('string.format(list<dyn>): string', (s: string, args: unknown[]) => format(s, args))
      // regex
      // regex: RE2, linear in the input (src/api/re2.ts); `matches` too, via cel-regex.ts
      .registerFunction('string.find(string): string', (s: string, p: string) => re2Find(p, s))
      .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => re2FindAll(p, s))
      .registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => re2FindAll(p, s, n < 0n ? -1 : Number(n)))
      // urls
      .registerFunction('url(string): kubernetes.URL', (s: string) => parseURL(s) ?? fail(`URL parse error during conversion from string: parse "${s}": invalid URI for request`))
      .registerFunction('isURL(string): bool', (s: string) => parseURL(s) !== undefined)
      .registerFunction('kubernetes.URL.getScheme(): string', (u: KubeURL) => (u.url.protocol === 'relative:' ? '' : u.url.protocol.slice(0, -1)))
      .registerFunction('kubernetes.URL.getHost(): string', (u: KubeURL) => u.url.host)
      .registerFunction('kubernetes.URL.getHostname(): string', (u: KubeURL) => u.url.hostname.replace(/^\[(.*)\]$/, '$1'))
      .registerFunction('kubernetes.URL.getPort(): string', (u: KubeURL) => u.url.port)
      .registerFunction('kubernetes.URL.getEscapedPath(): string', (u: KubeURL) => u.url.pathname)
      .registerFunction('kubernetes.URL.getQuery(): map<string, list<string>>', (u: KubeURL) => {
        const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
        for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
        return out;
      })
      // quantities
      .registerFunction('quantity(string): kubernetes.Quantity', (s: string) => quantityOf(s))
      .registerFunction('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined)
      .registerFunction('kubernetes.Quantity.sign(): int', (q: Quantity) => cmp(q.nanos, 0n))
      .registerFunction('kubernetes.Quantity.isInteger(): bool', (q: Quantity) => q.nanos % NANO === 0n)
      .registerFunction('kubernetes.Quantity.asInteger(): int', (q: Quantity) =>
        q.nanos % NANO === 0n && q.nanos / NANO < 1n << 63n && q.nanos / NANO >= -(1n << 63n) ? q.nanos / NANO : fail('cannot convert value to integer'),
      )
      .registerFunction('kubernetes.Quantity.asApproximateFloat(): double', (q: Quantity) => Number(q.nanos) / 1e9)
      .registerFunction('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', (a: Quantity, b: Quantity) => cmp(a.nanos, b.nanos))
      .registerFunction('kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool', (a: Quantity, b: Quantity) => a.nanos > b.nanos)
      .registerFunction('kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool', (a: Quantity, b: Quantity) => a.nanos < b.nanos)
      .registerFunction('kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) => fromNanos(a.nanos + b.nanos))
      .registerFunction('kubernetes.Quantity.add(int): kubernetes.Quantity', (a: Quantity, b: bigint) => fromNanos(a.nanos + b * NANO))
      .registerFunction('kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) => fromNanos(a.nanos - b.nanos))
      .registerFunction('kubernetes.Quantity.sub(int): kubernetes.Quantity', (a: Quantity, b: bigint) => fromNanos(a.nanos - b * NANO))
  );
}

let base: Environment | undefined;
const environments = new Map<string, Environment>();

/**
 * The environment for a `self` of CEL type `selfType`; `oldSelf` has the same type, or
 * `optional<...>` when the rule sets optionalOldSelf. Environments are cached by their types.
 */
export function ruleEnvironment(selfType: string, optionalOldSelf: boolean): Environment {
  const key = `${selfType}|${optionalOldSelf}`;
  let env = environments.get(key);
  if (env === undefined) {
    base ??= register(withRe2Matches(new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })));
    env = base
      .clone()
      .registerVariable('self', selfType)
      .registerVariable('oldSelf', optionalOldSelf ? `optional<${selfType}>` : selfType);
    environments.set(key, env);
  }
  return env;
}

export type { ParseResult };

let admission: Environment | undefined;

/**
 * The environment of ValidatingAdmissionPolicy expressions: `object`, `oldObject`, `request`,
 * `params`, `namespaceObject` and `variables`, all dynamic (the policy's types are not
 * checked here), with the same Kubernetes libraries as validation rules.
 */
export function admissionEnvironment(): Environment {
  if (admission === undefined) {
    base ??= register(withRe2Matches(new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })));
    let env = base.clone();
    for (const name of ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables']) env = env.registerVariable(name, 'dyn');
    admission = env;
  }
  return admission;
}
