import { describe, expect, it } from "vitest";
import { mapNftablesKubeProxy, parseKubeProxyChainName, parseNftRuleset } from "../../src/model/parsers/nftables.js";
import { parseIptables } from "../../src/model/parsers/iptables.js";
import { mapIptablesKubeProxy } from "../../src/model/parsers/kube-proxy-rules.js";
import type { ProxyServicePort } from "../../src/model/parsers/proxy-rule-set.js";
import { realdata } from "../helpers/realdata.js";
import { fixture } from "./_fixture.js";

const OVERALL_NFT = "iptables/kubeproxy_nftables_TestOverallNFTablesRules.nft";
const K3S = "nft-list-ruleset_k3s_kube-proxy.txt";

function endpoints(sp: ProxyServicePort | undefined): string[] {
  return (sp?.endpoints ?? []).map((e) => `${e.ip}:${e.port}`).sort();
}

describe("nft transaction syntax: kube-proxy's TestOverallNFTablesRules", () => {
  const ruleset = parseNftRuleset(realdata(OVERALL_NFT));
  const set = mapNftablesKubeProxy(ruleset);

  it("reads the table, its chains, sets and maps without skipping anything", () => {
    expect([...ruleset.tables.keys()]).toEqual(["ip kube-proxy"]);
    const table = ruleset.tables.get("ip kube-proxy")!;
    expect(ruleset.skipped.count).toBe(0);
    expect(table.chains.get("nat-prerouting")).toMatchObject({ type: "nat", hook: "prerouting", priority: "-100" });
    expect(table.sets.get("service-ips")).toMatchObject({ kind: "map", type: "ipv4_addr . inet_proto . inet_service : verdict" });
    expect(table.sets.get("service-ips")!.elements[0]).toEqual({ line: expect.any(Number), key: "172.30.0.41 . tcp . 80", value: "goto service-ULMVA6XW-ns1/svc1/tcp/p80" });
    expect(table.sets.get("no-endpoint-services")!.elements.map((e) => e.comment)).toEqual(["ns2/svc2:p80", "ns2/svc2:p80", "ns6/svc6:p80"]);
    expect(table.chains.get("cluster-ips-check")!.rules[0]).toMatchObject({ text: "ip daddr @cluster-ips reject", comment: "Reject traffic to invalid ports of ClusterIPs" });
  });

  it("maps the same six service ports as the iptables test, with the same endpoints", () => {
    const iptables = mapIptablesKubeProxy(parseIptables(realdata("iptables/kubeproxy_iptables_TestOverallIPTablesRules.txt")));
    expect(Object.keys(set.services).sort()).toEqual(Object.keys(iptables.services).sort());
    for (const [key, sp] of Object.entries(iptables.services)) {
      expect(set.services[key], key).toMatchObject({ clusterIP: sp.clusterIP, port: sp.port, protocol: sp.protocol, nodePorts: sp.nodePorts, hasNoEndpointsReject: sp.hasNoEndpointsReject });
      expect(endpoints(set.services[key]), key).toEqual(endpoints(sp));
      expect([...set.services[key]!.externalDestinations].sort(), key).toEqual([...sp.externalDestinations].sort());
    }
  });

  it("reads LB source ranges, affinity and the eTP=Local drop", () => {
    expect(set.services["ns5/svc5:p80"]).toMatchObject({ loadBalancerIPs: ["5.6.7.8"], loadBalancerSourceRanges: ["203.0.113.0/25"], sessionAffinitySeconds: 10800 });
    expect(set.services["ns2/svc2:p80"]).toMatchObject({ hasNoLocalEndpointsDrop: true, hasNoEndpointsReject: false, nodePorts: [3001] });
    expect(set.services["ns6/svc6:p80"]).toMatchObject({ clusterIP: "172.30.0.46", hasNoEndpointsReject: true, endpoints: [] });
  });

  it("reads masquerading and presence", () => {
    expect(set.kubeProxyMode).toBe("nftables");
    expect(set.family).toBe("ipv4");
    expect(set.masquerade).toEqual({ postroutingMasquerade: true, randomFully: true, markMasqBit: "0x4000", clusterCIDRs: ["10.0.0.0/8"], masqueradeAll: false, otherRules: [] });
    expect(set.present).toEqual({ kubeProxy: true, servicesChain: true, nodePortsChain: true, postroutingChain: true, markMasqChain: true, cni: [] });
    expect(set.orphanEndpointChains).toEqual([]);
  });
});

describe("nft list ruleset: a real k3s node in nftables mode", () => {
  const text = fixture(K3S);
  const ruleset = parseNftRuleset(text);
  const set = mapNftablesKubeProxy(ruleset);

  it("parses nested blocks and element lists wrapped over several lines", () => {
    expect(ruleset.skipped.count).toBe(0);
    const table = ruleset.tables.get("ip kube-proxy")!;
    expect(table.sets.get("cluster-ips")!.elements.map((e) => e.key)).toEqual(["10.43.0.1", "10.43.0.10", "10.43.10.165", "10.43.21.102", "10.43.22.243", "10.43.34.64", "10.43.195.72"]);
    expect(table.chains.get("filter-prerouting")).toMatchObject({ type: "filter", hook: "prerouting", priority: "dstnat - 10", policy: "accept" });
    expect(table.chains.get("reject-chain")).toMatchObject({ comment: "helper for @no-endpoint-services / @no-endpoint-nodeports", rules: [{ text: "reject" }] });
  });

  it("maps every Service port with its ClusterIP and endpoints", () => {
    expect(Object.keys(set.services)).toHaveLength(11);
    expect(set.services["default/kubernetes:https"]).toMatchObject({ clusterIP: "10.43.0.1", port: 443, protocol: "tcp" });
    expect(endpoints(set.services["default/kubernetes:https"])).toEqual(["10.34.4.142:6443"]);
    expect(set.services["kube-system/kube-dns:dns"]).toMatchObject({ clusterIP: "10.43.0.10", port: 53, protocol: "udp" });
    // A port without a name: chain service-…-riset/hellopod-np-svc/tcp/ and key "riset/hellopod-np-svc:".
    const hello = set.services["riset/hellopod-np-svc:"]!;
    expect(hello).toMatchObject({ clusterIP: "10.43.195.72", port: 8000, nodePorts: [30000], portName: "" });
    expect(endpoints(hello)).toHaveLength(9);
    expect(endpoints(hello)).toContain("10.42.5.164:8080");
  });

  it("reports Services without endpoints from the no-endpoint-services map", () => {
    expect(set.services["riset/otelcol-opentelemetry-collector:otlp"]).toMatchObject({ clusterIP: "10.43.21.102", port: 4317, hasNoEndpointsReject: true, endpoints: [] });
    expect(set.services["riset/otelcol-opentelemetry-collector:otlp-http"]!.hasNoEndpointsReject).toBe(true);
  });

  it("cites the line of each wrapped map element", () => {
    const lines = text.split("\n");
    const sp = set.services["kube-system/kube-dns:metrics"]!;
    expect(lines[sp.line! - 1]).toContain("10.43.0.10 . tcp . 9153 : goto service-AS2KJYAD-kube-system/kube-dns/tcp/metrics");
    expect(lines[sp.endpoints[0]!.line! - 1]).toContain("dnat to 10.42.0.171:9153");
  });

  it("reads the masquerade chain written with `meta mark` syntax", () => {
    expect(set.masquerade).toMatchObject({ postroutingMasquerade: true, randomFully: true, markMasqBit: "0x4000", clusterCIDRs: ["10.42.0.0/16"] });
  });

  it("ignores `# handle N` annotations from `nft -a`", () => {
    const annotated = text.replace("table ip kube-proxy {", "table ip kube-proxy { # handle 18").replace("chain services {", "chain services { # handle 7");
    const again = mapNftablesKubeProxy(parseNftRuleset(annotated));
    expect(again.services).toEqual(set.services);
  });

  it("has no ip6 table: the ip6 mapping is empty", () => {
    const v6 = mapNftablesKubeProxy(ruleset, "ip6");
    expect(v6.present.kubeProxy).toBe(false);
    expect(v6.services).toEqual({});
    expect(v6.family).toBe("ipv6");
  });
});

describe("nftables robustness", () => {
  it("reports endpoint chains no service chain references", () => {
    const text = realdata(OVERALL_NFT).replace(
      "numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }",
      "numgen random mod 1 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 }",
    );
    const set = mapNftablesKubeProxy(parseNftRuleset(text));
    expect(set.orphanEndpointChains).toEqual(["endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80"]);
    expect(endpoints(set.services["ns4/svc4:p80"])).toEqual(["10.180.0.4:80"]);
  });

  it("never throws on garbage and counts it", () => {
    const ruleset = parseNftRuleset(["}", "garbage here", "table ip t {", "  chain c {", "    drop", "  }", "}", "add", "elements = { 1.2.3.4,"].join("\n"));
    expect(ruleset.tables.get("ip t")!.chains.get("c")!.rules).toEqual([{ line: 5, text: "drop" }]);
    expect(ruleset.skipped.count).toBe(4);
  });

  it("parses kube-proxy chain names, including unnamed ports", () => {
    expect(parseKubeProxyChainName("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80")).toEqual({ kind: "endpoint", key: "ns1/svc1:p80", namespace: "ns1", name: "svc1", portName: "p80", protocol: "tcp" });
    expect(parseKubeProxyChainName("service-P6J77WGM-riset/hellopod-np-svc/tcp/")?.key).toBe("riset/hellopod-np-svc:");
    expect(parseKubeProxyChainName("mark-for-masquerade")).toBeUndefined();
  });
});
