/**
 * Fake IPv4 addresses for pods, the node and load balancers: each starts at a point derived from
 * a seed (the object's uid), so an address survives restarts without being stored anywhere but
 * the status, and probes past the ones in use so two live objects never share one.
 */
import { fnv32a } from './hash.js';

/** The pod network of kind clusters. */
export const POD_CIDR = { base: '10.244.0.0', size: 65536 } as const;
/** The docker network kind nodes sit on; load balancers take the top /24 as MetalLB setups do. */
export const NODE_CIDR = { base: '172.18.0.0', size: 256 } as const;
export const LOAD_BALANCER_CIDR = { base: '172.18.255.0', size: 256 } as const;

export function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + (Number(part) & 255), 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * An address of the range (never its first or last, the network and broadcast addresses) not in
 * `inUse`, starting from the seed's position; undefined when the range is full.
 */
export function pickAddress(range: { readonly base: string; readonly size: number }, seed: string, inUse: ReadonlySet<string>): string | undefined {
  const base = ipv4ToInt(range.base);
  const usable = range.size - 2;
  const start = fnv32a(Buffer.from(seed, 'utf8')) % usable;
  for (let i = 0; i < usable; i++) {
    const ip = intToIpv4(base + 1 + ((start + i) % usable));
    if (!inUse.has(ip)) return ip;
  }
  return undefined;
}
