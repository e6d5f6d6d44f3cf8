/**
 * What is wrong with one NetworkPolicy on its own terms, read against the
 * cluster's pods and namespaces: a podSelector that selects nothing, a
 * namespaceSelector that matches no namespace, peers whose AND/OR reading
 * contradicts the pods that exist, and ports the destination pods do not
 * serve. Each check is conservative: it speaks only when the objects in the
 * snapshot contradict the policy, never on style.
 */
import type { LabelSelector, NetworkPolicyPeer, NetworkPolicyPort, Pod } from "../../model/k8s.js";
import type { ClusterModel } from "../../model/model.js";
import { type LabelMismatch, type Labels, isEmptyLabelSelector, isNearMissValue, matchesLabelSelector, nearestByLabels, selectorToString } from "../../model/selectors.js";
import { podRef } from "../../model/pods.js";
import type { Evidence, ObjectRef } from "../../types/evidence.js";
import { NAMESPACE_NAME_LABEL, describePeer, describePorts, type CompiledPolicy, type CompiledRule, type PolicyIndex } from "../netpol/index.js";
import { resolveNamedPort, toProtocol, type ContainerPortInfo } from "../netpol/ports.js";

export interface SelectorProblem {
  mismatch: LabelMismatch | null;
  nearestPods: ObjectRef[];
  /** The nearest pods' labels for the selector's keys, e.g. `app=web`. */
  nearestLabels: string[];
}

function workloadTemplatesMatch(model: ClusterModel, namespace: string, selector: LabelSelector): boolean {
  const workloads = [...model.resources.deployments, ...model.resources.statefulsets, ...model.resources.daemonsets];
  return workloads.some((w) => (w.metadata.namespace ?? "default") === namespace && matchesLabelSelector(selector, w.spec.template?.metadata?.labels ?? {}));
}

/**
 * A non-empty podSelector that selects no pod of a namespace that has pods,
 * and no workload template either (a Deployment scaled to zero is no typo).
 * Returns null when the selector matches or the check does not apply.
 */
export function selectorMatchesNothing(model: ClusterModel, namespace: string, selector: LabelSelector): SelectorProblem | null {
  if (isEmptyLabelSelector(selector)) return null;
  const pods = model.podsInNamespace(namespace);
  if (pods.length === 0) return null;
  if (pods.some((p) => matchesLabelSelector(selector, p.metadata.labels))) return null;
  if (workloadTemplatesMatch(model, namespace, selector)) return null;
  const wanted = selector.matchLabels ?? {};
  const { items: nearest, mismatch } = nearestByLabels(pods, wanted);
  const keys = [...Object.keys(wanted), ...(selector.matchExpressions ?? []).map((e) => e.key)];
  const nearestLabels = [...new Set(nearest.flatMap((p) => keys.filter((k) => Object.hasOwn(p.metadata.labels, k)).map((k) => `${k}=${p.metadata.labels[k]}`)))];
  return {
    mismatch,
    nearestPods: nearest.slice(0, 3).map(podRef),
    nearestLabels: nearestLabels.slice(0, 5),
  };
}

export interface LintFinding {
  text: string;
  evidence: Evidence;
}

function peerPath(rule: CompiledRule, peerIndex: number): string {
  return `${rule.path}.${rule.direction === "ingress" ? "from" : "to"}[${peerIndex}]`;
}

/** Namespace labels as the index knows them (every namespace carries kubernetes.io/metadata.name). */
function namespacesWith(index: PolicyIndex): Array<[string, Labels]> {
  return [...index.namespaceLabels].filter(([name]) => !index.unknownNamespaces.has(name));
}

/** What the author of a namespaceSelector that matches nothing most likely meant. */
function namespaceSuggestion(index: PolicyIndex, selector: LabelSelector): string | null {
  const namespaces = namespacesWith(index);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (key !== NAMESPACE_NAME_LABEL && namespaces.some(([name]) => name === value)) {
      return `namespace ${value} exists but has no label ${key}=${value}: select it with ${NAMESPACE_NAME_LABEL}: ${value} (set on every namespace by the API server)`;
    }
    const carriers = namespaces.filter(([, labels]) => Object.hasOwn(labels, key));
    const close = carriers.find(([, labels]) => isNearMissValue(value, labels[key]!));
    if (close) return `namespace ${close[0]} carries ${key}=${close[1][key]}, not ${key}=${value}`;
    if (key === NAMESPACE_NAME_LABEL) {
      const named = namespaces.find(([name]) => isNearMissValue(value, name));
      if (named) return `no namespace is named ${value}; did you mean ${named[0]}?`;
    }
  }
  return null;
}

/** namespaceSelectors (in effective rules) that match no namespace of the snapshot. */
export function unmatchedNamespaceSelectors(model: ClusterModel, index: PolicyIndex, policy: CompiledPolicy): { findings: LintFinding[]; suggested: number } {
  const findings: LintFinding[] = [];
  let suggested = 0;
  for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
    for (const peer of rule.peers) {
      const selector = peer.peer.namespaceSelector;
      if (selector == null || isEmptyLabelSelector(selector) || peer.namespaces.length > 0) continue;
      const path = peerPath(rule, peer.index);
      const suggestion = namespaceSuggestion(index, selector);
      if (suggestion) suggested++;
      const text = `${path}: namespaceSelector {${selectorToString(selector)}} matches no namespace${suggestion ? ` (${suggestion})` : ""}`;
      findings.push({ text, evidence: model.evidence(policy.policy, path, `${describePeer(peer.peer, policy.ref.namespace)}: matches no namespace`) });
    }
  }
  return { findings, suggested };
}

/** Namespaces among `namespaces` holding a pod (any network, any phase) whose labels match `selector`. */
function namespacesWithMatchingPods(model: ClusterModel, namespaces: readonly string[], selector: LabelSelector): string[] {
  return namespaces.filter((ns) => model.podsInNamespace(ns).some((p) => matchesLabelSelector(selector, p.metadata.labels)));
}

function isBareNamespacePeer(p: NetworkPolicyPeer): boolean {
  return p.namespaceSelector != null && p.podSelector == null && p.ipBlock == null;
}

function isBarePodPeer(p: NetworkPolicyPeer): boolean {
  return p.podSelector != null && p.namespaceSelector == null && p.ipBlock == null;
}

export interface PeerConfusion extends LintFinding {
  kind: "or-meant-and" | "and-meant-or";
}

/**
 * Peers whose AND/OR reading the pods contradict:
 *  - OR where AND was meant: a bare namespaceSelector peer next to a bare
 *    podSelector peer, where the podSelector matches no pod of the policy's
 *    namespace but does match pods in the selected namespaces (so it only
 *    makes sense inside them) — as written, every pod of those namespaces is
 *    admitted; or where the namespaceSelector covers the policy's own
 *    namespace, making the podSelector peer redundant;
 *  - AND where OR was meant: one peer with both selectors that matches no pod,
 *    while its podSelector matches pods of the policy's own namespace only
 *    (outside the selected namespaces) and the namespaceSelector matches
 *    namespaces that have pods.
 */
export function peerConfusions(model: ClusterModel, policy: CompiledPolicy): PeerConfusion[] {
  const out: PeerConfusion[] = [];
  const own = policy.ref.namespace;
  for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
    const nsPeers = rule.peers.filter((p) => isBareNamespacePeer(p.peer) && p.namespaces.length > 0);
    const podPeers = rule.peers.filter((p) => isBarePodPeer(p.peer) && !isEmptyLabelSelector(p.peer.podSelector));
    for (const ns of nsPeers) {
      for (const pod of podPeers) {
        const podSelector = pod.peer.podSelector!;
        const inOwn = namespacesWithMatchingPods(model, [own], podSelector).length > 0;
        const elsewhere = namespacesWithMatchingPods(model, ns.namespaces.filter((n) => n !== own), podSelector);
        const ownSelected = ns.namespaces.includes(own);
        if (!(!inOwn && elsewhere.length > 0) && !ownSelected) continue;
        const nsText = describePeer(ns.peer, own);
        const podText = `podSelector {${selectorToString(podSelector)}}`;
        const effect = ownSelected
          ? `${peerPath(rule, pod.index)} is redundant: ${peerPath(rule, ns.index)} (${nsText}) already admits every pod of ${ns.namespaces.length > 3 ? `${ns.namespaces.length} namespaces` : ns.namespaces.join(", ")}, including ${own}`
          : `${podText} matches no pod in ${own} but matches pods in ${elsewhere.join(", ")}; as two peers (OR) the rule admits every pod of ${ns.namespaces.join(", ")}`;
        out.push({
          kind: "or-meant-and",
          text: `${rule.path}: ${effect}. One peer with both selectors (AND) would admit only the ${podText} pods of those namespaces`,
          evidence: model.evidence(policy.policy, `${rule.path}.${rule.direction === "ingress" ? "from" : "to"}`, `${peerPath(rule, ns.index)}: ${nsText} OR ${peerPath(rule, pod.index)}: ${podText} in ${own}`),
        });
      }
    }
    for (const peer of rule.peers) {
      const p = peer.peer;
      if (p.namespaceSelector == null || p.podSelector == null || p.ipBlock != null) continue;
      const matchesPods = namespacesWithMatchingPods(model, peer.namespaces, p.podSelector).length > 0;
      if (matchesPods || peer.namespaces.includes(own)) continue;
      const nsHavePods = peer.namespaces.some((n) => model.podsInNamespace(n).length > 0);
      const ownMatches = namespacesWithMatchingPods(model, [own], p.podSelector).length > 0;
      if (!nsHavePods || !ownMatches) continue;
      const path = peerPath(rule, peer.index);
      out.push({
        kind: "and-meant-or",
        text: `${path}: namespaceSelector {${selectorToString(p.namespaceSelector)}} AND podSelector {${selectorToString(p.podSelector)}} in one peer matches no pod: the podSelector's pods live in ${own}, which the namespaceSelector does not select. As two peers (OR) it would admit the pods of ${peer.namespaces.join(", ")} and the {${selectorToString(p.podSelector)}} pods of ${own}`,
        evidence: model.evidence(policy.policy, path, `${describePeer(p, own)}: matches no pod`),
      });
    }
  }
  return out;
}

function portText(entry: NetworkPolicyPort): string {
  return describePorts([entry]);
}

interface PortOwner {
  pod: Pod;
  ports: ContainerPortInfo[];
}

/** Does a pod serve this policy port entry? null when it cannot tell (numeric port, no ports declared). */
function serves(owner: PortOwner, entry: NetworkPolicyPort): boolean | null {
  const protocol = toProtocol(entry.protocol);
  if (!protocol || entry.port == null) return true;
  if (typeof entry.port === "string") return resolveNamedPort(owner.ports, entry.port, protocol) !== null;
  if (owner.ports.length === 0) return null;
  const start = entry.port;
  const end = entry.endPort != null && entry.endPort >= start ? entry.endPort : start;
  return owner.ports.some((p) => p.protocol === protocol && p.port >= start && p.port <= end);
}

/** Service ports whose port number is the entry's while their targetPort on these pods differs: the classic mix-up. */
function servicePortHint(model: ClusterModel, namespace: string, owners: readonly PortOwner[], entry: NetworkPolicyPort): string {
  if (typeof entry.port !== "number") return "";
  const protocol = toProtocol(entry.protocol) ?? "TCP";
  for (const svc of model.resources.services) {
    if ((svc.metadata.namespace ?? "default") !== namespace || !svc.spec.selector) continue;
    const selector = svc.spec.selector;
    const backends = owners.filter((o) => Object.entries(selector).every(([k, v]) => o.pod.metadata.labels[k] === v));
    if (backends.length === 0) continue;
    for (const sp of svc.spec.ports ?? []) {
      if (sp.port !== entry.port || (toProtocol(sp.protocol) ?? "TCP") !== protocol) continue;
      const target: number | string = sp.targetPort ?? sp.port;
      const resolved: number | null = typeof target === "number" ? target : resolveNamedPort(backends[0]!.ports, target, protocol);
      if (resolved !== null && resolved !== entry.port) {
        return `; ${entry.port} is the port of Service ${namespace}/${svc.metadata.name}, whose targetPort is ${resolved}: policies see the pod port after kube-proxy's DNAT`;
      }
    }
  }
  return "";
}

/**
 * Rule ports the destination pods do not serve: for ingress rules the pods
 * the policy selects, for egress rules the pods the rule's selector peers
 * match (rules with ipBlock or no peers go outside too and are not checked).
 * A named port must resolve (by name and protocol) on at least one
 * destination pod; a number is checked only against pods that declare ports.
 */
export function portMismatches(model: ClusterModel, index: PolicyIndex, policy: CompiledPolicy): Array<LintFinding & { named: boolean }> {
  const out: Array<LintFinding & { named: boolean }> = [];
  const owners = (classIds: Iterable<number>): PortOwner[] => {
    const list: PortOwner[] = [];
    for (const id of classIds) for (const i of index.classes[id]!.pods) list.push({ pod: index.pods[i]!.pod, ports: index.pods[i]!.ports });
    return list;
  };
  const selected = owners(policy.selected.ids());
  for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
    if (rule.ports.length === 0) continue;
    let destinations: PortOwner[];
    if (rule.direction === "ingress") destinations = selected;
    else {
      if (rule.peers.length === 0 || rule.peers.some((p) => !p.classes)) continue;
      const ids = new Set<number>();
      for (const p of rule.peers) for (const id of p.classes!.ids()) ids.add(id);
      destinations = owners(ids);
    }
    if (destinations.length === 0) continue;
    rule.ports.forEach((entry, i) => {
      const verdicts = destinations.map((d) => serves(d, entry));
      if (verdicts.some((v) => v !== false)) return;
      const declared = [...new Set(destinations.flatMap((d) => d.ports.map((p) => `${p.name ? `${p.name}:` : ""}${p.port}/${p.protocol}`)))];
      const who = rule.direction === "ingress" ? "the pods it selects" : "the destination pods";
      const namespace = rule.direction === "ingress" ? policy.ref.namespace : destinations[0]!.pod.metadata.namespace ?? "default";
      const hint = servicePortHint(model, namespace, destinations, entry);
      const path = `${rule.path}.ports[${i}]`;
      out.push({
        named: typeof entry.port === "string",
        text: `${path}: ${portText(entry)} is not served by ${who} (${destinations.length === 1 ? destinations[0]!.pod.metadata.name : `${destinations.length} pods`} declare ${declared.join(", ") || "no ports"})${hint}`,
        evidence: model.evidence(policy.policy, path, `${rule.direction} rule port ${portText(entry)}; pods declare ${declared.join(", ") || "none"}`),
      });
    });
  }
  return out;
}
