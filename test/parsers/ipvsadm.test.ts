import { describe, expect, it } from "vitest";
import { mapIpvsKubeProxy, parseIpvsadm } from "../../src/model/parsers/ipvsadm.js";
import { fixture } from "./_fixture.js";

describe("ipvsadm -Ln (real IPVS-mode kube-proxy with Calico)", () => {
  const table = parseIpvsadm(fixture("ipvsadm_Ln_ipvs-mode_calico.txt"));

  it("reads every virtual server and its real servers, skipping only nothing", () => {
    expect(table.version).toBe("1.2.1");
    expect(table.virtualServers).toHaveLength(10);
    expect(table.skipped.count).toBe(0);
    expect(table.virtualServers[3]).toEqual({
      line: 16,
      protocol: "TCP",
      address: "10.96.0.1:443",
      scheduler: "rr",
      flags: [],
      realServers: [{ line: 17, address: "192.168.191.153:6443", forward: "Masq", weight: 1, activeConnections: 0, inactiveConnections: 0 }],
    });
  });

  it("keeps connection counters", () => {
    const vs = table.virtualServers.find((v) => v.address === "10.101.177.188:443")!;
    expect(vs.realServers.map((r) => [r.address, r.activeConnections, r.inactiveConnections])).toEqual([
      ["192.168.185.5:5443", 1, 1],
      ["192.168.185.6:5443", 1, 0],
    ]);
  });

  it("maps to a ProxyRuleSet keyed by protocol/address:port (IPVS keeps no names)", () => {
    const set = mapIpvsKubeProxy(table);
    expect(set.backend).toBe("ipvs");
    expect(set.kubeProxyMode).toBe("ipvs");
    expect(set.family).toBe("ipv4");
    expect(Object.keys(set.services)).toContain("udp/10.96.0.10:53");
    expect(set.services["tcp/10.96.0.10:53"]).toMatchObject({ protocol: "tcp", port: 53, virtualServer: { address: "10.96.0.10:53", scheduler: "rr", flags: [] } });
    expect(set.services["udp/10.96.0.10:53"]!.endpoints.map((e) => `${e.ip}:${e.port}`)).toEqual(["192.168.185.1:53", "192.168.185.3:53"]);
    // NodePort 31195 appears once per node address, each its own virtual server.
    expect(Object.keys(set.services).filter((k) => k.endsWith(":31195"))).toEqual(["tcp/172.17.0.1:31195", "tcp/192.168.185.0:31195", "tcp/192.168.191.153:31195"]);
    expect(set.services["tcp/10.96.0.1:443"]!.namespace).toBeUndefined();
  });
});

describe("ipvsadm -Ln with persistence (opsnull/follow-me-install-kubernetes-cluster#251)", () => {
  const table = parseIpvsadm(fixture("ipvsadm_Ln_persistent_opsnull-251.txt"));

  it("reads `persistent N` as ClientIP affinity and tolerates trailing blanks", () => {
    expect(table.skipped.count).toBe(0);
    const api = mapIpvsKubeProxy(table).services["tcp/10.254.0.1:443"]!;
    expect(api.sessionAffinitySeconds).toBe(10800);
    expect(api.endpoints.map((e) => e.ip)).toEqual(["172.16.16.81", "172.16.16.82"]);
    expect(table.virtualServers.reduce((n, v) => n + v.realServers.length, 0)).toBe(14);
  });
});

describe("ipvsadm robustness", () => {
  it("handles IPv6, zero weights, a virtual server with no real servers, and junk", () => {
    const table = parseIpvsadm(
      ["TCP  [fd00:10:96::1]:443 rr", "  -> [fd00:10:244::5]:6443        Masq    0      3          0", "UDP  10.96.0.10:53 rr", "bogus line", "  -> 1.2.3.4:53 Masq"].join("\n"),
    );
    expect(table.skipped.count).toBe(2);
    const set = mapIpvsKubeProxy(table);
    expect(set.family).toBe("ipv6");
    expect(set.services["tcp/[fd00:10:96::1]:443"]!.endpoints).toEqual([{ ip: "fd00:10:244::5", port: 6443, line: 2, weight: 0, activeConnections: 3, inactiveConnections: 0 }]);
    expect(set.services["udp/10.96.0.10:53"]!.endpoints).toEqual([]);
  });

  it("an empty file means no kube-proxy IPVS state", () => {
    const set = mapIpvsKubeProxy(parseIpvsadm(""));
    expect(set.present.kubeProxy).toBe(false);
    expect(set.kubeProxyMode).toBeUndefined();
  });
});
