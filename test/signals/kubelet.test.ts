import { describe, expect, it } from "vitest";
import { kubeletSignals } from "../../src/model/signals/kubelet.js";
import { counts, realLines, scan } from "./_scan.js";

describe("pod sandbox failures", () => {
  it("containerd + flannel: RunPodSandbox / CreatePodSandbox failures with the CNI plugin named (kubelet#46)", () => {
    const found = scan(realLines("logs/kubelet_flannel_subnet_env_missing_kubelet-46.log"), kubeletSignals);
    expect(counts(found)).toEqual({ "kubelet.sandbox-create-failed": 3, "kubelet.sandbox-network-failed": 3 });
    expect(found.get("kubelet.sandbox-network-failed")!.captures).toEqual({ plugin: "flannel" });
    // journald's "Oct 26 14:08:18 host kubelet[pid]:" prefix hides the klog time from the scanner.
    expect(found.get("kubelet.sandbox-create-failed")!.samples.map((s) => s.line)).toEqual([1, 2, 3]);
  });

  it("dockershim event: networkPlugin cni failed (amazon-vpc-cni-k8s#859); the Scheduled event is not a failure", () => {
    const found = scan(realLines("logs/kubelet_events_networkPlugin_cni_flannel_subnet_env_vpc-cni-859.txt"), kubeletSignals);
    expect(counts(found)).toEqual({ "kubelet.sandbox-create-failed": 1, "kubelet.sandbox-network-failed": 1 });
    expect(found.get("kubelet.sandbox-network-failed")!.samples[0]!.line).toBe(5);
  });

  it("host-local IPAM exhausted, event and kubelet forms (microk8s#1147, rancher#14504)", () => {
    const found = scan(
      [
        'Warning  FailedCreatePodSandBox  2m52s (x35156 over 5d7h)  kubelet, 10.1.121.33  (combined from similar events): Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "9a1b3fd9596e428093232c054a1ac7fac47a57c87f5c46dd80dde72e5bbea132": failed to allocate for range 0: no IP addresses available in range set: 10.1.56.1-10.1.56.254',
        'E0711 15:11:17.994634   24727 remote_runtime.go:92] RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = NetworkPlugin cni failed to set up pod "myzep-79945ccb7f-rz8ld_myzep" network: failed to allocate for range 0: no IP addresses available in range set: 10.42.0.1-10.42.0.254',
      ],
      kubeletSignals,
    );
    expect(found.get("kubelet.ip-range-exhausted")!.values["range"]).toEqual(["10.1.56.1-10.1.56.254", "10.42.0.1-10.42.0.254"]);
    expect(counts(found)).toEqual({ "kubelet.ip-range-exhausted": 2, "kubelet.sandbox-create-failed": 2, "kubelet.sandbox-network-failed": 1 });
  });

  it("calico CNI failure names its plugin (projectcalico/calico#8180)", () => {
    const found = scan(
      [
        'Warning  FailedCreatePodSandBox  86s               kubelet            Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "3c8b059ce4c4cd7ae47eb9ebc8d1937afae2d0e23ec32cd3f4b9c464ab5d358d": plugin type="calico" failed (add): error adding host side routes for interface: calid29a1cadef5, error: route (Ifindex: 131, Dst: 172.25.136.1/32, Scope: link) already exists for an interface other than \'calid29a1cadef5\': route (Ifindex: 12, Dst: 172.25.136.1/32, Scope: link, Iface: calif6cb5368383)',
      ],
      kubeletSignals,
    );
    expect(found.get("kubelet.sandbox-network-failed")!.captures).toEqual({ plugin: "calico" });
  });

  it("normal scheduling and pod lifecycle events match nothing", () => {
    const healthy = [
      realLines("logs/kubelet_events_networkPlugin_cni_flannel_subnet_env_vpc-cni-859.txt")[3]!,
      // github.com/cilium/cilium/issues/28201
      "  Normal   Scheduled               7m4s                  default-scheduler  Successfully assigned default/busybox-v4-7d75b5bf9b-c7v9n to kind-worker",
    ];
    expect(healthy[0]).toContain("Successfully assigned");
    expect(counts(scan(healthy, kubeletSignals))).toEqual({});
  });
});
