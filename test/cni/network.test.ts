/**
 * CNI facts from node files and cluster objects: MTUs (real `ip -d` outputs),
 * address-range overlaps, the configs in /etc/cni/net.d.
 */
import { describe, expect, it } from "vitest";
import { cniFacts } from "../../src/facts/cni.js";
import { computeFacts } from "../../src/facts/index.js";
import { nodeCniConfigs } from "../../src/facts/cni/configs.js";
import { mtuProblems, nodeMtu } from "../../src/facts/cni/mtu.js";
import type { ClusterModel } from "../../src/model/model.js";
import { cluster, configMap, daemonSet, node, pod, service } from "../helpers/cluster.js";
import { fixture } from "../parsers/_fixture.js";

function eth0(mtu: number, ip: string): string {
  return [
    `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc fq_codel state UP group default qlen 1000`,
    "    link/ether 52:54:00:80:ad:b6 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 addrgenmode none numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 65536 tso_max_segs 65535 gro_max_size 65536 parentbus virtio parentdev virtio0",
    `    inet ${ip}/24 brd 10.0.0.255 scope global eth0`,
    "       valid_lft forever preferred_lft forever",
    "",
  ].join("\n");
}

/** k3s's real flannel.1 (VXLAN, mtu 1450) and cni0 (mtu 1450), behind an eth0 of the given MTU. */
const flannelNode = (mtu: number, ip = "10.0.0.11") => `${eth0(mtu, ip)}${fixture("ip-d-addr_k3s_flannel.txt")}`;

function mtuOf(files: Record<string, string>, nodes = [node("n1", "10.0.0.11")]) {
  const model = cluster({ nodes, files });
  return model.resources.nodes.map((n) => nodeMtu(model, n)!);
}

describe("MTU", () => {
  it("flannel VXLAN: 1450 inside a 1500 underlay is exactly right", () => {
    const [m] = mtuOf({ "nodes/n1/ip-addr.txt": flannelNode(1500) });
    expect(m).toMatchObject({ underlay: { name: "eth0", mtu: 1500 }, pod: { name: "cni0", mtu: 1450 } });
    expect(m!.encapsulations).toMatchObject([{ name: "flannel.1", kind: "vxlan", overhead: 50, mtu: 1450 }]);
    expect(mtuProblems([m!], undefined)).toEqual([]);
  });

  it("the same node on a 1450-byte underlay: flannel.1 and the pod bridge are 50 bytes too large", () => {
    const [m] = mtuOf({ "nodes/n1/ip-addr.txt": flannelNode(1450) });
    expect(mtuProblems([m!], undefined).map((p) => p.detail)).toEqual([
      "n1: pod interfaces use mtu 1450 (cni0) but eth0 mtu 1450 − 50 (VXLAN) = 1400",
      "n1: flannel.1 (VXLAN) mtu 1450 > eth0 mtu 1450 − 50",
    ]);
  });

  it("OVN's collect-metadata Geneve device (mtu 65000) sets the overhead, not an MTU", () => {
    const [m] = mtuOf({ "nodes/n1/ip-addr.txt": `${eth0(1500, "10.0.0.11")}${fixture("ip-d-link_ovn_geneve.txt")}` });
    expect(m!.encapsulations).toMatchObject([{ name: "genev_sys_6081", kind: "geneve", external: true }]);
    expect(mtuProblems([m!], undefined)).toEqual([]);
  });

  it("a configured MTU above what the underlay carries (calico veth_mtu)", () => {
    const [m] = mtuOf({ "nodes/n1/ip-addr.txt": flannelNode(1500) });
    const problems = mtuProblems([m!], { mtu: 1480, source: "calico-config veth_mtu", evidence: { file: "resources/configmaps.json", path: "items[0]", excerpt: "veth_mtu" } });
    expect(problems.map((p) => p.detail)).toEqual(["n1: calico-config veth_mtu 1480 > eth0 mtu 1500 − 50 (VXLAN) = 1450"]);
  });

  it("across nodes: pods on a 1500-byte node overflow a 1450-byte node", () => {
    const ms = mtuOf({ "nodes/n1/ip-addr.txt": flannelNode(1500), "nodes/n2/ip-addr.txt": `${eth0(1450, "10.0.0.12")}${fixture("ip-d-addr_k3s_flannel.txt").replaceAll("mtu 1450", "mtu 1400")}` }, [node("n1", "10.0.0.11"), node("n2", "10.0.0.12")]);
    const problems = mtuProblems(ms, undefined);
    expect(problems.map((p) => p.nodes)).toEqual([["n1", "n2"]]);
    expect(problems[0]!.detail).toBe("pods on n1 use mtu 1450 but n2 carries at most 1400 (eth0 mtu 1450 − 50 VXLAN): larger packets between them are dropped");
  });
});

function clusterValues(model: ClusterModel): Record<string, unknown> {
  return computeFacts(model, [cniFacts]).find((s) => s.kind === "Cluster")!.values;
}

describe("address-range overlaps", () => {
  const apiserver = (range: string) => pod("kube-system", "kube-apiserver-cp", "cp", { labels: { component: "kube-apiserver" }, hostNetwork: true, containers: [{ name: "kube-apiserver", image: "registry.k8s.io/kube-apiserver:v1.31.2", command: ["kube-apiserver", `--service-cluster-ip-range=${range}`] }] });

  it("node podCIDRs overlapping each other", () => {
    const model = cluster({ nodes: [node("n1", "10.0.0.11", { podCIDR: "10.244.1.0/24" }), node("n2", "10.0.0.12", { podCIDR: "10.244.1.0/25" })] });
    expect(clusterValues(model)["cni.cidrOverlaps"]).toEqual(["n1's podCIDR 10.244.1.0/24 overlaps n2's podCIDR 10.244.1.0/25: both nodes hand out the same pod IPs"]);
  });

  it("the pod network inside the Service range", () => {
    const model = cluster({ nodes: [node("cp", "10.0.0.10", { podCIDR: "10.96.0.0/24" })], pods: [apiserver("10.96.0.0/12")] });
    expect(clusterValues(model)["cni.cidrOverlaps"]).toEqual(["the podCIDRs of cp (10.96.0.0/24) overlap the Service range (kube-apiserver --service-cluster-ip-range) 10.96.0.0/12"]);
  });

  it("without the Service range: ClusterIPs found inside a pod range", () => {
    const model = cluster({ nodes: [node("n1", "10.0.0.11", { podCIDR: "10.96.0.0/24" })], services: [service("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443 }])] });
    expect(clusterValues(model)["cni.cidrOverlaps"]).toEqual(["Service ClusterIPs lie inside n1's podCIDR 10.96.0.0/24: default/kubernetes 10.96.0.1"]);
  });

  it("a node address inside an overlay pod range, but not inside kube-proxy's clusterCIDR (EKS sets it to the VPC)", () => {
    const calico = daemonSet("kube-system", "calico-node", { "k8s-app": "calico-node" }, [{ name: "calico-node", image: "docker.io/calico/node:v3.28.2", env: [{ name: "CALICO_IPV4POOL_CIDR", value: "10.0.0.0/16" }] }]);
    const clash = cluster({ nodes: [node("n1", "10.0.0.11")], daemonsets: [calico] });
    expect(clusterValues(clash)["cni.cidrOverlaps"]).toEqual(["n1's InternalIP 10.0.0.11 lies inside Calico's IP pool (CALICO_IPV4POOL_CIDR) 10.0.0.0/16"]);
    const eks = cluster({ nodes: [node("ip-192-168-12-4", "192.168.12.4")], configmaps: [configMap("kube-system", "kube-proxy-config", { config: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nclusterCIDR: 192.168.0.0/16\nmode: iptables\n" })] });
    expect(clusterValues(eks)["cni.cidrOverlaps"]).toEqual([]);
  });
});

describe("configs in /etc/cni/net.d", () => {
  const calico = '{"name":"k8s-pod-network","cniVersion":"0.3.1","plugins":[{"type":"calico","mtu":0},{"type":"portmap"}]}';
  const cilium = fixture("../../../fixtures/sources/cni/05-cilium.conflist");

  it("in name order, only .conf/.conflist/.json files, backups ignored, invalid ones kept as invalid", () => {
    const model = cluster({ files: { "nodes/n1/cni/10-calico.conflist": calico, "nodes/n1/cni/05-cilium.conflist.cilium_bak": cilium, "nodes/n1/cni/00-broken.conf": "{not json", "nodes/n1/cni/calico-kubeconfig": "apiVersion: v1" } });
    const configs = nodeCniConfigs(model, "n1");
    expect(configs.map((c) => [c.file, c.valid, c.type])).toEqual([["00-broken.conf", false, undefined], ["10-calico.conflist", true, "calico"]]);
  });

  it("a leftover that sorts first is the one in use: foreign when its CNI's agent does not run", () => {
    const agent = daemonSet("kube-system", "calico-node", { "k8s-app": "calico-node" }, [{ name: "calico-node", image: "docker.io/calico/node:v3.28.2" }]);
    const model = cluster({ nodes: [node("n1", "10.0.0.11")], daemonsets: [agent], files: { "nodes/n1/cni/10-calico.conflist": calico, "nodes/n1/cni/05-cilium.conflist": cilium } });
    const values = computeFacts(model, [cniFacts]).find((s) => s.kind === "Node")!.values;
    expect(values).toMatchObject({ "cni.activeConfig": "05-cilium.conflist", "cni.activeConfigForeign": true, "cni.conflictingConfigs": ["10-calico.conflist (calico)"] });
  });
});
