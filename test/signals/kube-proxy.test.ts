import { describe, expect, it } from "vitest";
import { kubeProxySignals } from "../../src/model/signals/kube-proxy.js";
import { counts, realLines, scan } from "./_scan.js";

describe("kube-proxy signals on real logs", () => {
  it("iptables-restore line failures and sync retries (kubernetes#104234)", () => {
    const found = scan(realLines("logs/kubeproxy_iptables-restore_line_failed_kubernetes-104234.log"), kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.iptables-restore-failed": 5, "kube-proxy.restore-line-failed": 5, "kube-proxy.sync-failed": 5 });
    const failed = found.get("kube-proxy.iptables-restore-failed")!;
    expect(failed.captures).toEqual({ exitStatus: "1" });
    expect(failed.firstTime).toBe("0809 05:37:21.484590");
    expect(failed.lastTime).toBe("0809 07:32:42.616867");
    expect(found.get("kube-proxy.restore-line-failed")!.values["line"]).toEqual(["51", "53", "52"]);
    expect(failed.samples[0]).toMatchObject({ file: "test.log", line: 1 });
  });

  it("ip6tables-restore rejecting --xor-mark, structured klog (kube-proxy#25)", () => {
    const found = scan(realLines("logs/kubeproxy_ip6tables-restore_unknown_option_xor-mark_kube-proxy-25.log"), kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.iptables-restore-failed": 1, "kube-proxy.restore-unknown-option": 1, "kube-proxy.restore-line-failed": 1 });
    expect(found.get("kube-proxy.restore-unknown-option")!.captures).toEqual({ tool: "ip6tables-restore", version: "1.8.7", backend: "nf_tables", option: "--xor-mark" });
    expect(found.get("kube-proxy.restore-line-failed")!.captures).toEqual({ line: "11" });
  });

  it("exit status 2 after a reboot, journal-prefixed (kubernetes#121726)", () => {
    const found = scan(realLines("logs/kubeproxy_iptables-restore_exit2_after_reboot_kubernetes-121726.log"), kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.iptables-restore-failed": 1, "kube-proxy.restore-line-failed": 1, "kube-proxy.sync-failed": 1 });
    expect(found.get("kube-proxy.iptables-restore-failed")!.captures).toEqual({ exitStatus: "2" });
  });

  it("xtables lock contention, klog and containerd-log forms", () => {
    const lines = [
      // github.com/easzlab/kubeasz/issues/704
      "Oct 08 21:01:55 k8s-node3 kube-proxy[145725]: E1008 21:01:55.367127  145725 proxier.go:1285] Failed to execute iptables-restore: exit status 4 (Another app is currently holding the xtables lock. Perhaps you want to use the -w option?",
      // github.com/kubernetes-sigs/kind/pull/1004 (kube-proxy container log)
      '2019-10-23T20:56:35.955254605Z stderr F E1023 20:56:35.952985       1 proxier.go:728] Failed to ensure that nat chain KUBE-SERVICES exists: error creating chain "KUBE-SERVICES": exit status 4: Another app is currently holding the xtables lock. Stopped waiting after 5s.',
      // github.com/kubernetes-sigs/kind/pull/1651
      "2020-06-11T12:45:47.282403045Z stderr F I0611 12:45:47.223419       1 proxier.go:844] Sync failed; retrying in 30s",
    ];
    const found = scan(lines, kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.xtables-lock": 2, "kube-proxy.iptables-restore-failed": 1, "kube-proxy.sync-failed": 1 });
    expect(found.get("kube-proxy.iptables-restore-failed")!.captures).toEqual({ exitStatus: "4" });
    expect(found.get("kube-proxy.xtables-lock")!.lastTime).toBe("2019-10-23T20:56:35.955254605Z");
  });

  it("structured `Sync failed` of newer kube-proxy (index id 52473089289)", () => {
    const found = scan(['I1113 16:15:07.931308 1 proxier.go:858] "Sync failed" retryingTime="30s"'], kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.sync-failed": 1 });
  });

  it("conntrack cleanup errors (k3s-io/k3s#6169)", () => {
    const line =
      'Sep 22 17:24:19 node1.localdomain.com k3s[34223]: E0922 17:24:19.019309   34223 proxier.go:1519] "Failed to delete stale service connections" err="error deleting connection tracking state for UDP service IP: 10.43.0.10, error: conntrack command returned: \\"conntrack v1.4.6 (conntrack-tools): Can\'t open handler\\\\n\\", error message: exit status 1" IP="10.43.0.10"';
    const found = scan([line], kubeProxySignals);
    expect(counts(found)).toEqual({ "kube-proxy.conntrack-cleanup-failed": 1 });
    expect(found.get("kube-proxy.conntrack-cleanup-failed")!.captures).toEqual({ what: "Failed to delete stale service connections" });
  });
});

describe("healthy kube-proxy lines match nothing", () => {
  it("startup, sync and conntrack housekeeping", () => {
    const healthy = [
      // github.com/kubernetes/minikube/issues/11644
      "I0612 22:12:18.964964       1 node.go:172] Successfully retrieved node IP: 192.168.49.2",
      "I0612 22:12:18.965021       1 server_others.go:142] kube-proxy node IP is an IPv4 address (192.168.49.2), assume IPv4 operation",
      // github.com/kubernetes/kubernetes/issues/99299
      "I0315 03:48:50.499570       1 config.go:133] Starting endpoints config controller",
      "I0315 03:48:50.599778       1 shared_informer.go:230] Caches are synced for endpoints config ",
      // github.com/kubernetes/kubernetes/pull/90031
      "I0409 20:52:01.661124 1755549 endpoints.go:181] Service port default/hostnames-clip:p80 updated: 1 endpoints",
      "I0409 20:52:01.661946 1755549 proxier.go:840] Syncing iptables rules",
      "I0409 20:52:01.756777 1755549 proxier.go:809] syncProxyRules took 95.441782ms",
      // index id 52473089289
      'I1113 16:15:07.931317 1 proxier.go:820] "SyncProxyRules complete" elapsed="22.67239ms"',
      // github.com/kubernetes/kubernetes/pull/126847
      '2024-09-03T13:18:56.208350327Z stderr F I0903 13:18:56.191665       1 cleanup.go:175] "Adding conntrack filter for cleanup" org-port-dst=31354 reply-src="10.244.1.80" protocol="UDP"',
      // shared/realdata/logs/kernel_and_kubeproxy_conntrack_full_kubernetes-71261.log
      "I1120 15:18:19.757786   26448 conntrack.go:52] Setting nf_conntrack_max to 786432",
    ];
    expect(counts(scan(healthy, kubeProxySignals))).toEqual({});
  });
});
