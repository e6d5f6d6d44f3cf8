/**
 * What kube-proxy programmed on one node, whatever the backend (iptables,
 * nftables, IPVS): the shape the proxy fact builders compare with the
 * cluster's Services and EndpointSlices.
 */

export type ProxyBackend = "iptables" | "nftables" | "ipvs";
export type L4Protocol = "tcp" | "udp" | "sctp";

export interface ProxyEndpoint {
  ip: string;
  port: number;
  /** KUBE-SEP-… chain (iptables) or endpoint-… chain (nftables). */
  chain?: string;
  /** 1-based line of the DNAT rule / real-server line: the evidence. */
  line?: number;
  /** Reached through the local-traffic-policy chain (KUBE-SVL-…), i.e. the endpoint runs on this node. */
  local?: boolean;
  /** IPVS only. kube-proxy sets weight 0 on terminating endpoints. */
  weight?: number;
  activeConnections?: number;
  inactiveConnections?: number;
}

export interface ProxyServicePort {
  /**
   * `namespace/name:portName` as kube-proxy writes it (portName may be empty),
   * or `tcp/10.96.0.1:443` for IPVS, which carries no names.
   */
  key: string;
  namespace?: string;
  name?: string;
  portName?: string;
  protocol?: L4Protocol;
  clusterIP?: string;
  /** Service port (the ClusterIP's port). */
  port?: number;
  /** Non-cluster destinations routed to the Service: spec.externalIPs and load-balancer ingress IPs. */
  externalDestinations: string[];
  /** The subset of externalDestinations known to be load-balancer IPs. */
  loadBalancerIPs: string[];
  nodePorts: number[];
  healthCheckNodePort?: number;
  endpoints: ProxyEndpoint[];
  /** Traffic to the Service is rejected because it has no ready endpoints ("has no endpoints" rules). */
  hasNoEndpointsReject: boolean;
  /** externalTrafficPolicy: Local with no endpoint on this node: external traffic is dropped. */
  hasNoLocalEndpointsDrop: boolean;
  loadBalancerSourceRanges: string[];
  sessionAffinitySeconds?: number;
  /** Chains that implement this port, to cross-reference with the raw dump. */
  chains: { service?: string; local?: string; external?: string; firewall?: string };
  /** Line of the rule or element that defines the port's front end (evidence). */
  line?: number;
  /** IPVS only: the virtual server this entry stands for. */
  virtualServer?: { address: string; scheduler: string; flags: string[] };
}

export type CniName = "calico" | "cilium" | "flannel" | "weave" | "kube-router" | "antrea";

export interface ProxyMasquerade {
  /** KUBE-POSTROUTING (nft: `masquerading`) ends in MASQUERADE. */
  postroutingMasquerade: boolean;
  randomFully: boolean;
  /** Mark set by KUBE-MARK-MASQ (nft: mark-for-masquerade), e.g. `0x4000`. */
  markMasqBit?: string;
  /**
   * Pod CIDRs kube-proxy treats as local (`! -s CIDR -j KUBE-MARK-MASQ`,
   * nft `ip saddr != CIDR`): its --cluster-cidr. Empty when it was not set.
   */
  clusterCIDRs: string[];
  /** --masquerade-all: every ClusterIP packet is marked, whatever its source. */
  masqueradeAll: boolean;
  /** MASQUERADE/SNAT rules outside kube-proxy's chains (CNI pod egress NAT: FLANNEL-POSTRTG, cali-nat-outgoing…). */
  otherRules: { chain: string; target: string; source?: string; destination?: string; line: number }[];
}

export interface ProxyRuleSet {
  backend: ProxyBackend;
  family?: "ipv4" | "ipv6";
  /**
   * Mode kube-proxy was running in, as the rules show it: iptables-mode chains
   * (KUBE-SVC-…), IPVS-mode ipsets (KUBE-CLUSTER-IP), nftables table, IPVS virtual servers.
   */
  kubeProxyMode?: "iptables" | "ipvs" | "nftables";
  /** Keyed by ProxyServicePort.key. */
  services: Record<string, ProxyServicePort>;
  masquerade: ProxyMasquerade;
  present: {
    /** Any kube-proxy structure at all. */
    kubeProxy: boolean;
    servicesChain: boolean;
    nodePortsChain: boolean;
    postroutingChain: boolean;
    markMasqChain: boolean;
    /** CNIs whose chains/tables are in the dump (Canal shows calico and flannel). */
    cni: CniName[];
  };
  /** Endpoint chains no service chain jumps to: leftovers of a failed or partial sync. */
  orphanEndpointChains: string[];
}

export function emptyServicePort(key: string): ProxyServicePort {
  return {
    key,
    externalDestinations: [],
    loadBalancerIPs: [],
    nodePorts: [],
    endpoints: [],
    hasNoEndpointsReject: false,
    hasNoLocalEndpointsDrop: false,
    loadBalancerSourceRanges: [],
    chains: {},
  };
}

export function emptyRuleSet(backend: ProxyBackend): ProxyRuleSet {
  return {
    backend,
    services: {},
    masquerade: { postroutingMasquerade: false, randomFully: false, clusterCIDRs: [], masqueradeAll: false, otherRules: [] },
    present: { kubeProxy: false, servicesChain: false, nodePortsChain: false, postroutingChain: false, markMasqChain: false, cni: [] },
    orphanEndpointChains: [],
  };
}

export interface ServicePortName {
  key: string;
  namespace: string;
  name: string;
  portName: string;
}

// namespace (DNS-1123 label) / name (DNS label) [: port name]. kube-proxy leaves out
// ":port" when the Service port has no name ("default/nginx cluster IP"); very old
// versions printed the colon anyway ("default/ace: has no endpoints").
const SERVICE_PORT_WORD = /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\/([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)(?::([-a-z0-9]*))?$/;

/**
 * Find the `ns/name:port` word in a kube-proxy comment and what follows it:
 * "ns1/svc1:p80 cluster IP" → { name…, rest: "cluster IP" }. Comments such as
 * "masquerade traffic for ns4/svc4:p80 external destinations" also work. The
 * key is always `ns/name:port` (`ns/name:` for an unnamed port), as in nftables
 * chain names, so every backend names a port the same way.
 */
export function parseServicePortComment(comment: string): (ServicePortName & { rest: string }) | undefined {
  let start = 0;
  while (start < comment.length) {
    let end = comment.indexOf(" ", start);
    if (end === -1) end = comment.length;
    if (end > start && comment.indexOf("/", start) < end) {
      const m = SERVICE_PORT_WORD.exec(comment.slice(start, end));
      if (m) {
        const portName = m[3] ?? "";
        return { key: `${m[1]}/${m[2]}:${portName}`, namespace: m[1]!, name: m[2]!, portName, rest: comment.slice(end + 1) };
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** "10.180.0.1:80" or "[fd00::1]:80" → ip and port; anything else (a bare IPv6 address) → undefined. */
export function splitHostPort(text: string): { ip: string; port: number } | undefined {
  if (text.startsWith("[")) {
    const close = text.indexOf("]:");
    if (close === -1) return undefined;
    const port = Number(text.slice(close + 2));
    return Number.isInteger(port) ? { ip: text.slice(1, close), port } : undefined;
  }
  const colon = text.lastIndexOf(":");
  if (colon === -1 || text.indexOf(":") !== colon) return undefined;
  const port = Number(text.slice(colon + 1));
  return Number.isInteger(port) && colon > 0 ? { ip: text.slice(0, colon), port } : undefined;
}

/** Strip a host prefix length: iptables-save prints "-d 10.96.0.1/32". */
export function hostAddress(cidr: string): string {
  if (cidr.endsWith("/32") || cidr.endsWith("/128")) return cidr.slice(0, cidr.lastIndexOf("/"));
  return cidr;
}

export function toProtocol(value: string | undefined): L4Protocol | undefined {
  const v = value?.toLowerCase();
  return v === "tcp" || v === "udp" || v === "sctp" ? v : undefined;
}

/** "0x00004000" and "0x4000" are the same mark. */
export function normaliseMark(mark: string): string | undefined {
  const value = mark.split("/")[0]!;
  const n = Number.parseInt(value, 16);
  return /^0x[0-9a-f]+$/i.test(value) && Number.isFinite(n) ? `0x${n.toString(16)}` : undefined;
}

export function pushUnique<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

const CNI_CHAIN_PREFIXES: [string, CniName][] = [
  ["cali-", "calico"],
  ["CILIUM_", "cilium"],
  ["FLANNEL-", "flannel"],
  ["WEAVE", "weave"],
  ["KUBE-ROUTER-", "kube-router"],
  ["KUBE-NWPLCY-", "kube-router"],
  ["ANTREA-", "antrea"],
];

/** Which CNI, if any, owns a chain (or nft table) name. */
export function cniOfChain(name: string): CniName | undefined {
  for (const [prefix, cni] of CNI_CHAIN_PREFIXES) if (name.startsWith(prefix)) return cni;
  return undefined;
}
