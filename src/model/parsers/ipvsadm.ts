/**
 * `ipvsadm -Ln` (kube-proxy in IPVS mode):
 *
 *   IP Virtual Server version 1.2.1 (size=4096)
 *   Prot LocalAddress:Port Scheduler Flags
 *     -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
 *   TCP  10.96.0.1:443 rr persistent 10800
 *     -> 192.168.191.153:6443         Masq    1      0          0
 *
 * kube-proxy creates one virtual server per ClusterIP, external IP, LB IP and
 * per node address × NodePort; IPVS keeps no Service names, so the mapped
 * ProxyRuleSet is keyed by `protocol/address:port`.
 */
import { type LineSource, type SkippedLines, linesOf, newSkipped, recordSkipped } from "./lines.js";
import { type ProxyRuleSet, emptyRuleSet, emptyServicePort, splitHostPort, toProtocol } from "./proxy-rule-set.js";

export interface IpvsRealServer {
  line: number;
  /** As printed: `192.168.185.13:80`, `[fd00::5]:80`. */
  address: string;
  /** Masq, Route (DR), Tunnel, Local. */
  forward: string;
  weight: number;
  activeConnections: number;
  inactiveConnections: number;
}

export interface IpvsVirtualServer {
  line: number;
  /** TCP, UDP, SCTP, or FWM (firewall-mark services, where `address` is the mark). */
  protocol: string;
  address: string;
  scheduler: string;
  /** `persistent 10800` → 10800 (ClientIP session affinity). */
  persistenceSeconds?: number;
  /** Remaining flags as printed (`ops`, `mask …`). */
  flags: string[];
  realServers: IpvsRealServer[];
}

export interface IpvsTable {
  version?: string;
  virtualServers: IpvsVirtualServer[];
  lineCount: number;
  skipped: SkippedLines;
}

const VIRTUAL_SERVER = /^(TCP|UDP|SCTP|FWM)\s+(\S+)\s+(\S+)(.*)$/;
const REAL_SERVER = /^->\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;
const VERSION = /^IP Virtual Server version (\S+)/;

export function parseIpvsadm(input: LineSource): IpvsTable {
  const table: IpvsTable = { virtualServers: [], lineCount: 0, skipped: newSkipped() };
  let current: IpvsVirtualServer | undefined;
  for (const raw of linesOf(input)) {
    const lineNo = ++table.lineCount;
    const line = raw.trim();
    if (line === "" || line.startsWith("Prot LocalAddress") || line.startsWith("-> RemoteAddress")) continue;
    const version = VERSION.exec(line);
    if (version) {
      table.version = version[1]!;
      continue;
    }
    const vs = VIRTUAL_SERVER.exec(line);
    if (vs) {
      current = { line: lineNo, protocol: vs[1]!, address: vs[2]!, scheduler: vs[3]!, flags: [], realServers: [] };
      const flags = vs[4]!.trim().split(/\s+/).filter((f) => f !== "");
      for (let i = 0; i < flags.length; i++) {
        const seconds = flags[i] === "persistent" ? Number(flags[i + 1]) : NaN;
        if (Number.isInteger(seconds)) {
          current.persistenceSeconds = seconds;
          i++;
        } else current.flags.push(flags[i]!);
      }
      table.virtualServers.push(current);
      continue;
    }
    const rs = REAL_SERVER.exec(line);
    if (rs && current) {
      current.realServers.push({
        line: lineNo,
        address: rs[1]!,
        forward: rs[2]!,
        weight: Number(rs[3]),
        activeConnections: Number(rs[4]),
        inactiveConnections: Number(rs[5]),
      });
      continue;
    }
    recordSkipped(table.skipped, lineNo, raw);
  }
  return table;
}

/** The IPVS virtual servers as a ProxyRuleSet (one entry per virtual server, no names). */
export function mapIpvsKubeProxy(table: IpvsTable): ProxyRuleSet {
  const set = emptyRuleSet("ipvs");
  if (table.virtualServers.length > 0) {
    set.kubeProxyMode = "ipvs";
    set.present.kubeProxy = true;
  }
  for (const vs of table.virtualServers) {
    const protocol = toProtocol(vs.protocol);
    const key = `${vs.protocol.toLowerCase()}/${vs.address}`;
    const sp = set.services[key] ?? emptyServicePort(key);
    set.services[key] = sp;
    if (protocol) sp.protocol = protocol;
    const front = splitHostPort(vs.address);
    if (front) sp.port = front.port;
    sp.line = vs.line;
    sp.virtualServer = { address: vs.address, scheduler: vs.scheduler, flags: vs.flags };
    if (vs.persistenceSeconds !== undefined) sp.sessionAffinitySeconds = vs.persistenceSeconds;
    if (!set.family && front) set.family = front.ip.includes(":") ? "ipv6" : "ipv4";
    for (const rs of vs.realServers) {
      const target = splitHostPort(rs.address);
      if (!target) continue;
      sp.endpoints.push({
        ip: target.ip,
        port: target.port,
        line: rs.line,
        weight: rs.weight,
        activeConnections: rs.activeConnections,
        inactiveConnections: rs.inactiveConnections,
      });
    }
  }
  return set;
}
