import { describe, expect, it } from "vitest";
import { ciliumSignals } from "../../src/model/signals/cilium.js";
import { counts, realLines, scan } from "./_scan.js";

describe("cilium signals on real agent logs", () => {
  it("regeneration failed for a missing BPF template, both wordings (cilium#8817)", () => {
    const found = scan(realLines("logs/cilium_regeneration_failed_bpf_template_cilium-8817.log"), ciliumSignals);
    expect(counts(found)).toEqual({ "cilium.endpoint-regeneration-failed": 2 });
    expect(found.get("cilium.endpoint-regeneration-failed")!.values["endpointID"]).toEqual(["3498"]);
  });

  it("regeneration failed on proxy redirects; the 'Regenerating endpoint' info line is not a failure (cilium#5869)", () => {
    const found = scan(realLines("logs/cilium_proxy_redirect_regeneration_failed_cilium-pr5869.log"), ciliumSignals);
    expect(counts(found)).toEqual({ "cilium.endpoint-regeneration-failed": 1 });
    expect(found.get("cilium.endpoint-regeneration-failed")!.captures).toEqual({ endpointID: "45657" });
    expect(found.get("cilium.endpoint-regeneration-failed")!.firstTime).toBe("2018-10-13T00:04:40.348690305Z");
  });

  it("tc program load failure while rewriting an endpoint (cilium-service-mesh-beta#21)", () => {
    const found = scan(realLines("logs/cilium_endpoint_regeneration_tc_load_failed_cilium-service-mesh-beta-21.log"), ciliumSignals);
    expect(counts(found)).toEqual({ "cilium.bpf-program-load-failed": 3 });
  });

  it("full BPF maps, with the map's name when it is given", () => {
    const found = scan(
      [
        // Cilium upgrade notes (Documentation/operations/upgrade.rst, index id 6433991)
        "Unable to update element for cilium_lb4_backends_v2 map with file descriptor 15: the map is full, please consider resizing it. argument list too long",
        // cilium/cilium#3314
        '2018-03-25T09:55:08.293370314Z level=warning msg="Update of l4 policy map failed" containerID=b14821a713 endpointID=37420 error="Unable to update element: argument list too long" policyID=1541 policyRevision=2499 port=2888 protocol=6',
        // cilium/cilium#44520
        'time="2026-02-12T21:13:15Z" level=error msg="Failed to apply node handler during background sync. Cilium may have degraded functionality. See error message for details." error="failed to allocate ID for node eu-central-1.10.14.17.65: failed to map IP \'꾳\' with node ID \'꾳\': failed to update node map: update: key too big for map: argument list too long\\nfailed to map IP \'꾳\' with node ID \'꾳\': failed to update node map: update: key too big for map: argument list too long" handler=linux-node-datapath node=eu-central-1.10.14.17.65 subsys=nodema',
      ],
      ciliumSignals,
    );
    expect(counts(found)).toEqual({ "cilium.bpf-map-full": 3 });
    expect(found.get("cilium.bpf-map-full")!.values["map"]).toEqual(["cilium_lb4_backends_v2"]);
  });

  it("a CiliumNetworkPolicy the agent refused (cilium#25796)", () => {
    const line =
      'time="2024-07-25T08:55:49Z" level=warning msg="Unable to add CiliumNetworkPolicy" ciliumNetworkPolicyName=test2 error="Invalid CiliumNetworkPolicy specs: Combining ToServices and ToPorts is not supported yet" k8sApiVersion= k8sNamespace=default subsys=k8s-watcher';
    const found = scan([line, line], ciliumSignals);
    expect(counts(found)).toEqual({ "cilium.policy-import-failed": 2 });
    expect(found.get("cilium.policy-import-failed")!.captures).toEqual({ policy: "test2" });
    expect(found.get("cilium.policy-import-failed")!.firstTime).toBe("2024-07-25T08:55:49Z");
  });

  it("IPAM range full reported through the CNI (cilium#10627)", () => {
    const found = scan(
      [
        'default          13m         Warning   FailedCreatePodSandBox   pod/pod-to-a-allowed-cnp-5899c44899-lmsr8                    Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "3948297ee605c722e867e3cda372cd2708c16f40e2cb0c036ac543890fee98e6" network for pod "pod-to-a-allowed-cnp-5899c44899-lmsr8": networkPlugin cni failed to set up pod "pod-to-a-allowed-cnp-5899c44899-lmsr8_default" network: unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  range is full',
      ],
      ciliumSignals,
    );
    expect(counts(found)).toEqual({ "cilium.ipam-range-full": 1 });
  });

  it("healthy agent lines match nothing", () => {
    const healthy = [
      // cilium/cilium#10627
      'level=info msg="Policy imported via API, recalculating..." policyAddRequest=d7ebb3f1-6964-11ea-86a5-0ef648435ce5 policyRevision=3 subsys=daemon',
      'level=info msg="Imported CiliumNetworkPolicy" ciliumNetworkPolicyName=pod-to-a-l3-denied-cnp k8sApiVersion= k8sNamespace=default subsys=k8s-watcher',
      // cilium/cilium#5677: harmless at startup
      '2018-09-24T17:10:51.050516088Z level=warning msg="Unable to open map" error="Unable to get object /sys/fs/bpf/tc/globals/cilium_ct4_global: no such file or directory" file-path=/sys/fs/bpf/tc/globals/cilium_ct4_global subsys=endpoint',
      // shared/realdata cilium-pr5869, first line
      ...realLines("logs/cilium_proxy_redirect_regeneration_failed_cilium-pr5869.log").slice(0, 1),
    ];
    expect(counts(scan(healthy, ciliumSignals))).toEqual({});
  });
});
