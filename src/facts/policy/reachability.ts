/**
 * Reachability questions the policy causes ask of the whole cluster, answered
 * with the NetworkPolicy evaluator (src/facts/netpol) over the model:
 *  - Service ports whose backends no client may reach (default-deny-blocks);
 *  - Ingress backends the ingress controller pods may not reach;
 *  - external endpoints egress-isolated pods call without an admitting rule.
 * Whole-cluster passes work per pod class (near-linear); per-pod questions
 * are limited to the few pods that carry evidence (controller pods, pods
 * whose env or logs name an external endpoint).
 */
import type { ClusterModel } from "../../model/model.js";
import type { Pod, Service } from "../../model/k8s.js";
import { matchesLabelSelector } from "../../model/selectors.js";
import { podRef } from "../../model/pods.js";
import { clip, type Evidence, type ObjectRef } from "../../types/evidence.js";
import {
  canReach, formatPolicy, resolveTargetPort, unreachableBackends,
  type BackendGap, type CompiledPeer, type CompiledPolicy, type IndexedPod, type PolicyIndex, type PolicyRef, type Verdict,
} from "../netpol/index.js";
import { parseIp } from "../../model/cidr.js";
import { ipBlockContains } from "../netpol/ip-block.js";
import { matchRulePorts, toProtocol } from "../netpol/ports.js";
import { ingressAnalysisOf } from "../ingress/analysis.js";
import { clusterDns } from "../dns/cluster-dns.js";
import { policyIndex } from "./context.js";
import { mentionedHosts, timeoutIndex } from "./timeouts.js";

const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

function compiledPolicy(index: PolicyIndex, ref: PolicyRef): CompiledPolicy | undefined {
  return index.policies.find((p) => p.ref.namespace === ref.namespace && p.ref.name === ref.name);
}

/** A peer that names pods or addresses that exist (host-network and finished pods included): someone was meant. */
function peerNamesSomeone(index: PolicyIndex, peer: CompiledPeer): boolean {
  if (peer.ipBlock) return true;
  if (!peer.classes) return false;
  if ([...peer.classes.ids()].length > 0) return true;
  const podSelector = peer.peer.podSelector ?? {};
  return index.classes.some((c) => peer.namespaces.includes(c.namespace) && matchesLabelSelector(podSelector, c.labels));
}

/**
 * Whether an isolating policy's rule names this port for some existing peer.
 * Then the gap is not a forgotten allow but a peer that cannot send (a
 * namespace holding only host-network pods, say): another question.
 */
function portAllowedForSomeone(index: PolicyIndex, gap: BackendGap): boolean {
  const first = gap.unreachable[0];
  if (!first) return false;
  const pod = index.podByRef.get(`${first.pod.namespace}/${first.pod.name}`);
  const named = pod ? index.classes[pod.classId]!.namedPorts : [];
  return gap.isolatedBy.some((ref) =>
    (compiledPolicy(index, ref)?.ingressRules ?? []).some((rule) =>
      matchRulePorts(rule.ports, gap.port.protocol, first.targetPort, named).matched && rule.peers.some((p) => peerNamesSomeone(index, p))));
}

/**
 * The egress policies of the clients an ingress gap's policies do admit on
 * its port: when every such client's own egress is blocked, those policies
 * are what closes the path.
 */
function admittedClientsEgressPolicies(index: PolicyIndex, gap: BackendGap): PolicyRef[] {
  const first = gap.unreachable[0];
  if (!first) return [];
  const pod = index.podByRef.get(`${first.pod.namespace}/${first.pod.name}`);
  const named = pod ? index.classes[pod.classId]!.namedPorts : [];
  const ids = new Set<number>();
  for (const ref of gap.isolatedBy) {
    for (const rule of compiledPolicy(index, ref)?.ingressRules ?? []) {
      if (!matchRulePorts(rule.ports, gap.port.protocol, first.targetPort, named).matched) continue;
      for (const peer of rule.peers) for (const cls of peer.classes?.ids() ?? []) for (const id of index.classes[cls]!.egressPolicies) ids.add(id);
    }
  }
  return [...ids].sort((a, b) => a - b).map((id) => index.policies[id]!.ref);
}

export interface ServiceGap {
  /** `http:80/TCP → 8080`. */
  port: string;
  unreachable: ObjectRef[];
  backends: number;
  /** Ingress policies isolating the backends. */
  isolatedBy: PolicyRef[];
  blockedBy: "ingress" | "egress";
  /** For egress gaps: the egress policies of the clients the backends admit. */
  clientEgressPolicies: PolicyRef[];
}

/** Per Service (`ns/name`): ports whose backends no pod and no external client may reach. */
export function serviceGaps(model: ClusterModel): Map<string, ServiceGap[]> {
  return model.memo("policy:serviceGaps", () => {
    const index = policyIndex(model);
    const out = new Map<string, ServiceGap[]>();
    if (index.policies.length === 0) return out;
    // Cluster DNS behind policies is the DNS layer's question (dns.coredns-ingress-blocked).
    const dnsPods = new Set(clusterDns(model).pods);
    const services = model.resources.services.filter((s) => s.spec.type !== "ExternalName" && !serviceBackendPodsOf(model, s).some((p) => dnsPods.has(p)));
    for (const gap of unreachableBackends(index, services).gaps) {
      if (gap.blockedBy === "ingress" && portAllowedForSomeone(index, gap)) continue;
      const key = serviceKey(gap.service.namespace, gap.service.name);
      const sp = gap.port;
      const list = out.get(key) ?? [];
      list.push({
        port: `${sp.name ? `${sp.name}:` : ""}${sp.port}/${sp.protocol} → ${sp.targetPort}`,
        unreachable: gap.unreachable.map((u) => ({ kind: "Pod", namespace: u.pod.namespace, name: u.pod.name })),
        backends: gap.backends,
        isolatedBy: gap.isolatedBy,
        blockedBy: gap.blockedBy,
        clientEgressPolicies: gap.blockedBy === "egress" ? admittedClientsEgressPolicies(index, gap) : [],
      });
      out.set(key, list);
    }
    return out;
  });
}

export function serviceBackendPodsOf(model: ClusterModel, svc: Service): Pod[] {
  const selector = svc.spec.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return model.podsInNamespace(svc.metadata.namespace ?? "default").filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v));
}

export interface ControllerGap {
  ingresses: ObjectRef[];
  controllerPods: ObjectRef[];
  /** The backend pods the controller may not reach. */
  backends: ObjectRef[];
  hostNetwork: boolean;
  /** Service ports (`http:80/TCP → 8080`) no controller pod may reach on any backend. */
  ports: string[];
  blockedBy: "ingress" | "egress";
  /** Policies isolating the backends (ingress) or the controller pods (egress). */
  policies: PolicyRef[];
  /** The first denied verdict, for its explanation. */
  example: Verdict;
}

interface ServiceRoute {
  svc: Service;
  ports: Set<number>;
  ingresses: ObjectRef[];
  controllers: IndexedPod[];
}

/** Which Service ports each Ingress routes to, and the controller pods that carry its traffic. */
function ingressRoutes(model: ClusterModel, index: PolicyIndex): Map<string, ServiceRoute> {
  const analysis = ingressAnalysisOf(model);
  const routes = new Map<string, ServiceRoute>();
  for (const a of analysis.ingresses) {
    const pods = a.controller?.pods ?? [];
    // Contour's envoy data plane carries the traffic, not the contour control plane.
    const carriers = pods.some((p) => p.role === "data-plane") ? pods.filter((p) => p.role === "data-plane") : pods;
    const controllers = carriers.map((p) => index.podByRef.get(`${p.pod.namespace}/${p.pod.name}`)).filter((p): p is IndexedPod => p !== undefined);
    if (controllers.length === 0) continue;
    for (const b of a.serviceBackends) {
      if (!b.service || !b.servicePort) continue;
      const svc = model.service(b.service.namespace!, b.service.name);
      if (!svc || svc.spec.type === "ExternalName") continue;
      const key = serviceKey(b.service.namespace!, b.service.name);
      let route = routes.get(key);
      if (!route) routes.set(key, (route = { svc, ports: new Set(), ingresses: [], controllers: [] }));
      route.ports.add(b.servicePort.port);
      if (!route.ingresses.some((i) => i.namespace === a.ingress.namespace && i.name === a.ingress.name)) route.ingresses.push(a.ingress);
      for (const c of controllers) if (!route.controllers.includes(c)) route.controllers.push(c);
    }
  }
  return routes;
}

/** Per backend Service (`ns/name`): the Ingress ports whose backends no controller pod may reach. */
export function controllerGaps(model: ClusterModel): Map<string, ControllerGap> {
  return model.memo("policy:controllerGaps", () => {
    const index = policyIndex(model);
    const out = new Map<string, ControllerGap>();
    if (index.policies.length === 0) return out;
    for (const [key, route] of ingressRoutes(model, index)) {
      // The namespace's pods, not every pod of the cluster: this runs once per routed Service.
      const backends = serviceBackendPodsOf(model, route.svc)
        .map((p) => index.podByRef.get(`${p.metadata.namespace ?? "default"}/${p.metadata.name}`))
        .filter((p): p is IndexedPod => p !== undefined);
      const ports: string[] = [];
      let example: Verdict | undefined;
      for (const sp of route.svc.spec.ports ?? []) {
        if (!route.ports.has(sp.port)) continue;
        const protocol = toProtocol(sp.protocol);
        if (!protocol) continue;
        const target = sp.targetPort ?? sp.port;
        let checked = 0;
        let denied: Verdict | undefined;
        let allowed = false;
        for (const backend of backends) {
          const port = resolveTargetPort(backend, target, protocol);
          if (port === null) continue;
          for (const ctrl of route.controllers) {
            checked++;
            const v = canReach(index, { namespace: ctrl.namespace, name: ctrl.name }, { namespace: backend.namespace, name: backend.name }, { port, protocol });
            if (v.allowed) { allowed = true; break; }
            denied ??= v;
          }
          if (allowed) break;
        }
        if (checked > 0 && !allowed && denied) {
          ports.push(`${sp.name ? `${sp.name}:` : ""}${sp.port}/${protocol} → ${target}`);
          example ??= denied;
        }
      }
      if (!example) continue;
      const blockedBy = example.ingress.allowed ? "egress" : "ingress";
      out.set(key, {
        ingresses: route.ingresses,
        controllerPods: route.controllers.map((c) => podRef(c.pod)),
        backends: backends.map((b) => podRef(b.pod)),
        hostNetwork: route.controllers.every((c) => c.hostNetwork),
        ports,
        blockedBy,
        policies: (blockedBy === "ingress" ? example.ingress : example.egress).selectingPolicies,
        example,
      });
    }
    return out;
  });
}

// ---------------------------------------------------------------- external endpoints

export interface ExternalCall {
  workload: ObjectRef;
  pods: ObjectRef[];
  /** `api.stripe.com:443`, `203.0.113.7:443`. */
  endpoint: string;
  /** Where the call was seen: `env HTTPS_PROXY`, `log`, `ExternalName Service shop/stripe`. */
  source: string;
  evidence: Evidence;
  policies: PolicyRef[];
  /** A timeout towards it was logged. */
  timedOut: boolean;
}

const DEFAULT_PORTS: Record<string, number> = { https: 443, http: 80, postgres: 5432, postgresql: 5432, mysql: 3306, redis: 6379, rediss: 6379, amqp: 5672, amqps: 5671, mongodb: 27017, nats: 4222, smtp: 25, ldap: 389, ldaps: 636, kafka: 9092 };
const PROXY_ENV = /^(https?|all)_proxy$/i;

interface Endpoint {
  host: string;
  port: number;
  ip: string | null;
}

/** Host names that resolve inside the cluster (Service names, pod names under a Service). */
function isClusterName(model: ClusterModel, host: string): boolean {
  if (!host.includes(".")) return true; // a bare name is a Service (or search-path) name
  if (/\.(svc|cluster\.local)$/.test(host) || host.endsWith(".svc.cluster.local") || host === "localhost") return true;
  const [first, second] = host.split(".");
  return host.split(".").length === 2 && model.service(second!, first!) !== undefined;
}

function isClusterIp(model: ClusterModel, index: PolicyIndex, ip: string): boolean {
  const parsed = parseIp(ip);
  if (!parsed) return true;
  if (ip.startsWith("127.") || ip === "::1" || ip.startsWith("169.254.")) return true;
  if (index.podsByIp.has(`${parsed.family}:${parsed.value.toString(16)}`)) return true;
  if (model.resources.services.some((s) => s.spec.clusterIP === ip || (s.spec.clusterIPs ?? []).includes(ip))) return true;
  return model.resources.nodes.some((n) => (n.status.addresses ?? []).some((a) => a.address === ip));
}

/** Does the pod's class admit egress to some address outside the cluster on TCP `port` (to `ip` when known)? */
function egressAdmitsExternal(index: PolicyIndex, pod: IndexedPod, endpoint: Endpoint): boolean {
  if (endpoint.ip) return canReach(index, { namespace: pod.namespace, name: pod.name }, { ip: endpoint.ip }, { port: endpoint.port }).allowed;
  const cls = index.classes[pod.classId]!;
  return cls.egressPolicies.some((id) =>
    index.policies[id]!.egressRules.some((rule) =>
      matchRulePorts(rule.ports, "TCP", endpoint.port, null).matched && (rule.peers.length === 0 || rule.peers.some((p) => p.ipBlock && p.hasExternalAddresses))));
}

interface Candidate {
  endpoint: Endpoint;
  source: string;
  evidence: Evidence;
}

function envCandidates(model: ClusterModel, index: PolicyIndex, pod: Pod): Candidate[] {
  const out: Candidate[] = [];
  const ns = pod.metadata.namespace ?? "default";
  pod.spec.containers.forEach((c, ci) => {
    (c.env ?? []).forEach((e, ei) => {
      if (!e.value) return;
      for (const m of mentionedHosts(e.value)) {
        const port = m.port ?? DEFAULT_PORTS[m.scheme ?? ""];
        if (!port) continue;
        const evidence = model.evidence(pod, `spec.containers[${ci}].env[${ei}]`, clip(`${c.name}: ${e.name}=${e.value}`));
        const isIp = parseIp(m.host) !== null;
        if (isIp ? isClusterIp(model, index, m.host) : false) continue;
        if (!isIp) {
          const external = model.resources.services.find((s) => s.spec.type === "ExternalName" && (s.metadata.namespace ?? "default") === ns && (m.host === s.metadata.name || m.host.startsWith(`${s.metadata.name}.${ns}`)));
          if (external?.spec.externalName) {
            out.push({ endpoint: { host: external.spec.externalName, port, ip: null }, source: `env ${e.name} via ExternalName Service ${ns}/${external.metadata.name}`, evidence });
            continue;
          }
          if (isClusterName(model, m.host)) continue;
        }
        out.push({ endpoint: { host: m.host, port, ip: isIp ? m.host : null }, source: PROXY_ENV.test(e.name) ? `proxy env ${e.name}` : `env ${e.name}`, evidence });
      }
    });
  });
  return out;
}

function logCandidates(model: ClusterModel, index: PolicyIndex, pod: Pod): Candidate[] {
  const timeouts = timeoutIndex(model);
  const ns = pod.metadata.namespace ?? "default";
  const out: Candidate[] = [];
  for (const id of timeouts.byPod.get(`${ns}/${pod.metadata.name}`) ?? []) {
    const line = timeouts.lines[id]!;
    const evidence = { file: line.file, line: line.line, excerpt: clip(line.text) };
    const hosts = mentionedHosts(line.text);
    const ips = hosts.filter((h) => parseIp(h.host) !== null && h.port !== undefined && !isClusterIp(model, index, h.host));
    const names = hosts.filter((h) => parseIp(h.host) === null && !isClusterName(model, h.host));
    for (const ip of ips) out.push({ endpoint: { host: names[0]?.host ?? ip.host, port: ip.port!, ip: ip.host }, source: "log", evidence });
    if (ips.length > 0) continue;
    for (const n of names) {
      const port = n.port ?? DEFAULT_PORTS[n.scheme ?? ""];
      if (port) out.push({ endpoint: { host: n.host, port, ip: null }, source: "log", evidence });
    }
  }
  return out;
}

/** Per namespace: external endpoints that egress-isolated pods call and no egress rule admits. */
export function externalEgressGaps(model: ClusterModel): Map<string, ExternalCall[]> {
  return model.memo("policy:externalEgress", () => {
    const index = policyIndex(model);
    const out = new Map<string, ExternalCall[]>();
    const byKey = new Map<string, ExternalCall>();
    for (const ip of index.pods) {
      const cls = index.classes[ip.classId]!;
      if (ip.hostNetwork || cls.egressPolicies.length === 0) continue;
      const candidates = [...envCandidates(model, index, ip.pod), ...logCandidates(model, index, ip.pod)];
      for (const c of candidates) {
        if (egressAdmitsExternal(index, ip, c.endpoint)) continue;
        const workload = model.workloadOf(ip.pod).ref;
        const endpoint = `${c.endpoint.host}:${c.endpoint.port}${c.endpoint.ip && c.endpoint.ip !== c.endpoint.host ? ` (${c.endpoint.ip})` : ""}`;
        const key = `${workload.kind}/${workload.namespace}/${workload.name}|${c.endpoint.host}:${c.endpoint.port}`;
        const existing = byKey.get(key);
        if (existing) {
          if (!existing.pods.some((p) => p.name === ip.name)) existing.pods.push(podRef(ip.pod));
          existing.timedOut ||= c.source === "log";
          continue;
        }
        const call: ExternalCall = {
          workload,
          pods: [podRef(ip.pod)],
          endpoint,
          source: c.source,
          evidence: c.evidence,
          policies: cls.egressPolicies.map((id) => index.policies[id]!.ref),
          timedOut: c.source === "log",
        };
        byKey.set(key, call);
        const list = out.get(ip.namespace) ?? [];
        list.push(call);
        out.set(ip.namespace, list);
      }
    }
    return out;
  });
}

export function describeCall(c: ExternalCall): string {
  return `${c.workload.kind} ${c.workload.namespace}/${c.workload.name} → ${c.endpoint} (${c.source}${c.timedOut && c.source !== "log" ? ", timeouts logged" : ""}; egress isolated by ${c.policies.map(formatPolicy).join(", ")})`;
}
