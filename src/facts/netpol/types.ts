/**
 * Public shapes of the NetworkPolicy evaluator: what a caller asks and the
 * structured verdicts it gets back. Verdicts carry enough to print a chain of
 * reasons (which policies isolate each side, which rule admits the
 * connection, quoted) and to cite evidence (policy + JSON path of the rule).
 */
import type { Namespace, NetworkPolicy, Pod, Service } from "../../model/k8s.js";
import type { Labels } from "../../model/selectors.js";
import type { Direction, PeerKind, PolicyRef } from "./policies.js";
import type { Protocol } from "./ports.js";

export type { Direction, PeerKind, PolicyRef, Protocol };

export interface PolicyInput {
  pods: readonly Pod[];
  namespaces: readonly Namespace[];
  policies: readonly NetworkPolicy[];
  services?: readonly Service[];
  /**
   * Kinds of CNI/admin policy objects present in the snapshot (e.g.
   * "CiliumNetworkPolicy", "GlobalNetworkPolicy", "AdminNetworkPolicy").
   * They also filter traffic but are not evaluated; every verdict says so.
   */
  cniPolicyKinds?: readonly string[];
}

export interface PodRef {
  namespace: string;
  name: string;
}

/** One end of a connection: a pod, or an IP address (outside the cluster, or a node). */
export type EndpointRef = PodRef | { ip: string };

export interface ServiceRef {
  namespace: string;
  name: string;
}

export interface PortQuery {
  /** Destination port number, or a container port name resolved on the destination pod. */
  port: number | string;
  /** Defaults to TCP. */
  protocol?: Protocol;
}

export type NoteCode =
  | "cni-policy-kinds"
  | "loopback"
  | "host-network-source"
  | "host-network-destination"
  | "local-node"
  | "ipblock-matches-pod-ip"
  | "named-port-not-pod"
  | "named-port-unresolved"
  | "no-container-port"
  | "other-protocol-allowed"
  | "ip-is-pod"
  | "ip-is-node"
  | "pod-without-ip"
  | "namespace-unknown"
  | "invalid-peer"
  | "service-ip-in-ipblock"
  | "service-without-selector";

export interface Note {
  code: NoteCode;
  message: string;
}

/** A rule that admits (or nearly admits) a connection, located precisely enough to quote it. */
export interface RuleRef {
  policy: PolicyRef;
  direction: Direction;
  ruleIndex: number;
  /** Index in `from`/`to` of the peer that matched; null when the rule lists no peers (all peers). */
  peerIndex: number | null;
  /** Index in `ports` of the entry that matched; null when the rule lists no ports (all ports). */
  portIndex: number | null;
  /** JSON path inside the policy, e.g. `spec.ingress[0].from[1]`. */
  path: string;
  /** Human-readable peer, e.g. `namespaceSelector {team=a} AND podSelector {app=web}`, or `any peer`. */
  peer: string;
  /** Human-readable ports of the rule, e.g. `5432/TCP, 53/UDP` or `all ports`. */
  ports: string;
  peerKind: PeerKind | "any";
}

export interface NearMiss {
  rule: RuleRef;
  /** peer-only: a peer matches but no port does; port-only: a port matches but no peer does. */
  kind: "peer-only" | "port-only";
  detail: string;
}

export type DirectionReason =
  /** NetworkPolicy does not govern this side (external endpoint, host-network pod). */
  | "not-governed"
  /** No policy selects the pod for this direction. */
  | "not-isolated"
  /** At least one rule of a selecting policy admits the connection. */
  | "admitted"
  /** Ingress from the destination pod's own node is always allowed. */
  | "local-node"
  /** Isolated, and no rule of the selecting policies admits the connection. */
  | "no-rule-admits";

export interface DirectionVerdict {
  direction: Direction;
  /** The pod whose policies this side evaluates (source for egress, destination for ingress). */
  subject: string;
  governed: boolean;
  isolated: boolean;
  selectingPolicies: PolicyRef[];
  admittedBy: RuleRef[];
  nearMisses: NearMiss[];
  allowed: boolean;
  reason: DirectionReason;
}

export interface ResolvedEndpoint {
  kind: "pod" | "external" | "node";
  /** `ns/name` for pods, the IP otherwise. */
  display: string;
  pod?: PodRef;
  namespace?: string;
  labels?: Labels;
  ip?: string;
  hostNetwork?: boolean;
}

export interface Verdict {
  allowed: boolean;
  from: ResolvedEndpoint;
  to: ResolvedEndpoint;
  protocol: Protocol;
  /** The numeric destination port evaluated (after named-port resolution). */
  port: number;
  /** The name the caller asked for, when the port was given by name. */
  portName?: string;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
  notes: Note[];
}

export interface BackendVerdict {
  pod: PodRef;
  /** targetPort resolved on this pod; null when a named targetPort does not exist on it. */
  targetPort: number | null;
  verdict: Verdict | null;
}

export interface ServiceVerdict {
  service: ServiceRef;
  servicePort: { name?: string; port: number; protocol: Protocol; targetPort: number | string };
  /** At least one backend admits the connection. */
  allowed: boolean;
  allowedBackends: number;
  backends: BackendVerdict[];
  notes: Note[];
}
