/**
 * NetworkPolicy `ipBlock` peers: a CIDR minus its `except` ranges, as the API
 * server validates them (every except inside the CIDR). Address and CIDR
 * parsing is src/model/cidr.ts's.
 */
import { type Cidr, type IpAddress, cidrContains, cidrCovers, parseCidr } from "../../model/cidr.js";

/** An `ipBlock` peer: `cidr` minus every `except` range. */
export interface IpBlock {
  cidr: Cidr;
  except: Cidr[];
  /** Except entries that did not parse or lie outside `cidr` (the API server rejects both). */
  invalidExcept: string[];
}

export function parseIpBlock(block: { cidr: string; except?: string[] | null }): IpBlock | null {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return null;
  const except: Cidr[] = [];
  const invalidExcept: string[] = [];
  for (const text of block.except ?? []) {
    const e = parseCidr(text);
    if (e && cidrCovers(cidr, e)) except.push(e);
    else invalidExcept.push(text);
  }
  return { cidr, except, invalidExcept };
}

export function ipBlockContains(block: IpBlock, ip: IpAddress): boolean {
  return cidrContains(block.cidr, ip) && !block.except.some((e) => cidrContains(e, ip));
}

/** The block as sorted, disjoint [first, last] address ranges: `cidr` with the `except` holes cut out. */
export function ipBlockRanges(block: IpBlock): Array<[bigint, bigint]> {
  const holes = [...block.except].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  const ranges: Array<[bigint, bigint]> = [];
  let start = block.cidr.base;
  for (const hole of holes) {
    if (hole.last < start) continue;
    if (hole.base > start) ranges.push([start, hole.base - 1n]);
    start = hole.last + 1n;
  }
  if (start <= block.cidr.last) ranges.push([start, block.cidr.last]);
  return ranges;
}

export function formatIpBlock(block: IpBlock): string {
  return block.except.length ? `${block.cidr.text} except ${block.except.map((e) => e.text).join(", ")}` : block.cidr.text;
}
