/**
 * Proxy facts on small clusters: where kube-proxy belongs (DaemonSet placement,
 * eBPF replacements), its configuration (ConfigMap or flags), its logs.
 */
import { describe, expect, it } from "vitest";
import { computeFacts } from "../../src/facts/index.js";
import { proxyFacts } from "../../src/facts/proxy.js";
import { daemonSetTargetsNode } from "../../src/model/daemonsets.js";
import { configOrFlags, kubeProxyFlags, parseKubeProxyConfiguration } from "../../src/model/parsers/kube-proxy-config.js";
import type { ClusterModel } from "../../src/model/model.js";
import { cluster, configMap, daemonSet, node, pod } from "../helpers/cluster.js";

const KUBEADM_CONFIG = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clientConnection:
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
clusterCIDR: 10.244.0.0/16
conntrack:
  maxPerCore: null
  min: null
kind: KubeProxyConfiguration
mode: ""
`;

const KUBE_PROXY = [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.31.2", command: ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"] }];
const kubeProxyDs = (podSpec: Record<string, unknown> = { tolerations: [{ operator: "Exists" }] }) => daemonSet("kube-system", "kube-proxy", { "k8s-app": "kube-proxy" }, KUBE_PROXY, podSpec);
const kubeProxyPod = (n: string, ready = true) => pod("kube-system", `kube-proxy-${n}`, n, { labels: { "k8s-app": "kube-proxy" }, containers: KUBE_PROXY, ready, hostNetwork: true, owner: { kind: "DaemonSet", name: "kube-proxy" } });

function nodeFacts(model: ClusterModel, name: string): Record<string, unknown> {
  return computeFacts(model, [proxyFacts]).find((s) => s.kind === "Node" && s.subject.name === name)!.values;
}

function clusterFacts(model: ClusterModel): Record<string, unknown> {
  return computeFacts(model, [proxyFacts]).find((s) => s.kind === "Cluster")!.values;
}

describe("kube-proxy configuration", () => {
  it('kubeadm\'s ConfigMap: mode "" is iptables on Linux', () => {
    const c = parseKubeProxyConfiguration(KUBEADM_CONFIG)!;
    expect(c).toMatchObject({ modeRaw: "", mode: "iptables", clusterCIDRs: ["10.244.0.0/16"], detectLocalMode: "ClusterCIDR", masqueradeAll: false });
  });

  it("dual-stack clusterCIDR, ipvs mode, masqueradeAll", () => {
    const c = parseKubeProxyConfiguration("kind: KubeProxyConfiguration\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nmode: ipvs\nclusterCIDR: 10.244.0.0/16,fd00:10:244::/56\nipvs:\n  masqueradeAll: true\n")!;
    expect(c).toMatchObject({ mode: "ipvs", clusterCIDRs: ["10.244.0.0/16", "fd00:10:244::/56"], masqueradeAll: true });
  });

  it("a document that is not a KubeProxyConfiguration, or not YAML, is no configuration", () => {
    expect(parseKubeProxyConfiguration("kind: KubeletConfiguration\n")).toBeUndefined();
    expect(parseKubeProxyConfiguration("kind: [")).toBeUndefined();
  });

  it("flags count only without a config file", () => {
    const flags = kubeProxyFlags(["kube-proxy", "--proxy-mode=ipvs", "--cluster-cidr", "10.42.0.0/16", "--masquerade-all"]);
    expect(flags).toEqual({ mode: "ipvs", clusterCIDR: "10.42.0.0/16", masqueradeAll: true });
    expect(configOrFlags(undefined, flags)).toMatchObject({ mode: "ipvs", clusterCIDRs: ["10.42.0.0/16"], masqueradeAll: true });
    expect(configOrFlags(parseKubeProxyConfiguration(KUBEADM_CONFIG), flags)).toMatchObject({ mode: "iptables" });
  });
});

describe("DaemonSet placement", () => {
  const cp = node("cp", "10.0.0.10", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }], labels: { "node-role.kubernetes.io/control-plane": "" } });
  const worker = node("w1", "10.0.0.11");
  const model = cluster({ nodes: [cp, worker] });
  const [cpNode, workerNode] = model.resources.nodes;

  it("a taint without a toleration keeps the pod off; `operator: Exists` tolerates everything", () => {
    const bare = cluster({ daemonsets: [kubeProxyDs({})] }).resources.daemonsets[0]!;
    expect(daemonSetTargetsNode(bare, cpNode!)).toBe(false);
    expect(daemonSetTargetsNode(bare, workerNode!)).toBe(true);
    const tolerant = cluster({ daemonsets: [kubeProxyDs()] }).resources.daemonsets[0]!;
    expect(daemonSetTargetsNode(tolerant, cpNode!)).toBe(true);
  });

  it("the controller's own tolerations: a NotReady, unreachable or unschedulable node still gets its daemon pod", () => {
    const bare = cluster({ daemonsets: [kubeProxyDs({})] }).resources.daemonsets[0]!;
    const down = cluster({ nodes: [node("w2", "10.0.0.12", { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }, { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] })] }).resources.nodes[0]!;
    expect(daemonSetTargetsNode(bare, down)).toBe(true);
  });

  it("nodeSelector and required node affinity", () => {
    const ds = cluster({ daemonsets: [kubeProxyDs({ nodeSelector: { "kubernetes.io/os": "linux" }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] }] } } } })] }).resources.daemonsets[0]!;
    expect(daemonSetTargetsNode(ds, workerNode!)).toBe(true);
    expect(daemonSetTargetsNode(ds, cpNode!)).toBe(false);
    const windows = cluster({ nodes: [node("win", "10.0.0.20", { labels: { "kubernetes.io/os": "windows" } })] }).resources.nodes[0]!;
    expect(daemonSetTargetsNode(ds, windows)).toBe(false);
  });
});

describe("where kube-proxy must run", () => {
  const nodes = [node("n1", "10.0.0.11"), node("n2", "10.0.0.12")];
  const app = pod("shop", "web-1", "n2", { ip: "10.244.2.5" });

  it("a node its DaemonSet targets but without a kube-proxy pod", () => {
    const model = cluster({ nodes, daemonsets: [kubeProxyDs()], pods: [kubeProxyPod("n1"), app], configmaps: [configMap("kube-system", "kube-proxy", { "config.conf": KUBEADM_CONFIG })] });
    expect(nodeFacts(model, "n2")).toMatchObject({ "proxy.kubeProxyExpected": true, "proxy.kubeProxyNotRunning": true, "proxy.kubeProxyProblem": "no kube-proxy pod on the node" });
    expect(nodeFacts(model, "n1")).toMatchObject({ "proxy.kubeProxyNotRunning": false, "proxy.kubeProxyPod": "kube-proxy-n1" });
  });

  it("a tainted node the DaemonSet does not tolerate still needs kube-proxy when pods run there", () => {
    const tainted = [node("n1", "10.0.0.11"), node("n2", "10.0.0.12", { taints: [{ key: "dedicated", value: "batch", effect: "NoSchedule" }] })];
    const model = cluster({ nodes: tainted, daemonsets: [kubeProxyDs({})], pods: [kubeProxyPod("n1"), app] });
    expect(nodeFacts(model, "n2")).toMatchObject({ "proxy.kubeProxyExpected": true, "proxy.kubeProxyNotRunning": true, "proxy.kubeProxyProblem": "no kube-proxy pod on the node: the DaemonSet's nodeSelector, affinity or tolerations leave it out (node taints: dedicated=batch:NoSchedule)" });
  });

  it("Cilium's kube-proxy replacement: no kube-proxy, no finding", () => {
    const cilium = daemonSet("kube-system", "cilium", { "k8s-app": "cilium" }, [{ name: "cilium-agent", image: "quay.io/cilium/cilium:v1.16.3" }]);
    for (const value of ["true", "strict"]) {
      const model = cluster({ nodes, daemonsets: [cilium], configmaps: [configMap("kube-system", "cilium-config", { "kube-proxy-replacement": value })], pods: [app] });
      expect(clusterFacts(model)["proxy.replacedBy"]).toBe("cilium");
      expect(nodeFacts(model, "n2")).toMatchObject({ "proxy.kubeProxyExpected": false, "proxy.kubeProxyNotRunning": false });
    }
    // "false" (or partial) keeps kube-proxy in charge.
    const withKubeProxy = cluster({ nodes, daemonsets: [cilium, kubeProxyDs()], pods: [kubeProxyPod("n1"), app], configmaps: [configMap("kube-system", "cilium-config", { "kube-proxy-replacement": "false" })] });
    expect(clusterFacts(withKubeProxy)["proxy.replacedBy"]).toBe("");
    expect(nodeFacts(withKubeProxy, "n2")["proxy.kubeProxyNotRunning"]).toBe(true);
  });

  it("Cilium without any kube-proxy deployed, and Calico's eBPF dataplane parking kube-proxy", () => {
    const cilium = daemonSet("kube-system", "cilium", { "k8s-app": "cilium" }, [{ name: "cilium-agent", image: "quay.io/cilium/cilium:v1.16.3" }]);
    expect(clusterFacts(cluster({ nodes, daemonsets: [cilium] }))["proxy.replacedBy"]).toBe("cilium");
    const calico = daemonSet("kube-system", "calico-node", { "k8s-app": "calico-node" }, [{ name: "calico-node", image: "docker.io/calico/node:v3.28.2" }]);
    const parked = cluster({ nodes, daemonsets: [calico, kubeProxyDs({ nodeSelector: { "kubernetes.io/os": "linux", "non-calico": "true" } })], pods: [app] });
    expect(clusterFacts(parked)["proxy.replacedBy"]).toBe("calico (eBPF dataplane)");
    expect(nodeFacts(parked, "n2")["proxy.kubeProxyNotRunning"]).toBe(false);
  });

  it("a crash-looping kube-proxy says why", () => {
    const crashing = { ...kubeProxyPod("n2", false) } as Record<string, unknown>;
    (crashing.status as Record<string, unknown>).containerStatuses = [{ name: "kube-proxy", ready: false, restartCount: 14, state: { waiting: { reason: "CrashLoopBackOff" } }, lastState: { terminated: { reason: "Error", exitCode: 1 } } }];
    const model = cluster({ nodes, daemonsets: [kubeProxyDs()], pods: [kubeProxyPod("n1"), crashing, app] });
    expect(nodeFacts(model, "n2")["proxy.kubeProxyProblem"]).toBe("container kube-proxy in CrashLoopBackOff, 14 restarts, last exit Error (code 1)");
  });
});

describe("kube-proxy logs", () => {
  const nodes = [node("n1", "10.0.0.11")];
  const base = { nodes, daemonsets: [kubeProxyDs()], pods: [kubeProxyPod("n1")], configmaps: [configMap("kube-system", "kube-proxy", { "config.conf": KUBEADM_CONFIG })] };

  it("sync errors of the pod on the node, counted by kind", () => {
    const log = 'E0809 05:37:21.484590       1 proxier.go:1507] Failed to execute iptables-restore: exit status 1 (iptables-restore: line 51 failed\n)\nI0809 05:37:21.484752       1 proxier.go:779] Sync failed; retrying in 30s\n';
    const model = cluster({ ...base, files: { "logs/kube-system/kube-proxy-n1/kube-proxy.log": log } });
    expect(nodeFacts(model, "n1")).toMatchObject({ "proxy.syncErrorCount": 3, "proxy.syncErrors": ["iptables-restore-failed ×1", "restore-line-failed ×1", "sync-failed ×1"] });
  });

  it('"no cluster CIDR" counts for the cluster\'s own IP family only', () => {
    const ipv6 = 'I0409 11:36:04.277755       1 server_others.go:512] "Detect-local-mode set to ClusterCIDR, but no cluster CIDR for family" ipFamily="IPv6"\n';
    expect(clusterFacts(cluster({ ...base, files: { "logs/kube-system/kube-proxy-n1/kube-proxy.log": ipv6 } }))["proxy.noClusterCidrLogLines"]).toBe(0);
    const ipv4 = ipv6.replace('"IPv6"', '"IPv4"');
    expect(clusterFacts(cluster({ ...base, files: { "logs/kube-system/kube-proxy-n1/kube-proxy.log": ipv4 } }))["proxy.noClusterCidrLogLines"]).toBe(1);
  });
});
