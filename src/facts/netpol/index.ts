/**
 * Public API of the NetworkPolicy evaluator (see docs/network-policy.md).
 *
 *   const index = buildPolicyIndex({ pods, namespaces, policies, services, cniPolicyKinds });
 *   canReach(index, { namespace: "shop", name: "web-0" }, { namespace: "shop", name: "db-0" }, { port: 5432 });
 *   canReachService(index, { namespace: "shop", name: "web-0" }, { namespace: "shop", name: "db" }, 5432);
 *   allowedConnections(index, from, to);            // PortSet, e.g. "TCP 5432"
 *   unreachableBackends(index);                      // Service ports no client may reach
 *   podsWithoutDnsPath(index, corednsPods);          // pods without UDP/TCP 53 to DNS
 *   explainVerdict(verdict);                         // chain of reasons, one line each
 */
export { buildPolicyIndex, canReach, canReachService, allowedConnections, serviceBackends, resolveTargetPort, NAMESPACE_NAME_LABEL } from "./evaluator.js";
export type { PolicyIndex } from "./evaluator.js";
export { unreachableBackends, podsWithoutDnsPath } from "./cluster.js";
export type { BackendGap, BackendReport, DnsGap, DnsPathReport } from "./cluster.js";
export { explainVerdict, explainServiceVerdict, describePeer, describePorts, describeRule, formatPolicy } from "./explain.js";
export { PortSet, parsePortSpec, PROTOCOLS } from "./ports.js";
export { effectivePolicyTypes } from "./policies.js";
export type { CompiledPolicy, CompiledRule, CompiledPeer } from "./policies.js";
export type { IndexedPod, PodClass } from "./classes.js";
export * from "./types.js";
