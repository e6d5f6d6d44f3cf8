/** IPv4/IPv6 address and CIDR arithmetic on BigInt, for pod CIDRs, ipBlocks and overlap checks. */

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

export function parseIP(ip: string): { family: 4 | 6; value: bigint } | null {
  if (ip.includes(":")) return parseIPv6(ip);
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return { family: 4, value };
}

function parseIPv6(ip: string): { family: 6; value: bigint } | null {
  const zoneless = ip.split("%")[0]!;
  let tail = zoneless;
  let embedded4: bigint | null = null;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(zoneless);
  if (v4) {
    const parsed = parseIP(v4[1]!);
    if (!parsed || parsed.family !== 4) return null;
    embedded4 = parsed.value;
    tail = zoneless.slice(0, -v4[1]!.length) + "0:0";
  }
  const halves = tail.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (embedded4 !== null) value = (value & ~0xffffffffn) | embedded4;
  return { family: 6, value };
}

export function parseCidr(cidr: string): Cidr | null {
  const [addr, len] = cidr.trim().split("/");
  const ip = parseIP(addr ?? "");
  if (!ip) return null;
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? bits : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const mask = prefixMask(prefix, bits);
  return { family: ip.family, base: ip.value & mask, prefix };
}

function prefixMask(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all << BigInt(bits - prefix)) & all;
}

export function cidrContains(c: Cidr, ip: { family: 4 | 6; value: bigint }): boolean {
  if (c.family !== ip.family) return false;
  const bits = c.family === 4 ? 32 : 128;
  return (ip.value & prefixMask(c.prefix, bits)) === c.base;
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const c = parseCidr(cidr);
  const a = parseIP(ip);
  return !!c && !!a && cidrContains(c, a);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const bits = a.family === 4 ? 32 : 128;
  const shorter = Math.min(a.prefix, b.prefix);
  const mask = prefixMask(shorter, bits);
  return (a.base & mask) === (b.base & mask);
}
