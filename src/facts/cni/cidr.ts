/**
 * Address-range conflicts between the pod network, the Service range and the
 * node network:
 * - node podCIDRs overlapping each other (two nodes hand out the same pod IPs);
 * - a pod range (node podCIDRs, the CNI's pool, kube-proxy's clusterCIDR)
 *   overlapping the Service range (kube-apiserver/controller-manager
 *   `--service-cluster-ip-range`; without it, Service ClusterIPs inside a pod range);
 * - node addresses inside an overlay pod range (node podCIDRs, Calico/flannel/
 *   Cilium pools). kube-proxy's clusterCIDR is not used for that one: on VPC CNIs
 *   (EKS) it is the VPC range that holds the nodes too, by design.
 */
import type { ClusterModel } from "../../model/model.js";
import type { Pod } from "../../model/k8s.js";
import { type Cidr, cidrContains, cidrsOverlap, parseCidr, parseIp } from "../../model/cidr.js";
import type { Evidence } from "../../types/evidence.js";
import { cniAgents } from "./agents.js";

export interface Range {
  cidr: string;
  parsed: Cidr;
  /** "node-1's podCIDR", "Calico pool (CALICO_IPV4POOL_CIDR)", "kube-proxy clusterCIDR"… */
  what: string;
  node?: string;
  /** Overlay ranges the nodes' own addresses must stay out of. */
  overlay: boolean;
  evidence: Evidence;
}

export interface CidrProblem {
  nodes: string[];
  detail: string;
  evidence: Evidence[];
}

function range(cidr: string, what: string, overlay: boolean, evidence: Evidence, node?: string): Range | undefined {
  const parsed = parseCidr(cidr);
  return parsed ? { cidr, parsed, what, overlay, evidence, ...(node ? { node } : {}) } : undefined;
}

function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w.startsWith(`--${name}=`)) return w.slice(name.length + 3);
    if (w === `--${name}` && argv[i + 1]) return argv[i + 1];
  }
  return undefined;
}

function controlPlanePods(model: ClusterModel, component: string): Pod[] {
  return model.resources.pods.filter((p) => p.metadata.labels["component"] === component || p.spec.containers.some((c) => c.name === component));
}

function argvOf(pod: Pod): string[] {
  return pod.spec.containers.flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]);
}

/** Every pod range the snapshot states, with where it says so. */
export function podRanges(model: ClusterModel, kubeProxyClusterCIDRs: readonly string[], kubeProxyEvidence: Evidence | undefined): Range[] {
  const out: Range[] = [];
  const add = (r: Range | undefined) => r && out.push(r);
  for (const n of model.resources.nodes) {
    for (const [i, c] of (n.spec.podCIDRs ?? (n.spec.podCIDR ? [n.spec.podCIDR] : [])).entries()) {
      add(range(c, `${n.metadata.name}'s podCIDR`, true, model.evidence(n, `spec.podCIDRs[${i}]`, `${n.metadata.name} podCIDR ${c}`), n.metadata.name));
    }
  }
  for (const c of kubeProxyClusterCIDRs) if (kubeProxyEvidence) add(range(c, "kube-proxy's clusterCIDR", false, kubeProxyEvidence));
  for (const pod of controlPlanePods(model, "kube-controller-manager").slice(0, 1)) {
    const v = flag(argvOf(pod), "cluster-cidr");
    for (const c of v?.split(",") ?? []) add(range(c.trim(), "kube-controller-manager --cluster-cidr", false, model.evidence(pod, "spec.containers", `--cluster-cidr=${v}`)));
  }
  for (const agent of cniAgents(model)) {
    if (agent.spec.name !== "calico") continue;
    for (const ds of agent.daemonSets) {
      for (const c of ds.spec.template?.spec?.containers ?? []) {
        const env = (c.env ?? []).find((e) => e.name === "CALICO_IPV4POOL_CIDR");
        if (env?.value) add(range(env.value, "Calico's IP pool (CALICO_IPV4POOL_CIDR)", true, model.evidence(ds, "spec.template.spec.containers", `CALICO_IPV4POOL_CIDR=${env.value}`)));
      }
    }
  }
  for (const cm of model.resources.configmaps) {
    const net = cm.metadata.name === "kube-flannel-cfg" ? cm.data?.["net-conf.json"] : undefined;
    if (net) {
      try {
        const network = (JSON.parse(net) as { Network?: unknown }).Network;
        if (typeof network === "string") add(range(network, "flannel's Network (net-conf.json)", true, model.evidence(cm, 'data["net-conf.json"]', `flannel Network ${network}`)));
      } catch {
        // A broken net-conf.json is flannel's own crash, reported by its agent's health.
      }
    }
    const pool = cm.metadata.name === "cilium-config" ? cm.data?.["cluster-pool-ipv4-cidr"] : undefined;
    if (pool) for (const c of pool.split(/[\s,]+/).filter(Boolean)) add(range(c, "Cilium's cluster pool (cluster-pool-ipv4-cidr)", true, model.evidence(cm, 'data["cluster-pool-ipv4-cidr"]', `cluster-pool-ipv4-cidr ${pool}`)));
  }
  return out;
}

export function serviceRange(model: ClusterModel): Range | undefined {
  for (const component of ["kube-apiserver", "kube-controller-manager"]) {
    for (const pod of controlPlanePods(model, component)) {
      const v = flag(argvOf(pod), "service-cluster-ip-range");
      const first = v?.split(",")[0]?.trim();
      const r = first ? range(first, `the Service range (${component} --service-cluster-ip-range)`, false, model.evidence(pod, "spec.containers", `--service-cluster-ip-range=${v}`)) : undefined;
      if (r) return r;
    }
  }
  return undefined;
}

function contains(r: Range, ip: string): boolean {
  const a = parseIp(ip);
  return !!a && cidrContains(r.parsed, a);
}

export function cidrProblems(model: ClusterModel, pods: Range[], services: Range | undefined): CidrProblem[] {
  const problems: CidrProblem[] = [];
  const nodeRanges = pods.filter((r) => r.node);
  for (let i = 0; i < nodeRanges.length; i++) {
    for (let j = i + 1; j < nodeRanges.length; j++) {
      const a = nodeRanges[i]!;
      const b = nodeRanges[j]!;
      if (a.node === b.node || !cidrsOverlap(a.parsed, b.parsed)) continue;
      problems.push({ nodes: [a.node!, b.node!], detail: `${a.what} ${a.cidr} overlaps ${b.what} ${b.cidr}: both nodes hand out the same pod IPs`, evidence: [a.evidence, b.evidence] });
    }
  }
  if (services) {
    // One finding per distinct pod range (the node podCIDRs inside it say the same).
    const clusterWide = pods.filter((r) => !r.node && cidrsOverlap(r.parsed, services.parsed));
    for (const r of clusterWide) problems.push({ nodes: [], detail: `${r.what} ${r.cidr} overlaps ${services.what} ${services.cidr}`, evidence: [r.evidence, services.evidence] });
    const nodeOverlaps = nodeRanges.filter((r) => cidrsOverlap(r.parsed, services.parsed) && !clusterWide.some((c) => cidrsOverlap(c.parsed, r.parsed)));
    if (nodeOverlaps.length > 0) problems.push({ nodes: nodeOverlaps.map((r) => r.node!), detail: `the podCIDRs of ${nodeOverlaps.map((r) => `${r.node} (${r.cidr})`).join(", ")} overlap ${services.what} ${services.cidr}`, evidence: [nodeOverlaps[0]!.evidence, services.evidence] });
  } else {
    const inPods = new Map<Range, string[]>();
    for (const svc of model.resources.services) {
      for (const ip of svc.spec.clusterIPs ?? (svc.spec.clusterIP ? [svc.spec.clusterIP] : [])) {
        if (ip === "None") continue;
        const r = pods.find((p) => contains(p, ip));
        if (r) inPods.set(r, [...(inPods.get(r) ?? []), `${svc.metadata.namespace}/${svc.metadata.name} ${ip}`]);
      }
    }
    for (const [r, ips] of inPods) problems.push({ nodes: r.node ? [r.node] : [], detail: `Service ClusterIPs lie inside ${r.what} ${r.cidr}: ${ips.slice(0, 3).join(", ")}${ips.length > 3 ? ` and ${ips.length - 3} more` : ""}`, evidence: [r.evidence] });
  }
  for (const n of model.resources.nodes) {
    for (const a of n.status.addresses ?? []) {
      if (a.type !== "InternalIP" && a.type !== "ExternalIP") continue;
      const r = pods.find((p) => p.overlay && contains(p, a.address)) ?? (services && contains(services, a.address) ? services : undefined);
      if (r) problems.push({ nodes: [n.metadata.name, ...(r.node && r.node !== n.metadata.name ? [r.node] : [])], detail: `${n.metadata.name}'s ${a.type} ${a.address} lies inside ${r.what} ${r.cidr}`, evidence: [model.evidence(n, "status.addresses", `${n.metadata.name} ${a.type} ${a.address}`), r.evidence] });
    }
  }
  return problems;
}
