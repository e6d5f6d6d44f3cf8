/**
 * CNI layer facts: which CNI runs, the health of its agent on every node, what
 * its agent and the kubelet log about it (BGP, IPAM, BPF, flannel leases,
 * pod sandboxes), the CNI configs on each node, MTUs and address ranges.
 *
 * Subjects: every Node (agent health, logs, sandbox failures, configs), and
 * the Cluster (which CNI, MTU consistency across nodes, CIDR overlaps).
 * Node findings carry the node's pods in their scope, so an unhealthy agent on
 * a node explains the failures of the pods on that node and only those.
 */
import { z } from "zod";
import { clip, type Evidence, type ObjectRef } from "../types/evidence.js";
import type { ClusterModel } from "../model/model.js";
import type { Event, Node, Pod } from "../model/k8s.js";
import { isPodTerminal, podRef } from "../model/pods.js";
import { podLogFiles, scanEvents, scanLogFiles, signalCount } from "../model/signals/collect.js";
import type { SignalSummary } from "../model/signals/scan.js";
import { mergeSignals } from "../model/signals/scan.js";
import { kubeletSignals } from "../model/signals/kubelet.js";
import { calicoSignals } from "../model/signals/calico.js";
import { ciliumSignals } from "../model/signals/cilium.js";
import { flannelSignals } from "../model/signals/flannel.js";
import { kubeControllerManagerSignals } from "../model/signals/kube-controller-manager.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";
import { type AgentHealth, agentHealthOnNode, cniAgents, cniOfPluginType } from "./cni/agents.js";
import { type CniConfigFile, configEvidence, nodeCniConfigs } from "./cni/configs.js";
import { type ConfiguredMtu, mtuProblems, nodeMtu } from "./cni/mtu.js";
import { cidrProblems, podRanges, serviceRange } from "./cni/cidr.js";
import { proxyContext } from "./proxy/context.js";

const AGENTS = ["resources/nodes.json", "resources/pods.json"];
const EVENTS = ["resources/nodes.json", "resources/pods.json", "resources/events.json"];
const EVENTS_OR_LOGS = ["resources/nodes.json", "resources/pods.json", "resources/events.json|logs/*/*/*.log"];
const CONFIGS = ["resources/nodes.json", "nodes/*/cni/*"];

const nodeFacts = declareFacts("cni", "Node", AGENTS, {
  agentUnhealthy: { description: "A CNI agent that belongs on the node (calico-node, cilium, kube-flannel, weave, aws-node…) is missing, pending, not ready or crash-looping there.", shape: z.boolean(), example: false },
  agentProblems: { description: "What is wrong with each unhealthy agent: `calico: calico-node-x7k2p: container calico-node in CrashLoopBackOff, 14 restarts`.", shape: StringList, example: ["calico: calico-node-x7k2p: not ready (calico-node)"] },
  agentPods: { description: "The CNI agent pods on the node.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "kube-system", name: "calico-node-x7k2p" }] },
  podsOnNode: { description: "Non-terminal pods on the pod network of this node (not hostNetwork): what a broken CNI on the node breaks.", shape: z.number(), example: 9 },
  bgpPeersDown: { description: "BGP peers calico-node on this node has no session with (`BGP not established with …`).", shape: StringList, example: ["10.0.0.11"], requires: EVENTS_OR_LOGS },
  bgpDownReports: { description: "How many times calico-node reported BIRD/BGP not ready (readiness probe events and log lines).", shape: z.number(), example: 0, requires: EVENTS_OR_LOGS },
  calicoIpamErrors: { description: "Calico IPAM exhaustion messages for this node (no free affine block, IPAM allocated 0 addresses, pools exhausted).", shape: z.number(), example: 0, requires: EVENTS_OR_LOGS },
  ciliumErrors: { description: "cilium-agent errors on the node, `kind ×count`: full BPF maps, endpoint regeneration or BPF program load failures, rejected policies.", shape: StringList, example: ["bpf-map-full ×3"], requires: ["resources/nodes.json", "resources/pods.json", "logs/*/*/*.log"] },
  ciliumErrorCount: { description: "Total of those cilium-agent errors.", shape: z.number(), example: 0, requires: ["resources/nodes.json", "resources/pods.json", "logs/*/*/*.log"] },
  flannelSubnetProblems: { description: "Why flannel has no subnet on the node: no spec.podCIDR with the kube subnet manager, CIDRNotAvailable, lease failures, /run/flannel/subnet.env missing.", shape: StringList, example: ["no spec.podCIDR (flannel's kube subnet manager needs one)"], requires: AGENTS },
  sandboxFailures: { description: "FailedCreatePodSandBox / `failed to setup network for sandbox` events of pods on the node (weighted by event count).", shape: z.number(), example: 0, requires: EVENTS },
  sandboxFailingPods: { description: "Pods on the node whose sandbox could not be created.", shape: ObjectRefList, example: [{ kind: "Pod", namespace: "shop", name: "web-7d4b9c-x2k4q" }], requires: EVENTS },
  sandboxError: { description: "The CNI error of the latest sandbox failure (clipped).", shape: z.string(), example: "plugin type=\"calico\" failed (add): stat /var/lib/calico/nodename: no such file or directory", requires: EVENTS },
  ipExhaustion: { description: "Reports that the node's pod address range is exhausted (`no IP addresses available in range set`, Cilium `range is full`).", shape: z.number(), example: 0, requires: EVENTS_OR_LOGS },
  exhaustedRanges: { description: "The exhausted ranges as reported (`10.244.1.1-10.244.1.254`).", shape: StringList, example: ["10.244.1.1-10.244.1.254"], requires: EVENTS_OR_LOGS },
  configFiles: { description: "CNI config files in the node's /etc/cni/net.d, in the order the runtime reads them.", shape: StringList, example: ["10-calico.conflist"], requires: CONFIGS },
  activeConfig: { description: "The config the runtime uses: the first valid one (\"\" when none).", shape: z.string(), example: "10-calico.conflist", requires: CONFIGS },
  conflictingConfigs: { description: "Other valid configs for another network plugin (leftovers of a previous CNI).", shape: StringList, example: ["10-flannel.conflist (flannel)"], requires: CONFIGS },
  activeConfigForeign: { description: "The config in use belongs to a CNI whose agent does not run in the cluster.", shape: z.boolean(), example: false, requires: CONFIGS },
});

const clusterFacts = declareFacts("cni", "Cluster", ["resources/pods.json|resources/daemonsets.json|resources/configmaps.json"], {
  plugins: { description: "CNI plugins found (agents, ConfigMaps, node configs).", shape: StringList, example: ["calico"] },
  mtuProblems: { description: "MTU problems: pod interfaces or the CNI's MTU above the underlay's MTU minus the encapsulation overhead, on a node or towards another node.", shape: StringList, example: ["pods on node-1 use mtu 1480 but node-2 carries at most 1430 (eth0 mtu 1450 − 20 IPIP)"], requires: ["resources/nodes.json", "nodes/*/ip-addr.txt"] },
  mtuAffectedNodes: { description: "Nodes involved in those MTU problems.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-2" }], requires: ["resources/nodes.json", "nodes/*/ip-addr.txt"] },
  cidrOverlaps: { description: "Overlapping address ranges: node podCIDRs with each other, pod ranges with the Service range (or ClusterIPs inside pod ranges), node addresses inside overlay pod ranges.", shape: StringList, example: ["node-2's podCIDR 10.244.1.0/24 overlaps node-1's podCIDR 10.244.1.0/24"], requires: ["resources/nodes.json"] },
  cidrOverlapNodes: { description: "Nodes involved in those overlaps.", shape: ObjectRefList, example: [{ kind: "Node", name: "node-2" }], requires: ["resources/nodes.json"] },
});

// ---- shared per-diagnosis views -------------------------------------------------

/** Pod events (and the node's own) grouped by node, computed once. */
function eventsByNode(model: ClusterModel): Map<string, Event[]> {
  return model.memo("cni.eventsByNode", () => {
    const out = new Map<string, Event[]>();
    for (const e of model.resources.events) {
      const o = e.involvedObject;
      let node: string | undefined;
      if (o.kind === "Pod" && o.name) node = podNamed(model, o.namespace ?? "default", o.name)?.spec.nodeName ?? e.source?.host;
      else if (o.kind === "Node") node = o.name;
      if (!node) continue;
      const list = out.get(node);
      if (list) list.push(e);
      else out.set(node, [e]);
    }
    return out;
  });
}

/** The event's pod still exists and has no sandbox yet (Pending, or a container still ContainerCreating). */
function stillWaiting(model: ClusterModel, e: Event): boolean {
  const p = podNamed(model, e.involvedObject.namespace ?? "default", e.involvedObject.name ?? "");
  if (!p || isPodTerminal(p)) return false;
  return p.status.phase === "Pending" || (p.status.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === "ContainerCreating");
}

function podNamed(model: ClusterModel, ns: string, name: string): Pod | undefined {
  return model.podsInNamespace(ns).find((p) => p.metadata.name === name);
}

const SANDBOX_SIGNALS = ["kubelet.sandbox-create-failed", "kubelet.sandbox-network-failed"];
const EVENT_SIGNALS = [...kubeletSignals, ...calicoSignals, ...flannelSignals, ...ciliumSignals];

function samples(found: ReadonlyMap<string, SignalSummary>, ids: readonly string[], max = 3): Evidence[] {
  return ids.flatMap((id) => found.get(id)?.samples ?? []).slice(0, max);
}

/** Signals of an agent pod: its logs and its own events (readiness probe output). */
function agentSignals(model: ClusterModel, agents: AgentHealth[]): Map<string, SignalSummary> {
  const found = new Map<string, SignalSummary>();
  for (const a of agents) {
    if (!a.pod) continue;
    const spec = cniAgents(model).find((d) => d.spec.name === a.cni)!.spec;
    const ns = a.pod.metadata.namespace ?? "kube-system";
    mergeSignals(found, scanLogFiles(podLogFiles(model, ns, a.pod.metadata.name), spec.signals));
    // Readiness-probe output of an agent that is ready again is history (BIRD is "not ready" for a while at every start).
    if (a.problem !== "") mergeSignals(found, scanEvents(model, model.eventsFor("Pod", ns, a.pod.metadata.name), spec.signals));
  }
  return found;
}

function controllerManagerSignals(model: ClusterModel): Map<string, SignalSummary> {
  return model.memo("cni.kcmSignals", () => {
    const pods = model.resources.pods.filter((p) => p.metadata.labels["component"] === "kube-controller-manager" || p.spec.containers.some((c) => c.name === "kube-controller-manager"));
    return scanLogFiles(pods.flatMap((p) => podLogFiles(model, p.metadata.namespace ?? "kube-system", p.metadata.name)), kubeControllerManagerSignals);
  });
}

/** flannel's kube subnet manager (the default of kube-flannel.yml) takes each node's subnet from spec.podCIDR. */
function flannelUsesKubeSubnetManager(model: ClusterModel): boolean {
  const flannel = cniAgents(model).find((a) => a.spec.name === "flannel");
  if (!flannel) return false;
  const argv = [...flannel.daemonSets.flatMap((ds) => ds.spec.template?.spec?.containers ?? []), ...flannel.pods.flatMap((p) => p.spec.containers)].flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
  return argv.some((a) => a === "--kube-subnet-mgr" || a === "--kube-subnet-mgr=true");
}

// ---- Node ------------------------------------------------------------------------

function flannelProblems(model: ClusterModel, node: Node, agentFound: ReadonlyMap<string, SignalSummary>, eventFound: ReadonlyMap<string, SignalSummary>): { problems: string[]; evidence: Evidence[] } {
  const problems: string[] = [];
  const evidence: Evidence[] = [];
  const name = node.metadata.name;
  const podCidrs = node.spec.podCIDRs ?? (node.spec.podCIDR ? [node.spec.podCIDR] : []);
  if (flannelUsesKubeSubnetManager(model) && podCidrs.length === 0) {
    problems.push("no spec.podCIDR (flannel's kube subnet manager needs one)");
    evidence.push(model.evidence(node, "spec", `${name}: spec has no podCIDR`));
  }
  const cidrEvents = model.eventsFor("Node", undefined, name).filter((e) => e.reason === "CIDRNotAvailable");
  const kcm = controllerManagerSignals(model).get("kube-controller-manager.cidr-not-available");
  if (cidrEvents.length > 0 || kcm?.values["node"]?.includes(name)) {
    problems.push("the controller-manager has no pod CIDR left for the node (CIDRNotAvailable)");
    evidence.push(...cidrEvents.slice(0, 1).map((e) => model.evidence(e, "message", `${e.reason}: ${e.message ?? ""}`)), ...(kcm?.values["node"]?.includes(name) ? kcm.samples.slice(0, 1) : []));
  }
  for (const [id, what] of [["flannel.pod-cidr-not-assigned", "flanneld: pod cidr not assigned"], ["flannel.lease-failed", "flanneld could not acquire a subnet lease"], ["flannel.out-of-subnets", "flannel network out of subnets"], ["flannel.subnet-env-missing", "/run/flannel/subnet.env missing"]] as const) {
    const s = agentFound.get(id) ?? eventFound.get(id);
    // "failed to acquire lease: … pod cidr not assigned" is one problem, not two.
    if (!s || (id === "flannel.lease-failed" && (agentFound.has("flannel.pod-cidr-not-assigned") || agentFound.has("flannel.out-of-subnets")))) continue;
    problems.push(`${what} (×${s.count})`);
    evidence.push(...s.samples.slice(0, 1));
  }
  return { problems, evidence };
}

function configFacts(model: ClusterModel, name: string): { files: CniConfigFile[]; active?: CniConfigFile; conflicting: CniConfigFile[]; foreign: boolean } {
  const files = nodeCniConfigs(model, name);
  const active = files.find((f) => f.valid);
  const running = new Set(cniAgents(model).map((a) => a.spec.name));
  const cniOf = (f: CniConfigFile) => (f.type ? cniOfPluginType(f.type)?.name ?? f.type : "");
  const conflicting = active ? files.filter((f) => f !== active && f.valid && cniOf(f) !== cniOf(active)) : [];
  // Only judge "foreign" when we know which agents run (pods or DaemonSets collected).
  const foreign = !!active && running.size > 0 && !running.has(cniOf(active));
  return { files, ...(active ? { active } : {}), conflicting, foreign };
}

function nodeSubject(model: ClusterModel, node: Node): SubjectFacts {
  const name = node.metadata.name;
  const evidence: Record<string, Evidence[]> = {};
  const agents = agentHealthOnNode(model, node);
  const unhealthy = agents.filter((a) => a.problem !== "");
  evidence["cni.agentUnhealthy"] = unhealthy.flatMap((a) => (a.pod ? [model.evidence(a.pod, "status", `${a.pod.metadata.name}: ${a.problem}`), ...model.eventsFor("Pod", a.pod.metadata.namespace, a.pod.metadata.name).filter((e) => e.type === "Warning").slice(0, 1).map((e) => model.evidence(e, "message", `${e.reason}: ${e.message ?? ""}`))] : cniAgents(model).filter((d) => d.spec.name === a.cni).flatMap((d) => d.daemonSets.slice(0, 1)).map((ds) => model.evidence(ds, "status", `${ds.metadata.name}: no pod on ${name}`))));

  const agentFound = agentSignals(model, agents);
  const nodeEvents = eventsByNode(model).get(name) ?? [];
  // Sandbox errors of pods that started since (start-up noise while the agent comes up) are resolved: only pods still waiting count.
  const podEvents = nodeEvents.filter((e) => e.involvedObject.kind === "Pod" && stillWaiting(model, e));
  const eventFound = scanEvents(model, podEvents, EVENT_SIGNALS);

  const bgp = agentFound.get("calico.bgp-not-established");
  // A readiness failure prints both lines ("peering established = 0" and "BGP not established with …"): one report.
  const bgpReports = Math.max(agentFound.get("calico.bgp-not-established")?.count ?? 0, agentFound.get("calico.no-bgp-peers")?.count ?? 0);
  evidence["cni.bgpDownReports"] = samples(agentFound, ["calico.bgp-not-established", "calico.no-bgp-peers"], 2);
  evidence["cni.bgpPeersDown"] = evidence["cni.bgpDownReports"];

  const ipamIds = ["calico.ipam-block-exhausted", "calico.ipam-no-addresses"];
  evidence["cni.calicoIpamErrors"] = [...samples(eventFound, ipamIds, 2), ...samples(agentFound, ipamIds, 2)];

  const ciliumIds = ["cilium.bpf-map-full", "cilium.endpoint-regeneration-failed", "cilium.bpf-program-load-failed", "cilium.policy-import-failed"];
  const cilium = ciliumIds.filter((id) => agentFound.has(id));
  evidence["cni.ciliumErrorCount"] = samples(agentFound, ciliumIds);
  evidence["cni.ciliumErrors"] = evidence["cni.ciliumErrorCount"];

  const flannel = flannelProblems(model, node, agentFound, eventFound);
  evidence["cni.flannelSubnetProblems"] = flannel.evidence;

  // A sandbox event names its pod; the pod names its node.
  const sandboxEvents = podEvents.filter((e) => e.reason === "FailedCreatePodSandBox" || SANDBOX_SIGNALS.some((id) => scanEvents(model, [e], kubeletSignals).has(id)));
  const failingPods = new Map<string, ObjectRef>();
  for (const e of sandboxEvents) failingPods.set(`${e.involvedObject.namespace}/${e.involvedObject.name}`, { kind: "Pod", namespace: e.involvedObject.namespace ?? "default", name: e.involvedObject.name! });
  const latest = [...sandboxEvents].sort((a, b) => (b.lastTimestamp ?? "").localeCompare(a.lastTimestamp ?? ""))[0];
  evidence["cni.sandboxFailures"] = sandboxEvents.slice(0, 3).map((e) => model.evidence(e, "message", `${e.involvedObject.name}: ${e.reason}: ${e.message ?? ""}`));

  const exhaustion = ["kubelet.ip-range-exhausted", "cilium.ipam-range-full"];
  const ranges = [...new Set(exhaustion.flatMap((id) => [...(eventFound.get(id)?.values["range"] ?? []), ...(agentFound.get(id)?.values["range"] ?? [])]))];
  evidence["cni.ipExhaustion"] = [...samples(eventFound, exhaustion, 2), ...samples(agentFound, exhaustion, 2)];

  const configs = configFacts(model, name);
  evidence["cni.conflictingConfigs"] = configs.active ? [configEvidence(configs.active, "used: the first valid config in name order"), ...configs.conflicting.slice(0, 2).map((c) => configEvidence(c, "another CNI's config"))] : [];
  evidence["cni.activeConfigForeign"] = evidence["cni.conflictingConfigs"];

  const pods = model.podsOnNode(name).filter((p) => !isPodTerminal(p) && !p.spec.hostNetwork);
  return {
    kind: "Node",
    subject: { kind: "Node", name },
    values: {
      "cni.agentUnhealthy": unhealthy.length > 0,
      "cni.agentProblems": unhealthy.map((a) => `${a.cni}: ${a.pod ? `${a.pod.metadata.name}: ` : ""}${a.problem}`),
      "cni.agentPods": agents.filter((a) => a.pod).map((a) => podRef(a.pod!)),
      "cni.podsOnNode": pods.length,
      "cni.bgpPeersDown": bgp?.values["peers"]?.flatMap((p) => p.split(",")).filter((p, i, all) => p && all.indexOf(p) === i) ?? [],
      "cni.bgpDownReports": bgpReports,
      "cni.calicoIpamErrors": signalCount(eventFound, ipamIds) + signalCount(agentFound, ipamIds),
      "cni.ciliumErrors": cilium.map((id) => `${id.replace(/^cilium\./, "")} ×${agentFound.get(id)!.count}`),
      "cni.ciliumErrorCount": signalCount(agentFound, ciliumIds),
      "cni.flannelSubnetProblems": flannel.problems,
      "cni.sandboxFailures": sandboxEvents.reduce((n, e) => n + Math.max(1, e.count ?? 1), 0),
      "cni.sandboxFailingPods": [...failingPods.values()].slice(0, 20),
      "cni.sandboxError": latest ? clip(sandboxDetail(latest.message ?? ""), 200) : "",
      "cni.ipExhaustion": signalCount(eventFound, exhaustion) + signalCount(agentFound, exhaustion),
      "cni.exhaustedRanges": ranges,
      "cni.configFiles": configs.files.map((f) => f.file),
      "cni.activeConfig": configs.active?.file ?? "",
      "cni.conflictingConfigs": configs.conflicting.map((c) => `${c.file} (${c.type ? cniOfPluginType(c.type)?.name ?? c.type : "?"})`),
      "cni.activeConfigForeign": configs.foreign,
    },
    evidence,
    // The node's pods and its agents: what a broken CNI here breaks, and only here.
    scope: [...pods.map(podRef), ...agents.filter((a) => a.pod).map((a) => podRef(a.pod!))],
  };
}

/** The CNI's own words from a sandbox failure: what follows `failed (add):` or `network for pod …:`. */
function sandboxDetail(message: string): string {
  const m = /failed \(add\): (.*)$/s.exec(message) ?? /network: (.*)$/s.exec(message) ?? /failed to setup network for sandbox "[^"]*": (.*)$/s.exec(message);
  return (m?.[1] ?? message).replace(/\s+/g, " ");
}

// ---- Cluster ---------------------------------------------------------------------

function detectedPlugins(model: ClusterModel): string[] {
  const names = new Set(cniAgents(model).map((a) => a.spec.name));
  for (const n of model.resources.nodes) {
    const active = nodeCniConfigs(model, n.metadata.name).find((f) => f.valid);
    const cni = active?.type ? cniOfPluginType(active.type) : undefined;
    if (cni) names.add(cni.name);
  }
  return [...names].sort();
}

function configuredMtu(model: ClusterModel): ConfiguredMtu | undefined {
  for (const cm of model.resources.configmaps) {
    const key = cm.metadata.name === "calico-config" ? "veth_mtu" : cm.metadata.name === "cilium-config" ? "mtu" : undefined;
    const raw = key ? cm.data?.[key] : undefined;
    const mtu = Number(raw);
    // 0 means auto-detect (Calico ≥ 3.21, Cilium): the interfaces then tell the truth.
    if (key && Number.isInteger(mtu) && mtu > 0) return { mtu, source: `${cm.metadata.name} ${key}`, evidence: model.evidence(cm, `data["${key}"]`, `${cm.metadata.name} ${key}: "${raw}"`) };
  }
  return undefined;
}

function clusterSubject(model: ClusterModel): SubjectFacts {
  const mtus = model.resources.nodes.map((n) => nodeMtu(model, n)).filter((m) => m !== undefined);
  const mtu = mtuProblems(mtus, configuredMtu(model));
  const proxy = proxyContext(model);
  const cidr = cidrProblems(model, podRanges(model, proxy.config?.clusterCIDRs ?? [], proxy.configEvidence), serviceRange(model));
  const refs = (names: string[]) => [...new Set(names)].sort().map((name) => ({ kind: "Node", name }));
  return {
    kind: "Cluster",
    subject: { kind: "Cluster", name: "cluster" },
    values: {
      "cni.plugins": detectedPlugins(model),
      "cni.mtuProblems": mtu.map((p) => p.detail),
      "cni.mtuAffectedNodes": refs(mtu.flatMap((p) => p.nodes)),
      "cni.cidrOverlaps": cidr.map((p) => p.detail),
      "cni.cidrOverlapNodes": refs(cidr.flatMap((p) => p.nodes)),
    },
    evidence: {
      "cni.mtuProblems": mtu.flatMap((p) => p.evidence).slice(0, 6),
      "cni.cidrOverlaps": cidr.flatMap((p) => p.evidence).slice(0, 6),
    },
    scope: model.resources.nodes.map((n) => ({ kind: "Node", name: n.metadata.name })),
  };
}

export const cniFacts: FactBuilder = {
  layer: "cni",
  facts: [...clusterFacts, ...nodeFacts],
  *build(model) {
    yield clusterSubject(model);
    for (const node of model.resources.nodes) yield nodeSubject(model, node);
  },
  notes(model) {
    const notes: string[] = [];
    const plugins = detectedPlugins(model);
    if (plugins.length === 0 && model.resources.nodes.length > 0) notes.push("no CNI agent, CNI ConfigMap or node CNI config recognised: CNI health checks found nothing to check");
    const withAddr = model.resources.nodes.filter((n) => model.nodeFiles.get(n.metadata.name)?.has("ip-addr.txt")).length;
    if (withAddr > 0 && withAddr < model.resources.nodes.length) notes.push(`ip-addr.txt collected on ${withAddr} of ${model.resources.nodes.length} nodes: MTUs of the others were not compared`);
    return notes;
  },
};
