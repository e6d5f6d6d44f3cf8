import { describe, expect, it } from "vitest";
import { kubeControllerManagerSignals } from "../../src/model/signals/kube-controller-manager.js";
import { counts, realLines, scan } from "./_scan.js";

describe("kube-controller-manager node CIDR allocation", () => {
  it("CIDRNotAvailable for a node and an exhausted cluster CIDR (flannel#1688)", () => {
    const found = scan(realLines("logs/kube-controller-manager_CIDRNotAvailable_flannel-1688.log"), kubeControllerManagerSignals);
    expect(counts(found)).toEqual({ "kube-controller-manager.cidr-not-available": 3, "kube-controller-manager.cidr-allocation-failed": 2 });
    expect(found.get("kube-controller-manager.cidr-not-available")!.values["node"]).toEqual(["flannel-worker"]);
    expect(found.get("kube-controller-manager.cidr-not-available")!.firstTime).toBe("0103 08:25:09.685013");
  });

  it("other node events and informer lines match nothing (kubernetes/minikube#11644)", () => {
    const healthy = [
      'I0612 22:12:17.939572       1 event.go:291] "Event occurred" object="kube-system/kube-proxy" kind="DaemonSet" apiVersion="apps/v1" type="Normal" reason="SuccessfulCreate" message="Created pod: kube-proxy-79d2v"',
      "I0612 22:12:17.942255       1 shared_informer.go:247] Caches are synced for HPA ",
      "I0612 22:12:22.727974       1 node_lifecycle_controller.go:1222] Controller detected that some Nodes are Ready. Exiting master disruption mode.",
    ];
    expect(counts(scan(healthy, kubeControllerManagerSignals))).toEqual({});
  });
});
