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
];
