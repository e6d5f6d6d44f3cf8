import { describe, expect, it } from "vitest";
import { parseIpRoute } from "../../src/model/parsers/ip-route.js";
import { fixture } from "./_fixture.js";

describe("ip route (real flannel VXLAN node)", () => {
  const out = parseIpRoute(fixture("ip-route_flannel_vm1.txt"));

  it("reads default, onlink VXLAN routes and the local pod subnet", () => {
    expect(out.skipped.count).toBe(0);
    expect(out.routes.map((r) => [r.dst, r.via, r.dev])).toEqual([
      ["default", "172.12.0.1", "eth0"],
      ["10.254.0.0/24", "10.254.0.0", "flannel.1"],
      ["10.254.1.0/24", undefined, "cni0"],
      ["10.254.2.0/24", "10.254.2.0", "flannel.1"],
      ["172.12.0.0/24", undefined, "eth0"],
    ]);
    expect(out.routes[1]!.flags).toEqual(["onlink"]);
    expect(out.routes[2]).toMatchObject({ type: "unicast", proto: "kernel", scope: "link", src: "10.254.1.1" });
  });
});

describe("ip route (real Calico BGP node)", () => {
  const out = parseIpRoute(fixture("ip-route_calico_bird.txt"));

  it("reads the blackhole block route, BIRD routes, per-pod /32s and linkdown", () => {
    expect(out.skipped.count).toBe(0);
    expect(out.routes).toHaveLength(10);
    expect(out.routes.find((r) => r.type === "blackhole")).toMatchObject({ dst: "10.48.0.64/26", proto: "bird", line: 5 });
    expect(out.routes.filter((r) => r.proto === "bird" && r.type === "unicast").map((r) => [r.dst, r.via])).toEqual([["10.48.0.128/26", "10.0.0.12"]]);
    expect(out.routes.find((r) => r.dev === "calie965c96dc90")).toMatchObject({ dst: "10.48.0.67", scope: "link" });
    expect(out.routes[0]).toMatchObject({ dst: "default", proto: "dhcp", src: "10.0.0.11", metric: 100 });
    expect(out.routes.at(-1)!.flags).toEqual(["linkdown"]);
  });
});

describe("ip route details", () => {
  it("reads route MTUs, unknown attributes, multipath next hops and IPv6 next hops", () => {
    // First three lines quoted in projectcalico/calico PR #12122 (Felix VXLAN/IPIP routes).
    const out = parseIpRoute(
      [
        "10.65.0.0/26 via 10.65.0.0 dev vxlan.calico onlink mtu 1450",
        "10.65.0.1 dev vxlan.calico scope link mtu 1450",
        "192.168.110.128 via 172.18.0.2 dev tunl0 proto 80 onlink mtu 1480",
        "default proto static metric 100",
        "\tnexthop via 10.0.0.1 dev eth0 weight 1",
        "\tnexthop via 10.0.1.1 dev eth1 weight 2",
        "10.1.0.0/16 via inet6 fe80::1 dev eth0 mtu lock 1400 pref medium",
      ].join("\n"),
    );
    expect(out.skipped.count).toBe(0);
    expect(out.routes[0]).toMatchObject({ dev: "vxlan.calico", mtu: 1450, flags: ["onlink"] });
    expect(out.routes[2]).toMatchObject({ proto: "80", mtu: 1480, via: "172.18.0.2" });
    expect(out.routes[3]!.nexthops).toEqual([
      { via: "10.0.0.1", dev: "eth0", weight: 1 },
      { via: "10.0.1.1", dev: "eth1", weight: 2 },
    ]);
    expect(out.routes[4]).toMatchObject({ via: "fe80::1", mtu: 1400, dev: "eth0" });
  });

  it("skips lines that are not routes", () => {
    const out = parseIpRoute("Error: ipv4: FIB table does not exist.\n\nblackhole\ndefault via 1.2.3.4\n");
    expect(out.routes.map((r) => r.dst)).toEqual(["default"]);
    expect(out.skipped.count).toBe(2);
  });
});
