/**
 * cilium-agent signals: full BPF maps, endpoint regeneration and BPF program
 * load failures, policies the agent refused, and IPAM exhaustion.
 * Real shapes: shared/realdata/logs/cilium_*.log and the sources cited in
 * test/signals/cilium.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const ciliumSignals: SignalDefinition[] = [
  {
    id: "cilium.bpf-map-full",
    description: "A BPF map is full (E2BIG on update): new services, backends, policies or nodes cannot be programmed",
    contains: "argument list too long",
    pattern: /(?:Unable to update element for (?<map>\S+) map with file descriptor \d+: the map is full|Unable to update element: argument list too long|key too big for map: argument list too long)/,
    severity: "error",
  },
  {
    id: "cilium.endpoint-regeneration-failed",
    description: "Cilium could not regenerate an endpoint's datapath: the pod keeps stale policy or has no connectivity",
    contains: "egeneration",
    pattern: /(?:Regeneration of endpoint failed|endpoint regeneration failed)(?:.*?\bendpointID=(?<endpointID>\d+))?/,
    severity: "error",
  },
  {
    id: "cilium.bpf-program-load-failed",
    description: "A BPF program could not be loaded or attached (tc/bpf load failure)",
    contains: "prog",
    pattern: /(?:[Ff]ailed to load prog(?:ram)?\b|Unable to load program|Error while rewriting endpoint BPF program)/,
    severity: "error",
  },
  {
    id: "cilium.policy-import-failed",
    description: "cilium-agent refused a CiliumNetworkPolicy: it is not enforced",
    contains: "Unable to add Cilium",
    pattern: /Unable to add Cilium(?:Clusterwide)?NetworkPolicy(?:.*?\bciliumNetworkPolicyName=(?<policy>\S+))?/,
    severity: "error",
  },
  {
    id: "cilium.ipam-range-full",
    description: "Cilium IPAM has no free address left on the node (pod CIDR range is full)",
    contains: "range is full",
    pattern: /\brange is full\b/,
    severity: "error",
  },
];
