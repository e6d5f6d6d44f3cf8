/**
 * Kernel (dmesg / journal `kernel:`) signals relevant to pod networking.
 * Real shapes: shared/realdata/logs/kernel_*.log and the issues cited in
 * test/signals/kernel.test.ts.
 */
import type { SignalDefinition } from "./scan.js";

export const kernelSignals: SignalDefinition[] = [
  {
    id: "kernel.conntrack-table-full",
    description: "The conntrack table is full: the kernel drops packets of new connections",
    contains: "table full, dropping packet",
    // "nf_conntrack: table full", newer kernels "nf_conntrack: nf_conntrack: table full", old "ip_conntrack: table full".
    pattern: /(?:nf|ip)_conntrack: (?:nf_conntrack: )?table full, dropping packet/,
    severity: "error",
  },
  {
    id: "kernel.martian-source",
    description: "Packets arrived with a source address the kernel considers impossible on that interface (asymmetric routing, rp_filter, overlapping CIDRs)",
    contains: "martian source",
    pattern: /martian source (?<destination>\S+) from (?<source>[^,\s]+), on dev (?<device>\S+)/,
    severity: "warning",
  },
  {
    id: "kernel.neighbour-table-overflow",
    description: "The ARP/NDP neighbour table is full (gc_thresh3): new neighbours cannot be resolved",
    contains: "table overflow",
    pattern: /(?:neighbour: (?<table>\w+): neighbor table overflow|Neighbour table overflow)/,
    severity: "error",
  },
];
