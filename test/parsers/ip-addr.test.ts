import { describe, expect, it } from "vitest";
import { findInterface, parseIpAddr } from "../../src/model/parsers/ip-addr.js";
import { fixture } from "./_fixture.js";

describe("ip -d addr (real k3s node: flannel VXLAN)", () => {
  const out = parseIpAddr(fixture("ip-d-addr_k3s_flannel.txt"));

  it("reads the VTEP: MTU, state, VXLAN id, underlay device and UDP port", () => {
    const vtep = findInterface(out, "flannel.1")!;
    expect(vtep).toMatchObject({ index: 4, mtu: 1450, state: "UNKNOWN", up: true, lowerUp: true, linkType: "ether", mac: "5e:08:1d:56:15:e3", kind: "vxlan" });
    expect(vtep.tunnel).toEqual({ kind: "vxlan", id: 1, local: "10.0.0.11", device: "eth0", dstPort: 8472 });
    expect(vtep.addresses.map((a) => [a.family, a.address, a.prefixLength, a.scope])).toEqual([
      ["inet", "10.42.0.0", 32, "global"],
      ["inet6", "fe80::5c08:1dff:fe56:15e3", 64, "link"],
    ]);
  });

  it("reads the bridge and skips nothing", () => {
    expect(findInterface(out, "cni0")).toMatchObject({ kind: "bridge", mtu: 1450, state: "UP", addresses: [{ address: "10.42.0.1", prefixLength: 24 }, { family: "inet6" }] });
    expect(findInterface(out, "cni0")!.tunnel).toBeUndefined();
    expect(out.skipped.count).toBe(0);
  });
});

describe("ip -d link tunnel kinds (real outputs)", () => {
  it("geneve external device enslaved to Open vSwitch (OVN)", () => {
    const out = parseIpAddr(fixture("ip-d-link_ovn_geneve.txt"));
    const gen = findInterface(out, "genev_sys_6081")!;
    expect(gen).toMatchObject({ mtu: 65000, master: "ovs-system", kind: "geneve", slaveKind: "openvswitch_slave" });
    expect(gen.tunnel).toEqual({ kind: "geneve", external: true, id: 0, dstPort: 6081 });
    expect(findInterface(out, "br-int")!.kind).toBe("openvswitch");
    expect(findInterface(out, "ovs-system")!.up).toBe(false);
    expect(out.skipped.count).toBe(0);
  });

  it("ipip tunl0 fallback device (Calico IPIP) with `remote any local any`", () => {
    const out = parseIpAddr(fixture("ip-d-link_tunnels_netns.txt"));
    const tunl = findInterface(out, "tunl0")!;
    expect(tunl).toMatchObject({ linkedTo: "NONE", mtu: 1480, linkType: "ipip", kind: "ipip", state: "DOWN", up: false });
    expect(tunl.mac).toBeUndefined();
    expect(tunl.tunnel).toEqual({ kind: "ipip" });
    expect(findInterface(out, "gre0")!.tunnel).toEqual({ kind: "gre" });
  });

  it("WireGuard (link/none, no addresses in `ip link`)", () => {
    const out = parseIpAddr(fixture("ip-d-link_wireguard_wg0.txt"));
    expect(findInterface(out, "wg0")).toMatchObject({ mtu: 1420, linkType: "none", kind: "wireguard", tunnel: { kind: "wireguard" }, flags: ["POINTOPOINT", "NOARP", "UP", "LOWER_UP"] });
  });

  it("kube-ipvs0 holding every ClusterIP as /32", () => {
    const out = parseIpAddr(fixture("ip-a_kube-ipvs0.txt"));
    const ipvs = findInterface(out, "kube-ipvs0")!;
    expect(ipvs.addresses.map((a) => `${a.address}/${a.prefixLength}`)).toEqual(["10.96.0.10/32", "10.99.180.41/32", "10.101.177.188/32", "10.100.49.21/32", "10.96.0.1/32"]);
    expect(ipvs.kind).toBeUndefined();
    expect(out.skipped.count).toBe(0);
  });
});

describe("ip addr details", () => {
  it("reads veth peers, cilium VXLAN (external), `-s` statistics, peers and alias labels", () => {
    // cilium_vxlan lines from a real `ip -d -s link` (index id 41441272947); the veth, alias and
    // peer address lines are standard iproute2 shapes.
    const out = parseIpAddr(
      [
        "5: cilium_vxlan: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000",
        "    link/ether 9a:8f:7b:da:54:cc brd ff:ff:ff:ff:ff:ff promiscuity 1 minmtu 68 maxmtu 65535 ",
        "    vxlan external id 0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535 ",
        "    RX:  bytes packets errors dropped  missed   mcast           ",
        "             0       0      0       0       0       0 ",
        "    RX errors:  length    crc   frame    fifo overrun",
        "                     0      0       0       0       0 ",
        "9: eth0@if10: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1440 qdisc noqueue state UP group default",
        "    link/ether e6:95:9d:6e:ef:fc brd ff:ff:ff:ff:ff:ff link-netnsid 0 promiscuity 0 minmtu 68 maxmtu 65535",
        "    veth numtxqueues 1 numrxqueues 1 gso_max_size 65536 gso_max_segs 65535",
        "    inet 10.42.236.139/32 brd 10.42.236.139 scope global eth0",
        "       valid_lft forever preferred_lft forever",
        "    inet 10.0.0.5/24 scope global secondary eth0:1",
        "    inet 10.9.0.1 peer 10.9.0.2/32 scope global eth0",
      ].join("\n"),
    );
    expect(out.skipped.count).toBe(0);
    expect(findInterface(out, "cilium_vxlan")!.tunnel).toEqual({ kind: "vxlan", external: true, id: 0, dstPort: 8472 });
    const eth0 = findInterface(out, "eth0")!;
    expect(eth0).toMatchObject({ linkedTo: "if10", kind: "veth", mtu: 1440 });
    expect(eth0.addresses[1]).toMatchObject({ address: "10.0.0.5", prefixLength: 24, label: "eth0:1" });
    expect(eth0.addresses[2]).toMatchObject({ address: "10.9.0.1", peer: "10.9.0.2", prefixLength: 32 });
  });

  it("counts lines it cannot place instead of throwing", () => {
    const out = parseIpAddr("    inet 10.0.0.1/8 scope host lo\nnot an interface\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536\n    inet 10.0.0.1/99 scope host lo\n    %%%\n");
    expect(out.interfaces.map((i) => i.name)).toEqual(["lo"]);
    expect(out.skipped.count).toBe(4);
  });
});
