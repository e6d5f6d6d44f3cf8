import { describe, expect, it } from "vitest";
import { calicoSignals } from "../../src/model/signals/calico.js";
import { counts, realLines, scan } from "./_scan.js";

describe("calico BGP and readiness", () => {
  it("BGP not established with five peers, from readiness events (calico#2561)", () => {
    const found = scan(realLines("logs/calico_bgp_not_established_readiness_calico-2561.log"), calicoSignals);
    expect(counts(found)).toEqual({ "calico.bgp-not-established": 4, "calico.node-not-ready": 4, "calico.no-bgp-peers": 4 });
    expect(found.get("calico.bgp-not-established")!.captures).toEqual({ peers: "192.168.50.42,192.168.50.45,192.168.50.46,192.168.50.47,192.168.50.48" });
    expect(found.get("calico.node-not-ready")!.captures).toEqual({ reason: "BIRD is not ready: BGP not established with 192.168.50.42,192.168.50.45,192.168.50.46,192.168.50.47,192.168.50.48" });
    // The probe's own timestamp sits mid-line; the event lines carry no parseable time.
    expect(found.get("calico.no-bgp-peers")!.samples[0]!.line).toBe(1);
  });

  it("a single peer that is docker0's address (kubekey#134)", () => {
    const found = scan(realLines("logs/calico_bgp_peer_docker0_172.17.0.1_kubekey-134.log"), calicoSignals);
    expect(found.get("calico.bgp-not-established")!.values["peers"]).toEqual(["172.17.0.1"]);
    expect(found.get("calico.bgp-not-established")!.count).toBe(5);
  });

  it("calicoctl node status output alone raises nothing (no log wording to match)", () => {
    expect(counts(scan(realLines("logs/calicoctl_node_status_host_unreachable_calico-6474.txt"), calicoSignals))).toEqual({});
  });
});

describe("calico IPAM exhaustion", () => {
  it("block and address exhaustion messages", () => {
    const found = scan(
      [
        // IBM Cloud Kubernetes Service troubleshooting page "Why don't my containers start?" (index id 1252771431)
        'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "XXX": failed to request 1 IPv4 addresses. IPAM allocated only 0',
        'desc = failed to create pod network sandbox ... error adding container to network "k8s-pod-network": cannot allocate new block due to per host block limit',
        'Unable to autoassign an address - pools are likely exhausted. type="ipipTunnelAddress"',
        // The message libcalico-go's IPAM adds under strict affinity (lib/ipam/ipam.go, index id 19476062).
        "No more free affine blocks and strict affinity enabled",
      ],
      calicoSignals,
    );
    expect(counts(found)).toEqual({ "calico.ipam-no-addresses": 2, "calico.ipam-block-exhausted": 2 });
  });
});

describe("calico component errors", () => {
  it("ERROR and PANIC lines with their component (projectcalico/vpp-dataplane#651)", () => {
    const found = scan(
      [
        '2023-11-07 13:17:43.431 [WARNING][18] tunnel-ip-allocator/param_types.go 295: Path lookup failed error=exec: "/usr/local/bin/felix-plugins/felix-api-proxy": stat /usr/local/bin/felix-plugins/felix-api-proxy: no such file or directory name="/usr/local/bin/felix-plugins/felix-api-proxy"',
        '2023-11-07 13:17:43.431 [ERROR][18] tunnel-ip-allocator/config_params.go 636: Invalid (required) config value. error=Failed to parse config parameter DataplaneDriver; value "/usr/local/bin/felix-plugins/felix-api-proxy": missing file source=environment variable',
        '2023-11-07 13:17:43.431 [PANIC][18] tunnel-ip-allocator/allocateip.go 836: Failed to parse Felix environments error=Failed to parse config parameter DataplaneDriver; value "/usr/local/bin/felix-plugins/felix-api-proxy": missing file',
      ],
      calicoSignals,
    );
    expect(counts(found)).toEqual({ "calico.error": 2 });
    expect(found.get("calico.error")!.captures).toEqual({ level: "ERROR", component: "tunnel-ip-allocator", file: "config_params.go" });
    expect(found.get("calico.error")!.values["level"]).toEqual(["ERROR", "PANIC"]);
    expect(found.get("calico.error")!.firstTime).toBe("2023-11-07 13:17:43.431");
  });

  it("healthy felix and startup INFO lines match nothing", () => {
    const healthy = [
      // projectcalico/calico#9193
      '2024-08-29 11:49:12.275 [INFO][116] felix/table.go 611: Chain became referenced, marking it for programming chainName="cali-from-hep-forward" ipVersion=0x4 table="filter"',
      // projectcalico/calico#4294
      "2021-06-23T15:35:45.710211513Z 2021-06-23 15:35:45.710 [INFO][86] int_dataplane.go 967: Finished applying updates to dataplane. msecToApply=0.450813",
      "2021-06-23T15:35:45.817515011Z 2021-06-23 15:35:45.817 [INFO][86] int_dataplane.go 953: Applying dataplane updates",
      // projectcalico/calico#4150
      "2020-11-08 08:50:30.541 [INFO][8] startup.go 256: Early log level set to info",
      "2020-11-08 08:50:30.555 [INFO][8] startup.go 340: Datastore connection verified",
      "2020-11-08 08:50:30.568 [INFO][8] startup.go 584: Using autodetected IPv4 address on interface eth0: 10.0.4.218/24",
      // projectcalico/libcalico-go#785: IPAM claiming a new block is normal operation
      "2018-04-27 08:49:11.932 [INFO][277] ipam_block_reader_writer.go 116: Claiming a new affine block for host 'public-slave-14'",
      "2018-04-27 08:49:11.944 [INFO][277] ipam_block_reader_writer.go 159: Host public-slave-14 claiming block affinity for 10.123.84.64/26",
    ];
    expect(counts(scan(healthy, calicoSignals))).toEqual({});
  });
});
