/**
 * flannel signals: the subnet lease (node podCIDR) and /run/flannel/subnet.env,
 * without which the flannel CNI plugin cannot set up any pod on the node.
 * Real shapes: shared/realdata/logs/{flanneld,kubelet}_*.log and the issues
 * cited in test/signals/flannel.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const flannelSignals: SignalDefinition[] = [
  {
    id: "flannel.subnet-env-missing",
    description: "/run/flannel/subnet.env is missing: flanneld has not (yet) acquired a subnet on this node",
    contains: "subnet.env",
    pattern: /(?:loadFlannelSubnetEnv failed|failed to load flannel 'subnet\.env' file|open \S*subnet\.env: no such file or directory)/,
    severity: "error",
  },
  {
    id: "flannel.lease-failed",
    description: "flanneld could not acquire a subnet lease for the node",
    contains: "acquire lease",
    pattern: /failed to acquire lease: (?<reason>.+?)\s*$/i,
    severity: "error",
  },
  {
    id: "flannel.out-of-subnets",
    description: "The flannel network has no free subnet left for another node",
    contains: "out of subnets",
    pattern: /\bout of subnets\b/,
    severity: "error",
  },
  {
    id: "flannel.pod-cidr-not-assigned",
    description: "The node has no spec.podCIDR (controller-manager not allocating node CIDRs), so flannel cannot start",
    contains: "pod cidr not assigned",
    pattern: /node "(?<node>[^"]+)" pod cidr not assigned/,
    severity: "error",
  },
];
