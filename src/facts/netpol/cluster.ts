/**
 * Whole-cluster reachability questions ("which Service backends may no
 * client reach?", "which pods have no DNS path?"), answered per pod class
 * with bitsets so the cost is about classes × rules, never pods².
 *
 * For a destination class B and a port P (resolved on B):
 *  - sources(B, P): the classes B's ingress admits (every pod-network class
 *    when B is not isolated), the pods an admitting ipBlock contains, and
 *    whether some external address is admitted;
 *  - admitters(B, P): the classes whose egress admits B on P — the classes no
 *    egress policy selects, plus the selected classes of every egress rule
 *    whose ports match P and whose peers contain B (or any destination).
 * A client class exists when sources ∩ admitters is not empty. ipBlock peers
 * are the only per-pod part (pod IPs differ inside a class) and are handled
 * per pod.
 *
 * "Clients" are pods on the pod network plus external addresses. Host-network
 * pods are not counted: traffic from a pod's own node is always admitted, so
 * counting them would make every backend look reachable.
 */
import type { Service } from "../../model/k8s.js";
import { matchesServiceSelector } from "../../model/selectors.js";
import { ClassSet, type IndexedPod, type PodClass } from "./classes.js";
import { type PolicyIndex, resolveTargetPort } from "./evaluator.js";
import type { CompiledPolicy, CompiledRule, PolicyRef } from "./policies.js";
import { type Protocol, matchRulePorts, toProtocol } from "./ports.js";
import type { Note, PodRef, ServiceRef } from "./types.js";

interface Sources {
  /** Pod-network classes the ingress admits through selectors or rules without peers. */
  classes: ClassSet;
  /** Pods admitted through an ipBlock that contains their IP. */
  ipBlockPods: number[];
  /** Some address that is no pod's or node's is admitted (a client outside the cluster). */
  external: boolean;
}

interface EgressRule {
  policy: CompiledPolicy;
  rule: CompiledRule;
}

/** The egress rules whose ipBlock peers contain a pod's IP; pods with the same key share answers. */
interface IpBlockSignature {
  key: string;
  rules: EgressRule[];
}

const NO_SIGNATURE: IpBlockSignature = { key: "", rules: [] };

/** Memoised sources/admitters per (class, protocol, port). */
class Reachability {
  private readonly egressRules: EgressRule[];
  private readonly signatureOf: (pod: number) => IpBlockSignature;
  private readonly notEgressIsolated: ClassSet;
  private readonly sourcesMemo = new Map<string, Sources>();
  private readonly admittersMemo = new Map<string, ClassSet>();
  private readonly clientMemo = new Map<string, { reachable: boolean; ingressAdmitsSomeone: boolean }>();

  constructor(readonly index: PolicyIndex) {
    this.egressRules = index.policies.flatMap((policy) => policy.egressRules.map((rule) => ({ policy, rule })));
    // Each pod's signature is interned by walking the rules in order: signature × rule -> signature.
    const sigOf = new Int32Array(index.pods.length);
    const stamp = new Int32Array(index.pods.length);
    const all: IpBlockSignature[] = [NO_SIGNATURE];
    const next = new Map<number, number>();
    for (const [i, er] of this.egressRules.entries()) {
      for (const peer of er.rule.peers) {
        for (const pod of peer.podHits) {
          if (stamp[pod] === i + 1) continue; // already counted through another peer of this rule
          stamp[pod] = i + 1;
          const from = sigOf[pod]!;
          const step = from * this.egressRules.length + i;
          let to = next.get(step);
          if (to === undefined) {
            to = all.length;
            const base = all[from]!;
            all.push({ key: base.key ? `${base.key},${i}` : `${i}`, rules: [...base.rules, er] });
            next.set(step, to);
          }
          sigOf[pod] = to;
        }
      }
    }
    this.signatureOf = (pod) => all[sigOf[pod]!]!;
    this.notEgressIsolated = index.podNetworkClasses.clone();
    for (const cls of index.classes) if (cls.egressPolicies.length) this.notEgressIsolated.remove(cls.id);
  }

  sources(dest: PodClass, protocol: Protocol, port: number): Sources {
    const key = `${dest.id}|${protocol}|${port}`;
    let hit = this.sourcesMemo.get(key);
    if (hit) return hit;
    if (dest.hostNetwork || dest.ingressPolicies.length === 0) {
      hit = { classes: this.index.podNetworkClasses, ipBlockPods: [], external: true };
    } else {
      hit = { classes: new ClassSet(this.index.classes.length), ipBlockPods: [], external: false };
      for (const id of dest.ingressPolicies) {
        for (const rule of this.index.policies[id]!.ingressRules) {
          if (!matchRulePorts(rule.ports, protocol, port, dest.namedPorts).matched) continue;
          if (rule.peers.length === 0) {
            hit.classes.orWith(this.index.podNetworkClasses);
            hit.external = true;
          }
          for (const peer of rule.peers) {
            if (peer.classes) hit.classes.orWith(peer.classes);
            if (peer.ipBlock) {
              hit.ipBlockPods.push(...peer.podHits);
              hit.external ||= peer.hasExternalAddresses;
            }
          }
        }
      }
    }
    this.sourcesMemo.set(key, hit);
    return hit;
  }

  /** Classes whose egress admits `destPod` on protocol/port. */
  admitters(destPod: IndexedPod, protocol: Protocol, port: number): ClassSet {
    const dest = this.index.classes[destPod.classId]!;
    const sig = this.signatureOf(destPod.index);
    const key = `${dest.id}|${protocol}|${port}|${sig.key}`;
    let hit = this.admittersMemo.get(key);
    if (hit) return hit;
    const destPorts = dest.hostNetwork ? null : dest.namedPorts;
    hit = this.notEgressIsolated.clone();
    const admits = ({ policy, rule }: EgressRule) => {
      if (matchRulePorts(rule.ports, protocol, port, destPorts).matched) hit!.orWith(policy.selected);
    };
    for (const er of this.egressRules) {
      // Peers first: a bit test is cheaper than matching ports.
      if (er.rule.peers.length === 0 || (!dest.hostNetwork && er.rule.peers.some((p) => p.classes?.has(dest.id)))) admits(er);
    }
    sig.rules.forEach(admits);
    this.admittersMemo.set(key, hit);
    return hit;
  }

  /** Is there a client (other than `dest` itself) that may open protocol/port to `dest`? */
  hasClient(dest: IndexedPod, protocol: Protocol, port: number): { reachable: boolean; ingressAdmitsSomeone: boolean } {
    const cls = this.index.classes[dest.classId]!;
    const src = this.sources(cls, protocol, port);
    // Without ipBlock-admitted pods the answer is the same for every pod of the class with the same signature.
    const memoKey = src.ipBlockPods.length ? null : `${cls.id}|${protocol}|${port}|${this.signatureOf(dest.index).key}`;
    const memo = memoKey === null ? undefined : this.clientMemo.get(memoKey);
    if (memo) return memo;
    // The destination itself is no client; another pod of its class is.
    const others = cls.pods.length > 1;
    const ipBlockClients = src.ipBlockPods.filter((p) => p !== dest.index && !this.index.pods[p]!.hostNetwork);
    const ingressAdmitsSomeone = src.external || ipBlockClients.length > 0 || src.classes.intersectsBeyond(this.index.podNetworkClasses, cls.id, others);
    let reachable = src.external;
    if (!reachable) {
      const admitters = this.admitters(dest, protocol, port);
      reachable = src.classes.intersectsBeyond(admitters, cls.id, others) || ipBlockClients.some((p) => admitters.has(this.index.pods[p]!.classId));
    }
    const result = { reachable, ingressAdmitsSomeone };
    if (memoKey !== null) this.clientMemo.set(memoKey, result);
    return result;
  }
}

export interface BackendGap {
  service: ServiceRef;
  port: { name?: string; port: number; protocol: Protocol; targetPort: number | string };
  /** Backend pods that no client (pod or external address) may reach on their targetPort. */
  unreachable: Array<{ pod: PodRef; targetPort: number }>;
  /** Backends with a resolvable targetPort (named targetPorts missing on a pod are another finding). */
  backends: number;
  /** Ingress policies selecting the unreachable backends. */
  isolatedBy: PolicyRef[];
  /**
   * ingress: no ingress rule admits any client on this port;
   * egress: ingress admits some pods, but none of them may send it (their egress is isolated without a matching rule).
   */
  blockedBy: "ingress" | "egress";
}

export interface BackendReport {
  gaps: BackendGap[];
  /** Service ports looked at (with a selector and at least one backend). */
  checkedServicePorts: number;
  notes: Note[];
}

function policyRefs(index: PolicyIndex, ids: Iterable<number>): PolicyRef[] {
  return [...new Set(ids)].sort((a, b) => a - b).map((id) => index.policies[id]!.ref);
}

function backendClasses(index: PolicyIndex, svc: Service, byNamespace: ReadonlyMap<string, PodClass[]>): PodClass[] {
  const ns = svc.metadata.namespace ?? "default";
  return (byNamespace.get(ns) ?? []).filter((c) => matchesServiceSelector(svc.spec.selector, c.labels));
}

/**
 * Service ports whose backends no client may reach on their targetPort
 * (`policy.default-deny-blocks`): an isolating policy admits nobody on that
 * port, or admits only clients whose own egress is blocked.
 */
export function unreachableBackends(index: PolicyIndex, services: readonly Service[] = index.services): BackendReport {
  const engine = new Reachability(index);
  const byNamespace = new Map<string, PodClass[]>();
  for (const cls of index.classes) {
    const list = byNamespace.get(cls.namespace);
    if (list) list.push(cls);
    else byNamespace.set(cls.namespace, [cls]);
  }
  const gaps: BackendGap[] = [];
  let checkedServicePorts = 0;
  for (const svc of services) {
    const classes = backendClasses(index, svc, byNamespace);
    if (classes.length === 0) continue;
    for (const sp of svc.spec.ports ?? []) {
      const protocol = toProtocol(sp.protocol);
      if (!protocol) continue;
      const targetPort = sp.targetPort ?? sp.port;
      checkedServicePorts++;
      const unreachable: BackendGap["unreachable"] = [];
      const isolating: number[] = [];
      let backends = 0;
      let ingressAdmitsSomeone = false;
      for (const cls of classes) {
        for (const podIndex of cls.pods) {
          const pod = index.pods[podIndex]!;
          const port = resolveTargetPort(pod, targetPort, protocol);
          if (port === null) continue;
          backends++;
          const r = engine.hasClient(pod, protocol, port);
          if (r.reachable) continue;
          ingressAdmitsSomeone ||= r.ingressAdmitsSomeone;
          unreachable.push({ pod: { namespace: pod.namespace, name: pod.name }, targetPort: port });
          isolating.push(...cls.ingressPolicies);
        }
      }
      if (unreachable.length === 0) continue;
      gaps.push({
        service: { namespace: svc.metadata.namespace ?? "default", name: svc.metadata.name },
        port: { ...(sp.name ? { name: sp.name } : {}), port: sp.port, protocol, targetPort },
        unreachable,
        backends,
        isolatedBy: policyRefs(index, isolating),
        blockedBy: ingressAdmitsSomeone ? "egress" : "ingress",
      });
    }
  }
  return { gaps, checkedServicePorts, notes: [...index.notes] };
}

export interface DnsGap {
  namespace: string;
  labels: Readonly<Record<string, string>>;
  pods: PodRef[];
  /**
   * Per protocol without a path: which side blocks it. egress: the pods'
   * egress admits no DNS pod; ingress: no DNS pod's ingress admits them;
   * both; split: egress admits some DNS pods and ingress of others, never the same.
   */
  missing: Array<{ protocol: "UDP" | "TCP"; blockedBy: "egress" | "ingress" | "both" | "split" }>;
  /** Policies isolating these pods' egress. */
  egressPolicies: PolicyRef[];
  /** Policies isolating the DNS pods' ingress. */
  dnsIngressPolicies: PolicyRef[];
}

export interface DnsPathReport {
  gaps: DnsGap[];
  checkedPods: number;
  notes: Note[];
}

/**
 * Pods that cannot reach any of `dnsPods` on UDP and/or TCP `port` (default
 * 53): `dns.egress-blocked-by-policy` or `dns.coredns-ingress-blocked`.
 * Host-network pods (outside policy) and the DNS pods themselves are skipped.
 */
export function podsWithoutDnsPath(index: PolicyIndex, dnsPods: readonly PodRef[], options: { port?: number } = {}): DnsPathReport {
  const port = options.port ?? 53;
  const engine = new Reachability(index);
  const dns = dnsPods.map((ref) => {
    const pod = index.podByRef.get(`${ref.namespace}/${ref.name}`);
    if (!pod) throw new Error(`DNS pod ${ref.namespace}/${ref.name} is not in the snapshot`);
    return pod;
  });
  const dnsIndexes = new Set(dns.map((p) => p.index));
  const dnsIngressPolicies = policyRefs(index, dns.flatMap((p) => index.classes[p.classId]!.ingressPolicies));

  const protocols = ["UDP", "TCP"] as const;
  const perProtocol = protocols.map((protocol) => {
    const paths = new ClassSet(index.classes.length);
    const egressOk = new ClassSet(index.classes.length);
    const ingressOk = new ClassSet(index.classes.length);
    const pathPods = new Set<number>();
    const ingressPods = new Set<number>();
    for (const d of dns) {
      const cls = index.classes[d.classId]!;
      const src = engine.sources(cls, protocol, port);
      const adm = engine.admitters(d, protocol, port);
      paths.orWith(src.classes.and(adm));
      egressOk.orWith(adm);
      ingressOk.orWith(src.classes);
      for (const p of src.ipBlockPods) {
        ingressPods.add(p);
        if (adm.has(index.pods[p]!.classId)) pathPods.add(p);
      }
    }
    return { protocol, paths, egressOk, ingressOk, pathPods, ingressPods };
  });

  const groups = new Map<string, DnsGap>();
  let checkedPods = 0;
  let hostNetworkSkipped = 0;
  for (const pod of index.pods) {
    if (dnsIndexes.has(pod.index)) continue;
    if (pod.hostNetwork) { hostNetworkSkipped++; continue; }
    checkedPods++;
    const missing: DnsGap["missing"] = [];
    for (const p of perProtocol) {
      if (p.paths.has(pod.classId) || p.pathPods.has(pod.index)) continue;
      const egress = p.egressOk.has(pod.classId);
      const ingress = p.ingressOk.has(pod.classId) || p.ingressPods.has(pod.index);
      missing.push({ protocol: p.protocol, blockedBy: !egress && !ingress ? "both" : !egress ? "egress" : !ingress ? "ingress" : "split" });
    }
    if (missing.length === 0) continue;
    const key = `${pod.classId}|${JSON.stringify(missing)}`;
    let gap = groups.get(key);
    if (!gap) {
      const cls = index.classes[pod.classId]!;
      gap = { namespace: cls.namespace, labels: cls.labels, pods: [], missing, egressPolicies: policyRefs(index, cls.egressPolicies), dnsIngressPolicies };
      groups.set(key, gap);
    }
    gap.pods.push({ namespace: pod.namespace, name: pod.name });
  }
  const notes = [...index.notes];
  if (hostNetworkSkipped) notes.push({ code: "host-network-source", message: `${hostNetworkSkipped} host-network pods were skipped: NetworkPolicy does not govern their egress in most CNIs` });
  return { gaps: [...groups.values()], checkedPods, notes };
}
