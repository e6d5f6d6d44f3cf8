/**
 * Compiles networking.k8s.io/v1 NetworkPolicies against the pod classes and
 * namespaces of one cluster: which classes each policy selects, and for each
 * rule peer the set of classes (or the ipBlock) it admits.
 *
 * Semantics encoded here (each one is pinned by a test in test/netpol):
 *  - `spec.podSelector` is a struct in the Go API, so an absent one is the
 *    empty selector: it selects every pod of the policy's namespace.
 *  - Effective `policyTypes`: as listed; when absent or empty, Ingress, plus
 *    Egress if the policy has at least one egress rule (`egress: []` does
 *    not count — SetDefaults_NetworkPolicy tests `len(spec.Egress) != 0`).
 *    Rules of a direction the policy does not list are ignored.
 *  - A peer's `podSelector`/`namespaceSelector` are pointers: absent means
 *    "not part of this peer". A bare podSelector selects pods of the policy's
 *    own namespace; a bare namespaceSelector selects every pod of the matching
 *    namespaces (`{}` = all namespaces); both together are ANDed. Separate
 *    peers are ORed.
 *  - Selector peers never match host-network pods: their traffic carries the
 *    node's IP, and most CNIs cannot tell it apart from other node traffic.
 */
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "../../model/k8s.js";
import { type Labels, matchesLabelSelector } from "../../model/selectors.js";
import { type IpBlock, parseIpBlock } from "./ip-block.js";
import { ClassSet, type PodClass } from "./classes.js";

export interface PolicyRef {
  namespace: string;
  name: string;
}

export type Direction = "ingress" | "egress";

export type PeerKind = "podSelector" | "namespaceSelector" | "namespaceAndPodSelector" | "ipBlock" | "invalid";

export interface CompiledPeer {
  index: number;
  kind: PeerKind;
  peer: NetworkPolicyPeer;
  /** Classes admitted by the selectors (never host-network classes); null for ipBlock and invalid peers. */
  classes: ClassSet | null;
  /** Namespaces in scope: those the namespaceSelector matched, or the policy's own for a bare podSelector. */
  namespaces: string[];
  ipBlock: IpBlock | null;
  /** Pods (indexes into PolicyIndex.pods) with an IP inside the ipBlock. */
  podHits: number[];
  /** The ipBlock holds addresses no pod or node of the snapshot has: clients outside the cluster. */
  hasExternalAddresses: boolean;
  /** Why the peer can match nothing: unparsable CIDR, empty peer. */
  problem?: string;
}

export interface CompiledRule {
  direction: Direction;
  index: number;
  /** Empty when `from`/`to` is absent or empty: the rule admits every peer, in-cluster or not. */
  peers: CompiledPeer[];
  /** Empty when `ports` is absent or empty: the rule admits every port and protocol. */
  ports: NetworkPolicyPort[];
  /** JSON path of the rule inside the policy, e.g. `spec.ingress[0]`. */
  path: string;
}

export interface CompiledPolicy {
  id: number;
  ref: PolicyRef;
  policy: NetworkPolicy;
  /** Effective policyTypes. */
  ingress: boolean;
  egress: boolean;
  /** True when policyTypes was absent and the defaulting rule decided it. */
  typesDefaulted: boolean;
  /** Pod-network classes the podSelector matches (host-network pods are outside policy). */
  selected: ClassSet;
  ingressRules: CompiledRule[];
  egressRules: CompiledRule[];
  /** Directions that carry rules but are not in the effective policyTypes (those rules have no effect). */
  ignoredDirections: Direction[];
}

export function effectivePolicyTypes(spec: NetworkPolicy["spec"]): { ingress: boolean; egress: boolean; defaulted: boolean } {
  const listed = spec.policyTypes ?? [];
  if (listed.length > 0) return { ingress: listed.includes("Ingress"), egress: listed.includes("Egress"), defaulted: false };
  return { ingress: true, egress: (spec.egress?.length ?? 0) > 0, defaulted: true };
}

export interface CompileContext {
  classes: readonly PodClass[];
  classesByNamespace: ReadonlyMap<string, readonly PodClass[]>;
  namespaceLabels: ReadonlyMap<string, Labels>;
  /** Pods whose IP lies in the block, and whether it also holds addresses that are no pod's or node's. */
  podsInIpBlock(block: IpBlock): { pods: number[]; hasExternalAddresses: boolean };
}

/** Order-insensitive text of a selector, to memoise selector evaluation. */
function selectorKey(selector: LabelSelector | null | undefined): string {
  if (selector == null) return "-";
  const labels = Object.entries(selector.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const exprs = (selector.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} ${[...(e.values ?? [])].sort().join(",")}`).sort();
  return JSON.stringify([labels, exprs]);
}

export class PolicyCompiler {
  private readonly selectionMemo = new Map<string, { classes: ClassSet; namespaces: string[] }>();
  private readonly namespaceMemo = new Map<string, string[]>();

  constructor(private readonly ctx: CompileContext) {}

  compile(policy: NetworkPolicy, id: number): CompiledPolicy {
    const namespace = policy.metadata.namespace ?? "default";
    const types = effectivePolicyTypes(policy.spec);
    const ref = { namespace, name: policy.metadata.name };
    const selected = this.select([namespace], policy.spec.podSelector ?? {}).classes;
    const ignoredDirections: Direction[] = [];
    if (!types.ingress && (policy.spec.ingress?.length ?? 0) > 0) ignoredDirections.push("ingress");
    if (!types.egress && (policy.spec.egress?.length ?? 0) > 0) ignoredDirections.push("egress");
    const ingressRules = types.ingress
      ? (policy.spec.ingress ?? []).map((r, i) => this.compileRule(namespace, "ingress", i, r.from, r.ports))
      : [];
    const egressRules = types.egress
      ? (policy.spec.egress ?? []).map((r, i) => this.compileRule(namespace, "egress", i, r.to, r.ports))
      : [];
    return { id, ref, policy, ingress: types.ingress, egress: types.egress, typesDefaulted: types.defaulted, selected, ingressRules, egressRules, ignoredDirections };
  }

  private compileRule(
    namespace: string,
    direction: Direction,
    index: number,
    peers: NetworkPolicyPeer[] | null | undefined,
    ports: NetworkPolicyPort[] | null | undefined,
  ): CompiledRule {
    return {
      direction,
      index,
      peers: (peers ?? []).map((p, i) => this.compilePeer(namespace, p, i)),
      ports: ports ?? [],
      path: `spec.${direction}[${index}]`,
    };
  }

  private compilePeer(namespace: string, peer: NetworkPolicyPeer, index: number): CompiledPeer {
    const base = { index, peer, classes: null, namespaces: [], ipBlock: null, podHits: [], hasExternalAddresses: false };
    if (peer.ipBlock) {
      const block = parseIpBlock(peer.ipBlock);
      if (!block) return { ...base, kind: "ipBlock", problem: `ipBlock.cidr "${peer.ipBlock.cidr}" is not a valid CIDR` };
      const problem = block.invalidExcept.length ? `except entries ${block.invalidExcept.join(", ")} are invalid or outside ${block.cidr.text} (ignored)` : undefined;
      const { pods, hasExternalAddresses } = this.ctx.podsInIpBlock(block);
      return { ...base, kind: "ipBlock", ipBlock: block, podHits: pods, hasExternalAddresses, ...(problem ? { problem } : {}) };
    }
    if (peer.namespaceSelector != null) {
      const namespaces = this.matchNamespaces(peer.namespaceSelector);
      const { classes } = this.select(namespaces, peer.podSelector ?? {}, selectorKey(peer.namespaceSelector));
      return { ...base, kind: peer.podSelector != null ? "namespaceAndPodSelector" : "namespaceSelector", classes, namespaces };
    }
    if (peer.podSelector != null) {
      const { classes } = this.select([namespace], peer.podSelector);
      return { ...base, kind: "podSelector", classes, namespaces: [namespace] };
    }
    return { ...base, kind: "invalid", problem: "peer sets none of podSelector, namespaceSelector, ipBlock (the API server rejects this)" };
  }

  private matchNamespaces(selector: LabelSelector): string[] {
    const key = selectorKey(selector);
    let hit = this.namespaceMemo.get(key);
    if (!hit) {
      hit = [...this.ctx.namespaceLabels].filter(([, labels]) => matchesLabelSelector(selector, labels)).map(([name]) => name);
      this.namespaceMemo.set(key, hit);
    }
    return hit;
  }

  /** Non-host-network classes of the given namespaces whose labels match `podSelector`. */
  private select(namespaces: string[], podSelector: LabelSelector, scopeKey = namespaces.join(",")): { classes: ClassSet; namespaces: string[] } {
    const key = `${scopeKey}\u0000${selectorKey(podSelector)}`;
    let hit = this.selectionMemo.get(key);
    if (!hit) {
      const classes = new ClassSet(this.ctx.classes.length);
      for (const ns of namespaces) {
        for (const cls of this.ctx.classesByNamespace.get(ns) ?? []) {
          if (!cls.hostNetwork && matchesLabelSelector(podSelector, cls.labels)) classes.add(cls.id);
        }
      }
      hit = { classes, namespaces };
      this.selectionMemo.set(key, hit);
    }
    return hit;
  }
}
