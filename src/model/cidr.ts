/**
 * IPv4/IPv6 addresses and CIDRs, for every layer: pod and Service ranges,
 * node addresses, endpoint IPs, NetworkPolicy `ipBlock`s. Addresses are held
 * as bigints tagged with their family, so a /0 and a /128 use the same code
 * path.
 *
 * Parsing follows what the Kubernetes API server accepts (netutils
 * ParseIPSloppy / ParseCIDRSloppy): IPv4 octets with leading zeros are read as
 * decimal, host bits after the prefix are masked away (as Go's net.ParseCIDR
 * does), IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) of single IPs are
 * treated as IPv4 like Go's `To4()`, zones (`%eth0`) are refused, and a CIDR
 * needs its `/prefix`. Families never match each other. Invalid input yields
 * `null`, never an exception.
 */

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** Network address (host bits cleared). */
  base: bigint;
  prefix: number;
  /** Last address of the range. */
  last: bigint;
  /** Canonical text, e.g. `10.0.0.0/8`. */
  text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIPv4(text: string): bigint | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "." closes the last octet
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return null;
      octet = octet * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || octet > 255 || ++parts > 4) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else return null;
  }
  return parts === 4 ? BigInt(value) : null;
}

function parseIPv6(text: string): bigint | null {
  if (text.includes("%")) return null; // zones are not valid in policies
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): string[] | null => (part === "" ? [] : part.split(":"));
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === null || tail === null) return null;

  // A trailing dotted quad stands for the last two groups.
  const words: number[] = [];
  const all = [...head, ...(halves.length === 2 ? ["::"] : []), ...tail];
  for (let i = 0; i < all.length; i++) {
    const group = all[i]!;
    if (group === "::") {
      words.push(-1); // placeholder for the zero run
      continue;
    }
    if (i === all.length - 1 && group.includes(".")) {
      const v4 = parseIPv4(group);
      if (v4 === null) return null;
      words.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    words.push(parseInt(group, 16));
  }
  const explicit = words.filter((w) => w >= 0).length;
  const gap = words.indexOf(-1);
  if (gap >= 0) {
    if (explicit > 7) return null;
    words.splice(gap, 1, ...new Array<number>(8 - explicit).fill(0));
  }
  if (words.length !== 8) return null;
  let value = 0n;
  for (const w of words) value = (value << 16n) | BigInt(w);
  return value;
}

/** Parses one IP address; IPv4-mapped IPv6 addresses become IPv4. */
export function parseIp(text: string): IpAddress | null {
  const t = text.trim();
  if (t.includes(":")) {
    const value = parseIPv6(t);
    if (value === null) return null;
    if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
    return { family: 6, value };
  }
  const value = parseIPv4(t);
  return value === null ? null : { family: 4, value };
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join(".");
  }
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const addrText = text.slice(0, slash).trim();
  const prefixText = text.slice(slash + 1).trim();
  if (!/^[0-9]{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  // A CIDR keeps the family it is written in (unlike a single address).
  const family: IpFamily = addrText.includes(":") ? 6 : 4;
  const value = family === 6 ? parseIPv6(addrText) : parseIPv4(addrText);
  if (value === null) return null;
  const bits = BITS[family];
  if (prefix > bits) return null;
  const hostBits = BigInt(bits - prefix);
  const base = (value >> hostBits) << hostBits;
  const last = base | ((1n << hostBits) - 1n);
  return { family, base, prefix, last, text: `${formatIp({ family, value: base })}/${prefix}` };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && ip.value >= cidr.base && ip.value <= cidr.last;
}

/** `b` lies entirely inside `a`. */
export function cidrCovers(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && b.base >= a.base && b.last <= a.last;
}

export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.base <= b.last && b.base <= a.last;
}

/** `ip` (an address) lies in `cidr`; false when either does not parse. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIp(ip);
  return !!c && !!a && cidrContains(c, a);
}

/** Written as a dotted quad: tells the families apart, where parseIp would also validate the octets. */
export function looksLikeIPv4(text: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(text);
}

/** Written as an IPv4 `ip:port`, as clients log the target they dial. */
export function looksLikeIPv4Target(text: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}$/.test(text);
}

/** The IPv4 `ip:port` targets a log line names, bounded as whole tokens (no digit or dot before, no digit after). */
export function ipv4TargetsIn(text: string): string[] {
  return [...text.matchAll(/(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}:\d{1,5}(?!\d)/g)].map((m) => m[0]);
}
