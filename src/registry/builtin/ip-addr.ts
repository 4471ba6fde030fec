/**
 * IP addresses and CIDRs in the forms kube-apiserver's networking.k8s.io validation accepts: an
 * address parsed into its bytes, printed back in canonical form (dotted quad for IPv4; RFC 5952
 * for IPv6, lowercase, the longest run of zero groups compressed, an IPv4-mapped address with a
 * dotted tail), so that a name or CIDR can be checked against its canonical spelling.
 */
import { ipv4ToInt, isIP } from './service-alloc.js';

export type IPFamily = 'IPv4' | 'IPv6';

export interface ParsedIP {
  readonly family: IPFamily;
  /** 4 bytes for IPv4, 16 for IPv6. */
  readonly bytes: readonly number[];
}

function v4Bytes(s: string): number[] | undefined {
  const n = ipv4ToInt(s);
  if (n === undefined) return undefined;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256);
}

/** The address's family and bytes, or undefined if `s` is no IP address (zones are not accepted). */
export function parseIP(s: string): ParsedIP | undefined {
  if (!isIP(s)) return undefined;
  if (!s.includes(':')) {
    // Leading zeros are ambiguous (octal to some parsers); Go's parser rejects them.
    if (s.split('.').some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return { family: 'IPv4', bytes: v4Bytes(s)! };
  }
  const [head = '', tail] = s.split('::');
  const groupsOf = (part: string): number[] => {
    const out: number[] = [];
    for (const g of part === '' ? [] : part.split(':')) {
      if (g.includes('.')) {
        const b = v4Bytes(g)!;
        out.push(b[0]! * 256 + b[1]!, b[2]! * 256 + b[3]!);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const first = groupsOf(head);
  const last = tail === undefined ? [] : groupsOf(tail);
  const groups = tail === undefined ? first : [...first, ...new Array<number>(8 - first.length - last.length).fill(0), ...last];
  return { family: 'IPv6', bytes: groups.flatMap((g) => [g >> 8, g & 0xff]) };
}

/** The canonical spelling of a parsed address. */
export function formatIP(ip: ParsedIP): string {
  const b = ip.bytes;
  if (ip.family === 'IPv4') return b.join('.');
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return `::ffff:${b.slice(12).join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => b[2 * i]! * 256 + b[2 * i + 1]!);
  // The longest run of two or more zero groups (the first of equal runs) becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

export interface ParsedCIDR {
  readonly ip: ParsedIP;
  readonly prefix: number;
}

/** `addr/prefix`, or undefined if either half is malformed. */
export function parseCIDR(s: string): ParsedCIDR | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (m === null) return undefined;
  const ip = parseIP(m[1]!);
  const prefix = Number(m[2]);
  if (ip === undefined || (m[2]!.length > 1 && m[2]!.startsWith('0'))) return undefined;
  if (prefix > ip.bytes.length * 8) return undefined;
  return { ip, prefix };
}

/** The CIDR with its host bits cleared, canonically spelled (`10.0.0.0/8` for `10.1.2.3/8`). */
export function canonicalCIDR(c: ParsedCIDR): string {
  const bytes = c.ip.bytes.map((x, i) => {
    const bits = Math.max(0, Math.min(8, c.prefix - 8 * i));
    return x & (0xff << (8 - bits)) & 0xff;
  });
  return `${formatIP({ family: c.ip.family, bytes })}/${c.prefix}`;
}
