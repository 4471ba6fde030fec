/**
 * A container's `resources` as kube-apiserver checks them (validateResourceRequirements with
 * validateContainerResourceName): names must be standard container resources or qualified
 * extended ones, quantities non-negative (extended ones whole), requests no larger than limits,
 * and resources that cannot be overcommitted (extended resources, hugepages) need a limit equal
 * to the request. Messages show quantities in canonical form (`2Gi`, `200m`), as Quantity.String does.
 */
import { fieldErrors, type FieldError } from '../../api/errors.js';
import { isQualifiedName } from '../../api/names.js';
import { compareQuantities, formatQuantity, quantityFormat, scaledQuantity } from '../../api/quantity.js';
import { rec, type Obj } from './helpers.js';

/** Names a resource may carry without a `/`, anywhere (quota and storage names included). */
const STANDARD_RESOURCES: ReadonlySet<string> = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);

const CONTAINER_RESOURCES: ReadonlySet<string> = new Set(['cpu', 'memory', 'ephemeral-storage']);
const QOS_RESOURCES: ReadonlySet<string> = new Set(['cpu', 'memory']);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');

/** Unprefixed names and `*kubernetes.io/` ones belong to Kubernetes itself. */
const isNative = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');

/** A vendor's resource (`example.com/gpu`) whose quota name `requests.<name>` is still qualified. */
function isExtended(name: string): boolean {
  if (isNative(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Extended resources and hugepages are handed out whole: a request must equal its limit. */
const overcommitAllowed = (name: string): boolean => isNative(name) && !isHugePages(name);

/** Quantity.String(): the canonical form of a quantity as written (to nano precision, rounded up). */
export function canonicalQuantity(q: unknown): string {
  const nanos = scaledQuantity(q, 9);
  if (nanos === undefined) return String(q);
  const value = nanos % 1_000_000_000n === 0n ? Number(nanos / 1_000_000_000n) : Number(nanos) / 1e9;
  return formatQuantity(value, quantityFormat(q));
}

function resourceNameErrors(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => fieldErrors.invalid(path, name, m));
  if (errs.length === 0 && !name.includes('/') && !STANDARD_RESOURCES.has(name) && !name.startsWith('requests.hugepages-') && !isHugePages(name)) {
    errs.push(fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  if (!name.includes('/')) {
    if (!CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNative(name) && !isExtended(name)) {
    errs.push(fieldErrors.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuantityValue: never negative; extended resources count whole units. */
function quantityErrors(name: string, q: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if ((compareQuantities(q, 0) ?? 0) < 0) errs.push(fieldErrors.invalid(path, canonicalQuantity(q), 'must be greater than or equal to 0'));
  const milli = scaledQuantity(q, 3);
  if (isExtended(name) && milli !== undefined && milli % 1000n !== 0n) errs.push(fieldErrors.invalid(path, canonicalQuantity(q), 'must be an integer'));
  return errs;
}

/** A hugepages amount is a whole number of pages, the page size being the name's suffix (`hugepages-2Mi`). */
function hugePageErrors(name: string, q: unknown, path: string): FieldError[] {
  if (!isHugePages(name)) return [];
  const size = name.slice('hugepages-'.length);
  const page = scaledQuantity(size, 0);
  const pageMilli = scaledQuantity(size, 3);
  const value = scaledQuantity(q, 0);
  const whole = page !== undefined && page > 0n && pageMilli !== undefined && pageMilli % 1000n === 0n;
  if (whole && value !== undefined && value % page === 0n) return [];
  return [fieldErrors.invalid(path, canonicalQuantity(q), `${canonicalQuantity(q)} is not positive integer multiple of ${name}`)];
}

/** ValidateContainerResourceRequirements for the `resources` at `path`. */
export function validateContainerResources(resources: unknown, path: string): FieldError[] {
  const r = rec(resources) ?? {};
  const limits: Obj = rec(r['limits']) ?? {};
  const requests: Obj = rec(r['requests']) ?? {};
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const errs: FieldError[] = [];
  for (const [name, q] of Object.entries(limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...resourceNameErrors(name, p), ...quantityErrors(name, q, p), ...hugePageErrors(name, q, p));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = `${reqPath}[${name}]`;
    errs.push(...resourceNameErrors(name, p), ...quantityErrors(name, q, p));
    if (Object.hasOwn(limits, name)) {
      const lim = limits[name];
      const cmp = compareQuantities(q, lim) ?? 0;
      // Upstream reports these on `requests` itself, not the keyed entry.
      if (cmp !== 0 && !overcommitAllowed(name)) {
        errs.push(fieldErrors.invalid(reqPath, canonicalQuantity(q), `must be equal to ${name} limit of ${canonicalQuantity(lim)}`));
      } else if (cmp > 0) {
        errs.push(fieldErrors.invalid(reqPath, canonicalQuantity(q), `must be less than or equal to ${name} limit of ${canonicalQuantity(lim)}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(fieldErrors.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    errs.push(...hugePageErrors(name, q, p));
  }
  const names = [...Object.keys(limits), ...Object.keys(requests)];
  if (names.some(isHugePages) && !names.some((n) => QOS_RESOURCES.has(n))) errs.push(fieldErrors.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
