/**
 * kube-proxy log signals: rule syncs that fail (and leave stale or missing
 * Service rules on the node), iptables lock contention, conntrack cleanup errors.
 * Real shapes: shared/realdata/logs/kubeproxy_*.log and the issues cited in
 * test/signals/kube-proxy.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const kubeProxySignals: SignalDefinition[] = [
  {
    id: "kube-proxy.iptables-restore-failed",
    description: "kube-proxy could not apply its rules with iptables-restore; Services on this node keep stale rules or none",
    contains: "Failed to execute iptables-restore",
    // klog text ("…: exit status 1 (…") and structured ("… iptables-restore\" err=<") forms.
    pattern: /Failed to execute iptables-restore(?:: exit status (?<exitStatus>\d+))?/,
    severity: "error",
  },
  {
    id: "kube-proxy.restore-line-failed",
    description: "iptables-restore rejected a line of kube-proxy's ruleset (usually a missing kernel module or match extension)",
    contains: "line",
    pattern: /(?:ip6?tables-restore: line |Error occurred at line: )(?<line>\d+)/,
    severity: "error",
  },
  {
    id: "kube-proxy.restore-unknown-option",
    description: "The node's iptables does not know an option kube-proxy uses (old or mismatched iptables/ip6tables binary or backend)",
    contains: "unknown option",
    pattern: /(?<tool>ip6?tables-restore) v(?<version>[\d.]+)(?: \((?<backend>\w+)\))?: unknown option "(?<option>[^"]+)"/,
    severity: "error",
  },
  {
    id: "kube-proxy.xtables-lock",
    description: "Another process held the xtables lock, so kube-proxy's iptables calls failed or waited",
    contains: "xtables lock",
    pattern: /Another app is currently holding the xtables lock/,
    severity: "warning",
  },
  {
    id: "kube-proxy.sync-failed",
    description: "kube-proxy's rule sync failed and will be retried",
    contains: "Sync failed",
    pattern: /\bSync failed\b/,
    severity: "error",
  },
  {
    id: "kube-proxy.conntrack-cleanup-failed",
    description: "kube-proxy could not clear stale conntrack entries (UDP Services such as DNS can keep hitting removed endpoints)",
    contains: "Failed to ",
    pattern: /(?<what>Failed to delete stale service (?:IP \S+ )?connections|Failed to delete endpoint connections|Failed to list conntrack entries|Failed to clear all conntrack entries)/,
    severity: "warning",
  },
  {
    id: "kube-proxy.ipvs-fallback",
    description: "kube-proxy was configured for IPVS but could not use it (kernel modules or ipset missing) and fell back to iptables",
    contains: "proxier",
    pattern: /Can't use (?:the )?ipvs proxier, trying iptables proxier/i,
    severity: "warning",
  },
  {
    id: "kube-proxy.no-cluster-cidr",
    description: "kube-proxy has no cluster CIDR for this IP family: it cannot tell pod traffic from external traffic and does not masquerade off-cluster traffic to Services",
    contains: "luster",
    // v1.21+: `"Detect-local-mode set to ClusterCIDR, but no cluster CIDR for family" ipFamily="IPv4"`;
    // older: `detect-local-mode set to ClusterCIDR, but no cluster CIDR defined` / `clusterCIDR not specified, …`.
    pattern: /(?:[Dd]etect-local-mode set to ClusterCIDR, but no (?:(?<legacyFamily>IPv[46]) )?cluster CIDR (?:for family\\?" ipFamily=\\?"(?<family>IPv[46])|defined)|clusterCIDR not specified, unable to distinguish between internal and external traffic)/,
    severity: "warning",
  },
  {
    id: "kube-proxy.proxier-in-use",
    description: "The proxy mode kube-proxy started in",
    contains: "Proxier",
    pattern: /Using (?<mode>iptables|ipvs|nftables) Proxier/,
    severity: "info",
  },
];
