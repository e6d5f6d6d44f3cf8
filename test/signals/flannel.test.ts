import { describe, expect, it } from "vitest";
import { flannelSignals } from "../../src/model/signals/flannel.js";
import { counts, realLines, scan } from "./_scan.js";

describe("flannel signals", () => {
  it("lease not acquired: out of subnets (opsnull/follow-me-install-kubernetes-cluster#217)", () => {
    const found = scan(realLines("logs/flanneld_failed_to_acquire_lease_out_of_subnets_opsnull-217.log"), flannelSignals);
    expect(counts(found)).toEqual({ "flannel.lease-failed": 2, "flannel.out-of-subnets": 2 });
    expect(found.get("flannel.lease-failed")!.captures).toEqual({ reason: "out of subnets" });
  });

  it("no podCIDR on the node (flannel#728, flannel#993-style 'Error registering network')", () => {
    const found = scan(
      [
        // github.com/flannel-io/flannel/issues/728
        'E0519 00:37:28.550351       1 network.go:102] failed to register network: failed to acquire lease: node "k8s-test-2.novalocal" pod cidr not assigned',
        // github.com/flannel-io/flannel/issues/1344 title / Calico docs quote of the same kube-flannel error
        'E0304 04:04:44.958281       1 main.go:292] Error registering network: failed to acquire lease: node "<NODE_HOSTNAME>" pod cidr not assigned',
      ],
      flannelSignals,
    );
    expect(counts(found)).toEqual({ "flannel.lease-failed": 2, "flannel.pod-cidr-not-assigned": 2 });
    expect(found.get("flannel.pod-cidr-not-assigned")!.values["node"]).toEqual(["k8s-test-2.novalocal", "<NODE_HOSTNAME>"]);
  });

  it("subnet.env missing, as kubelet (containerd) logs it (kubelet#46)", () => {
    const found = scan(realLines("logs/kubelet_flannel_subnet_env_missing_kubelet-46.log"), flannelSignals);
    expect(counts(found)).toEqual({ "flannel.subnet-env-missing": 3 });
  });

  it("subnet.env missing in pod events, dockershim and newer CNI wordings", () => {
    const found = scan(
      [
        ...realLines("logs/kubelet_events_networkPlugin_cni_flannel_subnet_env_vpc-cni-859.txt"),
        // `kubectl get events` on an EKS node after a reboot (index id 62486600792)
        '28m     Warning   FailedCreatePodSandBox         pod/llm-proxy-65577dbdfb-hq9h8           Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "6232c2d3c6e61f5ade0dd75a827e954bb3a72b323431247a369ba16fd70ab649": plugin type="flannel" failed (add): failed to load flannel \'subnet.env\' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod log for this node.',
      ],
      flannelSignals,
    );
    expect(counts(found)).toEqual({ "flannel.subnet-env-missing": 2 });
  });

  it("healthy flanneld lines and a `cat subnet.env` prompt match nothing", () => {
    const healthy = [
      ...realLines("logs/flanneld_failed_to_acquire_lease_out_of_subnets_opsnull-217.log").filter((l) => l.includes("] Determining") || l.includes("] Using interface") || l.includes("] Defaulting")),
      // github.com/flannel-io/flannel/issues/993
      "I0518 19:28:41.001666       1 kube.go:138] Node controller sync successful",
      "I0518 19:28:41.001704       1 main.go:235] Created subnet manager: Kubernetes Subnet Manager - hostname.mylabserver.com",
      "I0518 19:28:41.001884       1 main.go:353] Found network config - Backend type: vxlan",
      ...realLines("logs/flannel_subnet_env_mismatch_podcidr_flannel-1983.txt"),
    ];
    expect(healthy.length).toBeGreaterThan(10);
    expect(counts(scan(healthy, flannelSignals))).toEqual({});
  });
});
