/**
 * MTU consistency of the pod network, from each node's `ip -d addr`:
 *
 *   pod interface MTU  ≤  underlay MTU − encapsulation overhead
 *
 * on the node itself (the CNI's configured MTU and its tunnel devices too) and
 * across nodes (a pod on a node with a 1500-byte underlay sends packets another
 * node's 1450-byte underlay drops). Overheads: IPIP 20, VXLAN 50, Geneve 50,
 * WireGuard 60, GRE 24. Tunnel devices with `external` (collect-metadata:
 * cilium_vxlan, genev_sys_6081) carry no MTU of their own and are only used to
 * know the encapsulation.
 */
import { clip, type Evidence } from "../../types/evidence.js";
import type { ClusterModel } from "../../model/model.js";
import type { Node } from "../../model/k8s.js";
import { type IpInterface, parseIpAddr } from "../../model/parsers/ip-addr.js";
import { parseIpRoute } from "../../model/parsers/ip-route.js";

export const ENCAPSULATION_OVERHEAD: Readonly<Record<string, number>> = { ipip: 20, sit: 20, gre: 24, vxlan: 50, geneve: 50, wireguard: 60 };

const ENCAPSULATION_NAMES: Readonly<Record<string, string>> = { ipip: "IPIP", sit: "IPIP", gre: "GRE", vxlan: "VXLAN", geneve: "Geneve", wireguard: "WireGuard" };

/** Host-side ends of pod veths: Calico cali*, Cilium lxc* (not lxc_health), bridge CNIs veth*, Weave vethwe*, cloud CNIs eni*, azv*, gke*. */
const POD_INTERFACE = /^(?:cali|lxc(?!_health)|veth|azv|eni|gke)[0-9a-zA-Z]/;

export interface NodeMtu {
  node: string;
  file: string;
  underlay?: { name: string; mtu: number; line: number; text: string };
  /** Encapsulations in use (device up, with an address or collect-metadata). */
  encapsulations: { name: string; kind: string; overhead: number; mtu?: number; external: boolean; line: number; text: string }[];
  /** Largest MTU of the pod-facing interfaces (veths, or the pod bridge), and where. */
  pod?: { name: string; mtu: number; line: number; text: string; count: number };
}

export interface MtuProblem {
  nodes: string[];
  detail: string;
  evidence: Evidence[];
}

function ipv4Of(i: IpInterface): string[] {
  return i.addresses.filter((a) => a.family === "inet").map((a) => a.address);
}

function underlayOf(ifaces: IpInterface[], nodeIPs: string[], defaultDev: string | undefined): IpInterface | undefined {
  return ifaces.find((i) => ipv4Of(i).some((a) => nodeIPs.includes(a)))
    ?? (defaultDev ? ifaces.find((i) => i.name === defaultDev) : undefined)
    ?? ifaces.find((i) => i.up && i.linkType === "ether" && !i.kind && !i.master && ipv4Of(i).length > 0);
}

function podInterfaces(ifaces: IpInterface[]): IpInterface[] {
  const veths = ifaces.filter((i) => i.mtu !== undefined && (i.kind === "veth" || (i.linkedTo?.startsWith("if") ?? false)) && POD_INTERFACE.test(i.name));
  if (veths.length > 0) return veths;
  // No pod on the node yet: the pod bridge (cni0, cbr0) tells the MTU pods will get.
  return ifaces.filter((i) => i.mtu !== undefined && i.kind === "bridge" && /^(?:cni|cbr)\d/.test(i.name));
}

export function nodeMtu(model: ClusterModel, node: Node): NodeMtu | undefined {
  const name = node.metadata.name;
  const text = model.nodeFiles.get(name)?.get("ip-addr.txt");
  if (text === undefined) return undefined;
  const ifaces = parseIpAddr(text).interfaces;
  const lines = text.split("\n");
  const lineOf = (i: IpInterface) => (lines[i.line - 1] ?? i.name).trim();
  const routes = model.nodeFiles.get(name)?.get("ip-route.txt");
  const defaultDev = routes ? parseIpRoute(routes).routes.find((r) => r.dst === "default")?.dev : undefined;
  const nodeIPs = (node.status.addresses ?? []).filter((a) => a.type === "InternalIP" || a.type === "ExternalIP").map((a) => a.address);
  const out: NodeMtu = { node: name, file: `nodes/${name}/ip-addr.txt`, encapsulations: [] };
  const under = underlayOf(ifaces, nodeIPs, defaultDev);
  if (under?.mtu !== undefined) out.underlay = { name: under.name, mtu: under.mtu, line: under.line, text: lineOf(under) };
  for (const i of ifaces) {
    const kind = i.tunnel?.kind;
    if (!kind || !i.up) continue;
    const external = i.tunnel?.external === true;
    if (!external && i.addresses.length === 0) continue;
    out.encapsulations.push({ name: i.name, kind, overhead: ENCAPSULATION_OVERHEAD[kind] ?? 0, ...(i.mtu !== undefined ? { mtu: i.mtu } : {}), external, line: i.line, text: lineOf(i) });
  }
  const pods = podInterfaces(ifaces);
  if (pods.length > 0) {
    const widest = pods.reduce((a, b) => (b.mtu! > a.mtu! ? b : a));
    out.pod = { name: widest.name, mtu: widest.mtu!, line: widest.line, text: lineOf(widest), count: pods.length };
  }
  return out;
}

function overheadOf(m: NodeMtu): { bytes: number; label: string } {
  const worst = m.encapsulations.reduce<NodeMtu["encapsulations"][number] | undefined>((a, b) => (!a || b.overhead > a.overhead ? b : a), undefined);
  return worst ? { bytes: worst.overhead, label: ENCAPSULATION_NAMES[worst.kind] ?? worst.kind } : { bytes: 0, label: "no encapsulation" };
}

/** The largest packet the node's underlay carries for a pod once encapsulated. */
export function podMtuLimit(m: NodeMtu): number | undefined {
  return m.underlay ? m.underlay.mtu - overheadOf(m).bytes : undefined;
}

/** Evidence quoting the interface's own line of `ip -d addr`. */
function at(m: NodeMtu, where: { line: number; text: string }): Evidence {
  return { file: m.file, line: where.line, excerpt: clip(where.text) };
}

export interface ConfiguredMtu {
  mtu: number;
  source: string;
  evidence: Evidence;
}

export function mtuProblems(nodes: NodeMtu[], configured: ConfiguredMtu | undefined): MtuProblem[] {
  const problems: MtuProblem[] = [];
  for (const m of nodes) {
    const limit = podMtuLimit(m);
    if (limit === undefined || !m.underlay) continue;
    const o = overheadOf(m);
    const budget = `${m.underlay.name} mtu ${m.underlay.mtu}${o.bytes ? ` − ${o.bytes} (${o.label})` : ""} = ${limit}`;
    const underlayEvidence = at(m, m.underlay);
    if (m.pod && m.pod.mtu > limit) {
      problems.push({ nodes: [m.node], detail: `${m.node}: pod interfaces use mtu ${m.pod.mtu} (${m.pod.name}${m.pod.count > 1 ? ` and ${m.pod.count - 1} more` : ""}) but ${budget}`, evidence: [at(m, m.pod), underlayEvidence] });
    }
    for (const e of m.encapsulations) {
      if (e.external || e.mtu === undefined || e.mtu <= m.underlay.mtu - e.overhead) continue;
      problems.push({ nodes: [m.node], detail: `${m.node}: ${e.name} (${ENCAPSULATION_NAMES[e.kind] ?? e.kind}) mtu ${e.mtu} > ${m.underlay.name} mtu ${m.underlay.mtu} − ${e.overhead}`, evidence: [at(m, e), underlayEvidence] });
    }
    if (configured && configured.mtu > limit && !(m.pod && m.pod.mtu > limit)) {
      problems.push({ nodes: [m.node], detail: `${m.node}: ${configured.source} ${configured.mtu} > ${budget}`, evidence: [configured.evidence, underlayEvidence] });
    }
  }
  // Across nodes: a pod's packets must fit every other node's underlay after encapsulation.
  const limits = nodes.map((m) => ({ m, limit: podMtuLimit(m) })).filter((x): x is { m: NodeMtu; limit: number } => x.limit !== undefined);
  for (const sender of nodes) {
    if (!sender.pod) continue;
    const ownLimit = podMtuLimit(sender);
    if (ownLimit !== undefined && sender.pod.mtu > ownLimit) continue; // already reported for the node itself
    const tight = limits.filter((x) => x.m !== sender && x.limit < sender.pod!.mtu).sort((a, b) => a.limit - b.limit);
    if (tight.length === 0) continue;
    const t = tight[0]!;
    problems.push({
      nodes: [sender.node, ...tight.map((x) => x.m.node)],
      detail: `pods on ${sender.node} use mtu ${sender.pod.mtu} but ${tight.map((x) => x.m.node).join(", ")} ${tight.length === 1 ? "carries" : "carry"} at most ${t.limit} (${t.m.underlay!.name} mtu ${t.m.underlay!.mtu}${overheadOf(t.m).bytes ? ` − ${overheadOf(t.m).bytes} ${overheadOf(t.m).label}` : ""}): larger packets between them are dropped`,
      evidence: [at(sender, sender.pod), at(t.m, t.m.underlay!)],
    });
  }
  return problems;
}
