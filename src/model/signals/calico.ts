/**
 * calico-node signals: BGP sessions down (BIRD), node readiness, IPAM
 * exhaustion and component errors. Readiness failures reach the snapshot as
 * pod events ("Readiness probe failed: … calico/node is not ready: …").
 * Real shapes: shared/realdata/logs/calico_*.log and the sources cited in
 * test/signals/calico.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const calicoSignals: SignalDefinition[] = [
  {
    id: "calico.bgp-not-established",
    description: "BIRD has no established BGP session with these peers: routes to their pod blocks are missing",
    contains: "BGP not established",
    pattern: /BGP not established with (?<peers>[0-9A-Fa-f.:,]+)/,
    severity: "error",
  },
  {
    id: "calico.node-not-ready",
    description: "calico-node reports itself not ready",
    contains: "calico/node is not ready",
    pattern: /calico\/node is not ready: (?<reason>.+?)\s*$/,
    severity: "error",
  },
  {
    id: "calico.no-bgp-peers",
    description: "calico-node's health check counts no established BGP peering at all",
    contains: "BGP peering established = 0",
    pattern: /Number of node\(s\) with BGP peering established = 0(?!\d)/,
    severity: "warning",
  },
  {
    id: "calico.ipam-block-exhausted",
    description: "Calico IPAM cannot give the node another address block (pool exhausted under strict affinity, or per-host block limit)",
    contains: "block",
    pattern: /(?:No more free affine blocks|cannot allocate new block due to per host block limit)/i,
    severity: "error",
  },
  {
    id: "calico.ipam-no-addresses",
    description: "Calico IPAM assigned no address to a pod or tunnel (IP pools exhausted)",
    contains: "address",
    pattern: /(?:IPAM allocated only 0\b|Assigned 0 out of \d+ requested IPv[46] addresses|Unable to autoassign an address.*pools are likely exhausted)/,
    severity: "error",
  },
  {
    id: "calico.error",
    description: "A calico-node component (felix, confd, BIRD helpers, IPAM) logged an error",
    contains: "][",
    pattern: /\[(?<level>ERROR|PANIC|FATAL)\]\[\d+\] (?:(?<component>[\w-]+)\/)?(?<file>[\w.-]+\.go) \d+:/,
    severity: "warning",
  },
];
