/**
 * Human-readable rendering of policies and verdicts: how a peer, a port list
 * or a whole verdict reads in a report. Pure string functions.
 */
import type { LabelSelector, NetworkPolicyPeer, NetworkPolicyPort } from "../../model/k8s.js";
import { isEmptyLabelSelector, selectorToString } from "../../model/selectors.js";
import type { DirectionVerdict, PolicyRef, RuleRef, ServiceVerdict, Verdict } from "./types.js";

export function formatPolicy(ref: PolicyRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function formatSelector(selector: LabelSelector): string {
  return isEmptyLabelSelector(selector) ? "{}" : `{${selectorToString(selector)}}`;
}

/** `podSelector {app=web} in prod`, `namespaceSelector {} (all namespaces)`, `ipBlock 10.0.0.0/8 except 10.1.0.0/16`… */
export function describePeer(peer: NetworkPolicyPeer, policyNamespace: string): string {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except ?? [];
    return `ipBlock ${peer.ipBlock.cidr}${except.length ? ` except ${except.join(", ")}` : ""}`;
  }
  if (peer.namespaceSelector != null) {
    const ns = isEmptyLabelSelector(peer.namespaceSelector)
      ? "namespaceSelector {} (all namespaces)"
      : `namespaceSelector ${formatSelector(peer.namespaceSelector)}`;
    return peer.podSelector != null ? `${ns} AND podSelector ${formatSelector(peer.podSelector)}` : ns;
  }
  if (peer.podSelector != null) return `podSelector ${formatSelector(peer.podSelector)} in ${policyNamespace}`;
  return "empty peer (invalid)";
}

function describePort(p: NetworkPolicyPort): string {
  const protocol = (p.protocol ?? "TCP").toUpperCase();
  if (p.port == null) return `all ${protocol} ports`;
  const range = typeof p.port === "number" && p.endPort != null ? `${p.port}-${p.endPort}` : String(p.port);
  return `${range}/${protocol}`;
}

export function describePorts(ports: readonly NetworkPolicyPort[] | null | undefined): string {
  return ports && ports.length ? ports.map(describePort).join(", ") : "all ports";
}

export function describeRule(rule: RuleRef): string {
  const where = rule.peerIndex === null ? `${rule.direction}[${rule.ruleIndex}]` : rule.path.replace(/^spec\./, "");
  return `${formatPolicy(rule.policy)} ${where} (${rule.peer}; ${rule.ports})`;
}

function describeDirection(d: DirectionVerdict, v: Verdict): string {
  const label = d.direction === "egress" ? `egress from ${v.from.display}` : `ingress to ${v.to.display}`;
  const isolatedBy = `isolated by ${d.selectingPolicies.map(formatPolicy).join(", ")}`;
  switch (d.reason) {
    case "not-governed":
      return `${label}: not governed by NetworkPolicy (${d.subject})`;
    case "not-isolated":
      return `${label}: no policy selects ${d.subject} for ${d.direction}, so all ${d.direction} is allowed`;
    case "local-node":
      return `${label}: ${isolatedBy}; allowed because the source is the destination's own node (always admitted)`;
    case "admitted":
      return `${label}: ${isolatedBy}; admitted by ${d.admittedBy.map(describeRule).join(" and by ")}`;
    case "no-rule-admits": {
      const misses = d.nearMisses.map((m) => `${describeRule(m.rule)}: ${m.detail}`);
      return `${label}: ${isolatedBy}; no rule admits it${misses.length ? ` (closest: ${misses.join("; ")})` : ""}`;
    }
  }
}

/** The verdict as a chain of reasons, one line each: outcome, egress side, ingress side, notes. */
export function explainVerdict(v: Verdict): string[] {
  const port = `${v.portName ? `${v.portName} (${v.port})` : v.port}/${v.protocol}`;
  return [
    `${v.allowed ? "ALLOWED" : "DENIED"}: ${v.from.display} -> ${v.to.display} on ${port}`,
    describeDirection(v.egress, v),
    describeDirection(v.ingress, v),
    ...v.notes.map((n) => `note: ${n.message}`),
  ];
}

export function explainServiceVerdict(v: ServiceVerdict): string[] {
  const sp = v.servicePort;
  const head = `${v.allowed ? "ALLOWED" : "DENIED"}: Service ${v.service.namespace}/${v.service.name} port ${sp.name ? `${sp.name} ` : ""}${sp.port}/${sp.protocol} -> targetPort ${sp.targetPort}: ${v.allowedBackends}/${v.backends.length} backends admit the connection`;
  const lines = [head];
  for (const b of v.backends) {
    if (b.verdict === null) lines.push(`  ${b.pod.namespace}/${b.pod.name}: targetPort ${sp.targetPort} is not a port of this pod`);
    else lines.push(...explainVerdict(b.verdict).map((l) => `  ${l}`));
  }
  lines.push(...v.notes.map((n) => `note: ${n.message}`));
  return lines;
}
