import { describe, expect, it } from "vitest";
import { kernelSignals } from "../../src/model/signals/kernel.js";
import { counts, realLines, scan } from "./_scan.js";

describe("kernel signals", () => {
  it("conntrack table full in dmesg (kubernetes#18604)", () => {
    const found = scan(realLines("logs/kernel_nf_conntrack_table_full_kubernetes-18604.log"), kernelSignals);
    expect(counts(found)).toEqual({ "kernel.conntrack-table-full": 14 });
    expect(found.get("kernel.conntrack-table-full")!.samples).toHaveLength(3);
  });

  it("conntrack table full in `dmesg -T`, ignoring kube-proxy's own conntrack line (kubernetes#71261)", () => {
    const found = scan(realLines("logs/kernel_and_kubeproxy_conntrack_full_kubernetes-71261.log"), kernelSignals);
    expect(counts(found)).toEqual({ "kernel.conntrack-table-full": 4 });
  });

  it("the doubled nf_conntrack prefix of newer kernels and the old ip_conntrack name", () => {
    const found = scan(
      [
        // github.com/canonical/hotsos/issues/101
        "kernel: [1694413.644132] nf_conntrack: nf_conntrack: table full, dropping packet",
        // github.com/wballard/starphleet/pull/352
        "obs kernel: [38775494.392631] nf_conntrack: table full, dropping packet",
        // message quoted in session-replay-tools/tcpcopy#42
        "ip_conntrack: table full, dropping packet",
      ],
      kernelSignals,
    );
    expect(counts(found)).toEqual({ "kernel.conntrack-table-full": 3 });
  });

  it("martian sources with their addresses and device (Azure/AKS#1391, weave#3824)", () => {
    const found = scan(
      [
        "[194917.354255] IPv4: martian source 10.196.4.83 from 10.196.4.14, on dev eth0",
        "[194917.354281] ll header: 00000000: ff ff ff ff ff ff 6e f3 8f 42 93 86 08 06        ......n..B....",
        "Jun 23 17:24:09 ip-10-207-56-143 kernel: IPv4: martian source 100.120.0.4 from 100.96.0.14, on dev datapath",
      ],
      kernelSignals,
    );
    expect(counts(found)).toEqual({ "kernel.martian-source": 2 });
    expect(found.get("kernel.martian-source")!.captures).toEqual({ destination: "10.196.4.83", source: "10.196.4.14", device: "eth0" });
    expect(found.get("kernel.martian-source")!.values["device"]).toEqual(["eth0", "datapath"]);
  });

  it("neighbour table overflow, current and old wording", () => {
    const found = scan(
      [
        // github.com/Requiem4Eternity/Appstream/issues/102
        "Jun 11 11:04:35 k8snode228 kernel: neighbour: arp_cache: neighbor table overflow!",
        // github.com/rtr7/router7/issues/31
        "[843041.359054] neighbour: arp_cache: neighbor table overflow!",
        // github.com/QubesOS/qubes-issues/issues/355
        "[250066.492123](250066.491967]) ipv4: Neighbour table overflow.",
      ],
      kernelSignals,
    );
    expect(counts(found)).toEqual({ "kernel.neighbour-table-overflow": 3 });
    expect(found.get("kernel.neighbour-table-overflow")!.captures).toEqual({ table: "arp_cache" });
  });

  it("ordinary kernel networking lines match nothing (k3s-io/k3s#5885, coolsnowwolf/lede#6427)", () => {
    const healthy = [
      "Jul 20 10:38:20 elastic1.ny.ei3.local kernel: IPv6: ADDRCONF(NETDEV_CHANGE): veth5fb8c1c9: link becomes ready",
      "Jul 20 10:38:20 elastic1.ny.ei3.local kernel: cni0: port 14(veth5fb8c1c9) entered blocking state",
      "Jul 20 10:38:20 elastic1.ny.ei3.local kernel: device veth5fb8c1c9 entered promiscuous mode",
      "Jul 20 10:38:20 elastic1.ny.ei3.local kernel: cni0: port 14(veth5fb8c1c9) entered forwarding state",
      "> Wed Feb 24 00:35:26 2021 kern.warn kernel: [16305.802373] net_ratelimit: 241 callbacks suppressed",
    ];
    expect(counts(scan(healthy, kernelSignals))).toEqual({});
  });
});
