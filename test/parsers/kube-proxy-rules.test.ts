import { describe, expect, it } from "vitest";
import { parseIptables } from "../../src/model/parsers/iptables.js";
import { mapIptablesKubeProxy } from "../../src/model/parsers/kube-proxy-rules.js";
import type { ProxyRuleSet, ProxyServicePort } from "../../src/model/parsers/proxy-rule-set.js";
import { realdata } from "../helpers/realdata.js";
import { fixture } from "./_fixture.js";

const OVERALL = "iptables/kubeproxy_iptables_TestOverallIPTablesRules.txt";
const TRACE = "iptables/kubeproxy_iptables_TestTracePacket_with_flows.txt";

function map(text: string): ProxyRuleSet {
  return mapIptablesKubeProxy(parseIptables(text));
}

function endpoints(sp: ProxyServicePort | undefined): string[] {
  return (sp?.endpoints ?? []).map((e) => `${e.ip}:${e.port}`).sort();
}

describe("kube-proxy's own TestOverallIPTablesRules output", () => {
  // The services and endpoints are those the Go test defines (listed in the file header).
  const set = map(realdata(OVERALL));
  const svc = (key: string) => set.services[key]!;

  it("finds exactly the six service ports, in iptables mode", () => {
    expect(Object.keys(set.services).sort()).toEqual(["ns1/svc1:p80", "ns2/svc2:p80", "ns3/svc3:p80", "ns4/svc4:p80", "ns5/svc5:p80", "ns6/svc6:p80"]);
    expect(set.kubeProxyMode).toBe("iptables");
    expect(set.present).toEqual({ kubeProxy: true, servicesChain: true, nodePortsChain: true, postroutingChain: true, markMasqChain: true, cni: [] });
  });

  it("ns1/svc1: ClusterIP 172.30.0.41:80 → 10.180.0.1:80", () => {
    expect(svc("ns1/svc1:p80")).toMatchObject({ namespace: "ns1", name: "svc1", portName: "p80", clusterIP: "172.30.0.41", port: 80, protocol: "tcp", nodePorts: [] });
    expect(endpoints(svc("ns1/svc1:p80"))).toEqual(["10.180.0.1:80"]);
    expect(svc("ns1/svc1:p80").chains.service).toBe("KUBE-SVC-XPGD46QRK7WJZT7O");
  });

  it("ns2/svc2: LoadBalancer eTP=Local without local endpoints", () => {
    const s = svc("ns2/svc2:p80");
    expect(s).toMatchObject({ clusterIP: "172.30.0.42", port: 80, nodePorts: [3001], healthCheckNodePort: 30000, loadBalancerIPs: ["1.2.3.4"], hasNoLocalEndpointsDrop: true, hasNoEndpointsReject: false });
    expect(s.externalDestinations.sort()).toEqual(["1.2.3.4", "192.168.99.22"]);
    expect(endpoints(s)).toEqual(["10.180.0.2:80"]);
    expect(s.endpoints[0]!.local).toBeUndefined();
  });

  it("ns3/svc3: NodePort 3003", () => {
    expect(svc("ns3/svc3:p80")).toMatchObject({ clusterIP: "172.30.0.43", nodePorts: [3003] });
    expect(endpoints(svc("ns3/svc3:p80"))).toEqual(["10.180.0.3:80"]);
  });

  it("ns4/svc4: external IP and two endpoints", () => {
    expect(svc("ns4/svc4:p80")).toMatchObject({ clusterIP: "172.30.0.44", externalDestinations: ["192.168.99.33"], loadBalancerIPs: [] });
    expect(endpoints(svc("ns4/svc4:p80"))).toEqual(["10.180.0.4:80", "10.180.0.5:80"]);
  });

  it("ns5/svc5: LoadBalancer with source ranges and ClientIP affinity", () => {
    expect(svc("ns5/svc5:p80")).toMatchObject({
      clusterIP: "172.30.0.45",
      nodePorts: [3002],
      loadBalancerIPs: ["5.6.7.8"],
      loadBalancerSourceRanges: ["203.0.113.0/25"],
      sessionAffinitySeconds: 10800,
      chains: { firewall: "KUBE-FW-NUKIZ6OKUXPJNT4C", external: "KUBE-EXT-NUKIZ6OKUXPJNT4C", service: "KUBE-SVC-NUKIZ6OKUXPJNT4C" },
    });
    expect(endpoints(svc("ns5/svc5:p80"))).toEqual(["10.180.0.3:80"]);
  });

  it("ns6/svc6: no endpoints, so the ClusterIP is REJECTed in filter", () => {
    expect(svc("ns6/svc6:p80")).toMatchObject({ clusterIP: "172.30.0.46", port: 80, protocol: "tcp", hasNoEndpointsReject: true, endpoints: [] });
  });

  it("reads masquerading: KUBE-POSTROUTING, the 0x4000 mark and the cluster CIDR", () => {
    expect(set.masquerade).toEqual({ postroutingMasquerade: true, randomFully: false, markMasqBit: "0x4000", clusterCIDRs: ["10.0.0.0/8"], masqueradeAll: false, otherRules: [] });
    expect(set.orphanEndpointChains).toEqual([]);
  });

  it("points evidence at the dump's lines", () => {
    const lines = realdata(OVERALL).split("\n");
    const s = svc("ns1/svc1:p80");
    expect(lines[s.line! - 1]).toContain('"ns1/svc1:p80 cluster IP"');
    expect(lines[s.endpoints[0]!.line! - 1]).toContain("--to-destination 10.180.0.1:80");
  });
});

describe("kube-proxy's TestTracePacket flow table", () => {
  const text = realdata(TRACE);
  const set = map(text);
  const nodeIPs = ["192.168.0.2", "192.168.1.2", "192.168.99.11"]; // from the test's constants
  const podCIDR = set.masquerade.clusterCIDRs[0]!; // 10.0.0.0/8

  const inCIDR = (ip: string, cidr: string) => {
    const [base, bits] = cidr.split("/");
    const toInt = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
    return ((toInt(ip) & mask) >>> 0) === ((toInt(base!) & mask) >>> 0);
  };

  /** What happens to a new TCP connection, read off the mapped rule set only. */
  function verdict(src: string, dst: string, port: number): string {
    for (const sp of Object.values(set.services)) {
      if (sp.healthCheckNodePort === port && nodeIPs.includes(dst)) return "ACCEPT";
      if (sp.clusterIP === dst && sp.port === port) return sp.endpoints.length ? endpoints(sp).join(", ") : sp.hasNoEndpointsReject ? "REJECT" : "";
      if (sp.externalDestinations.includes(dst) && sp.port === port) {
        const fromInside = nodeIPs.includes(src) || inCIDR(src, podCIDR);
        if (!fromInside && sp.hasNoLocalEndpointsDrop) return "DROP";
        return endpoints(sp).join(", ");
      }
    }
    return "";
  }

  const flows = text
    .split("\n")
    .filter((l) => /^#\s{3}\S/.test(l) && /\d+\.\d+\.\d+\.\d+/.test(l))
    .map((l) => l.slice(1).trim().split(/\s{2,}/))
    .filter((cols) => cols.length >= 5);

  it("has the maintainers' seven flows to check", () => {
    expect(flows.map((f) => f[0])).toEqual(["no match", "single endpoint", "multiple endpoints", "LOCAL, KUBE-MARK-MASQ", "DROP", "ACCEPT (NodePortHealthCheck)", "REJECT"]);
  });

  for (const [name, src, dst, dport, output] of [
    ["no match", "10.0.0.2", "10.0.0.3", "80", '""'],
    ["single endpoint", "10.0.0.2", "172.30.0.41", "80", "10.180.0.1:80"],
    ["multiple endpoints", "10.0.0.2", "172.30.0.44", "80", "10.180.0.4:80, 10.180.0.5:80"],
    ["LOCAL, KUBE-MARK-MASQ", "192.168.0.2", "192.168.99.22", "80", "10.180.0.2:80"],
    ["DROP", "203.0.113.2", "192.168.99.22", "80", "DROP"],
    ["ACCEPT (NodePortHealthCheck)", "192.168.0.2", "192.168.0.2", "30000", "ACCEPT"],
    ["REJECT", "10.0.0.2", "172.30.0.46", "80", "REJECT"],
  ] as const) {
    it(`${name}: ${src} → ${dst}:${dport} gives ${output}`, () => {
      const row = flows.find((f) => f[0] === name)!;
      expect(row.slice(1, 5)).toEqual([src, dst, dport, output]);
      expect(verdict(src, dst, Number(dport))).toBe(output === '""' ? "" : output);
    });
  }
});

describe("real node dumps", () => {
  it("kubeadm 1.32 + flannel: kubernetes and kube-dns ports with their pods", () => {
    const set = map(realdata("iptables/real_iptables-save_kubeadm1.32_flannel.txt"));
    expect(Object.keys(set.services).sort()).toEqual(["default/kubernetes:https", "kube-system/kube-dns:dns", "kube-system/kube-dns:dns-tcp", "kube-system/kube-dns:metrics"]);
    expect(set.services["default/kubernetes:https"]).toMatchObject({ clusterIP: "10.96.0.1", port: 443, protocol: "tcp" });
    expect(endpoints(set.services["default/kubernetes:https"])).toEqual(["172.31.7.91:6443"]);
    expect(set.services["kube-system/kube-dns:dns"]).toMatchObject({ clusterIP: "10.96.0.10", port: 53, protocol: "udp" });
    expect(endpoints(set.services["kube-system/kube-dns:dns"])).toEqual(["10.244.0.2:53", "10.244.0.3:53"]);
    expect(endpoints(set.services["kube-system/kube-dns:metrics"])).toEqual(["10.244.0.2:9153", "10.244.0.3:9153"]);
    expect(set.masquerade).toMatchObject({ postroutingMasquerade: true, randomFully: true, markMasqBit: "0x4000", clusterCIDRs: ["10.244.0.0/16"], masqueradeAll: false });
    // Flannel's own pod-egress NAT, outside kube-proxy's chains.
    expect(set.masquerade.otherRules.map((r) => [r.chain, r.source, r.destination])).toEqual([
      ["FLANNEL-POSTRTG", "10.244.0.0/16", "!224.0.0.0/4"],
      ["FLANNEL-POSTRTG", "!10.244.0.0/16", "10.244.0.0/16"],
    ]);
    expect(set.present.cni).toEqual(["flannel"]);
    expect(set.family).toBe("ipv4");
  });

  it("old kube-proxy 'ns/name: has no endpoints' REJECT rules (weave#3392)", () => {
    const set = map(realdata("iptables/real_filter_has_no_endpoints_REJECT_weave-3392.txt"));
    expect(set.services["default/ace:"]).toMatchObject({ namespace: "default", name: "ace", portName: "", clusterIP: "10.105.194.19", port: 80, hasNoEndpointsReject: true });
    expect(set.services["prometheus/prometheus-alertmanager:http"]).toMatchObject({ clusterIP: "10.98.70.92", hasNoEndpointsReject: true });
    expect(Object.values(set.services).every((s) => s.hasNoEndpointsReject && s.endpoints.length === 0)).toBe(true);
    expect(Object.keys(set.services)).toHaveLength(6);
    expect(set.present.kubeProxy).toBe(true);
  });

  it("NodePort without endpoints REJECTed on the node itself (kubernetes#97360)", () => {
    const set = map(realdata("iptables/real_KUBE-EXTERNAL-SERVICES_nodeport_no_endpoints_kubernetes-97360.txt"));
    expect(set.services["default/traefik-1566557461:http"]).toMatchObject({ nodePorts: [32445], hasNoEndpointsReject: true, externalDestinations: [] });
    expect(set.services["default/traefik-1566557461:http"]!.clusterIP).toBeUndefined();
  });

  it("list-rules of a 1.6 node: the service without endpoints", () => {
    const set = map(realdata("iptables/real_iptables_list-rules_k8s1.6_kubernetes-43969.txt"));
    expect(set.services["ingress/kube-lego-nginx:"]).toMatchObject({ clusterIP: "100.68.246.136", port: 8080, hasNoEndpointsReject: true });
  });

  it("Calico felix chains: detected, nothing taken for a Service", () => {
    for (const file of ["iptables/calico_felix_cali-tw_chain_fragment_kube-controllers-198.txt", "iptables/calico_felix_cali-tw_profiles_fragment_vpc-cni-pr34.txt"]) {
      const set = map(realdata(file));
      expect(set.present.cni).toEqual(["calico"]);
      expect(set.present.kubeProxy).toBe(false);
      expect(set.services).toEqual({});
      expect(set.kubeProxyMode).toBeUndefined();
    }
  });

  it("IPVS-mode kube-proxy with Calico: mode, cluster CIDR, leftovers of the iptables mode", () => {
    const set = map(fixture("iptables-save_nat_ipvs-mode_calico.txt"));
    expect(set.kubeProxyMode).toBe("ipvs");
    expect(set.masquerade.clusterCIDRs).toEqual(["192.168.0.0/16"]);
    expect(set.masquerade).toMatchObject({ postroutingMasquerade: true, randomFully: true, markMasqBit: "0x4000" });
    expect(set.masquerade.otherRules.map((r) => r.chain)).toEqual(["cali-POSTROUTING", "cali-nat-outgoing"]);
    expect(set.present.cni).toEqual(["calico"]);
    expect(set.services).toEqual({});
    // The nat table was flushed: 13 empty KUBE-SEP chains nothing jumps to any more.
    expect(set.orphanEndpointChains).toHaveLength(13);
  });
});

describe("externalTrafficPolicy: Local (kube-proxy's TestExternalTrafficPolicyLocal)", () => {
  const set = map(fixture("kubeproxy_TestExternalTrafficPolicyLocal.txt"));
  const svc = set.services["ns1/svc1:p80"]!;

  it("marks the endpoint reached through KUBE-SVL as local", () => {
    expect(svc.endpoints.map((e) => [e.ip, e.local ?? false])).toEqual([
      ["10.180.0.1", false],
      ["10.180.2.1", true],
    ]);
    expect(svc.chains).toEqual({ service: "KUBE-SVC-XPGD46QRK7WJZT7O", local: "KUBE-SVL-XPGD46QRK7WJZT7O", external: "KUBE-EXT-XPGD46QRK7WJZT7O" });
  });

  it("has every front end and no drop rule (there is a local endpoint)", () => {
    expect(svc).toMatchObject({ clusterIP: "172.30.0.41", nodePorts: [3001], healthCheckNodePort: 30000, loadBalancerIPs: ["1.2.3.4"], hasNoLocalEndpointsDrop: false });
    expect(svc.externalDestinations.sort()).toEqual(["1.2.3.4", "192.168.99.11"]);
  });
});

describe("Services whose port has no name (real `iptables -S -v`, k3s + MetalLB)", () => {
  // `iptables -t nat -S`: no table header, so tell the parser which table it is.
  const set = mapIptablesKubeProxy(parseIptables(fixture("iptables-S-v_k3s_unnamed-port_svl.txt"), { defaultTable: "nat" }));

  it("keys the port `namespace/name:` like the nftables chain names", () => {
    expect(Object.keys(set.services)).toEqual(["default/nginx-mlb-l2-service:"]);
    expect(set.services["default/nginx-mlb-l2-service:"]).toMatchObject({ namespace: "default", name: "nginx-mlb-l2-service", portName: "", clusterIP: "10.43.159.55", port: 80 });
  });

  it("follows the jumps of both chains; the endpoint chains are not in this excerpt", () => {
    const sp = set.services["default/nginx-mlb-l2-service:"]!;
    expect(sp.chains).toMatchObject({ service: "KUBE-SVC-W47NQ5DDJKUWFTVY", local: "KUBE-SVL-W47NQ5DDJKUWFTVY" });
    expect(sp.endpoints).toEqual([]);
    expect(set.masquerade.clusterCIDRs).toEqual(["10.42.0.0/16"]);
  });

  it("reads the `-c 0 0` counters of `iptables -S -v`", () => {
    const rule = parseIptables(fixture("iptables-S-v_k3s_unnamed-port_svl.txt"), { defaultTable: "nat" }).tables.get("nat")!.chains.get("KUBE-SVC-W47NQ5DDJKUWFTVY")!.rules[0]!;
    expect(rule.counters).toEqual({ packets: 0, bytes: 0 });
    expect(rule.target).toBe("KUBE-MARK-MASQ");
  });
});

describe("robust to how kube-proxy varies its output", () => {
  const text = realdata(OVERALL);
  const reference = map(text);

  it("large-cluster mode: no comments on KUBE-SVC/KUBE-SEP rules, same endpoints", () => {
    const stripped = text
      .split("\n")
      .map((l) => (/^-A KUBE-(SVC|SEP)-/.test(l) ? l.replace(/ -m comment --comment ("[^"]*"|\S+)/, "") : l))
      .join("\n");
    expect(stripped).not.toContain('-A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment');
    const set = map(stripped);
    for (const [key, sp] of Object.entries(reference.services)) {
      expect(endpoints(set.services[key]), key).toEqual(endpoints(sp));
      expect(set.services[key]!.clusterIP, key).toBe(sp.clusterIP);
    }
  });

  it("a comment-less KUBE-SERVICES jump is resolved through the service chain", () => {
    const stripped = text.replace('-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp', "-A KUBE-SERVICES -m tcp");
    expect(stripped).not.toBe(text);
    const set = map(stripped);
    expect(set.services["ns1/svc1:p80"]).toMatchObject({ clusterIP: "172.30.0.41", port: 80 });
    expect(endpoints(set.services["ns1/svc1:p80"])).toEqual(["10.180.0.1:80"]);
  });

  it("an endpoint chain no service jumps to any more is reported as an orphan", () => {
    const stale = text.replace(/^-A KUBE-SVC-4SW47YFZTEDKD3PK .*-j KUBE-SEP-C6EBXVWJJZMIWKLZ\n/m, "");
    expect(stale).not.toBe(text);
    const set = map(stale);
    expect(set.orphanEndpointChains).toEqual(["KUBE-SEP-C6EBXVWJJZMIWKLZ"]);
    expect(endpoints(set.services["ns4/svc4:p80"])).toEqual(["10.180.0.4:80"]);
  });

  it("an empty dump yields no services and nothing present", () => {
    const set = map("");
    expect(set.services).toEqual({});
    expect(set.present.kubeProxy).toBe(false);
    expect(set.masquerade.postroutingMasquerade).toBe(false);
  });
});
