/**
 * kube-proxy layer facts: is kube-proxy running where it should, how it is
 * configured, what it programmed on each node compared with the Services and
 * EndpointSlices, its sync errors, conntrack exhaustion and masquerading.
 *
 * Subjects: the Cluster (configuration, mode, masquerading), every Node
 * (kube-proxy pod, its rules, its logs, conntrack), every Service kube-proxy
 * handles (rules missing or stale on some nodes).
 *
 * Semantics kept (where analyzers raise false alarms):
 * - mode "" is iptables on Linux;
 * - an eBPF replacement (Cilium kube-proxy-replacement, kube-router's service
 *   proxy, Antrea proxyAll) means no kube-proxy and no kube-proxy rules, by design;
 * - DaemonSet placement follows nodeSelector, affinity and taints (Calico's eBPF
 *   mode parks kube-proxy with a nodeSelector no node matches);
 * - terminating endpoints stay legitimate DNAT targets; headless, ExternalName and
 *   `service-proxy-name` Services are not kube-proxy's.
 */
import { z } from "zod";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import type { Node, Pod } from "../model/k8s.js";
import { daemonSetTargetsNode } from "../model/daemonsets.js";
import { isPodReady, isPodTerminal, podRef } from "../model/pods.js";
import { parseConntrackStats } from "../model/parsers/conntrack.js";
import { splitLines } from "../model/parsers/lines.js";
import { kernelSignals } from "../model/signals/kernel.js";
import { kubeProxySignals } from "../model/signals/kube-proxy.js";
import { podLogFiles, scanLogFiles } from "../model/signals/collect.js";
import { scanLines } from "../model/signals/scan.js";
import { podProblem } from "./cni/agents.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";
import { expectedProxyState } from "./proxy/expected.js";
import { type ProxyContext, kubeProxyExpectedOn, proxyContext, rulesWhollyMissing } from "./proxy/context.js";
import { RULE_FILE_GLOBS, type NodeProxyAnalysis } from "./proxy/node-rules.js";

const NODES_PODS = ["resources/nodes.json", "resources/pods.json"];
const RULES = ["resources/nodes.json", "resources/services.json", "resources/endpointslices.json|resources/endpoints.json", RULE_FILE_GLOBS];
const CONFIG = ["resources/configmaps.json|resources/daemonsets.json|resources/pods.json"];
const KUBE_PROXY_LOGS = ["resources/pods.json", "logs/*/*/kube-proxy*.log"];
const KERNEL = ["resources/nodes.json", "nodes/*/dmesg.txt|nodes/*/conntrack.txt"];
const IPTABLES = ["resources/nodes.json", "nodes/*/iptables-save.txt|nodes/*/iptables-nft-save.txt|nodes/*/iptables-legacy-save.txt"];

const clusterFacts = declareFacts("proxy", "Cluster", CONFIG, {
  configuredMode: { description: "The proxy mode kube-proxy is configured with (\"\" means iptables on Linux); \"\" when no configuration was found.", shape: z.string(), example: "iptables" },
  configuredModeRaw: { description: "The mode exactly as written in the configuration (\"\" when unset).", shape: z.string(), example: "" },
  clusterCIDR: { description: "kube-proxy's clusterCIDR (comma-separated for dual-stack; \"\" when unset).", shape: z.string(), example: "10.244.0.0/16" },
  detectLocalMode: { description: "How kube-proxy tells pod traffic apart (ClusterCIDR by default).", shape: z.string(), example: "ClusterCIDR" },
  conntrackSettings: { description: "kube-proxy's conntrack settings, as configured (empty when it leaves the kernel's).", shape: z.string(), example: "maxPerCore 32768, min 131072" },
  replacedBy: { description: "What replaces kube-proxy (cilium, kube-router, antrea) when an eBPF/agent datapath serves Services; \"\" when kube-proxy should.", shape: z.string(), example: "", requires: ["resources/configmaps.json|resources/daemonsets.json|resources/pods.json"] },
  nodeModes: { description: "The kube-proxy mode each node's rules show, `node: mode`.", shape: StringList, example: ["node-1: iptables"], requires: ["resources/nodes.json", RULE_FILE_GLOBS] },
  modeMismatchNodes: { description: "Nodes whose rules show kube-proxy running in another mode than the configured one.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-1" }], requires: ["resources/configmaps.json", "resources/nodes.json", RULE_FILE_GLOBS] },
  modeFallbackLogLines: { description: "kube-proxy log lines saying it could not use the configured mode and fell back (e.g. IPVS → iptables).", shape: z.number(), example: 0, requires: ["resources/configmaps.json", "resources/nodes.json", RULE_FILE_GLOBS] },
  nodesWithoutMasquerade: { description: "Nodes where neither kube-proxy (no cluster CIDR, no masquerade-all) nor the CNI (no MASQUERADE/SNAT for pod sources, no eBPF masquerading) masquerades pod traffic.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-1" }], requires: IPTABLES },
  noClusterCidrLogLines: { description: "kube-proxy log lines saying it has no cluster CIDR for the cluster's IP family (so it cannot tell pod traffic from external traffic).", shape: z.number(), example: 0, requires: IPTABLES },
});

const nodeFacts = declareFacts("proxy", "Node", NODES_PODS, {
  kubeProxyExpected: { description: "kube-proxy should run on the node: its DaemonSet targets it (nodeSelector, affinity, taints) and nothing replaces kube-proxy.", shape: z.boolean(), example: true },
  kubeProxyPod: { description: "The kube-proxy pod on the node (\"\" when none).", shape: z.string(), example: "kube-proxy-7xkqp" },
  kubeProxyProblem: { description: "Why kube-proxy is not serving the node: no pod, pending, not ready, crash-looping (\"\" when it runs).", shape: z.string(), example: "" },
  kubeProxyNotRunning: { description: "kube-proxy should run on the node but has no ready pod there.", shape: z.boolean(), example: false },
  podsOnNode: { description: "Non-terminal pods on the node: their Service traffic goes through this node's rules.", shape: z.number(), example: 12 },
  rulesCollected: { description: "A rule dump (iptables-save, nft list ruleset or ipvsadm) was collected for this node.", shape: z.boolean(), example: true, requires: ["resources/nodes.json", RULE_FILE_GLOBS] },
  kubeProxyRulesPresent: { description: "The node's dumps contain kube-proxy's structures (KUBE-SERVICES, table ip kube-proxy, IPVS virtual servers).", shape: z.boolean(), example: true, requires: ["resources/nodes.json", RULE_FILE_GLOBS] },
  modesFound: { description: "kube-proxy modes the node's rules show (iptables, ipvs, nftables).", shape: StringList, example: ["iptables"], requires: ["resources/nodes.json", RULE_FILE_GLOBS] },
  expectedServicePorts: { description: "Service ports with ready endpoints this node should have rules for.", shape: z.number(), example: 14, requires: RULES },
  missingServicePorts: { description: "Service ports (ns/name:port) with ready endpoints that have no rule, or a rule without endpoints, on this node.", shape: StringList, example: ["shop/api:http"], requires: RULES },
  rulesWhollyMissing: { description: "kube-proxy should program the node but its rules are absent or most Service ports are missing.", shape: z.boolean(), example: false, requires: [...NODES_PODS, ...RULES] },
  rulesForDeletedServices: { description: "Service ports that still have rules on the node although the Service no longer exists.", shape: StringList, example: ["shop/old-api:http"], requires: RULES },
  syncErrorCount: { description: "Errors of the kube-proxy pod on this node: failed iptables-restore, rejected lines, unknown options, failed syncs.", shape: z.number(), example: 0, requires: KUBE_PROXY_LOGS },
  syncErrors: { description: "The kinds of sync error with their counts (`signal ×count`).", shape: StringList, example: ["iptables-restore-failed ×12"], requires: KUBE_PROXY_LOGS },
  conntrackTableFullLines: { description: "Kernel messages `nf_conntrack: table full, dropping packet` in the node's dmesg.", shape: z.number(), example: 0, requires: KERNEL },
  conntrackDrops: { description: "Packets conntrack dropped (`drop` + `early_drop` of `conntrack -S`, summed over CPUs): the table was full.", shape: z.number(), example: 0, requires: KERNEL },
  conntrackInsertFailed: { description: "`insert_failed` of `conntrack -S` (races on new entries, e.g. parallel UDP DNS queries, or a full table).", shape: z.number(), example: 0, requires: KERNEL },
});

const serviceFacts = declareFacts("proxy", "Service", RULES, {
  rulesCompared: { description: "The Service is kube-proxy's (not headless, ExternalName or owned by another proxy) and at least one node's rules were compared with it.", shape: z.boolean(), example: true },
  nodesMissingRules: { description: "Nodes whose kube-proxy rules lack this Service (or have it with no endpoint) although it has ready endpoints; nodes missing all rules are reported as nodes instead.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-2" }] },
  missingPorts: { description: "The Service ports missing there (port names, or numbers for unnamed ports).", shape: StringList, example: ["http"] },
  staleTargets: { description: "DNAT targets (ip:port) the rules still use although no EndpointSlice lists them, with the nodes: `10.244.1.9:8080 on node-1, node-2`.", shape: StringList, example: ["10.244.1.9:8080 on node-1"] },
  staleTargetNodes: { description: "Nodes holding stale DNAT targets for the Service.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-1" }] },
  staleTargetsWithoutPod: { description: "How many stale target IP addresses belong to no pod at all (the endpoint is certainly gone).", shape: z.number(), example: 1 },
});

function nodeRefs(names: Iterable<string>): ObjectRef[] {
  return [...new Set(names)].sort().map((name) => ({ kind: "Node", name }));
}

function lineEvidence(file: string, line: number | undefined, excerpt: string): Evidence {
  return { file, line: line ?? 1, excerpt: clip(excerpt) };
}

/** The text of line `n` (1-based) of a node file, found without splitting the whole dump. */
function lineText(model: ClusterModel, file: string, n: number | undefined): string | undefined {
  const [, node, ...rest] = file.split("/");
  if (!node || n === undefined || n < 1) return undefined;
  const compact = model.compactNodeFile(node, rest.join("/"));
  if (compact) return compact.line(n);
  const text = model.nodeFiles.get(node)?.get(rest.join("/"));
  if (text === undefined) return undefined;
  let start = 0;
  for (let i = 1; i < n; i++) {
    start = text.indexOf("\n", start) + 1;
    if (start === 0) return undefined;
  }
  const end = text.indexOf("\n", start);
  return text.slice(start, end === -1 ? text.length : end);
}

/** Evidence quoting the rule itself when the line is there. */
function ruleEvidence(model: ClusterModel, file: string, line: number | undefined, fallback: string): Evidence {
  return lineEvidence(file, line, lineText(model, file, line) ?? fallback);
}

function primaryFamily(model: ClusterModel): "IPv4" | "IPv6" {
  const ip = model.resources.nodes[0]?.status.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  return ip.includes(":") ? "IPv6" : "IPv4";
}

/** Eligible nodes' analyses (NotReady nodes cannot receive updates: their rules say nothing new). */
function readyAnalyses(model: ClusterModel, ctx: ProxyContext): NodeProxyAnalysis[] {
  return [...ctx.analyses.values()].filter((a) => {
    const node = model.node(a.node);
    return !!node && (node.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  });
}

// ---- Cluster ---------------------------------------------------------------------

function kubeProxyLogs(model: ClusterModel, ctx: ProxyContext) {
  return ctx.pods.flatMap((p) => podLogFiles(model, p.metadata.namespace ?? "kube-system", p.metadata.name));
}

/** The CNI masquerades pod traffic without iptables rules (Cilium's BPF masquerading). */
function cniMasqueradesInKernel(model: ClusterModel): Evidence | undefined {
  for (const cm of model.resources.configmaps) {
    if (cm.metadata.name !== "cilium-config") continue;
    const v4 = cm.data?.["enable-ipv4-masquerade"];
    if (v4 !== "false") return model.evidence(cm, 'data["enable-ipv4-masquerade"]', `cilium-config enable-ipv4-masquerade: ${v4 ?? "(default true)"}`);
  }
  return undefined;
}

function clusterSubject(model: ClusterModel, ctx: ProxyContext): SubjectFacts {
  const c = ctx.config;
  const evidence: Record<string, Evidence[]> = {};
  const configEvidence = ctx.configEvidence ? [ctx.configEvidence] : [];
  const analyses = readyAnalyses(model, ctx);
  const configured = c && c.mode !== "unknown" ? c.mode : "";
  const mismatched = configured && !ctx.replacedBy ? analyses.filter((a) => a.kubeProxyPresent && a.modes.length > 0 && !a.modes.some((m) => m.mode === configured)) : [];
  const logs = kubeProxyLogs(model, ctx);
  const logSignals = scanLogFiles(logs, kubeProxySignals);
  const fallback = logSignals.get("kube-proxy.ipvs-fallback");
  const inUse = logSignals.get("kube-proxy.proxier-in-use");
  evidence["proxy.modeMismatchNodes"] = [
    ...configEvidence,
    ...mismatched.slice(0, 3).map((a) => lineEvidence(a.modes[0]!.file, a.modes[0]!.line, `${a.node}: kube-proxy rules are ${a.modes.map((m) => m.mode).join(" and ")}-mode`)),
    ...(fallback?.samples.slice(0, 1) ?? []),
    ...(inUse?.samples.slice(0, 1) ?? []),
  ];
  evidence["proxy.configuredMode"] = configEvidence;

  const family = primaryFamily(model);
  const noCidr = logSignals.get("kube-proxy.no-cluster-cidr");
  // Dual-stack-capable kube-proxy logs this for the family a single-stack cluster lacks: only the cluster's own family counts.
  const families = noCidr ? [...(noCidr.values["family"] ?? []), ...(noCidr.values["legacyFamily"] ?? [])] : [];
  const noCidrLines = noCidr && (families.length === 0 || families.includes(family)) ? noCidr.count : 0;
  // The rules are the truth: a node whose kube-proxy runs but neither it nor the CNI masquerades pods.
  const unmasqueraded = cniMasqueradesInKernel(model)
    ? []
    : analyses.filter((a) => a.natCollected && a.kubeProxyPresent && a.podMasquerade.length === 0 && a.kubeProxyMasquerade.clusterCIDRs.length === 0 && !a.kubeProxyMasquerade.masqueradeAll);
  evidence["proxy.nodesWithoutMasquerade"] = [
    ...configEvidence,
    ...unmasqueraded.slice(0, 3).map((a) => lineEvidence(a.files[0]!, a.compared?.line, `${a.node}: no MASQUERADE/SNAT for pod sources in the nat table, and no "! -s <cluster CIDR> -j KUBE-MARK-MASQ" rule`)),
    ...(noCidr?.samples.slice(0, 1) ?? []),
  ];
  evidence["proxy.noClusterCidrLogLines"] = noCidr?.samples.slice(0, 2) ?? [];
  if (ctx.replacedBy) evidence["proxy.replacedBy"] = [ctx.replacedBy.evidence];

  const ct = c?.conntrack;
  const conntrack = ct ? [ct.maxPerCore != null ? `maxPerCore ${ct.maxPerCore}` : "", ct.min != null ? `min ${ct.min}` : "", ct.tcpEstablishedTimeout ? `tcpEstablishedTimeout ${ct.tcpEstablishedTimeout}` : ""].filter(Boolean).join(", ") : "";
  return {
    kind: "Cluster",
    subject: { kind: "Cluster", name: "cluster" },
    values: {
      "proxy.configuredMode": configured,
      "proxy.configuredModeRaw": c?.modeRaw ?? "",
      "proxy.clusterCIDR": c?.clusterCIDRs.join(",") ?? "",
      "proxy.detectLocalMode": c?.detectLocalMode ?? "",
      "proxy.conntrackSettings": conntrack,
      "proxy.replacedBy": ctx.replacedBy?.by ?? "",
      "proxy.nodeModes": analyses.filter((a) => a.modes.length > 0).map((a) => `${a.node}: ${[...new Set(a.modes.map((m) => m.mode))].join("+")}`),
      "proxy.modeMismatchNodes": nodeRefs(mismatched.map((a) => a.node)),
      "proxy.modeFallbackLogLines": fallback?.count ?? 0,
      "proxy.nodesWithoutMasquerade": nodeRefs(unmasqueraded.map((a) => a.node)),
      "proxy.noClusterCidrLogLines": noCidrLines,
    },
    evidence,
    scope: model.resources.nodes.map((n) => ({ kind: "Node", name: n.metadata.name })),
  };
}

// ---- Node ------------------------------------------------------------------------

function kubeProxyPodOn(ctx: ProxyContext, node: string): Pod | undefined {
  const here = ctx.pods.filter((p) => p.spec.nodeName === node);
  return here.find(isPodReady) ?? here.find((p) => p.metadata.deletionTimestamp == null) ?? here[0];
}

function nodeSubject(model: ClusterModel, ctx: ProxyContext, node: Node, othersHaveRules: boolean): SubjectFacts {
  const name = node.metadata.name;
  const evidence: Record<string, Evidence[]> = {};
  const pod = kubeProxyPodOn(ctx, name);
  const expected = kubeProxyExpectedOn(model, ctx, node) || (!ctx.replacedBy && ctx.daemonSets.length === 0 && ctx.pods.length === 0 && othersHaveRules);
  const targeted = ctx.daemonSets.some((ds) => daemonSetTargetsNode(ds, node));
  const problem = pod
    ? podProblem(pod).problem
    : ctx.daemonSets.length > 0 && !targeted
      ? `no kube-proxy pod on the node: the DaemonSet's nodeSelector, affinity or tolerations leave it out (node taints: ${(node.spec.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect ?? ""}`).join(", ") || "none"})`
      : ctx.daemonSets.length > 0 || ctx.pods.length > 0
        ? "no kube-proxy pod on the node"
        : "";
  const notRunning = expected && (ctx.daemonSets.length > 0 || ctx.pods.length > 0) && problem !== "";
  evidence["proxy.kubeProxyNotRunning"] = pod
    ? [model.evidence(pod, "status", `${pod.metadata.name} on ${name}: ${problem || "Ready"}`), ...model.eventsFor("Pod", pod.metadata.namespace, pod.metadata.name).filter((e) => e.type === "Warning").slice(0, 2).map((e) => model.evidence(e, "message", `${e.reason}: ${e.message ?? ""}`))]
    : ctx.daemonSets.slice(0, 1).map((ds) => model.evidence(ds, "status", `DaemonSet ${ds.metadata.namespace}/${ds.metadata.name}: desired ${String(ds.status["desiredNumberScheduled"] ?? "?")}, ready ${String(ds.status["numberReady"] ?? "?")}`));
  if (ctx.replacedBy) evidence["proxy.kubeProxyExpected"] = [ctx.replacedBy.evidence];

  const a = ctx.analyses.get(name);
  // A NotReady node's rules say nothing new: it cannot receive updates (node.not-ready covers it).
  const ready = (node.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
  const whole = !!a && expected && ready && rulesWhollyMissing(a);
  if (a) {
    const where = lineEvidence(a.compared?.file ?? a.files[0]!, a.compared?.line, a.kubeProxyPresent ? `${name}: ${a.missing.length} of ${a.expectedPorts} Service ports with endpoints have no rule (${a.missing.slice(0, 3).join(", ")}${a.missing.length > 3 ? ", …" : ""})` : `${name}: no kube-proxy chains (KUBE-SERVICES) in ${a.files.map((f) => f.split("/").pop()).join(", ")}`);
    evidence["proxy.missingServicePorts"] = [where];
    evidence["proxy.rulesWhollyMissing"] = [where, ...(evidence["proxy.kubeProxyNotRunning"] ?? []).slice(0, 1)];
    evidence["proxy.kubeProxyRulesPresent"] = [where];
    evidence["proxy.rulesForDeletedServices"] = a.deletedServices.slice(0, 3).map((d) => ruleEvidence(model, d.file, d.line, `${name}: rules for ${d.key}, a Service that no longer exists`));
  }

  const logs = pod ? podLogFiles(model, pod.metadata.namespace ?? "kube-system", pod.metadata.name) : [];
  const signals = scanLogFiles(logs, kubeProxySignals);
  const errors = [...signals.values()].filter((s) => kubeProxySignals.find((d) => d.id === s.id)?.severity === "error");
  evidence["proxy.syncErrorCount"] = errors.flatMap((s) => s.samples).slice(0, 3);

  const kernel = conntrackOn(model, name);
  evidence["proxy.conntrackTableFullLines"] = kernel.evidence;
  evidence["proxy.conntrackDrops"] = kernel.evidence;

  const pods = model.podsOnNode(name).filter((p) => !isPodTerminal(p));
  return {
    kind: "Node",
    subject: { kind: "Node", name },
    values: {
      "proxy.kubeProxyExpected": expected,
      "proxy.kubeProxyPod": pod?.metadata.name ?? "",
      "proxy.kubeProxyProblem": problem,
      "proxy.kubeProxyNotRunning": notRunning,
      "proxy.podsOnNode": pods.length,
      "proxy.rulesCollected": !!a,
      "proxy.kubeProxyRulesPresent": a?.kubeProxyPresent ?? false,
      "proxy.modesFound": a ? [...new Set(a.modes.map((m) => m.mode))] : [],
      "proxy.expectedServicePorts": a?.expectedPorts ?? 0,
      "proxy.missingServicePorts": a?.missing ?? [],
      "proxy.rulesWhollyMissing": whole,
      "proxy.rulesForDeletedServices": a?.deletedServices.map((d) => d.key) ?? [],
      "proxy.syncErrorCount": errors.reduce((n, s) => n + s.count, 0),
      "proxy.syncErrors": errors.map((s) => `${s.id.replace(/^kube-proxy\./, "")} ×${s.count}`),
      "proxy.conntrackTableFullLines": kernel.tableFull,
      "proxy.conntrackDrops": kernel.drops,
      "proxy.conntrackInsertFailed": kernel.insertFailed,
    },
    evidence,
    scope: [...(pod ? [podRef(pod)] : []), ...pods.map(podRef)],
  };
}

function conntrackOn(model: ClusterModel, node: string): { tableFull: number; drops: number; insertFailed: number; evidence: Evidence[] } {
  const files = model.nodeFiles.get(node);
  const out = { tableFull: 0, drops: 0, insertFailed: 0, evidence: [] as Evidence[] };
  const dmesg = files?.get("dmesg.txt");
  if (dmesg !== undefined) {
    const found = scanLines(`nodes/${node}/dmesg.txt`, [...splitLines(dmesg)], kernelSignals).get("kernel.conntrack-table-full");
    if (found) {
      out.tableFull = found.count;
      out.evidence.push(...found.samples.slice(0, 2));
    }
  }
  const stats = files?.get("conntrack.txt");
  if (stats !== undefined) {
    const s = parseConntrackStats(stats);
    out.drops = s.drop + s.earlyDrop;
    out.insertFailed = s.insertFailed;
    const worst = [...s.perCpu].sort((x, y) => (y.counters["drop"] ?? 0) + (y.counters["early_drop"] ?? 0) - ((x.counters["drop"] ?? 0) + (x.counters["early_drop"] ?? 0)))[0];
    if (worst && out.drops + out.insertFailed > 0) out.evidence.push(lineEvidence(`nodes/${node}/conntrack.txt`, worst.line, `cpu=${worst.cpu} drop=${worst.counters["drop"] ?? 0} early_drop=${worst.counters["early_drop"] ?? 0} insert_failed=${worst.counters["insert_failed"] ?? 0} (all CPUs: drop+early_drop ${out.drops}, insert_failed ${out.insertFailed})`));
  }
  return out;
}

// ---- Service ---------------------------------------------------------------------

interface ServiceFindings {
  missingNodes: Map<string, Set<string>>;
  stale: Map<string, { nodes: Set<string>; evidence: Evidence[] }>;
  compared: boolean;
  evidence: Evidence[];
}

function perService(model: ClusterModel, ctx: ProxyContext): Map<string, ServiceFindings> {
  const expected = expectedProxyState(model);
  const out = new Map<string, ServiceFindings>();
  const entry = (svc: string) => {
    let f = out.get(svc);
    if (!f) out.set(svc, (f = { missingNodes: new Map(), stale: new Map(), compared: false, evidence: [] }));
    return f;
  };
  const analyses = readyAnalyses(model, ctx).filter((a) => a.compared && !rulesWhollyMissing(a));
  for (const port of expected.ports) entry(`${port.namespace}/${port.name}`).compared = analyses.length > 0;
  for (const a of analyses) {
    for (const key of a.missing) {
      const port = expected.byKey.get(key)!;
      const f = entry(`${port.namespace}/${port.name}`);
      let ports = f.missingNodes.get(a.node);
      if (!ports) f.missingNodes.set(a.node, (ports = new Set()));
      ports.add(port.portName || String(port.port));
      if (f.evidence.length < 4) f.evidence.push(lineEvidence(a.compared!.file, a.compared!.line, `${a.node}: no ${a.compared!.backend} rule for ${key} (${port.clusterIP}:${port.port}/${port.protocol.toUpperCase()}) although it has ${port.ready.length} ready endpoint${port.ready.length === 1 ? "" : "s"}`), port.evidence);
    }
    for (const s of a.stale) {
      const port = expected.byKey.get(s.key)!;
      const f = entry(`${port.namespace}/${port.name}`);
      let t = f.stale.get(s.target);
      if (!t) f.stale.set(s.target, (t = { nodes: new Set(), evidence: [] }));
      t.nodes.add(a.node);
      if (t.evidence.length < 2) t.evidence.push(ruleEvidence(model, s.file, s.line, `${a.node}: ${s.key} still DNATs to ${s.target}, which no EndpointSlice lists`));
    }
  }
  return out;
}

function serviceSubjects(model: ClusterModel, ctx: ProxyContext): SubjectFacts[] {
  if (ctx.analyses.size === 0) return [];
  const found = perService(model, ctx);
  const subjects: SubjectFacts[] = [];
  for (const [key, f] of found) {
    const [namespace, name] = key.split("/") as [string, string];
    const missingNodes = [...f.missingNodes.keys()];
    const staleTargets = [...f.stale.entries()].map(([target, t]) => `${target} on ${[...t.nodes].sort().join(", ")}`);
    const staleNodes = [...f.stale.values()].flatMap((t) => [...t.nodes]);
    const withoutPod = new Set([...f.stale.keys()].map((t) => t.slice(0, t.lastIndexOf(":"))).filter((ip) => !model.podByIP(ip))).size;
    const svc = model.service(namespace, name);
    subjects.push({
      kind: "Service",
      subject: { kind: "Service", namespace, name },
      values: {
        "proxy.rulesCompared": f.compared,
        "proxy.nodesMissingRules": nodeRefs(missingNodes),
        "proxy.missingPorts": [...new Set([...f.missingNodes.values()].flatMap((s) => [...s]))],
        "proxy.staleTargets": staleTargets,
        "proxy.staleTargetNodes": nodeRefs(staleNodes),
        "proxy.staleTargetsWithoutPod": withoutPod,
      },
      evidence: {
        "proxy.nodesMissingRules": f.evidence,
        "proxy.staleTargets": [...[...f.stale.values()].flatMap((t) => t.evidence).slice(0, 3), ...(svc ? model.slicesFor(namespace, name).slice(0, 1).map((s) => model.evidence(s, "endpoints", `EndpointSlice ${s.metadata.name}: ${(s.endpoints ?? []).map((e) => e.addresses[0]).join(", ") || "no endpoints"}`)) : [])],
      },
      scope: nodeRefs([...missingNodes, ...staleNodes]),
    });
  }
  return subjects;
}

export const proxyFacts: FactBuilder = {
  layer: "proxy",
  facts: [...clusterFacts, ...nodeFacts, ...serviceFacts],
  *build(model) {
    const ctx = proxyContext(model);
    yield clusterSubject(model, ctx);
    const withRules = new Set([...ctx.analyses.values()].filter((a) => a.kubeProxyPresent).map((a) => a.node));
    for (const node of model.resources.nodes) {
      const others = [...withRules].some((n) => n !== node.metadata.name);
      yield nodeSubject(model, ctx, node, others);
    }
    yield* serviceSubjects(model, ctx);
  },
  notes(model) {
    const ctx = proxyContext(model);
    const notes: string[] = [];
    if (ctx.replacedBy) notes.push(`kube-proxy is replaced by ${ctx.replacedBy.by}: its absence and the absence of kube-proxy rules are expected, Service rules were not compared`);
    const withRules = model.resources.nodes.filter((n) => ctx.analyses.has(n.metadata.name)).length;
    if (withRules > 0 && withRules < model.resources.nodes.length) {
      const without = model.resources.nodes.filter((n) => !ctx.analyses.has(n.metadata.name)).map((n) => n.metadata.name);
      notes.push(`no rule dump (iptables-save, nft-ruleset, ipvsadm) for ${without.length} node${without.length === 1 ? "" : "s"} (${without.slice(0, 5).join(", ")}${without.length > 5 ? ", …" : ""}): their Service rules were not compared`);
    }
    const ipvsBlind = [...ctx.analyses.values()].filter((a) => a.kubeProxyPresent && !a.compared).map((a) => a.node);
    if (ipvsBlind.length > 0) notes.push(`kube-proxy runs in IPVS mode on ${ipvsBlind.join(", ")} but no ipvsadm.txt was collected there: Service rules could not be compared`);
    return notes;
  },
};
