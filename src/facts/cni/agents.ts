/**
 * The CNI plugins a cluster runs, recognised from their node agents (pods and
 * DaemonSets), their ConfigMaps and the config files on the nodes, and the
 * health of each agent pod per node. Recognition is by what the projects
 * ship (labels, image names, ConfigMap names, CNI plugin types), never by the
 * names of one cluster's objects.
 */
import type { Node, Pod, Workload } from "../../model/k8s.js";
import type { ClusterModel } from "../../model/model.js";
import { daemonSetTargetsNode } from "../../model/daemonsets.js";
import { allContainerStatuses, isPodReady, isPodTerminal } from "../../model/pods.js";
import type { SignalDefinition } from "../../model/signals/scan.js";
import { calicoSignals } from "../../model/signals/calico.js";
import { ciliumSignals } from "../../model/signals/cilium.js";
import { flannelSignals } from "../../model/signals/flannel.js";

export interface CniSpec {
  /** Display name: calico, cilium, flannel… */
  name: string;
  /** Labels its agent pods carry (any one pair). */
  labels: [string, string][];
  /** Image repository suffixes of its agent container (`calico/node`, `cilium/cilium`). */
  images: string[];
  /** ConfigMaps that configure it (namespace/name). */
  configMaps: string[];
  /** The CNI plugin `type` of its network config (first plugin of a conflist). */
  pluginTypes: string[];
  /** Log signals of its agent. */
  signals: readonly SignalDefinition[];
}

export const CNI_SPECS: readonly CniSpec[] = [
  { name: "calico", labels: [["k8s-app", "calico-node"]], images: ["calico/node"], configMaps: ["kube-system/calico-config", "calico-system/calico-config"], pluginTypes: ["calico"], signals: calicoSignals },
  { name: "cilium", labels: [["k8s-app", "cilium"]], images: ["cilium/cilium", "cilium/cilium-dev", "gke-release/cilium"], configMaps: ["kube-system/cilium-config", "cilium/cilium-config"], pluginTypes: ["cilium-cni"], signals: ciliumSignals },
  { name: "flannel", labels: [["app", "flannel"], ["k8s-app", "flannel"]], images: ["flannel-io/flannel", "flannel/flannel", "flannelcni/flannel", "coreos/flannel", "mirrored-flannelcni-flannel"], configMaps: ["kube-system/kube-flannel-cfg", "kube-flannel/kube-flannel-cfg"], pluginTypes: ["flannel"], signals: flannelSignals },
  { name: "weave", labels: [["name", "weave-net"]], images: ["weaveworks/weave-kube", "weave-kube"], configMaps: [], pluginTypes: ["weave-net"], signals: [] },
  { name: "kube-router", labels: [["k8s-app", "kube-router"]], images: ["cloudnativelabs/kube-router"], configMaps: ["kube-system/kube-router-cfg"], pluginTypes: ["bridge"], signals: [] },
  { name: "antrea", labels: [["component", "antrea-agent"]], images: ["antrea/antrea-agent-ubuntu", "antrea/antrea-ubuntu", "antrea/antrea-agent"], configMaps: ["kube-system/antrea-config"], pluginTypes: ["antrea"], signals: [] },
  { name: "aws-vpc-cni", labels: [["k8s-app", "aws-node"]], images: ["amazon-k8s-cni"], configMaps: ["kube-system/amazon-vpc-cni"], pluginTypes: ["aws-cni"], signals: [] },
  { name: "azure-cni", labels: [["k8s-app", "azure-cns"]], images: ["containernetworking/azure-cns"], configMaps: ["kube-system/azure-cns-config"], pluginTypes: ["azure-vnet"], signals: [] },
  { name: "gke-netd", labels: [["k8s-app", "netd"]], images: ["gke-release/netd"], configMaps: [], pluginTypes: ["ptp", "gke"], signals: [] },
  { name: "kindnet", labels: [["app", "kindnet"]], images: ["kindest/kindnetd"], configMaps: [], pluginTypes: ["ptp"], signals: [] },
  { name: "ovn-kubernetes", labels: [["app", "ovnkube-node"]], images: ["ovn-kubernetes/ovn-kube"], configMaps: [], pluginTypes: ["ovn-k8s-cni-overlay"], signals: [] },
];

function imageRepository(image: string): string {
  // registry/path/name:tag@digest → path/name without registry host and tag.
  return image.replace(/@.*$/, "").replace(/:[^:/]+$/, "");
}

function matchesImage(spec: CniSpec, image: string | undefined): boolean {
  if (!image) return false;
  const repo = imageRepository(image);
  return spec.images.some((i) => repo === i || repo.endsWith(`/${i}`));
}

/** The CNI whose agent this pod (or DaemonSet template) is, if any. */
export function cniOfAgent(labels: Record<string, string>, images: (string | undefined)[]): CniSpec | undefined {
  return CNI_SPECS.find((s) => s.labels.some(([k, v]) => labels[k] === v) || images.some((i) => matchesImage(s, i)));
}

export function cniOfPod(pod: Pod): CniSpec | undefined {
  return cniOfAgent(pod.metadata.labels, pod.spec.containers.map((c) => c.image));
}

function cniOfDaemonSet(ds: Workload): CniSpec | undefined {
  return cniOfAgent(ds.spec.template?.metadata?.labels ?? {}, (ds.spec.template?.spec?.containers ?? []).map((c) => c.image));
}

export function cniOfPluginType(type: string): CniSpec | undefined {
  return CNI_SPECS.find((s) => s.pluginTypes.includes(type));
}

export interface AgentDeployment {
  spec: CniSpec;
  daemonSets: Workload[];
  pods: Pod[];
}

/** Every CNI whose agent runs (or is meant to run) in the cluster, with its DaemonSets and pods. */
export function cniAgents(model: ClusterModel): AgentDeployment[] {
  return model.memo("cni.agents", () => {
    const out = new Map<string, AgentDeployment>();
    const entry = (spec: CniSpec) => {
      let d = out.get(spec.name);
      if (!d) out.set(spec.name, (d = { spec, daemonSets: [], pods: [] }));
      return d;
    };
    for (const ds of model.resources.daemonsets) {
      const spec = cniOfDaemonSet(ds);
      if (spec) entry(spec).daemonSets.push(ds);
    }
    for (const pod of model.resources.pods) {
      if (isPodTerminal(pod)) continue;
      const spec = cniOfPod(pod);
      // Only DaemonSet (or static) pods are node agents; an operator Deployment is not.
      const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
      if (spec && (!owner || owner.kind === "DaemonSet" || owner.kind === "Node")) entry(spec).pods.push(pod);
    }
    return [...out.values()];
  });
}

export interface AgentHealth {
  cni: string;
  /** The agent pod on the node, when there is one. */
  pod?: Pod;
  /** "" when healthy, else what is wrong: "no calico-node pod on the node", "not ready (CrashLoopBackOff, 14 restarts)". */
  problem: string;
  crashLooping: boolean;
}

const CRASH_RESTARTS = 5;

/** Why a node agent pod is not serving, or "" when it is ready. */
export function podProblem(pod: Pod): { problem: string; crashLooping: boolean } {
  if (pod.status.phase === "Pending") {
    const waiting = allContainerStatuses(pod).map((s) => s.state?.waiting?.reason).find(Boolean);
    return { problem: `Pending${waiting ? ` (${waiting})` : ""}`, crashLooping: false };
  }
  if (isPodReady(pod)) return { problem: "", crashLooping: false };
  const statuses = allContainerStatuses(pod);
  const crashing = statuses.find((s) => s.state?.waiting?.reason === "CrashLoopBackOff" || ((s.restartCount ?? 0) >= CRASH_RESTARTS && s.ready === false));
  if (crashing) {
    const last = crashing.lastState?.terminated;
    const exit = last ? `, last exit ${last.reason ?? "Error"}${last.exitCode !== undefined ? ` (code ${last.exitCode})` : ""}` : "";
    return { problem: `container ${crashing.name} in ${crashing.state?.waiting?.reason ?? "a restart loop"}, ${crashing.restartCount ?? 0} restarts${exit}`, crashLooping: true };
  }
  const notReady = statuses.filter((s) => s.ready === false).map((s) => s.name);
  const condition = (pod.status.conditions ?? []).find((c) => c.type === "Ready");
  return { problem: `not ready${notReady.length ? ` (${notReady.join(", ")})` : ""}${condition?.reason ? `: ${condition.reason}` : ""}`, crashLooping: false };
}

/** Health of each CNI agent that belongs on this node. */
export function agentHealthOnNode(model: ClusterModel, node: Node): AgentHealth[] {
  const out: AgentHealth[] = [];
  for (const agent of cniAgents(model)) {
    const here = agent.pods.filter((p) => p.spec.nodeName === node.metadata.name);
    const expected = agent.daemonSets.some((ds) => daemonSetTargetsNode(ds, node)) || here.length > 0;
    if (!expected) continue;
    // During a rolling update an old pod may be terminating beside a ready new one.
    const live = here.filter((p) => p.metadata.deletionTimestamp == null);
    const candidates = live.length > 0 ? live : here;
    if (candidates.length === 0) {
      out.push({ cni: agent.spec.name, problem: `no ${agent.spec.name} agent pod on the node (its DaemonSet should run one here)`, crashLooping: false });
      continue;
    }
    const ready = candidates.find(isPodReady);
    const pod = ready ?? candidates[0]!;
    const { problem, crashLooping } = ready ? { problem: "", crashLooping: false } : podProblem(pod);
    out.push({ cni: agent.spec.name, pod, problem, crashLooping });
  }
  return out;
}
