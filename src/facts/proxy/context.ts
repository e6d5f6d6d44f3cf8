/**
 * The cluster-wide picture the proxy facts share, computed once per
 * diagnosis: how kube-proxy is deployed and configured, whether something
 * replaces it, and each node's rules compared with the cluster.
 */
import type { ConfigMap, Node, Pod, Workload } from "../../model/k8s.js";
import type { ClusterModel } from "../../model/model.js";
import { cidrsOverlap, parseCidr } from "../../model/cidr.js";
import { daemonSetNodeSelector, daemonSetTargetsNode } from "../../model/daemonsets.js";
import { isPodTerminal } from "../../model/pods.js";
import { type KubeProxyConfig, configOrFlags, isKubeProxyConfiguration, kubeProxyFlags, parseKubeProxyConfiguration } from "../../model/parsers/kube-proxy-config.js";
import type { Evidence } from "../../types/evidence.js";
import { cniAgents } from "../cni/agents.js";
import { type KubeProxyMode, type NodeProxyAnalysis, SharedNodeRules, analyseNode } from "./node-rules.js";

export interface ProxyContext {
  daemonSets: Workload[];
  pods: Pod[];
  config?: KubeProxyConfig;
  configEvidence?: Evidence;
  /** What replaces kube-proxy (eBPF datapath), with why we think so. */
  replacedBy?: { by: string; evidence: Evidence };
  analyses: Map<string, NodeProxyAnalysis>;
  /** Pod CIDRs known to the cluster (node podCIDRs and kube-proxy's cluster CIDR). */
  podCidrs: string[];
}

const KUBE_PROXY_IMAGE = /(?:^|\/)kube-proxy(?:-[a-z0-9]+)?(?:[:@]|$)/;

export function isKubeProxyWorkload(labels: Record<string, string>, containers: { name: string; image?: string | undefined }[]): boolean {
  if (labels["k8s-app"] === "kube-proxy" || labels["component"] === "kube-proxy") return true;
  return containers.some((c) => c.name === "kube-proxy" || KUBE_PROXY_IMAGE.test(c.image ?? ""));
}

function kubeProxyConfigMap(model: ClusterModel): { cm: ConfigMap; key: string } | undefined {
  const candidates = model.resources.configmaps.filter((c) => Object.values(c.data ?? {}).some(isKubeProxyConfiguration));
  // kubeadm's kube-system/kube-proxy first, then EKS's kube-proxy-config, then any.
  candidates.sort((a, b) => rank(a) - rank(b));
  const cm = candidates[0];
  if (!cm) return undefined;
  const key = Object.keys(cm.data ?? {}).find((k) => isKubeProxyConfiguration(cm.data![k]!))!;
  return { cm, key };

  function rank(c: ConfigMap): number {
    return c.metadata.name === "kube-proxy" ? 0 : c.metadata.name.startsWith("kube-proxy") ? 1 : 2;
  }
}

function modeLabel(c: KubeProxyConfig): string {
  return c.modeRaw === "" ? `mode: "" (${c.mode} on Linux)` : `mode: ${c.modeRaw}`;
}

function findReplacement(model: ClusterModel, kubeProxyDeployed: boolean): ProxyContext["replacedBy"] {
  for (const cm of model.resources.configmaps) {
    const kpr = cm.data?.["kube-proxy-replacement"];
    if (cm.metadata.name === "cilium-config" && (kpr === "true" || kpr === "strict")) {
      return { by: "cilium", evidence: model.evidence(cm, 'data["kube-proxy-replacement"]', `cilium-config kube-proxy-replacement: "${kpr}"`) };
    }
    const antrea = cm.data?.["antrea-agent.conf"];
    if (antrea && /^\s*proxyAll:\s*true\b/m.test(antrea)) {
      return { by: "antrea", evidence: model.evidence(cm, 'data["antrea-agent.conf"]', "antrea-agent.conf proxyAll: true") };
    }
  }
  for (const agent of cniAgents(model)) {
    for (const ds of agent.daemonSets) {
      const argv = (ds.spec.template?.spec?.containers ?? []).flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
      if (agent.spec.name === "kube-router" && argv.some((a) => a === "--run-service-proxy=true" || a === "--run-service-proxy")) {
        return { by: "kube-router", evidence: model.evidence(ds, "spec.template.spec.containers", "kube-router --run-service-proxy=true") };
      }
    }
  }
  // Calico's eBPF dataplane: its install guide parks kube-proxy with `nodeSelector: non-calico: "true"`.
  const calico = cniAgents(model).find((a) => a.spec.name === "calico");
  const parked = model.resources.daemonsets.find((ds) => isKubeProxyWorkload(ds.spec.template?.metadata?.labels ?? ds.metadata.labels, ds.spec.template?.spec?.containers ?? []) && daemonSetNodeSelector(ds).includes("non-calico=true"));
  if (calico && parked) return { by: "calico (eBPF dataplane)", evidence: model.evidence(parked, "spec.template.spec.nodeSelector", `kube-proxy nodeSelector ${daemonSetNodeSelector(parked)} (Calico eBPF replaces kube-proxy)`) };
  if (!kubeProxyDeployed) {
    const cilium = cniAgents(model).find((a) => a.spec.name === "cilium");
    const where = cilium?.daemonSets[0] ?? cilium?.pods[0];
    if (where) return { by: "cilium", evidence: model.evidence(where, undefined, `cilium runs and no kube-proxy DaemonSet or pod exists`) };
  }
  return undefined;
}

export function proxyContext(model: ClusterModel): ProxyContext {
  return model.memo("proxy.context", () => {
    const daemonSets = model.resources.daemonsets.filter((ds) => isKubeProxyWorkload(ds.spec.template?.metadata?.labels ?? ds.metadata.labels, ds.spec.template?.spec?.containers ?? []));
    const pods = model.resources.pods.filter((p) => !isPodTerminal(p) && isKubeProxyWorkload(p.metadata.labels, p.spec.containers));
    const ctx: ProxyContext = { daemonSets, pods, analyses: new Map(), podCidrs: [] };
    const found = kubeProxyConfigMap(model);
    const fromFile = found ? parseKubeProxyConfiguration(found.cm.data![found.key]!) : undefined;
    const container = daemonSets[0]?.spec.template?.spec?.containers.find((c) => c.name === "kube-proxy") ?? pods[0]?.spec.containers.find((c) => c.name === "kube-proxy");
    const config = configOrFlags(fromFile, kubeProxyFlags([...(container?.command ?? []), ...(container?.args ?? [])]));
    if (config) {
      ctx.config = config;
      ctx.configEvidence = found && fromFile
        ? model.evidence(found.cm, `data["${found.key}"]`, `${found.cm.metadata.name} ${found.key}: ${modeLabel(config)}, clusterCIDR: ${config.clusterCIDRs.join(",") || '""'}`)
        : model.evidence(daemonSets[0] ?? pods[0]!, "spec.template.spec.containers", `kube-proxy flags: ${modeLabel(config)}, --cluster-cidr ${config.clusterCIDRs.join(",") || "(unset)"}`);
    }
    const replaced = findReplacement(model, daemonSets.length > 0 || pods.length > 0);
    if (replaced) ctx.replacedBy = replaced;
    ctx.podCidrs = [...new Set([...model.resources.nodes.flatMap((n) => n.spec.podCIDRs ?? (n.spec.podCIDR ? [n.spec.podCIDR] : [])), ...(config?.clusterCIDRs ?? [])])];
    const overlap = (a: string, b: string) => {
      const x = parseCidr(a);
      const y = parseCidr(b);
      return !!x && !!y && cidrsOverlap(x, y);
    };
    const configuredMode = config && config.mode !== "unknown" && config.mode !== "kernelspace" ? (config.mode as KubeProxyMode) : undefined;
    const shared = new SharedNodeRules();
    for (const node of model.resources.nodes) {
      if (!model.nodeFiles.has(node.metadata.name)) continue;
      const analysis = analyseNode(model, node.metadata.name, { ...(configuredMode ? { configuredMode } : {}), podCidrs: ctx.podCidrs, cidrsOverlap: overlap, shared });
      if (analysis.files.length > 0) ctx.analyses.set(node.metadata.name, analysis);
    }
    return ctx;
  });
}

/**
 * kube-proxy belongs on this Linux node: its DaemonSet targets it, a kube-proxy
 * pod is bound to it, or pods run there whose Service traffic needs it (a
 * DaemonSet whose tolerations leave a tainted node out is exactly that fault).
 */
export function kubeProxyExpectedOn(model: ClusterModel, ctx: ProxyContext, node: Node): boolean {
  if (ctx.replacedBy || (ctx.daemonSets.length === 0 && ctx.pods.length === 0)) return false;
  if ((node.metadata.labels["kubernetes.io/os"] ?? "linux") !== "linux") return false;
  if (ctx.daemonSets.some((ds) => daemonSetTargetsNode(ds, node)) || ctx.pods.some((p) => p.spec.nodeName === node.metadata.name)) return true;
  return model.podsOnNode(node.metadata.name).some((p) => !isPodTerminal(p) && !p.spec.hostNetwork);
}

/** A node's rules are wholly missing: no kube-proxy structure at all, or most Service ports absent. */
export function rulesWhollyMissing(a: NodeProxyAnalysis): boolean {
  if (!a.kubeProxyPresent) return true;
  return a.missing.length >= 3 && a.missing.length >= a.expectedPorts / 2;
}
