/**
 * Ports and protocols as NetworkPolicy sees them.
 *
 *  - `protocol` defaults to TCP (for policy ports, container ports and
 *    Service ports alike); NetworkPolicy knows only TCP, UDP and SCTP.
 *  - A policy port with no `port` matches every port of its protocol; a rule
 *    with no `ports` matches every port of every protocol.
 *  - `endPort` widens a numeric `port` into the inclusive range port..endPort.
 *  - A named port is resolved against the *destination* pod's container ports
 *    (for ingress and egress rules alike), by name AND protocol, exactly like
 *    the Service `targetPort` lookup (podutil.FindPort): regular containers and
 *    native sidecars (init containers with `restartPolicy: Always`). A named
 *    port can never match a destination that is not a pod (an external IP, a
 *    host-network pod seen as its node).
 */
import type { Container, NetworkPolicyPort, Pod } from "../../model/k8s.js";

export const PROTOCOLS = ["TCP", "UDP", "SCTP"] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const MIN_PORT = 1;
const MAX_PORT = 65535;

/** Defaults to TCP; an unknown protocol (which the API server would reject) gives null. */
export function toProtocol(value: string | null | undefined): Protocol | null {
  if (value == null || value === "TCP") return "TCP"; // the common cases, without allocating
  if (value === "UDP" || value === "SCTP") return value;
  const upper = value.toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(upper) ? (upper as Protocol) : null;
}

export interface ContainerPortInfo {
  container: string;
  name?: string;
  port: number;
  protocol: Protocol;
}

/** The ports a pod declares, in the containers that can serve them. */
export function podContainerPorts(pod: Pod): ContainerPortInfo[] {
  const out: ContainerPortInfo[] = [];
  const add = (c: Container) => {
    for (const p of c.ports ?? []) {
      const protocol = toProtocol(p.protocol);
      if (!protocol) continue;
      out.push(p.name ? { container: c.name, name: p.name, port: p.containerPort, protocol } : { container: c.name, port: p.containerPort, protocol });
    }
  };
  for (const c of pod.spec.containers ?? []) add(c);
  for (const c of pod.spec.initContainers ?? []) if (c.restartPolicy === "Always") add(c);
  return out;
}

export function resolveNamedPort(ports: readonly ContainerPortInfo[], name: string, protocol: Protocol): number | null {
  return ports.find((p) => p.name === name && p.protocol === protocol)?.port ?? null;
}

/** How one `ports[]` entry of a rule relates to a connection. */
export type PortEntryMatch = "match" | "no-match" | "named-unresolved" | "named-not-pod";

/**
 * @param destPorts the destination pod's container ports, or null when the
 *   destination is not a pod (named ports cannot apply).
 */
export function matchPolicyPort(
  entry: NetworkPolicyPort,
  protocol: Protocol,
  port: number,
  destPorts: readonly ContainerPortInfo[] | null,
): PortEntryMatch {
  if (toProtocol(entry.protocol) !== protocol) return "no-match";
  if (entry.port == null) return "match";
  if (typeof entry.port === "number") {
    const end = entry.endPort != null && entry.endPort >= entry.port ? entry.endPort : entry.port;
    return port >= entry.port && port <= end ? "match" : "no-match";
  }
  if (destPorts === null) return "named-not-pod";
  const resolved = resolveNamedPort(destPorts, entry.port, protocol);
  if (resolved === null) return "named-unresolved";
  return resolved === port ? "match" : "no-match";
}

export interface RulePortsMatch {
  matched: boolean;
  /** Index into `ports` of the first entry that matched; null when the rule lists no ports (all ports). */
  index: number | null;
  /** Named ports of this protocol that could not be resolved on the destination. */
  unresolvedNames: string[];
  /** Named ports of this protocol skipped because the destination is not a pod. */
  namesOnNonPod: string[];
}

export function matchRulePorts(
  ports: readonly NetworkPolicyPort[] | null | undefined,
  protocol: Protocol,
  port: number,
  destPorts: readonly ContainerPortInfo[] | null,
): RulePortsMatch {
  const result: RulePortsMatch = { matched: false, index: null, unresolvedNames: [], namesOnNonPod: [] };
  if (!ports || ports.length === 0) return { ...result, matched: true };
  for (let i = 0; i < ports.length; i++) {
    const m = matchPolicyPort(ports[i]!, protocol, port, destPorts);
    if (m === "match") return { ...result, matched: true, index: i };
    if (m === "named-unresolved") result.unresolvedNames.push(String(ports[i]!.port));
    if (m === "named-not-pod") result.namesOnNonPod.push(String(ports[i]!.port));
  }
  return result;
}

/** A set of (protocol, port) pairs, kept as sorted disjoint ranges per protocol. */
export class PortSet {
  private readonly ranges = new Map<Protocol, Array<[number, number]>>();

  static all(): PortSet {
    const s = new PortSet();
    for (const p of PROTOCOLS) s.add(p, MIN_PORT, MAX_PORT);
    return s;
  }

  add(protocol: Protocol, lo: number, hi: number): this {
    const from = Math.max(MIN_PORT, lo);
    const to = Math.min(MAX_PORT, hi);
    if (from > to) return this;
    const merged: Array<[number, number]> = [];
    let cur: [number, number] = [from, to];
    for (const r of this.ranges.get(protocol) ?? []) {
      if (r[1] + 1 < cur[0]) merged.push(r);
      else if (cur[1] + 1 < r[0]) { merged.push(cur); cur = r; }
      else cur = [Math.min(r[0], cur[0]), Math.max(r[1], cur[1])];
    }
    merged.push(cur);
    this.ranges.set(protocol, merged);
    return this;
  }

  union(other: PortSet): PortSet {
    const out = this.clone();
    for (const [p, rs] of other.ranges) for (const [lo, hi] of rs) out.add(p, lo, hi);
    return out;
  }

  intersect(other: PortSet): PortSet {
    const out = new PortSet();
    for (const [p, mine] of this.ranges) {
      for (const [alo, ahi] of mine) {
        for (const [blo, bhi] of other.ranges.get(p) ?? []) out.add(p, Math.max(alo, blo), Math.min(ahi, bhi));
      }
    }
    return out;
  }

  has(protocol: Protocol, port: number): boolean {
    return (this.ranges.get(protocol) ?? []).some(([lo, hi]) => port >= lo && port <= hi);
  }

  isEmpty(): boolean {
    return this.ranges.size === 0;
  }

  isAll(): boolean {
    return PROTOCOLS.every((p) => {
      const r = this.ranges.get(p);
      return r?.length === 1 && r[0]![0] === MIN_PORT && r[0]![1] === MAX_PORT;
    });
  }

  /** Per protocol (in TCP, UDP, SCTP order), its ranges. */
  entries(): Array<{ protocol: Protocol; ranges: Array<[number, number]> }> {
    return PROTOCOLS.filter((p) => this.ranges.has(p)).map((p) => ({ protocol: p, ranges: this.ranges.get(p)!.map((r) => [r[0], r[1]] as [number, number]) }));
  }

  /** `all ports`, `none`, or e.g. `TCP 80,8000-8080; UDP 53`. */
  toString(): string {
    if (this.isAll()) return "all ports";
    if (this.isEmpty()) return "none";
    return this.entries()
      .map(({ protocol, ranges }) => {
        const text = ranges.length === 1 && ranges[0]![0] === MIN_PORT && ranges[0]![1] === MAX_PORT
          ? "all"
          : ranges.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(",");
        return `${protocol} ${text}`;
      })
      .join("; ");
  }

  private clone(): PortSet {
    const s = new PortSet();
    for (const [p, rs] of this.ranges) s.ranges.set(p, rs.map((r) => [r[0], r[1]] as [number, number]));
    return s;
  }
}

/** The connections one rule's `ports` admit towards a destination (named ports resolved on it). */
export function rulePortSet(ports: readonly NetworkPolicyPort[] | null | undefined, destPorts: readonly ContainerPortInfo[] | null): PortSet {
  if (!ports || ports.length === 0) return PortSet.all();
  const set = new PortSet();
  for (const entry of ports) {
    const protocol = toProtocol(entry.protocol);
    if (!protocol) continue;
    if (entry.port == null) set.add(protocol, MIN_PORT, MAX_PORT);
    else if (typeof entry.port === "number") set.add(protocol, entry.port, entry.endPort != null && entry.endPort >= entry.port ? entry.endPort : entry.port);
    else if (destPorts !== null) {
      const resolved = resolveNamedPort(destPorts, entry.port, protocol);
      if (resolved !== null) set.add(protocol, resolved, resolved);
    }
  }
  return set;
}

export interface PortSpec {
  /** A number, or a container port name resolved on the destination pod. */
  port: number | string;
  protocol: Protocol;
}

/** Parses the CLI form `5432`, `5432/TCP`, `53/udp`, `http`, `dns/UDP` (protocol defaults to TCP). */
export function parsePortSpec(text: string): PortSpec | null {
  const [portText = "", protoText, extra] = text.trim().split("/");
  if (extra !== undefined || portText === "") return null;
  const protocol = toProtocol(protoText ?? "TCP");
  if (!protocol) return null;
  if (/^[0-9]+$/.test(portText)) {
    const port = Number(portText);
    return port >= MIN_PORT && port <= MAX_PORT ? { port, protocol } : null;
  }
  return /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/i.test(portText) ? { port: portText, protocol } : null;
}
