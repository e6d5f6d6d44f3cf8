/**
 * A node's real rule dumps compared with the cluster's Services and
 * EndpointSlices, for each kube-proxy backend: iptables (a real kubeadm 1.32
 * iptables-save), IPVS (real ipvsadm -Ln with its ipset-mode nat table) and
 * nftables (a real `nft list ruleset` of k3s in nftables mode).
 */
import { describe, expect, it } from "vitest";
import { cidrsOverlap, parseCidr } from "../../src/model/cidr.js";
import { SharedNodeRules, analyseNode } from "../../src/facts/proxy/node-rules.js";
import type { ClusterModel } from "../../src/model/model.js";
import { cluster, node, service, slice } from "../helpers/cluster.js";
import { realdata } from "../helpers/realdata.js";
import { fixture } from "../parsers/_fixture.js";

const overlap = (a: string, b: string) => {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return !!x && !!y && cidrsOverlap(x, y);
};

function analyse(model: ClusterModel, name: string, podCidrs: string[] = []) {
  return analyseNode(model, name, { podCidrs, cidrsOverlap: overlap });
}

const DNS_PORTS = [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53 }, { name: "metrics", port: 9153 }];

describe("iptables mode: the real kubeadm 1.32 iptables-save (flannel)", () => {
  const dump = realdata("iptables/real_iptables-save_kubeadm1.32_flannel.txt");
  const base = {
    nodes: [node("cp", "172.31.7.91", { podCIDR: "10.244.0.0/24" })],
    services: [service("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, targetPort: 6443 }]), service("kube-system", "kube-dns", "10.96.0.10", DNS_PORTS)],
  };
  const apiSlice = slice("default", "kubernetes", [{ name: "https", port: 443, targetPort: 6443 }], [{ ip: "172.31.7.91" }]);

  it("matches a cluster whose Services and slices are what kube-proxy programmed", () => {
    const model = cluster({ ...base, endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3" }])], files: { "nodes/cp/iptables-save.txt": dump } });
    const a = analyse(model, "cp", ["10.244.0.0/16"]);
    expect(a).toMatchObject({ kubeProxyPresent: true, expectedPorts: 4, missing: [], stale: [], deletedServices: [], natCollected: true });
    expect(a.modes.map((m) => m.mode)).toEqual(["iptables"]);
    expect(a.compared).toMatchObject({ file: "nodes/cp/iptables-save.txt", backend: "iptables" });
    expect(a.kubeProxyMasquerade.clusterCIDRs).toEqual(["10.244.0.0/16"]);
    // flannel's FLANNEL-POSTRTG masquerades pod traffic leaving the pod network.
    expect(a.podMasquerade.map((r) => r.chain)).toEqual(["FLANNEL-POSTRTG"]);
    expect(a.cni).toEqual(["flannel"]);
  });

  it("reports a DNAT target no slice lists as stale, with the rule's line", () => {
    const model = cluster({ ...base, endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.9" }])], files: { "nodes/cp/iptables-save.txt": dump } });
    const a = analyse(model, "cp");
    expect(a.stale.map((s) => `${s.key} ${s.target}`).sort()).toEqual(["kube-system/kube-dns:dns 10.244.0.3:53", "kube-system/kube-dns:dns-tcp 10.244.0.3:53", "kube-system/kube-dns:metrics 10.244.0.3:9153"]);
    const line = dump.split("\n")[a.stale.find((s) => s.key === "kube-system/kube-dns:dns")!.line! - 1];
    expect(line).toContain("--to-destination 10.244.0.3:53");
  });

  it("a terminating endpoint is still a legitimate target", () => {
    const model = cluster({ ...base, endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3", ready: false, serving: true, terminating: true }])], files: { "nodes/cp/iptables-save.txt": dump } });
    expect(analyse(model, "cp").stale).toEqual([]);
  });

  it("reports a Service with ready endpoints but no rule as missing; headless and service-proxy-name Services are not kube-proxy's", () => {
    const web = service("shop", "web", "10.96.40.7", [{ name: "http", port: 80, targetPort: 8080 }]);
    const foreign = service("shop", "mesh", "10.96.40.8", [{ name: "http", port: 80 }], { labels: { "service.kubernetes.io/service-proxy-name": "my-proxy" } });
    const headless = { ...service("shop", "db", "None", [{ name: "pg", port: 5432 }]) };
    const model = cluster({
      nodes: base.nodes,
      services: [...base.services, web, foreign, headless],
      endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3" }]), slice("shop", "web", [{ name: "http", port: 80, targetPort: 8080 }], [{ ip: "10.244.0.7" }]), slice("shop", "mesh", [{ name: "http", port: 80 }], [{ ip: "10.244.0.8" }]), slice("shop", "db", [{ name: "pg", port: 5432 }], [{ ip: "10.244.0.9" }])],
      files: { "nodes/cp/iptables-save.txt": dump },
    });
    expect(analyse(model, "cp").missing).toEqual(["shop/web:http"]);
  });

  it("a Service created, or whose endpoints changed, moments before the collection is not judged yet", () => {
    const web = service("shop", "web", "10.96.40.7", [{ name: "http", port: 80, targetPort: 8080 }]);
    (web.metadata as Record<string, unknown>).creationTimestamp = "2026-11-22T10:29:30Z";
    const webSlice = slice("shop", "web", [{ name: "http", port: 80, targetPort: 8080 }], [{ ip: "10.244.0.7" }]);
    const dnsSlice = slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.9" }]);
    (dnsSlice.metadata as Record<string, unknown>).annotations = { "endpoints.kubernetes.io/last-change-trigger-time": "2026-11-22T10:29:55Z" };
    const manifest = JSON.stringify({ format: "netdiag-snapshot/v1", collectedAt: "2026-11-22T10:30:00Z" });
    const model = cluster({ nodes: base.nodes, services: [...base.services, web], endpointslices: [apiSlice, dnsSlice, webSlice], files: { "manifest.json": manifest, "nodes/cp/iptables-save.txt": dump } });
    expect(analyse(model, "cp")).toMatchObject({ missing: [], stale: [] });
  });

  it("a Service without ready endpoints is expected nowhere (kube-proxy rejects it, correctly)", () => {
    const web = service("shop", "web", "10.96.40.7", [{ name: "http", port: 80, targetPort: 8080 }]);
    const model = cluster({ nodes: base.nodes, services: [...base.services, web], endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3" }]), slice("shop", "web", [{ name: "http", port: 80, targetPort: 8080 }], [{ ip: "10.244.0.7", ready: false }])], files: { "nodes/cp/iptables-save.txt": dump } });
    expect(analyse(model, "cp").missing).toEqual([]);
  });

  it("rules of a Service that was deleted are reported as such", () => {
    const model = cluster({ nodes: base.nodes, services: [base.services[0]!], endpointslices: [apiSlice], files: { "nodes/cp/iptables-save.txt": dump } });
    expect(analyse(model, "cp").deletedServices.map((d) => d.key).sort()).toEqual(["kube-system/kube-dns:dns", "kube-system/kube-dns:dns-tcp", "kube-system/kube-dns:metrics"]);
  });
});

describe("nodes analysed together share their parses, never their findings", () => {
  const dump = realdata("iptables/real_iptables-save_kubeadm1.32_flannel.txt");
  const nodes = [node("a", "172.31.7.91", { podCIDR: "10.244.0.0/24" }), node("b", "172.31.7.92", { podCIDR: "10.244.1.0/24" }), node("c", "172.31.7.93", { podCIDR: "10.244.2.0/24" })];
  const services = [service("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, targetPort: 6443 }]), service("kube-system", "kube-dns", "10.96.0.10", DNS_PORTS)];
  const slices = [slice("default", "kubernetes", [{ name: "https", port: 443, targetPort: 6443 }], [{ ip: "172.31.7.91" }]), slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2" }, { ip: "10.244.0.3" }])];
  // b: the same rules a minute later (other counters); c: kube-dns still sends to a replaced pod, and so does d.
  const later = (text: string) => text.replace(/\[(\d+):(\d+)\]/g, (_, p: string, b: string) => `[${Number(p) + 5}:${Number(b) + 300}]`);
  const stale = dump.replaceAll("10.244.0.3:", "10.244.0.77:");

  it("equal dumps give equal results, each citing its own node's file; a different dump is compared on its own", () => {
    const files = { "nodes/a/iptables-save.txt": dump, "nodes/b/iptables-save.txt": later(dump), "nodes/c/iptables-save.txt": stale, "nodes/d/iptables-save.txt": later(stale) };
    const model = cluster({ nodes: [...nodes, node("d", "172.31.7.94", { podCIDR: "10.244.3.0/24" })], services, endpointslices: slices, files });
    const shared = new SharedNodeRules();
    const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => analyseNode(model, n, { podCidrs: ["10.244.0.0/16"], cidrsOverlap: overlap, shared }));
    expect(a).toMatchObject({ expectedPorts: 4, missing: [], stale: [] });
    expect(b).toMatchObject({ expectedPorts: 4, missing: [], stale: [], compared: { file: "nodes/b/iptables-save.txt" } });
    for (const [name, result] of [["c", c], ["d", d]] as const) {
      expect(result!.stale.map((s) => `${s.file} ${s.target}`)).toEqual([`nodes/${name}/iptables-save.txt 10.244.0.77:53`, `nodes/${name}/iptables-save.txt 10.244.0.77:53`, `nodes/${name}/iptables-save.txt 10.244.0.77:9153`]);
      expect(result!.missing).toEqual([]);
    }
  });

  it("a node-local Service (internalTrafficPolicy: Local) is compared per node even when the dumps are equal", () => {
    const local = { ...service("kube-system", "kube-dns", "10.96.0.10", DNS_PORTS) } as Record<string, any>;
    local["spec"] = { ...local["spec"], internalTrafficPolicy: "Local" };
    const onA = slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "10.244.0.2", node: "a" }, { ip: "10.244.0.3", node: "a" }]);
    const model = cluster({ nodes, services: [services[0]!, local], endpointslices: [slices[0]!, onA], files: { "nodes/a/iptables-save.txt": dump, "nodes/b/iptables-save.txt": later(dump) } });
    const shared = new SharedNodeRules();
    const [a, b] = ["a", "b"].map((n) => analyseNode(model, n, { podCidrs: [], cidrsOverlap: overlap, shared }));
    expect(a!.expectedPorts).toBe(4);
    expect(b!.expectedPorts).toBe(1);
  });
});

describe("IPVS mode: real ipvsadm -Ln and its ipset-mode nat table (Calico)", () => {
  const files = { "nodes/n1/ipvsadm.txt": fixture("ipvsadm_Ln_ipvs-mode_calico.txt"), "nodes/n1/iptables-save.txt": fixture("iptables-save_nat_ipvs-mode_calico.txt") };
  const services = [service("default", "kubernetes", "10.96.0.1", [{ name: "https", port: 443, targetPort: 6443 }]), service("kube-system", "kube-dns", "10.96.0.10", DNS_PORTS)];
  const apiSlice = slice("default", "kubernetes", [{ name: "https", port: 443, targetPort: 6443 }], [{ ip: "192.168.191.153" }]);

  it("compares virtual servers by ClusterIP:port, the iptables dump only telling the mode", () => {
    const model = cluster({ nodes: [node("n1", "192.168.191.153")], services, endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "192.168.185.1" }, { ip: "192.168.185.3" }])], files });
    const a = analyse(model, "n1", ["192.168.0.0/16"]);
    expect(a.compared).toMatchObject({ file: "nodes/n1/ipvsadm.txt", backend: "ipvs" });
    expect([...new Set(a.modes.map((m) => m.mode))]).toEqual(["ipvs"]);
    expect(a).toMatchObject({ expectedPorts: 4, missing: [], stale: [] });
    // IPVS-mode kube-proxy marks off-cluster ClusterIP traffic with `! -s 192.168.0.0/16`; Calico masquerades pods.
    expect(a.kubeProxyMasquerade.clusterCIDRs).toEqual(["192.168.0.0/16"]);
    expect(a.podMasquerade.map((r) => r.chain)).toEqual(["cali-nat-outgoing"]);
  });

  it("a real server no slice lists is stale; a Service whose virtual server is missing is missing", () => {
    const web = service("shop", "web", "10.96.50.5", [{ name: "http", port: 80 }]);
    const model = cluster({
      nodes: [node("n1", "192.168.191.153")],
      services: [...services, web],
      endpointslices: [apiSlice, slice("kube-system", "kube-dns", DNS_PORTS, [{ ip: "192.168.185.1" }]), slice("shop", "web", [{ name: "http", port: 80 }], [{ ip: "192.168.185.20" }])],
      files,
    });
    const a = analyse(model, "n1");
    expect(a.missing).toEqual(["shop/web:http"]);
    expect(a.stale.map((s) => `${s.key} ${s.target}`).sort()).toEqual(["kube-system/kube-dns:dns 192.168.185.3:53", "kube-system/kube-dns:dns-tcp 192.168.185.3:53", "kube-system/kube-dns:metrics 192.168.185.3:9153"]);
  });

  it("without ipvsadm.txt an IPVS node is not compared (the iptables dump holds no per-Service rules)", () => {
    const model = cluster({ nodes: [node("n1", "192.168.191.153")], services, endpointslices: [apiSlice], files: { "nodes/n1/iptables-save.txt": files["nodes/n1/iptables-save.txt"] } });
    const a = analyse(model, "n1");
    expect(a.kubeProxyPresent).toBe(true);
    expect(a.compared).toBeUndefined();
    expect(a.missing).toEqual([]);
  });
});

describe("nftables mode: a real k3s `nft list ruleset` (table ip kube-proxy)", () => {
  const files = { "nodes/k3s/nft-ruleset.txt": fixture("nft-list-ruleset_k3s_kube-proxy.txt") };
  const dnsSlicePorts = [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53 }, { name: "metrics", port: 9153 }];

  it("kube-dns is programmed with its endpoint; every other Service of the dump is unknown to this cluster", () => {
    const model = cluster({ nodes: [node("k3s", "10.34.4.142")], services: [service("kube-system", "kube-dns", "10.43.0.10", DNS_PORTS)], endpointslices: [slice("kube-system", "kube-dns", dnsSlicePorts, [{ ip: "10.42.0.171" }])], files });
    const a = analyse(model, "k3s");
    expect(a.compared).toMatchObject({ backend: "nftables" });
    expect(a.modes.map((m) => m.mode)).toEqual(["nftables"]);
    expect(a).toMatchObject({ expectedPorts: 3, missing: [], stale: [] });
    expect(a.deletedServices.map((d) => d.key)).toContain("default/kubernetes:https");
    expect(a.deletedServices.map((d) => d.key)).not.toContain("kube-system/kube-dns:dns");
  });

  it("a replaced CoreDNS pod leaves a stale target in the nftables endpoint chain", () => {
    const model = cluster({ nodes: [node("k3s", "10.34.4.142")], services: [service("kube-system", "kube-dns", "10.43.0.10", DNS_PORTS)], endpointslices: [slice("kube-system", "kube-dns", dnsSlicePorts, [{ ip: "10.42.0.190" }])], files });
    const a = analyse(model, "k3s");
    expect(a.stale.map((s) => s.target).sort()).toEqual(["10.42.0.171:53", "10.42.0.171:53", "10.42.0.171:9153"]);
  });
});

describe("masquerading seen in the nat table", () => {
  const natOnly = (rules: string) => `*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n${rules}COMMIT\n`;

  it("docker0's MASQUERADE and rules for the node's own traffic do not masquerade pods", () => {
    const model = cluster({ nodes: [node("n1", "10.0.0.11", { podCIDR: "10.244.1.0/24" })], files: { "nodes/n1/iptables-save.txt": natOnly("-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n-A POSTROUTING -o tunl0 -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE --random-fully\n") } });
    expect(analyse(model, "n1", ["10.244.1.0/24"]).podMasquerade).toEqual([]);
  });

  it("an ip-masq-agent chain without source match masquerades pods", () => {
    const model = cluster({ nodes: [node("n1", "10.0.0.11")], files: { "nodes/n1/iptables-save.txt": natOnly(":IP-MASQ - [0:0]\n-A POSTROUTING -m comment --comment \"ip-masq: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ chain\" -m addrtype ! --dst-type LOCAL -j IP-MASQ\n-A IP-MASQ -d 10.0.0.0/8 -j RETURN\n-A IP-MASQ -m comment --comment \"ip-masq: outbound traffic is subject to MASQUERADE (must be last in chain)\" -j MASQUERADE\n") } });
    expect(analyse(model, "n1", ["10.244.0.0/16"]).podMasquerade.map((r) => r.chain)).toEqual(["IP-MASQ"]);
  });
});
