/**
 * `ip -d addr` (also plain `ip addr` and `ip -d link`): interfaces with MTU,
 * state, link type, tunnel details and addresses.
 *
 *   4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default
 *       link/ether 5e:08:1d:56:15:e3 brd ff:ff:ff:ff:ff:ff promiscuity 0 minmtu 68 maxmtu 65535
 *       vxlan id 1 local 10.0.0.11 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto …
 *       inet 10.42.0.0/32 scope global flannel.1
 *          valid_lft forever preferred_lft forever
 *
 * Lines are recognised by their first word, not their indentation (pasted
 * output often loses it). Statistics (`-s`) and unknown lines are skipped.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";

export interface IpAddress {
  family: "inet" | "inet6";
  address: string;
  prefixLength: number;
  /** Point-to-point peer (`inet 10.0.0.1 peer 10.0.0.2/32`). */
  peer?: string;
  scope?: string;
  /** Label (`eth0:1`) when it differs from the interface name. */
  label?: string;
  line: number;
}

/** Encapsulating devices, from the `-d` details line. */
export interface TunnelDetails {
  kind: "vxlan" | "geneve" | "ipip" | "gre" | "wireguard" | "sit" | "ip6tnl";
  /** VNI (vxlan, geneve). */
  id?: number;
  /** `external` (collect-metadata) devices: Cilium's cilium_vxlan, OVN's genev_sys_6081. */
  external?: boolean;
  local?: string;
  remote?: string;
  /** Underlay device (`dev eth0`). */
  device?: string;
  /** UDP destination port (vxlan 8472/4789, geneve 6081). */
  dstPort?: number;
}

export interface IpInterface {
  index: number;
  name: string;
  /** After `@`: the veth peer (`if10`), the parent device, or `NONE`. */
  linkedTo?: string;
  flags: string[];
  /** Administratively up (UP flag) and carrier present (LOWER_UP). */
  up: boolean;
  lowerUp: boolean;
  mtu?: number;
  qdisc?: string;
  master?: string;
  state?: string;
  /** `link/ether`, `link/ipip`, `link/none` (WireGuard), `link/loopback`… without the `link/` prefix. */
  linkType?: string;
  mac?: string;
  /** First word of the `-d` details line: vxlan, geneve, ipip, wireguard, bridge, veth, openvswitch, dummy… */
  kind?: string;
  /** Role inside a master device (`bridge_slave`, `openvswitch_slave`). */
  slaveKind?: string;
  tunnel?: TunnelDetails;
  addresses: IpAddress[];
  line: number;
}

export interface IpAddrOutput {
  interfaces: IpInterface[];
  lineCount: number;
  skipped: SkippedLines;
}

const HEADER = /^(\d+):\s+([^\s:@]+)(?:@([^\s:]+))?:\s+<([^>]*)>(.*)$/;
const TUNNEL_KINDS = new Set(["vxlan", "geneve", "ipip", "gre", "wireguard", "sit", "ip6tnl"]);
/** Detail lines that describe the device's role or kind (first word). */
const IGNORED_FIRST_WORDS = new Set(["altname", "valid_lft", "RX:", "TX:", "RX", "TX", "prop", "vf"]);
const MAC = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

export function parseIpAddr(input: LineSource): IpAddrOutput {
  const out: IpAddrOutput = { interfaces: [], lineCount: 0, skipped: newSkipped() };
  let current: IpInterface | undefined;
  for (const raw of linesOf(input)) {
    const lineNo = ++out.lineCount;
    const line = raw.trim();
    if (line === "") continue;
    const header = HEADER.exec(line);
    if (header) {
      current = interfaceFromHeader(header, lineNo);
      out.interfaces.push(current);
      continue;
    }
    const words = line.split(/\s+/);
    const first = words[0]!;
    if (!current) {
      recordSkipped(out.skipped, lineNo, raw);
      continue;
    }
    if (first.startsWith("link/")) {
      current.linkType = first.slice(5);
      if (words[1] && MAC.test(words[1])) current.mac = words[1];
    } else if (first === "inet" || first === "inet6") {
      const address = parseAddress(first, words, current.name, lineNo);
      if (address) current.addresses.push(address);
      else recordSkipped(out.skipped, lineNo, raw);
    } else if (IGNORED_FIRST_WORDS.has(first) || /^\d/.test(first)) {
      // lifetimes, altnames, and `-s` statistics (headers and their counter rows)
      continue;
    } else if (/^[a-z][a-z0-9_]*$/.test(first)) {
      applyDetails(current, words);
    } else {
      recordSkipped(out.skipped, lineNo, raw);
    }
  }
  return out;
}

function interfaceFromHeader(m: RegExpExecArray, line: number): IpInterface {
  const flags = m[4] ? m[4].split(",") : [];
  const iface: IpInterface = {
    index: Number(m[1]),
    name: m[2]!,
    flags,
    up: flags.includes("UP"),
    lowerUp: flags.includes("LOWER_UP"),
    addresses: [],
    line,
  };
  if (m[3]) iface.linkedTo = m[3];
  const words = m[5]!.trim().split(/\s+/);
  for (let i = 0; i + 1 < words.length; i++) {
    const value = words[i + 1]!;
    switch (words[i]) {
      case "mtu": {
        const mtu = Number(value);
        if (Number.isInteger(mtu)) iface.mtu = mtu;
        break;
      }
      case "qdisc":
        iface.qdisc = value;
        break;
      case "master":
        iface.master = value;
        break;
      case "state":
        iface.state = value;
        break;
    }
  }
  return iface;
}

/** `inet 10.42.0.1/24 brd 10.42.0.255 scope global cni0`, `inet 10.0.0.1 peer 10.0.0.2/32 scope global wg0`. */
function parseAddress(family: "inet" | "inet6", words: string[], ifname: string, line: number): IpAddress | undefined {
  const cidr = words[1];
  if (!cidr) return undefined;
  const peerAt = words.indexOf("peer");
  const slash = cidr.indexOf("/");
  const address = slash === -1 ? cidr : cidr.slice(0, slash);
  let prefixText = slash === -1 ? undefined : cidr.slice(slash + 1);
  const result: IpAddress = { family, address, prefixLength: 0, line };
  if (peerAt !== -1 && words[peerAt + 1]) {
    const peer = words[peerAt + 1]!;
    const peerSlash = peer.indexOf("/");
    result.peer = peerSlash === -1 ? peer : peer.slice(0, peerSlash);
    if (peerSlash !== -1) prefixText = peer.slice(peerSlash + 1);
  }
  const prefix = Number(prefixText ?? (family === "inet" ? 32 : 128));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === "inet" ? 32 : 128)) return undefined;
  result.prefixLength = prefix;
  const scopeAt = words.indexOf("scope");
  if (scopeAt !== -1 && words[scopeAt + 1]) result.scope = words[scopeAt + 1]!;
  // inet lines end with the label (the interface name, or an alias such as eth0:1).
  const last = words[words.length - 1]!;
  if (family === "inet" && scopeAt !== -1 && words.length > scopeAt + 2 && last !== ifname && !KNOWN_ADDRESS_FLAGS.has(last)) result.label = last;
  return result;
}

const KNOWN_ADDRESS_FLAGS = new Set(["dynamic", "noprefixroute", "secondary", "deprecated", "tentative", "permanent", "mngtmpaddr", "temporary"]);

/** A `-d` details line: the kind word, then key/value pairs. */
function applyDetails(iface: IpInterface, words: string[]): void {
  const kind = words[0]!;
  if (kind.endsWith("_slave")) {
    iface.slaveKind ??= kind;
    return;
  }
  if (iface.kind) return; // a second kind line (rare) adds nothing we read
  iface.kind = kind;
  if (!TUNNEL_KINDS.has(kind)) return;
  const tunnel: TunnelDetails = { kind: kind as TunnelDetails["kind"] };
  for (let i = 1; i < words.length; i++) {
    const key = words[i];
    const value = words[i + 1];
    if (key === "external") tunnel.external = true;
    else if (key === "id" && value) tunnel.id = Number(value);
    else if (key === "local" && value && value !== "any") tunnel.local = value;
    else if (key === "remote" && value && value !== "any") tunnel.remote = value;
    else if (key === "dev" && value) tunnel.device = value;
    else if (key === "dstport" && value) tunnel.dstPort = Number(value);
  }
  iface.tunnel = tunnel;
}

/** An interface by name (`flannel.1`, `cni0`, `tunl0`). */
export function findInterface(output: IpAddrOutput, name: string): IpInterface | undefined {
  return output.interfaces.find((i) => i.name === name);
}
