/**
 * Pod sandbox failures as kubelet and the container runtime report them, in
 * kubelet logs and in pod events (FailedCreatePodSandBox messages).
 * Real shapes: shared/realdata/logs/kubelet_*.log(txt) and the issues cited in
 * test/signals/kubelet.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const kubeletSignals: SignalDefinition[] = [
  {
    id: "kubelet.sandbox-create-failed",
    description: "A pod sandbox could not be created (the pod stays in ContainerCreating)",
    contains: "andbox",
    pattern: /(?:Failed to create pod sandbox|Failed to create sandbox for pod|CreatePodSandbox for pod failed|RunPodSandbox from runtime service failed)/,
    severity: "error",
  },
  {
    id: "kubelet.sandbox-network-failed",
    description: "The CNI plugin failed to set up the pod's network",
    contains: "network",
    // containerd: `failed to setup network for sandbox "…": plugin type="flannel" failed (add): …`;
    // dockershim: `failed to set up sandbox container "…" network for pod "…": networkPlugin cni failed …`.
    pattern: /(?:failed to (?:setup|set up) network for sandbox|failed to set up sandbox container "[^"]*" network|networkPlugin cni failed)(?:.*?plugin type=\\?"(?<plugin>[\w-]+))?/,
    severity: "error",
  },
  {
    id: "kubelet.ip-range-exhausted",
    description: "host-local IPAM has no free address left in the node's pod range",
    contains: "no IP addresses available",
    pattern: /no IP addresses available in range set: (?<range>\S+)/,
    severity: "error",
  },
];
