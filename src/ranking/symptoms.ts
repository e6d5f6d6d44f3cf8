/**
 * The symptom index of CATALOG.md: what users report, and the causes to rank
 * first for it (`diagnose --symptom ID`).
 */
export interface Symptom {
  id: string;
  description: string;
  causes: string[];
}

export const SYMPTOMS: readonly Symptom[] = [
  { id: "cross-node", description: "pods cannot reach pods on other nodes", causes: ["cni.agent-unhealthy", "cni.mtu-mismatch", "cni.calico-bgp-down", "cni.flannel-subnet", "cni.cidr-overlap", "node.network-unavailable", "policy.*"] },
  { id: "intermittent-timeouts", description: "intermittent timeouts between services", causes: ["workload.readiness-failing", "workload.oom-or-evicted", "proxy.conntrack-full", "proxy.rules-stale", "cni.agent-unhealthy", "node.pressure", "dns.coredns-underprovisioned"] },
  { id: "dns", description: "`Could not resolve host` / DNS failures", causes: ["dns.*", "policy.*", "proxy.not-running"] },
  { id: "service-ip", description: "pod IP works, Service IP/name fails", causes: ["service.*", "proxy.*", "dns.*"] },
  { id: "blocked", description: "traffic blocked unexpectedly", causes: ["policy.*", "mesh.mtls-strict-plaintext-client"] },
  { id: "cross-namespace", description: "cross-namespace calls fail", causes: ["policy.namespace-label-missing", "policy.peer-and-or-confusion", "policy.default-deny-blocks", "dns.*"] },
  { id: "ingress", description: "external traffic does not arrive (Ingress)", causes: ["ingress.*", "gateway.*", "service.external-policy-local-no-endpoints", "service.loadbalancer-pending", "policy.ingress-controller-blocked"] },
  { id: "egress", description: "pods cannot reach external services", causes: ["policy.egress-blocks-external", "workload.proxy-env", "proxy.no-masquerade", "dns.upstream-failing"] },
  { id: "container-creating", description: "new pods stuck in ContainerCreating", causes: ["cni.sandbox-setup-failed", "cni.ip-exhausted", "cni.agent-unhealthy", "cni.conflicting-configs"] },
];

export function findSymptom(id: string): Symptom | undefined {
  return SYMPTOMS.find((s) => s.id === id);
}
