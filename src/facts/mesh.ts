/**
 * Service-mesh layer facts (Istio, and Linkerd injection). Subjects:
 *
 * - PeerAuthentication: the Services whose meshed backends it makes STRICT,
 *   and the clients without a sidecar that call them (from their environment,
 *   their logs, or the server sidecar's refusals), else the namespaces whose
 *   pods have no sidecar;
 * - VirtualService: route destinations naming a subset no DestinationRule
 *   defines, and route weights that do not sum to 100;
 * - DestinationRule: locality failover that can never trigger without
 *   outlierDetection;
 * - Namespace: pods without the sidecar the namespace's injection label
 *   promises (created before the label, or while the injector was down).
 *
 * The Istio semantics (host resolution, policy precedence, injection rules)
 * live in src/facts/mesh/*.ts; this file turns them into facts with evidence.
 * The root namespace is istio-system and the cluster domain the kubelet's
 * (cluster.local by default).
 */
import { z } from "zod";
import { DestinationRule, PeerAuthentication, VirtualService } from "../model/crds.js";
import type { Namespace, Pod, Service } from "../model/k8s.js";
import type { ClusterModel, WorkloadGroup } from "../model/model.js";
import { matchesServiceSelector, selectorToString } from "../model/selectors.js";
import { scanLines } from "../model/signals/scan.js";
import { meshSignals } from "../model/signals/mesh.js";
import { refKey, type Evidence, type ObjectRef } from "../types/evidence.js";
import { refusedByServer, resetLines, serviceLookup, serviceReferences, type Consumer } from "./mesh/clients.js";
import { bypassesSidecar, DEFAULT_ROOT_NAMESPACE, effectiveMtls, INFRASTRUCTURE_NAMESPACES, type EffectiveMtls } from "./mesh/mtls.js";
import { analyzeDestinationRule, analyzeVirtualService, DEFAULT_CLUSTER_DOMAIN, indexServicesByFqdn, resolveIstioHost, type ServiceIndex } from "./mesh/routing.js";
import { istioMembership, linkerdMembership, livePods, type IstioMembership } from "./mesh/sidecars.js";
import { declareFacts } from "./define.js";
import { ObjectRefList, ObjectRefShape, StringList } from "./shapes.js";
import type { FactBuilder, SubjectFacts } from "./types.js";

// Each Istio fact requires the file of its own kind: without it the rule is
// skipped, unless manifest.json says the cluster does not serve the API, in
// which case there are no such objects to check (src/model/optional-apis.ts).
const PA_FILE = "resources/peerauthentications.json";
const VS_FILE = "resources/virtualservices.json";
const DR_FILE = "resources/destinationrules.json";
const SERVICES = ["resources/services.json"];
const PA = [PA_FILE, "resources/pods.json", ...SERVICES];
const NS = ["resources/namespaces.json", "resources/pods.json"];

const peerAuthenticationFacts = declareFacts("mesh", "PeerAuthentication", PA, {
  mode: { description: "The mTLS mode the policy sets (STRICT, PERMISSIVE, DISABLE, or UNSET when it inherits).", shape: z.string(), example: "STRICT", requires: [PA_FILE] },
  scope: { description: "mesh (no selector, root namespace istio-system), namespace (no selector elsewhere) or workload (a selector).", shape: z.string(), example: "namespace", requires: [PA_FILE] },
  selector: { description: "The workload selector (\"\" for mesh- and namespace-wide policies).", shape: z.string(), example: "app=reviews", requires: [PA_FILE] },
  strictServices: { description: "Services whose meshed backends this policy makes require mTLS (STRICT decided by it, on the whole workload or per port; ports excluded from interception do not count).", shape: ObjectRefList, example: [{ kind: "Service", namespace: "bookinfo", name: "reviews" }] },
  strictPorts: { description: "The Service ports concerned, as ns/name:port → targetPort.", shape: StringList, example: ["bookinfo/reviews:9080 → 9080"] },
  refusedServices: { description: "Of the STRICT Services, those the plaintext clients call.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "bookinfo", name: "reviews" }] },
  plaintextClients: { description: "Workloads without sidecar (nor ambient mode) that the snapshot shows calling those Services — their environment or logs name the Service, or the server's sidecar refused their address: their plaintext connections are reset.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "reports", name: "report-gen" }] },
  plaintextClientDetails: { description: "How each plaintext client was found (env variable, log line, refused by the server's sidecar).", shape: StringList, example: ["Deployment reports/report-gen: env REVIEWS_URL=http://reviews.bookinfo:9080"] },
  plaintextRejections: { description: "Lines in the servers' istio-proxy logs refusing a connection for want of an mTLS filter chain (`0 NR filter_chain_not_found`).", shape: z.number(), example: 12, requires: PA },
  clientResetLines: { description: "Lines in the plaintext clients' own logs saying the connection was reset (connection reset by peer, ECONNRESET, Envoy's reset body).", shape: z.number(), example: 7, requires: PA },
  unmeshedNamespaces: { description: "When no plaintext client was seen: application namespaces (not kube-*/istio-system) with running pods but no sidecar, which would be refused if they call these Services.", shape: ObjectRefList, example: [{ kind: "Namespace", name: "reports" }] },
  bypassedPorts: { description: "Ports of the servers the sidecar does not intercept (traffic.sidecar.istio.io/excludeInboundPorts, or includeInboundPorts not listing them): plaintext passes there, and mTLS is not enforced.", shape: StringList, example: ["bookinfo/reviews:9090 → 9090"] },
});

const UndefinedSubset = z.object({ path: z.string(), host: z.string(), subset: z.string(), knownSubsets: StringList, destinationRules: StringList });
const InvalidWeights = z.object({ path: z.string(), weights: z.array(z.number().nullable()), sum: z.number() });

const virtualServiceFacts = declareFacts("mesh", "VirtualService", [VS_FILE], {
  hosts: { description: "The hosts the VirtualService routes (as written).", shape: StringList, example: ["reviews"] },
  undefinedSubsets: {
    description: "Route destinations naming a subset that no DestinationRule visible from the VirtualService's namespace defines for the host (short hosts resolved against that namespace): Envoy has no such cluster and answers 503 NC.",
    shape: z.array(UndefinedSubset),
    example: [{ path: "spec.http[0].route[1].destination", host: "reviews.bookinfo.svc.cluster.local", subset: "v3", knownSubsets: ["v1", "v2"], destinationRules: ["bookinfo/reviews"] }],
    requires: [VS_FILE, DR_FILE],
  },
  invalidWeights: {
    description: "Routes with several destinations, some weighted, whose weights (a missing one counting 0) do not sum to 100.",
    shape: z.array(InvalidWeights),
    example: [{ path: "spec.http[0]", weights: [80, 30], sum: 110 }],
  },
  destinationServices: { description: "The Services the route destinations resolve to.", shape: ObjectRefList, example: [{ kind: "Service", namespace: "bookinfo", name: "reviews" }], requires: [VS_FILE, ...SERVICES] },
  missingDestinationHosts: { description: "Destination hosts that are cluster names (….svc.<domain>) no Service has.", shape: StringList, example: ["rating.bookinfo.svc.cluster.local"], requires: [VS_FILE, ...SERVICES] },
  noClusterLines: { description: "Sidecar and gateway log lines answering 503 NC cluster_not_found for this VirtualService's hosts.", shape: z.number(), example: 4 },
});

const FailoverGap = z.object({ path: z.string(), setting: z.string() });

const destinationRuleFacts = declareFacts("mesh", "DestinationRule", [DR_FILE], {
  host: { description: "The host as written.", shape: z.string(), example: "helloworld" },
  fqdn: { description: "The host resolved against the DestinationRule's namespace.", shape: z.string(), example: "helloworld.sample.svc.cluster.local" },
  hostKind: { description: "service, missing (a cluster name no Service has), wildcard, wildcard-matches-nothing, or external (not a cluster name).", shape: z.string(), example: "service", requires: [DR_FILE, ...SERVICES] },
  failoverWithoutOutlierDetection: {
    description: "Traffic policies (top level, per port, per subset) with locality failover or failoverPriority but no outlierDetection of their own or inherited: no endpoint is ever ejected, so traffic never fails over.",
    shape: z.array(FailoverGap),
    example: [{ path: "spec.trafficPolicy.loadBalancer.localityLbSetting", setting: "failover" }],
  },
  service: { description: "The Service the host names, or null.", shape: ObjectRefShape.nullable(), example: { kind: "Service", namespace: "sample", name: "helloworld" }, requires: [DR_FILE, ...SERVICES] },
});

const MissingSidecar = z.object({ workload: ObjectRefShape, proxy: z.string(), pods: z.number(), of: z.number(), decidedBy: z.string() });

const namespaceFacts = declareFacts("mesh", "Namespace", NS, {
  injection: { description: "What enables sidecar injection in the namespace: istio-injection=enabled, istio.io/rev=<rev>, linkerd.io/inject=enabled (\"\" when nothing does).", shape: z.string(), example: "istio-injection=enabled" },
  workloadsWithoutSidecar: { description: "Workloads with running pods lacking the sidecar injection promises them (namespace label or pod label/annotation), pods opting out excepted.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "shop", name: "web" }] },
  missingSidecars: {
    description: "Per workload: which proxy is missing, on how many of its pods, and what asked for it.",
    shape: z.array(MissingSidecar),
    example: [{ workload: { kind: "Deployment", namespace: "shop", name: "web" }, proxy: "istio-proxy", pods: 2, of: 2, decidedBy: "namespace label istio-injection=enabled" }],
  },
  podsWithoutSidecar: { description: "How many pods that is.", shape: z.number(), example: 2 },
  unexpectedSidecars: { description: "Workloads carrying a sidecar although nothing in the namespace or pod asks for it any more (manual injection, or a label removed since): reported as a note.", shape: ObjectRefList, example: [{ kind: "Deployment", namespace: "tools", name: "debug" }] },
});

// ------------------------------------------------------------------ inputs

interface Parsed<T> {
  item: T;
  raw: object;
}

/** CRDs parsed one by one, keeping the snapshot object (evidence points at it); misfits become notes. */
function parseKept<T>(schema: z.ZodType<T>, raws: readonly object[], file: string, notes: string[]): Parsed<T>[] {
  const out: Parsed<T>[] = [];
  raws.forEach((raw, i) => {
    const r = schema.safeParse(raw);
    if (r.success) out.push({ item: r.data, raw });
    else notes.push(`${file}: item ${i} skipped: ${r.error.issues[0]?.message ?? "invalid"} at ${r.error.issues[0]?.path.join(".") ?? ""}`);
  });
  return out;
}

interface MeshContext {
  domain: string;
  root: string;
  pods: Pod[];
  members: Map<string, IstioMembership>;
  services: ServiceIndex;
  peerAuthentications: Parsed<PeerAuthentication>[];
  virtualServices: Parsed<VirtualService>[];
  destinationRules: Parsed<DestinationRule>[];
  notes: string[];
}

const podKey = (p: Pod) => `${p.metadata.namespace ?? "default"}/${p.metadata.name}`;

function clusterDomain(model: ClusterModel): string {
  const text = model.configMap("kube-system", "kubelet-config")?.data?.["kubelet"] ?? "";
  return /^clusterDomain:\s*"?([A-Za-z0-9.-]+)"?\s*$/m.exec(text)?.[1] ?? DEFAULT_CLUSTER_DOMAIN;
}

function meshContext(model: ClusterModel): MeshContext {
  return model.memo("mesh.context", () => {
    const notes: string[] = [];
    const pods = livePods(model.resources.pods);
    const members = new Map(pods.map((p) => [podKey(p), istioMembership(p, model.namespace(p.metadata.namespace ?? "default"))]));
    const domain = clusterDomain(model);
    return {
      domain,
      root: DEFAULT_ROOT_NAMESPACE,
      pods,
      members,
      services: indexServicesByFqdn(model.resources.services, domain),
      peerAuthentications: parseKept(PeerAuthentication, model.resources.peerauthentications, "resources/peerauthentications.json", notes),
      virtualServices: parseKept(VirtualService, model.resources.virtualservices, "resources/virtualservices.json", notes),
      destinationRules: parseKept(DestinationRule, model.resources.destinationrules, "resources/destinationrules.json", notes),
      notes,
    };
  });
}

function workloadLabel(g: WorkloadGroup): string {
  return `${g.ref.kind} ${g.ref.namespace}/${g.ref.name}`;
}

function uniqueRefs(refs: ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const r of refs) if (!seen.has(refKey(r))) seen.set(refKey(r), r);
  return [...seen.values()];
}

// ------------------------------------------------------- PeerAuthentication

function paRef(pa: PeerAuthentication): ObjectRef {
  return { kind: "PeerAuthentication", namespace: pa.metadata.namespace ?? "default", name: pa.metadata.name };
}

/** The port a Service port reaches on a pod (named targetPorts resolved through the pod's containers). */
function targetPortOn(pod: Pod, port: NonNullable<Service["spec"]["ports"]>[number]): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === "number") return target;
  for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
    const p = (c.ports ?? []).find((cp) => cp.name === target);
    if (p) return p.containerPort;
  }
  return /^\d+$/.test(target) ? Number(target) : undefined;
}

/** The policy that makes a port STRICT: the workload policy for a port-level mode, else the one deciding the workload mode. */
function strictPolicyOn(e: EffectiveMtls, port: number): ObjectRef | undefined {
  if (bypassesSidecar(e, port)) return undefined;
  const portMode = e.portModes[String(port)];
  if (portMode !== undefined) return portMode === "STRICT" ? e.levels.find((l) => l.level === "workload")?.policy : undefined;
  return e.mode === "STRICT" ? e.decidedBy : undefined;
}

interface StrictService {
  service: Service;
  backends: Pod[];
  ports: Set<string>;
}

interface StrictIndex {
  /** PeerAuthentication refKey → Service key → what it makes STRICT. */
  byPolicy: Map<string, Map<string, StrictService>>;
  /** PeerAuthentication refKey → ports that bypass the sidecar on its servers. */
  bypassed: Map<string, Set<string>>;
}

function strictIndex(model: ClusterModel, ctx: MeshContext): StrictIndex {
  return model.memo("mesh.strictIndex", () => {
    const byPolicy = new Map<string, Map<string, StrictService>>();
    const bypassed = new Map<string, Set<string>>();
    const policies = ctx.peerAuthentications.map((p) => p.item);
    const servicesIn = new Map<string, Service[]>();
    for (const svc of model.resources.services) {
      const ns = svc.metadata.namespace ?? "default";
      servicesIn.set(ns, [...(servicesIn.get(ns) ?? []), svc]);
    }
    for (const pod of ctx.pods) {
      const m = ctx.members.get(podKey(pod));
      if (!m || m.sidecar === "none" || m.gateway) continue;
      const e = effectiveMtls(pod, policies, ctx.root);
      const ns = pod.metadata.namespace ?? "default";
      for (const svc of servicesIn.get(ns) ?? []) {
        if (svc.spec.type === "ExternalName" || !matchesServiceSelector(svc.spec.selector, pod.metadata.labels)) continue;
        for (const sp of svc.spec.ports ?? []) {
          const target = targetPortOn(pod, sp);
          if (target === undefined) continue;
          const label = `${ns}/${svc.metadata.name}:${sp.port} → ${target}`;
          if (bypassesSidecar(e, target) && e.decidedBy) {
            const key = refKey(e.decidedBy);
            bypassed.set(key, (bypassed.get(key) ?? new Set()).add(label));
          }
          const policy = strictPolicyOn(e, target);
          if (!policy) continue;
          const services = byPolicy.get(refKey(policy)) ?? new Map<string, StrictService>();
          byPolicy.set(refKey(policy), services);
          const key = `${ns}/${svc.metadata.name}`;
          const entry = services.get(key) ?? { service: svc, backends: [], ports: new Set<string>() };
          services.set(key, entry);
          if (!entry.backends.includes(pod)) entry.backends.push(pod);
          entry.ports.add(label);
        }
      }
    }
    return { byPolicy, bypassed };
  });
}

function peerAuthenticationSubject(model: ClusterModel, ctx: MeshContext, { item: pa, raw }: Parsed<PeerAuthentication>): SubjectFacts {
  const ref = paRef(pa);
  const selectorLabels = pa.spec.selector?.matchLabels ?? {};
  const hasSelector = Object.keys(selectorLabels).length > 0;
  const scope = hasSelector ? "workload" : ref.namespace === ctx.root ? "mesh" : "namespace";
  const index = strictIndex(model, ctx);
  const strict = [...(index.byPolicy.get(refKey(ref))?.values() ?? [])];
  const backends = strict.flatMap((s) => s.backends);

  // Only pods outside the mesh can be refused; the control plane calls nothing in the data plane.
  const refs = clientReferences(model, ctx);
  const plaintextByPod = new Map<string, Consumer>();
  const refusedServices: ObjectRef[] = [];
  for (const s of strict) {
    const key = `${s.service.metadata.namespace ?? "default"}/${s.service.metadata.name}`;
    const callers = [...refusedByServer(model, s.backends).clients.filter((c) => !ctx.members.get(podKey(c.pod))?.inMesh), ...refs.flatMap((r) => r.get(key) ?? [])];
    if (callers.length > 0) refusedServices.push(serviceRef(s.service));
    for (const c of callers) if (!plaintextByPod.has(podKey(c.pod))) plaintextByPod.set(podKey(c.pod), c);
  }
  const plaintext = [...plaintextByPod.values()];
  const byWorkload = new Map<string, { group: WorkloadGroup; consumer: Consumer }>();
  for (const c of plaintext) {
    const group = model.workloadOf(c.pod);
    if (!byWorkload.has(refKey(group.ref))) byWorkload.set(refKey(group.ref), { group, consumer: c });
  }
  const resets = plaintext.map((c) => resetLines(model, c.pod));
  const refused = refusedByServer(model, backends);

  const values: Record<string, unknown> = {
    "mesh.mode": (pa.spec.mtls?.mode ?? "UNSET").toUpperCase(),
    "mesh.scope": scope,
    "mesh.selector": hasSelector ? selectorToString(selectorLabels) : "",
    "mesh.strictServices": strict.map((s) => serviceRef(s.service)),
    "mesh.strictPorts": strict.flatMap((s) => [...s.ports]),
    "mesh.refusedServices": uniqueRefs(refusedServices),
    "mesh.plaintextClients": [...byWorkload.values()].map((w) => w.group.ref),
    "mesh.plaintextClientDetails": [...byWorkload.values()].map(({ group, consumer }) => `${workloadLabel(group)}: ${describeSource(consumer)}`),
    "mesh.plaintextRejections": refused.lines,
    "mesh.clientResetLines": resets.reduce((n, r) => n + r.count, 0),
    "mesh.unmeshedNamespaces": strict.length > 0 && plaintext.length === 0 ? unmeshedNamespaces(ctx) : [],
    "mesh.bypassedPorts": [...(index.bypassed.get(refKey(ref)) ?? [])],
  };
  const policyEvidence = model.evidence(raw, pa.spec.mtls ? "spec.mtls.mode" : "spec", `${ref.namespace}/${ref.name}: mtls.mode ${values["mesh.mode"]}${hasSelector ? ` for ${values["mesh.selector"]}` : ""}`);
  const evidence: Record<string, Evidence[]> = {
    "mesh.mode": [policyEvidence],
    "mesh.refusedServices": uniqueRefs(refusedServices).slice(0, 2).map((r) => model.service(r.namespace!, r.name)!).map((svc) => model.evidence(svc, "spec.selector", `${svc.metadata.name}: selects ${selectorToString(svc.spec.selector ?? {})} (pods with istio-proxy)`)),
    "mesh.strictServices": [policyEvidence],
    "mesh.plaintextClients": [policyEvidence, ...[...byWorkload.values()].slice(0, 5).map((w) => w.consumer.evidence)],
    "mesh.plaintextRejections": refused.samples,
    "mesh.clientResetLines": resets.flatMap((r) => r.samples).slice(0, 3),
    "mesh.unmeshedNamespaces": [policyEvidence],
  };
  const scopeRefs = uniqueRefs([...backends.map((p) => model.workloadOf(p).ref), ...plaintext.map((c) => model.workloadOf(c.pod).ref)]);
  return { kind: "PeerAuthentication", subject: ref, values, evidence, scope: scopeRefs };
}

/** Per pod outside the mesh (control plane aside): the Services it names, computed once per diagnosis. */
function clientReferences(model: ClusterModel, ctx: MeshContext): Map<string, Consumer>[] {
  return model.memo("mesh.clientReferences", () => {
    const lookup = serviceLookup(model.resources.services, ctx.domain);
    return ctx.pods.filter((p) => !ctx.members.get(podKey(p))?.inMesh && (p.metadata.namespace ?? "default") !== ctx.root).map((p) => serviceReferences(model, p, lookup));
  });
}

function describeSource(c: Consumer): string {
  if (c.via === "refused-by-server") return `refused by the server's sidecar (${c.evidence.file}:${c.evidence.line})`;
  if (c.via === "env") return `env ${c.evidence.excerpt.split(": ").slice(1).join(": ")}`;
  return `names the Service in its log (${c.evidence.file}:${c.evidence.line})`;
}

/** Application namespaces with running pods of which none is in the mesh (host-network pods aside: node agents). */
function unmeshedNamespaces(ctx: MeshContext): ObjectRef[] {
  const byNs = new Map<string, IstioMembership[]>();
  for (const p of ctx.pods) {
    const ns = p.metadata.namespace ?? "default";
    const m = ctx.members.get(podKey(p));
    if (!m || p.spec.hostNetwork || INFRASTRUCTURE_NAMESPACES.has(ns) || ns === ctx.root) continue;
    byNs.set(ns, [...(byNs.get(ns) ?? []), m]);
  }
  return [...byNs].filter(([, ms]) => ms.every((m) => !m.inMesh)).map(([ns]) => ns).sort().map((name) => ({ kind: "Namespace", name }));
}

function serviceRef(s: Service): ObjectRef {
  return { kind: "Service", namespace: s.metadata.namespace ?? "default", name: s.metadata.name };
}

// ----------------------------------------------------------- VirtualService

const CLUSTER_NOT_FOUND = meshSignals.filter((s) => s.id === "mesh.cluster-not-found");

/** 503 NC lines whose authority is one of the hosts or whose dialled address is a ClusterIP of the destinations. */
function noClusterLines(model: ClusterModel, hosts: string[], services: Service[], namespace: string, domain: string): { count: number; samples: Evidence[] } {
  const fqdns = new Set(hosts.map((h) => resolveIstioHost(h, namespace, domain)));
  const ips = new Set(services.flatMap((s) => [s.spec.clusterIP, ...(s.spec.clusterIPs ?? [])]).filter((ip): ip is string => !!ip && ip !== "None"));
  let count = 0;
  const samples: Evidence[] = [];
  for (const f of model.logs) {
    if (f.container !== "istio-proxy") continue;
    f.lines.forEach((line, i) => {
      if (!line.includes("cluster_not_found")) return;
      const hit = scanLines(f.path, [line], CLUSTER_NOT_FOUND).get("mesh.cluster-not-found");
      if (!hit) return;
      const authority = (hit.captures["authority"] ?? "").replace(/:\d+$/, "");
      const ip = (hit.captures["local"] ?? "").replace(/:\d+$/, "");
      if (!fqdns.has(resolveIstioHost(authority, f.namespace, domain)) && !ips.has(ip)) return;
      count++;
      if (samples.length < 3) samples.push({ file: f.path, line: i + 1, excerpt: hit.samples[0]!.excerpt });
    });
  }
  return { count, samples };
}

function virtualServiceSubject(model: ClusterModel, ctx: MeshContext, { item: vs, raw }: Parsed<VirtualService>): SubjectFacts {
  const namespace = vs.metadata.namespace ?? "default";
  const a = analyzeVirtualService(vs, ctx.destinationRules.map((d) => d.item), ctx.services);
  const undefinedSubsets = a.destinations
    .filter((d) => d.result === "subset-undefined" || d.result === "no-destination-rule")
    .map((d) => ({ path: d.path, host: d.fqdn, subset: d.subset ?? "", knownSubsets: d.knownSubsets, destinationRules: d.destinationRules.map((r) => `${r.namespace}/${r.name}`) }));
  const invalidWeights = a.weights.filter((w) => w.problem).map((w) => ({ path: w.path, weights: w.weights, sum: w.sum }));
  const destinationServices = uniqueRefs(a.destinations.flatMap((d) => {
    const s = ctx.services.byFqdn.get(d.fqdn);
    return s ? [serviceRef(s)] : [];
  }));
  const hosts = vs.spec.hosts ?? [];
  const services = destinationServices.map((r) => model.service(r.namespace!, r.name)).filter((s): s is Service => !!s);
  const nc = undefinedSubsets.length > 0 ? noClusterLines(model, [...hosts, ...undefinedSubsets.map((u) => u.host)], services, namespace, ctx.domain) : { count: 0, samples: [] };
  const values: Record<string, unknown> = {
    "mesh.hosts": hosts,
    "mesh.undefinedSubsets": undefinedSubsets,
    "mesh.invalidWeights": invalidWeights,
    "mesh.destinationServices": destinationServices,
    "mesh.missingDestinationHosts": [...new Set(a.destinations.filter((d) => d.result === "service-not-found").map((d) => d.fqdn))],
    "mesh.noClusterLines": nc.count,
  };
  const drEvidence = undefinedSubsets.flatMap((u) => u.destinationRules.slice(0, 1)).map((key) => {
    const dr = ctx.destinationRules.find((d) => `${d.item.metadata.namespace ?? "default"}/${d.item.metadata.name}` === key)!;
    return model.evidence(dr.raw, "spec.subsets", `${key}: subsets ${(dr.item.spec.subsets ?? []).map((s) => s.name).join(", ") || "(none)"}`);
  });
  const evidence: Record<string, Evidence[]> = {
    "mesh.undefinedSubsets": [...undefinedSubsets.slice(0, 3).map((u) => model.evidence(raw, u.path, `${namespace}/${vs.metadata.name}: destination ${u.host} subset ${u.subset}`)), ...drEvidence.slice(0, 2)],
    "mesh.invalidWeights": invalidWeights.slice(0, 3).map((w) => model.evidence(raw, `${w.path}.route`, `${namespace}/${vs.metadata.name}: weights ${w.weights.map((x) => x ?? "unset").join(" + ")} = ${w.sum}`)),
    "mesh.noClusterLines": nc.samples,
  };
  return { kind: "VirtualService", subject: { kind: "VirtualService", namespace, name: vs.metadata.name }, values, evidence, scope: destinationServices };
}

// ---------------------------------------------------------- DestinationRule

function destinationRuleSubject(model: ClusterModel, ctx: MeshContext, { item: dr, raw }: Parsed<DestinationRule>): SubjectFacts {
  const a = analyzeDestinationRule(dr, ctx.services, ctx.pods);
  const svc = ctx.services.byFqdn.get(a.fqdn);
  const ref = a.destinationRule;
  const values: Record<string, unknown> = {
    "mesh.host": a.host,
    "mesh.fqdn": a.fqdn,
    "mesh.hostKind": a.hostKind,
    "mesh.failoverWithoutOutlierDetection": a.failoverWithoutOutlierDetection,
    "mesh.service": svc ? serviceRef(svc) : null,
  };
  const evidence: Record<string, Evidence[]> = {
    "mesh.failoverWithoutOutlierDetection": a.failoverWithoutOutlierDetection.slice(0, 3).map((f) => model.evidence(raw, f.path, `${ref.namespace}/${ref.name}: ${f.setting} at ${f.path}, no outlierDetection`)),
    "mesh.hostKind": [model.evidence(raw, "spec.host", `${ref.namespace}/${ref.name}: host ${a.host}`)],
  };
  return { kind: "DestinationRule", subject: ref, values, evidence, scope: svc ? [serviceRef(svc)] : [] };
}

// ---------------------------------------------------------------- Namespace

function namespaceInjection(ns: Namespace): string {
  const l = ns.metadata.labels;
  if (l["istio-injection"] === "enabled") return "istio-injection=enabled";
  if (l["istio-injection"] === undefined && l["istio.io/rev"]) return `istio.io/rev=${l["istio.io/rev"]}`;
  const linkerd = ns.metadata.annotations["linkerd.io/inject"];
  if (linkerd === "enabled" || linkerd === "ingress") return `linkerd.io/inject=${linkerd}`;
  return "";
}

interface PodVerdict {
  pod: Pod;
  proxy: "istio-proxy" | "linkerd-proxy";
  decidedBy: string;
  problem: "missing" | "unexpected";
}

function podVerdicts(ctx: MeshContext, model: ClusterModel, pods: readonly Pod[]): PodVerdict[] {
  const out: PodVerdict[] = [];
  for (const pod of pods) {
    const ns = model.namespace(pod.metadata.namespace ?? "default");
    const istio = ctx.members.get(podKey(pod));
    if (istio?.mismatch === "sidecar-missing" && !istio.ambient) out.push({ pod, proxy: "istio-proxy", decidedBy: istio.decidedBy, problem: "missing" });
    else if (istio?.mismatch === "sidecar-unexpected") out.push({ pod, proxy: "istio-proxy", decidedBy: istio.decidedBy, problem: "unexpected" });
    const linkerd = linkerdMembership(pod, ns);
    if (linkerd.mismatch === "proxy-missing") out.push({ pod, proxy: "linkerd-proxy", decidedBy: linkerd.decidedBy, problem: "missing" });
    else if (linkerd.mismatch === "proxy-unexpected") out.push({ pod, proxy: "linkerd-proxy", decidedBy: linkerd.decidedBy, problem: "unexpected" });
  }
  return out;
}

function namespaceSubject(model: ClusterModel, ctx: MeshContext, ns: Namespace): SubjectFacts {
  const name = ns.metadata.name;
  const pods = ctx.pods.filter((p) => (p.metadata.namespace ?? "default") === name);
  const verdicts = podVerdicts(ctx, model, pods);
  const missing = new Map<string, { group: WorkloadGroup; proxy: string; decidedBy: string; pods: Pod[] }>();
  for (const v of verdicts.filter((x) => x.problem === "missing")) {
    const group = model.workloadOf(v.pod);
    const key = `${refKey(group.ref)}|${v.proxy}`;
    const entry = missing.get(key) ?? { group, proxy: v.proxy, decidedBy: v.decidedBy, pods: [] };
    entry.pods.push(v.pod);
    missing.set(key, entry);
  }
  const entries = [...missing.values()];
  const unexpected = uniqueRefs(verdicts.filter((v) => v.problem === "unexpected").map((v) => model.workloadOf(v.pod).ref));
  const values: Record<string, unknown> = {
    "mesh.injection": namespaceInjection(ns),
    "mesh.workloadsWithoutSidecar": uniqueRefs(entries.map((e) => e.group.ref)),
    "mesh.missingSidecars": entries.map((e) => ({ workload: e.group.ref, proxy: e.proxy, pods: e.pods.length, of: e.group.pods.filter((p) => ctx.members.has(podKey(p))).length, decidedBy: e.decidedBy })),
    "mesh.podsWithoutSidecar": entries.reduce((n, e) => n + e.pods.length, 0),
    "mesh.unexpectedSidecars": unexpected,
  };
  const nsEvidence = model.evidence(ns, "metadata.labels", `${name}: ${namespaceInjection(ns) || "no injection label"}`);
  const evidence: Record<string, Evidence[]> = {
    "mesh.workloadsWithoutSidecar": [
      ...(namespaceInjection(ns) ? [nsEvidence] : []),
      ...entries.slice(0, 4).map((e) => model.evidence(e.pods[0]!, "spec.containers", `${e.pods[0]!.metadata.name}: containers ${e.pods[0]!.spec.containers.map((c) => c.name).join(", ")} (no ${e.proxy}; ${e.decidedBy})`)),
    ],
  };
  return { kind: "Namespace", subject: { kind: "Namespace", name }, values, evidence, scope: entries.map((e) => e.group.ref) };
}

// ------------------------------------------------------------------ builder

function usesMesh(model: ClusterModel, ctx: MeshContext): boolean {
  return ctx.peerAuthentications.length + ctx.virtualServices.length + ctx.destinationRules.length > 0 || model.resources.pods.some((p) => [...p.spec.containers, ...(p.spec.initContainers ?? [])].some((c) => c.name === "istio-proxy" || c.name === "linkerd-proxy")) || model.resources.namespaces.some((n) => namespaceInjection(n) !== "");
}

export const meshFacts: FactBuilder = {
  layer: "mesh",
  facts: [...peerAuthenticationFacts, ...virtualServiceFacts, ...destinationRuleFacts, ...namespaceFacts],
  *build(model) {
    const ctx = meshContext(model);
    for (const pa of ctx.peerAuthentications) yield peerAuthenticationSubject(model, ctx, pa);
    for (const vs of ctx.virtualServices) yield virtualServiceSubject(model, ctx, vs);
    for (const dr of ctx.destinationRules) yield destinationRuleSubject(model, ctx, dr);
    if (!usesMesh(model, ctx)) return;
    for (const ns of model.resources.namespaces) yield namespaceSubject(model, ctx, ns);
  },
  notes(model) {
    const ctx = meshContext(model);
    const notes = [...ctx.notes];
    for (const { item } of ctx.destinationRules) {
      const a = analyzeDestinationRule(item, ctx.services, ctx.pods);
      const ref = `DestinationRule ${a.destinationRule.namespace}/${a.destinationRule.name}`;
      if (a.hostKind === "missing" || a.hostKind === "wildcard-matches-nothing") notes.push(`${ref}: host ${a.host} (${a.fqdn}) matches no Service, so its policy applies to nothing`);
      if (a.emptySubsets.length > 0) notes.push(`${ref}: subsets ${a.emptySubsets.join(", ")} select no running pod (requests routed there get 503 UH)`);
    }
    for (const { item } of ctx.virtualServices) {
      const missing = [...new Set(analyzeVirtualService(item, ctx.destinationRules.map((d) => d.item), ctx.services).destinations.filter((d) => d.result === "service-not-found").map((d) => d.fqdn))];
      if (missing.length > 0) notes.push(`VirtualService ${item.metadata.namespace ?? "default"}/${item.metadata.name}: destination ${missing.join(", ")} is no Service of the snapshot`);
    }
    const bypass = [...strictIndex(model, ctx).bypassed.values()].flatMap((s) => [...s]);
    if (bypass.length > 0) notes.push(`ports the Istio sidecar does not intercept (traffic.sidecar.istio.io/excludeInboundPorts or includeInboundPorts) accept plaintext whatever the PeerAuthentication says: ${[...new Set(bypass)].slice(0, 5).join(", ")}`);
    const unexpected = uniqueRefs(podVerdicts(ctx, model, ctx.pods).filter((v) => v.problem === "unexpected").map((v) => model.workloadOf(v.pod).ref));
    if (unexpected.length > 0) notes.push(`${unexpected.map((r) => `${r.kind} ${r.namespace}/${r.name}`).slice(0, 5).join(", ")} carry a mesh sidecar although injection is not enabled for them (manual injection, or the label was removed since they started)`);
    return notes;
  },
};
