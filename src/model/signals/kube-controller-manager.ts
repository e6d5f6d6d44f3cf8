/**
 * kube-controller-manager's node IPAM: nodes that get no podCIDR.
 * Real shapes: shared/realdata/logs/kube-controller-manager_CIDRNotAvailable_flannel-1688.log.
 */
import type { SignalDefinition } from "./scan.js";

export const kubeControllerManagerSignals: SignalDefinition[] = [
  {
    id: "kube-controller-manager.cidr-not-available",
    description: "The node IPAM controller has no podCIDR left for a node (CIDRNotAvailable)",
    contains: "CIDRNotAvailable",
    pattern: /Node (?<node>\S+) status is now: CIDRNotAvailable/,
    severity: "error",
  },
  {
    id: "kube-controller-manager.cidr-allocation-failed",
    description: "The cluster CIDR is exhausted: no remaining node CIDRs to allocate",
    contains: "CIDR allocation failed",
    pattern: /CIDR allocation failed; there are no remaining CIDRs left to allocate/,
    severity: "error",
  },
];
