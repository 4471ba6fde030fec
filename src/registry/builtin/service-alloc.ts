/**
 * Cluster IP and node port allocation for Services, as pure functions over what is taken. The
 * store can later back `taken` with the addresses and ports a space already uses (unique per
 * space); until then each pick is a deterministic-random free value: a hash of a seed (the new
 * object's uid) chooses where to start, and the first free value from there is taken, so
 * separate objects rarely collide and tests get stable results.
 *
 * Like kube-apiserver, dynamic picks prefer the upper part of the range and fall back to the
 * lower "static" band (the first 256 service IPs, where well-known ones such as 10.96.0.1 for
 * `kubernetes` and 10.96.0.10 for DNS live, and the first 86 node ports).
 */

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

const CIDR_BASE = ipv4ToInt('10.96.0.0')!;
const CIDR_SIZE = 2 ** 20;
const IP_STATIC_BAND = 256;
const PORT_STATIC_BAND = 86;

/** What a space already uses; the store supplies it, the default uses nothing. */
export interface ServiceAllocations {
  clusterIPs(): ReadonlySet<string>;
  nodePorts(): ReadonlySet<number>;
}

export const NO_ALLOCATIONS: ServiceAllocations = { clusterIPs: () => new Set(), nodePorts: () => new Set() };

/** 32-bit FNV-1a, for spreading seeds over a range. */
function hash(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The first free offset in [lo, hi], starting from a seed-chosen one and wrapping around. */
function probe(lo: number, hi: number, seed: string, free: (offset: number) => boolean): number | undefined {
  const size = hi - lo + 1;
  if (size <= 0) return undefined;
  const start = hash(seed) % size;
  for (let i = 0; i < size; i++) {
    const offset = lo + ((start + i) % size);
    if (free(offset)) return offset;
  }
  return undefined;
}

export function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

export const intToIpv4 = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** Whether `ip` is a usable address of SERVICE_CIDR (not the network or broadcast address). */
export function inServiceCIDR(ip: string): boolean {
  const n = ipv4ToInt(ip);
  return n !== undefined && n > CIDR_BASE && n < CIDR_BASE + CIDR_SIZE - 1;
}

/** A free cluster IP from SERVICE_CIDR, or undefined when the range is full. */
export function allocateClusterIP(taken: ReadonlySet<string>, seed = ''): string | undefined {
  const free = (offset: number): boolean => !taken.has(intToIpv4(CIDR_BASE + offset));
  const offset = probe(IP_STATIC_BAND, CIDR_SIZE - 2, seed, free) ?? probe(1, IP_STATIC_BAND - 1, seed, free);
  return offset === undefined ? undefined : intToIpv4(CIDR_BASE + offset);
}

/** A free node port from 30000-32767, or undefined when none is left. */
export function allocateNodePort(taken: ReadonlySet<number>, seed = ''): number | undefined {
  const free = (port: number): boolean => !taken.has(port);
  return probe(NODE_PORT_MIN + PORT_STATIC_BAND, NODE_PORT_MAX, seed, free) ?? probe(NODE_PORT_MIN, NODE_PORT_MIN + PORT_STATIC_BAND - 1, seed, free);
}

/** IPv4 or IPv6 syntax (net.ParseIP without zones). */
export function isIP(s: string): boolean {
  if (ipv4ToInt(s) !== undefined) return true;
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  const groups = s.split('::');
  if (groups.length > 2) return false;
  const parts = groups.flatMap((g) => (g === '' ? [] : g.split(':')));
  const v4tail = parts.length > 0 && parts[parts.length - 1]!.includes('.');
  if (v4tail && ipv4ToInt(parts[parts.length - 1]!) === undefined) return false;
  const hex = v4tail ? parts.slice(0, -1) : parts;
  if (!hex.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p))) return false;
  const count = hex.length + (v4tail ? 2 : 0);
  return groups.length === 2 ? count < 8 : count === 8;
}
