/**
 * Model-level views that every layer asking NetworkPolicy questions shares
 * (policy, DNS): the evaluator's index over the snapshot, whether the CNI
 * enforces NetworkPolicy at all, and which CNI-specific policy objects also
 * filter traffic without being evaluated. Each is computed once per
 * diagnosis through the model's memo, so layers never read each other's
 * facts.
 */
import type { ClusterModel } from "../../model/model.js";
import type { Pod } from "../../model/k8s.js";
import { accountedFor, whyMissing } from "../../model/optional-apis.js";
import { isPodTerminal } from "../../model/pods.js";
import type { Evidence } from "../../types/evidence.js";
import { buildPolicyIndex, type PolicyIndex } from "../netpol/index.js";
import { cniAgents } from "../cni/agents.js";

/** CNI policy resources: they filter traffic beside NetworkPolicy where their CNI's agent runs. */
const CNI_POLICIES = [
  { file: "resources/ciliumnetworkpolicies.json", resource: "ciliumnetworkpolicies", kind: "CiliumNetworkPolicy", cni: "cilium" },
  { file: "resources/globalnetworkpolicies.json", resource: "globalnetworkpolicies", kind: "GlobalNetworkPolicy", cni: "calico" },
] as const;

/** Kinds of CNI policy objects in the snapshot: they filter traffic too and are not evaluated. */
export function presentPolicyKinds(model: ClusterModel): string[] {
  const kinds = new Set<string>();
  for (const p of CNI_POLICIES) for (const o of model.resources[p.resource]) kinds.add(o.kind ?? p.kind);
  return [...kinds].sort();
}

export interface UncollectedPolicyFile {
  file: string;
  kind: string;
  cni: string;
  /** Why the file is missing, when the collector or the manifest says. */
  reason?: string;
}

/**
 * CNI policy files the snapshot lacks while their CNI runs, and which the
 * collector did not find unserved: such policies may exist and filter traffic
 * unseen (a hand-made snapshot without them, or a collection error).
 */
export function uncollectedPolicies(model: ClusterModel): UncollectedPolicyFile[] {
  const cnis = new Set(cniAgents(model).map((a) => a.spec.name));
  return CNI_POLICIES.filter((p) => cnis.has(p.cni) && !accountedFor(model, p.file)).map((p) => {
    const reason = whyMissing(model, p.file);
    return { file: p.file, kind: p.kind, cni: p.cni, ...(reason ? { reason } : {}) };
  });
}

/** CNI policy kinds that may filter traffic and are not evaluated: present in the snapshot, or not collected while their CNI runs. */
export function unevaluatedPolicyKinds(model: ClusterModel): string[] {
  return [...new Set([...presentPolicyKinds(model), ...uncollectedPolicies(model).map((u) => u.kind)])].sort();
}

/** The evaluator's index over the snapshot's pods, namespaces, policies and Services. */
export function policyIndex(model: ClusterModel): PolicyIndex {
  return model.memo("netpol:index", () =>
    buildPolicyIndex({
      pods: model.resources.pods,
      namespaces: model.resources.namespaces,
      policies: model.resources.networkpolicies,
      services: model.resources.services,
      // Only objects the verdicts can name as present; policies not collected are a coverage note.
      cniPolicyKinds: presentPolicyKinds(model),
    }),
  );
}

/** CNIs (by their CNI_SPECS name) whose agent implements NetworkPolicy. Canal runs calico-node, so it is "calico". */
const ENFORCING_CNIS = new Set(["calico", "cilium", "weave", "kube-router", "antrea", "ovn-kubernetes"]);

/**
 * Policy agents that run beside a CNI that does not enforce policy itself,
 * recognised by the labels and images their projects ship.
 */
const POLICY_AGENTS: ReadonlyArray<{ name: string; matches: (pod: Pod) => boolean }> = [
  { name: "kube-network-policies", matches: (p) => p.metadata.labels["app"] === "kube-network-policies" || hasImage(p, "kube-network-policies") },
  { name: "azure-npm", matches: (p) => p.metadata.labels["k8s-app"] === "azure-npm" || hasImage(p, "azure-npm") },
  { name: "kube-ovn", matches: (p) => p.metadata.labels["app"] === "kube-ovn-cni" || hasImage(p, "kube-ovn") },
  // The VPC CNI's node agent enforces policy only when started with --enable-network-policy=true.
  { name: "aws-network-policy-agent", matches: (p) => p.spec.containers.some((c) => c.name === "aws-eks-nodeagent" && (c.args ?? []).includes("--enable-network-policy=true")) },
];

function hasImage(pod: Pod, fragment: string): boolean {
  return pod.spec.containers.some((c) => (c.image ?? "").includes(fragment));
}

export interface PolicyEnforcement {
  /**
   * not-enforced: the only CNI found is one that never enforces NetworkPolicy
   * (Flannel) and no policy agent runs beside it; unknown: no CNI was
   * recognised (a managed or unusual one), so enforcement is assumed.
   */
  status: "enforced" | "not-enforced" | "unknown";
  /** CNIs found (agents or their DaemonSets). */
  cnis: string[];
  /** What enforces policy (CNIs or agents), when something does. */
  enforcers: string[];
  evidence: Evidence[];
}

export function policyEnforcement(model: ClusterModel): PolicyEnforcement {
  return model.memo("policy:enforcement", () => {
    const agents = cniAgents(model);
    const cnis = agents.map((a) => a.spec.name);
    const agentPods = model.resources.pods.filter((p) => !isPodTerminal(p));
    const extra = POLICY_AGENTS.filter((a) => agentPods.some(a.matches)).map((a) => a.name);
    const enforcers = [...cnis.filter((c) => ENFORCING_CNIS.has(c)), ...extra];
    const evidence = agents.flatMap((a) => {
      const obj = a.daemonSets[0] ?? a.pods[0];
      return obj ? [model.evidence(obj, "metadata.name", `${a.spec.name} agent: ${obj.metadata.namespace ?? ""}/${obj.metadata.name}`)] : [];
    });
    if (enforcers.length > 0) return { status: "enforced", cnis, enforcers, evidence };
    if (cnis.length > 0 && cnis.every((c) => c === "flannel")) return { status: "not-enforced", cnis, enforcers, evidence };
    return { status: "unknown", cnis, enforcers, evidence };
  });
}
