/**
 * Whether NetworkPolicies leave pods without a path to cluster DNS: the
 * NetworkPolicy evaluator (src/facts/netpol) asked, for every pod on the pod
 * network, whether some CoreDNS pod may receive its UDP and TCP 53, and which
 * side refuses — the client's egress (`dns.egress-blocked-by-policy`, per
 * namespace) or CoreDNS's ingress (`dns.coredns-ingress-blocked`).
 *
 * Not evaluated (and said so in a note) when no CoreDNS pod is known, when pods
 * resolve through NodeLocal DNSCache's link-local address (their queries go to
 * a host-network cache, not to the CoreDNS pods), or when the CNI does not
 * enforce NetworkPolicy at all (Flannel alone).
 */
import type { ClusterModel } from "../../model/model.js";
import { ipInCidr } from "../../model/cidr.js";
import { podsWithoutDnsPath, type PodRef, type PolicyRef } from "../netpol/index.js";
import { policyEnforcement, policyIndex } from "../policy/context.js";
import { clusterDns } from "./cluster-dns.js";

export type DnsProtocol = "UDP" | "TCP";

export interface DnsBlock {
  protocols: DnsProtocol[];
  pods: PodRef[];
  policies: PolicyRef[];
}

export interface DnsPolicyGaps {
  /** Why the check did not run, when it did not. */
  skipped?: string;
  /** Per client namespace: pods whose own egress policies admit no DNS pod. */
  egress: Map<string, DnsBlock>;
  /** Pods that CoreDNS's ingress policies do not admit, and those policies. */
  ingress: DnsBlock;
}

const LINK_LOCAL = "169.254.0.0/16";

function addBlock(block: DnsBlock, protocol: DnsProtocol, pods: PodRef[], policies: PolicyRef[]): void {
  if (!block.protocols.includes(protocol)) block.protocols.push(protocol);
  for (const p of pods) if (!block.pods.some((x) => x.namespace === p.namespace && x.name === p.name)) block.pods.push(p);
  for (const p of policies) if (!block.policies.some((x) => x.namespace === p.namespace && x.name === p.name)) block.policies.push(p);
}

export function dnsPolicyGaps(model: ClusterModel): DnsPolicyGaps {
  return model.memo("dns:policy", () => {
    const gaps: DnsPolicyGaps = { egress: new Map(), ingress: { protocols: [], pods: [], policies: [] } };
    if (model.resources.networkpolicies.length === 0) return gaps;
    const dns = clusterDns(model);
    if (dns.pods.length === 0) return { ...gaps, skipped: "no CoreDNS pod was found, so DNS reachability under NetworkPolicy was not evaluated" };
    if (dns.nodeLocalDns && (dns.kubelet?.clusterDNS ?? []).some((ip) => ipInCidr(ip, LINK_LOCAL))) {
      return { ...gaps, skipped: "pods resolve through NodeLocal DNSCache (a link-local clusterDNS): DNS reachability under NetworkPolicy was not evaluated" };
    }
    if (policyEnforcement(model).status === "not-enforced") return { ...gaps, skipped: "the CNI (Flannel alone) does not enforce NetworkPolicy: DNS reachability under policies was not evaluated" };
    const report = podsWithoutDnsPath(policyIndex(model), dns.pods.map((p) => ({ namespace: p.metadata.namespace ?? "default", name: p.metadata.name })));
    for (const gap of report.gaps) {
      for (const m of gap.missing) {
        if (m.blockedBy !== "ingress") {
          let block = gaps.egress.get(gap.namespace);
          if (!block) gaps.egress.set(gap.namespace, (block = { protocols: [], pods: [], policies: [] }));
          addBlock(block, m.protocol, gap.pods, gap.egressPolicies);
        }
        if (m.blockedBy !== "egress") addBlock(gaps.ingress, m.protocol, gap.pods, gap.dnsIngressPolicies);
      }
    }
    return gaps;
  });
}
