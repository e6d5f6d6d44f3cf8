import { describe, expect, it } from "vitest";
import { PortSet, matchPolicyPort, parsePortSpec, podContainerPorts, rulePortSet } from "../../src/facts/netpol/ports.js";
import { makePod } from "./objects.js";

describe("container ports of a pod", () => {
  it("include native sidecars (restartable init containers), like the Service targetPort lookup", () => {
    const pod = makePod({ namespace: "shop", labels: { app: "web" }, ips: ["10.244.1.10"], ports: [["http", 8080]], sidecarPorts: [["envoy-admin", 15000], [undefined, 15090, "UDP"]] });
    expect(podContainerPorts(pod).map((p) => `${p.name ?? "-"} ${p.port}/${p.protocol}`)).toEqual(["http 8080/TCP", "envoy-admin 15000/TCP", "- 15090/UDP"]);
  });
});

describe("one policy port entry", () => {
  const dest = [{ container: "db", name: "postgres", port: 5432, protocol: "TCP" as const }, { container: "db", name: "stats", port: 8125, protocol: "UDP" as const }];

  it.each([
    [{ port: 5432 }, "TCP", 5432, "match"],
    [{ port: 5432 }, "UDP", 5432, "no-match"], // protocol defaults to TCP
    [{ protocol: "UDP" }, "UDP", 9999, "match"], // no port: the whole protocol
    [{ port: 8000, endPort: 8010 }, "TCP", 8010, "match"],
    [{ port: 8000, endPort: 8010 }, "TCP", 8011, "no-match"],
    [{ port: "postgres" }, "TCP", 5432, "match"],
    [{ port: "postgres" }, "TCP", 5433, "no-match"],
    [{ port: "stats" }, "TCP", 8125, "named-unresolved"], // named ports resolve by name AND protocol
    [{ port: "stats", protocol: "UDP" }, "UDP", 8125, "match"],
    [{ port: "metrics" }, "TCP", 9090, "named-unresolved"],
  ] as const)("%j vs %s/%s: %s", (entry, protocol, port, expected) => {
    expect(matchPolicyPort(entry, protocol, port, dest)).toBe(expected);
  });

  it("cannot resolve a named port on a destination that is not a pod", () => {
    expect(matchPolicyPort({ port: "https" }, "TCP", 443, null)).toBe("named-not-pod");
  });
});

describe("PortSet", () => {
  it("merges adjacent and overlapping ranges", () => {
    const s = new PortSet().add("TCP", 80, 80).add("TCP", 81, 90).add("TCP", 85, 100).add("TCP", 443, 443).add("UDP", 53, 53);
    expect(s.toString()).toBe("TCP 80-100,443; UDP 53");
    expect(s.has("TCP", 95)).toBe(true);
    expect(s.has("TCP", 101)).toBe(false);
  });

  it("intersects per protocol", () => {
    const a = new PortSet().add("TCP", 1, 1000).add("UDP", 53, 53);
    const b = new PortSet().add("TCP", 443, 8080).add("SCTP", 2905, 2905);
    expect(a.intersect(b).toString()).toBe("TCP 443-1000");
    expect(PortSet.all().intersect(b).toString()).toBe("TCP 443-8080; SCTP 2905");
    expect(a.intersect(new PortSet()).isEmpty()).toBe(true);
  });

  it("knows all ports", () => {
    expect(PortSet.all().isAll()).toBe(true);
    expect(PortSet.all().toString()).toBe("all ports");
    expect(new PortSet().add("TCP", 1, 65535).toString()).toBe("TCP all");
  });

  it("builds a rule's set, resolving named ports on the destination", () => {
    const dest = [{ container: "c", name: "http", port: 8080, protocol: "TCP" as const }];
    expect(rulePortSet([{ port: "http" }, { protocol: "UDP", port: 53 }, { port: 9000, endPort: 9005 }], dest).toString()).toBe("TCP 8080,9000-9005; UDP 53");
    expect(rulePortSet([{ port: "http" }], null).isEmpty()).toBe(true);
    expect(rulePortSet([], dest).isAll()).toBe(true);
  });
});

describe("port spec parsing (CLI form)", () => {
  it.each([
    ["5432", { port: 5432, protocol: "TCP" }],
    ["53/udp", { port: 53, protocol: "UDP" }],
    ["2905/SCTP", { port: 2905, protocol: "SCTP" }],
    ["http", { port: "http", protocol: "TCP" }],
    ["dns/UDP", { port: "dns", protocol: "UDP" }],
  ])("%s", (text, expected) => {
    expect(parsePortSpec(text)).toEqual(expected);
  });

  it.each(["0", "65536", "80/ICMP", "80/TCP/x", "", "bad_name"])("rejects %j", (text) => {
    expect(parsePortSpec(text)).toBeNull();
  });
});
