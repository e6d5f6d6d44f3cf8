/**
 * NetworkPolicy (networking.k8s.io/v1) evaluator: may A open a connection to
 * B on protocol/port P, and why.
 *
 * A connection needs both sides: the client's egress (policies selecting the
 * client with Egress in their policyTypes) and the server's ingress (policies
 * selecting the server with Ingress). On each side: a pod no such policy
 * selects is not isolated and allows everything; an isolated pod allows what
 * at least one rule of at least one selecting policy admits (allow lists are
 * unions, there is no deny). A rule admits when one of its peers matches the
 * other end (no peers = any) and one of its ports matches (no ports = any).
 *
 * What policy cannot see, the verdict says in notes instead of guessing:
 * host-network pods (outside policy in most CNIs; traffic from a pod's own
 * node is always admitted), ipBlock peers that match pod IPs (CNIs differ),
 * loopback, and CNI-specific policy objects that are not evaluated here.
 */
import type { Service } from "../../model/k8s.js";
import { type Labels, matchesServiceSelector } from "../../model/selectors.js";
import { ClassSet, type IndexedPod, type PodClass, buildClasses } from "./classes.js";
import { type IpAddress, compareIp, formatIp, parseIp } from "../../model/cidr.js";
import { type IpBlock, formatIpBlock, ipBlockContains, ipBlockRanges } from "./ip-block.js";
import { describePeer, describePorts, formatPolicy } from "./explain.js";
import { type CompiledPeer, type CompiledPolicy, type CompiledRule, type Direction, PolicyCompiler } from "./policies.js";
import { type ContainerPortInfo, PortSet, type Protocol, matchRulePorts, resolveNamedPort, rulePortSet, toProtocol } from "./ports.js";
import type {
  DirectionVerdict, EndpointRef, NearMiss, Note, NoteCode, PolicyInput, PortQuery, ResolvedEndpoint, RuleRef,
  ServiceRef, ServiceVerdict, Verdict,
} from "./types.js";

/** Label the API server puts on every namespace (immutable, since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface PolicyIndex {
  readonly pods: readonly IndexedPod[];
  readonly classes: readonly PodClass[];
  readonly policies: readonly CompiledPolicy[];
  /** Labels per namespace, with `kubernetes.io/metadata.name` always present. */
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** Namespaces that pods or policies live in but that the input did not contain (labels unknown). */
  readonly unknownNamespaces: ReadonlySet<string>;
  readonly services: readonly Service[];
  readonly cniPolicyKinds: readonly string[];
  /** Classes of pods on the pod network (not host-network): the possible in-cluster clients. */
  readonly podNetworkClasses: ClassSet;
  /** Index-wide notes: policy objects not evaluated, unknown namespaces, invalid peers. */
  readonly notes: readonly Note[];
  readonly podByRef: ReadonlyMap<string, IndexedPod>;
  readonly podsByIp: ReadonlyMap<string, readonly IndexedPod[]>;
}

const ipKey = (ip: IpAddress): string => `${ip.family}:${ip.value.toString(16)}`;
const podKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * Pods sorted by IP, to find the pods inside an ipBlock by binary search over
 * its address ranges instead of scanning every pod; identical blocks (common:
 * `0.0.0.0/0` except the private ranges) are looked up once. Host-network
 * pods carry their node's IP, so node addresses count as known too.
 */
function ipBlockLookup(pods: readonly IndexedPod[]): (block: IpBlock) => { pods: number[]; hasExternalAddresses: boolean } {
  const sorted = pods.flatMap((p) => p.ips.map((ip) => ({ ip, pod: p.index }))).sort((a, b) => compareIp(a.ip, b.ip));
  const memo = new Map<string, { pods: number[]; hasExternalAddresses: boolean }>();
  const lowerBound = (family: number, value: bigint): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = sorted[mid]!.ip;
      if (e.family < family || (e.family === family && e.value < value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (block) => {
    const key = formatIpBlock(block);
    let hit = memo.get(key);
    if (hit) return hit;
    const found = new Set<number>();
    let hasExternalAddresses = false;
    for (const [first, last] of ipBlockRanges(block)) {
      let knownAddresses = 0n;
      let previous: bigint | null = null;
      for (let i = lowerBound(block.cidr.family, first); i < sorted.length; i++) {
        const e = sorted[i]!;
        if (e.ip.family !== block.cidr.family || e.ip.value > last) break;
        found.add(e.pod);
        if (e.ip.value !== previous) knownAddresses++;
        previous = e.ip.value;
      }
      hasExternalAddresses ||= knownAddresses < last - first + 1n;
    }
    hit = { pods: [...found], hasExternalAddresses };
    memo.set(key, hit);
    return hit;
  };
}

export function buildPolicyIndex(input: PolicyInput): PolicyIndex {
  const { pods, classes } = buildClasses(input.pods);
  const notes: Note[] = [];

  const namespaceLabels = new Map<string, Labels>();
  for (const ns of input.namespaces) {
    // Synthesised only for objects that predate the label: every live namespace carries it.
    namespaceLabels.set(ns.metadata.name, { [NAMESPACE_NAME_LABEL]: ns.metadata.name, ...ns.metadata.labels });
  }
  const unknownNamespaces = new Set<string>();
  const used = [...pods.map((p) => p.namespace), ...input.policies.map((p) => p.metadata.namespace ?? "default")];
  for (const name of used) {
    if (namespaceLabels.has(name)) continue;
    namespaceLabels.set(name, { [NAMESPACE_NAME_LABEL]: name });
    unknownNamespaces.add(name);
  }
  if (unknownNamespaces.size) {
    notes.push(note("namespace-unknown", `namespaces ${[...unknownNamespaces].sort().join(", ")} are not in the input: only their ${NAMESPACE_NAME_LABEL} label is known, so namespaceSelectors on other labels cannot match them`));
  }

  const classesByNamespace = new Map<string, PodClass[]>();
  for (const cls of classes) {
    const list = classesByNamespace.get(cls.namespace) ?? [];
    list.push(cls);
    classesByNamespace.set(cls.namespace, list);
  }

  const compiler = new PolicyCompiler({ classes, classesByNamespace, namespaceLabels, podsInIpBlock: ipBlockLookup(pods) });
  const policies = input.policies.map((p, id) => compiler.compile(p, id));
  for (const policy of policies) {
    for (const classId of policy.selected.ids()) {
      if (policy.ingress) classes[classId]!.ingressPolicies.push(policy.id);
      if (policy.egress) classes[classId]!.egressPolicies.push(policy.id);
    }
    for (const rule of [...policy.ingressRules, ...policy.egressRules]) {
      for (const peer of rule.peers) {
        if (peer.problem) notes.push(note("invalid-peer", `${formatPolicy(policy.ref)} ${rule.path}.${rule.direction === "ingress" ? "from" : "to"}[${peer.index}]: ${peer.problem}`));
      }
    }
  }

  const cniPolicyKinds = [...new Set(input.cniPolicyKinds ?? [])];
  if (cniPolicyKinds.length) notes.unshift(cniNote(cniPolicyKinds));

  const podByRef = new Map(pods.map((p) => [podKey(p.namespace, p.name), p]));
  const podsByIp = new Map<string, IndexedPod[]>();
  for (const p of pods) {
    for (const ip of p.ips) {
      const list = podsByIp.get(ipKey(ip)) ?? [];
      list.push(p);
      podsByIp.set(ipKey(ip), list);
    }
  }

  return {
    pods,
    classes,
    policies,
    namespaceLabels,
    unknownNamespaces,
    services: input.services ?? [],
    cniPolicyKinds,
    podNetworkClasses: ClassSet.of(classes.length, classes.filter((c) => !c.hostNetwork).map((c) => c.id)),
    notes,
    podByRef,
    podsByIp,
  };
}

function note(code: NoteCode, message: string): Note {
  return { code, message };
}

function cniNote(kinds: readonly string[]): Note {
  return note("cni-policy-kinds", `${kinds.join(", ")} objects are present: they also filter traffic and are not evaluated here, so this verdict covers networking.k8s.io/v1 NetworkPolicy only`);
}

/** One end of a connection, resolved against the index. */
type Party =
  | { kind: "pod"; pod: IndexedPod; cls: PodClass }
  | { kind: "external" | "node"; ips: IpAddress[]; text: string };

function resolveParty(index: PolicyIndex, ref: EndpointRef, notes: Note[]): Party {
  if ("ip" in ref) {
    const ip = parseIp(ref.ip);
    if (!ip) throw new Error(`"${ref.ip}" is not an IP address`);
    const owners = index.podsByIp.get(ipKey(ip)) ?? [];
    const podOwner = owners.find((p) => !p.hostNetwork);
    if (podOwner) {
      notes.push(note("ip-is-pod", `${ref.ip} is the IP of pod ${podOwner.namespace}/${podOwner.name}; evaluated as that pod`));
      return { kind: "pod", pod: podOwner, cls: index.classes[podOwner.classId]! };
    }
    if (owners.length) {
      notes.push(note("ip-is-node", `${ref.ip} is the node address of host-network pods (${owners.map((p) => `${p.namespace}/${p.name}`).join(", ")}); evaluated as a node IP`));
      return { kind: "node", ips: [ip], text: ref.ip };
    }
    return { kind: "external", ips: [ip], text: ref.ip };
  }
  const pod = index.podByRef.get(podKey(ref.namespace, ref.name));
  if (!pod) throw new Error(`pod ${ref.namespace}/${ref.name} is not in the snapshot (or has terminated)`);
  return { kind: "pod", pod, cls: index.classes[pod.classId]! };
}

function describeParty(party: Party): ResolvedEndpoint {
  if (party.kind !== "pod") return { kind: party.kind, display: party.text, ip: party.text };
  const { pod, cls } = party;
  return {
    kind: "pod",
    display: `${pod.namespace}/${pod.name}`,
    pod: { namespace: pod.namespace, name: pod.name },
    namespace: pod.namespace,
    labels: cls.labels,
    ...(pod.ips[0] ? { ip: formatIp(pod.ips[0]) } : {}),
    ...(pod.hostNetwork ? { hostNetwork: true } : {}),
  };
}

/** A party's addresses as ipBlock peers see them (a host-network pod shows its node's). */
function partyIps(party: Party): IpAddress[] {
  return party.kind === "pod" ? party.pod.ips : party.ips;
}

/** Whether a party is a pod that NetworkPolicy governs (on the pod network). */
function isPolicyPod(party: Party): party is Extract<Party, { kind: "pod" }> {
  return party.kind === "pod" && !party.pod.hostNetwork;
}

/** Named container ports of the destination, or null when named ports cannot apply to it. */
function destinationNamedPorts(party: Party): readonly ContainerPortInfo[] | null {
  return isPolicyPod(party) ? party.cls.namedPorts : null;
}

interface PeerMatch {
  matched: boolean;
  peerIndex: number | null;
  peer?: CompiledPeer;
}

function matchPeers(rule: CompiledRule, other: Party): PeerMatch {
  if (rule.peers.length === 0) return { matched: true, peerIndex: null };
  for (const peer of rule.peers) {
    if (peer.classes) {
      if (isPolicyPod(other) && peer.classes.has(other.cls.id)) return { matched: true, peerIndex: peer.index, peer };
    } else if (peer.ipBlock) {
      const block = peer.ipBlock;
      if (partyIps(other).some((ip) => ipBlockContains(block, ip))) return { matched: true, peerIndex: peer.index, peer };
    }
  }
  return { matched: false, peerIndex: null };
}

function ruleRef(policy: CompiledPolicy, rule: CompiledRule, peerIndex: number | null, portIndex: number | null): RuleRef {
  const list = rule.direction === "ingress" ? "from" : "to";
  const peer = peerIndex === null ? undefined : rule.peers[peerIndex];
  return {
    policy: policy.ref,
    direction: rule.direction,
    ruleIndex: rule.index,
    peerIndex,
    portIndex,
    path: peerIndex === null ? rule.path : `${rule.path}.${list}[${peerIndex}]`,
    peer: peer ? describePeer(peer.peer, policy.ref.namespace) : rule.peers.length ? `${list}: ${rule.peers.map((p) => describePeer(p.peer, policy.ref.namespace)).join(" OR ")}` : "any peer",
    ports: describePorts(rule.ports),
    peerKind: peer ? peer.kind : "any",
  };
}

interface Connection {
  src: Party;
  dst: Party;
  protocol: Protocol;
  port: number;
}

/** Evaluates one direction: the egress of `src`, or the ingress of `dst`. */
function evaluateDirection(index: PolicyIndex, direction: Direction, c: Connection, notes: Note[]): DirectionVerdict {
  const subjectParty = direction === "egress" ? c.src : c.dst;
  const other = direction === "egress" ? c.dst : c.src;
  const base = { direction, selectingPolicies: [], admittedBy: [], nearMisses: [] };

  if (subjectParty.kind !== "pod") {
    const subject = subjectParty.kind === "node" ? `${subjectParty.text} is a node address` : `${subjectParty.text} is outside the cluster`;
    return { ...base, subject, governed: false, isolated: false, allowed: true, reason: "not-governed" };
  }
  const subject = `${subjectParty.pod.namespace}/${subjectParty.pod.name}`;
  if (subjectParty.pod.hostNetwork) {
    notes.push(direction === "egress"
      ? note("host-network-source", `${subject} uses the host network: NetworkPolicy does not apply to its egress in most CNIs, and peers see it as its node's IP (selectors never match it)`)
      : note("host-network-destination", `${subject} uses the host network: NetworkPolicy does not apply to its ingress in most CNIs (traffic goes to the node)`));
    return { ...base, subject: `${subject} (host network)`, governed: false, isolated: false, allowed: true, reason: "not-governed" };
  }

  const policyIds = direction === "egress" ? subjectParty.cls.egressPolicies : subjectParty.cls.ingressPolicies;
  if (policyIds.length === 0) return { ...base, subject, governed: true, isolated: false, allowed: true, reason: "not-isolated" };

  const destPorts = destinationNamedPorts(c.dst);
  const admittedBy: RuleRef[] = [];
  const nearMisses: NearMiss[] = [];
  const selectingPolicies = policyIds.map((id) => index.policies[id]!.ref);
  for (const id of policyIds) {
    const policy = index.policies[id]!;
    for (const rule of direction === "egress" ? policy.egressRules : policy.ingressRules) {
      const ports = matchRulePorts(rule.ports, c.protocol, c.port, destPorts);
      const peers = matchPeers(rule, other);
      if (peers.matched) {
        for (const name of ports.namesOnNonPod) {
          notes.push(note("named-port-not-pod", `${formatPolicy(policy.ref)} ${rule.path} names port "${name}", which cannot match ${describeParty(c.dst).display}: named ports resolve only on destination pods`));
        }
        for (const name of ports.unresolvedNames) {
          notes.push(note("named-port-unresolved", `${formatPolicy(policy.ref)} ${rule.path} names port "${name}"/${c.protocol}, which ${describeParty(c.dst).display} does not declare`));
        }
        if (ports.matched && peers.peer?.ipBlock && isPolicyPod(other)) {
          notes.push(note("ipblock-matches-pod-ip", `${formatPolicy(policy.ref)} ${rule.path} matches pod ${other.pod.namespace}/${other.pod.name} through ipBlock ${peers.peer.ipBlock.cidr.text}: ipBlock is meant for cluster-external IPs; Calico and the upstream e2e tests apply it to pod IPs, Cilium does not`));
        }
      }
      if (peers.matched && ports.matched) {
        admittedBy.push(ruleRef(policy, rule, peers.peerIndex, ports.index));
      } else if (peers.matched) {
        nearMisses.push({ rule: ruleRef(policy, rule, peers.peerIndex, null), kind: "peer-only", detail: `the peer matches but the rule admits only ${describePorts(rule.ports)}` });
      } else if (ports.matched && rule.peers.length > 0) {
        nearMisses.push({ rule: ruleRef(policy, rule, null, ports.index), kind: "port-only", detail: `the port matches but no peer matches ${describeParty(other).display}` });
      }
    }
  }
  if (admittedBy.length) return { ...base, subject, governed: true, isolated: true, selectingPolicies, admittedBy, allowed: true, reason: "admitted" };
  if (direction === "ingress" && other.kind === "pod" && other.pod.hostNetwork && other.pod.nodeName && other.pod.nodeName === subjectParty.pod.nodeName) {
    notes.push(note("local-node", `${other.pod.namespace}/${other.pod.name} runs on ${other.pod.nodeName}, the destination's node: traffic from a pod's own node is always admitted (kubelet probes rely on it)`));
    return { ...base, subject, governed: true, isolated: true, selectingPolicies, nearMisses, allowed: true, reason: "local-node" };
  }
  if (other.kind === "pod" && other.pod.ips.length === 0 && policyIds.some((id) => hasIpBlockPeer(direction === "egress" ? index.policies[id]!.egressRules : index.policies[id]!.ingressRules))) {
    notes.push(note("pod-without-ip", `${other.pod.namespace}/${other.pod.name} has no IP yet, so ipBlock peers could not be checked against it`));
  }
  return { ...base, subject, governed: true, isolated: true, selectingPolicies, nearMisses, allowed: false, reason: "no-rule-admits" };
}

function hasIpBlockPeer(rules: readonly CompiledRule[]): boolean {
  return rules.some((r) => r.peers.some((p) => p.ipBlock));
}

function dedupeNotes(notes: readonly Note[]): Note[] {
  const seen = new Set<string>();
  return notes.filter((n) => !seen.has(n.message) && seen.add(n.message) !== undefined);
}

function evaluateConnection(index: PolicyIndex, src: Party, dst: Party, protocol: Protocol, port: number, notes: Note[]): { allowed: boolean; egress: DirectionVerdict; ingress: DirectionVerdict } {
  const c: Connection = { src, dst, protocol, port };
  const egress = evaluateDirection(index, "egress", c, notes);
  const ingress = evaluateDirection(index, "ingress", c, notes);
  const loopback = src.kind === "pod" && dst.kind === "pod" && src.pod === dst.pod;
  if (loopback) {
    notes.push(note("loopback", `a pod connecting to itself stays inside its network namespace: no policy can filter it (Kubernetes e2e tests expect loopback allowed)`));
  }
  return { allowed: loopback || (egress.allowed && ingress.allowed), egress, ingress };
}

const OTHER_PROTOCOL: Partial<Record<Protocol, Protocol>> = { TCP: "UDP", UDP: "TCP" };

/**
 * May `from` open a connection to `to` on `port`? `port.port` may be a
 * container port name, resolved on the destination pod (an error when the
 * pod has no such port, like an unknown pod).
 */
export function canReach(index: PolicyIndex, from: EndpointRef, to: EndpointRef, port: PortQuery): Verdict {
  const notes: Note[] = [];
  const src = resolveParty(index, from, notes);
  const dst = resolveParty(index, to, notes);
  const protocol = port.protocol ?? "TCP";
  const portName = typeof port.port === "string" ? port.port : undefined;
  const number = typeof port.port === "number" ? port.port : dst.kind === "pod" ? resolveNamedPort(dst.pod.ports, port.port, protocol) : null;
  const fromEp = describeParty(src);
  const toEp = describeParty(dst);

  if (number === null) throw new Error(`${toEp.display} declares no container port named "${portName}" for ${protocol}`);

  const result = evaluateConnection(index, src, dst, protocol, number, notes);
  if (dst.kind === "pod" && dst.pod.ports.length > 0 && !dst.pod.ports.some((p) => p.port === number && p.protocol === protocol)) {
    notes.push(note("no-container-port", `${toEp.display} declares no containerPort ${number}/${protocol} (informational only: the connection may still work, or be refused)`));
  }
  const other = OTHER_PROTOCOL[protocol];
  if (!result.allowed && other && evaluateConnection(index, src, dst, other, number, []).allowed) {
    notes.push(note("other-protocol-allowed", `${number}/${other} would be allowed: only ${protocol} is blocked (a UDP-only allow still isolates TCP, e.g. DNS falling back to TCP)`));
  }
  return { allowed: result.allowed, from: fromEp, to: toEp, protocol, port: number, ...(portName ? { portName } : {}), egress: result.egress, ingress: result.ingress, notes: withIndexNotes(index, notes, src, dst) };
}

/** Adds the index-wide notes that concern this connection. */
function withIndexNotes(index: PolicyIndex, notes: Note[], src: Party, dst: Party): Note[] {
  const out = [...notes];
  if (index.cniPolicyKinds.length) out.unshift(cniNote(index.cniPolicyKinds));
  for (const party of [src, dst]) {
    if (party.kind === "pod" && index.unknownNamespaces.has(party.pod.namespace)) {
      out.push(note("namespace-unknown", `namespace ${party.pod.namespace} is not in the input: only its ${NAMESPACE_NAME_LABEL} label is known`));
    }
  }
  return dedupeNotes(out);
}

function findService(index: PolicyIndex, ref: ServiceRef): Service {
  const svc = index.services.find((s) => s.metadata.name === ref.name && (s.metadata.namespace ?? "default") === ref.namespace);
  if (!svc) throw new Error(`Service ${ref.namespace}/${ref.name} is not in the snapshot`);
  return svc;
}

/** The pods a Service selects (its would-be endpoints), ready or not. */
export function serviceBackends(index: PolicyIndex, svc: Service): IndexedPod[] {
  const ns = svc.metadata.namespace ?? "default";
  return index.pods.filter((p) => p.namespace === ns && matchesServiceSelector(svc.spec.selector, index.classes[p.classId]!.labels));
}

/** The targetPort of a Service port on one backend pod (a named targetPort resolves per pod). */
export function resolveTargetPort(pod: IndexedPod, targetPort: number | string, protocol: Protocol): number | null {
  return typeof targetPort === "number" ? targetPort : resolveNamedPort(pod.ports, targetPort, protocol);
}

/**
 * May `from` reach Service `service` on `servicePort` (its port number or
 * name)? Policies see the backend pod and its targetPort (after kube-proxy's
 * DNAT), so each backend is evaluated on its own resolved targetPort.
 */
export function canReachService(index: PolicyIndex, from: EndpointRef, service: ServiceRef, servicePort: number | string): ServiceVerdict {
  const svc = findService(index, service);
  const sp = (svc.spec.ports ?? []).find((p) => (typeof servicePort === "number" ? p.port === servicePort : p.name === servicePort));
  if (!sp) throw new Error(`Service ${service.namespace}/${service.name} has no port ${servicePort}`);
  const protocol = toProtocol(sp.protocol);
  if (!protocol) throw new Error(`Service ${service.namespace}/${service.name} port ${servicePort} has unknown protocol ${sp.protocol}`);
  const targetPort = sp.targetPort ?? sp.port;
  const notes: Note[] = [];
  const servicePortOut = { ...(sp.name ? { name: sp.name } : {}), port: sp.port, protocol, targetPort };

  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) {
    notes.push(note("service-without-selector", `Service ${service.namespace}/${service.name} has no selector: its endpoints are managed by hand and cannot be evaluated`));
    return { service, servicePort: servicePortOut, allowed: false, allowedBackends: 0, backends: [], notes };
  }

  const src = resolveParty(index, from, notes);
  const selected = serviceBackends(index, svc);
  notes.push(...serviceIpInEgressIpBlock(index, src, svc, selected));
  const backends = selected.map((pod) => {
    const resolved = resolveTargetPort(pod, targetPort, protocol);
    const podRef = { namespace: pod.namespace, name: pod.name };
    return { pod: podRef, targetPort: resolved, verdict: resolved === null ? null : canReach(index, from, podRef, { port: resolved, protocol }) };
  });
  const allowedBackends = backends.filter((b) => b.verdict?.allowed).length;
  return { service, servicePort: servicePortOut, allowed: allowedBackends > 0, allowedBackends, backends, notes: dedupeNotes(notes) };
}

/**
 * An egress ipBlock that holds the ClusterIP but none of the backends' IPs
 * looks like it admits the Service, and does not: policies see the backend
 * pod IP after DNAT.
 */
function serviceIpInEgressIpBlock(index: PolicyIndex, src: Party, svc: Service, backends: readonly IndexedPod[]): Note[] {
  if (!isPolicyPod(src)) return [];
  const ips = [...(svc.spec.clusterIPs ?? []), ...(svc.spec.clusterIP ? [svc.spec.clusterIP] : [])].map(parseIp).filter((ip): ip is IpAddress => ip !== null);
  const out: Note[] = [];
  for (const id of src.cls.egressPolicies) {
    const policy = index.policies[id]!;
    for (const rule of policy.egressRules) {
      for (const peer of rule.peers) {
        const block = peer.ipBlock;
        if (block && ips.some((ip) => ipBlockContains(block, ip)) && !backends.some((b) => b.ips.some((ip) => ipBlockContains(block, ip)))) {
          out.push(note("service-ip-in-ipblock", `${formatPolicy(policy.ref)} ${rule.path}.to[${peer.index}] (ipBlock ${block.cidr.text}) contains the ClusterIP of ${svc.metadata.namespace}/${svc.metadata.name}, but policies see the backend pod IP after DNAT, so it does not admit Service traffic`));
        }
      }
    }
  }
  return out;
}

/** The ports one side admits towards the other (all ports when that side is not isolated or not governed). */
function admittedPorts(index: PolicyIndex, direction: Direction, src: Party, dst: Party): PortSet {
  const subject = direction === "egress" ? src : dst;
  const other = direction === "egress" ? dst : src;
  if (!isPolicyPod(subject)) return PortSet.all();
  const ids = direction === "egress" ? subject.cls.egressPolicies : subject.cls.ingressPolicies;
  if (ids.length === 0) return PortSet.all();
  if (direction === "ingress" && other.kind === "pod" && other.pod.hostNetwork && other.pod.nodeName === subject.pod.nodeName && other.pod.nodeName) return PortSet.all();
  const destPorts = destinationNamedPorts(dst);
  let set = new PortSet();
  for (const id of ids) {
    const policy = index.policies[id]!;
    for (const rule of direction === "egress" ? policy.egressRules : policy.ingressRules) {
      if (matchPeers(rule, other).matched) set = set.union(rulePortSet(rule.ports, destPorts));
    }
  }
  return set;
}

/** Every protocol/port on which `from` may open a connection to `to` (the np-guard "connlist" view). */
export function allowedConnections(index: PolicyIndex, from: EndpointRef, to: EndpointRef): PortSet {
  const src = resolveParty(index, from, []);
  const dst = resolveParty(index, to, []);
  if (src.kind === "pod" && dst.kind === "pod" && src.pod === dst.pod) return PortSet.all();
  return admittedPorts(index, "egress", src, dst).intersect(admittedPorts(index, "ingress", src, dst));
}
