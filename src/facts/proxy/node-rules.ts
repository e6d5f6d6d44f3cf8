/**
 * Each node's Service rules compared with what the cluster says kube-proxy
 * should have programmed. A node's dumps (iptables-save, nft list ruleset,
 * ipvsadm -Ln) are parsed one node at a time, mapped to a ProxyRuleSet,
 * compared, and dropped: only the differences are kept, so 100 nodes with
 * 100k-line dumps never sit in memory together.
 */
import type { ClusterModel } from "../../model/model.js";
import { CompactIptablesText, type InternedDump, SharedIptablesParse, sameDump } from "../../model/parsers/iptables-shared.js";
import { parseIpvsadm, mapIpvsKubeProxy } from "../../model/parsers/ipvsadm.js";
import { mapIptablesKubeProxy } from "../../model/parsers/kube-proxy-rules.js";
import { mapNftablesKubeProxy, parseNftRuleset } from "../../model/parsers/nftables.js";
import type { CniName, ProxyBackend, ProxyRuleSet, ProxyServicePort } from "../../model/parsers/proxy-rule-set.js";
import { type ExpectedProxyState, endpointsForNode, expectedProxyState, frontendKey } from "./expected.js";

/** Rule dumps a node may have, in the order they are read. */
export const RULE_FILES = ["iptables-save.txt", "iptables-nft-save.txt", "iptables-legacy-save.txt", "nft-ruleset.txt", "ipvsadm.txt"] as const;
export const RULE_FILE_GLOBS = RULE_FILES.map((f) => `nodes/*/${f}`).join("|");

export type KubeProxyMode = "iptables" | "ipvs" | "nftables";

export interface StaleTarget {
  /** Service port key (`ns/name:port`, or `tcp/ip:port` for IPVS). */
  key: string;
  /** `ip:port` the rules still send traffic to. */
  target: string;
  file: string;
  line?: number;
}

export interface PodMasqueradeRule {
  chain: string;
  target: string;
  file: string;
  line: number;
}

export interface NodeProxyAnalysis {
  node: string;
  /** Rule dumps collected for the node. */
  files: string[];
  /** kube-proxy modes the rules show, per file. */
  modes: { mode: KubeProxyMode; file: string; line?: number }[];
  /** Any kube-proxy structure in any dump. */
  kubeProxyPresent: boolean;
  /** The dump compared with the cluster (absent when none lets us: e.g. IPVS mode without ipvsadm.txt). */
  compared?: { file: string; backend: ProxyBackend; line?: number };
  /** Service ports with endpoints that this node should program. */
  expectedPorts: number;
  /** Keys of those that have no rule (or a rule with no endpoint) here. */
  missing: string[];
  stale: StaleTarget[];
  /** Rules for Services that no longer exist. */
  deletedServices: { key: string; file: string; line?: number }[];
  /** kube-proxy masquerades off-cluster traffic to Services (a cluster CIDR, or masquerade-all). */
  kubeProxyMasquerade: { clusterCIDRs: string[]; masqueradeAll: boolean; file?: string };
  /** MASQUERADE/SNAT rules that apply to pod-sourced traffic (CNI or ip-masq-agent). */
  podMasquerade: PodMasqueradeRule[];
  /** The iptables nat table was collected (masquerading can be judged). */
  natCollected: boolean;
  cni: CniName[];
}

interface ParsedDump {
  file: string;
  set: ProxyRuleSet;
  /** Line to cite for "nothing here" (the nat table header, the kube-proxy table, the IPVS header). */
  anchorLine?: number;
  natPresent: boolean;
}

/** kube-proxy's filter chains the mapping reads; all of nat (Services, and every MASQUERADE/SNAT rule). */
const FILTER_CHAINS = new Set(["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"]);

/** A CNI's policy chains (Calico's cali-*, often most of the filter table) are never tokenized. */
function neededForComparison(table: string, chain: string): boolean {
  return table === "nat" || (table === "filter" && FILTER_CHAINS.has(chain));
}

type SharedPart = Omit<ParsedDump, "file">;

/**
 * What the nodes of one diagnosis share: iptables dumps are parsed line by
 * distinct line, and a dump equal to an earlier one (counters and timestamps
 * aside) reuses its mapped rule set and, when no port depends on the node, its
 * comparison with the cluster.
 */
export class SharedNodeRules {
  private readonly iptables = new SharedIptablesParse();
  private readonly mapped = new Map<number, { interned: InternedDump; part: SharedPart }[]>();
  readonly comparisons = new WeakMap<ProxyRuleSet, Comparison>();

  /** A dump the reader compacted is used as it is; a plain text is interned here. */
  iptablesDump(source: string | CompactIptablesText): SharedPart {
    const interned = typeof source === "string" ? this.iptables.intern(source) : source.interned;
    const bucket = this.mapped.get(interned.hash) ?? [];
    const seen = bucket.find((b) => sameDump(b.interned, interned));
    if (seen) return seen.part;
    const dump = this.iptables.parse(interned, { keepRules: neededForComparison });
    const nat = dump.tables.get("nat");
    const anchor = nat?.chains.get("KUBE-SERVICES")?.line ?? nat?.line;
    const part: SharedPart = { set: mapIptablesKubeProxy(dump), ...(anchor !== undefined ? { anchorLine: anchor } : {}), natPresent: !!nat };
    bucket.push({ interned, part });
    this.mapped.set(interned.hash, bucket);
    return part;
  }
}

function readDumps(model: ClusterModel, node: string, shared: SharedNodeRules): ParsedDump[] {
  const files = model.nodeFiles.get(node);
  if (!files) return [];
  const out: ParsedDump[] = [];
  for (const name of RULE_FILES) {
    if (!files.has(name)) continue;
    const file = `nodes/${node}/${name}`;
    const compact = model.compactNodeFile(node, name);
    const text = compact instanceof CompactIptablesText ? "" : files.get(name)!;
    if (name === "nft-ruleset.txt") {
      const ruleset = parseNftRuleset(text);
      const table = ruleset.tables.get("ip kube-proxy");
      out.push({ file, set: mapNftablesKubeProxy(ruleset, "ip"), ...(table ? { anchorLine: table.line } : {}), natPresent: false });
    } else if (name === "ipvsadm.txt") {
      out.push({ file, set: mapIpvsKubeProxy(parseIpvsadm(text)), anchorLine: 1, natPresent: false });
    } else {
      out.push({ file, ...shared.iptablesDump(compact instanceof CompactIptablesText ? compact : text) });
    }
  }
  return out;
}

/** The dump that shows what kube-proxy currently does: the configured mode's when present, else nftables, IPVS, iptables. */
function dumpToCompare(dumps: ParsedDump[], configured: KubeProxyMode | undefined): ParsedDump | undefined {
  const comparable = dumps.filter((d) => d.set.present.kubeProxy && (d.set.backend !== "iptables" || d.set.kubeProxyMode === "iptables"));
  const byMode = (mode: KubeProxyMode) => comparable.find((d) => d.set.kubeProxyMode === mode);
  return (configured ? byMode(configured) : undefined) ?? byMode("nftables") ?? byMode("ipvs") ?? byMode("iptables");
}

function lookup(set: ProxyRuleSet, key: string, frontend: string | undefined): ProxyServicePort | undefined {
  return set.services[key] ?? (frontend ? set.services[frontend] : undefined);
}

/** A comparison's result, without the file it was made on. */
interface Comparison {
  expectedPorts: number;
  missing: string[];
  stale: Omit<StaleTarget, "file">[];
  deletedServices: { key: string; line?: number }[];
}

/** The comparison of a rule set with the cluster; the same for every node unless a port is node-local. */
function compareCached(dump: ParsedDump, expected: ExpectedProxyState, node: string, out: NodeProxyAnalysis, shared: SharedNodeRules): void {
  const nodeIndependent = !expected.ports.some((p) => p.internalLocal);
  let result = nodeIndependent ? shared.comparisons.get(dump.set) : undefined;
  if (!result) {
    result = compare(dump.set, expected, node);
    if (nodeIndependent) shared.comparisons.set(dump.set, result);
  }
  out.expectedPorts += result.expectedPorts;
  out.missing.push(...result.missing);
  for (const s of result.stale) out.stale.push({ ...s, file: dump.file });
  for (const d of result.deletedServices) out.deletedServices.push({ ...d, file: dump.file });
}

function compare(set: ProxyRuleSet, expected: ExpectedProxyState, node: string): Comparison {
  const out: Comparison = { expectedPorts: 0, missing: [], stale: [], deletedServices: [] };
  // iptables/nftables name Service ports; IPVS only knows `proto/ip:port`.
  const byFrontend = new Map<string, ProxyServicePort>();
  if (set.backend !== "ipvs") {
    for (const sp of Object.values(set.services)) if (sp.clusterIP && sp.port !== undefined && sp.protocol) byFrontend.set(frontendKey(sp.protocol, sp.clusterIP, sp.port), sp);
  }
  for (const port of expected.ports) {
    if (!port.settled || endpointsForNode(port, node).length === 0 || !port.clusterIP) continue;
    out.expectedPorts++;
    const front = frontendKey(port.protocol, port.clusterIP, port.port);
    const sp = set.backend === "ipvs" ? set.services[front] : lookup(set, port.key, undefined) ?? byFrontend.get(front);
    if (!sp || sp.endpoints.length === 0) out.missing.push(port.key);
  }
  for (const sp of Object.values(set.services)) {
    const front = sp.clusterIP && sp.port !== undefined && sp.protocol ? frontendKey(sp.protocol, sp.clusterIP, sp.port) : undefined;
    const exp = set.backend === "ipvs" ? expected.byFrontend.get(sp.key) : expected.byKey.get(sp.key) ?? (front ? expected.byFrontend.get(front) : undefined);
    if (!exp) {
      const svc = sp.namespace && sp.name ? `${sp.namespace}/${sp.name}` : undefined;
      if (svc && !expected.services.has(svc) && sp.endpoints.length > 0) out.deletedServices.push({ key: sp.key, ...(sp.line !== undefined ? { line: sp.line } : {}) });
      continue;
    }
    if (!exp.settled) continue;
    for (const e of sp.endpoints) {
      // IPVS keeps terminating real servers at weight 0 until their connections drain.
      if (e.weight === 0) continue;
      const target = `${e.ip}:${e.port}`;
      if (!exp.known.has(target)) out.stale.push({ key: exp.key, target, ...(e.line !== undefined ? { line: e.line } : {}) });
    }
  }
  return out;
}

function overlapsAny(cidr: string, podCidrs: readonly string[], overlaps: (a: string, b: string) => boolean): boolean {
  return podCidrs.length === 0 || podCidrs.some((p) => overlaps(cidr, p));
}

export interface AnalysisOptions {
  configuredMode?: KubeProxyMode;
  /** Pod CIDRs (node podCIDRs, kube-proxy's cluster CIDR) to tell pod masquerading from docker0's. */
  podCidrs: readonly string[];
  cidrsOverlap: (a: string, b: string) => boolean;
  /** Shared by the nodes of one diagnosis (a fresh one when a node is analysed alone). */
  shared?: SharedNodeRules;
}

export function analyseNode(model: ClusterModel, node: string, options: AnalysisOptions): NodeProxyAnalysis {
  const out: NodeProxyAnalysis = {
    node,
    files: [],
    modes: [],
    kubeProxyPresent: false,
    expectedPorts: 0,
    missing: [],
    stale: [],
    deletedServices: [],
    kubeProxyMasquerade: { clusterCIDRs: [], masqueradeAll: false },
    podMasquerade: [],
    natCollected: false,
    cni: [],
  };
  const shared = options.shared ?? new SharedNodeRules();
  const dumps = readDumps(model, node, shared);
  for (const d of dumps) {
    out.files.push(d.file);
    const mode = d.set.kubeProxyMode;
    if (mode) out.modes.push({ mode, file: d.file, ...(d.anchorLine !== undefined ? { line: d.anchorLine } : {}) });
    if (d.set.present.kubeProxy) out.kubeProxyPresent = true;
    for (const c of d.set.present.cni) if (!out.cni.includes(c)) out.cni.push(c);
    const m = d.set.masquerade;
    if (m.clusterCIDRs.length > 0 || m.masqueradeAll) out.kubeProxyMasquerade = { clusterCIDRs: m.clusterCIDRs, masqueradeAll: m.masqueradeAll, file: d.file };
    if (!d.natPresent) continue;
    out.natCollected = true;
    for (const r of m.otherRules) {
      if (r.hostSourced) continue;
      const src = r.source;
      // `-s 172.17.0.0/16` is docker0's bridge, not pods; `! -s pods` masquerades non-pod traffic.
      if (src && (src.startsWith("!") || !overlapsAny(src, options.podCidrs, options.cidrsOverlap))) continue;
      out.podMasquerade.push({ chain: r.chain, target: r.target, file: d.file, line: r.line });
    }
  }
  const chosen = dumpToCompare(dumps, options.configuredMode);
  if (chosen) {
    out.compared = { file: chosen.file, backend: chosen.set.backend, ...(chosen.anchorLine !== undefined ? { line: chosen.anchorLine } : {}) };
    compareCached(chosen, expectedProxyState(model), node, out, shared);
  }
  return out;
}
